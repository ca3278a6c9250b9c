"""pyopenssl: Python wrapper module around the OpenSSL library; pure Python (setuptools).
Published in the index as the seed does; it needs cryptography, a Rust package not built
here (README: "Rust packages"), so pip cannot install it from our index alone and its test
does not run."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pyopenssl",
    version="25.1.0",
    source=Sdist("pyopenssl", sha256="8d031884482e0c67ee92bf9a4d8cceb08d92aba7136432ffb0703c5280fc205b"),
    test=Test("tests/pyopenssl.py", expect="pyopenssl test OK",
              skip="needs cryptography, a Rust package this project cannot build yet "
              "(README: Rust packages)"),
)

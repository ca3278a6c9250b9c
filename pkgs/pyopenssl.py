"""pyopenssl: Python wrapper module around the OpenSSL library; pure Python (setuptools),
installed with cryptography (a Rust package built by this project) from our index."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pyopenssl",
    version="25.1.0",
    source=Sdist("pyopenssl", sha256="8d031884482e0c67ee92bf9a4d8cceb08d92aba7136432ffb0703c5280fc205b"),
    test=Test("tests/pyopenssl.py", expect="pyopenssl test OK"),
)

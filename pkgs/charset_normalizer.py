"""charset-normalizer: encoding detection (requests' default); setuptools, with the mess
detector (md.py) compiled by mypyc into a native module, as the seed builds it."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    name="charset-normalizer",
    version="3.4.3",
    source=Sdist("charset_normalizer",
                 sha256="6fce4b8500244f6fcb71465d4a4930d132ba9ab8e71a7859e6a5d59851068d14"),
    native=True,
    test=Test("tests/charset-normalizer.py", expect="charset-normalizer test OK"),
)
def charset_normalizer(b: WheelBuild) -> None:
    # CHARSET_NORMALIZER_USE_MYPYC=1: the sdist's backend (_mypyc_hook) adds mypy to the
    # build requirements and setup.py mypycifies md.py. The cross pip installs mypy for the
    # target's tags, i.e. mypy's pure-Python wheel, which runs on the build machine like any
    # Python tool: it translates md.py to C, and the crossenv's compiler settings build that
    # C (and mypyc's runtime library) into wasm32 modules md and md__mypyc
    b.pip_wheel(env={"CHARSET_NORMALIZER_USE_MYPYC": "1"})

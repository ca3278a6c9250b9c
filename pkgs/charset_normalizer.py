"""charset-normalizer: encoding detection (requests' default); setuptools, optionally
compiled with mypyc."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    name="charset-normalizer",
    version="3.4.3",
    source=Sdist("charset_normalizer",
                 sha256="6fce4b8500244f6fcb71465d4a4930d132ba9ab8e71a7859e6a5d59851068d14"),
    native=False,
    version_note="built as pure Python for now: the seed builds it with "
    "CHARSET_NORMALIZER_USE_MYPYC=1 (md.py compiled by mypyc into a native module); that "
    "native build is pending",
    test=Test("tests/charset-normalizer.py", expect="charset-normalizer test OK"),
)
def charset_normalizer(b: WheelBuild) -> None:
    b.pip_wheel(env={"CHARSET_NORMALIZER_USE_MYPYC": "0"})

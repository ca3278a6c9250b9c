"""regex: the alternative regular expression module; setuptools with one C extension
(_regex, with its Unicode tables in _regex_unicode.c)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2025.7.31",
    source=Sdist("regex", sha256="80a1af156ea8670ae63184e5c112b481326ece1879e09447f6fbb49d1b49330b"),
    # regex has no pure-Python engine: without _regex the package cannot work at all
    native=True,
    test=Test("tests/regex.py", expect="regex test OK"),
)
def regex(b: WheelBuild) -> None:
    # a plain setup.py Extension with no library and no configuration (the patch gives
    # three methods and two getters the signatures CPython calls them with: wasm traps on
    # a mismatched indirect call where native ABIs ignore the extra argument)
    b.setuptools()

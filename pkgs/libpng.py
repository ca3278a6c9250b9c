"""libpng: PNG reference library; links zlib."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="1.6.48",
    # Debian's orig of libpng 1.6.48 (the release tarball as Debian received it)
    source=Debian("libpng1.6", "1.6.48-1+deb13u6",
                  sha256="b17e99026055727e8cba99160c3a9a7f9af788e9f786daeadded5a42243f1dd0"),
    libs=["zlib"],
    catalog_version="1.6.50",
    version_note="1.6.50 cannot be had here (no registry holds it); Debian trixie's 1.6.48 "
    "is the nearest release",
    test=Test("tests/libpng.c", pkg_config=("libpng16",), expect="roundtrip OK"),
)
def libpng(b: LibBuild) -> None:
    # with WASIX, setjmp/longjmp work: libpng keeps its longjmp error handling
    b.autotools("--disable-tools", "--disable-tests")

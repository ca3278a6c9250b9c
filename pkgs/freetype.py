"""freetype: font loading and rasterization (CMake; the static library, no optional
dependencies)."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="2.13.3",
    # Debian's +dfsg orig of the release (the docs' fonts and a few files removed); no
    # upstream host is reachable here, so the orig is pinned directly
    source=Debian("freetype", "2.13.3+dfsg-1+deb13u2",
                  sha256="686ec73cbf6783b245dd068a09ce807b729ac0f8a46dd70f7867923c32fdf4de"),
    test=Test("tests/freetype.c", pkg_config=("freetype2",), expect="freetype test OK"),
    catalog_version="2.6.1 (bundled by matplotlib)",
    version_note="stands in for the copy matplotlib bundles: its meson build downloads "
    "freetype 2.6.1 through a subproject wrap, which cannot be downloaded here, so matplotlib "
    "is built with system-freetype=true against this recipe; 2.13.3 is Debian's (trixie) "
    "release, and 2.6.1 is in no archive reachable here",
)
def freetype(b: LibBuild) -> None:
    b.cmake({
        # no zlib, bzip2, libpng, HarfBuzz or Brotli: matplotlib's own freetype build
        # leaves them out as well (compressed PCF, PNG color glyphs, WOFF2 are not needed)
        "FT_DISABLE_ZLIB": True, "FT_DISABLE_BZIP2": True, "FT_DISABLE_PNG": True,
        "FT_DISABLE_HARFBUZZ": True, "FT_DISABLE_BROTLI": True,
    })

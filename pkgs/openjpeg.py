"""openjpeg: the JPEG 2000 codec library libopenjp2 (CMake), static; no codec tools."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="2.5.3",
    source=Url(
        "https://github.com/uclouvain/openjpeg/archive/refs/tags/v2.5.3.tar.gz",
        # the upstream file's published sha256; the upstream host cannot be reached here,
        # so no build on this machine has checked it: what is built is the repack below
        sha256="368fe0468228e767433c9ebdea82ad9d801a3ad1e4234421f352c8b06e7aa707",
        # Debian's orig of 2.5.3 is the same tree recompressed as .tar.xz: a declared
        # substitute, verified by its own sha256 and announced on every build
        backup=Debian("openjpeg2", "2.5.3-2.1~deb13u2",
                      sha256="3100f0316e922630112cf6d72c0c20776896e64ad7eab72c2f713c460287eb92"),
    ),
    test=Test("tests/openjpeg.c", pkg_config=("libopenjp2",), expect="roundtrip OK"),
)
def openjpeg(b: LibBuild) -> None:
    b.cmake({
        # the library only: the codec tools (opj_compress, ...) would want libpng, libtiff
        # and lcms2, and the bundled third-party copies of them are not wanted either
        "BUILD_CODEC": False, "BUILD_THIRDPARTY": False, "BUILD_TESTING": False,
        "BUILD_STATIC_LIBS": True, "BUILD_DOC": False,
        # WASIX has pthreads: multi-threaded tile decoding
        "OPJ_USE_THREAD": True,
    })

"""tinyxml2: a small C++ XML parser (CMake), static and shared as in the seed."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="11.0.0",
    source=Url(
        "https://github.com/leethomason/tinyxml2/archive/refs/tags/11.0.0.tar.gz",
        # the upstream file's published sha256; the upstream host cannot be reached here,
        # so no build on this machine has checked it: what is built is the repack below
        sha256="5556deb5081fb246ee92afae73efd943c889cef0cafea92b0b82422d6a18f289",
        # Debian's +dfsg repack of 11.0.0 (some upstream files removed, e.g. no docs/): a
        # declared substitute, verified by its own sha256 and announced on every build
        backup=Debian("tinyxml2", "11.0.0+dfsg-1",
                      sha256="1346241d0891464c44ce6838527bdc616f96da308d128d6e9a6ec6987db2ac8a"),
    ),
    test=Test("tests/tinyxml2.cpp", pkg_config=("tinyxml2",), expect="parse OK"),
)
def tinyxml2(b: LibBuild) -> None:
    options = {"BUILD_TESTING": False, "tinyxml2_BUILD_TESTING": False}
    # upstream builds one kind per configure: the static archive, then the shared object
    # (each installs its own tinyxml2-<kind>-targets.cmake; tinyxml2-config.cmake picks one)
    b.cmake(options)
    b.cmake({
        **options,
        # CMake's WASI platform knows no soname flag; wasm-ld takes --soname, which gives
        # the versioned names (libtinyxml2.so.11.0.0, .so.11)
        "CMAKE_SHARED_LIBRARY_SONAME_CXX_FLAG": "-Wl,--soname=",
    }, shared=True)
    # no unversioned development link: `-ltinyxml2` in a PIE main module would take the side
    # module (wasm-ld prefers .so) and need it at run time; consumers link the archive
    b.remove(f"{b.libdir}/libtinyxml2.so")

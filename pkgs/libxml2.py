"""libxml2: the GNOME XML parser and toolkit (CMake), static archive plus versioned shared
object as in the seed; no Python bindings, programs or tests."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="2.15.4",
    # Debian's +dfsg orig of libxml2 2.15.4 (the upstream release with a few files removed
    # for licence reasons); the upstream tarball's own sha256 cannot be checked here
    source=Debian("libxml2", "2.15.4+dfsg-1",
                  sha256="5868d20db42ee21e4881bc53050c7fa226286a277cb3d0543f76b81f7571e934"),
    catalog_version="2.14.5",
    version_note="2.14.5 cannot be had here (Debian has 2.9.14 and 2.15.4, no other registry "
    "holds it); 2.15.4 is the nearest release, one minor series later (it reads no "
    "compressed files, so it links neither zlib nor liblzma)",
    test=Test("tests/libxml2.c", pkg_config=("libxml-2.0",), expect="xpath OK"),
)
def libxml2(b: LibBuild) -> None:
    options = {
        # the library only: no Python bindings, xmllint/xmlcatalog or test programs
        "LIBXML2_WITH_PYTHON": False, "LIBXML2_WITH_PROGRAMS": False,
        "LIBXML2_WITH_TESTS": False,
        "LIBXML2_WITH_THREADS": True,
        # wasix-libc's iconv loses output when converting to UTF-8 in the "C" locale (every
        # non-ASCII character takes the byte before it along): libxml2's own tables convert
        # ISO-8859-1 to -16, UTF-16, ASCII and HTML instead, in any locale
        "LIBXML2_WITH_ICONV": False, "LIBXML2_WITH_ISO8859X": True,
        # project() unsets the toolchain file's UNIX: without it libm goes missing from the
        # link and from libxml-2.0.pc
        "UNIX": True,
    }
    # one kind per configure: the shared object first, with the versioned names wasm-ld's
    # --soname gives (libxml2.so.16.x; CMake's WASI platform has no soname flag)
    b.cmake({**options, "CMAKE_SHARED_LIBRARY_SONAME_C_FLAG": "-Wl,--soname="}, shared=True)
    # then the static archive, whose install writes the CMake targets file last: the CMake
    # package names the archive, which consumers link
    b.cmake(options)
    # no unversioned development link (wasm-ld prefers .so when linking a PIE main module)
    b.remove(f"{b.libdir}/libxml2.so")

"""libxslt: XSLT 1.0 processor of the GNOME project, with libexslt (CMake), static archives
plus versioned shared objects as in the seed; no Python bindings, no crypto functions."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="1.1.45",
    # Debian's orig of libxslt 1.1.45 (the upstream release tarball as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("libxslt", "1.1.45-0.1",
                  sha256="9acfe68419c4d06a45c550321b3212762d92f41465062ca4ea19e632ee5d216e"),
    libs=["libxml2"],
    catalog_version="1.1.43",
    version_note="1.1.43 cannot be had here (Debian has 1.1.35 and 1.1.45, no other registry "
    "holds it); 1.1.45 is the nearest release, two bug-fix releases later. The seed's xz "
    "and zlib were libxml2's dependencies: libxml2 2.15 has none",
    test=Test("tests/libxslt.c", pkg_config=("libxslt", "libexslt"), expect="transform OK"),
)
def libxslt(b: LibBuild) -> None:
    options = {
        # the libraries only: no Python bindings, xsltproc or test programs; no libgcrypt
        "LIBXSLT_WITH_PYTHON": False, "LIBXSLT_WITH_PROGRAMS": False,
        "LIBXSLT_WITH_TESTS": False, "LIBXSLT_WITH_CRYPTO": False,
        "LIBXSLT_WITH_THREADS": True,
        # project() unsets the toolchain file's UNIX: without it libm goes missing from the
        # link and from the .pc files
        "UNIX": True,
    }
    # libxml2's CMake package names its static archive (what consumers link); the side
    # modules below link libxml2's side module instead, so they need libxml2.so.16 rather
    # than carrying a second copy of libxml2
    use_shared_libxml2 = b.write("libxml2-shared.cmake", "\n".join([
        "find_package(LibXml2 CONFIG REQUIRED)",
        "get_target_property(_archive LibXml2::LibXml2 IMPORTED_LOCATION_RELEASE)",
        'string(REGEX REPLACE "[.]a$" ".so.16" _side_module "${_archive}")',
        'set_target_properties(LibXml2::LibXml2 PROPERTIES IMPORTED_LOCATION_RELEASE '
        '"${_side_module}")',
        "",
    ]))
    # one kind per configure: the shared objects first, with the versioned names wasm-ld's
    # --soname gives (libxslt.so.1.1.45, libexslt.so.0.8.25; CMake's WASI platform has no
    # soname flag; the ELF version script is dropped by the toolchain's wasm-ld)
    b.cmake({**options, "CMAKE_SHARED_LIBRARY_SONAME_C_FLAG": "-Wl,--soname=",
             "CMAKE_PROJECT_INCLUDE": str(use_shared_libxml2)}, shared=True)
    # then the static archives, whose install writes the CMake targets file last: the CMake
    # package names the archives, which consumers link
    b.cmake(options)
    # no unversioned development links (wasm-ld prefers .so when linking a PIE main module)
    b.remove(f"{b.libdir}/libxslt.so", f"{b.libdir}/libexslt.so")
    # the whole doc/ folder of the source is installed unconditionally (HTML, images, the
    # API XML, the xsltproc manual); the man pages of the libraries stay
    b.remove(f"{b.prefix}/share/doc/libxslt")

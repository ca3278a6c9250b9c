"""geos: computational geometry (CMake, C++ with exceptions): libgeos and its C API
libgeos_c, static archives plus versioned shared objects (the seed ships the shared objects
for shapely)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="3.13.1",
    source=Url(
        "https://download.osgeo.org/geos/geos-3.13.1.tar.bz2",
        sha256="df2c50503295f325e7c8d7b783aca8ba4773919cde984193850cf9e361dfd28c",
        # Debian's orig is the release tarball itself (byte-identical)
        backup=Debian("geos", "3.13.1-1"),
    ),
    test=Test("tests/geos.c", pkg_config=("geos",), expect="geometry OK"),
)
def geos(b: LibBuild) -> None:
    options = {
        # the libraries only: no geosop tool, unit tests, benchmarks or documentation
        "BUILD_TESTING": False, "BUILD_GEOSOP": False, "BUILD_BENCHMARKS": False,
        "BUILD_DOCUMENTATION": False, "BUILD_ASTYLE": False,
        # no build-tree rpath in the side modules (the seed's "no rpath")
        "CMAKE_SKIP_RPATH": True,
        # inline functions hidden: a C++ exception thrown from an inline function (GEOS's
        # WKB reader) is otherwise not caught in a side module, which calls its own
        # default-visibility inline functions through imports, and Wasmer does not carry an
        # exception back across such a call (shapely's truncated-WKB case aborted)
        "CMAKE_VISIBILITY_INLINES_HIDDEN": True,
    }
    # upstream builds one kind per configure. The shared objects first: CMake's WASI platform
    # knows no soname flag, wasm-ld takes --soname, which gives the versioned names
    # (libgeos.so.3.13.1, whose soname is its full version; libgeos_c.so.1.19.2 and .so.1)
    b.cmake({
        **options,
        "CMAKE_SHARED_LIBRARY_SONAME_C_FLAG": "-Wl,--soname=",
        "CMAKE_SHARED_LIBRARY_SONAME_CXX_FLAG": "-Wl,--soname=",
        # libgeos_c.so links libgeos.so, which exports libunwind's thread-local landing-pad
        # context `__wasm_lpad_context`: wasm-ld would bind libgeos_c's exception code to
        # that import, which cannot be thread-local, and fail. Taking libunwind's member
        # first (before libgeos.so is read) gives each side module its own copy, as it has
        # its own copy of the rest of the C++ runtime.
        "CMAKE_SHARED_LINKER_FLAGS": "-Wl,--undefined=__wasm_lpad_context -lunwind",
    }, shared=True)
    # then the static archives: their install writes geos-targets.cmake last, so the CMake
    # package names the archives, which consumers link (as everywhere in this project)
    b.cmake(options)
    # no unversioned development links: `-lgeos_c` in a PIE main module would take the side
    # module (wasm-ld prefers .so) and need it at run time
    b.remove(f"{b.libdir}/libgeos.so", f"{b.libdir}/libgeos_c.so")
    # geos.pc names GNU's C++ runtime; a program linking the archives here needs libc++,
    # libc++abi and the unwinder for GEOS's exceptions (clang adds no -lunwind, and a C
    # program gets no C++ runtime at all)
    b.substitute(f"{b.libdir}/pkgconfig/geos.pc", "-lstdc++", "-lc++ -lc++abi -lunwind")

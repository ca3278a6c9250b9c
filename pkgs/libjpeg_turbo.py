"""libjpeg-turbo: the libjpeg and TurboJPEG APIs (CMake; no SIMD for wasm32), static
archives plus shared objects (the seed ships libjpeg.so for runtime use)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="3.1.3",
    source=Url(
        "https://github.com/libjpeg-turbo/libjpeg-turbo/archive/refs/tags/3.1.3.tar.gz",
        sha256="3a13a5ba767dc8264bc40b185e41368a80d5d5f945944d1dbaa4b2fb0099f4e5",
        # Debian's orig is GitHub's tag archive itself (byte-identical)
        backup=Debian("libjpeg-turbo", "1:3.1.3-4"),
    ),
    catalog_version="3.1.1",
    version_note="3.1.1 cannot be had here (Debian has 2.1.5 and 3.1.3, no other registry "
    "holds it); 3.1.3 is the nearest release, two bug-fix releases later in the same 3.1 series",
    test=Test("tests/libjpeg-turbo.c", pkg_config=("libjpeg", "libturbojpeg"),
              expect="roundtrip OK"),
)
def libjpeg_turbo(b: LibBuild) -> None:
    b.cmake({
        "ENABLE_STATIC": True, "ENABLE_SHARED": True,
        # no SIMD code for wasm32; the command-line tools and regression tests are not needed
        "WITH_SIMD": False, "WITH_TOOLS": False, "WITH_TESTS": False,
        # CMake's WASI platform knows no soname flag, so it would give the side modules no
        # version; wasm-ld takes --soname: libjpeg.so.62.4.0 with its .so.62 link, as on Linux
        "CMAKE_SHARED_LIBRARY_SONAME_C_FLAG": "-Wl,--soname=",
    })
    # The unversioned development links go: a main module linked with `-ljpeg` would
    # otherwise take the side module (wasm-ld prefers .so when linking PIE) and need
    # libjpeg.so at run time. Consumers link the static archives, as everywhere in this
    # project; the versioned side modules are what is loaded at run time.
    b.remove(f"{b.libdir}/libjpeg.so", f"{b.libdir}/libturbojpeg.so")

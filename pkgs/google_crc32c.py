"""google-crc32c: Google's CRC32C (Castagnoli) library (CMake, C++ with a C API), static
archive plus a versioned shared object as in the seed; the portable code on wasm32 (no SSE4.2
or ARM CRC instructions). Upstream ships no .pc file: one is written."""

from wasixtasks.recipe import Git, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="1.1.2",
    # tag 1.1.2 (its CMake project still says 1.1.0, hence the .so version); the git mirror
    source=Git("https://github.com/google/crc32c",
               commit="02e65f4fd3065d27b2e29324800ca6d04df16126"),
    test=Test("tests/google-crc32c.c", pkg_config=("crc32c",), expect="test vectors OK"),
)
def google_crc32c(b: LibBuild) -> None:
    options: dict[str, bool | str] = {
        # no unit tests, benchmarks or glog (their submodules are not in the checkout)
        "CRC32C_BUILD_TESTS": False, "CRC32C_BUILD_BENCHMARKS": False,
        "CRC32C_USE_GLOG": False, "CRC32C_INSTALL": True,
        # cmake_minimum_required(VERSION 3.1): CMake 4 needs the policy floor raised
        "CMAKE_POLICY_VERSION_MINIMUM": "3.5",
    }
    # one kind per configure: the shared object first, with the versioned names wasm-ld's
    # --soname gives (libcrc32c.so.1.1.0, .so.1; CMake's WASI platform has no soname flag)
    b.cmake({**options, "CMAKE_SHARED_LIBRARY_SONAME_CXX_FLAG": "-Wl,--soname="},
            shared=True)
    # then the static archive, whose install writes Crc32cTargets.cmake last: the CMake
    # package names the archive, which consumers link
    b.cmake(options)
    # no unversioned development link (wasm-ld prefers .so when linking a PIE main module)
    b.remove(f"{b.libdir}/libcrc32c.so")
    # (C++ source, but the archive needs nothing of the C++ runtime: C programs link it as is)
    b.write_pc("crc32c", libs="-lcrc32c", description="CRC32C (Castagnoli) checksums")

"""rapidjson: header-only C++ JSON library (CMake installs the headers, RapidJSON.pc and
RapidJSONConfig.cmake; nothing is compiled)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="1.1.0",
    source=Url(
        "https://github.com/Tencent/rapidjson/archive/refs/tags/v1.1.0.tar.gz",
        # the upstream file's published sha256; the upstream host cannot be reached here,
        # so no build on this machine has checked it: what is built is the repack below
        sha256="bf7ced29704a1e696fbccf2a2b4ea068e7774fa37f6d7dd4039d0787f8bed98e",
        # Debian's +dfsg2 repack of 1.1.0 (some upstream files removed, e.g. the bundled
        # gtest): a declared substitute, verified by its own sha256 and announced on builds
        backup=Debian("rapidjson", "1.1.0+dfsg2-7.4",
                      sha256="92aa6402743012e5f2c3db17def1ff5273df4f3ca7a8f8ed9f1041d392c14ce7"),
    ),
    catalog_version="1.1.0 + 2 cherry-picks",
    version_note="the 1.1.0 release plus one patch of ours (GenericStringRef's copy "
    "assignment, which clang 19+ rejects); the catalog does not name the seed's two "
    "cherry-picked commits, so they are not applied",
    test=Test("tests/rapidjson.cpp", pkg_config=("RapidJSON",), expect="roundtrip OK"),
)
def rapidjson(b: LibBuild) -> None:
    cmake_dir = f"{b.libdir}/cmake/RapidJSON"
    b.cmake({
        "RAPIDJSON_BUILD_DOC": False, "RAPIDJSON_BUILD_EXAMPLES": False,
        "RAPIDJSON_BUILD_TESTS": False,
        # its own (absolute) install variables, not GNUInstallDirs
        "INCLUDE_INSTALL_DIR": b.includedir, "LIB_INSTALL_DIR": b.libdir,
        "CMAKE_INSTALL_DIR": cmake_dir,
        # cmake_minimum_required(VERSION 2.8): CMake 4 needs this to configure it
        "CMAKE_POLICY_VERSION_MINIMUM": "3.5",
        # RapidJSON.pc is only installed `IF (UNIX OR CYGWIN)`; project() unsets the UNIX
        # the toolchain file sets (CMakeSystemSpecificInitialize), a cache entry survives it
        "UNIX": True,
    })
    # the include path relative to the installed Config.cmake (lib/wasm32-wasi/cmake/RapidJSON)
    b.substitute(f"{cmake_dir}/RapidJSONConfig.cmake", f'"{b.includedir}"',
                 '"${RAPIDJSON_CMAKE_DIR}/../../../../include"')
    # RapidJSON.pc has only includedir=: give it the seed's variables
    b.substitute(f"{b.libdir}/pkgconfig/RapidJSON.pc", f"includedir={b.includedir}\n",
                 f"prefix={b.prefix}\nexec_prefix=${{prefix}}\n"
                 f"libdir=${{exec_prefix}}{b.libdir[len(b.prefix):]}\n"
                 f"includedir=${{prefix}}{b.includedir[len(b.prefix):]}\n")

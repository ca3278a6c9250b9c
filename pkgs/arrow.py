"""arrow, arrow19-0-1: Apache Arrow's C++ library (CMake, C++ with exceptions and threads), the
two lines pyarrow 21.0.0 and 19.0.1 link. Static archives only, as in the seed, with the
seed's components (CMake preset `ninja-release-python-minimal`: compute, CSV, filesystem,
JSON, plus IPC, on by default). Both install the same file names under /usr/local: they
cannot share a sysroot, and no package links both.

One file declares both recipes: they are one build with the same options (a change here
rebuilds both, as it should)."""

from wasixtasks.recipe import Test, Url, library
from wasixtasks.stages import LibBuild

# The mirror's `git archive` of the release tag's C++ tree (cpp/, format/, LICENSE.txt,
# NOTICE.txt; top folder apache-arrow-VERSION/). No upstream host publishes this file: the
# URL names the release on the upstream host with the mirror's file name, so a machine
# without the mirror gets a clear "put the file into a mirror folder" error; the sha256 is
# the mirror file's.
_RELEASES = "https://github.com/apache/arrow/releases/download"


def _source(version: str, sha256: str) -> Url:
    return Url(f"{_RELEASES}/apache-arrow-{version}/apache-arrow-{version}-cpp.tar.xz",
               sha256=sha256)


@library(
    version="21.0.0",
    # tag apache-arrow-21.0.0 = ee4d09ebef61c663c1efbfa4c18e518a03b798be
    source=_source("21.0.0", "00bdcf5364e161dff80c413352222f239b4a1e59c7499d56ca4206844336ad8c"),
    libs=["rapidjson"],
    test=Test("tests/arrow.cpp", pkg_config=("arrow-compute",), expect="arrow OK"),
)
def arrow(b: LibBuild) -> None:
    # CMakeLists.txt reads the repository's top-level .env (the clang-format/clang-tidy
    # version for its lint targets), which the C++ tree archive does not hold: none is used
    (b.source_dir / ".env").write_text("")
    tags = {"21.0.0": "ee4d09ebef61c663c1efbfa4c18e518a03b798be",
            "19.0.1": "272715f6df2a042d69881ffa03d5078c58e4b345"}
    b.cmake({
        # the seed's preset: static archives only (pyarrow links them whole-archive into its
        # own side module), the python-minimal components, IPC (default on)
        "ARROW_BUILD_STATIC": True, "ARROW_BUILD_SHARED": False,
        "ARROW_COMPUTE": True, "ARROW_CSV": True, "ARROW_FILESYSTEM": True,
        "ARROW_JSON": True, "ARROW_IPC": True,
        "ARROW_MIMALLOC": False, "ARROW_JEMALLOC": False,
        "ARROW_WITH_RE2": False, "ARROW_WITH_UTF8PROC": False,
        # every dependency from the sysroot (the only one left is RapidJSON, for JSON):
        # BUNDLED/AUTO would download sources at build time, and there is no network
        "ARROW_DEPENDENCY_SOURCE": "SYSTEM", "ARROW_DEPENDENCY_USE_SHARED": False,
        # upstream stops at "Unknown system processor" for wasm32 (the seed patched that
        # check); the flag is a cache variable that check honours. No SIMD level then, and
        # so no xsimd dependency
        "ARROW_CPU_FLAG": "wasm32", "ARROW_SIMD_LEVEL": "NONE",
        "ARROW_RUNTIME_SIMD_LEVEL": "NONE",
        # WASIX has threads (Arrow's thread pools) and C++ exceptions
        "ARROW_ENABLE_THREADING": True,
        # no execinfo backtraces in wasix-libc
        "ARROW_WITH_BACKTRACE": False,
        "ARROW_BUILD_TESTS": False, "ARROW_BUILD_BENCHMARKS": False,
        "ARROW_BUILD_EXAMPLES": False, "ARROW_BUILD_UTILITIES": False,
        "ARROW_USE_CCACHE": False, "ARROW_USE_SCCACHE": False,
        # otherwise `git log`/`git describe` of the build folder (our prepared worktree)
        # end up in the library's build info: the release tag's commit instead
        "ARROW_GIT_ID": tags[b.version], "ARROW_GIT_DESCRIPTION": f"apache-arrow-{b.version}",
    }, source="cpp")


library(
    name="arrow19-0-1",
    version="19.0.1",
    # tag apache-arrow-19.0.1 = 272715f6df2a042d69881ffa03d5078c58e4b345
    source=_source("19.0.1", "1348946e4066ae6dbc5373b2e13b0fd615d5c7fed048ffea629340ad7cce4515"),
    libs=["rapidjson"],
    test=Test("tests/arrow19-0-1.cpp", pkg_config=("arrow",), expect="arrow OK"),
)(arrow)

"""libuv: the cross-platform asynchronous I/O library (CMake), static as in the seed. Our
patches add a WASIX platform (the poll()-based unix loop), leave out what wasix-libc
declares but does not define (fork, priorities, statfs, interface lists, ptsname), and start
threads through a routine of pthread's own type (a cast one traps on wasm)."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="1.50.0",
    # Debian's orig of libuv 1.50.0 (the upstream release tarball as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("libuv1", "1.50.0-2",
                  sha256="ec9de6ecf2a780fd2afb3b007947d2cd57c3bb17f3b9e721a66774980d35cd4d"),
    catalog_version="1.51.0",
    version_note="1.51.0 cannot be had here (Debian has 1.50.0 and 1.53.0, no other registry "
    "holds it); 1.50.0 (Debian trixie) is the nearest release, one minor release earlier",
    test=Test("tests/libuv.c", pkg_config=("libuv-static",), expect="libuv OK", network=True),
)
def libuv(b: LibBuild) -> None:
    b.cmake({
        # the static archive only (the seed ships no libuv.so); no tests or benchmarks
        "LIBUV_BUILD_SHARED": False, "LIBUV_BUILD_TESTS": False, "LIBUV_BUILD_BENCH": False,
    })

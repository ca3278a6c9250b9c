"""grpcio: gRPC's Python package; setuptools with one Cython extension (grpc._cython.cygrpc)
over the vendored gRPC C core. Not built here: see the reason below.

What was tried (2 patches in patches/, the recipe that built it in the report): the wheel
builds (25 min on 2 cores) against our OpenSSL and zlib with the core configured as a
generic POSIX platform for WASIX (poll() poller, pipe wakeup fd, no c-ares, no fork), and
passes check.signatures, check.symbols and check.shared-libs; under Wasmer it imports, makes
channels, credentials and listening ports, and the client reaches READY over [::1].
Unblocking it: declare `wheel(version="1.74.0", source=..., libs=["openssl", "zlib"],
static_libs=True, native=True, test=Test("tests/grpcio.py", expect="grpcio test OK",
network=True))(build_grpcio)` in place of `blocked(...)`.
"""

from wasixtasks.recipe import Sdist, blocked
from wasixtasks.stages import WheelBuild


def build_grpcio(b: WheelBuild) -> None:
    """The build that produced the wheel described above (not declared while blocked)."""
    # The patches: a WASIX branch in the core's platform headers (generic POSIX, poll()
    # with a pipe wakeup fd, no fork, no c-ares since wasix-libc has no <resolv.h>) and in
    # setup.py (which only knows platforms by sys.platform), and abseil-cpp counting WASI
    # among the mmap platforms, without which absl::Mutex has no per-thread semaphores.
    # BoringSSL has no wasm32 target: setup.py takes the system's OpenSSL and zlib (our
    # catalog archives). cygrpc.cpp ships generated: no Cython run. setup.py compiles the
    # ~1000 core sources itself, on a thread pool of the given size
    b.setuptools(env={
        "GRPC_PYTHON_BUILD_SYSTEM_OPENSSL": "1",
        "GRPC_PYTHON_BUILD_SYSTEM_ZLIB": "1",
        "GRPC_PYTHON_BUILD_EXT_COMPILER_JOBS": str(b.jobs),
    })


blocked(
    "grpcio",
    kind="wheel",
    version="1.74.0",
    source=Sdist("grpcio",
                 sha256="80d1f4fbb35b0742d3e3d3bb654b7381cd5f015f8497279a1e9c21ba623e01b1"),
    catalog_version="1.74.1",
    version_note="1.74.1 is a gRPC core patch release whose Python package was never "
    "published; grpcio 1.74.0 (the same release series' sdist) is the nearest obtainable",
    reason="the core traps under Wasmer as soon as it polls a connection: \"RuntimeError: "
    "unaligned atomic access\" in grpc_combiner_continue_exec_ctx (from ExecCtx::Flush in "
    "the poll poller's pollset_work, on the completion-queue thread), so no RPC can be "
    "made; and shutting the core down (closing the last channel) traps with \"undefined "
    "element: out of bounds table access\" in WorkStealingThreadPool::ThreadState::"
    "FinishDraining",
)

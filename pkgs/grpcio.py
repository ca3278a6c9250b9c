"""grpcio: gRPC's Python package; setuptools with one Cython extension (grpc._cython.cygrpc)
over the vendored gRPC C core, against our OpenSSL and zlib (static), with the core configured
as a generic POSIX platform for WASIX (poll() poller, pipe wakeup fd, no c-ares, no fork).

It was blocked until the drivers linked scrt1.o into side modules: the core keeps its
execution context in C++ thread-locals, which every thread but the importing one found at
address 0 (shared), and it trapped on its completion-queue thread ("unaligned atomic access"
in grpc_combiner_continue_exec_ctx) and at shutdown (WorkStealingThreadPool).
"""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="1.74.0",
    source=Sdist("grpcio",
                 sha256="80d1f4fbb35b0742d3e3d3bb654b7381cd5f015f8497279a1e9c21ba623e01b1"),
    libs=["openssl", "zlib"],
    static_libs=True,
    native=True,
    catalog_version="1.74.1",
    version_note="1.74.1 is a gRPC core patch release whose Python package was never "
    "published; grpcio 1.74.0 (the same release series' sdist) is the nearest obtainable",
    test=Test("tests/grpcio.py", expect="grpcio test OK", network=True),
)
def grpcio(b: WheelBuild) -> None:
    # The patches: a WASIX branch in the core's platform headers (generic POSIX, poll()
    # with a pipe wakeup fd, no fork, no c-ares since wasix-libc has no <resolv.h>) and in
    # setup.py (which only knows platforms by sys.platform), and abseil-cpp counting WASI
    # among the mmap platforms, without which absl::Mutex has no per-thread semaphores.
    # BoringSSL has no wasm32 target: setup.py takes the system's OpenSSL and zlib (our
    # catalog archives). cygrpc.cpp ships generated: no Cython run. setup.py compiles the
    # ~1000 core sources itself, on a thread pool of the given size.
    # -Bsymbolic: the interpreter links OpenSSL too and exports all of it, so without it the
    # loader binds this module's OpenSSL data and function pointers (its GOT entries) to the
    # interpreter's copy while its code stays this module's: the default provider then fails
    # to initialise and every SSL_CTX_new fails ("common libcrypto routines::init fail")
    with b.flags(ldflags=["-Wl,-Bsymbolic"]):
        b.setuptools(env={
            "GRPC_PYTHON_BUILD_SYSTEM_OPENSSL": "1",
            "GRPC_PYTHON_BUILD_SYSTEM_ZLIB": "1",
            "GRPC_PYTHON_BUILD_EXT_COMPILER_JOBS": str(b.jobs),
        })

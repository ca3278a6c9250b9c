"""rust-std: Rust's standard library for WASIX side modules (``wasm32-wasip1-threads`` with
position-independent code, atomics and shared memory), which no registry here ships: Debian's
``libstd-rust-dev-wasm32`` is plain ``wasm32-wasip1``, neither PIC nor built for threads.

Built with cargo's ``-Zbuild-std`` by the build machine's rustc, which must be this exact
release (rustc reads no other release's rlibs), from the ``library/`` of Debian's source of
that release and the crates of its ``vendor/`` the library's lock names. The rlibs install
under ``lib/rustlib/wasm32-wasip1-threads/lib``: Rust wheels list this recipe in ``libs`` and
compile with ``--sysroot`` on it. Our patches: std reads ``errno`` through
``__errno_location()`` (a side module cannot relocate libc's thread-local ``errno``), and
the ``libc`` crate's WASI clock ids are the integer ids WASIX's ``clock_gettime`` takes.
"""

from wasixtasks.recipe import Debian, library
from wasixtasks.stages import LibBuild, rust

#: the crates of vendor/ that library/Cargo.lock names (the rest of the lock is stand-ins)
VENDORED = (
    "addr2line-0.25.1", "adler2-2.0.1", "cc-1.2.0", "cfg-if-1.0.4", "dlmalloc-0.2.11",
    "foldhash-0.2.0", "fortanix-sgx-abi-0.6.1", "getopts-0.2.24", "gimli-0.32.3",
    "hashbrown-0.16.1", "hermit-abi-0.5.2", "libc-0.2.178", "memchr-2.7.6",
    "miniz_oxide-0.8.9", "moto-rt-0.16.0", "object-0.37.3", "r-efi-5.3.0", "r-efi-alloc-2.1.0",
    "rand-0.9.2", "rand_xorshift-0.4.0", "rustc-demangle-0.1.27", "rustc-literal-escaper-0.0.7",
    "shlex-1.3.0", "unwinding-0.2.8", "vex-sdk-0.27.1", "wasi-0.11.1+wasi-snapshot-preview1",
    "wasi-0.14.4+wasi-0.2.4", "windows-link-0.2.1", "wit-bindgen-0.45.1",
)


@library(
    name="rust-std",
    version="1.95.0",
    source=Debian("rustc", "1.95.0+dfsg1-2", suites=("forky", "sid"),
                  sha256="fee0a232c32b6f919b2166efc441a7c37884905bdcc2170163579eeed5feee6b",
                  subdirs=("library", *(f"vendor/{c}" for c in VENDORED))),
    host_tools=("rustc", "cargo"),
)
def rust_std(b: LibBuild) -> None:
    rust.build_std(b, release="1.95.0")

"""libcxx: libc++, libc++abi and libunwind with wasm exceptions and threads."""

from wasixtasks.recipe import Debian, Test, toolchain_package
from wasixtasks.stages import LibBuild


@toolchain_package(
    version="21.1.8",
    source=Debian("llvm-toolchain-21", "1:21.1.8-14",
                  sha256="d983d6b6ffce1d413a1910a9fd00f794bb99a5ae4c4e7d23d18a99254640f4eb",
                  # libc++ 21's charconv includes LLVM libc's shared/fp_bits.h
                  subdirs=("runtimes", "libcxx", "libcxxabi", "libunwind", "libc", "cmake",
                           "llvm/cmake", "llvm/utils/lit", "third-party"),
                  exclude=("libcxx/test", "libcxx/docs", "libcxx/benchmarks", "libcxxabi/test",
                           "libunwind/test", "libc/test", "libc/docs", "libc/fuzzing",
                           "libc/benchmarks")),
    libs=["wasix-libc", "compiler-rt"],
    catalog_version="@6bb93a2",
    version_note="the catalog's llvm-project @6bb93a2 (wasix-org fork) is not obtainable "
    "here; LLVM 21.1.8 from Debian's llvm-toolchain-21 is the release wasix-libc's CI pins",
    # the toolchain self-test: threads, setjmp/longjmp, C++ exceptions and sockets
    test=Test("tests/toolchain-selftest.cpp", expect="socket: ok"),
)
def libcxx(b: LibBuild) -> None:
    b.cmake({
        "LLVM_ENABLE_RUNTIMES": ["libcxx", "libcxxabi", "libunwind"],
        # CMake's WASI platform is not UNIX to LLVM's scripts; WASIX is POSIX
        "UNIX": True,
        # C++ programs need libc++ to link, which is what this builds
        "CMAKE_CXX_COMPILER_WORKS": True,
        "LLVM_INCLUDE_TESTS": False,
        "LIBCXX_INCLUDE_TESTS": False,
        "LIBCXX_INCLUDE_BENCHMARKS": False,
        "LIBCXX_INCLUDE_DOCS": False,
        "LIBCXXABI_INCLUDE_TESTS": False,
        "LIBUNWIND_INCLUDE_TESTS": False,
        # static and position independent: extension modules link their own copy
        "LIBCXX_ENABLE_SHARED": False,
        "LIBCXXABI_ENABLE_SHARED": False,
        "LIBUNWIND_ENABLE_SHARED": False,
        "LIBUNWIND_ENABLE_STATIC": True,
        "LLVM_ENABLE_PIC": True,
        "CMAKE_POSITION_INDEPENDENT_CODE": True,
        # threads and wasm exceptions (through libunwind's wasm personality)
        "LIBCXX_ENABLE_THREADS": True,
        "LIBCXX_HAS_PTHREAD_API": True,
        "LIBCXXABI_ENABLE_THREADS": True,
        "LIBCXXABI_HAS_PTHREAD_API": True,
        "LIBUNWIND_ENABLE_THREADS": True,
        "LIBUNWIND_HAS_PTHREAD_LIB": True,
        "LIBCXX_ENABLE_EXCEPTIONS": True,
        "LIBCXXABI_ENABLE_EXCEPTIONS": True,
        "LIBCXXABI_USE_LLVM_UNWINDER": True,
        "LIBCXXABI_SILENT_TERMINATE": True,
        "LIBUNWIND_USE_COMPILER_RT": True,
        "LIBCXX_USE_COMPILER_RT": True,
        "LIBCXX_ENABLE_FILESYSTEM": True,
        "LIBCXX_CXX_ABI": "libcxxabi",
        # wasix-libc is musl underneath; ABI v2 as the seed's libcxx
        "LIBCXX_HAS_MUSL_LIBC": True,
        "LIBCXX_ABI_VERSION": "2",
        "LIBCXX_LIBDIR_SUFFIX": "/wasm32-wasi",
        "LIBCXXABI_LIBDIR_SUFFIX": "/wasm32-wasi",
        "LIBUNWIND_LIBDIR_SUFFIX": "/wasm32-wasi",
        "LLVM_LIBDIR_SUFFIX": "/wasm32-wasi",
    }, source="runtimes", prefix="/sysroot", libdir="/sysroot/lib/wasm32-wasi",
        includedir="/sysroot/include")
    # C++ module sources and their manifest: nothing here builds C++ modules
    b.remove("/sysroot/share", "/sysroot/lib/wasm32-wasi/libc++.modules.json")

"""compiler-rt: clang's builtins for wasm32 (soft float, 128-bit integer helpers)."""

from wasixtasks.recipe import Debian, toolchain_package
from wasixtasks.stages import LibBuild


@toolchain_package(
    name="compiler-rt",
    version="21.1.8",
    # LLVM 21.1.8 is what wasix-libc's CI pins; Debian's llvm-toolchain-21 holds its source
    source=Debian("llvm-toolchain-21", "1:21.1.8-14",
                  sha256="d983d6b6ffce1d413a1910a9fd00f794bb99a5ae4c4e7d23d18a99254640f4eb",
                  subdirs=("compiler-rt", "cmake", "llvm/cmake"), exclude=("compiler-rt/test",)),
    libs=["wasix-libc"],
    catalog_version="@6bb93a2",
    version_note="the catalog's llvm-project @6bb93a2 (wasix-org fork) is not obtainable "
    "here; LLVM 21.1.8 from Debian's llvm-toolchain-21 is the release wasix-libc's CI pins",
)
def compiler_rt(b: LibBuild) -> None:
    b.cmake({
        # these builtins are what the compiler links with: its link checks cannot pass yet
        "CMAKE_C_COMPILER_WORKS": True,
        "CMAKE_CXX_COMPILER_WORKS": True,
        "CMAKE_C_COMPILER_TARGET": "wasm32-wasi",
        "COMPILER_RT_BAREMETAL_BUILD": True,
        "COMPILER_RT_DEFAULT_TARGET_ONLY": True,
        "COMPILER_RT_OS_DIR": "wasm32-unknown-wasi",
        "COMPILER_RT_BUILTINS_ENABLE_PIC": True,
        "COMPILER_RT_HAS_FPIC_FLAG": True,
        "COMPILER_RT_INCLUDE_TESTS": False,
        # only the builtins: nothing here uses sanitizers, profiling or fuzzers
        "COMPILER_RT_BUILD_SANITIZERS": False,
        "COMPILER_RT_BUILD_XRAY": False,
        "COMPILER_RT_BUILD_LIBFUZZER": False,
        "COMPILER_RT_BUILD_PROFILE": False,
        "COMPILER_RT_BUILD_CTX_PROFILE": False,
        "COMPILER_RT_BUILD_MEMPROF": False,
        "COMPILER_RT_BUILD_ORC": False,
        "COMPILER_RT_BUILD_GWP_ASAN": False,
        "COMPILER_RT_USE_LLVM_UNWINDER": False,
        "COMPILER_RT_ENABLE_STATIC_UNWINDER": False,
        "COMPILER_RT_HAS_FUNWIND_TABLES_FLAG": False,
        "HAVE_UNWIND_H": False,
    }, source="compiler-rt", prefix="/clang-resource", libdir="/clang-resource/lib",
        includedir="/clang-resource/include")
    # the name clang looks for in its resource folder
    b.symlink("libclang_rt.builtins-wasm32.a",
              "/clang-resource/lib/wasm32-unknown-wasi/libclang_rt.builtins.a")

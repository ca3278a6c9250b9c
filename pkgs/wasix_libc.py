"""wasix-libc: the WASIX C library (musl with WASIX system calls), base of the sysroot."""

from wasixtasks.recipe import Git, toolchain_package
from wasixtasks.stages import LibBuild

#: Side modules cannot reference the thread-local `errno` directly (wasm-ld cannot relocate
#: local-exec TLS against an import): consumers go through __errno_location() instead.
ERRNO_TLS = "extern _Thread_local int errno;\n#endif\n\n#define errno errno\n"
ERRNO_CALL = ("extern _Thread_local int errno;\n#endif\n\n"
              "int *__errno_location(void);\n#define errno (*__errno_location())\n")


@toolchain_package(
    name="wasix-libc",
    version="main@34178a6",
    source=Git("https://github.com/wasix-org/wasix-libc",
               commit="34178a6272804f90448b5bd08dc7bcf0d85438e3"),
    catalog_version="@e4e5cfc",
    version_note="34178a6 ('ci: llvm21', 2026-05) is the commit proven to build with zig's "
    "clang 22; the catalog's e4e5cfc predates the LLVM 21 port",
)
def wasix_libc(b: LibBuild) -> None:
    sysroot = b.installed("/sysroot")
    b.make("-f", "Makefile-eh", vars={
        # the toolchain's plain clang: this Makefile passes every target flag itself
        "CC": "clang",
        "AR": "wasix-ar",
        "TARGET_ARCH": "wasm32",
        "TARGET_OS": "wasix",
        # position-independent (for side modules), exnref exceptions (Wasmer's encoding)
        "PIC": "yes",
        "EXNREF_EH": "yes",
        # the symbol check needs llvm-nm, which zig does not ship
        "CHECK_SYMBOLS": "no",
        "EXTRA_CFLAGS": "-O2 -DNDEBUG -ftls-model=local-exec -D_WASI_EMULATED_MMAN "
        f"-D_WASI_EMULATED_PROCESS_CLOCKS -Wno-deprecated -ffile-prefix-map={b.source_dir}=.",
        "SYSROOT": str(sysroot),
    })
    b.substitute("/sysroot/include/__errno.h", ERRNO_TLS, ERRNO_CALL)
    # signal() is part of libc on WASIX; configure scripts that link -lwasi-emulated-signal
    # (CPython's) need the archive to exist
    b.run("wasix-ar", "crs", str(sysroot / "lib/wasm32-wasi/libwasi-emulated-signal.a"))

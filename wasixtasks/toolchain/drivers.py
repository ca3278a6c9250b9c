"""The WASIX compiler drivers: small POSIX shell scripts over zig's clang, wasm-ld and ar.

Build systems start the compiler thousands of times, so a driver must cost little more than
the compiler itself: no Python start per call. ``write_drivers`` renders the scripts with
every flag baked in (quoted), so a call is one ``sh`` start and one ``exec``.

What the drivers do (flags from reference/wasix-toolchain-findings.md):
- compile: clang for ``wasm32-wasi`` with the WASIX features: atomics and shared memory
  (threads), exnref exception handling (C++ ``throw``), setjmp/longjmp through wasm
  exceptions, PIC everywhere (so static archives can go into side modules), and the
  emulated mman/signal/process-clocks APIs;
- link an executable: a *main module* (PIE, imported shared memory, every symbol exported)
  with the whole C library, so it can ``dlopen`` side modules that import libc from it;
- link with ``-shared``: a *side module* whose undefined symbols become imports, with its own
  copy of compiler-rt (and libc++ for C++), since the main module only exports what it uses,
  and wasix-libc's ``scrt1.o``: its ``__wasix_init_tls`` export is what Wasmer calls to give
  each further thread its own copy of the module's thread-locals (without it, every thread
  but the one that loaded the module finds them at address 0, shared by all).
- ``wasm-ld`` (found by clang through ``-B``): drops ELF-only linker flags that build
  systems pass and wasm-ld rejects (``--as-needed``, ``--version-script``, ...).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import atomic_write

TARGET = "wasm32-wasi"
#: Where clang (with -resource-dir) looks for compiler-rt's builtins for TARGET.
BUILTINS = "lib/wasm32-unknown-wasi/libclang_rt.builtins.a"
#: wasix-libc's start file for side modules (in the sysroot): ``__wasix_init_tls``.
SIDE_START = f"lib/{TARGET}/scrt1.o"

#: Flags of every compile (C and C++).
COMPILE_FLAGS: tuple[str, ...] = (
    f"--target={TARGET}",
    # clang 22 deprecates the wasm32-wasi triple name; wasix-libc keeps that folder name
    "-Wno-deprecated",
    # threads: atomics and shared memory; TLS that works in side modules
    "-matomics", "-mbulk-memory", "-mmutable-globals", "-mthread-model", "posix",
    "-ftls-model=global-dynamic",
    "-fno-trapping-math",
    "-D_WASI_EMULATED_MMAN", "-D_WASI_EMULATED_SIGNAL", "-D_WASI_EMULATED_PROCESS_CLOCKS",
    "-fvisibility=default",
    # C++ exceptions and setjmp/longjmp as wasm exceptions, in the exnref encoding (the only
    # one Wasmer accepts)
    "-fwasm-exceptions", "-mllvm", "--wasm-enable-sjlj", "-mllvm", "--wasm-use-legacy-eh=false",
    # every object may end up in a side module
    "-fPIC",
)

#: Linker flags shared by main and side modules.
_LINK_COMMON: tuple[str, ...] = (
    "-Wno-unused-command-line-argument",
    "-Xlinker", "--extra-features=atomics,bulk-memory,mutable-globals,exception-handling",
    "-Wl,-mllvm,--wasm-enable-sjlj", "-Wl,-mllvm,--wasm-use-legacy-eh=false",
    "-Wl,-mllvm,--exception-model=wasm",
    "-Wl,--experimental-pic", "-Wl,--shared-memory",
    "-Wl,--export-if-defined=__tls_base", "-Wl,--export-if-defined=__tls_size",
    "-Wl,--export-if-defined=__tls_align",
    "-Wl,--export=__wasm_call_ctors",
    # published binaries carry no DWARF (and no build paths through it)
    "-Wl,--strip-debug",
)

#: The C library parts a main module carries whole, so side modules can import any of it.
MAIN_LIBS: tuple[str, ...] = (
    "-Wl,--whole-archive", "-lc", "-lutil", "-lresolv", "-lrt", "-lm", "-lpthread",
    "-lwasi-emulated-mman", "-lwasi-emulated-getpid", "-lcommon-tag-stubs",
    "-Wl,--no-whole-archive",
)

MAIN_LINK_FLAGS: tuple[str, ...] = _LINK_COMMON + (
    "-Wl,-pie", "-Wl,--import-memory", "-Wl,--max-memory=4294967296", "-Wl,--export-all",
    "-Wl,--allow-multiple-definition",
    "-Wl,--export-if-defined=__wasm_apply_data_relocs",
    "-Wl,--export-if-defined=__cxa_thread_atexit_impl",
    "-Wl,--export-if-defined=__wasm_init_tls",
) + MAIN_LIBS

SIDE_LINK_FLAGS: tuple[str, ...] = ("-nostdlib",) + _LINK_COMMON + (
    "-Wl,--no-entry", "-Wl,--unresolved-symbols=import-dynamic",
)

#: C++ runtime: clang adds libc++ and libc++abi itself for executables, not the unwinder.
CXX_MAIN_LIBS: tuple[str, ...] = ("-lunwind",)
CXX_SIDE_LIBS: tuple[str, ...] = ("-lc++", "-lc++abi", "-lunwind")

#: Linker flags for ELF targets that wasm-ld rejects; dropped by the wasm-ld wrapper.
ELF_ONLY_FLAGS: tuple[str, ...] = (
    "--as-needed", "--no-as-needed", "--no-undefined", "--start-group", "--end-group",
    "--eh-frame-hdr", "--allow-shlib-undefined", "--no-allow-shlib-undefined",
    "--enable-new-dtags", "--disable-new-dtags", "--hash-style=*", "--version-script=*",
)
#: ... and those that take the next argument with them.
ELF_ONLY_WITH_ARG: tuple[str, ...] = ("--version-script",)


@dataclass(frozen=True)
class Root:
    """A toolchain root: ``zig`` (link to the ziglang folder), ``sysroot/``,
    ``clang-resource/`` (clang's headers and compiler-rt) and ``bin/`` (the drivers)."""

    path: Path

    @property
    def zig(self) -> Path:
        return self.path / "zig" / "zig"

    @property
    def sysroot(self) -> Path:
        return self.path / "sysroot"

    @property
    def resource_dir(self) -> Path:
        return self.path / "clang-resource"

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    def tool(self, name: str) -> str:
        return str(self.bin / name)


def _q(args: Sequence[str | Path]) -> str:
    return " ".join(shlex.quote(str(a)) for a in args)


def compiler_script(root: Root, *, cxx: bool) -> str:
    """The wasix-cc (or wasix-c++) driver."""
    lang = ["clang", "--driver-mode=g++"] if cxx else ["clang"]
    base: list[str | Path] = [root.zig, *lang, f"--sysroot={root.sysroot}",
                              f"-resource-dir={root.resource_dir}", f"-B{root.bin}",
                              *COMPILE_FLAGS]
    side: list[str | Path] = [*SIDE_LINK_FLAGS, root.sysroot / SIDE_START]
    main: list[str | Path] = [*MAIN_LINK_FLAGS]
    if cxx:
        side += CXX_SIDE_LIBS
        main += CXX_MAIN_LIBS
    side.append(str(root.resource_dir / BUILTINS))
    name = "wasix-c++" if cxx else "wasix-cc"
    return f"""#!/bin/sh
# {name}: WASIX compiler driver written by wasixtasks (see wasixtasks/toolchain/drivers.py).
# Compiles for wasm32 WASIX; links executables as main modules (they can dlopen) and
# -shared outputs as side modules.
mode=main
shared_word='(^|[[:space:]"'"'"'])(-shared|-Wl,-shared|-Wl,--shared)([[:space:]"'"'"']|$)'
for a do
  case $a in
    -c|-S|-E|-M|-MM|-fsyntax-only) mode=compile; break ;;
    -shared|-Wl,-shared|-Wl,--shared) mode=side ;;
    @*) if grep -qsE -e "$shared_word" "${{a#@}}"; then mode=side; fi ;;
  esac
done
case $mode in
  compile) exec {_q(base)} "$@" ;;
  side) exec {_q(base)} "$@" {_q(side)} ;;
  *) exec {_q(base)} "$@" {_q(main)} ;;
esac
"""


def wasm_ld_script(root: Root) -> str:
    """wasm-ld without the ELF-only flags build systems pass to every linker."""
    drop = "|".join(ELF_ONLY_FLAGS)
    with_arg = "|".join(ELF_ONLY_WITH_ARG)
    return f"""#!/bin/sh
# wasm-ld: zig's wasm-ld, minus ELF-only flags (written by wasixtasks, drivers.py).
skip=
for a do
  shift
  if [ -n "$skip" ]; then skip=; continue; fi
  case $a in
    {drop}) continue ;;
    {with_arg}) skip=1; continue ;;
  esac
  set -- "$@" "$a"
done
exec {_q([root.zig, "wasm-ld"])} "$@"
"""


def tool_script(root: Root, *subcommand: str) -> str:
    return f"#!/bin/sh\nexec {_q([root.zig, *subcommand])} \"$@\"\n"


#: tool name -> what it runs (besides the compiler drivers and wasm-ld).
SIMPLE_TOOLS: dict[str, tuple[str, ...]] = {
    "wasix-ar": ("ar",),
    "wasix-ranlib": ("ranlib",),
    "wasix-objcopy": ("objcopy",),
}


def bootstrap_cc_script(root: Root) -> str:
    """Plain clang for wasm with zig's own clang headers: what wasix-libc's Makefile wants
    (it passes every target flag itself and must not see a sysroot yet)."""
    resource = root.path / "zig" / "lib"
    return tool_script(root, "clang", f"-resource-dir={resource}")


def write_drivers(root: Root) -> dict[str, str]:
    """Write every driver into ``root.bin``; returns {CC, CXX, AR, RANLIB, LD, ...} paths."""
    scripts = {
        "wasix-cc": compiler_script(root, cxx=False),
        "wasix-c++": compiler_script(root, cxx=True),
        "wasm-ld": wasm_ld_script(root),
        "clang": bootstrap_cc_script(root),
        **{name: tool_script(root, *cmd) for name, cmd in SIMPLE_TOOLS.items()},
    }
    for name, text in scripts.items():
        atomic_write(root.bin / name, text, mode=0o755)
    return tools_of(root)


def tools_of(root: Root) -> dict[str, str]:
    """The environment variables naming a root's tools."""
    return {
        "CC": root.tool("wasix-cc"), "CXX": root.tool("wasix-c++"),
        "AR": root.tool("wasix-ar"), "RANLIB": root.tool("wasix-ranlib"),
        "LD": root.tool("wasm-ld"), "OBJCOPY": root.tool("wasix-objcopy"),
    }

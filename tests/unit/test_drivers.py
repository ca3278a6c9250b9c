"""Tests of wasixtasks.toolchain.drivers: the flag sets of the WASIX compiler drivers and the
shell scripts rendered from them.

Nothing here runs a script: the rendered text is parsed back with ``shlex`` (the inverse of
the ``shlex.quote`` the renderer uses), so a test sees exactly the argument list ``sh`` would
``exec``. tests/integration/test_drivers.py runs the same scripts over a fake zig."""

from __future__ import annotations

import re
import shlex
import stat
from collections.abc import Sequence
from pathlib import Path

import pytest

from wasixtasks.toolchain.drivers import (
    BUILTINS,
    COMPILE_FLAGS,
    CXX_MAIN_LIBS,
    CXX_SIDE_LIBS,
    ELF_ONLY_FLAGS,
    ELF_ONLY_WITH_ARG,
    MAIN_LIBS,
    MAIN_LINK_FLAGS,
    SIDE_LINK_FLAGS,
    SIDE_START,
    SIMPLE_TOOLS,
    Root,
    bootstrap_cc_script,
    compiler_script,
    tool_script,
    tools_of,
    wasm_ld_script,
    write_drivers,
)

#: Every file ``write_drivers`` puts into ``bin/``.
DRIVER_NAMES = {"wasix-cc", "wasix-c++", "wasm-ld", "clang", "wasix-ar", "wasix-ranlib",
                "wasix-objcopy"}



@pytest.fixture
def root(tmp_path: Path) -> Root:
    """A root whose path needs quoting: a space, a quote and a shell metacharacter."""
    return Root(tmp_path / "tool root's $dir")


def pairs(flags: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(flags, flags[1:]))


def exec_lines(script: str) -> dict[str, list[str]]:
    """``case`` label -> the argument list of its ``exec`` (``"$@"`` stays as ``$@``)."""
    out: dict[str, list[str]] = {}
    for line in script.splitlines():
        m = re.match(r"^\s*([\w*]+)\) exec (.*) ;;$", line)
        if m:
            out[m.group(1)] = shlex.split(m.group(2))
    return out


def single_exec(script: str) -> list[str]:
    """The argument list of a script's one unconditional ``exec`` line."""
    found = [line for line in script.splitlines() if line.startswith("exec ")]
    assert len(found) == 1, script
    return shlex.split(found[0].removeprefix("exec "))


def base_args(root: Root, *, cxx: bool) -> list[str]:
    lang = ["clang", "--driver-mode=g++"] if cxx else ["clang"]
    return [str(root.zig), *lang, f"--sysroot={root.sysroot}",
            f"-resource-dir={root.resource_dir}", f"-B{root.bin}", *COMPILE_FLAGS]


# --------------------------------------------------------------------------- flag sets


def test_compile_flags_target_wasix_features() -> None:
    assert COMPILE_FLAGS[0] == "--target=wasm32-wasi"
    for flag in ("-matomics", "-mbulk-memory", "-mmutable-globals", "-fPIC",
                 "-ftls-model=global-dynamic", "-fwasm-exceptions", "-fvisibility=default",
                 "-D_WASI_EMULATED_MMAN", "-D_WASI_EMULATED_SIGNAL",
                 "-D_WASI_EMULATED_PROCESS_CLOCKS"):
        assert flag in COMPILE_FLAGS, flag
    # options of the LLVM backend come in -mllvm pairs: sjlj through wasm exceptions, exnref
    assert ("-mllvm", "--wasm-enable-sjlj") in pairs(COMPILE_FLAGS)
    assert ("-mllvm", "--wasm-use-legacy-eh=false") in pairs(COMPILE_FLAGS)
    assert ("-mthread-model", "posix") in pairs(COMPILE_FLAGS)
    # nothing a compile passes is a link flag
    assert not [f for f in COMPILE_FLAGS if f.startswith(("-Wl,", "-l"))]


def test_both_link_modes_share_memory_exceptions_and_tls_exports() -> None:
    for flags in (MAIN_LINK_FLAGS, SIDE_LINK_FLAGS):
        assert "-Wl,--shared-memory" in flags
        assert "-Wl,--experimental-pic" in flags
        assert "-Wl,-mllvm,--wasm-enable-sjlj" in flags
        assert "-Wl,-mllvm,--wasm-use-legacy-eh=false" in flags
        assert "-Wl,-mllvm,--exception-model=wasm" in flags
        assert "-Wl,--strip-debug" in flags
        assert ("-Xlinker",
                "--extra-features=atomics,bulk-memory,mutable-globals,exception-handling"
                ) in pairs(flags)
        for sym in ("__tls_base", "__tls_size", "__tls_align"):
            assert f"-Wl,--export-if-defined={sym}" in flags


def test_main_module_is_a_pie_with_the_whole_c_library() -> None:
    for flag in ("-Wl,-pie", "-Wl,--import-memory", "-Wl,--export-all",
                 "-Wl,--max-memory=4294967296", "-Wl,--allow-multiple-definition"):
        assert flag in MAIN_LINK_FLAGS, flag
    # the C library sits between --whole-archive and --no-whole-archive, at the end
    assert MAIN_LINK_FLAGS[-len(MAIN_LIBS):] == MAIN_LIBS
    assert MAIN_LIBS[0] == "-Wl,--whole-archive"
    assert MAIN_LIBS[-1] == "-Wl,--no-whole-archive"
    for lib in ("-lc", "-lm", "-lpthread", "-lwasi-emulated-mman"):
        assert lib in MAIN_LIBS[1:-1], lib


def test_side_module_imports_what_it_does_not_define() -> None:
    assert SIDE_LINK_FLAGS[0] == "-nostdlib"
    assert "-Wl,--no-entry" in SIDE_LINK_FLAGS
    assert "-Wl,--unresolved-symbols=import-dynamic" in SIDE_LINK_FLAGS
    # none of the main module's own settings
    for flag in ("-Wl,-pie", "-Wl,--import-memory", "-Wl,--export-all", "-Wl,--whole-archive",
                 "-lc"):
        assert flag not in SIDE_LINK_FLAGS, flag


def test_cxx_runtime_libraries() -> None:
    assert CXX_MAIN_LIBS == ("-lunwind",)
    assert CXX_SIDE_LIBS == ("-lc++", "-lc++abi", "-lunwind")


def test_elf_only_flags() -> None:
    for flag in ("--as-needed", "--no-as-needed", "--start-group", "--end-group",
                 "--hash-style=*", "--version-script=*", "--eh-frame-hdr"):
        assert flag in ELF_ONLY_FLAGS, flag
    assert ELF_ONLY_WITH_ARG == ("--version-script",)


# --------------------------------------------------------------------------- Root


def test_root_paths(tmp_path: Path) -> None:
    root = Root(tmp_path / "r")
    assert root.zig == tmp_path / "r" / "zig" / "zig"
    assert root.sysroot == tmp_path / "r" / "sysroot"
    assert root.resource_dir == tmp_path / "r" / "clang-resource"
    assert root.bin == tmp_path / "r" / "bin"
    assert root.tool("wasix-cc") == str(tmp_path / "r" / "bin" / "wasix-cc")


def test_tools_of_names_the_drivers(root: Root) -> None:
    assert tools_of(root) == {
        "CC": root.tool("wasix-cc"), "CXX": root.tool("wasix-c++"),
        "AR": root.tool("wasix-ar"), "RANLIB": root.tool("wasix-ranlib"),
        "LD": root.tool("wasm-ld"), "OBJCOPY": root.tool("wasix-objcopy"),
    }


# --------------------------------------------------------------------------- compiler scripts


def test_c_driver_exec_lines(root: Root) -> None:
    script = compiler_script(root, cxx=False)
    assert script.startswith("#!/bin/sh\n# wasix-cc:")
    base = base_args(root, cxx=False)
    lines = exec_lines(script)
    assert lines == {
        "compile": [*base, "$@"],
        # wasix-libc's side-module start file: __wasix_init_tls, called by Wasmer for each
        # further thread, gives that thread its own copy of the module's thread-locals
        "side": [*base, "$@", *SIDE_LINK_FLAGS, str(root.sysroot / SIDE_START),
                 str(root.resource_dir / BUILTINS)],
        "*": [*base, "$@", *MAIN_LINK_FLAGS],
    }


def test_cxx_driver_exec_lines(root: Root) -> None:
    script = compiler_script(root, cxx=True)
    assert script.startswith("#!/bin/sh\n# wasix-c++:")
    base = base_args(root, cxx=True)
    assert base[1:3] == ["clang", "--driver-mode=g++"]
    lines = exec_lines(script)
    assert lines == {
        "compile": [*base, "$@"],
        # a side module carries its own C++ runtime and builtins, after the user's objects
        "side": [*base, "$@", *SIDE_LINK_FLAGS, str(root.sysroot / SIDE_START), "-lc++",
                 "-lc++abi", "-lunwind", str(root.resource_dir / BUILTINS)],
        # clang adds libc++/libc++abi for executables, not the unwinder
        "*": [*base, "$@", *MAIN_LINK_FLAGS, "-lunwind"],
    }


def test_c_and_cxx_drivers_differ_only_in_language_and_runtime(root: Root) -> None:
    c, cxx = exec_lines(compiler_script(root, cxx=False)), exec_lines(compiler_script(root, cxx=True))
    assert "--driver-mode=g++" not in c["compile"] + c["side"] + c["*"]
    mode = ["--driver-mode=g++"]
    assert [a for a in cxx["compile"] if a not in mode] == c["compile"]
    assert [a for a in cxx["*"] if a not in (*mode, *CXX_MAIN_LIBS)] == c["*"]
    assert [a for a in cxx["side"] if a not in (*mode, *CXX_SIDE_LIBS)] == c["side"]
    assert "-lunwind" not in c["*"] and "-lc++" not in c["side"]


@pytest.mark.parametrize("cxx", [False, True], ids=["cc", "c++"])
def test_every_flag_is_shell_quoted(root: Root, cxx: bool) -> None:
    script = compiler_script(root, cxx=cxx)
    for flag in (*COMPILE_FLAGS, *MAIN_LINK_FLAGS, *SIDE_LINK_FLAGS):
        assert shlex.quote(flag) in script, flag
    # the root's path (space, quote, $) appears only quoted: sh never splits or expands it
    assert shlex.quote(str(root.zig)) in script
    assert shlex.quote(f"--sysroot={root.sysroot}") in script
    assert shlex.quote(str(root.resource_dir / BUILTINS)) in script
    assert f" {root.zig} " not in script


def test_compiler_script_mode_detection_patterns(root: Root) -> None:
    script = compiler_script(root, cxx=False)
    assert "-c|-S|-E|-M|-MM|-fsyntax-only) mode=compile; break ;;" in script
    assert "-shared|-Wl,-shared|-Wl,--shared) mode=side ;;" in script
    # a response file is searched for -shared as a whole word
    assert '@*) if grep -qsE -e "$shared_word"' in script
    assert "(-shared|-Wl,-shared|-Wl,--shared)" in script


# --------------------------------------------------------------------------- wasm-ld and tools


def test_wasm_ld_script_drops_the_elf_only_flags(root: Root) -> None:
    script = wasm_ld_script(root)
    patterns = {}
    for line in script.splitlines():
        m = re.match(r"^\s*(\S+)\) (skip=1; )?continue ;;$", line)
        if m:
            patterns[bool(m.group(2))] = m.group(1).split("|")
    assert patterns == {False: list(ELF_ONLY_FLAGS), True: list(ELF_ONLY_WITH_ARG)}
    assert single_exec(script) == [str(root.zig), "wasm-ld", "$@"]
    assert shlex.quote(str(root.zig)) in script


def test_tool_script(root: Root) -> None:
    script = tool_script(root, "ar")
    assert script.startswith("#!/bin/sh\n")
    assert single_exec(script) == [str(root.zig), "ar", "$@"]


def test_bootstrap_cc_has_zigs_headers_and_no_sysroot(root: Root) -> None:
    args = single_exec(bootstrap_cc_script(root))
    assert args == [str(root.zig), "clang", f"-resource-dir={root.path / 'zig' / 'lib'}", "$@"]
    assert not [a for a in args if a.startswith("--sysroot") or a in COMPILE_FLAGS]


# --------------------------------------------------------------------------- write_drivers


def test_write_drivers_writes_executable_scripts(root: Root) -> None:
    tools = write_drivers(root)
    assert tools == tools_of(root)
    assert {p.name for p in root.bin.iterdir()} == DRIVER_NAMES  # no temporary leftovers
    for path in root.bin.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, path.name
    for var, tool in tools.items():
        assert Path(tool).is_file(), var
    assert (root.bin / "wasix-cc").read_text() == compiler_script(root, cxx=False)
    assert (root.bin / "wasix-c++").read_text() == compiler_script(root, cxx=True)
    assert (root.bin / "wasm-ld").read_text() == wasm_ld_script(root)
    assert (root.bin / "clang").read_text() == bootstrap_cc_script(root)
    for name, cmd in SIMPLE_TOOLS.items():
        assert (root.bin / name).read_text() == tool_script(root, *cmd)


def test_write_drivers_replaces_existing_files(root: Root) -> None:
    root.bin.mkdir(parents=True)
    old = root.bin / "wasix-cc"
    old.write_text("#!/bin/sh\nexec gcc \"$@\"\n")
    old.chmod(0o444)  # even a read-only one: replaced by rename, not rewritten in place
    write_drivers(root)
    assert old.read_text() == compiler_script(root, cxx=False)
    assert stat.S_IMODE(old.stat().st_mode) == 0o755
    assert {p.name for p in root.bin.iterdir()} == DRIVER_NAMES

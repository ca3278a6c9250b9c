"""The WASIX compiler drivers run for real by ``sh``, over a FAKE zig that prints the
arguments it receives (NUL-separated, so arguments with blanks or newlines stay whole): what
a build system's call turns into. Also the runtime's command line on a WebAssembly module
assembled byte by byte (no toolchain involved) and run with the Wasmer of ``wasmer-sdk``.

Nothing here is timed (speed belongs in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.wasmbytes import (KIND_FUNC, KIND_MEMORY, exp, imp, module, section, sleb, uleb,
                                   vec)
from wasixtasks.toolchain.drivers import (
    BUILTINS,
    SIDE_START,
    COMPILE_FLAGS,
    ELF_ONLY_FLAGS,
    MAIN_LINK_FLAGS,
    SIDE_LINK_FLAGS,
    Root,
    write_drivers,
)
from wasixtasks.toolchain.runtime import TRAP_EXIT, run_wasm

pytestmark = pytest.mark.integration

#: The fake zig: every argument, each followed by a NUL byte.
FAKE_ZIG = "#!/bin/sh\nfor a do printf '%s\\0' \"$a\"; done\n"

#: Arguments that break naive quoting: blanks, quotes, glob and expansion characters, an
#: empty argument, a newline, and a word that looks like a mode flag but is not one.
AWKWARD = ["-o", "out dir/a b.wasm", "it's.c", '"q".c', "$HOME", "*", "", "x\ny", "-DX=a b",
           "-cflag-like"]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Root:
    """A root with a space in its path, the fake zig, and the drivers."""
    root = Root(tmp_path_factory.mktemp("drivers") / "tool root")
    root.zig.parent.mkdir(parents=True)
    root.zig.write_text(FAKE_ZIG)
    root.zig.chmod(0o755)
    write_drivers(root)
    return root


def call(root: Root, tool: str, *args: str, cwd: Path | None = None) -> list[str]:
    """Run driver ``tool``; the arguments the fake zig received."""
    proc = subprocess.run([root.tool(tool), *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True, timeout=60)
    assert proc.stderr == b""
    out = proc.stdout.decode()
    assert out.endswith("\0") or out == ""
    return out.split("\0")[:-1]


def base(root: Root, *, cxx: bool = False) -> list[str]:
    lang = ["clang", "--driver-mode=g++"] if cxx else ["clang"]
    return [*lang, f"--sysroot={root.sysroot}", f"-resource-dir={root.resource_dir}",
            f"-B{root.bin}", *COMPILE_FLAGS]


def side_tail(root: Root) -> list[str]:
    return [*SIDE_LINK_FLAGS, str(root.sysroot / SIDE_START), str(root.resource_dir / BUILTINS)]


# --------------------------------------------------------------------------- compiler modes


@pytest.mark.parametrize("flag", ["-c", "-S", "-E", "-M", "-MM", "-fsyntax-only"])
def test_compile_modes_get_compile_flags_only(root: Root, flag: str) -> None:
    args = ["-O2", flag, "a.c", "-o", "a.o"]
    assert call(root, "wasix-cc", *args) == [*base(root), *args]


def test_compile_wins_over_shared(root: Root) -> None:
    args = ["-shared", "-fPIC", "-c", "a.c"]
    assert call(root, "wasix-cc", *args) == [*base(root), *args]


@pytest.mark.parametrize("flag", ["-shared", "-Wl,-shared"])
def test_shared_links_a_side_module(root: Root, flag: str) -> None:
    args = ["a.o", flag, "-o", "liba.so", "-lz"]
    assert call(root, "wasix-cc", *args) == [*base(root), *args, *side_tail(root)]


def test_shared_in_a_response_file(root: Root, tmp_path: Path) -> None:
    (tmp_path / "link.rsp").write_text("a.o b.o -shared -o libab.so\n")
    (tmp_path / "plain.rsp").write_text("a.o b.o -o prog.wasm\n")
    # relative to the caller's folder, as build systems write them
    assert call(root, "wasix-cc", "@link.rsp", cwd=tmp_path) == [
        *base(root), "@link.rsp", *side_tail(root)]
    assert call(root, "wasix-cc", "@plain.rsp", cwd=tmp_path) == [
        *base(root), "@plain.rsp", *MAIN_LINK_FLAGS]
    # a response file that does not exist is no reason to fail here (clang reports it)
    assert call(root, "wasix-cc", "@missing.rsp", cwd=tmp_path) == [
        *base(root), "@missing.rsp", *MAIN_LINK_FLAGS]


def test_otherwise_a_main_module(root: Root) -> None:
    args = ["main.o", "-o", "prog.wasm", "-L/x", "-lfoo"]
    assert call(root, "wasix-cc", *args) == [*base(root), *args, *MAIN_LINK_FLAGS]
    assert call(root, "wasix-cc") == [*base(root), *MAIN_LINK_FLAGS]


def test_cxx_links_its_runtime(root: Root) -> None:
    assert call(root, "wasix-c++", "-c", "a.cc") == [*base(root, cxx=True), "-c", "a.cc"]
    assert call(root, "wasix-c++", "a.o", "-o", "prog.wasm") == [
        *base(root, cxx=True), "a.o", "-o", "prog.wasm", *MAIN_LINK_FLAGS, "-lunwind"]
    assert call(root, "wasix-c++", "a.o", "-shared", "-o", "liba.so") == [
        *base(root, cxx=True), "a.o", "-shared", "-o", "liba.so", *SIDE_LINK_FLAGS,
        str(root.sysroot / SIDE_START), "-lc++", "-lc++abi", "-lunwind",
        str(root.resource_dir / BUILTINS)]


@pytest.mark.parametrize("mode", ["compile", "side", "main"])
def test_user_arguments_keep_order_and_quoting(root: Root, mode: str) -> None:
    extra = {"compile": ["-c"], "side": ["-shared"], "main": []}[mode]
    tail = {"compile": [], "side": side_tail(root), "main": list(MAIN_LINK_FLAGS)}[mode]
    args = [*AWKWARD, *extra]
    assert call(root, "wasix-cc", *args) == [*base(root), *args, *tail]


# --------------------------------------------------------------------------- wasm-ld


@pytest.mark.parametrize(
    "dropped",
    [["--as-needed"], ["--no-as-needed"], ["--version-script", "exports.map"],
     ["--version-script=exports.map"], ["--hash-style=gnu"], ["--hash-style=both"],
     ["--no-undefined"], ["--eh-frame-hdr"], ["--enable-new-dtags"], ["--allow-shlib-undefined"]],
    ids=lambda d: " ".join(d),
)
def test_wasm_ld_drops_elf_only_flags(root: Root, dropped: list[str]) -> None:
    assert call(root, "wasm-ld", "-o", "x.wasm", *dropped, "a.o") == [
        "wasm-ld", "-o", "x.wasm", "a.o"]


def test_wasm_ld_drops_groups_but_keeps_their_members(root: Root) -> None:
    assert call(root, "wasm-ld", "a.o", "--start-group", "liba.a", "libb.a", "--end-group",
                "-o", "x.wasm") == ["wasm-ld", "a.o", "liba.a", "libb.a", "-o", "x.wasm"]


def test_wasm_ld_drops_every_listed_flag_at_once(root: Root) -> None:
    literal = [f.replace("*", "x") for f in ELF_ONLY_FLAGS]
    assert call(root, "wasm-ld", *literal, "a.o", "--version-script", "v.map", "b.o") == [
        "wasm-ld", "a.o", "b.o"]


def test_wasm_ld_passes_everything_else_unchanged(root: Root) -> None:
    args = ["--no-entry", "--export=PyInit_x", "--export-if-defined=__tls_base", "-L/p q",
            "--shared-memory", "-z", "stack-size=65536", "--hash-style", "--version-scripts",
            "--as-needed-not", "", "a b.o", "x\ny", "--whole-archive", "lib.a",
            "--no-whole-archive"]
    assert call(root, "wasm-ld", *args) == ["wasm-ld", *args]


# --------------------------------------------------------------------------- other tools


@pytest.mark.parametrize(("tool", "sub"), [("wasix-ar", "ar"), ("wasix-ranlib", "ranlib"),
                                           ("wasix-objcopy", "objcopy")])
def test_simple_tools(root: Root, tool: str, sub: str) -> None:
    assert call(root, tool, "rcs", "lib a.a", "x.o") == [sub, "rcs", "lib a.a", "x.o"]


def test_bootstrap_clang(root: Root) -> None:
    assert call(root, "clang", "--target=wasm32-wasi", "-c", "a b.c") == [
        "clang", f"-resource-dir={root.path / 'zig' / 'lib'}", "--target=wasm32-wasi", "-c",
        "a b.c"]


# --------------------------------------------------------------------------- runtime


def i32(n: int) -> bytes:
    return b"\x41" + sleb(n)


def functype(params: int, results: int) -> bytes:
    return b"\x60" + vec([b"\x7f"] * params) + vec([b"\x7f"] * results)


MESSAGE = b"hello from wasm\n"


def hello_module(*, trap: bool = False) -> bytes:
    """A WASI command: writes MESSAGE to stdout, then exits with its argument count (or, with
    ``trap``, hits ``unreachable``)."""
    wasi = "wasi_snapshot_preview1"
    types = section(1, vec([functype(4, 1), functype(2, 1), functype(1, 0), functype(0, 0)]))
    imports = section(2, vec([imp(wasi, "fd_write", b"\x00" + uleb(0)),
                              imp(wasi, "args_sizes_get", b"\x00" + uleb(1)),
                              imp(wasi, "proc_exit", b"\x00" + uleb(2))]))
    functions = section(3, vec([uleb(3)]))
    memory = section(5, vec([b"\x00" + uleb(1)]))
    exports = section(7, vec([exp("_start", KIND_FUNC, 3), exp("memory", KIND_MEMORY, 0)]))
    store, load = b"\x36\x02\x00", b"\x28\x02\x00"
    body = (
        i32(0) + i32(64) + store + i32(4) + i32(len(MESSAGE)) + store  # iovec at 0
        + i32(1) + i32(0) + i32(1) + i32(100) + b"\x10\x00\x1a"  # fd_write(1, iov, 1, &n)
        + i32(200) + i32(204) + b"\x10\x01\x1a"  # args_sizes_get(&argc, &size)
        + (b"\x00" if trap else i32(200) + load + b"\x10\x02")  # unreachable / proc_exit(argc)
        + b"\x0b"
    )
    fn = vec([]) + body
    code = section(10, vec([uleb(len(fn)) + fn]))
    data = section(11, vec([b"\x00" + i32(64) + b"\x0b" + uleb(len(MESSAGE)) + MESSAGE]))
    return module(types, imports, functions, memory, exports, code, data)


def trap_module() -> bytes:
    """A WASI command whose _start hits ``unreachable``."""
    body = vec([]) + b"\x00\x0b"
    return module(section(1, vec([functype(0, 0)])), section(3, vec([uleb(0)])),
                  section(5, vec([b"\x00" + uleb(1)])),
                  section(7, vec([exp("_start", KIND_FUNC, 0), exp("memory", KIND_MEMORY, 0)])),
                  section(10, vec([uleb(len(body)) + body])))


def test_runtime_command_line_runs_a_module(tmp_path: Path) -> None:
    (tmp_path / "hello.wasm").write_bytes(hello_module())
    proc = subprocess.run(
        [sys.executable, "-m", "wasixtasks.toolchain.runtime", "--cache", str(tmp_path / "cache"),
         "hello.wasm", "one", "two words"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    assert proc.stdout == MESSAGE, proc.stderr
    assert proc.returncode == 3  # the module's name and the two arguments


def test_run_wasm_reports_a_trap(tmp_path: Path) -> None:
    (tmp_path / "trap.wasm").write_bytes(trap_module())
    result = run_wasm(tmp_path / "trap.wasm", cache_dir=tmp_path / "cache")
    assert (result.reason, result.exit_code) == ("trap", TRAP_EXIT)
    assert "unreachable" in result.stderr
    assert not result.ok


def test_run_wasm_keeps_what_a_trapping_program_wrote(tmp_path: Path) -> None:
    (tmp_path / "late-trap.wasm").write_bytes(hello_module(trap=True))
    result = run_wasm(tmp_path / "late-trap.wasm", cache_dir=tmp_path / "cache")
    assert (result.reason, result.exit_code) == ("trap", TRAP_EXIT)
    assert result.stdout.encode() == MESSAGE, result
    assert "unreachable" in result.stderr


def test_a_response_file_naming_a_shared_looking_file_links_a_main_module(
        root: Root, tmp_path: Path) -> None:
    (tmp_path / "prog.rsp").write_text("tests/test-shared-memory.o -o t.wasm\n")
    assert call(root, "wasix-cc", "@prog.rsp", cwd=tmp_path) == [
        *base(root), "@prog.rsp", *MAIN_LINK_FLAGS]
    (tmp_path / "lib.rsp").write_text("a.o -shared -o lib.so\n")
    assert call(root, "wasix-cc", "@lib.rsp", cwd=tmp_path)[-1].endswith(BUILTINS)

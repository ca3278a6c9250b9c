"""Stand-in toolchain driver, copied by `invoke toolchain.setup` into ``.toolchain/bin`` under
the names wasi-cc, wasi-c++, wasi-ar, wasi-ranlib, wasi-ld and wasi-run.

It is a separate program (the compilers' front end), not part of the wasixtasks library: build
systems call it thousands of times, so it imports nothing but the standard library and the two
PyPI packages of the stand-in toolchain (ziglang, wasmtime).

- wasi-cc / wasi-c++: ``zig cc``/``zig c++ -target wasm32-wasi -fPIC``. Every object is
  position independent so static libraries can be linked into Python extension modules.
  ``-shared`` links a wasm side module with ``wasm-ld -shared --experimental-pic`` instead:
  zig's own driver cannot make one. Flags that only make sense for ELF are dropped there.
- wasi-run: runs a wasm32-wasi command module with wasmtime, mapping the current folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

#: Linker flags (after -Wl, splitting) that wasm-ld rejects and that only matter for ELF.
ELF_ONLY = {
    "--as-needed", "--no-as-needed", "--allow-shlib-undefined", "--no-allow-shlib-undefined",
    "--start-group", "--end-group", "--no-undefined", "-Bsymbolic", "-Bsymbolic-functions",
    "--enable-new-dtags", "--disable-new-dtags", "--eh-frame-hdr", "--build-id", "-E",
    "--export-dynamic", "--whole-archive", "--no-whole-archive", "-O1", "-O2", "--hash-style=gnu",
    "--hash-style=both", "--gc-sections", "-dynamic", "-Bdynamic", "-Bstatic",
}
#: ELF flags that take the next argument with them.
ELF_ONLY_WITH_ARG = {"-soname", "-h", "-rpath", "-rpath-link", "--version-script", "-z"}
#: Compile-only flags that may appear on a link line; the link step ignores them.
SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".C", ".m", ".s", ".S")


def zig() -> str:
    import ziglang  # the PyPI package carrying the zig binary

    return os.path.join(os.path.dirname(ziglang.__file__), "zig")


def zig_env() -> dict[str, str]:
    env = dict(os.environ)
    cache = os.path.join(os.path.dirname(HERE), "zig-cache")
    env.setdefault("ZIG_GLOBAL_CACHE_DIR", cache)
    env.setdefault("ZIG_LOCAL_CACHE_DIR", cache)
    return env


#: Libraries the host (the main module: python.wasm and its libc) provides; a side module
#: must import their symbols, not link them (wasm-ld: "unable to find library -lm").
HOST_LIBS = {"c", "m", "pthread", "dl", "rt", "util", "crypt", "resolv",
             "stdc++", "c++", "c++abi", "unwind", "gcc", "gcc_s"}


def compile_flags() -> list[str]:
    """Flags before the build's own: PIC, and -O2 (a later -O from the build wins).
    zig cc without -O builds in Debug mode, which adds UBSan traps."""
    return ["-target", "wasm32-wasi", "-fPIC", "-O2"]


def compile_suffix() -> list[str]:
    """Flags after the build's own: no UBSan even at -O0 (a side module would import
    __ubsan_handle_* from the host), and no DWARF (zig emits it even without -g; numpy's
    objects shrink ~5x). WASI_KEEP_DEBUG=1 keeps debug info."""
    out = ["-fno-sanitize=undefined"]
    if os.environ.get("WASI_KEEP_DEBUG") != "1":
        out.append("-g0")
    return out


def expand_rsp(args: list[str]) -> list[str]:
    """Expand @response-file arguments (ninja and meson use them for long link lines)."""
    import shlex

    out: list[str] = []
    for a in args:
        if a.startswith("@") and os.path.isfile(a[1:]):
            with open(a[1:]) as fh:
                out.extend(expand_rsp(shlex.split(fh.read())))
        else:
            out.append(a)
    return out


def split_wl(args: list[str]) -> list[str]:
    out: list[str] = []
    for a in args:
        if a.startswith("-Wl,"):
            out.extend(p for p in a[4:].split(",") if p)
        elif a.startswith("-Xlinker"):
            continue
        else:
            out.append(a)
    return out


def link_shared(lang: str, args: list[str]) -> int:
    """Compile any sources on the line, then link a side module with wasm-ld."""
    args = split_wl(args)
    out = "a.out"
    objs: list[str] = []
    link: list[str] = []
    compile_only: list[str] = []
    sources: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-o":
            out = args[i + 1]
            i += 2
            continue
        if a in ELF_ONLY_WITH_ARG:
            i += 2
            continue
        if a in ELF_ONLY or a.startswith(("-soname=", "--version-script=", "-rpath=", "-z,")):
            i += 1
            continue
        if a in ("-shared", "-fPIC", "-fpic", "-pthread", "-static-libgcc", "-static-libstdc++"):
            i += 1
            continue
        if a == "-l" and i + 1 < len(args):
            a = "-l" + args[i + 1]
            i += 1
        if a.startswith("-l"):
            if a[2:] not in HOST_LIBS:
                link.append(a)
        elif a.startswith("-L") or a.startswith("--export") or a.startswith("--undefined"):
            link.append(a)
        elif a.endswith(SOURCE_SUFFIXES) and not a.startswith("-"):
            sources.append(a)
        elif a.startswith("-") :
            # -I/-D/-O/-f/-m/-g/-std and friends: only relevant for compiling sources here.
            compile_only.append(a)
            if a in ("-I", "-D", "-include", "-isystem", "-target", "-x", "-MF", "-MT", "-MQ"):
                if i + 1 < len(args):
                    compile_only.append(args[i + 1])
                    i += 1
        else:
            objs.append(a)
        i += 1
    tmpdir = tempfile.mkdtemp(prefix="wasi-cc-")
    try:
        for n, src in enumerate(sources):
            obj = os.path.join(tmpdir, f"{n}.o")
            cmd = [zig(), lang, *compile_flags(), *compile_only, *compile_suffix(), "-c", src, "-o", obj]
            rc = subprocess.call(cmd, env=zig_env())
            if rc:
                return rc
            objs.append(obj)
        cmd = [
            zig(), "wasm-ld", "-shared", "--experimental-pic", "--no-entry",
            "--unresolved-symbols=import-dynamic", "-o", out, *objs, *link,
            *([] if os.environ.get("WASI_KEEP_DEBUG") == "1" else ["--strip-debug"]),
        ]
        return subprocess.call(cmd, env=zig_env())
    finally:
        for name in os.listdir(tmpdir):
            os.unlink(os.path.join(tmpdir, name))
        os.rmdir(tmpdir)


def cc(lang: str, args: list[str]) -> int:
    args = expand_rsp(args)
    compiling_only = any(a in ("-c", "-E", "-S") for a in args)
    if not compiling_only and ("-shared" in args or "-Wl,-shared" in args):
        return link_shared(lang, args)
    cmd = [zig(), lang, *compile_flags(), *args, *compile_suffix()]
    os.execve(cmd[0], cmd, zig_env())
    return 127  # not reached


def wasi_run(args: list[str]) -> int:
    """Run a WASI command module with wasmtime: ``wasi-run [--dir HOST[::GUEST]]... [--env K=V]...
    module.wasm [args...]``. The current folder is always mapped as ``.``."""
    import wasmtime

    dirs: list[tuple[str, str]] = [(os.getcwd(), ".")]
    env: list[tuple[str, str]] = []
    while args and args[0] in ("--dir", "--env"):
        flag, value = args[0], args[1]
        args = args[2:]
        if flag == "--dir":
            host, _, guest = value.partition("::")
            dirs.append((host, guest or host))
        else:
            k, _, v = value.partition("=")
            env.append((k, v))
    if not args:
        print("usage: wasi-run [--dir H[::G]] [--env K=V] module.wasm [args]", file=sys.stderr)
        return 2
    engine = wasmtime.Engine()
    module = wasmtime.Module.from_file(engine, args[0])
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    wasi = wasmtime.WasiConfig()
    wasi.argv = args
    wasi.env = env
    wasi.inherit_stdin()
    wasi.inherit_stdout()
    wasi.inherit_stderr()
    for host, guest in dirs:
        wasi.preopen_dir(host, guest)
    store = wasmtime.Store(engine)
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    try:
        start(store)  # type: ignore[operator]
    except wasmtime.ExitTrap as exit_:
        return int(exit_.code)
    return 0


def main() -> int:
    tool = os.path.basename(sys.argv[0])
    args = sys.argv[1:]
    if tool.endswith("c++") or tool.endswith("cxx"):
        return cc("c++", args)
    if tool.endswith("-cc") or tool.endswith("clang"):
        return cc("cc", args)
    if tool.endswith("-ar"):
        os.execve(zig(), [zig(), "ar", *args], zig_env())
    if tool.endswith("-ranlib"):
        os.execve(zig(), [zig(), "ranlib", *args], zig_env())
    if tool.endswith("-ld"):
        os.execve(zig(), [zig(), "wasm-ld", *args], zig_env())
    if tool.endswith("-run"):
        return wasi_run(args)
    print(f"standin_tool: unknown tool name {tool}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""A SIMULATED wasix-clang environment, made from the installed stand-in toolchain.

This is a SIMULATION, not the real WASIX toolchain:

- the compilers (``wasix-clang``, ``wasix-clang++``), archiver, ranlib and linker are tiny
  scripts that exec the stand-in's zig-based wrappers in ``.toolchain/bin`` (``wasi-cc``,
  ``wasi-c++``, ``wasi-ar``, ``wasi-ranlib``, ``wasi-ld``); what they produce is plain
  wasm32-wasi, not wasm32-wasix;
- ``wasmer`` accepts ``wasmer run [--dir X]... file.wasm [-- args]`` and runs the module with
  the stand-in runner (``wasi-run``, wasmtime), not Wasmer;
- the "WASIX CPython 3.13" is the stand-in's WASI CPython 3.11 in disguise: its headers are
  the 3.11 headers copied to ``include/python3.13``, its sysconfig data is the 3.11 file with
  VERSION, LDVERSION, SOABI, EXT_SUFFIX and the ``python3.11`` paths rewritten to 3.13/313,
  and ``bin/python3.13.wasm`` is a copy of ``python3.11.wasm``.

What it proves: the wasix code path of wasixtasks (profile detection from the activated
environment's variables, the tools and sysroot it takes from them, the target CPython it
reads from ``WASIXTASKS_WASIX_PYTHON``, the ``wasix_wasm32`` and ``cp313`` tags, the 3.13
extension suffix) works end to end. What it does not prove: ABI compatibility of anything
built with it with a real WASIX CPython 3.13, or that the real wasix-clang accepts the same
flags.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STANDIN = REPO / ".toolchain"

#: The version the simulated WASIX CPython claims to be, and the one it really is.
SIM_VERSION = "3.13"
REAL_VERSION = "3.11"

_WASMER = '''\
"""Simulated `wasmer`: `wasmer run [--dir X]... [--env K=V]... file.wasm [-- args]`,
executed by the stand-in runner (wasmtime) instead of Wasmer."""
import os
import sys

RUNNER = {runner!r}


def main(argv):
    if argv[:1] == ["--version"]:
        print("wasmer 0.0.0 (simulated by the wasixtasks tests)")
        return 0
    if argv[:1] != ["run"]:
        print("simulated wasmer: only `wasmer run` is supported", file=sys.stderr)
        return 2
    argv = argv[1:]
    opts = []
    while argv and argv[0] in ("--dir", "--mapdir", "--env"):
        if len(argv) < 2:
            print(f"simulated wasmer: {{argv[0]}} needs a value", file=sys.stderr)
            return 2
        flag = "--env" if argv[0] == "--env" else "--dir"
        opts += [flag, argv[1]]
        argv = argv[2:]
    if not argv:
        print("usage: wasmer run [--dir X] file.wasm [-- args]", file=sys.stderr)
        return 2
    module, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    os.execv(RUNNER, [RUNNER, *opts, module, *rest])


sys.exit(main(sys.argv[1:]))
'''


def _write_exe(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _exec_script(target: Path, calls: Path | None = None) -> str:
    """A shell script that runs ``target`` with its arguments (logging the call to ``calls``)."""
    log = f'printf \'%s\\n\' "$(basename "$0") $*" >> "{calls}"\n' if calls else ""
    return f'#!/bin/sh\n{log}exec "{target}" "$@"\n'


def _rewrite_sysconfigdata(text: str) -> str:
    """The 3.11 sysconfig data, claiming 3.13."""
    nodot_old, nodot_new = REAL_VERSION.replace(".", ""), SIM_VERSION.replace(".", "")
    text = text.replace(f"python{REAL_VERSION}", f"python{SIM_VERSION}")
    text = text.replace(f"config-{REAL_VERSION}", f"config-{SIM_VERSION}")
    text = text.replace(f"cpython-{nodot_old}", f"cpython-{nodot_new}")
    for key in ("VERSION", "LDVERSION", "py_version_short"):
        text = re.sub(rf"('{key}':\s*)'{re.escape(REAL_VERSION)}'", rf"\g<1>'{SIM_VERSION}'", text)
    text = re.sub(r"('py_version_nodot':\s*)'\d+'", rf"\g<1>'{nodot_new}'", text)
    text = re.sub(
        rf"('py_version':\s*)'{re.escape(REAL_VERSION)}(\.\d+)?'", rf"\g<1>'{SIM_VERSION}.0'", text
    )
    return text


def _rewrite_makefile(text: str) -> str:
    """The 3.11 Makefile's version variables, claiming 3.13."""
    nodot_old, nodot_new = REAL_VERSION.replace(".", ""), SIM_VERSION.replace(".", "")
    text = text.replace(f"python{REAL_VERSION}", f"python{SIM_VERSION}")
    text = text.replace(f"cpython-{nodot_old}", f"cpython-{nodot_new}")
    return re.sub(rf"^VERSION=(\s*){re.escape(REAL_VERSION)}$", rf"VERSION=\g<1>{SIM_VERSION}", text,
                  flags=re.MULTILINE)


def make_fake_cpython(dest: Path, standin: Path = STANDIN) -> Path:
    """A "WASIX CPython 3.13" install folder made from the stand-in's WASI CPython 3.11."""
    src = standin / "python"
    inc_src = src / "include" / f"python{REAL_VERSION}"
    lib_src = src / "lib" / f"python{REAL_VERSION}"
    data_src = sorted(lib_src.glob("_sysconfigdata_*.py"))
    if not inc_src.is_dir() or not data_src:
        raise RuntimeError(f"{src} has no WASI CPython {REAL_VERSION}: run `invoke toolchain.setup`")
    shutil.copytree(inc_src, dest / "include" / f"python{SIM_VERSION}")
    lib = dest / "lib" / f"python{SIM_VERSION}"
    lib.mkdir(parents=True)
    data = data_src[0]
    (lib / data.name).write_text(_rewrite_sysconfigdata(data.read_text()))
    # crossenv reads _PYTHON_HOST_PLATFORM from lib/python3.X/config-*/Makefile
    for makefile in sorted(lib_src.glob("config-*/Makefile")):
        folder = lib / makefile.parent.name.replace(REAL_VERSION, SIM_VERSION)
        folder.mkdir()
        (folder / "Makefile").write_text(_rewrite_makefile(makefile.read_text()))
    pc_src = src / "lib" / "pkgconfig"
    if pc_src.is_dir():
        pc_dest = dest / "lib" / "pkgconfig"
        pc_dest.mkdir(parents=True)
        for pc in sorted(pc_src.glob("*.pc")):
            name = pc.name.replace(REAL_VERSION, SIM_VERSION)
            (pc_dest / name).write_text(pc.read_text().replace(REAL_VERSION, SIM_VERSION))
    wasm = src / "bin" / f"python{REAL_VERSION}.wasm"
    (dest / "bin").mkdir(parents=True)
    if wasm.is_file():
        shutil.copy2(wasm, dest / "bin" / f"python{SIM_VERSION}.wasm")
    return dest


def find_host_python(version: str = SIM_VERSION) -> Path | None:
    """A working ``python<version>`` on the build machine (crossenv needs its build Python to
    be the target's version): PATH first, then pyenv's installs. None when there is none."""
    import subprocess

    candidates: list[Path] = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder:
            candidates.append(Path(folder) / f"python{version}")
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates += sorted(pyenv_root.glob(f"versions/{version}*/bin/python{version}"), reverse=True)
    for cand in candidates:
        if not (cand.is_file() and os.access(cand, os.X_OK)):
            continue
        proc = subprocess.run(
            [str(cand), "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, check=False,
        )
        if proc.returncode == 0 and proc.stdout.strip() == version:
            return cand
    return None


def make_sim_wasix(dest: Path, *, standin: Path = STANDIN) -> dict[str, str]:
    """Create the simulated wasix-clang install, sysroot and WASIX CPython under ``dest``;
    return the environment variables an activated wasix-clang would set (plus
    ``WASIXTASKS_WASIX_PYTHON``), with PATH prepended to the caller's.

    Every call of the compiler, archiver and linker scripts is appended to
    ``dest/wasix-clang/calls.log`` (``<tool name> <arguments>``), so a test can show that a
    build really went through them."""
    tools = standin / "bin"
    for tool in ("wasi-cc", "wasi-c++", "wasi-ar", "wasi-ranlib", "wasi-ld", "wasi-run"):
        if not (tools / tool).exists():
            raise RuntimeError(f"{tools / tool} is missing: run `invoke toolchain.setup`")
    bin_dir = dest / "wasix-clang" / "bin"
    bin_dir.mkdir(parents=True)
    calls = bin_dir.parent / "calls.log"
    calls.touch()
    cc = _write_exe(bin_dir / "wasix-clang", _exec_script(tools / "wasi-cc", calls))
    cxx = _write_exe(bin_dir / "wasix-clang++", _exec_script(tools / "wasi-c++", calls))
    ar = _write_exe(bin_dir / "llvm-ar", _exec_script(tools / "wasi-ar", calls))
    ranlib = _write_exe(bin_dir / "llvm-ranlib", _exec_script(tools / "wasi-ranlib", calls))
    ld = _write_exe(bin_dir / "wasm-ld", _exec_script(tools / "wasi-ld", calls))
    nm = _write_exe(bin_dir / "llvm-nm", "#!/bin/sh\nexit 0\n")
    wasmer = _write_exe(
        bin_dir / "wasmer",
        f"#!{sys.executable}\n" + _WASMER.format(runner=str(tools / "wasi-run")),
    )

    sysroot = dest / "wasix-sysroot"
    for sub in ("usr/local/include", "usr/local/lib/wasm32-wasi", "lib/wasm32-wasi", "include"):
        (sysroot / sub).mkdir(parents=True, exist_ok=True)

    cpython = make_fake_cpython(dest / "cpython-3.13", standin)

    return {
        "CC": str(cc),
        "CXX": str(cxx),
        "AR": str(ar),
        "RANLIB": str(ranlib),
        "NM": str(nm),
        "LD": str(ld),
        "WASIX_SYSROOT": str(sysroot),
        "WASMER": str(wasmer),
        "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
        "WASIXTASKS_WASIX_PYTHON": str(cpython),
    }

"""`invoke toolchain.setup` and `invoke toolchain.doctor`."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
from pathlib import Path

from ..errors import WasixError
from ..pipelines.common import Engine
from ..run import console
from ..scheduler import Outcome
from ..toolchain.drivers import Root
from ..toolchain.profiles import (
    SELF_BUILT, WASIX_CLANG, find_build_python, wasix_clang_detected,
)
from ..toolchain.root import COMPLETE, root_key, ziglang_dir
from .build import build

#: Host programs builds run, and where Debian has them.
HOST_TOOLS = {"make": "make", "pkg-config": "pkg-config", "perl": "perl", "git": "git",
              "apt-get": "apt (Debian backups of sources)"}
PY_HOST_TOOLS = ("cmake", "ninja", "meson")
TARGET_PYTHON = "3.13"


def setup_names(engine: Engine) -> list[str]:
    """The packages toolchain.setup builds: the compiler (self-built) and the CPython."""
    names = list(engine.compiler_packages())
    python = engine.python_package()
    return names + ([python] if python else [])


def setup(engine: Engine, *, jobs: int = 1) -> list[Outcome]:
    """Build (or restore from the cache) the toolchain packages and install the toolchain."""
    names = setup_names(engine)
    outcomes = build(engine, names, jobs=jobs) if names else []
    if engine.profile == SELF_BUILT:
        root = engine.compiler_root(needed_by="toolchain")
        console(f"compiler: {root.path} (wasix-cc, wasix-c++, wasix-ar; sysroot {root.sysroot})")
    py = engine.target_python(needed_by="toolchain")
    if py is not None:
        console(f"target CPython {py.version}: {py.python_wasm} (EXT_SUFFIX {py.ext_suffix})")
    return outcomes


def _root_state(engine: Engine) -> tuple[bool, str]:
    names = engine.compiler_packages()
    try:
        key = root_key([f"{n}={engine.input_hash(n)}" for n in names])
    except WasixError as exc:
        return False, f"cannot compute the toolchain's inputs: {exc.message}"
    root = Root(engine.cfg.layout.toolchains / key)
    if (root.path / COMPLETE).is_file():
        return True, f"{root.path} [ok]"
    return False, f"not built for these recipes ({root.path}): run `invoke toolchain.setup`"


def doctor(engine: Engine) -> tuple[bool, str]:
    """What the active profile found, what is missing, and how to fix it."""
    cfg = engine.cfg
    detected = "detected" if wasix_clang_detected() else "not detected"
    lines = [f"profile: {engine.profile} (configured: {cfg.toolchain}; wasix-clang "
             f"environment {detected})"]
    ok = True

    def item(label: str, good: bool, text: str) -> None:
        nonlocal ok
        ok = ok and good
        lines.append(f"  {label:<13} {text}")

    try:
        item("zig", True, f"ziglang {importlib.metadata.version('ziglang')} at {ziglang_dir()} [ok]")
    except (WasixError, importlib.metadata.PackageNotFoundError):
        item("zig", False, "MISSING: `pip install -e .` installs ziglang")
    try:
        item("wasmer", True, f"wasmer-sdk {importlib.metadata.version('wasmer-sdk')} [ok]")
    except importlib.metadata.PackageNotFoundError:
        item("wasmer", False, "MISSING: `pip install -e .` installs wasmer-sdk")
    if engine.profile == WASIX_CLANG and engine.user_toolchain is not None:
        for var, tool in sorted(engine.user_toolchain.tools.items()):
            found = shutil.which(tool) is not None
            item(var, found, f"{tool} [{'ok' if found else 'MISSING'}]")
        for problem in engine.user_toolchain.problems:
            item("problem", False, problem)
        wasmer = os.environ.get("WASMER") or shutil.which("wasmer")
        lines.append(f"  {'WASMER':<13} {wasmer or 'not set'} (package tests run with the "
                     "wasmer-sdk runtime either way)")
    else:
        good, text = _root_state(engine)
        item("compiler", good, text)
    py_pkg = engine.python_package()
    if py_pkg is None and engine.user_toolchain is not None and engine.user_toolchain.python:
        item("cpython", True, f"yours: {engine.user_toolchain.python.prefix} [ok]")
    else:
        home = cfg.cache_dir / "python"
        built = py_pkg is not None and (home / engine.input_hash(py_pkg)[:24] / ".complete").is_file()
        item("cpython", built, f"recipe `{py_pkg}`: " + ("built [ok]" if built else
                                                         "not built: run `invoke toolchain.setup`"))
    build_py = find_build_python(cfg, TARGET_PYTHON)
    item("build python", build_py is not None,
         f"{build_py} [ok]" if build_py else f"MISSING: a CPython {TARGET_PYTHON} for the build "
         f"machine (`pyenv install {TARGET_PYTHON}`, or `build-python` in wasixtasks.local.toml)")
    for tool, package in HOST_TOOLS.items():
        where = shutil.which(tool)
        item(tool, where is not None, f"{where} [ok]" if where else
             f"MISSING: apt-get install {package.split()[0]}")
    for tool in PY_HOST_TOOLS:
        where = shutil.which(tool, path=str(Path(sys.executable).parent))
        item(tool, where is not None, f"{where} [ok]" if where else "MISSING: `pip install -e .`")
    lines.append("status: ready" if ok else "status: NOT READY")
    return ok, "\n".join(lines)

"""The two ways to get the WASIX toolchain, and what each needs from the machine.

- ``self-built`` (default; what CI and a user without wasix-clang get): the toolchain
  packages (wasix-libc, compiler-rt, libcxx) built from source with zig's clang and assembled
  into a root in the cache; the target CPython is the ``cpython`` recipe.
- ``wasix-clang``: the user's activated environment (``source wasix-clang/activate``: CC,
  CXX, AR, RANLIB, NM, LD, WASIX_SYSROOT, WASMER) or ``wasixcc`` on PATH; the target CPython
  is the user's (``wasix-python``) when configured, else the ``cpython`` recipe built with it.

Both run programs with the Wasmer runtime of the ``wasmer-sdk`` package.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from ..config import Config
from .drivers import Root, tools_of
from .model import TargetPython, Toolchain
from .root import zig_version

SELF_BUILT = "self-built"
WASIX_CLANG = "wasix-clang"
#: The toolchain packages whose artifacts form the self-built compiler root.
COMPILER_PACKAGES = ("wasix-libc", "compiler-rt", "libcxx")

WASIX_ENV_TOOLS = ("CC", "CXX", "AR", "RANLIB", "NM", "LD")
WASIXCC_TOOLS = {"CC": "wasixcc", "CXX": "wasix++", "AR": "wasixar", "RANLIB": "wasixranlib",
                 "NM": "wasixnm", "LD": "wasixld"}


def wasix_clang_detected(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    cc = os.path.basename(env.get("CC", ""))
    if env.get("WASIX_SYSROOT") and cc.startswith("wasix"):
        return True
    return shutil.which("wasixcc", path=env.get("PATH", "")) is not None


def active_profile(cfg: Config, env: dict[str, str] | None = None) -> str:
    if cfg.toolchain == "auto":
        return WASIX_CLANG if wasix_clang_detected(env) else SELF_BUILT
    return cfg.toolchain


def runner(cfg: Config) -> tuple[str, ...]:
    """The command prefix that runs a wasm program (meson's exe_wrapper)."""
    return (sys.executable, "-m", "wasixtasks.toolchain.runtime",
            "--cache", str(cfg.layout.wasmer_cache))


def _module_hash(name: str) -> str:
    return hashlib.sha256((Path(__file__).parent / name).read_bytes()).hexdigest()[:16]


def self_built_identity() -> dict[str, str]:
    """What every self-built artifact depends on besides its packages: zig and the drivers."""
    return {"zig": zig_version(), "drivers": _module_hash("drivers.py")}


def root_toolchain(cfg: Config, root: Root, *, python: TargetPython | None = None,
                   identity: dict[str, str] | None = None) -> Toolchain:
    """The toolchain of a self-built root (full, or partial while the toolchain builds)."""
    return Toolchain(
        profile=SELF_BUILT, tools=tools_of(root), runner=runner(cfg), python=python,
        sysroot=root.sysroot,
        identity={**self_built_identity(), **(identity or {})},
        extra_env={"ZIG_GLOBAL_CACHE_DIR": str(cfg.cache_dir / "zig"),
                   "WASIXTASKS_WASMER_CACHE": str(cfg.layout.wasmer_cache)},
    )


def _stat_identity(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def user_python(cfg: Config, env: dict[str, str]) -> TargetPython | None:
    """The user's WASIX CPython: ``wasix-python`` in config, else ``$WASIX_PYTHON``."""
    root = cfg.wasix_python or (Path(env["WASIX_PYTHON"]) if env.get("WASIX_PYTHON") else None)
    return TargetPython.find(root) if root is not None else None


def wasix_clang_toolchain(cfg: Config, env: dict[str, str] | None = None,
                          python: TargetPython | None = None) -> Toolchain:
    """The user's activated wasix-clang environment (or wasixcc on PATH)."""
    env = dict(os.environ) if env is None else env
    problems: list[str] = []
    tools: dict[str, str] = {}
    if env.get("CC") and os.path.basename(env["CC"]).startswith("wasix"):
        tools = {var: env[var] for var in WASIX_ENV_TOOLS if env.get(var)}
    else:
        for var, name in WASIXCC_TOOLS.items():
            found = shutil.which(name, path=env.get("PATH", ""))
            if found:
                tools[var] = found
    for var in ("CC", "CXX", "AR", "RANLIB"):
        if var not in tools:
            problems.append(f"{var} not set: `source wasix-clang/activate` (or put wasixcc on PATH)")
    sysroot = Path(env["WASIX_SYSROOT"]) if env.get("WASIX_SYSROOT") else None
    if sysroot is None or not sysroot.is_dir():
        problems.append("WASIX_SYSROOT is not set to a folder: activate wasix-clang")
    identity = {name: _stat_identity(Path(shutil.which(t, path=env.get("PATH", "")) or t))
                for name, t in sorted(tools.items())}
    if sysroot is not None:
        identity["sysroot"] = _stat_identity(sysroot / "lib" / "wasm32-wasi")
    extra = {"WASIX_SYSROOT": str(sysroot)} if sysroot else {}
    if "wasixcc" in os.path.basename(tools.get("CC", "")):
        extra["WASIXCC_PIC"] = "yes"
    return Toolchain(profile=WASIX_CLANG, tools=tools, runner=runner(cfg),
                     python=python or user_python(cfg, env), sysroot=sysroot,
                     identity=identity, problems=tuple(problems), extra_env=extra)


# --------------------------------------------------------------------------- build python


def _is_version(python: Path, version: str) -> bool:
    """Whether an interpreter is CPython ``version``, from its install layout (its own
    ``lib/python<version>/os.py``; no process started)."""
    return (python.resolve().parent.parent / "lib" / f"python{version}" / "os.py").is_file()


def _release(name: str) -> tuple[int, ...]:
    """``3.13.10`` -> (3, 13, 10): pyenv folders sorted by release, not as text."""
    return tuple(int(p) if p.isdigit() else -1 for p in name.split("."))


def find_build_python(cfg: Config, version: str) -> Path | None:
    """A build-machine CPython ``version``: ``build-python`` from the configuration, this
    interpreter, ``python<version>`` on PATH, or a pyenv-installed one."""
    candidates: list[Path] = []
    if cfg.build_python:
        candidates.append(cfg.build_python)
    if "%d.%d" % sys.version_info[:2] == version:
        candidates.append(Path(sys.executable))
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder and "shims" not in Path(folder).parts:
            candidates.append(Path(folder) / f"python{version}")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(pyenv.glob(f"{version}.*/bin/python{version}"), reverse=True,
                         key=lambda p: _release(p.parts[-3]))
    for cand in candidates:
        if cand.is_file() and os.access(cand, os.X_OK) and _is_version(cand, version):
            return cand
    return None

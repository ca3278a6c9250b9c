"""The cross environment wheels are built in (crossenv over the target CPython).

crossenv makes a virtual environment whose Python reports the *target's* platform,
sysconfig and extension suffix while running on the build machine, so setuptools and
meson-python produce wasm32 extension modules, with pip's build isolation still working.
One cross environment is kept per toolchain profile and target Python under ``.toolchain/``.

crossenv builds its ``build-python`` from the interpreter that runs it and refuses a target of
another version ("Version mismatch: host=3.13, build=3.11"): pip, the build backends and the
wheel tags all come from that interpreter. When wasixtasks runs on the target's version it runs
crossenv itself; otherwise a ``python3.X`` of the target's version is taken from PATH and gets
a small virtual environment with the same crossenv release (``.toolchain/crossenv-python3.X``).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
from pathlib import Path

from .archive import remove_tree
from .config import Config
from .errors import ToolchainError
from .run import Log, run
from .toolchain import Toolchain, resource, venv_python

MARKER = ".wasixtasks-crossenv.json"
BUILD_PYTHON_MARKER = ".wasixtasks-build-python.json"


def cross_home(cfg: Config, toolchain: Toolchain) -> Path:
    assert toolchain.python is not None
    return cfg.toolchain_dir / f"cross-{toolchain.profile}-{toolchain.python.version}"


def cross_python(home: Path) -> Path:
    return home / "cross" / "bin" / "python"


def _identity(toolchain: Toolchain) -> str:
    assert toolchain.python is not None
    h = hashlib.sha256(toolchain.fingerprint().encode())
    h.update(toolchain.python.sysconfigdata.read_bytes())
    h.update(resource("crossenv-subprocess-fix.py.in").read_bytes())
    h.update(json.dumps(toolchain.tools, sort_keys=True).encode())
    return h.hexdigest()


def _python_version(python: str, log: Log) -> str | None:
    """``X.Y`` of an interpreter, or None when it does not run (a pyenv shim of a version that
    is installed but not selected, for example)."""
    probe = run(
        [python, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
        log=log, capture=True, check=False,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def find_build_python(version: str, log: Log, path: str | None = None) -> Path | None:
    """The first working ``python<version>`` on ``path`` (default: PATH)."""
    for folder in (path if path is not None else os.environ.get("PATH", "")).split(os.pathsep):
        cand = Path(folder) / f"python{version}" if folder else None
        if cand is not None and cand.is_file() and os.access(cand, os.X_OK):
            if _python_version(str(cand), log) == version:
                return cand
    return None


def crossenv_python(cfg: Config, toolchain: Toolchain, log: Log) -> str:
    """The interpreter that runs crossenv: of the target CPython's version (see the module
    docstring); this one when it matches, else a venv over ``python<version>`` from PATH."""
    assert toolchain.python is not None
    version = toolchain.python.version
    if "%d.%d" % sys.version_info[:2] == version:
        return sys.executable
    crossenv_release = importlib.metadata.version("crossenv")
    venv = cfg.toolchain_dir / f"crossenv-python{version}"
    python = venv_python(venv)
    marker = venv / BUILD_PYTHON_MARKER
    try:
        ready = json.loads(marker.read_text()).get("crossenv") == crossenv_release
    except (OSError, ValueError):
        ready = False
    if ready and python.is_file() and _python_version(str(python), log) == version:
        return str(python)
    host = find_build_python(version, log)
    if host is None:
        raise ToolchainError(
            f"crossenv needs a build-machine Python {version} (the target CPython's version), "
            f"but this is Python {sys.version_info.major}.{sys.version_info.minor} and no "
            f"working python{version} is on PATH",
            package=log.package, step="crossenv", log=log.path,
            hint=f"Install Python {version} (e.g. `pyenv install {version}` or your system's "
            f"package) and put python{version} on PATH, or run wasixtasks itself on Python "
            f"{version}.",
        )
    log.info(f"crossenv runs under {host} (the target is CPython {version})")
    remove_tree(venv)
    run([str(host), "-m", "venv", str(venv)], log=log)
    run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check",
         f"crossenv=={crossenv_release}"],
        log=log,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    tmp = marker.with_name(BUILD_PYTHON_MARKER + ".partial")
    tmp.write_text(json.dumps({"crossenv": crossenv_release, "python": str(host)}))
    os.replace(tmp, marker)
    return str(python)


def ensure_cross_env(cfg: Config, toolchain: Toolchain, log: Log) -> Path:
    """Create (once) the cross environment for the active toolchain; returns its folder."""
    py = toolchain.python
    if py is None:
        raise ToolchainError(
            f"toolchain `{toolchain.profile}` has no target CPython",
            package=log.package, step="crossenv", log=log.path,
            hint="Run `invoke toolchain.doctor`.",
        )
    home = cross_home(cfg, toolchain)
    ident = _identity(toolchain)
    marker = home / MARKER
    if marker.is_file() and json.loads(marker.read_text()).get("identity") == ident:
        return home
    log.enter("crossenv")
    remove_tree(home)
    runner = crossenv_python(cfg, toolchain, log)
    cc, cxx = toolchain.tools["CC"], toolchain.tools["CXX"]
    # crossenv only reads the host interpreter's sysconfig data; the path names the target.
    host = py.python_wasm or py.sysconfigdata
    run(
        [
            runner, "-m", "crossenv", str(host), str(home),
            f"--sysconfigdata-file={py.sysconfigdata}",
            f"--cc={cc}", f"--cxx={cxx}", f"--ar={toolchain.tools['AR']}",
            # --cc keeps the target build's own --sysroot flags; these replace them outright
            f"--config-var=CC={cc}", f"--config-var=CXX={cxx}",
            f"--config-var=LDSHARED={cc} -shared", f"--config-var=LDCXXSHARED={cxx} -shared",
            "--config-var=CCSHARED=-fPIC",
            "--config-var=BLDSHARED=" + f"{cc} -shared",
        ],
        log=log,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    patch = home / "lib" / "subprocess-patch.py"
    if not patch.is_file():
        raise ToolchainError(
            f"crossenv layout changed: {patch} is missing", package=log.package, step="crossenv",
            log=log.path,
        )
    # crossenv 1.6 + Python 3.11 + sys.platform == "wasi": Popen's defaults captured None for
    # _waitpid & co., so every subprocess call from the cross python fails. Restore them.
    patch.write_text(patch.read_text() + "\n" + resource("crossenv-subprocess-fix.py.in").read_text())
    tmp = marker.with_name(MARKER + ".partial")
    tmp.write_text(json.dumps({"identity": ident}))
    os.replace(tmp, marker)
    log.info(f"cross environment ready: {home}")
    return home


def cross_env_vars(home: Path, base: dict[str, str]) -> dict[str, str]:
    """Environment that activates the cross environment (what its `activate` script does)."""
    env = dict(base)
    env["VIRTUAL_ENV"] = str(home / "cross")
    env["PATH"] = os.pathsep.join([str(home / "cross" / "bin"), str(home / "bin"), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env

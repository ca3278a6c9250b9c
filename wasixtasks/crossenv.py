"""The cross environment wheels are built in (crossenv over the target CPython).

crossenv makes a virtual environment whose Python reports the *target's* platform,
sysconfig and extension suffix while running on the build machine, so setuptools and
meson-python produce wasm32 extension modules, with pip's build isolation still working.
One cross environment is kept per toolchain and target Python in the cache folder.

crossenv builds its ``build-python`` from the interpreter that runs it and refuses a target of
another version ("Version mismatch: host=3.13, build=3.11"): pip, the build backends and the
wheel tags all come from that interpreter. When wasixtasks runs on the target's version it runs
crossenv itself; otherwise a build-machine CPython of the target's version (configured
``build-python``, ``python3.X`` on PATH, or a pyenv install) gets a small virtual environment
with the same crossenv release.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
from pathlib import Path

from .config import Config
from .errors import ToolchainError
from .fsutil import atomic_write, locked, remove_tree
from .run import Log, run
from .toolchain.model import Toolchain
from .toolchain.profiles import find_build_python

RESOURCES = Path(__file__).parent / "resources"

MARKER = ".wasixtasks-crossenv.json"
BUILD_PYTHON_MARKER = ".wasixtasks-build-python.json"


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def cross_home(cfg: Config, toolchain: Toolchain) -> Path:
    assert toolchain.python is not None
    return cfg.cache_dir / "crossenv" / _identity(toolchain)[:24]


def cross_python(home: Path) -> Path:
    return home / "cross" / "bin" / "python"


def _identity(toolchain: Toolchain) -> str:
    assert toolchain.python is not None
    h = hashlib.sha256(toolchain.fingerprint().encode())
    h.update(toolchain.python.sysconfigdata.read_bytes())
    h.update((RESOURCES / "crossenv-subprocess-fix.py.in").read_bytes())
    h.update(json.dumps(toolchain.tools, sort_keys=True).encode())
    return h.hexdigest()


def crossenv_python(cfg: Config, toolchain: Toolchain, log: Log) -> str:
    """The interpreter that runs crossenv: of the target CPython's version (see the module
    docstring); this one when it matches, else a venv over ``python<version>`` from PATH."""
    assert toolchain.python is not None
    version = toolchain.python.version
    if "%d.%d" % sys.version_info[:2] == version:
        return sys.executable
    crossenv_release = importlib.metadata.version("crossenv")
    venv = cfg.cache_dir / "crossenv" / f"build-python{version}"
    python = venv_python(venv)
    marker = venv / BUILD_PYTHON_MARKER
    try:
        ready = json.loads(marker.read_text()).get("crossenv") == crossenv_release
    except (OSError, ValueError):
        ready = False
    if ready and python.is_file():
        return str(python)
    host = find_build_python(cfg, version)
    if host is None:
        raise ToolchainError(
            f"crossenv needs a build-machine Python {version} (the target CPython's version), "
            f"but this is Python {sys.version_info.major}.{sys.version_info.minor} and no "
            f"python{version} was found",
            package=log.package, step="crossenv", log=log.path,
            hint=f"Install Python {version} (e.g. `pyenv install {version}` or your system's "
            f"package), or set `build-python` in wasixtasks.local.toml.",
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
    atomic_write(marker, json.dumps({"crossenv": crossenv_release, "python": str(host)}))
    return str(python)


def ensure_cross_env(cfg: Config, toolchain: Toolchain, log: Log) -> Path:
    """Create (once) the cross environment for the active toolchain; returns its folder."""
    toolchain.require_python(log.package, "crossenv")
    with locked(cfg.cache_dir / "crossenv" / ".lock"):
        return _ensure_cross_env(cfg, toolchain, log)


def _ensure_cross_env(cfg: Config, toolchain: Toolchain, log: Log) -> Path:
    py = toolchain.python
    assert py is not None
    home = cross_home(cfg, toolchain)
    ident = _identity(toolchain)
    marker = home / MARKER
    try:
        known = json.loads(marker.read_text())
        if known.get("identity") == ident and known.get("platform_tag"):
            return home
    except (OSError, ValueError, AttributeError):
        pass  # no marker, or a damaged one: (re)create the environment
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
    patch.write_text(patch.read_text() + "\n"
                     + (RESOURCES / "crossenv-subprocess-fix.py.in").read_text())
    # the platform its pip accepts wheels for (crossenv's, e.g. `unknown_wasm32`): wheels
    # offered to its builds are named with it (see pipelines.wheel.offer_build_wheels)
    answer = run([str(cross_python(home)), "-c", "from pip._vendor.packaging.tags import "
                  "sys_tags; print(next(iter(sys_tags())).platform)"],
                 log=log, capture=True, env=cross_env_vars(home, dict(os.environ)))
    tag = answer.stdout.strip()
    if not tag:
        raise ToolchainError("the cross environment's pip reported no platform tag",
                             package=log.package, step="crossenv", log=log.path)
    atomic_write(marker, json.dumps({"identity": ident, "platform_tag": tag}))
    log.info(f"cross environment ready: {home} (its pip's platform: {tag})")
    return home


def cross_platform_tag(home: Path) -> str:
    """The platform tag the cross environment's pip accepts (recorded when it was made)."""
    try:
        tag = json.loads((home / MARKER).read_text()).get("platform_tag")
    except (OSError, ValueError, AttributeError):
        tag = None
    if not isinstance(tag, str) or not tag:
        raise ToolchainError(f"the cross environment {home} has no recorded platform tag",
                             step="crossenv", hint="Run the build again: the cross "
                             "environment is made anew.")
    return tag


def cross_env_vars(home: Path, base: dict[str, str]) -> dict[str, str]:
    """Environment that activates the cross environment (what its `activate` script does)."""
    env = dict(base)
    env["VIRTUAL_ENV"] = str(home / "cross")
    env["PATH"] = os.pathsep.join([str(home / "cross" / "bin"), str(home / "bin"), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env

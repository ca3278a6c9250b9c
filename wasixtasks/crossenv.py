"""The cross environment wheels are built in (crossenv over the target CPython).

crossenv makes a virtual environment whose Python reports the *target's* platform,
sysconfig and extension suffix while running on the build machine, so setuptools and
meson-python produce wasm32 extension modules, with pip's build isolation still working.
One cross environment is kept per toolchain profile and target Python under ``.toolchain/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from .archive import remove_tree
from .config import Config
from .errors import ToolchainError
from .run import Log, run
from .toolchain import Toolchain, resource

MARKER = ".wasixtasks-crossenv.json"


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
    cc, cxx = toolchain.tools["CC"], toolchain.tools["CXX"]
    # crossenv only reads the host interpreter's sysconfig data; the path names the target.
    host = py.python_wasm or py.sysconfigdata
    run(
        [
            sys.executable, "-m", "crossenv", str(host), str(home),
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

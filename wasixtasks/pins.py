"""The identity of a recipe's source (part of every stamp), kept apart from fetching: deciding
that nothing needs building must not load git or index clients.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .config import Config
from .recipe import Recipe
from .run import Log


def tree_fingerprint(folder: Path) -> str:
    """A cheap fingerprint of a local folder (paths, sizes, mtimes) for override sources."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            p = Path(dirpath) / name
            st = p.lstat()
            h.update(f"{p.relative_to(folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def source_pin(recipe: Recipe, cfg: Config) -> str:
    """The identity of a recipe's source; part of the up-to-date stamp."""
    override = cfg.overrides.get(recipe.name)
    if override is not None:
        return f"override:{override}:{tree_fingerprint(override)}"
    return "\n".join([recipe.source.pin(), *(r.pin() for r in recipe.resources)])


def announce_override(recipe: Recipe, cfg: Config, log: Log) -> None:
    """Say loudly, on every build that uses it, that a local folder replaces the pin."""
    override = cfg.overrides.get(recipe.name)
    if override is not None:
        log.warn(f"SOURCE OVERRIDE: using local folder {override} instead of the pinned "
                 f"{recipe.source.pin()} (configured in {cfg.local_config_path} or pyproject)")

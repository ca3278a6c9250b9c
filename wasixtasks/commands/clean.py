"""`invoke clean`: remove a package's work folders (and, when asked, sources and artifacts)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..fsutil import remove_tree
from ..locks import held
from ..registry import Registry
from ..config import Config
from ..wheels import recipe_wheels


def clean(registry: Registry, cfg: Config, names: Iterable[str], *, prepared: bool = False,
          artifacts: bool = False) -> list[Path]:
    """Remove work folders (build, lib, sysroot, logs, stamps); optionally source/prepared
    and artifacts. Prepared trees may hold unexported work: only with ``prepared``."""
    removed: list[Path] = []
    for name in names:
        recipe = registry.get(name)
        paths = cfg.layout.package(name)
        doomed = paths.work_entries(sources=prepared)
        if artifacts:
            doomed.append(paths.library_artifact)
            # not another recipe's line of the same project
            doomed += recipe_wheels(cfg.artifacts_dir, recipe.project, recipe.version,
                                    registry.other_lines(recipe))
        with held(paths.lock, what=f"pkgs/{name}", wait=False):
            for path in doomed:
                if path.exists() or path.is_symlink():
                    remove_tree(path)
                    removed.append(path)
    return removed

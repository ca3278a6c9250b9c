"""`invoke install.libs` and `install.wheels`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..pipelines.common import Engine
from ..recipe import Kind
from ..run import Log, console
from ..sysroot import install_one, library_closure, require_artifact
from ..wheels import install_wheel
from .build import require_kind


def install_libs(engine: Engine, names: Iterable[str], dest: Path) -> list[str]:
    """Unpack library artifacts (with their library dependencies) into the sysroot ``dest``."""
    wanted: list[str] = []
    for name in names:
        recipe = engine.registry.get(name)
        require_kind(recipe, Kind.LIBRARY)
        for dep in [*library_closure(engine.registry, recipe), name]:
            if dep not in wanted:
                wanted.append(dep)
    for name in wanted:
        archive = require_artifact(engine.cfg.layout, name, needed_by=name, step="install")
        files = install_one(archive, dest, name)
        console(f"[{name}] installed {len(files)} files into {dest}")
    return wanted


def install_wheels(engine: Engine, wheels: Iterable[Path], dest: Path) -> list[Path]:
    log = Log("install", engine.cfg.pkgs_dir / "install.log")
    log.open()
    done = []
    for path in wheels:
        installed = install_wheel(path, dest, log=log)
        console(f"installed {path.name}: {len(installed)} files")
        done.append(path)
    return done

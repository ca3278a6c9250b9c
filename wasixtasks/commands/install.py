"""`invoke install.libs` and `install.wheels`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import WasixError
from ..pipelines.common import Engine
from ..pipelines.stamps import require_stamped, stamped_artifacts
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
    stamped = stamped_artifacts(engine.cfg)
    for name in wanted:
        archive = require_artifact(engine.cfg.layout, name, needed_by=name, step="install")
        require_stamped(engine.cfg, archive, step="install", known=stamped)
        files = install_one(archive, dest, name)
        console(f"[{name}] installed {len(files)} files into {dest}")
    return wanted


def install_wheels(engine: Engine, wheels: Iterable[Path], dest: Path) -> list[Path]:
    log = Log("install", engine.cfg.pkgs_dir / "install.log")
    log.open()
    stamped = stamped_artifacts(engine.cfg)
    done = []
    for path in wheels:
        if path.resolve().parent == engine.cfg.artifacts_dir.resolve():
            require_stamped(engine.cfg, path, step="install", known=stamped)
        try:
            installed = install_wheel(path, dest, log=log)
        except WasixError as exc:
            exc.log = exc.log or log.path
            raise
        console(f"installed {path.name}: {len(installed)} files")
        done.append(path)
    return done

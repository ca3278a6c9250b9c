"""install.*: put built libraries into a sysroot and wheels into a site-packages."""

from __future__ import annotations

import os
from pathlib import Path

from invoke.context import Context
from invoke.tasks import task

from ..errors import ConfigError
from ..recipe import Kind
from ._common import Project, reports_errors, split_names


@task(help={
    "name": "library/libraries to install, comma-separated (default: all built ones)",
    "dest": "sysroot folder (default: $WASIX_SYSROOT)",
})
@reports_errors
def libs(c: Context, name: str = "", dest: str = "") -> None:
    """Unpack artifacts/<name>.tar.xz (and the libraries it needs) into a sysroot."""
    from ..commands.install import install_libs

    p = Project.load()
    target = dest or os.environ.get("WASIX_SYSROOT", "")
    if not target:
        raise ConfigError("no sysroot given: pass --dest or set WASIX_SYSROOT", step="install")
    names = split_names(name) or [n for n in p.registry.names(Kind.LIBRARY)
                                  if p.cfg.layout.package(n).library_artifact.is_file()]
    install_libs(p.engine, names, Path(target).resolve())


@task(iterable=["wheel"], help={
    "dest": "site-packages folder of the target interpreter",
    "wheel": "wheel file(s) (default: every wheel in artifacts/)",
})
@reports_errors
def wheels(c: Context, dest: str, wheel: list[str]) -> None:
    """Install wheels into a site-packages with a correct RECORD (bad wheels are refused)."""
    from ..commands.install import install_wheels

    p = Project.load()
    files = [Path(w) for w in wheel] or sorted(p.cfg.artifacts_dir.glob("*.whl"))
    install_wheels(p.engine, files, Path(dest).resolve())

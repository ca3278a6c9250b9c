"""sources.*: fetch pristine sources, prepare patched worktrees, export patches."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from .. import commands
from ..run import console
from ._common import Project, names_or_all, reports_errors


@task(help={"name": "package name(s), comma-separated, or `all`"})
@reports_errors
def fetch(c: Context, name: str) -> None:
    """Fetch and verify sources into pkgs/<name>.source (mirror, cache, then download)."""
    p = Project.load()
    commands.fetch(p.registry, p.cfg, names_or_all(p, name))


@task(help={"name": "package name(s), comma-separated, or `all`"})
@reports_errors
def prepare(c: Context, name: str) -> None:
    """Create pkgs/<name>.prepared: a git worktree of the source with patches/ as commits."""
    p = Project.load()
    commands.prepare(p.registry, p.cfg, names_or_all(p, name))


@task(name="export-patches", help={"name": "package whose .prepared commits become patches/"})
@reports_errors
def export_patches(c: Context, name: str) -> None:
    """Write the commits made in pkgs/<name>.prepared back to patches/<name>-NNNN-*.patch."""
    p = Project.load()
    for path in commands.export(p.registry, p.cfg, name):
        console(str(path))

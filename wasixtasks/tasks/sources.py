"""sources.*: fetch pristine sources, prepare patched worktrees, export patches."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..run import console
from ._common import Project, names_or_all, reports_errors


@task(positional=["name"], help={"name": "package name(s), comma-separated, or `all`"})
@reports_errors
def fetch(c: Context, name: str) -> None:
    """Fetch and verify sources into pkgs/<name>.source (mirror, cache, upstream, Debian)."""
    from ..commands.sources import fetch as fetch_sources

    p = Project.load()
    fetch_sources(p.engine, names_or_all(p, name))


@task(positional=["name"], help={"name": "package name(s), comma-separated, or `all`"})
@reports_errors
def prepare(c: Context, name: str) -> None:
    """Create pkgs/<name>.prepared: a git worktree of the source with patches/ as commits."""
    from ..commands.sources import prepare as prepare_sources

    p = Project.load()
    prepare_sources(p.engine, names_or_all(p, name))


@task(name="export-patches", positional=["name"],
      help={"name": "package whose .prepared commits become patches/"})
@reports_errors
def export_patches(c: Context, name: str) -> None:
    """Write the commits made in pkgs/<name>.prepared back to patches/<name>-NNNN-*.patch."""
    from ..commands.sources import export

    p = Project.load()
    for path in export(p.engine, name):
        console(str(path))

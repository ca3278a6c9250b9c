"""build.*: build libraries and wheels (with their dependencies)."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from .. import commands
from ..recipe import Kind
from ._common import Project, reports_errors

_HELP = {
    "jobs": "packages built in parallel (default: 1)",
    "keep_going": "build everything not blocked by a failure",
    "force": "rebuild the named package(s) even when up to date",
}


@task(help={"name": "library recipe name, e.g. zlib", **_HELP})
@reports_errors
def lib(c: Context, name: str, jobs: int = 1, keep_going: bool = False, force: bool = False) -> None:
    """Build one C library (and the libraries it links) into artifacts/<name>.tar.xz."""
    p = Project.load()
    commands.require_kind(p.registry.get(name), Kind.LIBRARY)
    commands.build(p.registry, p.cfg, p.toolchain(), [name], jobs=jobs, keep_going=keep_going, force=force)


@task(help={"name": "wheel recipe name, e.g. numpy", **_HELP})
@reports_errors
def wheel(c: Context, name: str, jobs: int = 1, keep_going: bool = False, force: bool = False) -> None:
    """Build one Python package into a wasm32 wheel in artifacts/ (dependencies first)."""
    p = Project.load()
    commands.require_kind(p.registry.get(name), Kind.WHEEL)
    commands.build(p.registry, p.cfg, p.toolchain(), [name], jobs=jobs, keep_going=keep_going, force=force)


@task(name="all", help={**_HELP, "kind": "only `library` or `wheel` recipes"})
@reports_errors
def all_(c: Context, jobs: int = 1, keep_going: bool = False, force: bool = False, kind: str = "") -> None:
    """Build every recipe; up-to-date packages are skipped, the run ends with a summary."""
    p = Project.load()
    names = p.registry.names(Kind(kind) if kind else None)
    commands.build(p.registry, p.cfg, p.toolchain(), names, jobs=jobs, keep_going=keep_going, force=force)

"""build.*: build libraries and wheels (with their dependencies).

Every task module imports its command inside the task: loading the namespace (`invoke
--list`, any task) stays cheap.
"""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..recipe import Kind
from ._common import Project, kind_option, reports_errors, split_names

_HELP = {
    "jobs": "job slots shared by packages and their builds (default: `jobs` setting, 1)",
    "keep_going": "build everything not blocked by a failure",
    "force": "rebuild the named package(s) even when up to date",
    "no_wait": "refuse (one line) instead of waiting when another run builds a package",
}


@task(positional=["name"], help={"name": "library recipe name(s), e.g. zlib", **_HELP})
@reports_errors
def lib(c: Context, name: str, jobs: int = 0, keep_going: bool = False, force: bool = False,
        no_wait: bool = False) -> None:
    """Build C libraries (and what they link) into artifacts/<name>.tar.xz."""
    from ..commands.build import build, require_kind

    p = Project.load()
    names = split_names(name)
    for n in names:
        require_kind(p.registry.get(n), Kind.LIBRARY, Kind.TOOLCHAIN)
    build(p.engine, names, jobs=p.jobs(jobs), keep_going=keep_going, force=force,
          wait=not no_wait)


@task(positional=["name"], help={"name": "wheel recipe name(s), e.g. numpy", **_HELP})
@reports_errors
def wheel(c: Context, name: str, jobs: int = 0, keep_going: bool = False, force: bool = False,
          no_wait: bool = False) -> None:
    """Build Python packages into WASIX wheels in artifacts/ (dependencies first)."""
    from ..commands.build import build, require_kind

    p = Project.load()
    names = split_names(name)
    for n in names:
        require_kind(p.registry.get(n), Kind.WHEEL)
    build(p.engine, names, jobs=p.jobs(jobs), keep_going=keep_going, force=force,
          wait=not no_wait)


@task(name="all", help={**_HELP, "kind": "only `library`, `wheel` or `toolchain` recipes"})
@reports_errors
def all_(c: Context, jobs: int = 0, keep_going: bool = False, force: bool = False, kind: str = "",
         no_wait: bool = False) -> None:
    """Build every recipe; up-to-date packages are skipped, the run ends with a summary."""
    from ..commands.build import build

    p = Project.load()
    names = p.registry.names(kind_option(kind))
    build(p.engine, names, jobs=p.jobs(jobs), keep_going=keep_going, force=force,
          wait=not no_wait, skip_blocked=True)

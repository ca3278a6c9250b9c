"""index.*: publish artifacts/*.whl as a static PEP 503 index in dist/."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..run import console
from ..toolchain.model import PLATFORM_TAG
from ._common import Project, reports_errors, split_names


@task(help={"title": "title of the index pages"})
@reports_errors
def generate(c: Context, title: str = "wasixtasks") -> None:
    """Generate dist/ (simple/ pages, packages/, PEP 658 .metadata) from artifacts/*.whl with dumb-pypi."""
    from ..publish import publish_index

    summary = publish_index(Project.load().cfg, title=title)
    console(
        f"index: {summary.projects} project(s), {summary.files} file(s) in {summary.dist}; "
        f"use --index-url file://{summary.dist}/simple"
    )


@task(help={"packages": "requirements, space- or comma-separated (e.g. \"pandas pillow lxml\")",
            "python_version": "the target's Python version (default: the cpython recipe's)",
            "platform": "the target's platform tag"})
@reports_errors
def resolve(c: Context, packages: str, python_version: str = "",
            platform: str = PLATFORM_TAG) -> None:
    """Resolve packages and all their dependencies from dist/ alone, as a WASIX user's pip would
    (pip download --isolated --only-binary=:all: for the target's platform and Python)."""
    from ..publish import resolve_from_index

    project = Project.load()
    if not python_version:  # the version of the recipe that provides the target CPython
        target = next(r for r in project.registry if r.provides_python)
        python_version = ".".join(target.version.split(".")[:2])
    requirements = split_names(packages)
    res = resolve_from_index(project.cfg, requirements, platform=platform,
                             python_version=python_version)
    for name in res.files:
        console(f"  {name}")
    console(f"resolved {' '.join(res.requirements)} for {res.platform}, Python "
            f"{res.python_version}: {len(res.files)} distribution(s), all from "
            f"{project.cfg.dist_dir / 'simple'}")

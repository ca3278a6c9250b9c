"""index.*: publish artifacts/*.whl as a static PEP 503 index in dist/."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..run import console
from ._common import Project, reports_errors


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

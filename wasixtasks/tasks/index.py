"""index.*: publish artifacts/*.whl as a static PEP 503 index in dist/."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..run import Log, console
from ._common import Project, reports_errors


@task(help={"title": "title of the index pages"})
@reports_errors
def generate(c: Context, title: str = "wasixtasks") -> None:
    """Generate dist/ (simple/ pages, packages/, PEP 658 .metadata) from artifacts/*.whl with dumb-pypi."""
    from ..index import generate_index
    from ..pipelines.stamps import require_all_stamped

    p = Project.load()
    # publish only from a consistent artifacts/: every wheel and library tarball in it is
    # vouched for by a successful build (a failed rebuild leaves its old artifact unstamped)
    require_all_stamped(p.cfg, sorted([*p.cfg.artifacts_dir.glob("*.whl"),
                                       *p.cfg.artifacts_dir.glob("*.tar.xz")]), step="index")
    log = Log("index", p.cfg.pkgs_dir / "index.log")
    log.open(truncate=True)
    summary = generate_index(p.cfg.artifacts_dir, p.cfg.dist_dir, log=log, title=title)
    console(
        f"index: {summary.projects} project(s), {summary.files} file(s) in {summary.dist}; "
        f"use --index-url file://{summary.dist}/simple"
    )

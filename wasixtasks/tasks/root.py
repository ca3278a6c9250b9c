"""Top-level tasks: list, graph, clean."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..run import console
from ._common import Project, names_or_all, reports_errors, split_names


@task(name="list")
@reports_errors
def list_(c: Context) -> None:
    """List every recipe: kind, version, state, dependencies, and the source actually built."""
    from ..commands.query import package_table

    console(package_table(Project.load().engine))


@task(help={"name": "limit to these packages (comma-separated) and their dependencies",
            "dot": "print Graphviz dot instead of the build order"})
@reports_errors
def graph(c: Context, name: str = "", dot: bool = False) -> None:
    """Print the dependency graph in build order (or as dot)."""
    from ..commands.query import graph_text

    console(graph_text(Project.load().engine, split_names(name), dot=dot))


@task(positional=["name"], help={
    "name": "package(s) to clean, comma-separated, or `all`",
    "prepared": "also remove .source and .prepared (unexported work in them is lost)",
    "artifacts": "also remove the package's artifacts",
})
@reports_errors
def clean(c: Context, name: str, prepared: bool = False, artifacts: bool = False) -> None:
    """Remove work folders, logs and stamps (the next build starts from the prepared tree)."""
    from ..commands.clean import clean as clean_packages

    p = Project.load()
    removed = clean_packages(p.registry, p.cfg, names_or_all(p, name),
                             prepared=prepared, artifacts=artifacts)
    console(f"removed {len(removed)} path(s)")

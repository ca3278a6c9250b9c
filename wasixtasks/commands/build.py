"""Building packages with their dependencies."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import RecipeError
from ..jobs import package_job
from ..locks import require_free
from ..pipelines.common import Engine
from ..progress import progress_for
from ..recipe import Kind, Recipe
from ..run import console
from ..scheduler import Outcome, Status, raise_if_failed, run_graph, summary


def build(engine: Engine, names: Iterable[str], *, jobs: int = 1, keep_going: bool = False,
          force: bool = False, quiet: bool = False, wait: bool = True,
          skip_blocked: bool = False) -> list[Outcome]:
    """Build packages and their dependencies; print the summary; raise if any failed.
    ``wait=False``: a package another run is building is a failure, not a wait. A blocked
    recipe named here is an error with its reason; ``skip_blocked`` (build.all) leaves such
    recipes out and lists them after the summary."""
    names = list(names)
    graph = engine.graph.sub(names)  # raises GraphError on unknown names and cycles
    blocked = [r for r in map(engine.registry.get, names) if r.blocked]
    if blocked:
        if not skip_blocked:
            require_buildable(blocked[0], step="build")
        names = [n for n in names if n not in {r.name for r in blocked}]
        graph = engine.graph.sub(names)  # nothing needs a blocked recipe (the registry checks)
    engine.hashes(names)
    if not wait:  # refuse before anything starts (a job still refuses if it loses a race)
        for name in graph:
            require_free(engine.cfg.layout.package(name).lock, what=f"pkgs/{name}")
    progress = progress_for(quiet=quiet)
    job = package_job(engine, force=set(names) if force else set(), quiet=quiet, wait=wait,
                      progress=progress)
    with progress.shown():
        outcomes = run_graph(graph, job, jobs=jobs, keep_going=keep_going,
                             priority=engine.graph.chain_lengths(names))
    if not quiet:
        console(summary(outcomes))
        for r in blocked:
            console(f"not built (blocked): {r.name}: {r.blocked}")
        if outcomes and all(o.status is Status.UP_TO_DATE for o in outcomes):
            console(f"nothing to do: all {len(outcomes)} package(s) are up to date")
    raise_if_failed(outcomes)
    return outcomes


def require_buildable(recipe: Recipe, *, step: str) -> None:
    """A blocked recipe (declared with ``blocked(...)``) is one line with its reason."""
    if recipe.blocked:
        raise RecipeError(f"`{recipe.name}` is not built here: {recipe.blocked}",
                          package=recipe.name, step=step)


def require_kind(recipe: Recipe, *kinds: Kind) -> None:
    if recipe.kind not in kinds:
        task = "wheel" if recipe.kind is Kind.WHEEL else "lib"
        raise RecipeError(f"`{recipe.name}` is a {recipe.kind.value}, not a "
                          f"{' or '.join(k.value for k in kinds)}",
                          hint=f"Use `invoke build.{task} {recipe.name}`.")

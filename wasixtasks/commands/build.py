"""Building packages (with their dependencies), and the source stages on their own."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import RecipeError
from ..jobs import package_job
from ..patches import ensure_prepared, export_patches
from ..pipelines.common import Engine
from ..recipe import Kind, Recipe
from ..run import Log, console
from ..scheduler import Outcome, Status, raise_if_failed, run_graph, summary
from ..sources import announce_override, ensure_source


def build(engine: Engine, names: Iterable[str], *, jobs: int = 1, keep_going: bool = False,
          force: bool = False, quiet: bool = False) -> list[Outcome]:
    """Build packages and their dependencies; print the summary; raise if any failed."""
    names = list(names)
    graph = engine.graph.sub(names)  # raises GraphError on unknown names and cycles
    engine.hashes(names)
    job = package_job(engine, force=set(names) if force else set(), quiet=quiet)
    outcomes = run_graph(graph, job, jobs=jobs, keep_going=keep_going,
                         priority=engine.graph.chain_lengths(names))
    if not quiet:
        console(summary(outcomes))
        if outcomes and all(o.status is Status.UP_TO_DATE for o in outcomes):
            console(f"nothing to do: all {len(outcomes)} package(s) are up to date")
    raise_if_failed(outcomes)
    return outcomes


def require_kind(recipe: Recipe, *kinds: Kind) -> None:
    if recipe.kind not in kinds:
        task = "wheel" if recipe.kind is Kind.WHEEL else "lib"
        raise RecipeError(f"`{recipe.name}` is a {recipe.kind.value}, not a "
                          f"{' or '.join(k.value for k in kinds)}",
                          hint=f"Use `invoke build.{task} {recipe.name}`.")


def fetch(engine: Engine, names: Iterable[str]) -> list[Path]:
    out = []
    for name in names:
        recipe = engine.registry.get(name)
        log = Log(name, engine.cfg.layout.package(name).log)
        log.enter("fetch")
        announce_override(recipe, engine.cfg, log)
        src, state = ensure_source(recipe, engine.cfg, log)
        console(f"[{name}] source ready: {src} ({state.origin or 'pinned file'})")
        out.append(src)
    return out


def prepare(engine: Engine, names: Iterable[str]) -> list[Path]:
    out = []
    for name in names:
        log = Log(name, engine.cfg.layout.package(name).log)
        log.enter("prepare")
        out.append(ensure_prepared(engine.registry.get(name), engine.cfg, log))
        console(f"[{name}] prepared: {out[-1]}")
    return out


def export(engine: Engine, name: str) -> list[Path]:
    log = Log(name, engine.cfg.layout.package(name).log)
    log.enter("export-patches")
    return export_patches(engine.registry.get(name), engine.cfg, log)

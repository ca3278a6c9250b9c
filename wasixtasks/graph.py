"""The package dependency graph: closure of a request, build order, cycles."""

from __future__ import annotations

import graphlib
from collections.abc import Iterable

from .errors import GraphError
from .registry import Registry


def closure(registry: Registry, names: Iterable[str]) -> set[str]:
    """``names`` and everything they depend on, transitively."""
    wanted: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name in wanted:
            continue
        recipe = registry.get(name)
        wanted.add(name)
        stack.extend(recipe.deps)
    return wanted


def graph_of(registry: Registry, names: Iterable[str]) -> dict[str, set[str]]:
    """Node -> its direct dependencies, restricted to the closure of ``names``."""
    return {n: set(registry.get(n).deps) for n in closure(registry, names)}


def sorter(registry: Registry, names: Iterable[str]) -> graphlib.TopologicalSorter[str]:
    """A prepared TopologicalSorter over the closure; a cycle raises GraphError."""
    ts: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter(graph_of(registry, names))
    try:
        ts.prepare()
    except graphlib.CycleError as exc:
        cycle: list[str] = list(exc.args[1]) if len(exc.args) > 1 else []
        shown = " -> ".join(cycle) if cycle else "(unknown members)"
        first = cycle[0] if cycle else None
        raise GraphError(
            f"dependency cycle: {shown}",
            package=first,
            step="graph",
            hint="Remove one of these edges from the recipes' libs/build_wheels.",
        ) from exc
    return ts


def build_order(registry: Registry, names: Iterable[str]) -> list[str]:
    """A deterministic topological order (dependencies first, ties by name)."""
    ts = sorter(registry, names)
    order: list[str] = []
    while ts.is_active():
        ready = sorted(ts.get_ready())
        order.extend(ready)
        ts.done(*ready)
    return order


def dependents(registry: Registry, name: str) -> set[str]:
    """Every package that (transitively) depends on ``name``."""
    out: set[str] = set()
    changed = True
    while changed:
        changed = False
        for recipe in registry:
            if recipe.name in out:
                continue
            if name in recipe.deps or out.intersection(recipe.deps):
                out.add(recipe.name)
                changed = True
    return out

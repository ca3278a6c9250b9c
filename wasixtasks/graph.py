"""The package dependency graph: closure of a request, build order, cycles, priorities.

Edges come from recipe metadata (``libs``, ``build_wheels``) plus the implicit ones the active
toolchain adds (every library and wheel builds with the toolchain packages; every wheel needs
the target CPython), so ``invoke build.lib zlib`` on a fresh checkout builds the toolchain
first, as Buildroot does.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import GraphError
from .recipe import Recipe
from .registry import Registry

Implicit = Callable[[Recipe], tuple[str, ...]]


def no_implicit(recipe: Recipe) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class Graph:
    """Every recipe and its direct dependencies (declared and implicit)."""

    edges: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, registry: Registry, implicit: Implicit = no_implicit) -> Graph:
        edges: dict[str, tuple[str, ...]] = {}
        for recipe in registry:
            extra = tuple(d for d in implicit(recipe) if d != recipe.name and d not in recipe.deps)
            edges[recipe.name] = recipe.deps + extra
        return cls(edges)

    def _deps(self, name: str) -> tuple[str, ...]:
        try:
            return self.edges[name]
        except KeyError:
            raise GraphError(f"unknown package `{name}`", step="graph") from None

    def closure(self, names: Iterable[str]) -> set[str]:
        """``names`` and everything they depend on, transitively."""
        wanted: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(self._deps(name))
        return wanted

    def sub(self, names: Iterable[str]) -> dict[str, set[str]]:
        """Node -> its direct dependencies, restricted to the closure of ``names``."""
        return {n: set(self._deps(n)) for n in self.closure(names)}

    def sorter(self, names: Iterable[str]) -> graphlib.TopologicalSorter[str]:
        """A prepared TopologicalSorter over the closure; a cycle raises GraphError."""
        ts: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter(self.sub(names))
        try:
            ts.prepare()
        except graphlib.CycleError as exc:
            cycle: list[str] = list(exc.args[1]) if len(exc.args) > 1 else []
            shown = " -> ".join(cycle) if cycle else "(unknown members)"
            raise GraphError(
                f"dependency cycle: {shown}",
                package=cycle[0] if cycle else None,
                step="graph",
                hint="Remove one of these edges from the recipes' libs/build_wheels.",
            ) from exc
        return ts

    def order(self, names: Iterable[str]) -> list[str]:
        """A deterministic topological order (dependencies first, ties by name)."""
        ts = self.sorter(names)
        order: list[str] = []
        while ts.is_active():
            ready = sorted(ts.get_ready())
            order.extend(ready)
            ts.done(*ready)
        return order

    def dependents(self, name: str) -> set[str]:
        """Every package that (transitively) depends on ``name``."""
        users: dict[str, set[str]] = {}
        for node, deps in self.edges.items():
            for dep in deps:
                users.setdefault(dep, set()).add(node)
        out: set[str] = set()
        stack = [name]
        while stack:
            for user in users.get(stack.pop(), ()):
                if user not in out:
                    out.add(user)
                    stack.append(user)
        return out

    def chain_lengths(self, names: Iterable[str]) -> dict[str, int]:
        """For each node of the closure: the length of the longest chain of packages that
        wait for it (itself included). The scheduler starts the longest chains first."""
        sub = self.sub(names)
        users: dict[str, set[str]] = {n: set() for n in sub}
        for node, deps in sub.items():
            for dep in deps:
                users[dep].add(node)
        length: dict[str, int] = {}
        for node in reversed(self.order(sub)):
            length[node] = 1 + max((length[u] for u in users[node]), default=0)
        return length

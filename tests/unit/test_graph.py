"""Tests of wasixtasks.graph: closure, deterministic build order, cycles, dependents."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from wasixtasks.errors import GraphError, RecipeError
from wasixtasks.graph import build_order, closure, dependents, graph_of, sorter
from wasixtasks.recipe import Kind, Recipe, Sdist, Url
from wasixtasks.registry import Registry


def _nothing(b: object) -> None:
    pass


def lib(name: str, libs: Sequence[str] = ()) -> Recipe:
    return Recipe(
        name=name, version="1", kind=Kind.LIBRARY,
        source=Url(f"https://example.invalid/{name}.tar.gz", "0" * 64),
        build=_nothing, file=Path(f"/nowhere/pkgs/{name}.py"), line=1, libs=tuple(libs),
    )


def whl(name: str, libs: Sequence[str] = (), build_wheels: Sequence[str] = ()) -> Recipe:
    return Recipe(
        name=name, version="1", kind=Kind.WHEEL, source=Sdist(name, "0" * 64),
        build=_nothing, file=Path(f"/nowhere/pkgs/{name}.py"), line=1,
        libs=tuple(libs), build_wheels=tuple(build_wheels),
    )


def registry(*recipes: Recipe) -> Registry:
    return Registry({r.name: r for r in recipes})


@pytest.fixture
def reg() -> Registry:
    #   zlib <- libpng <- pillow (wheel, also needs cython at build time)
    #   zlib <- brotli? no: brotli is independent;  xz independent
    return registry(
        lib("zlib"),
        lib("libpng", ["zlib"]),
        lib("brotli"),
        lib("xz"),
        whl("cython"),
        whl("pillow", libs=["libpng", "zlib"], build_wheels=["cython"]),
    )


def test_closure(reg: Registry) -> None:
    assert closure(reg, ["pillow"]) == {"pillow", "libpng", "zlib", "cython"}
    assert closure(reg, ["libpng", "xz"]) == {"libpng", "zlib", "xz"}
    assert closure(reg, []) == set()


def test_closure_of_unknown_package(reg: Registry) -> None:
    with pytest.raises(RecipeError, match="unknown package `zlip`"):
        closure(reg, ["zlip"])


def test_graph_of_is_restricted_to_the_closure(reg: Registry) -> None:
    assert graph_of(reg, ["libpng"]) == {"libpng": {"zlib"}, "zlib": set()}


def test_order_puts_dependencies_first_and_breaks_ties_by_name(reg: Registry) -> None:
    order = build_order(reg, reg.names())
    assert order == ["brotli", "cython", "xz", "zlib", "libpng", "pillow"]
    for recipe in reg:
        for dep in recipe.deps:
            assert order.index(dep) < order.index(recipe.name)


def test_order_is_deterministic_whatever_the_request_order(reg: Registry) -> None:
    assert build_order(reg, ["pillow", "xz"]) == build_order(reg, ["xz", "pillow"])
    assert build_order(reg, ["pillow"]) == ["cython", "zlib", "libpng", "pillow"]


def test_cycle_is_reported_with_its_members() -> None:
    reg = registry(lib("a", ["c"]), lib("b", ["a"]), lib("c", ["b"]), lib("free"))
    with pytest.raises(GraphError) as info:
        build_order(reg, ["a", "free"])
    err = info.value
    assert err.step == "graph"
    assert err.package in {"a", "b", "c"}
    assert err.message.startswith("dependency cycle: ")
    shown = err.message.removeprefix("dependency cycle: ").split(" -> ")
    assert set(shown) == {"a", "b", "c"}
    assert shown[0] == shown[-1] == err.package  # the path closes on itself
    assert err.exit_code == 4
    assert err.one_line().startswith(f"error: [{err.package} graph] dependency cycle: ")


def test_self_dependency_is_a_cycle() -> None:
    reg = registry(lib("selfish", ["selfish"]))
    with pytest.raises(GraphError, match="selfish -> selfish"):
        sorter(reg, ["selfish"])


def test_cycle_outside_the_request_is_not_an_error() -> None:
    reg = registry(lib("a", ["b"]), lib("b", ["a"]), lib("ok"))
    assert build_order(reg, ["ok"]) == ["ok"]


def test_dependents(reg: Registry) -> None:
    assert dependents(reg, "zlib") == {"libpng", "pillow"}
    assert dependents(reg, "cython") == {"pillow"}
    assert dependents(reg, "pillow") == set()
    assert dependents(reg, "xz") == set()

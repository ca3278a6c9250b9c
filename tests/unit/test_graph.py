"""Tests of wasixtasks.graph: closure, deterministic build order, cycles, dependents, chain
lengths, and the implicit edges the active toolchain adds (``Engine.implicit``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from wasixtasks.config import Config
from wasixtasks.errors import GraphError
from wasixtasks.graph import Graph, no_implicit
from wasixtasks.pipelines.common import Engine
from wasixtasks.recipe import Kind, Recipe, Sdist, Url
from wasixtasks.registry import Registry
from wasixtasks.toolchain.model import TargetPython, Toolchain
from wasixtasks.toolchain.profiles import COMPILER_PACKAGES, SELF_BUILT, WASIX_CLANG


def _nothing(b: object) -> None:
    pass


def lib(name: str, libs: Sequence[str] = (), *, kind: Kind = Kind.LIBRARY,
        provides_python: bool = False) -> Recipe:
    return Recipe(
        name=name, version="1", kind=kind,
        source=Url(f"https://example.invalid/{name}.tar.gz", "0" * 64),
        build=_nothing, file=Path(f"/nowhere/pkgs/{name}.py"), line=1, libs=tuple(libs),
        provides_python=provides_python,
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
    #   zlib <- libpng <- pillow (a wheel, also needs cython at build time)
    #   brotli and xz on their own
    return registry(
        lib("zlib"),
        lib("libpng", ["zlib"]),
        lib("brotli"),
        lib("xz"),
        whl("cython"),
        whl("pillow", libs=["libpng", "zlib"], build_wheels=["cython"]),
    )


@pytest.fixture
def graph(reg: Registry) -> Graph:
    return Graph.of(reg)


def test_edges_are_the_declared_dependencies(graph: Graph) -> None:
    assert graph.edges == {
        "brotli": (), "cython": (), "libpng": ("zlib",),
        "pillow": ("libpng", "zlib", "cython"), "xz": (), "zlib": (),
    }
    assert Graph.of(registry(lib("a")), no_implicit).edges == {"a": ()}


def test_closure(graph: Graph) -> None:
    assert graph.closure(["pillow"]) == {"pillow", "libpng", "zlib", "cython"}
    assert graph.closure(["libpng", "xz"]) == {"libpng", "zlib", "xz"}
    assert graph.closure([]) == set()


def test_unknown_package_is_a_graph_error(graph: Graph) -> None:
    with pytest.raises(GraphError) as info:
        graph.closure(["zlip"])
    assert info.value.message == "unknown package `zlip`"
    assert info.value.step == "graph"
    assert info.value.exit_code == 4
    with pytest.raises(GraphError, match="unknown package `nope`"):
        graph.order(["xz", "nope"])


def test_sub_is_restricted_to_the_closure(graph: Graph) -> None:
    assert graph.sub(["libpng"]) == {"libpng": {"zlib"}, "zlib": set()}


def test_order_puts_dependencies_first_and_breaks_ties_by_name(graph: Graph, reg: Registry) -> None:
    order = graph.order(reg.names())
    assert order == ["brotli", "cython", "xz", "zlib", "libpng", "pillow"]
    for recipe in reg:
        for dep in recipe.deps:
            assert order.index(dep) < order.index(recipe.name)


def test_order_is_deterministic_whatever_the_request_order(graph: Graph) -> None:
    assert graph.order(["pillow", "xz"]) == graph.order(["xz", "pillow"])
    assert graph.order(["pillow"]) == ["cython", "zlib", "libpng", "pillow"]


def test_cycle_is_reported_with_its_members() -> None:
    graph = Graph.of(registry(lib("a", ["c"]), lib("b", ["a"]), lib("c", ["b"]), lib("free")))
    with pytest.raises(GraphError) as info:
        graph.order(["a", "free"])
    err = info.value
    assert err.step == "graph"
    assert err.package in {"a", "b", "c"}
    assert err.message.startswith("dependency cycle: ")
    shown = err.message.removeprefix("dependency cycle: ").split(" -> ")
    assert set(shown) == {"a", "b", "c"}
    assert shown[0] == shown[-1] == err.package  # the path closes on itself
    assert err.hint is not None and "libs/build_wheels" in err.hint
    assert err.exit_code == 4
    assert err.one_line().startswith(f"error: [{err.package} graph] dependency cycle: ")


def test_self_dependency_is_a_cycle() -> None:
    graph = Graph.of(registry(lib("selfish", ["selfish"])))
    with pytest.raises(GraphError, match="selfish -> selfish"):
        graph.sorter(["selfish"])


def test_cycle_outside_the_request_is_not_an_error() -> None:
    graph = Graph.of(registry(lib("a", ["b"]), lib("b", ["a"]), lib("ok")))
    assert graph.order(["ok"]) == ["ok"]
    with pytest.raises(GraphError):
        graph.chain_lengths(["a"])


def test_dependents(graph: Graph) -> None:
    assert graph.dependents("zlib") == {"libpng", "pillow"}
    assert graph.dependents("cython") == {"pillow"}
    assert graph.dependents("pillow") == set()
    assert graph.dependents("xz") == set()


def test_chain_lengths(graph: Graph, reg: Registry) -> None:
    # the longest chain of packages waiting for each node, itself included
    assert graph.chain_lengths(reg.names()) == {
        "zlib": 3, "libpng": 2, "pillow": 1, "cython": 2, "brotli": 1, "xz": 1,
    }
    # restricted to the closure of the request: pillow is not waiting for zlib here
    assert graph.chain_lengths(["libpng"]) == {"zlib": 2, "libpng": 1}


# --------------------------------------------------------------------------- implicit edges


def test_implicit_edges_are_added_after_the_declared_ones() -> None:
    reg = registry(lib("tc"), lib("zlib"), lib("png", ["zlib", "tc"]))
    graph = Graph.of(reg, lambda r: ("tc", "zlib"))
    # never to itself, never twice
    assert graph.edges == {"tc": ("zlib",), "zlib": ("tc",), "png": ("zlib", "tc")}


def test_implicit_edges_count_for_order_closure_and_chains() -> None:
    reg = registry(lib("compiler"), lib("zlib"), lib("png", ["zlib"]), whl("w", ["png"]))
    graph = Graph.of(reg, lambda r: () if r.name == "compiler" else ("compiler",))
    assert graph.closure(["zlib"]) == {"zlib", "compiler"}
    assert graph.order(["w"]) == ["compiler", "zlib", "png", "w"]
    assert graph.dependents("compiler") == {"zlib", "png", "w"}
    assert graph.chain_lengths(["w"])["compiler"] == 4


@pytest.fixture
def toolchain_reg() -> Registry:
    """The toolchain packages, the target CPython (a library), a library and a wheel."""
    return registry(
        lib("wasix-libc", kind=Kind.TOOLCHAIN),
        lib("compiler-rt", kind=Kind.TOOLCHAIN),
        lib("libcxx", ["wasix-libc", "compiler-rt"], kind=Kind.TOOLCHAIN),
        lib("cpython", ["zlib"], provides_python=True),
        lib("zlib"),
        whl("markupsafe"),
    )


def test_self_built_engine_adds_the_toolchain_and_the_python(cfg: Config, toolchain_reg: Registry) -> None:
    engine = Engine(cfg, toolchain_reg, SELF_BUILT)
    assert engine.compiler_packages() == COMPILER_PACKAGES
    assert engine.python_package() == "cpython"
    assert engine.implicit(toolchain_reg.get("wasix-libc")) == ()
    assert engine.implicit(toolchain_reg.get("libcxx")) == ()
    assert engine.implicit(toolchain_reg.get("zlib")) == COMPILER_PACKAGES
    assert engine.implicit(toolchain_reg.get("markupsafe")) == COMPILER_PACKAGES + ("cpython",)
    edges = engine.graph.edges
    assert edges["cpython"] == ("zlib",) + COMPILER_PACKAGES
    assert edges["markupsafe"] == COMPILER_PACKAGES + ("cpython",)
    assert edges["libcxx"] == ("wasix-libc", "compiler-rt")
    # `invoke build.wheel markupsafe` on a fresh checkout builds the toolchain first
    assert engine.graph.order(["markupsafe"]) == [
        "compiler-rt", "wasix-libc", "libcxx", "zlib", "cpython", "markupsafe",
    ]


def test_only_the_toolchain_packages_present_are_implicit(cfg: Config) -> None:
    reg = registry(lib("wasix-libc", kind=Kind.TOOLCHAIN), lib("zlib"), whl("w"))
    engine = Engine(cfg, reg, SELF_BUILT)
    assert engine.compiler_packages() == ("wasix-libc",)
    assert engine.python_package() is None
    assert engine.graph.edges == {"wasix-libc": (), "zlib": ("wasix-libc",), "w": ("wasix-libc",)}


def test_a_project_without_toolchain_packages_has_no_implicit_edges(cfg: Config, reg: Registry) -> None:
    engine = Engine(cfg, reg, SELF_BUILT)
    assert engine.graph.edges == Graph.of(reg).edges


def user_toolchain(tmp_path: Path, *, with_python: bool) -> Toolchain:
    python = None
    if with_python:
        prefix = tmp_path / "wasix-python"
        python = TargetPython("3.13", prefix, prefix / "include" / "python3.13",
                              prefix / "lib" / "python3.13" / "_sysconfigdata__wasix.py",
                              None, None)
    return Toolchain(profile=WASIX_CLANG, tools={"CC": "wasix-clang"}, runner=("wasmer",),
                     python=python)


def test_wasix_clang_needs_no_toolchain_packages(cfg: Config, toolchain_reg: Registry,
                                                 tmp_path: Path) -> None:
    engine = Engine(cfg, toolchain_reg, WASIX_CLANG, user_toolchain(tmp_path, with_python=False))
    assert engine.compiler_packages() == ()
    # no CPython of the user's: the recipe builds it (with the user's compiler)
    assert engine.implicit(toolchain_reg.get("zlib")) == ()
    assert engine.implicit(toolchain_reg.get("markupsafe")) == ("cpython",)


def test_wasix_clang_with_the_users_python(cfg: Config, toolchain_reg: Registry, tmp_path: Path) -> None:
    engine = Engine(cfg, toolchain_reg, WASIX_CLANG, user_toolchain(tmp_path, with_python=True))
    assert engine.python_package() is None
    assert engine.implicit(toolchain_reg.get("markupsafe")) == ()
    assert engine.graph.edges["markupsafe"] == ()

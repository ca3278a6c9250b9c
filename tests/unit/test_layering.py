"""The library's layering: imports point one way and never form a cycle.

Every import of a wasixtasks module counts, wherever it is written (module level, inside a
function, under TYPE_CHECKING): a lazy import hides a cycle, it does not remove it. The
layers (README, "Development") from the bottom up:

    foundation  errors, fsutil, layout, config
    model       recipe, registry, graph, run
    artifacts   archive, debian, pyindex, sources, patches, sysroot, wasm, wheels, checks,
                symbols, index, targetpip, sbom, signatures
    toolchain   toolchain.*, crossenv
    stages      stages.*
    pipelines   pipelines.*
    scheduler   scheduler, jobserver
    jobs        jobs, testing, publish
    commands    commands.*
    tasks       tasks.*
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

import wasixtasks

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("errors", "fsutil", "layout", "config", "locks")),
    ("model", ("recipe", "registry", "graph", "run")),
    ("artifacts", ("archive", "debian", "pyindex", "sources", "patches", "sysroot", "wasm",
                   "wheels", "checks", "symbols", "index", "wasm_reader", "pins", "targetpip", "signatures",
                   "sbom")),
    ("toolchain", ("toolchain", "crossenv")),
    ("stages", ("stages",)),
    ("pipelines", ("pipelines",)),
    ("scheduler", ("scheduler", "jobserver")),
    ("jobs", ("jobs", "testing", "progress", "publish")),
    ("commands", ("commands",)),
    ("tasks", ("tasks",)),
]


def module_name(root: Path, path: Path, package: str) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [package, *rel.parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path, package: str) -> dict[str, set[str]]:
    """Module -> the package modules it imports (relative imports resolved)."""
    modules = {module_name(root, p, package): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_pkg = path.name == "__init__.py"
        here = name.split(".") if is_pkg else name.split(".")[:-1]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = here[: len(here) - node.level + 1] if node.level else []
                mod = ".".join([*base, *(node.module.split(".") if node.module else [])])
                # `from pkg import submodule` depends on the submodule; `from pkg import
                # name` on pkg (its __init__)
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in modules else mod
                           for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith(package) and target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None


def layer_of(module: str) -> int:
    rest = module.split(".", 1)[1] if "." in module else ""
    first = rest.split(".", 1)[0]
    for index, (_name, members) in enumerate(LAYERS):
        if first in members:
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS (and the README)")


PACKAGE_ROOT = Path(wasixtasks.__file__).parent


def test_no_import_cycle() -> None:
    cycle = cycle_in(imports_of(PACKAGE_ROOT, "wasixtasks"))
    assert cycle is None, f"import cycle: {' -> '.join(cycle or [])}"


def test_imports_point_down_the_layers() -> None:
    wrong = []
    for module, deps in imports_of(PACKAGE_ROOT, "wasixtasks").items():
        if module == "wasixtasks":
            continue
        for dep in deps:
            if dep != "wasixtasks" and layer_of(dep) > layer_of(module):
                wrong.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {dep} "
                             f"({LAYERS[layer_of(dep)][0]})")
    assert not wrong, "\n".join(sorted(wrong))


def test_a_deliberate_cycle_is_caught(tmp_path: Path) -> None:
    pkg = tmp_path / "demo"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from .sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..a import g  # lazy, still a cycle\n")
    graph = imports_of(pkg, "demo")
    assert graph["demo.a"] == {"demo.sub.b"}
    cycle = cycle_in(graph)
    assert cycle is not None and {"demo.a", "demo.sub.b"} <= set(cycle)


@pytest.mark.parametrize("module", ["wasixtasks.recipe", "wasixtasks.errors"])
def test_the_bottom_imports_nothing_above_it(module: str) -> None:
    deps = imports_of(PACKAGE_ROOT, "wasixtasks")[module]
    assert all(layer_of(d) <= layer_of(module) for d in deps), deps

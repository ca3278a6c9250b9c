"""A throw-away copy of this project for integration tests and benchmarks.

The copy has the real recipes (all of them, or the closure of a chosen few), package tests and
patches but its own pkgs/ work folders,
artifacts/ and dist/, so tests never touch a developer's builds. It shares the cache folder
of the environment running the tests (downloads, Debian sources, toolchain roots, the
artifact cache) and the configured mirror folders, so a toolchain that ``invoke
toolchain.setup`` built once is restored, not rebuilt, in every sandbox.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wasixtasks.config import load_config
from wasixtasks.graph import Graph
from wasixtasks.recipe import Kind
from wasixtasks.registry import Registry

REPO = Path(__file__).resolve().parents[2]


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def shared_settings(repo: Path = REPO) -> list[str]:
    """local-config lines naming the cache and mirror folders the repository uses."""
    cfg = load_config(repo)
    mirrors = ", ".join(_toml(str(m)) for m in cfg.mirror_dirs)
    return [f"cache-dir = {_toml(str(cfg.cache_dir))}", f"mirror = [{mirrors}]"]


def recipe_closure(names: Iterable[str], repo: Path = REPO) -> dict[str, Path]:
    """Name -> file of ``names``, of everything they depend on, and of the toolchain packages
    and the target CPython (with their dependencies), which every build needs."""
    registry = Registry.load(load_config(repo))
    base = [r.name for r in registry if r.kind is Kind.TOOLCHAIN or r.provides_python]
    graph = Graph.of(registry)
    wanted = set(graph.closure([*names, *base]))
    while True:
        # a file may declare several recipes (numpy's lines, arrow's): all of them come
        # along, with what they need
        files = {registry.get(n).file.resolve() for n in wanted}
        more = set(graph.closure([r.name for r in registry if r.file.resolve() in files]))
        if more <= wanted:
            return {n: registry.get(n).file.resolve() for n in sorted(wanted)}
        wanted |= more


def clone_project(dest: Path, *, repo: Path = REPO, extra: list[str] | None = None,
                  recipes: Iterable[str] | None = None) -> Path:
    """Copy pyproject, recipes, package tests and patches into ``dest``; point the copy's
    local config at the shared cache and mirrors (plus ``extra`` lines). ``recipes``: only
    those and what they need (see ``recipe_files``), so `build.all` in the copy keeps to a
    CI budget on a machine without a warm artifact cache."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo / "pyproject.toml", dest / "pyproject.toml")
    (dest / "pkgs").mkdir(exist_ok=True)
    chosen = None if recipes is None else recipe_closure(recipes, repo)
    for recipe in sorted((repo / "pkgs").glob("*.py")):
        if chosen is None or recipe.resolve() in chosen.values():
            shutil.copy2(recipe, dest / "pkgs" / recipe.name)
    shutil.copytree(repo / "pkgs" / "tests", dest / "pkgs" / "tests", dirs_exist_ok=True)
    (dest / "patches").mkdir(exist_ok=True)
    for patch in sorted((repo / "patches").glob("*.patch")):  # a patch needs its recipe
        if chosen is None or any(re.match(rf"{re.escape(n)}-\d{{4}}-", patch.name)
                                 for n in chosen):
            shutil.copy2(patch, dest / "patches" / patch.name)
    lines = ["# sandbox of the wasixtasks tests: shared cache and mirrors",
             *shared_settings(repo), *(extra or [])]
    (dest / "wasixtasks.local.toml").write_text("\n".join(lines) + "\n")
    return dest


@dataclass
class Result:
    returncode: int
    output: str

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def cli_env(root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without WASIXTASKS_* settings, pointed at ``root``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WASIXTASKS_") and k not in ("WASIX_SYSROOT", "WASIX_PYTHON")}
    env.update(extra or {})
    env["WASIXTASKS_ROOT"] = str(root)
    env["WASIXTASKS_LOCAL_CONFIG"] = str(root / "wasixtasks.local.toml")
    return env


def cli_argv(*args: str) -> list[str]:
    """`invoke ARGS` with this repository's tasks.py, whatever the working folder."""
    return [sys.executable, "-m", "invoke", "--search-root", str(REPO), *args]


def invoke(root: Path, *args: str, env: dict[str, str] | None = None,
           timeout: float = 3600) -> Result:
    """Run the real CLI (`invoke ...`) against the project at ``root``."""
    proc = subprocess.run(
        cli_argv(*args), cwd=REPO, env=cli_env(root, env), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout)


def statuses(output: str) -> dict[str, str]:
    """package -> status, from the closing summary table of a build."""
    out = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in ("built", "restored", "up", "failed", "skipped"):
            out[parts[0]] = "up to date" if parts[1] == "up" else parts[1]
    return out

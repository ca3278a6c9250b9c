"""Loads ``pkgs/*.py`` recipe files, validates them and answers "which recipe is X".

Every problem is reported with the file (and line) and the field that caused it, the way
pyodide-build reports meta.yaml problems, so a broken recipe never surfaces later as a
confusing build failure.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from .config import Config
from .errors import RecipeError
from .recipe import Kind, Recipe, RecipeDeclarationError, collecting, stop_collecting

PATCH_NAME = re.compile(r"^(?P<name>.+)-(?P<num>\d{4})-(?P<subject>[^/]+)\.patch$")


def _where(recipe: Recipe) -> str:
    return f"{recipe.file}:{recipe.line}"


def _load_file(path: Path) -> list[Recipe]:
    module_name = f"wasixtasks_recipes.{path.stem.replace('-', '_')}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RecipeError(f"{path}: cannot be loaded as a Python file")
    module = importlib.util.module_from_spec(spec)
    bucket, token = collecting()
    try:
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    except RecipeDeclarationError as exc:
        raise RecipeError(f"{path}: field `{exc.field_name}`: {exc}") from exc
    except Exception as exc:  # any error in user code is reported against its file
        raise RecipeError(f"{path}: failed to load: {type(exc).__name__}: {exc}") from exc
    finally:
        stop_collecting(token)
        sys.modules.pop(module_name, None)
    return bucket


def find_patches(patches_dir: Path) -> dict[str, list[Path]]:
    """Patch files grouped by package, in series order (by their NNNN number)."""
    found: dict[str, list[Path]] = {}
    if not patches_dir.is_dir():
        return found
    for path in sorted(patches_dir.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        m = PATCH_NAME.match(path.name)
        if not m:
            raise RecipeError(
                f"{path}: patch files must be named <package>-NNNN-<subject>.patch"
            )
        found.setdefault(m.group("name"), []).append(path)
    return found


class Registry:
    """All recipes of a project, validated."""

    def __init__(self, recipes: dict[str, Recipe]) -> None:
        self._recipes = recipes

    @classmethod
    def load(cls, cfg: Config) -> Registry:
        recipes: dict[str, Recipe] = {}
        files = sorted(p for p in cfg.pkgs_dir.glob("*.py") if not p.name.startswith("_"))
        for path in files:
            declared = _load_file(path)
            if not declared:
                raise RecipeError(
                    f"{path}: declares no recipe (decorate a function with @library, @wheel "
                    "or @toolchain_package, or call pure_wheel(...) or blocked(...))"
                )
            for recipe in declared:
                if recipe.name in recipes:
                    other = recipes[recipe.name]
                    raise RecipeError(
                        f"two recipes for `{recipe.name}`: {_where(other)} and {_where(recipe)}"
                    )
                recipes[recipe.name] = recipe
        patches = find_patches(cfg.patches_dir)
        for pkg, series in patches.items():
            if pkg not in recipes:
                raise RecipeError(f"{series[0]}: patch for unknown package `{pkg}`")
            numbers = [PATCH_NAME.match(p.name).group("num") for p in series]  # type: ignore[union-attr]
            if len(set(numbers)) != len(numbers):
                raise RecipeError(f"{series[0].parent}: two `{pkg}` patches share a number")
            recipes[pkg] = replace(recipes[pkg], patches=tuple(series))
        registry = cls(recipes)
        registry._validate()
        return registry

    def _validate(self) -> None:
        providers = [r for r in self._recipes.values() if r.provides_python]
        if len(providers) > 1:
            raise RecipeError(
                "two recipes provide the target CPython: "
                + " and ".join(_where(r) for r in providers)
            )
        for recipe in self._recipes.values():
            lib_kind = Kind.TOOLCHAIN if recipe.kind is Kind.TOOLCHAIN else Kind.LIBRARY
            for fld, names, kind in (
                ("libs", recipe.libs, lib_kind),
                ("build_wheels", recipe.build_wheels, Kind.WHEEL),
            ):
                for dep in names:
                    target = self._recipes.get(dep)
                    if target is None:
                        raise RecipeError(
                            f"{_where(recipe)}: field `{fld}`: unknown dependency `{dep}`"
                            + self._suggest(dep),
                            package=recipe.name,
                            step="load",
                        )
                    if target.blocked and not recipe.blocked:
                        raise RecipeError(
                            f"{_where(recipe)}: field `{fld}`: `{dep}` is blocked ({target.blocked})"
                            "; declare this recipe blocked(...) too, or drop the dependency",
                            package=recipe.name,
                            step="load",
                        )
                    if target.kind is not kind:
                        raise RecipeError(
                            f"{_where(recipe)}: field `{fld}`: `{dep}` is a "
                            f"{target.kind.value}, not a {kind.value}",
                            package=recipe.name,
                            step="load",
                        )
            if recipe.test is not None and recipe.test.skip is None:
                program = recipe.file.parent / recipe.test.program
                if not program.is_file():
                    raise RecipeError(
                        f"{_where(recipe)}: field `test`: no file {program}",
                        package=recipe.name,
                        step="load",
                    )

    @property
    def python_provider(self) -> str | None:
        """The recipe that builds the target CPython (``provides_python``), if any."""
        return next((r.name for r in self._recipes.values() if r.provides_python), None)

    def _suggest(self, name: str) -> str:
        close = difflib.get_close_matches(name, self._recipes, n=3)
        return f" (did you mean {', '.join(close)}?)" if close else ""

    def get(self, name: str) -> Recipe:
        try:
            return self._recipes[name]
        except KeyError:
            raise RecipeError(f"unknown package `{name}`{self._suggest(name)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._recipes

    def __iter__(self) -> Iterator[Recipe]:
        return iter(sorted(self._recipes.values(), key=lambda r: r.name))

    def __len__(self) -> int:
        return len(self._recipes)

    def other_lines(self, recipe: Recipe) -> frozenset[Version]:
        """The versions other recipes build of ``recipe``'s project (numpy's lines)."""
        project = canonicalize_name(recipe.project)
        return frozenset(Version(r.version) for r in self._recipes.values()
                         if r.kind is Kind.WHEEL and r.name != recipe.name
                         and canonicalize_name(r.project) == project)

    def names(self, kind: Kind | None = None) -> list[str]:
        return sorted(n for n, r in self._recipes.items() if kind is None or r.kind is kind)

"""Per-package sysroots: a build sees exactly the libraries it declares.

``pkgs/<name>.sysroot`` is recreated for every build from the artifacts of the package's
libraries (and their libraries), as the seed's ``pkgs/X.sysroot`` rule does. Installing an
artifact records its files under ``.wasixtasks/installed/<name>.json`` in the destination,
so a reinstall replaces exactly the files of the previous version.
"""

from __future__ import annotations

import json
from pathlib import Path

from .archive import unpack_into
from .errors import BuildError
from .fsutil import atomic_write, fresh_dir
from .layout import INCLUDEDIR, LIBDIR, Layout
from .recipe import Kind, Recipe
from .registry import Registry

RECORD_DIR = ".wasixtasks/installed"


def library_closure(registry: Registry, recipe: Recipe) -> list[str]:
    """Libraries ``recipe`` links, with their own libraries, dependencies first."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name not in order:
            for dep in registry.get(name).libs:
                visit(dep)
            order.append(name)

    for lib in recipe.libs:
        visit(lib)
    return order


def install_one(archive: Path, dest: Path, name: str) -> list[str]:
    """Install one library artifact into ``dest``, replacing a previous install of it."""
    record = dest / RECORD_DIR / f"{name}.json"
    if record.is_file():
        for rel in json.loads(record.read_text()).get("files", []):
            (dest / rel).unlink(missing_ok=True)
    files = unpack_into(archive, dest)
    atomic_write(record, json.dumps({"name": name, "archive": archive.name, "files": files},
                                    indent=1))
    return files


def require_artifact(layout: Layout, name: str, *, needed_by: str, step: str) -> Path:
    archive = layout.package(name).library_artifact
    if not archive.is_file():
        raise BuildError(f"library {name} has no artifact {archive}; build it first",
                         package=needed_by, step=step)
    return archive


def assemble(registry: Registry, recipe: Recipe, layout: Layout) -> Path:
    """Create ``pkgs/<name>.sysroot`` from the artifacts of the package's libraries."""
    sysroot = fresh_dir(layout.package(recipe.name).sysroot)
    (sysroot / INCLUDEDIR.lstrip("/")).mkdir(parents=True)
    (sysroot / LIBDIR.lstrip("/") / "pkgconfig").mkdir(parents=True)
    if recipe.kind is Kind.TOOLCHAIN:
        return sysroot
    for name in library_closure(registry, recipe):
        archive = require_artifact(layout, name, needed_by=recipe.name, step="sysroot")
        install_one(archive, sysroot, name)
    return sysroot

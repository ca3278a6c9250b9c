"""Per-package sysroots and installing library artifacts into a sysroot.

A package builds against ``pkgs/<name>.sysroot``, made fresh from the artifacts of the
libraries it declares (and theirs, transitively), so it cannot pick up a library it did not
declare. ``install_libs`` unpacks artifacts into a user's sysroot with a record per library
so a reinstall replaces exactly the files of the previous version.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .archive import remove_tree, unpack_into
from .config import Config
from .errors import BuildError
from .recipe import Kind, Recipe
from .registry import Registry

RECORD_DIR = ".wasixtasks/installed"


def artifact_path(cfg: Config, name: str) -> Path:
    return cfg.artifacts_dir / f"{name}.tar.xz"


def library_closure(registry: Registry, recipe: Recipe) -> list[str]:
    """Libraries ``recipe`` links, with their own libraries, dependencies first."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
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
    record.parent.mkdir(parents=True, exist_ok=True)
    tmp = record.with_name(record.name + ".partial")
    tmp.write_text(json.dumps({"name": name, "archive": archive.name, "files": files}, indent=1))
    os.replace(tmp, record)
    return files


def assemble(registry: Registry, recipe: Recipe, cfg: Config) -> Path:
    """Create ``pkgs/<name>.sysroot`` from the artifacts of the package's libraries."""
    sysroot = cfg.pkgs_dir / f"{recipe.name}.sysroot"
    remove_tree(sysroot)
    (sysroot / "usr/local/include").mkdir(parents=True)
    (sysroot / "usr/local/lib/wasm32-wasi/pkgconfig").mkdir(parents=True)
    for name in library_closure(registry, recipe):
        dep = registry.get(name)
        if dep.kind is not Kind.LIBRARY:
            continue
        archive = artifact_path(cfg, name)
        if not archive.is_file():
            raise BuildError(
                f"library {name} has no artifact {archive}; build it first",
                package=recipe.name,
                step="sysroot",
            )
        install_one(archive, sysroot, name)
    return sysroot

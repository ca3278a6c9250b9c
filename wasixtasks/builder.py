"""One package from source to artifact: source -> prepared -> build -> output.

Nothing is ever left half-written under a final name: the install goes to
``pkgs/<name>.lib.partial`` and is renamed when complete, artifacts are written under a
temporary name and renamed, and the stamp (written last) is what marks a package as built.
A run killed at any point is simply redone by the next run.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .archive import pack_tar_xz, remove_tree
from .config import Config
from .patches import ensure_prepared
from .recipe import Kind, Recipe
from .registry import Registry
from .run import Log
from .stages.lib import LibBuild, finish_library
from .sysroot import artifact_path, assemble
from .toolchain import Toolchain


@dataclass(frozen=True)
class Built:
    name: str
    artifact: Path


def log_path(cfg: Config, name: str) -> Path:
    return cfg.pkgs_dir / f"{name}.log"


def build_dir(cfg: Config, recipe: Recipe) -> Path:
    return cfg.pkgs_dir / f"{recipe.name}.build"


def copy_prepared(prepared: Path, dest: Path) -> None:
    """Fresh throw-away copy of the prepared tree, without its git link.

    All files get one mtime: a git checkout writes files in arbitrary order, and make would
    otherwise think a release's generated configure is older than configure.ac and try to
    rerun autotools.
    """
    remove_tree(dest)
    shutil.copytree(prepared, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"))
    stamp = 946684800
    for dirpath, _dirnames, filenames in os.walk(dest):
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.utime(p, (stamp, stamp))


def prepare_tree(recipe: Recipe, cfg: Config, log: Log) -> Path:
    """Source and prepared stages, then the fresh build copy. Returns the build folder."""
    log.enter("prepare")
    prepared = ensure_prepared(recipe, cfg, log)
    log.enter("copy")
    dest = build_dir(cfg, recipe)
    copy_prepared(prepared, dest)
    return dest


def prepare_build(recipe: Recipe, registry: Registry, cfg: Config, log: Log) -> tuple[Path, Path]:
    """The first stages every package shares: the build copy and its sysroot."""
    src = prepare_tree(recipe, cfg, log)
    log.enter("sysroot")
    return src, assemble(registry, recipe, cfg)


def fresh_dir(path: Path) -> Path:
    """An empty folder at ``path`` (for outputs written under a temporary name)."""
    remove_tree(path)
    path.mkdir(parents=True)
    return path


def build_library(
    recipe: Recipe, registry: Registry, cfg: Config, toolchain: Toolchain, log: Log, jobs: int
) -> Built:
    src, sysroot = prepare_build(recipe, registry, cfg, log)
    final_lib = cfg.pkgs_dir / f"{recipe.name}.lib"
    destdir = fresh_dir(cfg.pkgs_dir / f"{recipe.name}.lib.partial")
    b = LibBuild(
        recipe=recipe, cfg=cfg, toolchain=toolchain, log=log, source_dir=src,
        sysroot=sysroot, jobs=jobs, env=toolchain.env(sysroot, static=recipe.static_libs),
        destdir=destdir,
    )
    try:
        # the recipe's own b.run() calls are reported as step "build", not "sysroot"
        log.enter("build")
        recipe.build(b)
        finish_library(b)
        log.enter("pack")
        artifact = artifact_path(cfg, recipe.name)
        pack_tar_xz(destdir, artifact)
        remove_tree(final_lib)
        os.replace(destdir, final_lib)
    finally:
        remove_tree(destdir)
    log.info(f"packed {artifact.relative_to(cfg.root) if artifact.is_relative_to(cfg.root) else artifact}")
    return Built(recipe.name, artifact)


def build_one(
    recipe: Recipe, registry: Registry, cfg: Config, toolchain: Toolchain, log: Log, jobs: int
) -> Built:
    if recipe.kind is Kind.LIBRARY:
        return build_library(recipe, registry, cfg, toolchain, log, jobs)
    from .stages.wheel import build_wheel_package

    return build_wheel_package(recipe, registry, cfg, toolchain, log, jobs)

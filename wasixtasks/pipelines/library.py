"""The library pipeline (also toolchain packages): source -> prepared -> build -> install
tree -> ``artifacts/<name>.tar.xz``.

Nothing is left half-written under a final name: the install goes to
``pkgs/<name>.lib.partial`` and replaces ``pkgs/<name>.lib`` when complete, the artifact is
written under a temporary name and renamed, and the stamp (written last, by the scheduler's
job) is what marks a package as built.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import pack_tar_xz, scrub_tree
from ..errors import RecipeError, ToolchainError
from ..fsutil import atomic_dir
from ..recipe import Kind, Recipe
from ..run import Log
from ..sources import read_state
from ..stages.build import BuildContext
from ..stages.lib import LibBuild, finish_library
from ..sysroot import assemble
from ..toolchain.env import build_env, path_map
from ..toolchain.profiles import find_build_python
from .buildinfo import build_info, write_into_tree
from .common import Engine, prepare_tree


@dataclass(frozen=True)
class Slots:
    """A job's share of the run's job slots: make/ninja get them through the jobserver."""

    jobs: int = 1
    env: dict[str, str] = field(default_factory=dict)
    pass_fds: tuple[int, ...] = ()


@dataclass(frozen=True)
class Built:
    name: str
    artifact: Path
    #: modules of the stage helpers the build used (recorded in the stamp)
    used_modules: frozenset[str] = frozenset()
    #: where the source came from (mirror, Debian backup, substitute, override)
    origin: str = ""
    #: the pinned file or commit itself was built (not a substitute or an override)
    exact: bool = True


def check_host_tools(recipe: Recipe, env: dict[str, str], log: Log) -> None:
    """Every host program the recipe declares is there, before anything runs."""
    for tool in recipe.host_tools:
        if shutil.which(tool, path=env.get("PATH")) is None:
            raise ToolchainError(
                f"host tool `{tool}` is not installed (the recipe declares it)",
                package=recipe.name, step="host-tools", log=log.path,
                hint=f"Install {tool} with your system's package manager "
                f"(Debian: apt-get install {tool}).",
            )


def source_origin(engine: Engine, recipe: Recipe) -> tuple[str, bool]:
    """Where the built source came from, and whether it was exactly the pin."""
    state = read_state(engine.cfg.layout.package(recipe.name).source)
    return (state.origin, state.exact) if state is not None else ("", True)


def build_library(engine: Engine, recipe: Recipe, log: Log, slots: Slots) -> Built:
    if recipe.build is None:
        raise RecipeError(f"library `{recipe.name}` has no build function",
                          package=recipe.name, step="build")
    paths = engine.cfg.layout.package(recipe.name)
    src = prepare_tree(recipe, engine.cfg, log)
    log.enter("sysroot")
    sysroot = assemble(engine.registry, recipe, engine.cfg.layout)
    toolchain = engine.toolchain_for(recipe)
    env = {**build_env(toolchain, sysroot, build_dir=src, static=recipe.static_libs),
           **slots.env}
    check_host_tools(recipe, env, log)
    is_toolchain = recipe.kind is Kind.TOOLCHAIN
    with atomic_dir(paths.lib) as destdir:
        ctx = BuildContext(recipe=recipe, toolchain=toolchain, log=log, source_dir=src,
                           sysroot=sysroot, env=env, destdir=destdir, jobs=slots.jobs,
                           pass_fds=slots.pass_fds,
                           find_python=lambda v: find_build_python(engine.cfg, v))
        b = LibBuild(ctx)
        log.enter("build")
        recipe.build(b)
        finish_library(b, toolchain_package=is_toolchain)
        log.enter("pack")
        for rel in scrub_tree(destdir, path_map(build_dir=src, sysroot=sysroot)):
            log.write(f"{rel}: build folders replaced by their fixed names")
        origin, exact = source_origin(engine, recipe)
        info = write_into_tree(destdir, recipe,
                               build_info(recipe, toolchain, origin=origin, exact=exact))
        log.write(f"{info.relative_to(destdir)}:\n{info.read_text()}")
        pack_tar_xz(destdir, paths.library_artifact)
    log.info(f"packed {paths.library_artifact.name}")
    return Built(recipe.name, paths.library_artifact, frozenset(ctx.used_modules), origin, exact)

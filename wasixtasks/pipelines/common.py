"""What every package pipeline shares: the engine of one run (graph, input hashes, the
toolchain each package builds with) and the first stages (source, prepared, build copy).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..archive import unpack_into
from ..config import Config
from ..errors import ToolchainError
from ..fsutil import fresh_dir, locked, remove_tree
from ..graph import Graph
from ..recipe import Kind, Recipe
from ..registry import Registry
from ..run import Log
from ..toolchain.drivers import Root
from ..toolchain.model import TargetPython, Toolchain
from ..toolchain.profiles import (
    COMPILER_PACKAGES, SELF_BUILT, active_profile, root_toolchain, self_built_identity,
    wasix_clang_toolchain,
)
from ..toolchain.root import ensure_root, fill_root, root_key
from . import stamps

#: mtime of every file of a build copy (see ``copy_prepared``).
COPY_MTIME = 946684800


@dataclass
class Engine:
    """One run over the package graph: the configuration, the recipes, the active toolchain
    profile and the input hashes; it resolves the toolchain each package builds with."""

    cfg: Config
    registry: Registry
    profile: str
    #: the user's environment (profile wasix-clang)
    user_toolchain: Toolchain | None = None
    _hashes: dict[str, str] = field(default_factory=dict)
    _graph: Graph | None = None

    @classmethod
    def load(cls, cfg: Config, registry: Registry,
             env: dict[str, str] | None = None) -> Engine:
        profile = active_profile(cfg, env)
        user = wasix_clang_toolchain(cfg, env) if profile != SELF_BUILT else None
        return cls(cfg, registry, profile, user)

    # ------------------------------------------------------------------ graph and hashes

    def compiler_packages(self) -> tuple[str, ...]:
        if self.profile != SELF_BUILT:
            return ()
        return tuple(p for p in COMPILER_PACKAGES if p in self.registry)

    def python_package(self) -> str | None:
        """The recipe building the target CPython, unless the user brings their own."""
        if self.user_toolchain is not None and self.user_toolchain.python is not None:
            return None
        return self.registry.python_provider

    def implicit(self, recipe: Recipe) -> tuple[str, ...]:
        if recipe.kind is Kind.TOOLCHAIN:
            return ()
        deps = self.compiler_packages()
        python = self.python_package()
        if recipe.kind is Kind.WHEEL and python is not None:
            deps += (python,)
        return deps

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = Graph.of(self.registry, self.implicit)
        return self._graph

    def identity(self, recipe: Recipe) -> str:
        """What every build of ``recipe`` depends on besides packages and its own inputs."""
        if recipe.kind is Kind.TOOLCHAIN or self.user_toolchain is None:
            parts = self_built_identity()
            return ",".join(f"{k}={v}" for k, v in sorted(parts.items()))
        return self.user_toolchain.fingerprint()

    def hashes(self, names: list[str] | None = None) -> dict[str, str]:
        """The input hash of every package in the closure of ``names`` (default: all)."""
        for name in self.graph.order(names if names is not None else self.registry.names()):
            if name not in self._hashes:
                recipe = self.registry.get(name)
                deps = {d: self._hashes[d] for d in self.graph.edges[name]}
                self._hashes[name] = stamps.input_hash(recipe, self.cfg, self.identity(recipe),
                                                       deps)
        return self._hashes

    def input_hash(self, name: str) -> str:
        return self.hashes([name])[name]

    # ------------------------------------------------------------------ toolchains

    def _artifacts(self, names: tuple[str, ...], *, needed_by: str) -> list[Path]:
        """The artifacts of ``names``, each current (its stamp matches its inputs now): a
        toolchain folder is named by those inputs, so a stale artifact must never fill it."""
        paths = []
        for name in names:
            package = self.cfg.layout.package(name)
            current = stamps.is_current(stamps.read_stamp(package.stamp), self.input_hash(name),
                                        self.cfg.root)
            if current is None:
                state = "out of date" if package.library_artifact.is_file() else "not built"
                raise ToolchainError(
                    f"the toolchain is not ready: {name} is {state}",
                    package=needed_by, step="toolchain",
                    hint="Run `invoke toolchain.setup` (builds wasix-libc, compiler-rt, libcxx "
                    "and cpython from source, or restores them from the cache).",
                )
            paths.append(current)
        return paths

    def compiler_root(self, *, needed_by: str) -> Root:
        """The self-built compiler root in the cache (assembled on first use)."""
        names = self.compiler_packages()
        key = root_key([f"{n}={self.input_hash(n)}" for n in names])
        with locked(self.cfg.layout.toolchains / f".{key}.lock"):
            return ensure_root(self.cfg.layout.toolchains / key,
                               self._artifacts(names, needed_by=needed_by))

    def target_python(self, *, needed_by: str) -> TargetPython | None:
        if self.user_toolchain is not None and self.user_toolchain.python is not None:
            return self.user_toolchain.python
        provider = self.python_package()
        if provider is None:
            return None
        home = self.cfg.cache_dir / "python" / self.input_hash(provider)[:24]
        with locked(home.with_name(f".{home.name}.lock")):
            self._unpack_python(provider, home, needed_by)
        return TargetPython.find(home / "usr" / "local")

    def _unpack_python(self, provider: str, home: Path, needed_by: str) -> None:
        if not (home / ".complete").is_file():
            (archive,) = self._artifacts((provider,), needed_by=needed_by)
            partial = fresh_dir(home.with_name(f"{home.name}.{os.getpid()}.partial"))
            try:
                unpack_into(archive, partial)
                (partial / ".complete").write_text(archive.name + "\n")
                try:
                    os.rename(partial, home)
                except OSError:
                    if not (home / ".complete").is_file():
                        raise
            finally:
                remove_tree(partial)

    def compiler_toolchain(self, *, needed_by: str) -> Toolchain:
        """The compiler every library builds with (no target CPython)."""
        if self.user_toolchain is not None:
            return self.user_toolchain
        return root_toolchain(self.cfg, self.compiler_root(needed_by=needed_by))

    def toolchain_for(self, recipe: Recipe) -> Toolchain:
        """The toolchain ``recipe`` builds with."""
        if recipe.kind is Kind.TOOLCHAIN:
            # a partial root of the toolchain packages it builds on (none: zig alone)
            tools = fresh_dir(self.cfg.layout.package(recipe.name).tools)
            root = fill_root(tools, self._artifacts(recipe.libs, needed_by=recipe.name))
            return root_toolchain(self.cfg, root)
        python = self.target_python(needed_by=recipe.name) if recipe.kind is Kind.WHEEL else None
        if self.user_toolchain is not None:
            tc = self.user_toolchain
            return tc if python is None else dataclasses.replace(tc, python=python)
        return root_toolchain(self.cfg, self.compiler_root(needed_by=recipe.name), python=python)


# --------------------------------------------------------------------------- first stages


def _copy_with_fixed_time(src: str, dest: str) -> str:
    shutil.copyfile(src, dest)
    shutil.copymode(src, dest)
    os.utime(dest, (COPY_MTIME, COPY_MTIME))
    return dest


def copy_prepared(prepared: Path, dest: Path) -> None:
    """Fresh throw-away copy of the prepared tree, without its git link.

    All files get one mtime: a git checkout writes files in arbitrary order, and make would
    otherwise think a release's generated configure is older than configure.ac and try to
    rerun autotools. Contents, mode and time are set in one pass (numpy's 8000 files: half
    the time of copying metadata and then walking the tree again).
    """
    remove_tree(dest)
    shutil.copytree(prepared, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"),
                    copy_function=_copy_with_fixed_time)


def prepare_tree(recipe: Recipe, cfg: Config, log: Log) -> Path:
    """Source and prepared stages, then the fresh build copy. Returns the build folder."""
    from ..patches import ensure_prepared  # git: loaded only when something builds

    log.enter("prepare")
    prepared = ensure_prepared(recipe, cfg, log)
    log.enter("copy")
    dest = cfg.layout.package(recipe.name).build
    copy_prepared(prepared, dest)
    return dest

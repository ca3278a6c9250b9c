"""The narrow object a recipe function receives, and the rules every stage helper follows.

A recipe sees: its name and version, the install directories (``prefix``, ``libdir``,
``includedir``), the build folder, the package's sysroot, ``jobs``, and the stage helpers.
It does not see the configuration, the toolchain object or a mutable environment: the
environment is changed for one call (``env=``) or one block (``with b.flags(...)``).

Every helper is marked with ``@stage``: the modules of the helpers a build used are recorded
in its stamp, so changing one helper rebuilds exactly the packages that use it.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ..archive import scrub_paths
from ..errors import ToolchainError
from ..layout import INCLUDEDIR, LIBDIR, PREFIX
from ..recipe import Recipe
from ..run import Log, run
from ..toolchain.env import path_map
from ..toolchain.model import Toolchain

Arg = str | os.PathLike[str]
#: A typed option value for CMake and meson (rendered by ``cmake_value``/``meson_value``).
DefineValue = str | bool | int | os.PathLike[str] | Sequence[str | os.PathLike[str]]

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class BuildContext:
    """What the pipeline hands a build (not visible to recipes as such)."""

    recipe: Recipe
    toolchain: Toolchain
    log: Log
    #: pkgs/<name>.build: the throw-away copy of the prepared tree the build runs in
    source_dir: Path
    #: pkgs/<name>.sysroot: the declared libraries only
    sysroot: Path
    env: dict[str, str]
    #: DESTDIR of the install (libraries and toolchain packages)
    destdir: Path = Path("/nonexistent")
    jobs: int = 1
    #: file descriptors of the jobserver, inherited by every tool
    pass_fds: tuple[int, ...] = ()
    #: modules of the stage helpers this build used (recorded in the stamp)
    used_modules: set[str] = field(default_factory=set)
    #: finds a build-machine CPython of a version (CPython's own cross build needs one)
    find_python: Callable[[str], Path | None] = lambda version: None


def stage(fn: F) -> F:
    """Mark a stage helper: its module becomes an input of every build that calls it."""

    @functools.wraps(fn)
    def wrapper(self: Build, *args: Any, **kwargs: Any) -> Any:
        self._ctx.used_modules.add(fn.__module__)
        return fn(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def cmake_value(value: DefineValue) -> str:
    """``-D`` values for CMake: booleans ON/OFF, lists ``;``-joined."""
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    if isinstance(value, (str, int, os.PathLike)):
        return os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    return ";".join(os.fspath(v) for v in value)


def cmake_type(value: DefineValue) -> str:
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, os.PathLike):
        return "PATH"
    return "STRING"


def meson_value(value: DefineValue) -> str:
    """``-D`` values for meson: booleans true/false (meson rejects ON/off), arrays as a
    comma-separated list, which meson parses for array options."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, os.PathLike)):
        return os.fspath(value) if isinstance(value, os.PathLike) else str(value)
    return ",".join(os.fspath(v) for v in value)


class Build:
    """Base of LibBuild and WheelBuild: what every recipe function can use."""

    #: install directories inside every sysroot (the seed's layout)
    prefix = PREFIX
    libdir = LIBDIR
    includedir = INCLUDEDIR

    def __init__(self, ctx: BuildContext) -> None:
        self._ctx = ctx

    @property
    def name(self) -> str:
        return self._ctx.recipe.name

    @property
    def version(self) -> str:
        return self._ctx.recipe.version

    @property
    def source_dir(self) -> Path:
        """The build folder (a fresh copy of the prepared source)."""
        return self._ctx.source_dir

    @property
    def sysroot(self) -> Path:
        """The folder holding the package's declared libraries (``<sysroot>/usr/local``)."""
        return self._ctx.sysroot

    @property
    def jobs(self) -> int:
        return self._ctx.jobs

    def build_python(self, version: str) -> Path:
        """A build-machine CPython ``version`` (configured ``build-python``, PATH, pyenv)."""
        found = self._ctx.find_python(version)
        if found is None:
            raise ToolchainError(
                f"no build-machine Python {version} found", package=self.name,
                step=self._ctx.log.step, log=self._ctx.log.path,
                hint=f"Install CPython {version} (`pyenv install {version}`) or set "
                "`build-python` in wasixtasks.local.toml.",
            )
        return found

    def step(self, name: str) -> None:
        """Start a named step (shown in progress, the log and failure messages)."""
        self._ctx.log.enter(name)

    def env_value(self, name: str) -> str:
        """A variable of the build environment (``CC``, ``CFLAGS``, ...)."""
        return self._ctx.env.get(name, "")

    def run(self, *argv: Arg, cwd: Path | str | None = None,
            env: Mapping[str, str] | None = None) -> None:
        """Run a tool in the build folder with the build environment (plus ``env``)."""
        where = self.source_dir if cwd is None else self.source_dir / cwd
        run(list(argv), log=self._ctx.log, cwd=where, env={**self._ctx.env, **(env or {})},
            pass_fds=self._ctx.pass_fds)

    @contextlib.contextmanager
    def flags(self, *, cppflags: Sequence[str] = (), cflags: Sequence[str] = (),
              cxxflags: Sequence[str] = (), ldflags: Sequence[str] = ()) -> Iterator[None]:
        """Append compiler flags for the helpers called inside the block."""
        extra = {"CPPFLAGS": cppflags, "CFLAGS": cflags, "CXXFLAGS": cxxflags,
                 "LDFLAGS": ldflags}
        with self.environment(**{k: " ".join(filter(None, [self.env_value(k), *v]))
                                 for k, v in extra.items() if v}):
            yield

    @contextlib.contextmanager
    def environment(self, **changes: str) -> Iterator[None]:
        """Set environment variables for the helpers called inside the block."""
        saved = dict(self._ctx.env)
        self._ctx.env.update(changes)
        try:
            yield
        finally:
            self._ctx.env.clear()
            self._ctx.env.update(saved)

    def scrub_paths(self, path: Path) -> Path:
        """Replace this build's folders in a generated text file (sysconfig data, a config
        module) by the fixed names ``-ffile-prefix-map`` uses. Installed files get this
        anyway; this is for a file the recipe packs itself (into a zip) before that."""
        data = path.read_bytes()
        new = scrub_paths(data, path_map(build_dir=self.source_dir, sysroot=self.sysroot))
        if new != data:
            path.write_bytes(new)
        return path

    def write(self, rel: str, text: str) -> Path:
        """Write a generated file (cross file, toolchain file) into the build folder."""
        path = self.source_dir / ".wasixtasks" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

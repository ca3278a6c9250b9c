"""What every stage helper gets: the package, its folders, the toolchain environment and the
log. Recipes receive a subclass of ``BuildContext`` (``LibBuild`` or ``WheelBuild``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..recipe import Recipe
from ..run import Completed, Log, run
from ..toolchain import Toolchain

Arg = str | os.PathLike[str]


@dataclass
class BuildContext:
    recipe: Recipe
    cfg: Config
    toolchain: Toolchain
    log: Log
    #: pkgs/<name>.build: the throw-away copy of the prepared tree the build runs in
    source_dir: Path
    #: pkgs/<name>.sysroot: the declared libraries only
    sysroot: Path
    jobs: int = 1
    env: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.recipe.name

    @property
    def version(self) -> str:
        return self.recipe.version

    def run(
        self,
        *argv: Arg,
        cwd: Path | str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Completed:
        """Run a tool in the build folder with the toolchain environment (plus ``env``)."""
        where = self.source_dir if cwd is None else self.source_dir / cwd
        return run(list(argv), log=self.log, cwd=where, env={**self.env, **(env or {})})

    def capture(self, *argv: Arg, env: Mapping[str, str] | None = None) -> str:
        return run(
            list(argv), log=self.log, cwd=self.source_dir, env={**self.env, **(env or {})},
            capture=True,
        ).stdout

    def write(self, rel: str, text: str) -> Path:
        """Write a generated file (cross file, toolchain file) into the build folder."""
        path = self.source_dir / ".wasixtasks" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def step(self, name: str) -> None:
        self.log.enter(name)

    def add_flags(
        self,
        *,
        cppflags: tuple[str, ...] = (),
        cflags: tuple[str, ...] = (),
        cxxflags: tuple[str, ...] = (),
        ldflags: tuple[str, ...] = (),
    ) -> None:
        """Append to the compiler flags of the rest of this build."""
        for var, extra in (("CPPFLAGS", cppflags), ("CFLAGS", cflags),
                           ("CXXFLAGS", cxxflags), ("LDFLAGS", ldflags)):
            if extra:
                self.env[var] = " ".join(filter(None, [self.env.get(var, ""), *extra]))


def define_value(value: str | bool | int | os.PathLike[str]) -> str:
    """CMake/meson option values from typed Python values (``True`` -> ``ON``)."""
    if isinstance(value, bool):
        return "ON" if value else "OFF"
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


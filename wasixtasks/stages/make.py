"""Plain make: builds with the shared job slots, installs with DESTDIR."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .build import Arg, Build, stage


class MakeMixin(Build):
    @property
    def destdir(self) -> Path:
        """Where ``make install`` (and every other install) writes: ``pkgs/<name>.lib``
        while building; files land under ``<destdir>/usr/local``."""
        return self._ctx.destdir

    def _make_vars(self, variables: Mapping[str, str] | None) -> list[str]:
        return [f"{k}={v}" for k, v in (variables or {}).items()]

    @stage
    def make(self, *targets: Arg, vars: Mapping[str, str] | None = None, cwd: str | None = None,
             env: Mapping[str, str] | None = None, parallel: bool = True) -> None:
        """``make`` (with the job slots shared with other builds when ``parallel``).

        A Makefile's own ``CFLAGS = ...`` wins over the environment: pass
        ``vars={"CFLAGS": ...}`` to override variables on the command line instead."""
        self.step("make" if not targets else f"make {' '.join(map(str, targets))}")
        if not parallel:
            jobs = ["-j1"]
        elif "--jobserver-auth" in self.env_value("MAKEFLAGS"):
            jobs = []  # make takes its slots from the shared jobserver
        else:
            jobs = [f"-j{self.jobs}"]
        self.run("make", *jobs, *targets, *self._make_vars(vars), cwd=cwd, env=env)

    @stage
    def make_install(self, *args: Arg, target: str = "install",
                     vars: Mapping[str, str] | None = None, cwd: str | None = None) -> None:
        self.step("install")
        self.run("make", target, f"DESTDIR={self.destdir}", *self._make_vars(vars), *args,
                 cwd=cwd)

"""Autotools and hand-written configure scripts, installing with the seed's directories."""

from __future__ import annotations

import os
from collections.abc import Mapping

from .build import Arg, Build, stage
from .make import MakeMixin


class AutotoolsMixin(MakeMixin, Build):
    @stage
    def configure(self, *args: Arg, autotools: bool = True, script: str = "configure",
                  cwd: str | None = None, env: Mapping[str, str] | None = None,
                  layout: bool = True) -> None:
        """Run a configure script with prefix /usr/local and the seed's libdir/includedir.

        ``autotools=True`` adds ``--host`` and static-only defaults (libtool cannot link wasm
        shared objects); ``False`` is for hand-written scripts (zlib) that reject unknown
        options. ``cwd`` runs it from a subfolder (out-of-tree builds). ``layout=False``
        leaves out ``--libdir``/``--includedir`` for scripts that cannot take ``${prefix}``."""
        self.step("configure")
        # relative (`../configure`), as out-of-tree builds are run: an absolute srcdir ends
        # up in what some packages compile in (CPython's VPATH)
        path = f"./{script}" if cwd is None else \
            os.path.relpath(self.source_dir / script, self.source_dir / cwd)
        base: list[Arg] = [path, f"--prefix={self.prefix}"]
        if layout:
            # literal ${exec_prefix}/${prefix}: the generated .pc files keep the variables
            base += ["--libdir=${exec_prefix}" + self.libdir[len(self.prefix):],
                     "--includedir=${prefix}" + self.includedir[len(self.prefix):]]
        if autotools:
            base += [f"--host={self._ctx.toolchain.host_triple}", "--enable-static",
                     "--disable-shared", "--disable-dependency-tracking"]
        if cwd is not None:
            (self.source_dir / cwd).mkdir(parents=True, exist_ok=True)
        self.run(*base, *args, cwd=cwd, env=env)

    @stage
    def autotools(self, *configure_args: Arg, install_target: str = "install") -> None:
        """configure, make, make install: the whole autotools flow."""
        self.configure(*configure_args)
        self.make()
        self.make_install(target=install_target)

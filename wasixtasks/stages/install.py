"""Post-install helpers: fix, add or remove files in the install tree (DESTDIR).

Paths are install paths as a consumer sees them (``b.libdir + "/pkgconfig/x.pc"``), mapped
under the build's DESTDIR. Each helper fails when it has nothing to do, so a recipe never
silently stops fixing what it was written to fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import BuildError
from ..fsutil import remove_tree
from .build import Build, stage
from .make import MakeMixin


class InstallMixin(MakeMixin, Build):
    def installed(self, path: str) -> Path:
        """The file of the install tree at install path ``path``."""
        return self.destdir / path.lstrip("/")

    def _fail(self, message: str) -> BuildError:
        return BuildError(message, package=self.name, step=self._ctx.log.step,
                          log=self._ctx.log.path)

    @stage
    def substitute(self, path: str, old: str, new: str, *, regex: bool = False) -> None:
        """Replace ``old`` (a literal, or a regular expression) in an installed text file."""
        target = self.installed(path)
        if not target.is_file():
            raise self._fail(f"substitute: {path} was not installed")
        text = target.read_text()
        pattern = old if regex else re.escape(old)
        changed, count = re.subn(pattern, lambda _m: new, text)
        if count == 0:
            raise self._fail(f"substitute: {old!r} not found in {path}")
        target.write_text(changed)

    @stage
    def write_pc(self, name: str, *, libs: str, description: str = "",
                 cflags: str = "-I${includedir}", version: str | None = None,
                 requires: Sequence[str] = (), requires_private: Sequence[str] = (),
                 libs_private: str = "") -> Path:
        """Write ``<libdir>/pkgconfig/<name>.pc`` with the seed's variables, for libraries
        that ship none (giflib)."""
        lines = [
            f"prefix={self.prefix}",
            "exec_prefix=${prefix}",
            "libdir=${exec_prefix}" + self.libdir[len(self.prefix):],
            "includedir=${prefix}" + self.includedir[len(self.prefix):],
            "",
            f"Name: {name}",
            f"Description: {description or name}",
            f"Version: {version or self.version}",
        ]
        if requires:
            lines.append(f"Requires: {' '.join(requires)}")
        if requires_private:
            lines.append(f"Requires.private: {' '.join(requires_private)}")
        lines.append(f"Libs: -L${{libdir}} {libs}")
        if libs_private:
            lines.append(f"Libs.private: {libs_private}")
        lines.append(f"Cflags: {cflags}")
        target = self.installed(f"{self.libdir}/pkgconfig/{name}.pc")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n")
        return target

    @stage
    def remove(self, *patterns: str) -> None:
        """Remove installed files matching glob patterns (install paths)."""
        for pattern in patterns:
            matches = list(self.destdir.glob(pattern.lstrip("/")))
            if not matches:
                raise self._fail(f"remove: nothing installed matches {pattern}")
            for match in matches:
                remove_tree(match)

    @stage
    def symlink(self, target: str, link: str) -> None:
        """Create an installed symlink ``link`` -> ``target`` (a relative target is kept)."""
        where = self.installed(link)
        where.parent.mkdir(parents=True, exist_ok=True)
        if where.is_symlink() or where.exists():
            where.unlink()
        where.symlink_to(target)

    @stage
    def install(self, src: str | Path, dest: str, *, mode: int = 0o644) -> Path:
        """Copy a file of the build folder (or any path) to install path ``dest``."""
        source = src if isinstance(src, Path) else self.source_dir / src
        target = self.installed(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        os.chmod(target, mode)
        return target

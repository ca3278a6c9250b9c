"""Libraries (and toolchain packages): the build object their recipes receive, and the check
of the install tree after the recipe ran.

Libraries install with ``DESTDIR`` into ``pkgs/<name>.lib`` using the seed's layout (prefix
/usr/local, libdir /usr/local/lib/wasm32-wasi, includedir /usr/local/include) and build
static archives of position-independent objects by default: that is what Python extension
modules link.
"""

from __future__ import annotations

from ..errors import BuildError
from ..layout import PREFIX
from . import pkgconfig
from .autotools import AutotoolsMixin
from .cmake import CMakeMixin
from .install import InstallMixin
from .meson import MesonMixin


class LibBuild(AutotoolsMixin, CMakeMixin, MesonMixin, InstallMixin):
    """What a library recipe receives: autotools, configure, make, CMake, meson and the
    post-install helpers (see the README's "Adding a recipe")."""


def finish_library(b: LibBuild, *, toolchain_package: bool = False) -> list[str]:
    """After install: drop libtool archives, rewrite and lint .pc files. Returns the .pc names."""
    b.step("check")
    root = b.destdir if toolchain_package else b.destdir / PREFIX.lstrip("/")
    if not root.is_dir() or not any(root.rglob("*")):
        where = b.destdir if toolchain_package else f"{PREFIX} in {b.destdir}"
        raise BuildError(f"the install put nothing under {where}", package=b.name,
                         step="check", log=b._ctx.log.path)
    for la in b.destdir.rglob("*.la"):
        la.unlink()  # libtool archives record build-time paths; consumers do not use them
    pcs: list[str] = []
    if toolchain_package:
        return pcs  # installs into the toolchain root, not a /usr/local sysroot
    forbidden = [b.source_dir, b.destdir, b.sysroot]
    for pc in sorted(b.destdir.rglob("*.pc")):
        text = pkgconfig.rewrite(pc.read_text())
        problems = pkgconfig.lint(text, forbidden)
        if problems:
            raise BuildError(f"{pc.name}: {problems[0]}", package=b.name, step="check",
                             log=b._ctx.log.path)
        pc.write_text(text)
        b._ctx.log.write(f"{pc.relative_to(b.destdir)}:\n{text}")
        pcs.append(pc.name)
    return pcs

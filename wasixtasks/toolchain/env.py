"""The environment of one build: the toolchain's tools, the package's sysroot, nothing else.

Variables that would let the host leak into a cross build (the host's pkg-config path,
include and library paths, flags from the caller's shell) are removed. Paths of the build
folder are mapped to a fixed name in debug info and macros (``-ffile-prefix-map``), and
SOURCE_DATE_EPOCH is fixed, so two builds in different folders give the same bytes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from ..layout import INCLUDEDIR, LIBDIR, PREFIX
from .model import Toolchain

#: 2000-01-01: every timestamp the build writes (archives, wheels, __DATE__ users).
SOURCE_DATE_EPOCH = "946684800"

_HOST_LEAKS = (
    "PKG_CONFIG_PATH", "CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "LIBRARY_PATH",
    "CFLAGS", "CXXFLAGS", "LDFLAGS", "CPPFLAGS", "MAKEFLAGS", "MFLAGS", "CONFIG_SITE",
    "PYTHONPATH", "PYTHONHOME", "_PYTHON_HOST_PLATFORM", "_PYTHON_SYSCONFIGDATA_NAME",
)


#: The fixed names of a build's folders in objects (debug info, ``__FILE__``) and in the text
#: files of its artifact (see :func:`wasixtasks.archive.scrub_tree`).
BUILD_DIR_NAME = "/usr/src/build"
SYSROOT_NAME = "/usr/src/sysroot"


def path_map(*, build_dir: Path, sysroot: Path) -> tuple[tuple[str, str], ...]:
    """The folders of one build that must not show in what it produces, and their names."""
    return ((str(build_dir), BUILD_DIR_NAME), (str(sysroot), SYSROOT_NAME))


def build_env(
    toolchain: Toolchain,
    sysroot: Path,
    *,
    build_dir: Path,
    static: bool = False,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a build that sees only ``sysroot`` (its declared libraries)."""
    env = dict(os.environ if base is None else base)
    for var in _HOST_LEAKS:
        env.pop(var, None)
    # the toolchain's drivers, then the host tools installed with wasixtasks (cmake, ninja,
    # meson), then the caller's PATH
    first = [str(Path(toolchain.tools["CC"]).parent), str(Path(sys.executable).parent)]
    env["PATH"] = os.pathsep.join([*dict.fromkeys(first), *filter(None, [env.get("PATH")])])
    env.update(toolchain.tools)
    inc = sysroot / INCLUDEDIR.lstrip("/")
    lib = sysroot / LIBDIR.lstrip("/")
    prefix_map = " ".join(f"-ffile-prefix-map={old}={new}"
                          for old, new in path_map(build_dir=build_dir, sysroot=sysroot))
    env["CPPFLAGS"] = f"-I{inc}"
    env["LDFLAGS"] = f"-L{lib}"
    env["CFLAGS"] = f"-O2 {prefix_map}"
    env["CXXFLAGS"] = f"-O2 {prefix_map}"
    # consumers see a sysroot through these two, as the seed's .pc convention intends
    env["PKG_CONFIG_SYSROOT_DIR"] = str(sysroot)
    env["PKG_CONFIG_LIBDIR"] = os.pathsep.join(
        [str(lib / "pkgconfig"), str(sysroot / PREFIX.lstrip("/") / "share" / "pkgconfig")]
    )
    env["CMAKE_PREFIX_PATH"] = str(sysroot / PREFIX.lstrip("/"))
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env["WASIX_SYSROOT"] = str(toolchain.sysroot or sysroot)
    if static:
        env["WASIX_FORCE_STATIC_DEPENDENCIES"] = "true"
    env.update(toolchain.extra_env)
    return env

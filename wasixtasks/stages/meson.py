"""Meson projects: a cross file generated for the build's toolchain and sysroot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..layout import LIBDIR
from ..toolchain.model import Toolchain
from .build import Build, DefineValue, meson_value, stage


def _q(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def cross_file(toolchain: Toolchain, sysroot: Path) -> str:
    """A meson cross file: host wasi/wasm32, the toolchain's tools, Wasmer as exe_wrapper."""
    t = toolchain.tools
    runner = ", ".join(_q(a) for a in toolchain.runner)
    return "\n".join([
        "[binaries]",
        f"c = {_q(t['CC'])}",
        f"cpp = {_q(t['CXX'])}",
        f"ar = {_q(t['AR'])}",
        f"ranlib = {_q(t['RANLIB'])}",
        "pkg-config = 'pkg-config'",
        f"exe_wrapper = [{runner}]",
        "",
        "[properties]",
        # configure checks that run target programs would need Wasmer for each probe
        "needs_exe_wrapper = true",
        "skip_sanity_check = true",
        # wasm32 long double is IEEE binary128 (numpy asks)
        "longdouble_format = 'IEEE_QUAD_LE'",
        f"sys_root = {_q(str(sysroot))}",
        f"pkg_config_libdir = {_q(str(sysroot / LIBDIR.lstrip('/') / 'pkgconfig'))}",
        "",
        "[host_machine]",
        "system = 'wasi'",
        "cpu_family = 'wasm32'",
        "cpu = 'wasm32'",
        "endian = 'little'",
        "",
    ])


def option_args(options: Mapping[str, DefineValue] | None) -> list[str]:
    """``-Dname=value`` arguments with meson's spelling of booleans and arrays."""
    return [f"-D{k}={meson_value(v)}" for k, v in (options or {}).items()]


class MesonMixin(Build):
    @stage
    def meson(self, options: Mapping[str, DefineValue] | None = None, *,
              env: Mapping[str, str] | None = None) -> None:
        """Configure, build and install a meson project with typed ``options``."""
        self.step("meson setup")
        cross = self.write("cross.ini", cross_file(self._ctx.toolchain, self.sysroot))
        build = self.source_dir / "_wasixtasks_meson"
        self.run("meson", "setup", str(build), str(self.source_dir), f"--cross-file={cross}",
                 f"--prefix={self.prefix}", f"--libdir={self.libdir[len(self.prefix) + 1:]}",
                 f"--includedir={self.includedir[len(self.prefix) + 1:]}",
                 "--buildtype=release", "--default-library=static", *option_args(options),
                 env=env)
        self.step("meson build")
        jobs = ([] if "--jobserver-auth" in self.env_value("MAKEFLAGS")
                else ["-j", str(self.jobs)])
        self.run("meson", "compile", "-C", str(build), *jobs, env=env)
        self.step("install")
        self.run("meson", "install", "-C", str(build), "--destdir", str(self._ctx.destdir),
                 env=env)

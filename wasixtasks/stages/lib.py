"""Stage helpers for C libraries: autotools, configure scripts, make, CMake and meson.

Every helper installs with ``DESTDIR`` into ``pkgs/<name>.lib`` using the seed's layout
(prefix /usr/local, libdir /usr/local/lib/wasm32-wasi, includedir /usr/local/include), and
builds static libraries: libtool cannot make wasm shared libraries, and static archives of
position-independent objects are what Python extension modules link.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildError
from ..toolchain import INCLUDEDIR, LIBDIR, PREFIX
from . import pkgconfig
from .context import Arg, BuildContext, define_value


@dataclass
class LibBuild(BuildContext):
    #: DESTDIR of the install (pkgs/<name>.lib while building, under a temporary name)
    destdir: Path = Path()

    # ------------------------------------------------------------------ autotools

    def configure(
        self,
        *args: Arg,
        autotools: bool = True,
        script: str = "configure",
        cwd: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        """Run a configure script with the seed's install dirs.

        ``autotools=True`` adds ``--host`` and static-only defaults; ``False`` is for
        hand-written configure scripts (zlib) that reject unknown options.
        """
        self.step("configure")
        base: list[Arg] = [
            f"./{script}" if cwd is None else str(self.source_dir / script),
            f"--prefix={PREFIX}",
            # literal ${exec_prefix}: the generated .pc files keep the variable
            "--libdir=${exec_prefix}" + LIBDIR[len(PREFIX):],
            "--includedir=${prefix}" + INCLUDEDIR[len(PREFIX):],
        ]
        if autotools:
            base += [
                f"--host={self.toolchain.host_triple}",
                # libtool cannot link wasm shared objects; static archives are what we use
                "--enable-static",
                "--disable-shared",
                "--disable-dependency-tracking",
            ]
        self.run(*base, *args, cwd=cwd, env=env)

    def make(
        self, *targets: Arg, cwd: str | None = None, env: Mapping[str, str] | None = None,
        parallel: bool = True,
    ) -> None:
        self.step("make" if not targets else f"make {' '.join(map(str, targets))}")
        jobs = [f"-j{self.jobs}"] if parallel and self.jobs > 1 else []
        self.run("make", *jobs, *targets, cwd=cwd, env=env)

    def make_install(self, *args: Arg, target: str = "install", cwd: str | None = None) -> None:
        self.step("install")
        self.run("make", target, f"DESTDIR={self.destdir}", *args, cwd=cwd)

    def autotools(self, *configure_args: Arg, install_target: str = "install") -> None:
        """configure, make, make install: the whole autotools flow."""
        self.configure(*configure_args)
        self.make()
        self.make_install(target=install_target)

    # ------------------------------------------------------------------ cmake

    def cmake(
        self,
        defines: Mapping[str, str | bool | int | os.PathLike[str]] | None = None,
        *,
        source: str = ".",
        shared: bool = False,
    ) -> None:
        """Configure, build and install a CMake project with the profile's toolchain file."""
        self.step("cmake configure")
        toolchain_file = self.write(
            "toolchain.cmake", self.toolchain.cmake_toolchain_file(self.sysroot)
        )
        build = self.source_dir / "_wasixtasks_cmake"
        args: list[Arg] = [
            "cmake", "-S", self.source_dir / source, "-B", build, "-G", "Ninja",
            f"-DCMAKE_TOOLCHAIN_FILE={toolchain_file}",
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DCMAKE_INSTALL_PREFIX={PREFIX}",
            f"-DCMAKE_INSTALL_LIBDIR={LIBDIR[len(PREFIX) + 1:]}",
            f"-DCMAKE_INSTALL_INCLUDEDIR={INCLUDEDIR[len(PREFIX) + 1:]}",
            f"-DBUILD_SHARED_LIBS={define_value(shared)}",
        ]
        for key, value in (defines or {}).items():
            args.append(f"-D{key}={define_value(value)}")
        self.run(*args)
        self.step("cmake build")
        self.run("cmake", "--build", build, "--parallel", str(self.jobs))
        self.step("install")
        self.run("cmake", "--install", build, env={"DESTDIR": str(self.destdir)})

    # ------------------------------------------------------------------ meson

    def meson(self, options: Mapping[str, str | bool | int] | None = None) -> None:
        """Configure, build and install a meson project with the profile's cross file."""
        self.step("meson setup")
        cross = self.write("cross.ini", self.toolchain.meson_cross_file(self.sysroot))
        build = self.source_dir / "_wasixtasks_meson"
        args: list[Arg] = [
            "meson", "setup", build, self.source_dir, f"--cross-file={cross}",
            f"--prefix={PREFIX}", f"--libdir={LIBDIR[len(PREFIX) + 1:]}",
            f"--includedir={INCLUDEDIR[len(PREFIX) + 1:]}",
            "--buildtype=release", "--default-library=static",
        ]
        for key, value in (options or {}).items():
            v = define_value(value)
            args.append(f"-D{key}={v.lower() if isinstance(value, bool) else v}")
        self.run(*args)
        self.step("meson build")
        self.run("meson", "compile", "-C", build, "-j", str(self.jobs))
        self.step("install")
        self.run("meson", "install", "-C", build, "--destdir", self.destdir)

    # ------------------------------------------------------------------ files

    def install_file(self, src: Path, dest: str, mode: int = 0o644) -> None:
        """Copy a file into the install tree; ``dest`` is an absolute path like /usr/local/..."""
        target = self.destdir / dest.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(src.read_bytes())
        target.chmod(mode)


def finish_library(b: LibBuild) -> list[str]:
    """After install: drop libtool archives, rewrite and lint .pc files. Returns the .pc names."""
    b.step("check")
    root = b.destdir / PREFIX.lstrip("/")
    if not root.is_dir() or not any(root.rglob("*")):
        raise BuildError(
            f"the install put nothing under {PREFIX} in {b.destdir}",
            package=b.name, step="check", log=b.log.path,
        )
    for la in b.destdir.rglob("*.la"):
        # libtool archives record absolute build-time paths and are not used by consumers.
        la.unlink()
    pcs: list[str] = []
    forbidden = [b.source_dir, b.destdir, b.sysroot, b.cfg.root]
    for pc in sorted(b.destdir.rglob("*.pc")):
        text = pkgconfig.rewrite(pc.read_text())
        problems = pkgconfig.lint(text, forbidden)
        if problems:
            raise BuildError(
                f"{pc.name}: {problems[0]}",
                package=b.name, step="check", log=b.log.path,
            )
        pc.write_text(text)
        b.log.write(f"{pc.relative_to(b.destdir)}:\n{text}")
        pcs.append(pc.name)
    return pcs

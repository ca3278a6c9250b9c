"""CMake projects: a toolchain file generated for the build's toolchain and sysroot."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..toolchain.model import Toolchain
from .build import Build, DefineValue, cmake_type, cmake_value, stage


def toolchain_file(toolchain: Toolchain, sysroot: Path) -> str:
    """WASI system, the toolchain's compilers, libraries and packages found only inside the
    package's sysroot, programs only on the host, Wasmer as the emulator."""
    t = toolchain.tools
    root = sysroot.as_posix()
    return "\n".join([
        "set(CMAKE_SYSTEM_NAME WASI)",
        "set(CMAKE_SYSTEM_VERSION 1)",
        "set(CMAKE_SYSTEM_PROCESSOR wasm32)",
        # curl and others test UNIX; WASIX is a POSIX system
        "set(UNIX 1)",
        f'set(CMAKE_C_COMPILER "{t["CC"]}")',
        f'set(CMAKE_CXX_COMPILER "{t["CXX"]}")',
        f'set(CMAKE_ASM_COMPILER "{t["CC"]}")',
        f'set(CMAKE_AR "{t["AR"]}" CACHE FILEPATH "")',
        f'set(CMAKE_RANLIB "{t["RANLIB"]}" CACHE FILEPATH "")',
        f'set(CMAKE_CROSSCOMPILING_EMULATOR "{";".join(toolchain.runner)}")',
        f'set(CMAKE_FIND_ROOT_PATH "{root}/usr/local" "{root}")',
        "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)",
        # libraries land in lib/wasm32-wasi, as the seed's layout wants
        'set(CMAKE_LIBRARY_ARCHITECTURE "wasm32-wasi")',
        "set(CMAKE_POSITION_INDEPENDENT_CODE ON)",
        "",
    ])


class CMakeMixin(Build):
    @stage
    def cmake(self, defines: Mapping[str, DefineValue] | None = None, *, source: str = ".",
              shared: bool = False, build_type: str = "Release", prefix: str | None = None,
              libdir: str | None = None, includedir: str | None = None,
              install: bool = True, env: Mapping[str, str] | None = None) -> None:
        """Configure, build and install a CMake project (Ninja) with typed ``defines``.

        ``prefix``/``libdir``/``includedir`` override the seed's layout (toolchain packages
        install into ``/sysroot``)."""
        self.step("cmake configure")
        tc_file = self.write("toolchain.cmake", toolchain_file(self._ctx.toolchain, self.sysroot))
        build = self.source_dir / "_wasixtasks_cmake"
        libdir = libdir or (prefix or self.prefix) + self.libdir[len(self.prefix):]
        includedir = includedir or (prefix or self.prefix) + self.includedir[len(self.prefix):]
        prefix = prefix or self.prefix
        for what, path in (("libdir", libdir), ("includedir", includedir)):
            if not (path + "/").startswith(prefix.rstrip("/") + "/"):
                raise ValueError(f"cmake: {what} {path} is not under the prefix {prefix}")
        args: list[str] = [
            "cmake", "-S", str(self.source_dir / source), "-B", str(build), "-G", "Ninja",
            f"-DCMAKE_TOOLCHAIN_FILE={tc_file}",
            f"-DCMAKE_BUILD_TYPE={build_type}",
            f"-DCMAKE_INSTALL_PREFIX={prefix}",
            f"-DCMAKE_INSTALL_LIBDIR={libdir[len(prefix):].lstrip('/')}",
            f"-DCMAKE_INSTALL_INCLUDEDIR={includedir[len(prefix):].lstrip('/')}",
            f"-DBUILD_SHARED_LIBS:BOOL={cmake_value(shared)}",
        ]
        for key, value in (defines or {}).items():
            args.append(f"-D{key}:{cmake_type(value)}={cmake_value(value)}")
        self.run(*args, env=env)
        self.step("cmake build")
        parallel = ([] if "--jobserver-auth" in self.env_value("MAKEFLAGS")
                    else ["--parallel", str(self.jobs)])
        self.run("cmake", "--build", str(build), *parallel, env=env)
        if install:
            self.step("install")
            self.run("cmake", "--install", str(build), env={**(env or {}),
                                                            "DESTDIR": str(self._ctx.destdir)})

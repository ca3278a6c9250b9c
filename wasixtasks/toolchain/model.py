"""What a build needs to know about its toolchain and target interpreter.

A ``Toolchain`` is resolved per package: the toolchain packages build with the partial
toolchain their own dependencies form; every other package builds with the active profile's
compiler (the self-built root, or the user's wasix-clang environment).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ToolchainError

#: The wheel platform tag of every artifact (the seed's index uses it).
PLATFORM_TAG = "wasix_wasm32"
#: The --host triple given to configure scripts (config.sub knows wasm32-wasi).
HOST_TRIPLE = "wasm32-wasi"


@dataclass(frozen=True)
class TargetPython:
    """The CPython the wheels are built for (not the one running wasixtasks)."""

    version: str  # "3.13"
    #: the install prefix (PYTHONHOME inside the sandbox is /usr/local)
    prefix: Path
    include_dir: Path
    sysconfigdata: Path
    python_wasm: Path | None
    stdlib_zip: Path | None

    @property
    def tag(self) -> str:
        return "cp" + self.version.replace(".", "")

    def marker_environment(self, full_version: str | None = None) -> dict[str, str]:
        """PEP 508 marker values of this interpreter, as the WASIX CPython reports them
        under Wasmer (``sys.platform`` and ``platform.system()`` are ``wasi``), so a wheel's
        Requires-Dist is judged for the target, not for the Python running wasixtasks."""
        full = full_version or self.version
        return {"implementation_name": "cpython", "implementation_version": full,
                "os_name": "posix", "platform_machine": "wasm32",
                "platform_python_implementation": "CPython", "platform_release": "",
                "platform_system": "wasi", "platform_version": "", "python_full_version": full,
                "python_version": self.version, "sys_platform": "wasi", "extra": ""}

    @property
    def runtime_libs(self) -> tuple[Path, ...]:
        """The shared libraries python.wasm needs at start (``libsqlite3.so.0``), installed
        in ``<prefix>/lib``: the sandbox maps them to ``/usr/local/lib``, where Wasmer's
        loader looks."""
        lib = self.prefix / "lib"
        if not lib.is_dir():
            return ()
        return tuple(sorted(p for p in lib.iterdir()
                            if p.is_file() and (p.name.endswith(".so") or ".so." in p.name)))

    @property
    def ext_suffix(self) -> str:
        """EXT_SUFFIX of the target (``.cpython-313-wasm32-wasi.so``), from its sysconfig."""
        m = re.search(r"""['"]EXT_SUFFIX['"]:\s*['"]([^'"]+)['"]""", self.sysconfigdata.read_text())
        return m.group(1) if m else ".so"

    @classmethod
    def find(cls, prefix: Path) -> TargetPython | None:
        """The CPython installed under ``prefix`` (``include/python3.X`` and sysconfig data)."""
        for inc in sorted((prefix / "include").glob("python3.*")):
            version = inc.name.removeprefix("python")
            stdlib = prefix / "lib" / f"python{version}"
            data = sorted(stdlib.glob("_sysconfigdata_*.py"))
            if data:
                wasm = next(iter(sorted((prefix / "bin").glob("python*.wasm"))), None)
                zipped = prefix / "lib" / f"python{version.replace('.', '')}.zip"
                return cls(version, prefix, inc, data[0], wasm,
                           zipped if zipped.is_file() else None)
        return None


@dataclass(frozen=True)
class Toolchain:
    profile: str
    tools: dict[str, str]
    #: a command prefix that runs a wasm command module (meson's exe_wrapper)
    runner: tuple[str, ...]
    python: TargetPython | None = None
    #: the compiler's own sysroot (C library, libc++), for reports
    sysroot: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    #: what identifies this toolchain's output (part of every stamp)
    identity: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    host_triple: str = HOST_TRIPLE
    platform_tag: str = PLATFORM_TAG

    def fingerprint(self) -> str:
        h = hashlib.sha256(self.profile.encode())
        for key in sorted(self.identity):
            h.update(f"{key}={self.identity[key]}\n".encode())
        return h.hexdigest()[:32]

    def require_python(self, package: str | None = None, step: str = "wheel") -> TargetPython:
        """The target CPython, or a ToolchainError saying where to get one."""
        if self.python is None:
            raise ToolchainError(
                f"toolchain `{self.profile}` has no target CPython to build wheels for",
                package=package, step=step,
                hint="Run `invoke toolchain.doctor`: it says what is missing.",
            )
        return self.python

    def require(self, package: str | None = None) -> None:
        if self.problems:
            raise ToolchainError(
                f"toolchain `{self.profile}` is not usable: {self.problems[0]}",
                package=package, step="toolchain",
                hint="Run `invoke toolchain.doctor` for details.",
            )

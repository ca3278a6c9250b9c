"""Checks on built wasm modules: which shared libraries they need, and side-module shape.

``check.shared-libs`` reads the ``needed`` entries of every wasm ``.so`` (in wheels, in
library tarballs or loose in a folder) from its dylink.0 section and fails where a needed
library is neither bundled (in the same wheel, next to it in the same tarball or folder) nor
allowed by configuration (``allowed-shared-libs``). The seed did this by reading
``wasm-tools print`` output by eye; here it is a command with an exit code.

The shared objects of all library tarballs checked together are unpacked into one temporary
sysroot, as ``install.libs`` puts them into one (with their symlinks, so ``libjpeg.so.62``
finds ``libjpeg.so.62.4.0``, and libxslt's ``.so`` finds libxml2's), and reported as
``<tarball>!<member>``. A symlink to a shared object is the same module: it is checked once.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import posixpath
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CheckError, WasmFormatError
from .wasm import WasmModule, is_wasm, parse_module, read_module


@dataclass
class ModuleReport:
    """One wasm shared object: where it is and what it needs."""

    where: str  # "<wheel>!<member>" or a file path
    needed: tuple[str, ...]
    bundled: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    #: needed libraries the interpreter loads at start (it needs them itself)
    provided: tuple[str, ...] = ()
    #: bytes of thread-locals (``__tls_size``) and whether the module exports
    #: ``__wasix_init_tls``, which Wasmer calls to give each further thread its own copy
    tls_size: int = 0
    tls_init: bool = True

    @property
    def tls_unset(self) -> bool:
        """Thread-locals that only the loading thread gets: every other thread finds them at
        address 0, all threads sharing the same bytes (wasix-libc's scrt1.o was not linked)."""
        return self.tls_size > 0 and not self.tls_init

    def _state(self, name: str) -> str:
        if name in self.bundled:
            return "bundled"
        if name in self.provided:
            return "the interpreter's"
        return "allowed" if name in self.allowed else "MISSING"

    def line(self) -> str:
        if not self.needed:
            text = f"{self.where}: needs no shared library"
        else:
            parts = [f"{n} [{self._state(n)}]" for n in self.needed]
            text = f"{self.where}: needs {', '.join(parts)}"
        if self.tls_unset:
            text += (f"; {self.tls_size} bytes of thread-locals and no __wasix_init_tls "
                     "(THREADS SHARE THEM)")
        return text


@dataclass
class SharedLibReport:
    modules: list[ModuleReport] = field(default_factory=list)

    @property
    def missing(self) -> list[ModuleReport]:
        return [m for m in self.modules if m.missing]

    @property
    def tls_unset(self) -> list[ModuleReport]:
        return [m for m in self.modules if m.tls_unset]


def is_shared_object(name: str) -> bool:
    base = posixpath.basename(name)
    return base.endswith(".so") or ".so." in base


def _classify(where: str, mod: WasmModule, bundled_names: set[str], allowed: tuple[str, ...],
              provided: tuple[str, ...] = ()) -> ModuleReport:
    needed = mod.dylink.needed if mod.dylink else ()
    bundled = tuple(n for n in needed if posixpath.basename(n) in bundled_names)
    by_interpreter = tuple(n for n in needed
                           if n not in bundled and posixpath.basename(n) in provided)
    ok_allowed = tuple(
        n for n in needed if n not in bundled and n not in by_interpreter
        and any(fnmatch.fnmatch(n, pat) for pat in allowed)
    )
    missing = tuple(n for n in needed
                    if n not in bundled and n not in by_interpreter and n not in ok_allowed)
    return ModuleReport(where, needed, bundled, ok_allowed, missing, provided=by_interpreter,
                        tls_size=mod.global_value("__tls_size") or 0,
                        tls_init="__wasix_init_tls" in mod.exported_functions())


def wheel_members(wheel: Path) -> Iterator[tuple[str, bytes]]:
    """Every wasm shared object inside a wheel: ``<wheel>!<member>`` and its bytes."""
    with zipfile.ZipFile(wheel) as zf:
        for name in sorted(zf.namelist()):
            if not is_shared_object(name):
                continue
            data = zf.read(name)
            where = f"{wheel.name}!{name}"
            if not is_wasm(data):
                raise CheckError(f"{where} is not a WebAssembly module", step="check")
            yield where, data


def wheel_modules(wheel: Path) -> list[tuple[str, WasmModule]]:
    """Every wasm shared object inside a wheel, parsed."""
    return [(where, parse_module(data, origin=where)) for where, data in wheel_members(wheel)]


@dataclass
class Targets:
    """What a check looks at: wheels, and shared objects as files with their report names."""

    wheels: list[Path] = field(default_factory=list)
    loose: list[tuple[Path, str]] = field(default_factory=list)


def _is_tarball(name: str) -> bool:
    return name.endswith((".tar.xz", ".tar.gz", ".tar.bz2", ".tar"))


def _unpack_shared_objects(tarball: Path, dest: Path, owners: dict[str, str],
                           step: str) -> list[tuple[Path, str]]:
    """The shared objects of a library tarball (regular files; symlinks to them are unpacked
    too, for name lookups) unpacked into the sysroot ``dest``, as (file,
    ``<tarball>!<member>``). ``owners`` maps the members unpacked so far to their tarball: two
    tarballs holding the same shared object would overwrite each other in a sysroot."""
    found: list[tuple[Path, str]] = []
    try:
        with tarfile.open(tarball, "r:*") as tf:
            for member in tf:
                if not is_shared_object(member.name) or not (member.isfile() or member.issym()):
                    continue
                rel = member.name.lstrip("./")
                other = owners.setdefault(rel, tarball.name)
                if other != tarball.name:
                    raise CheckError(f"{tarball.name} and {other} both hold {rel}: one would "
                                     "overwrite the other in a sysroot", step=step)
                tf.extract(member, dest, filter="data")
                if member.isfile():
                    found.append((dest / rel, f"{tarball.name}!{rel}"))
    except (tarfile.TarError, OSError) as exc:
        raise CheckError(f"{tarball} is not a readable library tarball: {exc}", step=step) from exc
    return sorted(found, key=lambda item: item[1])


@contextlib.contextmanager
def targets(target: Path, *, step: str = "check") -> Iterator[Targets]:
    """The wheels and shared objects under ``target`` (a folder, a wheel, a library tarball
    or one ``.so``), in a stable order; tarballs are unpacked for the duration of the block."""
    if not target.exists():
        raise CheckError(f"{target} does not exist", step=step)
    found = Targets()
    tarballs: list[Path] = []

    def take(path: Path) -> None:
        if path.name.endswith(".whl"):
            found.wheels.append(path)
        elif _is_tarball(path.name):
            tarballs.append(path)
        elif is_shared_object(path.name) and not (path.is_symlink() and path != target):
            found.loose.append((path, str(path)))

    if target.is_file():
        if not (target.name.endswith(".whl") or _is_tarball(target.name)):
            found.loose.append((target, str(target)))
        else:
            take(target)
    else:
        for dirpath, dirnames, filenames in os.walk(target):
            dirnames.sort()
            for fn in sorted(filenames):
                take(Path(dirpath) / fn)
    with tempfile.TemporaryDirectory(prefix="wasixtasks-check-") as tmp:
        owners: dict[str, str] = {}
        for tarball in tarballs:
            found.loose += _unpack_shared_objects(tarball, Path(tmp), owners, step)
        yield found


def check_shared_libs(target: Path, allowed: tuple[str, ...],
                      provided: tuple[str, ...] = ()) -> SharedLibReport:
    """Report needed libraries of every wasm .so under ``target`` (see :func:`targets`), and
    the ones whose thread-locals other threads would share. ``provided`` are the libraries
    the interpreter loads at start (it needs them itself): a module may need them unbundled."""
    report = SharedLibReport()
    with targets(target) as found:
        try:
            for wheel in found.wheels:
                with zipfile.ZipFile(wheel) as zf:
                    bundled = {posixpath.basename(n) for n in zf.namelist()}
                for where, mod in wheel_modules(wheel):
                    report.modules.append(_classify(where, mod, bundled, allowed, provided))
            siblings: dict[Path, set[str]] = {}  # folder -> its file names, listed once
            for so, where in found.loose:
                with so.open("rb") as fh:
                    head = fh.read(8)
                if not is_wasm(head):
                    raise CheckError(f"{where} is not a WebAssembly module", step="check")
                if so.parent not in siblings:
                    siblings[so.parent] = {p.name for p in so.parent.iterdir()}
                report.modules.append(_classify(where, read_module(so), siblings[so.parent],
                                                allowed, provided))
        except zipfile.BadZipFile as exc:
            raise CheckError(f"not a valid wheel: {exc}", step="check") from exc
        except WasmFormatError as exc:
            raise CheckError(exc.message, step="check") from exc
    return report


def check_extension_modules(wheel: Path, ext_suffix: str) -> list[str]:
    """Problems with a wheel's Python extension modules: each must be a wasm side module
    (dylink.0) that exports ``PyInit_<module>``. Returns one sentence per problem."""
    problems: list[str] = []
    for where, mod in wheel_modules(wheel):
        member = where.split("!", 1)[1]
        base = posixpath.basename(member)
        if not mod.is_side_module:
            problems.append(f"{where}: no dylink.0 section (not a side module)")
        if base.endswith(ext_suffix) or base.endswith(".abi3.so"):
            modname = base.split(".", 1)[0]
            if modname == "__init__" and "/" in member:
                # a package that is an extension module (apsw/__init__.*.so): CPython
                # imports it as the package, so calls PyInit_<package>
                modname = posixpath.basename(posixpath.dirname(member))
            if f"PyInit_{modname}" not in mod.exported_functions():
                problems.append(f"{where}: does not export PyInit_{modname}")
    return problems

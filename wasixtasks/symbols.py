"""Check, at build time, that every import of a wasm side module will be resolved at run time.

Extension modules (``*.so`` in wheels) are wasm side modules. When Python imports one, Wasmer's
dynamic linker loads it into the WASIX CPython main module (``python.wasm``, linked with
``--export-all``) and resolves each of its imports: functions and globals from ``env``, data
and function addresses through ``GOT.mem`` / ``GOT.func``, and a few names the linker itself
provides. A symbol that nobody exports fails only then, as an ``ImportError`` on the user's
machine. This check finds such symbols before a wheel is published, from the binaries alone:
it reads the exports of the interpreter (with the libraries it needs at start, such as
``libsqlite3.so.0``) and of the libraries the module declares as needed, and reports every
import that nothing provides.

The rules mirror what the loader does, kept deliberately simple (names, not types):

* ``env`` imports, and ``GOT.mem.X`` / ``GOT.func.X`` imports, resolve when the interpreter,
  a needed library (found recursively) or the module itself exports that name;
* the linker-provided ``env`` names in :data:`LINKER_PROVIDED` always resolve;
* imports from the WASI modules in :data:`WASI_MODULES` resolve (the runtime provides them);
* imports marked weak in the module's ``dylink.0`` import info may stay unresolved;
* names matching one of the caller's ``allowed`` fnmatch patterns may stay unresolved.

Anything else, including imports from a module nobody provides, is reported.

It also reports *interposed* symbols: a module built without ``-Bsymbolic`` reaches the data
and function addresses it defines itself through ``GOT.mem`` / ``GOT.func`` imports too, and
the loader binds those to the interpreter's export of the same name when there is one. A
library linked statically into both (OpenSSL, zlib, libffi) then runs this module's code on the
interpreter's data: OpenSSL's default provider fails to initialise, for one. Such a module
must bind its own definitions locally (``-Wl,-Bsymbolic``).
"""

from __future__ import annotations

import fnmatch
import posixpath
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .checks import targets, wheel_modules
from .errors import CheckError, WasmFormatError
from .wasm import WasmModule, is_wasm, parse_module, read_module

__all__ = [
    "GOT_MODULES",
    "Interposed",
    "LINKER_PROVIDED",
    "WASI_MODULES",
    "SymbolReport",
    "Unresolved",
    "check_symbols",
    "interpreter_lib_dirs",
    "interpreter_needs",
]

#: ``env`` imports the dynamic linker (or the main module / runtime) always supplies: the shared
#: memory and table, the stack pointer, this module's memory and table bases, and the
#: exception-handling tags. Main modules do not necessarily export them by these names.
LINKER_PROVIDED = frozenset(
    {
        "memory",
        "__indirect_function_table",
        "__stack_pointer",
        "__memory_base",
        "__table_base",
        "__cpp_exception",
        "__c_longjmp",
    }
)

#: Import modules the WASIX runtime implements itself; they never come from another module.
WASI_MODULES = frozenset({"wasi_snapshot_preview1", "wasix_32v1", "wasix_64v1"})

#: Pseudo-modules through which a side module asks for the address of a data symbol or function.
GOT_MODULES = frozenset({"GOT.mem", "GOT.func"})

#: Import modules the dynamic linker resolves against exported symbols.
_SYMBOL_MODULES = GOT_MODULES | {"env"}

#: ``WASM_SYMBOL_BINDING_WEAK`` in the flags of a dylink.0 import-info entry.
WEAK_BINDING = 0x1

_STEP = "symbols"


@dataclass(frozen=True)
class Unresolved:
    """One import that nothing will provide at run time."""

    where: str  # "<wheel>!<member>" or a file path
    module: str  # the import module: "env", "GOT.mem", "GOT.func", ...
    name: str
    kind: str  # "func", "table", "memory", "global" or "tag"

    def line(self) -> str:
        """One human line: the module file, then what is missing and why it matters."""
        if self.module in _SYMBOL_MODULES:
            return (
                f"{self.where}: {self.kind} {self.module}.{self.name} is not exported by the "
                "interpreter, the module or its needed libraries"
            )
        return (
            f"{self.where}: {self.kind} {self.name} is imported from module {self.module!r}, "
            "which neither the dynamic linker nor the runtime provides"
        )


@dataclass(frozen=True)
class Interposed:
    """A module whose own definitions the loader binds to the interpreter's copies."""

    where: str
    names: tuple[str, ...]  # sorted: symbols both the module and the interpreter define

    #: how many names one line shows
    SHOWN = 5

    def line(self) -> str:
        shown = ", ".join(self.names[:self.SHOWN])
        more = f" and {len(self.names) - self.SHOWN} more" if len(self.names) > self.SHOWN else ""
        return (
            f"{self.where}: {len(self.names)} symbol(s) it defines are reached through the GOT "
            f"and bound to the interpreter's copies ({shown}{more}); link it with -Wl,-Bsymbolic"
        )


@dataclass
class SymbolReport:
    """What :func:`check_symbols` found: how many modules it read, what stays unresolved and
    which modules would run on the interpreter's copies of their own symbols."""

    modules: int
    unresolved: list[Unresolved] = field(default_factory=list)
    interposed: list[Interposed] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every import of every module resolves to the right definition."""
        return not self.unresolved and not self.interposed

    def lines(self) -> list[str]:
        """One line per unresolved import and per interposed module, naming the module file."""
        return [u.line() for u in self.unresolved] + [i.line() for i in self.interposed]


@dataclass(frozen=True)
class _Provider:
    """A library that may supply symbols: what it exports and what it needs in turn."""

    where: str
    exports: frozenset[str]
    needed: tuple[str, ...]
    folder: Path | None  # where its own needed libraries may sit (None inside a wheel)


@dataclass
class _Scope:
    """Where the needed libraries of one target module are looked for first.

    For a module inside a wheel that is the wheel (libraries are bundled there, matched by
    basename as auditwheel-style repair tools place them); for a loose file, its folder.
    """

    wheel: Path | None = None
    members: dict[str, str] = field(default_factory=dict)  # basename -> member
    parsed: dict[str, WasmModule] = field(default_factory=dict)  # member -> module
    folder: Path | None = None


def _exported_names(mod: WasmModule) -> frozenset[str]:
    return frozenset(e.name for e in mod.exports)


def _provider(where: str, mod: WasmModule, folder: Path | None) -> _Provider:
    needed = mod.dylink.needed if mod.dylink else ()
    return _Provider(where, _exported_names(mod), needed, folder)


def _read_wasm_file(path: Path, what: str, name: str | None = None) -> WasmModule:
    """Parse a wasm file, saying in one line what ``path`` (reported as ``name``) was meant
    to be when it is not wasm."""
    shown = name or str(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise CheckError(f"cannot read {what} {shown}: {exc.strerror or exc}", step=_STEP) from exc
    if not is_wasm(head):
        raise CheckError(f"{what} {shown} is not a WebAssembly module", step=_STEP)
    return read_module(path)


class _Resolver:
    """Finds and parses needed libraries, each file once, for all target modules."""

    def __init__(self, interpreter: frozenset[str], extra_libs: Sequence[Path]) -> None:
        self.interpreter = interpreter
        self.extra_libs = tuple(extra_libs)
        self._cache: dict[str, _Provider] = {}

    def _file(self, path: Path) -> _Provider:
        key = str(path)
        if key not in self._cache:
            mod = _read_wasm_file(path, "library")
            self._cache[key] = _provider(key, mod, path.parent)
        return self._cache[key]

    def _member(self, scope: _Scope, member: str) -> _Provider:
        assert scope.wheel is not None
        key = f"{scope.wheel.name}!{member}"
        if key not in self._cache:
            mod = scope.parsed.get(member)
            if mod is None:  # bundled under a name that does not look like a .so
                with zipfile.ZipFile(scope.wheel) as zf:
                    data = zf.read(member)
                if not is_wasm(data):
                    raise CheckError(f"{key} is not a WebAssembly module", step=_STEP)
                mod = parse_module(data, origin=key)
            self._cache[key] = _provider(key, mod, None)
        return self._cache[key]

    def find(self, needed: str, scope: _Scope, folder: Path | None) -> _Provider | None:
        """The library ``needed`` names: bundled in the same wheel, next to the module that
        needs it (or next to the loose target), else among ``extra_libs``."""
        base = posixpath.basename(needed)
        if scope.wheel is not None and base in scope.members:
            return self._member(scope, scope.members[base])
        for near in (folder, scope.folder):
            if near is not None and (near / base).is_file():
                return self._file(near / base)
        for lib in self.extra_libs:
            if lib.is_dir():
                if (lib / base).is_file():
                    return self._file(lib / base)
            elif lib.name == base:
                return self._file(lib)
        return None

    def needed_closure(self, mod: WasmModule, scope: _Scope
                       ) -> Iterator[tuple[str, _Provider | None]]:
        """Each library ``mod`` needs, recursively, with its provider (None when it cannot
        be found: it adds no libraries of its own then)."""
        seen: set[str] = set()
        queue: list[tuple[str, Path | None]] = [
            (n, scope.folder) for n in (mod.dylink.needed if mod.dylink else ())
        ]
        while queue:
            name, folder = queue.pop(0)
            lib = self.find(name, scope, folder)
            if lib is not None and lib.where in seen:
                continue
            yield name, lib
            if lib is not None:
                seen.add(lib.where)
                queue.extend((n, lib.folder) for n in lib.needed)

    def providers(self, mod: WasmModule, scope: _Scope) -> list[frozenset[str]]:
        """Export-name sets that can satisfy ``mod``: the interpreter, the module itself and its
        needed libraries, recursively. A needed library that cannot be found adds nothing
        (check.shared-libs reports it); the imports it would have supplied show up here."""
        return [self.interpreter, _exported_names(mod),
                *(lib.exports for _, lib in self.needed_closure(mod, scope) if lib is not None)]

def _unresolved(
    where: str, mod: WasmModule, providers: list[frozenset[str]], allowed: Sequence[str]
) -> list[Unresolved]:
    """The imports of ``mod`` that stay unresolved under the rules of the module docstring."""
    info = mod.dylink.import_info if mod.dylink else ()
    weak_pairs = {(m, f) for m, f, flags in info if flags & WEAK_BINDING}
    # wasm-ld records a weak data or function symbol under its "env" name even when the module
    # reaches it through the GOT, so GOT imports are matched on the name alone.
    weak_names = {f for _, f, flags in info if flags & WEAK_BINDING}
    out: list[Unresolved] = []
    for imp in mod.imports:
        if imp.module in WASI_MODULES:
            continue
        if imp.module == "env" and imp.name in LINKER_PROVIDED:
            continue
        if imp.module in _SYMBOL_MODULES and any(imp.name in p for p in providers):
            continue
        if (imp.module, imp.name) in weak_pairs:
            continue
        if imp.module in GOT_MODULES and imp.name in weak_names:
            continue
        if any(fnmatch.fnmatchcase(imp.name, pat) for pat in allowed):
            continue
        missing = Unresolved(where, imp.module, imp.name, imp.kind)
        if missing not in out:
            out.append(missing)
    return out


def _interposed(where: str, mod: WasmModule, interpreter: frozenset[str]) -> Interposed | None:
    """The GOT imports of ``mod`` that name its own exports and the interpreter's too."""
    own = _exported_names(mod)
    names = sorted({imp.name for imp in mod.imports
                    if imp.module in GOT_MODULES and imp.name in own and imp.name in interpreter})
    return Interposed(where, tuple(names)) if names else None


def interpreter_lib_dirs(interpreter: Path) -> tuple[Path, ...]:
    """Where the libraries the interpreter itself needs are installed: next to it, and in
    ``<prefix>/lib`` for ``<prefix>/bin/python3.X.wasm`` (the folder the sandbox maps to
    ``/usr/local/lib``, which Wasmer's loader searches)."""
    return (interpreter.parent, interpreter.parent.parent / "lib")


def _load_interpreter(interpreter: Path) -> frozenset[str]:
    """The names the interpreter exports, with those of the libraries it needs at start
    (found recursively in :func:`interpreter_lib_dirs`): the loader has them all before any
    extension module is imported."""
    if not interpreter.is_file():
        raise CheckError(f"interpreter {interpreter} does not exist or is not a file", step=_STEP)
    try:
        main = _read_wasm_file(interpreter, "interpreter")
        names = set(_exported_names(main))
        # the main module's needed libraries are found as a loose module's are, in these folders
        at_start = _Resolver(frozenset(), interpreter_lib_dirs(interpreter))
        for needed, lib in at_start.needed_closure(main, _Scope()):
            if lib is None:
                raise CheckError(f"interpreter {interpreter.name} needs {needed}, which is not "
                                 f"installed next to it or in {interpreter.parent.parent / 'lib'}",
                                 step=_STEP)
            names |= lib.exports
        return frozenset(names)
    except WasmFormatError as exc:
        raise CheckError(f"interpreter: {exc.message}", step=_STEP) from exc


def _targets(wheels: list[Path], loose: list[tuple[Path, str]]
             ) -> Iterator[tuple[str, WasmModule, _Scope]]:
    """Every side module to check, with the scope its needed libraries are looked up in."""
    for wheel in wheels:
        try:
            with zipfile.ZipFile(wheel) as zf:
                names = sorted(n for n in zf.namelist() if not n.endswith("/"))
            modules = wheel_modules(wheel)
        except (zipfile.BadZipFile, OSError) as exc:
            raise CheckError(f"{wheel} is not a readable wheel: {exc}", step=_STEP) from exc
        scope = _Scope(wheel=wheel)
        for member in names:
            scope.members.setdefault(posixpath.basename(member), member)
        for where, mod in modules:
            scope.parsed[where.split("!", 1)[1]] = mod
        for where, mod in modules:
            yield where, mod, scope
    for so, where in loose:
        yield where, _read_wasm_file(so, "file", where), _Scope(folder=so.parent)


def check_symbols(
    target: Path,
    interpreter: Path,
    *,
    extra_libs: Sequence[Path] = (),
    allowed: Sequence[str] = (),
) -> SymbolReport:
    """Report the imports of every wasm ``.so`` / ``.so.N`` under ``target`` (a wheel, a folder
    of wheels and loose files, or one file) that would stay unresolved when the module is
    loaded into ``interpreter`` (the WASIX ``python.wasm`` main module).

    ``extra_libs`` are library files, or folders holding them, where needed libraries that are
    not bundled are looked for; ``allowed`` are fnmatch patterns of symbol names that may stay
    unresolved. Raises :class:`CheckError` when the interpreter or a target is not wasm, or a
    wheel cannot be read.
    """
    if isinstance(allowed, str):  # one pattern passed bare would match per character
        allowed = (allowed,)
    resolver = _Resolver(_load_interpreter(interpreter), extra_libs)
    report = SymbolReport(modules=0)
    with targets(target, step=_STEP) as found:
        try:
            for where, mod, scope in _targets(found.wheels, found.loose):
                report.modules += 1
                providers = resolver.providers(mod, scope)
                report.unresolved.extend(_unresolved(where, mod, providers, allowed))
                interposed = _interposed(where, mod, resolver.interpreter)
                if interposed is not None:
                    report.interposed.append(interposed)
        except WasmFormatError as exc:
            raise CheckError(exc.message, step=_STEP) from exc
        except zipfile.BadZipFile as exc:  # a wheel reopened to read a bundled library
            raise CheckError(f"not a readable wheel: {exc}", step=_STEP) from exc
    return report


def interpreter_needs(interpreter: Path) -> tuple[str, ...]:
    """The shared libraries the interpreter main module needs at start (its ``dylink.0``
    needed list): a side module may need them too without bundling them."""
    try:
        main = _read_wasm_file(interpreter, "interpreter")
    except WasmFormatError as exc:
        raise CheckError(f"interpreter: {exc.message}", step=_STEP) from exc
    return tuple(posixpath.basename(n) for n in (main.dylink.needed if main.dylink else ()))

"""check.*: checks on built artifacts before they are published."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from invoke.context import Context
from invoke.tasks import task

from ..errors import CheckError, WasixError
from ..run import console
from ._common import Project, reports_errors


def _interpreter(p: Project, interpreter: str, *, required: bool) -> Path | None:
    """The main module side modules load into: ``--interpreter``, else the target CPython's
    python.wasm (None when there is none and it is not ``required``)."""
    if interpreter:
        return Path(interpreter)
    try:
        py = p.engine.target_python(needed_by="check")
    except WasixError:
        if required:
            raise
        py = None
    if py is None or py.python_wasm is None:
        if required:
            raise CheckError("no target CPython to check against", step="symbols",
                             hint="Run `invoke toolchain.setup`, or pass --interpreter.")
        console("no target CPython: libraries it loads at start are not counted as provided")
        return None
    return py.python_wasm


def _interpreter_needs(p: Project, interpreter: str) -> tuple[str, ...]:
    from ..symbols import interpreter_needs

    main = _interpreter(p, interpreter, required=False)
    return interpreter_needs(main) if main is not None else ()


@task(name="shared-libs", positional=["path"], help={
    "path": "a folder, wheel, library tarball or .so, e.g. artifacts/",
    "allow": "extra allowed library name patterns, comma-separated (adds to allowed-shared-libs)",
    "interpreter": "the main module the side modules load into (default: the target CPython's "
                   "python.wasm): the libraries it needs itself count as provided",
})
@reports_errors
def shared_libs(c: Context, path: str, allow: str = "", interpreter: str = "") -> None:
    """List the `needed` libraries of every wasm .so; fail where one is neither bundled,
    loaded by the interpreter at start, nor allowed, or where a module's thread-locals would
    be shared by every thread."""
    from ..checks import check_shared_libs

    p = Project.load()
    target = Path(path)
    allowed = p.cfg.allowed_shared_libs + tuple(a for a in allow.split(",") if a)
    provided = _interpreter_needs(p, interpreter)
    report = check_shared_libs(target, allowed, provided)
    for module in report.modules:
        console(module.line())
    console(f"{len(report.modules)} wasm shared object(s) checked, {len(report.missing)} with "
            f"missing libraries, {len(report.tls_unset)} with thread-locals shared by threads")
    if report.missing:
        first = report.missing[0]
        raise CheckError(
            f"{first.where} needs {', '.join(first.missing)}, which is neither bundled (in its "
            "wheel, next to it in its tarball or folder) nor allowed",
            step="shared-libs",
            hint="Bundle the library in the wheel, link it statically (static_libs=True), or "
            "add it to allowed-shared-libs in [tool.wasixtasks].",
        )
    if report.tls_unset:
        first = report.tls_unset[0]
        raise CheckError(
            f"{first.where} has {first.tls_size} bytes of thread-locals but no "
            "__wasix_init_tls: threads other than the one that loaded it would all use the "
            "same bytes at address 0",
            step="shared-libs",
            hint="Link side modules with wasix-libc's scrt1.o (the self-built wasix-cc does "
            "for -shared); rebuild the package with the current toolchain.",
        )


@task(positional=["path"], help={
    "path": "a folder, wheel, library tarball or .so, e.g. artifacts/",
    "interpreter": "the main module the side modules load into (default: the target CPython's "
                   "python.wasm)",
    "allow": "symbol name patterns that may stay unresolved, comma-separated",
})
@reports_errors
def symbols(c: Context, path: str, interpreter: str = "", allow: str = "") -> None:
    """Resolve every import of every wasm side module against the interpreter's exports and
    its needed libraries; fail on any unresolved symbol (it would fail at import time)."""
    from ..symbols import check_symbols

    p = Project.load()
    main = _interpreter(p, interpreter, required=True)
    assert main is not None
    report = check_symbols(Path(path), main, allowed=[a for a in allow.split(",") if a])
    for line in report.lines():
        console(line)
    console(f"{report.modules} wasm side module(s) checked against {main.name}, "
            f"{len(report.unresolved)} unresolved import(s), "
            f"{len(report.interposed)} with own symbols bound to the interpreter's copies")
    if report.unresolved:
        first = report.unresolved[0]
        raise CheckError(f"{first.where} imports {first.module}.{first.name}, which nothing "
                         "exports", step="symbols",
                         hint="Link the library that defines it (statically), bundle the "
                         "shared library that exports it, or fix the extension's sources.")
    if report.interposed:
        first_i = report.interposed[0]
        raise CheckError(f"{first_i.where} defines {len(first_i.names)} symbol(s) the "
                         f"interpreter exports too (first: {first_i.names[0]}), and the loader "
                         "would bind its references to the interpreter's copies",
                         step="symbols",
                         hint="Link the module with -Wl,-Bsymbolic (in its recipe: "
                         "`with b.flags(ldflags=[\"-Wl,-Bsymbolic\"])`).")


@task(positional=["path"], help={
    "path": "a folder, wheel, library tarball or .so, e.g. artifacts/",
    "allow": "known mismatches to report without failing: MODULE!FUNCTION patterns "
             "(fnmatch, e.g. '*/_imagingtk.*!load_tkinter_funcs'), comma-separated",
})
@reports_errors
def signatures(c: Context, path: str, allow: str = "") -> None:
    """Compare the wasm type of every function CPython calls through a module's method tables,
    getters/setters and type or module slots with the C signature CPython calls it with
    (wasm traps on a mismatched indirect call where native ABIs do not)."""
    from ..signatures import check_signatures

    report = check_signatures(Path(path))
    patterns = [a for a in allow.split(",") if a]
    failing = []
    for where, mismatch in report.mismatches:
        allowed = any(fnmatch.fnmatch(f"{where}!{mismatch.function}", p) for p in patterns)
        console(f"{where}: {mismatch.line()}{' (allowed)' if allowed else ''}")
        if not allowed:
            failing.append((where, mismatch))
    for line in report.unreadable:
        console(f"not checked: {line}")
    methods, getsets, slots = report.totals()
    console(f"{len(report.modules)} wasm module(s): {methods} methods, {getsets} attributes, "
            f"{slots} slots checked, {len(failing)} signature mismatch(es)"
            + (f" ({len(report.mismatches) - len(failing)} more allowed)"
               if len(failing) < len(report.mismatches) else ""))
    if failing:
        where, first = failing[0]
        raise CheckError(f"{where}: {first.line()}", step="signatures",
                         hint="Give the C function the parameters and result CPython calls it "
                         "with (a source patch), or the call traps under WebAssembly.")


@task(positional=["path"], help={
    "path": "a folder of wheels or one wheel (default: artifacts/)",
    "libraries": "the folder of the library tarballs the SBOMs are verified against "
                 "(default: artifacts/)",
})
@reports_errors
def sbom(c: Context, path: str = "", libraries: str = "") -> None:
    """Verify every native wheel's SBOM (PEP 770, CycloneDX) against the libraries its build
    used: versions, source pins and hashes from the library tarballs, linkage from the wheel."""
    from ..commands.check import check_sboms

    p = Project.load()
    check_sboms(p.engine, Path(path) if path else p.cfg.artifacts_dir,
                Path(libraries) if libraries else p.cfg.artifacts_dir)

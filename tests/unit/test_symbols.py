"""Tests of wasixtasks.symbols: every import of a wasm side module must be provided by the
interpreter (the main module), a needed library, the module itself, the dynamic linker or the
WASI runtime. Modules are written byte by byte (tests/helpers/wasmbytes.py) and packed into
hand-made wheels (tests/helpers/wheelfactory.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.helpers.wasmbytes import (
    DYLINK_IMPORT_INFO,
    DYLINK_MEM_INFO,
    DYLINK_NEEDED,
    FUNCREF,
    I32,
    KIND_FUNC,
    KIND_GLOBAL,
    TYPE_SECTION,
    custom,
    exp,
    imp,
    module,
    name,
    section,
    subsection,
    uleb,
    vec,
)
from tests.helpers.wheelfactory import make_wheel
from wasixtasks.errors import CheckError
from wasixtasks.symbols import (
    Interposed, SymbolReport, Unresolved, check_symbols, interpreter_needs,
)
from wasixtasks.wasm import WasmModule, read_module

EXT = ".cpython-313-wasm32-wasi.so"
TAG = "cp313-cp313-wasi_wasm32"
WEAK = 0x1

#: Import descriptors by kind: (type 0) function, funcref table, memory, mutable i32, tag.
DESCS = {
    "func": b"\x00" + uleb(0),
    "table": b"\x01" + bytes([FUNCREF]) + b"\x00" + uleb(0),
    "memory": b"\x02\x00" + uleb(1),
    "global": b"\x03" + bytes([I32, 1]),
    "tag": b"\x04\x00" + uleb(0),
}

#: What a (tiny) python.wasm linked with --export-all exports: functions and data (as globals).
INTERP_FUNCS = ["PyLong_FromLong", "PyModule_Create2", "malloc", "free", "_PyObject_GC_New"]
INTERP_DATA = ["PyExc_TypeError", "errno", "_Py_NoneStruct"]

ImportSpec = tuple[str, str, str]  # (module, name, kind)


def wasm(
    imports: Iterable[ImportSpec] = (),
    exports: Iterable[str] = (),
    *,
    data: Iterable[str] = (),
    needed: Iterable[str] = (),
    import_info: Iterable[tuple[str, str, int]] = (),
    dylink: bool = True,
) -> bytes:
    """A module: dylink.0 (needed libraries, import info), imports, then exported functions
    ``exports`` and exported data symbols ``data`` (as globals, like wasm-ld writes them)."""
    parts: list[bytes] = []
    if dylink:
        payload = subsection(DYLINK_MEM_INFO, uleb(0) * 4)
        libs = list(needed)
        if libs:
            payload += subsection(DYLINK_NEEDED, vec([name(lib) for lib in libs]))
        info = list(import_info)
        if info:
            payload += subsection(
                DYLINK_IMPORT_INFO, vec([name(m) + name(f) + uleb(fl) for m, f, fl in info])
            )
        parts.append(custom("dylink.0", payload))
    parts.append(TYPE_SECTION)
    entries = [imp(m, n, DESCS[k]) for m, n, k in imports]
    if entries:
        parts.append(section(2, vec(entries)))
    exps = [exp(fn, KIND_FUNC, i) for i, fn in enumerate(exports)]
    exps += [exp(d, KIND_GLOBAL, i) for i, d in enumerate(data)]
    parts.append(section(7, vec(exps)))
    return module(*parts)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def interp(tmp_path: Path) -> Path:
    """A fake python.wasm: a main module (no dylink.0) exporting part of libc and the C API."""
    data = wasm(exports=["_start", *INTERP_FUNCS], data=INTERP_DATA, dylink=False)
    return write(tmp_path / "interp" / "python.wasm", data)


def ext_wheel(folder: Path, ext: bytes, libs: dict[str, bytes] | None = None) -> Path:
    files = {"demo/__init__.py": b"", f"demo/_core{EXT}": ext}
    files.update(libs or {})
    return make_wheel(folder, name="demo", tag=TAG, files=files)


def wheres(report: SymbolReport) -> set[tuple[str, str]]:
    return {(u.module, u.name) for u in report.unresolved}


# --------------------------------------------------------------------------- resolution


def test_all_imports_exported_by_the_interpreter(tmp_path: Path, interp: Path) -> None:
    ext = wasm(
        [
            ("env", "PyLong_FromLong", "func"),
            ("env", "PyModule_Create2", "func"),
            ("env", "_Py_NoneStruct", "global"),
            ("GOT.mem", "PyExc_TypeError", "global"),
            ("GOT.func", "free", "global"),
        ],
        ["PyInit__core"],
    )
    wheel = ext_wheel(tmp_path / "dist", ext)
    report = check_symbols(wheel, interp)
    assert report.modules == 1
    assert report.ok and report.unresolved == [] and report.lines() == []


def test_missing_env_function_names_module_file_and_symbol(tmp_path: Path, interp: Path) -> None:
    ext = wasm(
        [("env", "PyLong_FromLong", "func"), ("env", "PyFoo_DoesNotExist", "func")],
        ["PyInit__core"],
    )
    wheel = ext_wheel(tmp_path / "dist", ext)
    report = check_symbols(wheel, interp)
    where = f"{wheel.name}!demo/_core{EXT}"
    assert report.unresolved == [Unresolved(where, "env", "PyFoo_DoesNotExist", "func")]
    assert not report.ok
    (line,) = report.lines()
    assert line.startswith(f"{where}: ")
    assert "env.PyFoo_DoesNotExist" in line and "func" in line


def test_missing_symbol_in_loose_file_and_kind_is_kept(tmp_path: Path, interp: Path) -> None:
    so = write(
        tmp_path / "build" / "_speedups.so",
        wasm([("env", "no_such_global", "global"), ("env", "__my_tag", "tag")]),
    )
    report = check_symbols(so, interp)
    assert report.modules == 1
    assert report.unresolved == [
        Unresolved(str(so), "env", "no_such_global", "global"),
        Unresolved(str(so), "env", "__my_tag", "tag"),
    ]
    assert all(line.startswith(f"{so}: ") for line in report.lines())


def test_got_imports_resolve_against_interpreter_and_self_exports(
    tmp_path: Path, interp: Path
) -> None:
    ext = wasm(
        [
            ("GOT.mem", "errno", "global"),  # interpreter data
            ("GOT.func", "malloc", "global"),  # interpreter function
            ("GOT.func", "my_callback", "global"),  # the module's own function
            ("GOT.mem", "my_table", "global"),  # the module's own data
            ("GOT.mem", "nowhere_data", "global"),
            ("GOT.func", "nowhere_func", "global"),
        ],
        ["PyInit__core", "my_callback"],
        data=["my_table"],
    )
    report = check_symbols(write(tmp_path / f"_core{EXT}", ext), interp)
    assert wheres(report) == {("GOT.mem", "nowhere_data"), ("GOT.func", "nowhere_func")}
    assert any("GOT.mem.nowhere_data" in line for line in report.lines())


def test_own_symbols_the_interpreter_also_exports_are_reported_as_interposed(
    tmp_path: Path, interp: Path
) -> None:
    """A module with its own copy of something the interpreter links too (here: ``malloc`` and
    ``errno``), reached through the GOT: the loader binds it to the interpreter's copy."""
    ext = wasm(
        [
            ("GOT.func", "malloc", "global"),  # its own, and the interpreter's
            ("GOT.mem", "errno", "global"),  # its own, and the interpreter's
            ("GOT.func", "free", "global"),  # the interpreter's only: a plain import
            ("GOT.mem", "my_table", "global"),  # its own only
            ("env", "malloc", "func"),  # not through the GOT: not counted
        ],
        ["PyInit__core", "malloc"],
        data=["my_table", "errno"],
    )
    so = write(tmp_path / f"_core{EXT}", ext)
    report = check_symbols(so, interp)
    assert report.unresolved == []
    assert report.interposed == [Interposed(str(so), ("errno", "malloc"))]
    assert not report.ok
    (line,) = report.lines()
    assert line.startswith(f"{so}: 2 symbol(s)") and "(errno, malloc)" in line
    assert "-Wl,-Bsymbolic" in line


def test_interposed_line_shows_five_names_and_counts_the_rest(tmp_path: Path) -> None:
    names = [f"sym{i}" for i in range(8)]
    interp = write(tmp_path / "python.wasm", wasm(exports=["_start"], data=names, dylink=False))
    ext = wasm([("GOT.mem", n, "global") for n in names], ["PyInit__core"], data=names)
    so = write(tmp_path / f"_core{EXT}", ext)
    (line,) = check_symbols(so, interp).lines()
    assert "(sym0, sym1, sym2, sym3, sym4 and 3 more)" in line and ": 8 symbol(s)" in line


def test_module_linked_with_bsymbolic_is_not_interposed(tmp_path: Path, interp: Path) -> None:
    """-Bsymbolic: its own definitions are used directly, with no GOT import for them."""
    ext = wasm([("GOT.func", "free", "global")], ["PyInit__core", "malloc"], data=["errno"])
    report = check_symbols(write(tmp_path / f"_core{EXT}", ext), interp)
    assert report.ok and report.interposed == [], report.lines()


# --------------------------------------------------------------------------- needed libraries


def libfoo(needed: Iterable[str] = ()) -> bytes:
    return wasm([("env", "malloc", "func")], ["foo_init"], data=["foo_table"], needed=needed)


FOO_USER = wasm(
    [("env", "foo_init", "func"), ("GOT.mem", "foo_table", "global")],
    ["PyInit__core"],
    needed=["libfoo.so"],
)


def test_symbol_from_bundled_needed_library(tmp_path: Path, interp: Path) -> None:
    wheel = ext_wheel(tmp_path / "dist", FOO_USER, {"demo.libs/libfoo.so": libfoo()})
    report = check_symbols(wheel, interp)
    assert report.modules == 2  # the extension and the bundled library are both checked
    assert report.ok, report.lines()


def test_symbol_from_needed_library_that_is_not_bundled(tmp_path: Path, interp: Path) -> None:
    wheel = ext_wheel(tmp_path / "dist", FOO_USER)
    report = check_symbols(wheel, interp)
    assert wheres(report) == {("env", "foo_init"), ("GOT.mem", "foo_table")}


def test_needed_libraries_count_recursively(tmp_path: Path, interp: Path) -> None:
    libbar = wasm(exports=["bar_fn"])
    ext = wasm(
        [("env", "foo_init", "func"), ("env", "bar_fn", "func")],
        needed=["libfoo.so.1"],
    )
    libs = {"demo.libs/libfoo.so.1": libfoo(needed=["libbar.so"]), "demo.libs/libbar.so": libbar}
    assert check_symbols(ext_wheel(tmp_path / "a", ext, libs), interp).ok
    # without libbar, only what libbar would have provided is missing
    libs.pop("demo.libs/libbar.so")
    report = check_symbols(ext_wheel(tmp_path / "b", ext, libs), interp)
    assert wheres(report) == {("env", "bar_fn")}


def test_needed_library_from_extra_libs_and_next_to_loose_file(
    tmp_path: Path, interp: Path
) -> None:
    sysroot = write(tmp_path / "sysroot" / "lib" / "libfoo.so", libfoo())
    wheel = ext_wheel(tmp_path / "dist", FOO_USER)
    assert check_symbols(wheel, interp, extra_libs=[sysroot]).ok  # a file
    assert check_symbols(wheel, interp, extra_libs=[sysroot.parent]).ok  # a folder
    assert not check_symbols(wheel, interp, extra_libs=[tmp_path / "elsewhere"]).ok

    loose = write(tmp_path / "loose" / f"_core{EXT}", FOO_USER)
    assert not check_symbols(loose, interp).ok
    write(tmp_path / "loose" / "libfoo.so", libfoo())
    assert check_symbols(loose, interp).ok


def test_provider_exports_are_parsed_once(
    tmp_path: Path, interp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "lib" / "libfoo.so", libfoo())
    folder = tmp_path / "mods"
    for i in range(3):
        write(folder / f"_m{i}{EXT}", FOO_USER)
    reads: list[Path] = []
    def counting(path: Path) -> WasmModule:
        reads.append(path)
        return read_module(path)

    monkeypatch.setattr("wasixtasks.symbols.read_module", counting)
    report = check_symbols(folder, interp, extra_libs=[tmp_path / "lib"])
    assert report.modules == 3 and report.ok
    assert reads.count(tmp_path / "lib" / "libfoo.so") == 1


# --------------------------------------------------------------------------- exemptions


def test_weak_imports_may_stay_unresolved(tmp_path: Path, interp: Path) -> None:
    ext = wasm(
        [
            ("env", "maybe_fn", "func"),
            ("GOT.mem", "maybe_data", "global"),
            ("env", "strong_fn", "func"),
        ],
        import_info=[
            ("env", "maybe_fn", WEAK),
            ("env", "maybe_data", WEAK),  # wasm-ld names the symbol, not its GOT entry
            ("env", "strong_fn", 0),  # listed, but not weak
        ],
    )
    report = check_symbols(write(tmp_path / "m.so", ext), interp)
    assert wheres(report) == {("env", "strong_fn")}


def test_allowed_patterns(tmp_path: Path, interp: Path) -> None:
    ext = wasm(
        [
            ("env", "_PyOptional_Thing", "func"),
            ("GOT.mem", "_PyOptional_Data", "global"),
            ("env", "PyRequired", "func"),
        ]
    )
    so = write(tmp_path / "m.so", ext)
    report = check_symbols(so, interp, allowed=["_PyOptional_*"])
    assert wheres(report) == {("env", "PyRequired")}
    assert check_symbols(so, interp, allowed=["_PyOptional_*", "PyRequ?red"]).ok
    assert not check_symbols(so, interp, allowed=["pyrequired"]).ok  # names are case-sensitive


def test_linker_provided_names_and_wasi_imports(tmp_path: Path) -> None:
    bare = write(tmp_path / "bare.wasm", wasm(exports=["_start"], dylink=False))
    ext = wasm(
        [
            ("env", "memory", "memory"),
            ("env", "__indirect_function_table", "table"),
            ("env", "__stack_pointer", "global"),
            ("env", "__memory_base", "global"),
            ("env", "__table_base", "global"),
            ("env", "__cpp_exception", "tag"),
            ("env", "__c_longjmp", "tag"),
            ("wasi_snapshot_preview1", "fd_write", "func"),
            ("wasix_32v1", "thread_spawn_v2", "func"),
            ("wasix_64v1", "sock_open", "func"),
        ]
    )
    assert check_symbols(write(tmp_path / "m.so", ext), bare).ok


def test_unknown_import_module_is_reported(tmp_path: Path, interp: Path) -> None:
    so = write(tmp_path / "m.so", wasm([("mylib", "malloc", "func"), ("GOT.mem", "memory", "global")]))
    report = check_symbols(so, interp)
    assert report.unresolved == [
        Unresolved(str(so), "mylib", "malloc", "func"),
        Unresolved(str(so), "GOT.mem", "memory", "global"),  # linker names are env-only
    ]
    assert "'mylib'" in report.lines()[0]


def test_folder_with_wheels_and_versioned_loose_files(tmp_path: Path, interp: Path) -> None:
    dist = tmp_path / "dist"
    ext_wheel(dist, wasm([("env", "PyLong_FromLong", "func")]))
    write(dist / "lib" / "libz.so.1", wasm([("env", "gone", "func")]))
    write(dist / "notes.txt", b"not a module")
    report = check_symbols(dist, interp)
    assert report.modules == 2
    assert report.unresolved == [Unresolved(str(dist / "lib" / "libz.so.1"), "env", "gone", "func")]


def test_library_tarball_modules_resolve_against_their_tarball(tmp_path: Path,
                                                               interp: Path) -> None:
    import io
    import tarfile

    lib = "usr/local/lib/wasm32-wasi"
    members = {f"{lib}/libgeos.so.3.13.1": wasm(exports=["geos_area"]),
               f"{lib}/libgeos_c.so.1.19.2": wasm([("env", "geos_area", "func"),
                                                   ("env", "geos_gone", "func")],
                                                  needed=["libgeos.so.3.13.1"])}
    tarball = tmp_path / "art" / "geos.tar.xz"
    tarball.parent.mkdir()
    with tarfile.open(tarball, "w:xz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    report = check_symbols(tarball.parent, interp)
    assert report.modules == 2
    assert report.unresolved == [
        Unresolved(f"geos.tar.xz!{lib}/libgeos_c.so.1.19.2", "env", "geos_gone", "func")]


# --------------------------------------------------------------------------- errors


def test_non_wasm_interpreter_raises(tmp_path: Path) -> None:
    so = write(tmp_path / "m.so", wasm())
    fake = write(tmp_path / "python.wasm", b"#!/bin/sh\necho python\n")
    with pytest.raises(CheckError) as info:
        check_symbols(so, fake)
    assert info.value.exit_code == 12
    assert "interpreter" in info.value.message and "not a WebAssembly module" in info.value.message
    assert "\n" not in str(info.value)
    with pytest.raises(CheckError, match="does not exist"):
        check_symbols(so, tmp_path / "missing.wasm")
    with pytest.raises(CheckError, match="interpreter"):
        check_symbols(so, write(tmp_path / "cut.wasm", wasm(exports=["f"])[:-3]))


def test_bad_targets_raise(tmp_path: Path, interp: Path) -> None:
    host_so = write(tmp_path / "host" / "libc.so.6", b"\x7fELF\x02\x01\x01" + b"\x00" * 32)
    with pytest.raises(CheckError, match="not a WebAssembly module"):
        check_symbols(host_so, interp)
    bad_wheel = write(tmp_path / "bad" / f"demo-1.0-{TAG}.whl", b"PK\x03\x04 not really")
    with pytest.raises(CheckError, match="not a readable wheel"):
        check_symbols(bad_wheel, interp)
    elf_in_wheel = ext_wheel(tmp_path / "elf", b"\x7fELF" + b"\x00" * 32)
    with pytest.raises(CheckError, match="not a WebAssembly module"):
        check_symbols(elf_in_wheel, interp)
    broken = write(tmp_path / "broken" / "m.so", wasm([("env", "f", "func")])[:-4])
    with pytest.raises(CheckError) as info:
        check_symbols(broken, interp)
    assert str(broken) in info.value.message
    with pytest.raises(CheckError, match="does not exist"):
        check_symbols(tmp_path / "nothing", interp)


# ------------------------------------------------------- libraries the interpreter needs
def _interpreter_with_lib(tmp_path: Path) -> Path:
    """<prefix>/bin/python.wasm needing libsqlite3.so.0, installed in <prefix>/lib (where
    the sandbox maps it to /usr/local/lib), which needs libicu.so in turn."""
    main = wasm(exports=["_start", *INTERP_FUNCS], data=INTERP_DATA, needed=["libsqlite3.so.0"])
    write(tmp_path / "prefix" / "lib" / "libsqlite3.so.0",
          wasm(exports=["sqlite3_open", "sqlite3_free"], needed=["libicu.so"]))
    write(tmp_path / "prefix" / "lib" / "libicu.so", wasm(exports=["u_strToUpper"]))
    return write(tmp_path / "prefix" / "bin" / "python.wasm", main)


def test_exports_of_the_interpreters_needed_libraries_resolve(tmp_path: Path) -> None:
    main = _interpreter_with_lib(tmp_path)
    ext = wasm([("env", "sqlite3_open", "func"), ("GOT.func", "sqlite3_free", "global"),
                ("env", "u_strToUpper", "func"), ("env", "sqlite3_nowhere", "func")],
               ["PyInit__core"], needed=["libsqlite3.so.0"])
    report = check_symbols(write(tmp_path / "ext" / f"_core{EXT}", ext), main)
    assert wheres(report) == {("env", "sqlite3_nowhere")}
    assert interpreter_needs(main) == ("libsqlite3.so.0",)


def test_own_copies_of_an_interpreter_library_are_interposed(tmp_path: Path) -> None:
    main = _interpreter_with_lib(tmp_path)
    ext = wasm([("GOT.func", "sqlite3_free", "global")], ["PyInit__core", "sqlite3_free"])
    report = check_symbols(write(tmp_path / "ext" / f"_core{EXT}", ext), main)
    assert report.interposed == [Interposed(str(tmp_path / "ext" / f"_core{EXT}"),
                                            ("sqlite3_free",))]


def test_a_library_the_interpreter_needs_must_be_installed(tmp_path: Path) -> None:
    main = _interpreter_with_lib(tmp_path)
    (tmp_path / "prefix" / "lib" / "libicu.so").unlink()
    ext = write(tmp_path / "ext" / f"_core{EXT}", wasm(exports=["PyInit__core"]))
    with pytest.raises(CheckError, match="needs libicu.so, which is not installed"):
        check_symbols(ext, main)

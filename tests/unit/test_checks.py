"""Tests of wasixtasks.checks: needed shared libraries (bundled, allowed or missing) and the
shape of extension modules. The wasm side modules are written byte by byte
(tests/helpers/wasmbytes.py) and packed into hand-made wheels (tests/helpers/wheelfactory.py)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from tests.helpers.wasmbytes import (
    HEADER,
    KIND_MEMORY,
    custom,
    exp,
    export_section,
    module,
    section,
    side_module,
    tls_side_module,
    vec,
)
from tests.helpers.wheelfactory import make_wheel
from wasixtasks.checks import (
    ModuleReport,
    check_extension_modules,
    check_shared_libs,
    is_shared_object,
)
from wasixtasks.errors import CheckError
from wasixtasks.wasm import Export, parse_module

EXT = ".cpython-311-wasm32-wasi.so"
TAG = "cp311-cp311-wasi_wasm32"


def by_where(modules: list[ModuleReport]) -> dict[str, ModuleReport]:
    return {m.where: m for m in modules}


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- shared libs


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A folder with a wheel (an extension, a bundled library) and loose .so files."""
    folder = tmp_path / "dist"
    make_wheel(
        folder,
        name="demo",
        tag=TAG,
        files={
            "demo/__init__.py": b"",
            f"demo/_core{EXT}": side_module(
                needed=["libfoo.so", "libpq.so.5", "libmissing.so"], exports=["PyInit__core"]
            ),
            "demo.libs/libfoo.so": side_module(),
        },
    )
    write(folder / "loose" / "liba.so", side_module(needed=["libb.so", "libc.so.6"]))
    write(folder / "loose" / "libb.so", side_module())
    write(folder / "loose" / "notes.txt", b"not a module, not looked at")
    return folder


def test_bundled_allowed_and_missing(dist: Path) -> None:
    report = check_shared_libs(dist, ("libpq.so*",))
    mods = by_where(report.modules)
    wheel = f"demo-1.0-{TAG}.whl"
    liba = str(dist / "loose" / "liba.so")
    libb = str(dist / "loose" / "libb.so")
    assert sorted(mods) == sorted(
        [f"{wheel}!demo/_core{EXT}", f"{wheel}!demo.libs/libfoo.so", liba, libb]
    )

    core = mods[f"{wheel}!demo/_core{EXT}"]
    assert core.needed == ("libfoo.so", "libpq.so.5", "libmissing.so")
    assert core.bundled == ("libfoo.so",)  # in the same wheel, under another folder
    assert core.allowed == ("libpq.so.5",)  # fnmatch pattern
    assert core.missing == ("libmissing.so",)
    assert core.line() == (
        f"{wheel}!demo/_core{EXT}: needs libfoo.so [bundled], libpq.so.5 [allowed], "
        "libmissing.so [MISSING]"
    )

    foo = mods[f"{wheel}!demo.libs/libfoo.so"]
    assert foo.needed == () and foo.missing == ()
    assert foo.line().endswith(": needs no shared library")

    # loose files: a sibling in the same folder counts as bundled
    assert mods[liba].bundled == ("libb.so",)
    assert mods[liba].missing == ("libc.so.6",)
    assert mods[libb].needed == ()

    assert [m.where for m in report.missing] == [f"{wheel}!demo/_core{EXT}", liba]


def test_without_allowed_patterns_the_allowed_library_is_missing(dist: Path) -> None:
    core = by_where(check_shared_libs(dist, ()).modules)[f"demo-1.0-{TAG}.whl!demo/_core{EXT}"]
    assert core.allowed == ()
    assert core.missing == ("libpq.so.5", "libmissing.so")


def test_patterns_match_whole_names(tmp_path: Path) -> None:
    so = write(tmp_path / "ext.so", side_module(needed=["libpqxx.so", "libpq.so", "libssl.so.3"]))
    report = check_shared_libs(so, ("libpq.so*", "libssl.*"))
    (mod,) = report.modules
    assert mod.allowed == ("libpq.so", "libssl.so.3")
    assert mod.missing == ("libpqxx.so",)


def test_a_library_in_another_wheel_is_not_bundled(tmp_path: Path) -> None:
    make_wheel(tmp_path, name="needs_foo", tag=TAG,
               files={f"needs_foo/_x{EXT}": side_module(needed=["libfoo.so"], exports=["PyInit__x"])})
    make_wheel(tmp_path, name="has_foo", tag=TAG, files={"has_foo.libs/libfoo.so": side_module()})
    mods = by_where(check_shared_libs(tmp_path, ()).modules)
    needs = mods[f"needs_foo-1.0-{TAG}.whl!needs_foo/_x{EXT}"]
    assert needs.missing == ("libfoo.so",)
    assert needs.bundled == ()


def test_a_single_wheel_or_so_can_be_checked(dist: Path) -> None:
    wheel = dist / f"demo-1.0-{TAG}.whl"
    from_wheel = check_shared_libs(wheel, ())
    assert {m.where.split("!")[1] for m in from_wheel.modules} == {
        f"demo/_core{EXT}", "demo.libs/libfoo.so"
    }
    liba = dist / "loose" / "liba.so"
    (only,) = check_shared_libs(liba, ()).modules
    assert only.where == str(liba)
    assert only.bundled == ("libb.so",)


def test_versioned_so_names_are_shared_objects(tmp_path: Path) -> None:
    assert is_shared_object("pkg/libz.so.1")
    assert is_shared_object("libz.so")
    assert not is_shared_object("pkg/libz.a")
    assert not is_shared_object("pkg/sonar.py")
    write(tmp_path / "libz.so.1", side_module(needed=["libq.so"]))
    (mod,) = check_shared_libs(tmp_path, ()).modules
    assert mod.where.endswith("libz.so.1")
    assert mod.missing == ("libq.so",)


def test_a_loose_so_that_is_not_wasm_is_an_error(tmp_path: Path) -> None:
    bad = write(tmp_path / "libhost.so", b"\x7fELF\x02\x01\x01" + b"\0" * 64)
    with pytest.raises(CheckError, match="is not a WebAssembly module") as info:
        check_shared_libs(tmp_path, ())
    assert str(bad) in info.value.message
    assert info.value.exit_code == 12


def test_a_wheel_so_that_is_not_wasm_is_an_error(tmp_path: Path) -> None:
    make_wheel(tmp_path, name="host", tag=TAG, files={f"host/_x{EXT}": b"\x7fELF not wasm"})
    with pytest.raises(CheckError, match="is not a WebAssembly module") as info:
        check_shared_libs(tmp_path, ())
    assert f"host-1.0-{TAG}.whl!host/_x{EXT}" in info.value.message


def cut(data: bytes) -> bytes:
    """``data`` cut inside its first section (the dylink.0 section of a side module)."""
    return data[: len(HEADER) + 6]


def test_a_malformed_module_is_a_check_error(tmp_path: Path) -> None:
    write(tmp_path / "libcut.so", cut(side_module(needed=["libz.so"])))
    with pytest.raises(CheckError, match="byte offset") as info:
        check_shared_libs(tmp_path, ())
    assert str(tmp_path / "libcut.so") in info.value.message


def test_a_malformed_module_in_a_wheel_is_a_check_error(tmp_path: Path) -> None:
    make_wheel(tmp_path, name="cut", tag=TAG, files={f"cut/_x{EXT}": cut(side_module())})
    with pytest.raises(CheckError, match="byte offset") as info:
        check_shared_libs(tmp_path, ())
    assert f"cut-1.0-{TAG}.whl!cut/_x{EXT}" in info.value.message


def test_a_broken_wheel_is_a_check_error(tmp_path: Path) -> None:
    (tmp_path / f"broken-1.0-{TAG}.whl").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(CheckError, match="not a valid wheel"):
        check_shared_libs(tmp_path, ())


def test_a_missing_target_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="does not exist"):
        check_shared_libs(tmp_path / "nope", ())


# --------------------------------------------------------------------------- extension modules


def test_good_extension_and_bundled_library(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, name="good", tag=TAG,
        files={
            f"good/_speedups{EXT}": side_module(needed=["libfoo.so"], exports=["PyInit__speedups"]),
            # a bundled library is not an extension: no PyInit_ expected
            "good.libs/libfoo.so": side_module(exports=["foo_compress"]),
        },
    )
    assert check_extension_modules(wheel, EXT) == []


def test_extension_without_dylink_is_not_a_side_module(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, name="plain", tag=TAG,
        files={f"plain/x{EXT}": side_module(exports=["PyInit_x"], dylink=False)},
    )
    problems = check_extension_modules(wheel, EXT)
    assert problems == [
        f"plain-1.0-{TAG}.whl!plain/x{EXT}: no dylink.0 section (not a side module)"
    ]


def test_bundled_library_without_dylink_is_reported_too(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, name="lib", tag=TAG,
        files={"lib.libs/libfoo.so": module(export_section(["foo"]))},
    )
    problems = check_extension_modules(wheel, EXT)
    assert len(problems) == 1
    assert "lib.libs/libfoo.so: no dylink.0 section" in problems[0]


def test_extension_without_its_pyinit(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, name="pkg", tag=TAG,
        files={f"pkg/x{EXT}": side_module(exports=["PyInit_y", "helper"])},
    )
    assert check_extension_modules(wheel, EXT) == [
        f"pkg-1.0-{TAG}.whl!pkg/x{EXT}: does not export PyInit_x"
    ]


def test_pyinit_must_be_an_exported_function(tmp_path: Path) -> None:
    # PyInit_x exported as a memory, not a function
    data = module(custom("dylink.0", b""), section(7, vec([exp("PyInit_x", KIND_MEMORY)])))
    assert parse_module(data).exports == (Export("PyInit_x", "memory"),)
    wheel = make_wheel(tmp_path, name="pkg", tag=TAG, files={f"pkg/x{EXT}": data})
    assert check_extension_modules(wheel, EXT) == [
        f"pkg-1.0-{TAG}.whl!pkg/x{EXT}: does not export PyInit_x"
    ]


def test_a_package_that_is_an_extension_module_exports_the_packages_pyinit(
        tmp_path: Path) -> None:
    # apsw/__init__.*.so is imported as the package `apsw`: CPython calls PyInit_apsw
    good = make_wheel(tmp_path, name="apsw", tag=TAG,
                      files={f"apsw/__init__{EXT}": side_module(exports=["PyInit_apsw"])})
    assert check_extension_modules(good, EXT) == []
    bad = make_wheel(tmp_path / "bad", name="apsw", tag=TAG,
                     files={f"apsw/__init__{EXT}": side_module(exports=["PyInit___init__"])})
    assert check_extension_modules(bad, EXT) == [
        f"apsw-1.0-{TAG}.whl!apsw/__init__{EXT}: does not export PyInit_apsw"
    ]


def test_abi3_extension_needs_its_pyinit(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, name="stable", tag="cp311-abi3-wasi_wasm32",
        files={
            "stable/_ok.abi3.so": side_module(exports=["PyInit__ok"]),
            "stable/_bad.abi3.so": side_module(exports=["PyInit_other"]),
        },
    )
    problems = check_extension_modules(wheel, EXT)
    assert problems == [
        "stable-1.0-cp311-abi3-wasi_wasm32.whl!stable/_bad.abi3.so: does not export PyInit__bad"
    ]


def test_both_problems_of_one_module(tmp_path: Path) -> None:
    wheel = make_wheel(
        tmp_path, name="pkg", tag=TAG,
        files={f"pkg/_z{EXT}": side_module(exports=["nothing_useful"], dylink=False)},
    )
    problems = check_extension_modules(wheel, EXT)
    assert len(problems) == 2
    assert "no dylink.0 section" in problems[0]
    assert "does not export PyInit__z" in problems[1]


def test_wasm_header_only_module_is_wasm(tmp_path: Path) -> None:
    # the smallest valid module: no dylink.0, so it is not a side module
    wheel = make_wheel(tmp_path, name="tiny", tag=TAG, files={"tiny/libempty.so": HEADER})
    assert check_extension_modules(wheel, EXT) == [
        f"tiny-1.0-{TAG}.whl!tiny/libempty.so: no dylink.0 section (not a side module)"
    ]


# --------------------------------------------------------------------------- library tarballs

LIBDIR = "usr/local/lib/wasm32-wasi"


def library_tarball(path: Path, files: dict[str, bytes], links: dict[str, str]) -> Path:
    """A library artifact: regular members and symlinks (name -> target)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:xz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return path


def test_shared_objects_in_library_tarballs_are_checked_once_with_their_siblings(
        tmp_path: Path) -> None:
    art = tmp_path / "artifacts"
    library_tarball(art / "libjpeg.tar.xz", {
        f"{LIBDIR}/libjpeg.so.62.4.0": side_module(needed=["libz.so.1"]),
        f"{LIBDIR}/libturbojpeg.so.0.4.0": side_module(needed=["libjpeg.so.62"]),
        f"{LIBDIR}/libjpeg.a": b"!<arch>\n",
        "usr/local/include/jpeglib.h": b"",
    }, {f"{LIBDIR}/libjpeg.so.62": "libjpeg.so.62.4.0"})
    library_tarball(art / "headers.tar.xz", {"usr/local/include/x.h": b""}, {})
    report = check_shared_libs(art, ())
    mods = by_where(report.modules)
    assert sorted(mods) == [f"libjpeg.tar.xz!{LIBDIR}/libjpeg.so.62.4.0",
                            f"libjpeg.tar.xz!{LIBDIR}/libturbojpeg.so.0.4.0"]
    # found through the symlink next to it; libz.so.1 is in no tarball
    assert mods[f"libjpeg.tar.xz!{LIBDIR}/libturbojpeg.so.0.4.0"].bundled == ("libjpeg.so.62",)
    assert mods[f"libjpeg.tar.xz!{LIBDIR}/libjpeg.so.62.4.0"].missing == ("libz.so.1",)
    one = check_shared_libs(art / "libjpeg.tar.xz", ("libz.so.*",))
    assert one.missing == [] and len(one.modules) == 2


def test_a_symlink_in_a_folder_is_not_a_second_module(tmp_path: Path) -> None:
    write(tmp_path / "lib" / "libfoo.so.1.2", side_module())
    (tmp_path / "lib" / "libfoo.so.1").symlink_to("libfoo.so.1.2")
    assert [m.where for m in check_shared_libs(tmp_path, ()).modules] == [
        str(tmp_path / "lib" / "libfoo.so.1.2")]


def test_a_broken_tarball_is_a_check_error(tmp_path: Path) -> None:
    bad = write(tmp_path / "art" / "libx.tar.xz", b"not xz at all")
    with pytest.raises(CheckError, match="libx.tar.xz is not a readable library tarball"):
        check_shared_libs(bad.parent, ())


def test_a_tarball_member_that_is_not_wasm_is_named_by_tarball_and_member(tmp_path: Path) -> None:
    library_tarball(tmp_path / "art" / "libelf.tar.xz", {f"{LIBDIR}/libelf.so.1": b"\x7fELF"}, {})
    with pytest.raises(CheckError, match=rf"libelf.tar.xz!{LIBDIR}/libelf.so.1 is not a WebAssembly"):
        check_shared_libs(tmp_path / "art", ())


def test_tarballs_checked_together_share_one_sysroot(tmp_path: Path) -> None:
    art = tmp_path / "artifacts"
    library_tarball(art / "libxml2.tar.xz", {f"{LIBDIR}/libxml2.so.16.1.4": side_module()},
                    {f"{LIBDIR}/libxml2.so.16": "libxml2.so.16.1.4"})
    library_tarball(art / "libxslt.tar.xz",
                    {f"{LIBDIR}/libxslt.so.1.1.45": side_module(needed=["libxml2.so.16"])}, {})
    report = check_shared_libs(art, ())
    assert report.missing == []  # as install.libs puts both into one sysroot
    assert by_where(report.modules)[f"libxslt.tar.xz!{LIBDIR}/libxslt.so.1.1.45"].bundled == (
        "libxml2.so.16",)
    # alone, libxslt's tarball lacks it
    assert check_shared_libs(art / "libxslt.tar.xz", ()).missing[0].missing == ("libxml2.so.16",)


def test_two_tarballs_holding_one_shared_object_is_an_error(tmp_path: Path) -> None:
    art = tmp_path / "artifacts"
    for name in ("a", "b"):
        library_tarball(art / f"{name}.tar.xz", {f"{LIBDIR}/libdup.so.1": side_module()}, {})
    with pytest.raises(CheckError, match=rf"b.tar.xz and a.tar.xz both hold {LIBDIR}/libdup.so.1"):
        check_shared_libs(art, ())


# --- thread-locals of side modules ---------------------------------------------------------


def test_thread_locals_without_wasix_init_tls_are_reported(tmp_path: Path) -> None:
    (tmp_path / "libnoinit.so").write_bytes(tls_side_module(45080, init_tls=False))
    (tmp_path / "libinit.so").write_bytes(tls_side_module(20, init_tls=True))
    (tmp_path / "libnotls.so").write_bytes(tls_side_module(0, init_tls=False))
    report = check_shared_libs(tmp_path, ())
    by_name = {Path(m.where).name: m for m in report.modules}
    assert [Path(m.where).name for m in report.tls_unset] == ["libnoinit.so"]
    assert by_name["libnoinit.so"].tls_size == 45080
    assert by_name["libnoinit.so"].line().endswith(
        "needs no shared library; 45080 bytes of thread-locals and no __wasix_init_tls "
        "(THREADS SHARE THEM)")
    # a module with no thread-locals needs no per-thread setup
    assert not by_name["libnotls.so"].tls_unset and not by_name["libinit.so"].tls_unset
    assert by_name["libinit.so"].line().endswith("needs no shared library")
    assert report.missing == []


def test_libraries_the_interpreter_loads_count_as_its_own(tmp_path: Path) -> None:
    so = write(tmp_path / "ext.so", side_module(needed=["libsqlite3.so.0", "libpq.so.5",
                                                        "libgone.so"]))
    (mod,) = check_shared_libs(so, ("libpq.so*",), provided=("libsqlite3.so.0",)).modules
    assert mod.provided == ("libsqlite3.so.0",)
    assert mod.allowed == ("libpq.so.5",)
    assert mod.missing == ("libgone.so",)
    assert mod.line() == (f"{so}: needs libsqlite3.so.0 [the interpreter's], libpq.so.5 "
                          "[allowed], libgone.so [MISSING]")

"""Tests of wasixtasks.wheels: inspection, install and deterministic retagging."""

from __future__ import annotations

import ast
import base64
import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.tags import Tag
from packaging.version import Version

from tests.helpers.wheelfactory import (
    RecordRows,
    make_wheel,
    read_members,
    record_hash,
    truncate,
)
from wasixtasks import wheels
from wasixtasks.errors import WheelError
from wasixtasks.run import Log
from wasixtasks.wheels import inspect_wheel, install_wheel, retag_wheel


@pytest.fixture
def log(tmp_path: Path) -> Log:
    return Log("demo-pkg", tmp_path / "logs" / "demo-pkg.log", quiet=True)


# --------------------------------------------------------------------------------------------
# inspect_wheel


def test_inspect_good_wheel(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, name="Demo_Pkg", version="1.0.post1", requires_python=">=3.11")
    info = inspect_wheel(path)
    assert info.path == path
    assert info.name == "demo-pkg"
    assert info.version == Version("1.0.post1")
    assert info.tags == frozenset({Tag("cp311", "cp311", "wasi_wasm32")})
    assert info.requires_python == ">=3.11"
    assert info.is_pure is False
    assert b"Name: Demo_Pkg" in info.metadata


def test_inspect_pure_wheel_with_compressed_tags(tmp_path: Path) -> None:
    path = make_wheel(
        tmp_path,
        tag="py2.py3-none-any",
        wheel_tags=["py2-none-any", "py3-none-any"],
        requires_python=None,
    )
    info = inspect_wheel(path)
    assert info.is_pure is True
    assert info.requires_python is None
    assert info.tags == frozenset({Tag("py2", "none", "any"), Tag("py3", "none", "any")})


def test_signature_files_need_not_be_recorded(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, unrecorded={"demo_pkg-1.0.dist-info/RECORD.jws": b"{}"})
    inspect_wheel(path)


def _bad_hash(rows: RecordRows) -> RecordRows:
    rows[0][1] = record_hash(b"something else")
    return rows


def _bad_size(rows: RecordRows) -> RecordRows:
    rows[0][2] = str(int(rows[0][2]) + 1)
    return rows


def _drop_first(rows: RecordRows) -> RecordRows:
    return rows[1:]


def _ghost_entry(rows: RecordRows) -> RecordRows:
    return [*rows, ["demo_pkg/ghost.py", record_hash(b""), "0"]]


def _md5(rows: RecordRows) -> RecordRows:
    rows[0][1] = "md5=" + hashlib.md5(b"VALUE = 1\n").hexdigest()
    return rows


def _padded(rows: RecordRows) -> RecordRows:
    rows[0][1] = rows[0][1] + "="
    return rows


def _dotdot_record(rows: RecordRows) -> RecordRows:
    return [*rows, ["../evil.py", record_hash(b""), "0"]]


def _twice(rows: RecordRows) -> RecordRows:
    return [rows[0], *rows]


def _no_hash(rows: RecordRows) -> RecordRows:
    rows[0][1:] = ["", ""]
    return rows


def _record_hashes_itself(rows: RecordRows) -> RecordRows:
    rows[-1][1:] = [record_hash(b""), "0"]
    return rows


def _short_row(rows: RecordRows) -> RecordRows:
    return [*rows, ["demo_pkg/__init__.py"]]


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        (_bad_hash, "hash / size of demo_pkg/__init__.py didn't match RECORD"),
        (_bad_size, "hash / size of demo_pkg/__init__.py didn't match RECORD"),
        (_drop_first, "demo_pkg/__init__.py is not mentioned in RECORD"),
        (_ghost_entry, "RECORD lists demo_pkg/ghost.py but the wheel does not contain it"),
        (_md5, "unsupported hash 'md5'"),
        (_padded, "didn't match RECORD"),
        (_dotdot_record, "RECORD lists ../evil.py but the wheel does not contain it"),
        (_twice, "RECORD lists 'demo_pkg/__init__.py' twice"),
        (_no_hash, "hash / size of demo_pkg/__init__.py is not included in RECORD"),
        (_record_hashes_itself, "RECORD file incorrectly contains hash / size"),
        (_short_row, "cannot parse RECORD"),
    ],
)
def test_record_problems(
    tmp_path: Path, transform: Callable[[RecordRows], RecordRows], expected: str
) -> None:
    path = make_wheel(tmp_path, record_transform=transform)
    with pytest.raises(WheelError) as excinfo:
        inspect_wheel(path)
    message = excinfo.value.message
    assert path.name in message
    assert expected in message
    assert "\n" not in message
    assert str(path.parent) not in message, "installer's 'In <path>, ' prefix is stripped"


def test_several_record_problems_are_counted(tmp_path: Path) -> None:
    path = make_wheel(
        tmp_path,
        files={"demo_pkg/__init__.py": b"", "demo_pkg/a.py": b"a"},
        record_transform=lambda rows: rows[2:],
    )
    with pytest.raises(WheelError) as excinfo:
        inspect_wheel(path)
    assert excinfo.value.message.endswith(
        "demo_pkg/__init__.py is not mentioned in RECORD (and 1 more RECORD problems)"
    )


def test_signature_listed_in_record_is_refused(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, extra_dist_info={"RECORD.jws": b"{}"})
    with pytest.raises(WheelError, match="digital signature file .* incorrectly contained"):
        inspect_wheel(path)


def test_unrecorded_member(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, unrecorded={"demo_pkg/sneaky.py": b"import os\n"})
    with pytest.raises(WheelError, match="demo_pkg/sneaky.py is not mentioned in RECORD"):
        inspect_wheel(path)


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.py", "'..' component"),
        ("demo_pkg/../../evil.py", "'..' component"),
        ("/etc/evil.py", "absolute path"),
        ("demo_pkg\\evil.py", "backslash"),
        ("C:/evil.py", "absolute path"),
    ],
)
def test_unsafe_member_paths(tmp_path: Path, member: str, reason: str) -> None:
    path = make_wheel(tmp_path, files={"demo_pkg/__init__.py": b"", member: b"x = 1\n"})
    with pytest.raises(WheelError) as excinfo:
        inspect_wheel(path)
    assert reason in excinfo.value.message
    assert path.name in excinfo.value.message


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"metadata_version": "2.0"}, "METADATA Version '2.0' does not match the file name"),
        ({"metadata_name": "other"}, "METADATA Name 'other' does not match the file name"),
        ({"wheel_tags": ["py3-none-any"]}, "WHEEL tags (py3-none-any) do not match"),
        ({"wheel_tags": []}, "WHEEL tags (none) do not match"),
    ],
)
def test_metadata_and_wheel_must_match_filename(
    tmp_path: Path, kwargs: dict[str, object], expected: str
) -> None:
    path = make_wheel(tmp_path, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(WheelError) as excinfo:
        inspect_wheel(path)
    assert expected in excinfo.value.message


def test_dist_info_must_match_filename(tmp_path: Path) -> None:
    good = make_wheel(tmp_path / "a", version="1.0")
    renamed = tmp_path / "demo_pkg-2.0-cp311-cp311-wasi_wasm32.whl"
    renamed.write_bytes(good.read_bytes())
    with pytest.raises(WheelError, match=r"demo_pkg-1\.0\.dist-info does not match the file name"):
        inspect_wheel(renamed)


def test_dist_info_name_must_match_filename(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, filename="other_pkg-1.0-cp311-cp311-wasi_wasm32.whl")
    with pytest.raises(WheelError, match="directory doesn't match wheel filename") as excinfo:
        inspect_wheel(path)
    assert excinfo.value.message.startswith(f"{path.name}: bad .dist-info folder: ")


def test_two_dist_info_folders(tmp_path: Path) -> None:
    path = make_wheel(
        tmp_path,
        files={"demo_pkg/__init__.py": b"", "other-1.0.dist-info/METADATA": b"Name: other\n"},
    )
    with pytest.raises(WheelError, match="exactly one .dist-info directory"):
        inspect_wheel(path)


def test_bad_filename(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, filename="not-a-wheel.whl")
    with pytest.raises(WheelError, match="invalid wheel file name"):
        inspect_wheel(path)


def test_truncated_wheel(tmp_path: Path) -> None:
    path = truncate(make_wheel(tmp_path))
    with pytest.raises(WheelError) as excinfo:
        inspect_wheel(path)
    assert excinfo.value.message.startswith(f"not a valid wheel (zip) file: {path}: ")


def test_corrupt_member_data(tmp_path: Path) -> None:
    path = make_wheel(tmp_path, files={"demo_pkg/__init__.py": b"A" * 4000})
    data = bytearray(path.read_bytes())
    # flip a byte inside the first member's compressed data (after its 30+name header)
    offset = 30 + len("demo_pkg/__init__.py") + 2
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(WheelError, match="not a valid wheel \\(zip\\) file"):
        inspect_wheel(path)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "demo_pkg-1.0-py3-none-any.whl"
    path.write_text("<html>404</html>")
    with pytest.raises(WheelError, match="not a valid wheel \\(zip\\) file"):
        inspect_wheel(path)


# --------------------------------------------------------------------------------------------
# install_wheel


def _record_rows(dist_info: Path) -> list[list[str]]:
    with (dist_info / "RECORD").open(newline="") as fh:
        return [row for row in csv.reader(fh) if row]


def test_install_wheel(tmp_path: Path, log: Log) -> None:
    wheel = make_wheel(
        tmp_path / "in",
        files={
            "demo_pkg/__init__.py": b"VALUE = 1\n",
            "demo_pkg/_native.so": b"\0asm\1\0\0\0",
            "demo_pkg-1.0.data/scripts/demo-tool": b"#!python\nprint('hi')\n",
            "demo_pkg-1.0.data/headers/demo.h": b"int demo(void);\n",
        },
        modes={"demo_pkg-1.0.data/scripts/demo-tool": 0o755},
    )
    site = tmp_path / "prefix" / "lib" / "python3.11" / "site-packages"
    installed = install_wheel(wheel, site, log=log)

    dist_info = site / "demo_pkg-1.0.dist-info"
    extras = site.with_name("site-packages-extras")
    assert (site / "demo_pkg" / "__init__.py").read_bytes() == b"VALUE = 1\n"
    assert (site / "demo_pkg" / "_native.so").is_file()
    assert (dist_info / "INSTALLER").read_text() == "wasixtasks\n"
    assert (dist_info / "METADATA").is_file()
    assert (extras / "include" / "demo-pkg" / "demo.h").is_file()
    script = extras / "bin" / "demo-tool"
    assert script.read_bytes().startswith(b"#!/usr/bin/env python3")
    assert os.access(script, os.X_OK)
    assert not list(site.rglob("*.pyc")), "no bytecode: the target interpreter compiles itself"

    rows = _record_rows(dist_info)
    recorded = {Path(os.path.normpath(site / row[0])) for row in rows}
    assert recorded == set(installed)
    assert all(p.is_file() for p in installed)
    for rel, digest, size in rows:
        target = site / rel
        if rel == "demo_pkg-1.0.dist-info/RECORD":
            assert (digest, size) == ("", "")
            continue
        data = target.read_bytes()
        assert digest == record_hash(data), rel
        assert size == str(len(data)), rel
    assert "demo_pkg-1.0.dist-info/INSTALLER" in {row[0] for row in rows}
    assert "../site-packages-extras/bin/demo-tool" in {row[0] for row in rows}


def test_install_replaces_older_version(tmp_path: Path, log: Log) -> None:
    site = tmp_path / "site-packages"
    old = make_wheel(
        tmp_path / "old",
        version="1.0",
        files={
            "demo_pkg/__init__.py": b"V = 1\n",
            "demo_pkg/gone.py": b"",
            "demo_old.py": b"",
            "demo_pkg-1.0.data/scripts/old-tool": b"#!python\n",
        },
    )
    install_wheel(old, site, log=log)
    # the target interpreter may have compiled the module meanwhile
    (site / "demo_pkg" / "__pycache__").mkdir()
    (site / "demo_pkg" / "__pycache__" / "gone.cpython-311.pyc").write_bytes(b"pyc")
    (site / "unrelated.py").write_text("")

    new = make_wheel(tmp_path / "new", version="1.1", files={"demo_pkg/__init__.py": b"V = 2\n"})
    installed = install_wheel(new, site, log=log)

    assert not (site / "demo_pkg-1.0.dist-info").exists()
    assert not (site / "demo_pkg" / "gone.py").exists()
    assert not (site / "demo_pkg" / "__pycache__").exists()
    assert not (site / "demo_old.py").exists()
    assert (site / "unrelated.py").exists()
    extras = site.with_name("site-packages-extras")
    assert not (extras / "bin").exists(), "old script removed and its empty folder pruned"
    assert (site / "demo_pkg" / "__init__.py").read_text() == "V = 2\n"
    assert (site / "demo_pkg-1.1.dist-info" / "INSTALLER").is_file()
    assert site / "demo_pkg" / "__init__.py" in installed
    assert not [p for p in site.iterdir() if p.name.startswith(".wasixtasks-stash")]


def test_failed_upgrade_keeps_old_version(tmp_path: Path, log: Log) -> None:
    site = tmp_path / "site-packages"
    install_wheel(make_wheel(tmp_path / "old", version="1.0"), site, log=log)
    # another project owns a file the new version wants to write
    (site / "clash.py").write_text("# owned by someone else\n")
    new = make_wheel(
        tmp_path / "new",
        version="2.0",
        files={"demo_pkg/__init__.py": b"V = 2\n", "demo_pkg/new.py": b"", "clash.py": b""},
    )
    with pytest.raises(WheelError, match="cannot install"):
        install_wheel(new, site, log=log)
    assert (site / "demo_pkg-1.0.dist-info" / "RECORD").is_file()
    assert (site / "demo_pkg" / "__init__.py").read_text() == "VALUE = 1\n"
    assert not (site / "demo_pkg" / "new.py").exists()
    assert not (site / "demo_pkg-2.0.dist-info").exists()
    assert (site / "clash.py").read_text() == "# owned by someone else\n"
    assert not [p for p in site.iterdir() if p.name.startswith(".wasixtasks-stash")]


def test_install_refuses_bad_wheel(tmp_path: Path, log: Log) -> None:
    bad = make_wheel(tmp_path, record_transform=_bad_hash)
    site = tmp_path / "site-packages"
    with pytest.raises(WheelError, match="didn't match RECORD"):
        install_wheel(bad, site, log=log)
    assert not site.exists() or not any(site.iterdir())


# --------------------------------------------------------------------------------------------
# retag_wheel


def test_retag_wheel(tmp_path: Path) -> None:
    src = make_wheel(
        tmp_path / "in",
        tag="py3-none-any",
        files={"demo_pkg/__init__.py": b"", "demo_pkg/tool.sh": b"#!/bin/sh\n"},
        modes={"demo_pkg/tool.sh": 0o755},
    )
    out = retag_wheel(
        src, python_tag="cp311", abi_tag="cp311", platform_tag="wasi_wasm32", dest_dir=tmp_path / "a"
    )
    assert out == tmp_path / "a" / "demo_pkg-1.0-cp311-cp311-wasi_wasm32.whl"
    info = inspect_wheel(out)
    assert info.tags == frozenset({Tag("cp311", "cp311", "wasi_wasm32")})
    members = read_members(out)
    assert b"Tag: cp311-cp311-wasi_wasm32\n" in members["demo_pkg-1.0.dist-info/WHEEL"]
    assert b"Tag: py3-none-any" not in members["demo_pkg-1.0.dist-info/WHEEL"]
    assert b"Generator: wheelfactory (tests)" in members["demo_pkg-1.0.dist-info/WHEEL"]

    with zipfile.ZipFile(out) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    assert names[-1] == "demo_pkg-1.0.dist-info/RECORD"
    first_dist_info = next(i for i, n in enumerate(names) if ".dist-info/" in n)
    assert all(".dist-info/" in n for n in names[first_dist_info:])
    assert names[:first_dist_info] == sorted(names[:first_dist_info])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in infos}
    assert modes["demo_pkg/tool.sh"] == 0o755
    assert modes["demo_pkg/__init__.py"] == 0o644

    again = retag_wheel(
        src, python_tag="cp311", abi_tag="cp311", platform_tag="wasi_wasm32", dest_dir=tmp_path / "b"
    )
    assert again.read_bytes() == out.read_bytes()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [out.name]


def test_retag_adds_dist_info_files_listed_in_record(tmp_path: Path) -> None:
    src = make_wheel(tmp_path / "in", extra_dist_info={"wasixtasks.json": b"old"})
    out = retag_wheel(src, python_tag="cp313", abi_tag="cp313", platform_tag="wasix_wasm32",
                      dest_dir=tmp_path / "out", extra={"wasixtasks.json": b'{"a": 1}\n'})
    members = read_members(out)
    assert members["demo_pkg-1.0.dist-info/wasixtasks.json"] == b'{"a": 1}\n'
    record = members["demo_pkg-1.0.dist-info/RECORD"].decode()
    line = next(r for r in record.splitlines() if r.startswith("demo_pkg-1.0.dist-info/wasixtasks"))
    digest = base64.urlsafe_b64encode(hashlib.sha256(b'{"a": 1}\n').digest()).decode().rstrip("=")
    assert line == f"demo_pkg-1.0.dist-info/wasixtasks.json,sha256={digest},9"
    inspect_wheel(out)  # RECORD still matches every member


def test_retag_scrubs_build_folders_from_text_members(tmp_path: Path) -> None:
    src = make_wheel(tmp_path / "in", files={
        "demo_pkg/__config__.py": b"args = '-I/w/pkgs/demo.sysroot/usr/local/include'\n",
        "demo_pkg/_core.so": b"\0asm/w/pkgs/demo.build/core.c"})
    out = retag_wheel(src, python_tag="cp313", abi_tag="cp313", platform_tag="wasix_wasm32",
                      dest_dir=tmp_path / "out",
                      scrub=(("/w/pkgs/demo.sysroot", "/usr/src/sysroot"),
                             ("/w/pkgs/demo.build", "/usr/src/build")))
    members = read_members(out)
    assert members["demo_pkg/__config__.py"] == b"args = '-I/usr/src/sysroot/usr/local/include'\n"
    assert members["demo_pkg/_core.so"] == b"\0asm/w/pkgs/demo.build/core.c"
    inspect_wheel(out)  # the RECORD hashes are those of the rewritten members


@pytest.mark.parametrize("name", ["../x.json", "a/b/x.json", "/x.json", "sub//x", "RECORD"])
def test_retag_refuses_extra_files_outside_dist_info(tmp_path: Path, name: str) -> None:
    src = make_wheel(tmp_path / "in")
    with pytest.raises(WheelError, match="cannot add"):
        retag_wheel(src, python_tag="cp313", abi_tag="cp313", platform_tag="wasix_wasm32",
                    dest_dir=tmp_path / "out", extra={name: b""})


def test_retag_adds_a_file_in_one_dist_info_folder(tmp_path: Path) -> None:
    """PEP 770's sboms/ folder of the .dist-info"""
    src = make_wheel(tmp_path / "in")
    out = retag_wheel(src, python_tag="cp313", abi_tag="cp313", platform_tag="wasix_wasm32",
                      dest_dir=tmp_path / "out", extra={"sboms/x.cdx.json": b"{}"})
    assert read_members(out)["demo_pkg-1.0.dist-info/sboms/x.cdx.json"] == b"{}"
    inspect_wheel(out)


def test_retag_compressed_tag_set(tmp_path: Path) -> None:
    src = make_wheel(tmp_path / "in")
    out = retag_wheel(
        src, python_tag="py2.py3", abi_tag="none", platform_tag="any", dest_dir=tmp_path / "out"
    )
    assert out.name == "demo_pkg-1.0-py2.py3-none-any.whl"
    assert inspect_wheel(out).tags == frozenset(
        {Tag("py2", "none", "any"), Tag("py3", "none", "any")}
    )


def test_retag_rejects_bad_tag(tmp_path: Path) -> None:
    src = make_wheel(tmp_path / "in")
    with pytest.raises(WheelError, match="invalid platform tag"):
        retag_wheel(
            src, python_tag="cp311", abi_tag="cp311", platform_tag="wasi-wasm32", dest_dir=tmp_path
        )


def test_retag_refuses_bad_wheel(tmp_path: Path) -> None:
    src = make_wheel(tmp_path / "in", record_transform=_bad_hash)
    with pytest.raises(WheelError):
        retag_wheel(
            src, python_tag="cp311", abi_tag="cp311", platform_tag="any", dest_dir=tmp_path / "o"
        )
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def _retag(src: Path, dest_dir: Path, tag: str = "cp311-cp311-wasi_wasm32") -> Path:
    python_tag, abi_tag, platform_tag = tag.split("-")
    return retag_wheel(
        src, python_tag=python_tag, abi_tag=abi_tag, platform_tag=platform_tag, dest_dir=dest_dir
    )


def test_retag_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    files = {
        "demo_pkg/b.py": b"b",
        "demo_pkg/sub/x.py": b"x",
        "demo_pkg/a.py": b"a",
        "demo_pkg/__init__.py": b"",
        "zz_top.py": b"",
    }
    licence = {"licenses/LICENSE": b"MIT\n"}
    one = make_wheel(
        tmp_path / "one", files=files, extra_dist_info=licence, date_time=(2021, 1, 1, 0, 0, 0)
    )
    two = make_wheel(
        tmp_path / "two",
        files=dict(reversed(list(files.items()))),
        extra_dist_info=licence,
        date_time=(2024, 5, 5, 5, 5, 6),
        unrecorded={"demo_pkg-1.0.dist-info/RECORD.p7s": b"signature"},
    )
    out_one = _retag(one, tmp_path / "n1")
    out_two = _retag(two, tmp_path / "n2")
    assert out_one.name == one.name
    assert out_one.read_bytes() == out_two.read_bytes()
    with zipfile.ZipFile(out_one) as zf:
        names = zf.namelist()
    assert "demo_pkg-1.0.dist-info/RECORD.p7s" not in names
    assert names == [
        "demo_pkg/__init__.py",
        "demo_pkg/a.py",
        "demo_pkg/b.py",
        "demo_pkg/sub/x.py",
        "zz_top.py",
        "demo_pkg-1.0.dist-info/METADATA",
        "demo_pkg-1.0.dist-info/WHEEL",
        "demo_pkg-1.0.dist-info/licenses/LICENSE",
        "demo_pkg-1.0.dist-info/RECORD",
    ]
    # retagging a retagged wheel with the same tags changes nothing
    assert _retag(out_one, tmp_path / "n3").read_bytes() == out_one.read_bytes()


def test_retag_uses_normalized_name(tmp_path: Path, log: Log) -> None:
    src = make_wheel(
        tmp_path / "in",
        name="MarkupSafe",
        version="3.0.2",
        tag="py3-none-any",
        files={
            "markupsafe/__init__.py": b"",
            "MarkupSafe-3.0.2.data/scripts/ms-tool": b"#!python\n",
        },
    )
    out = _retag(src, tmp_path / "out")
    assert out.name == "markupsafe-3.0.2-cp311-cp311-wasi_wasm32.whl"
    assert sorted(read_members(out)) == [
        "markupsafe-3.0.2.data/scripts/ms-tool",
        "markupsafe-3.0.2.dist-info/METADATA",
        "markupsafe-3.0.2.dist-info/RECORD",
        "markupsafe-3.0.2.dist-info/WHEEL",
        "markupsafe/__init__.py",
    ]
    info = inspect_wheel(out)
    assert info.name == "markupsafe"
    assert b"Name: MarkupSafe" in info.metadata, "METADATA keeps the project's own spelling"
    site = tmp_path / "site-packages"
    install_wheel(out, site, log=log)
    assert (site.with_name("site-packages-extras") / "bin" / "ms-tool").is_file()
    assert (site / "markupsafe-3.0.2.dist-info" / "INSTALLER").is_file()


def test_retag_keeps_build_tag_and_escapes_dots(tmp_path: Path) -> None:
    src = make_wheel(
        tmp_path / "in",
        name="zope.interface",
        files={"zope/interface/__init__.py": b""},
        filename="zope.interface-1.0-7-py3-none-any.whl",
        tag="py3-none-any",
    )
    out = _retag(src, tmp_path / "out")
    assert out.name == "zope_interface-1.0-7-cp311-cp311-wasi_wasm32.whl"
    assert "zope_interface-1.0.dist-info/WHEEL" in read_members(out)
    inspect_wheel(out)


def test_retag_refuses_colliding_folders(tmp_path: Path) -> None:
    src = make_wheel(
        tmp_path / "in",
        name="Demo_Pkg",
        files={
            "Demo_Pkg-1.0.data/scripts/tool": b"a",
            "demo_pkg-1.0.data/scripts/tool": b"b",
        },
    )
    with pytest.raises(WheelError, match="occurs twice after renaming"):
        _retag(src, tmp_path / "out")
    assert not any((tmp_path / "out").iterdir()), "the temporary folder is removed"


def test_retag_in_place(tmp_path: Path) -> None:
    src = make_wheel(tmp_path)
    out = _retag(src, tmp_path)
    assert out == src
    inspect_wheel(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name]


def test_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    out = _retag(make_wheel(tmp_path / "in"), tmp_path / "out")
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # before the zip format's 1980 epoch
    out = _retag(make_wheel(tmp_path / "in0"), tmp_path / "out0")
    with zipfile.ZipFile(out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    for bad in ("yesterday", "9" * 30):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        with pytest.raises(WheelError, match="SOURCE_DATE_EPOCH"):
            _retag(make_wheel(tmp_path / "in2"), tmp_path / "out2")


def test_record_is_regenerated(tmp_path: Path) -> None:
    out = _retag(make_wheel(tmp_path / "in"), tmp_path / "out")
    members = read_members(out)
    rows = list(csv.reader(io.StringIO(members["demo_pkg-1.0.dist-info/RECORD"].decode())))
    assert [r[0] for r in rows] == sorted(members)
    for name, digest, size in rows:
        if name == "demo_pkg-1.0.dist-info/RECORD":
            assert (digest, size) == ("", "")
        else:
            assert (digest, size) == (record_hash(members[name]), str(len(members[name])))


def test_module_does_not_import_subprocess() -> None:
    for module in (wheels.__file__, Path(wheels.__file__).with_name("index.py")):
        tree = ast.parse(Path(module).read_text())
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert "subprocess" not in imported, module

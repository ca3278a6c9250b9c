"""Tests of wasixtasks.archive: unsafe members are refused before anything is written, and
packing gives the same bytes for the same tree."""

from __future__ import annotations

import io
import lzma
import os
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from wasixtasks.archive import (
    PACK_MTIME,
    extract,
    pack_tar_xz,
    remove_tree,
    single_top,
    unpack_into,
)
from wasixtasks.errors import SourceError, UnsafeArchiveError


def member(name: str, *, kind: bytes = tarfile.REGTYPE, linkname: str = "", data: bytes = b"") -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mode = 0o644
    return info, data


def write_tar(path: Path, *members: tuple[tarfile.TarInfo, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for info, data in members:
            tf.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def everything_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


SAFE = member("pkg-1.0/README", data=b"hello\n")


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (member("/etc/evil", data=b"x"), "absolute path"),
        (member("pkg-1.0/../../evil", data=b"x"), "`..` in path"),
        (member("../evil", data=b"x"), "`..` in path"),
        (member("pkg-1.0/link", kind=tarfile.SYMTYPE, linkname="../../outside"), "leaves the tree"),
        (member("pkg-1.0/abs", kind=tarfile.SYMTYPE, linkname="/etc/passwd"), "link to absolute path"),
        (member("pkg-1.0/deep/link", kind=tarfile.SYMTYPE, linkname="../../../x"), "leaves the tree"),
        (member("pkg-1.0/hard", kind=tarfile.LNKTYPE, linkname="../outside"), "hard link"),
        (member("pkg-1.0/hardabs", kind=tarfile.LNKTYPE, linkname="/etc/passwd"), "link to absolute path"),
        (member("pkg-1.0/tty", kind=tarfile.CHRTYPE), "device or FIFO"),
        (member("pkg-1.0/disk", kind=tarfile.BLKTYPE), "device or FIFO"),
        (member("pkg-1.0/pipe", kind=tarfile.FIFOTYPE), "device or FIFO"),
    ],
    ids=["absolute", "dotdot-inside", "dotdot-top", "symlink-escape", "symlink-absolute",
         "symlink-deep-escape", "hardlink-escape", "hardlink-absolute", "chardev", "blockdev",
         "fifo"],
)
def test_unsafe_members_are_refused_before_writing(
    tmp_path: Path, bad: tuple[tarfile.TarInfo, bytes], reason: str
) -> None:
    # the safe member comes first: nothing at all may be written, not even it
    archive = write_tar(tmp_path / "evil-1.0.tar.gz", SAFE, bad)
    dest = tmp_path / "work" / "x"
    with pytest.raises(UnsafeArchiveError) as info:
        extract(archive, dest)
    assert reason in info.value.message
    assert "evil-1.0.tar.gz" in info.value.message
    assert repr(bad[0].name) in info.value.message
    assert everything_under(dest) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil-1.0.tar.gz", "work"]
    assert info.value.exit_code == 5


def test_links_inside_the_tree_are_fine(tmp_path: Path) -> None:
    archive = write_tar(
        tmp_path / "ok.tar.gz",
        member("pkg/sub/file.txt", data=b"content\n"),
        member("pkg/sub/alias", kind=tarfile.SYMTYPE, linkname="file.txt"),
        member("pkg/up", kind=tarfile.SYMTYPE, linkname="sub/../sub/file.txt"),
        member("pkg/hard", kind=tarfile.LNKTYPE, linkname="pkg/sub/file.txt"),
    )
    dest = tmp_path / "x"
    extract(archive, dest)
    assert (dest / "pkg/sub/alias").read_text() == "content\n"
    assert (dest / "pkg/up").read_text() == "content\n"
    assert (dest / "pkg/hard").read_text() == "content\n"
    assert single_top(dest) == dest / "pkg"


def test_chained_symlinks_cannot_escape(tmp_path: Path) -> None:
    # `l1 -> .` is harmless on its own, and `l1/l2 -> ..` looks like it stays inside when read
    # as a path; on disk l1 is the tree root, so l2 would point at its parent.
    archive = write_tar(
        tmp_path / "chain.tar.gz",
        member("pkg/l1", kind=tarfile.SYMTYPE, linkname="."),
        member("pkg/l1/l2", kind=tarfile.SYMTYPE, linkname="../.."),
    )
    dest = tmp_path / "box" / "x"
    with pytest.raises(UnsafeArchiveError, match="lies under the link 'pkg/l1'"):
        extract(archive, dest)
    # refused before anything was written
    assert not (dest / "pkg").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["box", "chain.tar.gz"]


def test_zip_with_dotdot_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/ok.txt", "fine")
        zf.writestr("pkg/../../evil.txt", "bad")
    dest = tmp_path / "x"
    with pytest.raises(UnsafeArchiveError, match="`..` in path"):
        extract(archive, dest)
    assert everything_under(dest) == []


def test_zip_with_symlink_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("pkg/link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeArchiveError, match="special file"):
        extract(archive, tmp_path / "x")


def test_plain_zip_extracts(tmp_path: Path) -> None:
    archive = tmp_path / "ok.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg-2/setup.py", "print('hi')\n")
    extract(archive, tmp_path / "x")
    assert (tmp_path / "x/pkg-2/setup.py").read_text() == "print('hi')\n"


def test_not_an_archive(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not a tarball")
    with pytest.raises(SourceError, match="junk.tar.gz: not a readable archive"):
        extract(junk, tmp_path / "x")


def test_extract_into_an_existing_folder_is_refused(tmp_path: Path) -> None:
    archive = write_tar(tmp_path / "a.tar.gz", SAFE)
    (tmp_path / "x").mkdir()
    with pytest.raises(FileExistsError):
        extract(archive, tmp_path / "x")


def test_single_top_with_several_entries(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").write_text("")
    assert single_top(tmp_path) == tmp_path


# --------------------------------------------------------------------------- packing


def make_tree(root: Path, order: list[str]) -> Path:
    """The same tree, its files created in ``order`` (which changes directory order on disk)."""
    contents = {
        "usr/local/include/z.h": b"#define Z 1\n",
        "usr/local/include/a.h": b"#define A 1\n",
        "usr/local/lib/wasm32-wasi/libz.a": b"!<arch>\n",
        "usr/local/lib/wasm32-wasi/pkgconfig/zlib.pc": b"prefix=/usr/local\n",
        "usr/local/bin/tool": b"#!/bin/sh\n",
    }
    for rel in order:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(contents[rel])
    (root / "usr/local/bin/tool").chmod(0o750)
    (root / "usr/local/include/a.h").chmod(0o600)
    (root / "usr/local/lib/wasm32-wasi/libz.so").symlink_to("libz.a")
    return root


ORDER = [
    "usr/local/include/z.h",
    "usr/local/include/a.h",
    "usr/local/lib/wasm32-wasi/libz.a",
    "usr/local/lib/wasm32-wasi/pkgconfig/zlib.pc",
    "usr/local/bin/tool",
]


def test_pack_is_deterministic(tmp_path: Path) -> None:
    one = make_tree(tmp_path / "one", ORDER)
    two = make_tree(tmp_path / "two", list(reversed(ORDER)))
    for path in two.rglob("*"):
        if not path.is_symlink():
            os.utime(path, (1_700_000_000, 1_700_000_000))
    pack_tar_xz(one, tmp_path / "out" / "a.tar.xz")
    pack_tar_xz(two, tmp_path / "out" / "b.tar.xz")
    pack_tar_xz(one, tmp_path / "out" / "c.tar.xz")  # same tree, packed again later
    a = (tmp_path / "out" / "a.tar.xz").read_bytes()
    assert a == (tmp_path / "out" / "b.tar.xz").read_bytes()
    assert a == (tmp_path / "out" / "c.tar.xz").read_bytes()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.tar.xz", "b.tar.xz", "c.tar.xz"]


def test_pack_fixes_metadata_and_sorts(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t", ORDER)
    out = tmp_path / "lib.tar.xz"
    pack_tar_xz(tree, out)
    assert out.read_bytes()[:6] == b"\xfd7zXZ\x00"
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(out.read_bytes()))) as tf:
        members = tf.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert "usr/local/include/a.h" in names
    assert all(not n.startswith(("/", "./")) for n in names)
    by_name = {m.name: m for m in members}
    for m in members:
        assert m.mtime == PACK_MTIME
        assert (m.uid, m.gid, m.uname, m.gname) == (0, 0, "", "")
        assert m.pax_headers == {}
    assert by_name["usr/local"].mode == 0o755
    assert by_name["usr/local/include/a.h"].mode == 0o644  # was 0600
    assert by_name["usr/local/bin/tool"].mode == 0o755  # was 0750: executable stays executable
    link = by_name["usr/local/lib/wasm32-wasi/libz.so"]
    assert link.issym() and link.linkname == "libz.a"


def test_pack_replaces_an_existing_artifact_atomically(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t", ORDER)
    out = tmp_path / "art" / "lib.tar.xz"
    out.parent.mkdir()
    out.write_bytes(b"old")
    pack_tar_xz(tree, out)
    assert out.read_bytes() != b"old"
    assert [p.name for p in out.parent.iterdir()] == ["lib.tar.xz"]


def test_pack_removes_the_temporary_file_of_a_killed_run(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t", ORDER)
    out = tmp_path / "art" / "lib.tar.xz"
    out.parent.mkdir()
    # what SIGKILL during an earlier pack leaves: a temporary name with that run's pid
    (out.parent / ".lib.tar.xz.partial-999999").write_bytes(b"half an archive")
    (out.parent / ".other.tar.xz.partial-999999").write_bytes(b"not ours to remove")
    pack_tar_xz(tree, out)
    assert sorted(p.name for p in out.parent.iterdir()) == [
        ".other.tar.xz.partial-999999", "lib.tar.xz",
    ]


def test_pack_refuses_special_files_and_writes_nothing(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "file").write_text("x")
    os.mkfifo(tree / "pipe")
    out = tmp_path / "art" / "lib.tar.xz"
    with pytest.raises(SourceError, match="cannot pack a special file"):
        pack_tar_xz(tree, out)
    assert list(out.parent.iterdir()) == []


def test_unpack_into_a_sysroot(tmp_path: Path) -> None:
    tree = make_tree(tmp_path / "t", ORDER)
    out = tmp_path / "lib.tar.xz"
    pack_tar_xz(tree, out)
    sysroot = tmp_path / "sysroot"
    (sysroot / "usr/local/include").mkdir(parents=True)
    (sysroot / "usr/local/include/other.h").write_text("kept")
    files = unpack_into(out, sysroot)
    assert "usr/local/include/a.h" in files
    assert "usr/local/include" not in files  # folders are not files
    assert (sysroot / "usr/local/include/other.h").read_text() == "kept"
    assert (sysroot / "usr/local/include/z.h").read_bytes() == b"#define Z 1\n"


def test_unpack_into_refuses_unsafe_artifacts(tmp_path: Path) -> None:
    archive = tmp_path / "bad.tar.xz"
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        info, _ = member("../../etc/evil", data=b"")
        tf.addfile(info, io.BytesIO(b""))
    archive.write_bytes(lzma.compress(buf.getvalue()))
    with pytest.raises(UnsafeArchiveError):
        unpack_into(archive, tmp_path / "sysroot")
    assert everything_under(tmp_path / "sysroot") == []


def test_remove_tree_handles_read_only_and_missing(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    (tree / "ro").mkdir(parents=True)
    (tree / "ro" / "f").write_text("x")
    (tree / "ro").chmod(0o500)
    (tree / "ro" / "f").chmod(0o400)
    remove_tree(tree)
    assert not tree.exists()
    remove_tree(tree)  # already gone: no error
    link = tmp_path / "link"
    target = tmp_path / "target"
    target.mkdir()
    link.symlink_to(target)
    remove_tree(link)
    assert not link.exists() and target.is_dir()  # the link, never what it points to

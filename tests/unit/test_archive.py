"""Tests of wasixtasks.archive: unsafe members are refused (named with the archive and the
member) and nothing lands outside the destination; subsets of an archive are extracted in one
streaming pass; packing gives the same bytes for the same tree."""

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
    scrub_paths,
    scrub_tree,
    PACK_MTIME,
    extract,
    pack_tar_xz,
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
        (member("pkg-1.0/../../evil", data=b"x"), "outside the destination"),
        (member("../evil", data=b"x"), "outside the destination"),
        (member("pkg-1.0/link", kind=tarfile.SYMTYPE, linkname="../../outside"), "outside the destination"),
        (member("pkg-1.0/abs", kind=tarfile.SYMTYPE, linkname="/etc/passwd"), "link to an absolute path"),
        (member("pkg-1.0/deep/link", kind=tarfile.SYMTYPE, linkname="../../../elsewhere"), "outside the destination"),
        (member("pkg-1.0/hard", kind=tarfile.LNKTYPE, linkname="../outside"), "outside the destination"),
        (member("pkg-1.0/hardabs", kind=tarfile.LNKTYPE, linkname="/etc/passwd"), "link to an absolute path"),
        (member("pkg-1.0/tty", kind=tarfile.CHRTYPE), "special file"),
        (member("pkg-1.0/disk", kind=tarfile.BLKTYPE), "special file"),
        (member("pkg-1.0/pipe", kind=tarfile.FIFOTYPE), "special file"),
    ],
    ids=["dotdot-inside", "dotdot-top", "symlink-escape", "symlink-absolute",
         "symlink-deep-escape", "hardlink-escape", "hardlink-absolute", "chardev", "blockdev",
         "fifo"],
)
def test_unsafe_members_are_refused(
    tmp_path: Path, bad: tuple[tarfile.TarInfo, bytes], reason: str
) -> None:
    archive = write_tar(tmp_path / "evil-1.0.tar.gz", SAFE, bad)
    dest = tmp_path / "work" / "x"
    with pytest.raises(UnsafeArchiveError) as info:
        extract(archive, dest)
    msg = info.value.message
    # named with the archive and the member, and why
    assert msg.startswith(f"evil-1.0.tar.gz: member {bad[0].name!r}: ")
    assert reason in msg
    assert msg.endswith("refusing to extract")
    assert info.value.exit_code == 5
    # the unsafe member itself was not written, and nothing landed outside the destination
    assert everything_under(dest) in ([], ["pkg-1.0", "pkg-1.0/README"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil-1.0.tar.gz", "work"]
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["x"]


def test_an_absolute_member_never_lands_outside_the_destination(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "evil"
    archive = write_tar(tmp_path / "abs.tar.gz", member(str(outside), data=b"x"))
    try:
        extract(archive, tmp_path / "x")
    except UnsafeArchiveError as exc:
        assert "abs.tar.gz: member" in exc.message
    assert not outside.exists()
    assert not (tmp_path / "outside").exists()


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
    with pytest.raises(UnsafeArchiveError, match="member 'pkg/l1/l2': .*outside the destination"):
        extract(archive, dest)
    assert not (dest / "pkg" / "l2").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["box", "chain.tar.gz"]
    assert sorted(p.name for p in (tmp_path / "box").iterdir()) == ["x"]


def test_zip_with_dotdot_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("pkg/ok.txt", "fine")
        zf.writestr("pkg/../../evil.txt", "bad")
    dest = tmp_path / "x"
    with pytest.raises(UnsafeArchiveError) as info:
        extract(archive, dest)
    assert info.value.message == "evil.zip: member 'pkg/../../evil.txt': `..` in path"
    # zips are checked whole before anything is written
    assert everything_under(dest) == []


def test_zip_with_an_absolute_path_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "abs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/etc/evil.txt"), "bad")
    with pytest.raises(UnsafeArchiveError, match="member '/etc/evil.txt': absolute path"):
        extract(archive, tmp_path / "x")
    assert everything_under(tmp_path / "x") == []


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
    (out.parent / ".lib.tar.xz.999999.partial").write_bytes(b"half an archive")
    (out.parent / ".other.tar.xz.999999.partial").write_bytes(b"not ours to remove")
    pack_tar_xz(tree, out)
    assert sorted(p.name for p in out.parent.iterdir()) == [
        ".other.tar.xz.999999.partial", "lib.tar.xz",
    ]


def test_pack_refuses_special_files_and_writes_nothing(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "file").write_text("x")
    os.mkfifo(tree / "pipe")
    out = tmp_path / "art" / "lib.tar.xz"
    with pytest.raises(SourceError, match="cannot pack a special file"):
        pack_tar_xz(tree, out)
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


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


# --------------------------------------------------------------------------- subsets

TREE = {
    "llvm-22/README": b"readme\n",
    "llvm-22/runtimes/CMakeLists.txt": b"project(runtimes)\n",
    "llvm-22/libcxx/include/vector": b"// vector\n",
    "llvm-22/libcxx/test/big.cpp": b"// a big test\n",
    "llvm-22/clang/lib/huge.cpp": b"// not wanted\n",
    "llvm-22/libcxxabi/x.cpp": b"// a sibling whose name starts like libcxx\n",
}


def big_tar(tmp_path: Path) -> Path:
    folders = sorted({os.path.dirname(n) for n in TREE} | {"llvm-22"})
    dirs = []
    for d in folders:
        info = tarfile.TarInfo(d)
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        dirs.append((info, b""))
    return write_tar(tmp_path / "llvm-22.tar.xz", *dirs,
                     *(member(name, data=data) for name, data in sorted(TREE.items())),
                     member("llvm-22/libcxx/include/alias", kind=tarfile.SYMTYPE, linkname="vector"))


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() or p.is_symlink())


def test_subset_of_a_tarball(tmp_path: Path) -> None:
    dest = tmp_path / "x"
    extract(big_tar(tmp_path), dest, subdirs=("runtimes", "libcxx"), exclude=("libcxx/test",))
    assert files_under(dest) == [
        "llvm-22/libcxx/include/alias",
        "llvm-22/libcxx/include/vector",
        "llvm-22/runtimes/CMakeLists.txt",
    ]
    assert (dest / "llvm-22/libcxx/include/alias").read_bytes() == b"// vector\n"
    assert single_top(dest) == dest / "llvm-22"


def test_exclude_alone(tmp_path: Path) -> None:
    dest = tmp_path / "x"
    extract(big_tar(tmp_path), dest, exclude=("clang", "libcxx/test/"))
    assert "llvm-22/clang/lib/huge.cpp" not in files_under(dest)
    assert "llvm-22/libcxx/test/big.cpp" not in files_under(dest)
    assert "llvm-22/libcxxabi/x.cpp" in files_under(dest)  # a prefix of a name is not a folder
    assert "llvm-22/README" in files_under(dest)


def test_subset_of_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in TREE.items():
            zf.writestr(name, data)
    dest = tmp_path / "x"
    extract(archive, dest, subdirs=("libcxx",), exclude=("libcxx/test",))
    assert files_under(dest) == ["llvm-22/libcxx/include/vector"]


def test_an_unsafe_member_outside_the_subset_is_never_written(tmp_path: Path) -> None:
    archive = write_tar(tmp_path / "a.tar.gz", member("pkg/src/a.c", data=b"int a;\n"),
                        member("pkg/docs/dev", kind=tarfile.CHRTYPE))
    dest = tmp_path / "x"
    extract(archive, dest, subdirs=("src",))
    assert files_under(dest) == ["pkg/src/a.c"]
    with pytest.raises(UnsafeArchiveError, match="member 'pkg/docs/dev'"):
        extract(archive, tmp_path / "y", subdirs=("docs",))


# --------------------------------------------------------------------------- path scrubbing

MAP = (("/w/pkgs/demo.build", "/usr/src/build"), ("/w/pkgs/demo.sysroot", "/usr/src/sysroot"))


def test_build_folders_in_text_get_their_fixed_names() -> None:
    text = b"CFLAGS='-I/w/pkgs/demo.sysroot/usr/local/include' srcdir=/w/pkgs/demo.build/x\n"
    assert scrub_paths(text, MAP) == (b"CFLAGS='-I/usr/src/sysroot/usr/local/include' "
                                      b"srcdir=/usr/src/build/x\n")


def test_the_longer_folder_is_replaced_first() -> None:
    nested = (("/w", "/short"), ("/w/pkgs/demo.build", "/usr/src/build"))
    assert scrub_paths(b"/w/pkgs/demo.build/a /w/b", nested) == b"/usr/src/build/a /short/b"


def test_binary_data_is_left_alone() -> None:
    data = b"\0asm\x01\0\0\0/w/pkgs/demo.build/x.c"
    assert scrub_paths(data, MAP) == data


def test_scrub_tree_rewrites_text_files_only_and_says_which(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "config.py").write_text("path = '/w/pkgs/demo.build/out'\n")
    (tmp_path / "lib" / "clean.txt").write_text("nothing here\n")
    (tmp_path / "lib" / "x.wasm").write_bytes(b"\0asm/w/pkgs/demo.build")
    (tmp_path / "link").symlink_to("lib/config.py")
    assert scrub_tree(tmp_path, MAP) == ["lib/config.py"]
    assert (tmp_path / "lib" / "config.py").read_text() == "path = '/usr/src/build/out'\n"
    assert (tmp_path / "lib" / "x.wasm").read_bytes() == b"\0asm/w/pkgs/demo.build"
    assert (tmp_path / "link").is_symlink()

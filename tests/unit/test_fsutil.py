"""Tests of wasixtasks.fsutil: atomic files and folders (never half-written under a final
name), copying, hashing, removal, and the ``flock`` lock."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from wasixtasks.fsutil import (
    PARTIAL,
    atomic_dir,
    atomic_file,
    atomic_write,
    copy_file,
    fresh_dir,
    locked,
    remove_tree,
    sha256_file,
    sha256_text,
)

#: How long a test waits for something that should happen (generous: a loaded CI machine).
PATIENCE = 10.0


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --------------------------------------------------------------------------- hashing


def test_sha256_file(tmp_path: Path) -> None:
    f = tmp_path / "x"
    f.write_bytes(b"abc")
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    big = tmp_path / "big"
    data = os.urandom(3 * (1 << 20) + 17)  # several read chunks
    big.write_bytes(data)
    assert sha256_file(big) == hashlib.sha256(data).hexdigest()


def test_sha256_text_separates_its_parts() -> None:
    assert sha256_text("ab", "c") != sha256_text("a", "bc")
    assert sha256_text("a", "b") == sha256_text(b"a", b"b")
    assert sha256_text("x") == hashlib.sha256(b"x\0").hexdigest()
    assert sha256_text() == hashlib.sha256(b"").hexdigest()


# --------------------------------------------------------------------------- removal


def test_remove_tree_handles_read_only_missing_files_and_links(tmp_path: Path) -> None:
    tree = tmp_path / "t"
    (tree / "ro").mkdir(parents=True)
    (tree / "ro" / "f").write_text("x")
    (tree / "ro" / "f").chmod(0o400)
    (tree / "ro").chmod(0o500)
    remove_tree(tree)
    assert not tree.exists()
    remove_tree(tree)  # already gone: no error
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep").write_text("kept")
    link = tmp_path / "link"
    link.symlink_to(target)
    remove_tree(link)
    assert not link.is_symlink() and (target / "keep").read_text() == "kept"  # never followed
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    remove_tree(dangling)
    assert not dangling.is_symlink()
    single = tmp_path / "file"
    single.write_text("x")
    remove_tree(single)
    assert not single.exists()


def test_fresh_dir_empties_what_was_there(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    (folder / "old").write_text("old")
    assert fresh_dir(folder) == folder
    assert names(folder) == []
    as_file = tmp_path / "was-a-file"
    as_file.write_text("x")
    assert fresh_dir(as_file).is_dir()


# --------------------------------------------------------------------------- atomic files


def test_atomic_write(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "f.json"
    assert atomic_write(target, '{"a": 1}') == target
    assert target.read_text() == '{"a": 1}'
    assert target.stat().st_mode & 0o777 == 0o644
    atomic_write(target, b"\x00bytes", mode=0o600)
    assert target.read_bytes() == b"\x00bytes"
    assert target.stat().st_mode & 0o777 == 0o600
    assert names(target.parent) == ["f.json"]  # no temporary file left


def test_atomic_write_failing_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f"
    target.write_text("old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert names(tmp_path) == ["f"]


def test_atomic_file_renames_only_when_the_block_succeeds(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_file(target, mode=0o755) as tmp:
        assert tmp.parent == tmp_path and tmp.name.endswith(PARTIAL)
        tmp.write_bytes(b"new")
        assert not target.exists()  # not before the block ends
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o755
    with pytest.raises(RuntimeError):
        with atomic_file(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("killed halfway")
    assert target.read_bytes() == b"new"
    assert names(tmp_path) == ["out.bin"]


def test_atomic_file_removes_leftovers_of_a_killed_run(tmp_path: Path) -> None:
    target = tmp_path / "lib.tar.xz"
    (tmp_path / f".lib.tar.xz.999999{PARTIAL}").write_bytes(b"half an archive")
    (tmp_path / f".other.tar.xz.999999{PARTIAL}").write_bytes(b"not ours to remove")
    with atomic_file(target) as tmp:
        tmp.write_bytes(b"whole")
    assert names(tmp_path) == [f".other.tar.xz.999999{PARTIAL}", "lib.tar.xz"]


def test_copy_file_keeps_bytes_and_mode(tmp_path: Path) -> None:
    src = tmp_path / "tool"
    src.write_bytes(b"#!/bin/sh\n")
    src.chmod(0o750)
    dest = copy_file(src, tmp_path / "copy" / "tool")
    assert dest.read_bytes() == b"#!/bin/sh\n"
    assert dest.stat().st_mode & 0o777 == 0o750
    assert names(dest.parent) == ["tool"]


# --------------------------------------------------------------------------- atomic folders


def test_atomic_dir_replaces_the_old_tree_when_complete(tmp_path: Path) -> None:
    final = tmp_path / "pkg.lib"
    final.mkdir()
    (final / "old.h").write_text("old")
    with atomic_dir(final) as partial:
        assert partial == tmp_path / f"pkg.lib{PARTIAL}"
        assert names(partial) == []
        (partial / "new.h").write_text("new")
        assert (final / "old.h").is_file()  # the old tree stays until the new one is complete
    assert names(final) == ["new.h"]
    assert names(tmp_path) == ["pkg.lib"]


def test_atomic_dir_keeps_the_old_tree_on_failure(tmp_path: Path) -> None:
    final = tmp_path / "pkg.lib"
    final.mkdir()
    (final / "old.h").write_text("old")
    with pytest.raises(ValueError):
        with atomic_dir(final) as partial:
            (partial / "half.h").write_text("half")
            raise ValueError("build failed")
    assert names(final) == ["old.h"]
    assert names(tmp_path) == ["pkg.lib"]


def test_atomic_dir_starts_from_an_empty_folder_after_a_killed_run(tmp_path: Path) -> None:
    stale = tmp_path / f"pkg.lib{PARTIAL}"
    stale.mkdir()
    (stale / "from-the-killed-run").write_text("x")
    with atomic_dir(tmp_path / "pkg.lib") as partial:
        assert names(partial) == []
    assert names(tmp_path) == ["pkg.lib"]


# --------------------------------------------------------------------------- locks


def test_locked_excludes_a_second_holder_in_another_thread(tmp_path: Path) -> None:
    lock = tmp_path / "locks" / "x.lock"
    entered = threading.Event()
    events: list[str] = []

    def second() -> None:
        with locked(lock):
            events.append("second holds")
            entered.set()

    with locked(lock):
        assert lock.is_file()  # created on first use, folders included
        thread = threading.Thread(target=second)
        thread.start()
        # the second holder waits as long as the first one holds the lock
        assert not entered.wait(0.5)
        events.append("first releases")
    assert entered.wait(PATIENCE)
    thread.join(PATIENCE)
    assert events == ["first releases", "second holds"]


def test_locked_is_released_when_the_block_fails(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    with pytest.raises(KeyError):
        with locked(lock):
            raise KeyError("boom")
    got = threading.Event()

    def take() -> None:
        with locked(lock):
            got.set()

    thread = threading.Thread(target=take)
    thread.start()
    assert got.wait(PATIENCE)
    thread.join(PATIENCE)


def test_a_lock_file_left_by_a_dead_process_does_not_block(tmp_path: Path) -> None:
    # What a killed holder leaves: the lock file (with whatever it wrote into it) and no
    # lock, since flock locks die with their process. Taken in a thread so that a
    # regression shows as a failed assertion, not as a hung test run.
    import fcntl

    lock = tmp_path / "x.lock"
    lock.write_text("pid 999999 (long gone)\n")
    # the holder had the lock on its own descriptor; its death closed that descriptor
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.close(fd)
    got = threading.Event()

    def take() -> None:
        with locked(lock):
            got.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    assert got.wait(PATIENCE), "a stale lock file blocked the next holder"
    thread.join(PATIENCE)
    assert lock.read_text() == "pid 999999 (long gone)\n"  # the file is reused, not rewritten

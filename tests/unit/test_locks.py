"""Tests of wasixtasks.locks: one holder at a time, the waiting message names the holder,
``wait=False`` refuses with one line, the lock is released on errors. (A holder killed with
SIGKILL is tested in tests/integration/test_trust.py: it needs a real process.)"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

import pytest

from wasixtasks.errors import LockError
from wasixtasks.locks import held, read_holder


def test_the_holder_writes_who_it_is(tmp_path: Path) -> None:
    lock = tmp_path / "pkgs" / "xz.lock"
    with held(lock, what="pkgs/xz"):
        holder = read_holder(lock)
        assert holder is not None
        assert holder.pid == os.getpid()
        assert f"pid {os.getpid()}" in holder.describe()
    assert lock.is_file()  # never removed: a new file would be a new lock


def test_a_second_holder_refuses_when_asked_not_to_wait(tmp_path: Path) -> None:
    lock = tmp_path / "xz.lock"
    with held(lock, what="pkgs/xz"):
        with pytest.raises(LockError) as caught:
            with held(lock, what="pkgs/xz", wait=False):
                pytest.fail("entered a held lock")
    line = caught.value.one_line()
    assert "pkgs/xz is in use by pid" in line and "\n" not in line
    assert caught.value.exit_code == 15
    with held(lock, what="pkgs/xz", wait=False):  # free again
        pass


def test_a_waiter_says_who_holds_the_lock_and_gets_it_afterwards(tmp_path: Path) -> None:
    lock = tmp_path / "xz.lock"
    messages: list[str] = []
    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with held(lock, what="pkgs/xz"):
            inside.set()
            time.sleep(0.3)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait()
    with held(lock, what="pkgs/xz", on_wait=messages.append):
        order.append("second inside")
    thread.join()
    assert order == ["first done", "second inside"]
    assert len(messages) == 1
    assert messages[0].startswith(f"waiting: pkgs/xz is in use by pid {os.getpid()}")


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    lock = tmp_path / "xz.lock"
    with pytest.raises(RuntimeError):
        with held(lock, what="pkgs/xz"):
            raise RuntimeError("build failed")
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # would raise if still held
    finally:
        os.close(fd)


def test_an_unreadable_holder_file_is_none(tmp_path: Path) -> None:
    (tmp_path / "x.lock").write_text("garbage")
    assert read_holder(tmp_path / "x.lock") is None
    assert read_holder(tmp_path / "missing.lock") is None

"""Tests of wasixtasks.jobserver without child processes: the preloaded tokens, taking and
giving them back, MAKEFLAGS, the descriptors the build tools inherit, and the cleanup.
(That GNU make 4.3 and ninja 1.13 really share the pool was checked by hand; see the
module docstring.)"""

from __future__ import annotations

import os
import stat
import threading
import time

import pytest

from wasixtasks.jobserver import TOKEN, Jobserver


def test_tokens_are_preloaded_and_counted() -> None:
    with Jobserver(4) as js:
        assert js.slots == 4
        assert js.available() == 4
        assert [js.try_acquire() for _ in range(5)] == [True, True, True, True, False]
        assert js.available() == 0
        js.release()
        assert js.available() == 1
        for _ in range(3):
            js.release()
        assert js.available() == 4


def test_acquire_waits_for_a_token() -> None:
    with Jobserver(1) as js:
        assert js.acquire(timeout=1)
        start = time.monotonic()
        assert not js.acquire(timeout=0.1)
        assert time.monotonic() - start >= 0.09
        timer = threading.Timer(0.1, js.release)
        timer.start()
        start = time.monotonic()
        assert js.acquire(timeout=10)
        assert time.monotonic() - start < 5
        timer.join()
        js.release()
        assert js.available() == 1


def test_env_formats() -> None:
    with Jobserver(3) as js:
        read, write = js.fds
        assert js.env("pipe") == {"MAKEFLAGS": f" -j3 --jobserver-auth={read},{write}"}
        assert js.env("fifo") == {"MAKEFLAGS": f" -j3 --jobserver-auth=fifo:{js.path}"}
        # GNU make 4.3 takes the last (abbreviated) option, the pipe; ninja the fifo
        assert js.env() == {
            "MAKEFLAGS": f" -j3 --jobserver-auth=fifo:{js.path} --jobserver-a={read},{write}"}


def test_the_tools_descriptors_are_inheritable_blocking_and_share_the_pool() -> None:
    with Jobserver(2) as js:
        read, write = js.fds
        assert read != write
        for fd in (read, write):
            assert os.get_inheritable(fd)
            assert os.get_blocking(fd)  # the scheduler's O_NONBLOCK does not reach them
            assert stat.S_ISFIFO(os.fstat(fd).st_mode)
        # a build tool takes a token through its descriptor and returns it
        assert os.read(read, 1) == TOKEN
        assert js.available() == 1
        assert js.try_acquire() and not js.try_acquire()
        os.write(write, TOKEN)
        assert js.available() == 1
        js.release()
        assert js.available() == 2
        # a tool that makes its side non-blocking (GNU make 4.3 does) changes nothing for us
        os.set_blocking(read, False)
        assert js.try_acquire()
        js.release()


def test_tokens_go_back_as_they_came() -> None:
    with Jobserver(1) as js:
        read, write = js.fds
        os.read(read, 1)
        os.write(write, b"x")  # a client may write back another byte; keep it
        assert js.try_acquire()
        js.release()
        assert os.read(read, 1) == b"x"


def test_fifo_is_private() -> None:
    with Jobserver(1) as js:
        assert stat.S_IMODE(js.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(js.path.parent.stat().st_mode) == 0o700
        assert stat.S_ISFIFO(js.path.stat().st_mode)


def test_cleanup_removes_the_fifo_and_closes_the_descriptors() -> None:
    with Jobserver(2) as js:
        path = js.path
        fds = js.fds
        assert path.exists() and not js.closed
    assert js.closed
    assert not path.exists() and not path.parent.exists()
    for fd in fds:
        with pytest.raises(OSError):
            os.fstat(fd)
    js.close()  # twice is fine
    assert js.fds == (-1, -1)


def test_cleanup_after_an_exception() -> None:
    with pytest.raises(RuntimeError):
        with Jobserver(2) as js:
            raise RuntimeError("boom")
    assert not js.path.parent.exists()


@pytest.mark.parametrize("slots", [0, -1, 100_000])
def test_slots_must_be_sensible(slots: int) -> None:
    with pytest.raises(ValueError):
        Jobserver(slots)

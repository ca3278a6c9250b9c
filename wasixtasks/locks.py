"""Locks on a package's work area: one build of a package at a time, across processes.

A second run that needs a package another run is building waits and says who holds it
(pid, command, since when), or refuses with one line when asked not to wait. The lock is a
``flock`` on ``pkgs/<name>.lock``: the kernel drops it when its holder dies, so a killed
build (even SIGKILL) never blocks the next run. The holder writes who it is into the file,
for the message of whoever waits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import LockError


@dataclass(frozen=True)
class Holder:
    pid: int
    since: str
    command: str

    def describe(self) -> str:
        return f"pid {self.pid} ({self.command}) since {self.since}"


def read_holder(path: Path) -> Holder | None:
    """Who wrote the lock file last (the current holder while it is held)."""
    try:
        data = json.loads(path.read_text())
        return Holder(int(data["pid"]), str(data["since"]), str(data["command"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _program() -> str:
    """``invoke`` for both the ``invoke`` script and ``python -m invoke``."""
    first = sys.argv[0] if sys.argv and sys.argv[0] else "python"
    name = os.path.basename(first)
    return os.path.basename(os.path.dirname(first)) if name == "__main__.py" else name


def _me() -> bytes:
    command = " ".join([_program(), *sys.argv[1:]])
    return json.dumps({"pid": os.getpid(), "since": time.strftime("%H:%M:%S"),
                       "command": command[:200]}).encode()


def _refusal(path: Path, what: str) -> LockError:
    holder = read_holder(path)
    who = holder.describe() if holder else "another process"
    return LockError(f"{what} is in use by {who}",
                     hint="Wait for that run to end, or leave out --no-wait to queue behind it.")


def require_free(path: Path, *, what: str) -> None:
    """Raise :class:`LockError` now when another run holds ``path`` (nothing is written)."""
    if not path.exists():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _refusal(path, what) from None
    finally:
        os.close(fd)  # closing drops the lock if we took it


@contextlib.contextmanager
def held(path: Path, *, what: str, wait: bool = True,
         on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock ``path`` for the block; ``what`` names the work area in messages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise _refusal(path, what) from None
            if on_wait is not None:
                holder = read_holder(path)
                who = holder.describe() if holder else "another process"
                on_wait(f"waiting: {what} is in use by {who}")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _me(), 0)
        yield
    finally:
        os.close(fd)

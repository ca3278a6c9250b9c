"""A GNU make jobserver: one pool of ``-j N`` job slots for the scheduler and the builds' tools.

Why: ``-j N`` should mean N processes at once in total. Giving each of N parallel packages
``make -j(cores // N)`` either leaves cores idle (the last package of a level builds alone with
a fraction of them) or multiplies them. With a jobserver, the scheduler and every make/ninja it
starts draw from the same N tokens, so one package may use all N slots while it is the only
one building, and N packages share them when they build together.

Token accounting (the GNU make protocol: https://www.gnu.org/software/make/manual/html_node/
Job-Slots.html):

* The pool is preloaded with N tokens (one byte each, ``+``).
* Before the scheduler starts a job it takes one token; it gives it back when the job ends.
  That token is the job's *implicit slot*: the job's make/ninja runs its first sub-job
  without reading the pool, as every jobserver client does.
* make/ninja take an extra token for each further sub-job they run in parallel and write it
  back when that sub-job ends. So at most N sub-jobs run at once over all packages.
* A tool killed by a signal cannot return the tokens it held: they stay lost for the rest of
  the run (the scheduler then starts a job without a token when nothing else runs, so it never
  deadlocks; see scheduler.py).
* Tools must not get ``-jN`` on their command line: GNU make then leaves the jobserver
  ("-jN forced in submake: resetting jobserver mode") and ninja ignores it.

Why a named FIFO opened several times: ``O_NONBLOCK`` belongs to an open file description,
not to a descriptor. The scheduler polls the pool through its own non-blocking description;
the children inherit two blocking ``O_RDWR`` descriptors of another description (passed with
``pass_fds``), so the scheduler's flags never leak into them. (GNU make 4.3 itself switches
the inherited read side to non-blocking: that is shared by the children, as it is between
sub-makes, and does not affect the scheduler.) ``O_RDWR`` keeps a reader and a writer open
for as long as the pool lives, so nobody sees EOF or SIGPIPE.

Why MAKEFLAGS names the pool twice (``env()``): GNU make 4.3 understands only the pipe form
``--jobserver-auth=R,W`` and aborts on ``fifo:PATH``; ninja >= 1.13 joins only the fifo form
(upstream ``src/jobserver-posix.cc`` answers "Unsupported jobserver mode" for pipes); both
use the *last* ``--jobserver-auth=`` they see. ``--jobserver-auth=fifo:PATH
--jobserver-a=R,W`` serves both: make's getopt reads the abbreviation ``--jobserver-a`` as
``--jobserver-auth`` (the last one wins: the pipe), ninja matches only the full option name
(the fifo). Checked with GNU make 4.3 and ninja 1.13.2. ``env("pipe")`` and ``env("fifo")``
give the single forms. Linux only.
"""

from __future__ import annotations

import array
import fcntl
import os
import select
import shutil
import tempfile
import termios
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

#: Which ``--jobserver-auth`` forms ``Jobserver.env()`` writes (see the module docstring).
Style = Literal["both", "pipe", "fifo"]

#: The byte of a fresh token. Tokens read from the pool are written back unchanged.
TOKEN = b"+"

#: A pipe holds 64 KiB on Linux; preloading more tokens than that would block.
MAX_SLOTS = 4096


class Jobserver:
    """A pool of ``slots`` job tokens in a private named FIFO; a context manager.

    ``fds`` are the blocking, inheritable descriptors the build tools get (``pass_fds``);
    ``env()`` is the MAKEFLAGS that points them at the pool. ``try_acquire``, ``acquire``
    and ``release`` are the scheduler's side, through a separate non-blocking descriptor.
    """

    def __init__(self, slots: int) -> None:
        if not 1 <= slots <= MAX_SLOTS:
            raise ValueError(f"a jobserver needs 1 to {MAX_SLOTS} slots, not {slots}")
        self.slots = slots
        self._lock = threading.Lock()
        self._held: list[bytes] = []  # the bytes of the tokens the scheduler holds
        self._own = -1
        self._fds: tuple[int, int] = (-1, -1)
        self._dir = Path(tempfile.mkdtemp(prefix="wasixtasks-jobserver-"))
        self.path = self._dir / "fifo"
        try:
            os.mkfifo(self.path, 0o600)
            # O_RDWR never blocks on a FIFO (Linux) and keeps it open for both directions
            self._own = os.open(self.path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
            read = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            self._fds = (read, -1)
            write = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
            self._fds = (read, write)
            for fd in self._fds:
                os.set_inheritable(fd, True)
            written = 0
            while written < slots:
                written += os.write(self._own, TOKEN * (slots - written))
        except BaseException:
            self.close()
            raise

    # -- the children's side --------------------------------------------------------------

    @property
    def fds(self) -> tuple[int, int]:
        """(read, write): blocking, inheritable; pass them to build tools with ``pass_fds``."""
        return self._fds

    def env(self, style: Style = "both") -> dict[str, str]:
        """The MAKEFLAGS that makes GNU make (>= 4.2) and ninja (>= 1.13) join the pool."""
        read, write = self._fds
        pipe = f"--jobserver-auth={read},{write}"
        fifo = f"--jobserver-auth=fifo:{self.path}"
        auth = {"pipe": pipe, "fifo": fifo, "both": f"{fifo} --jobserver-a={read},{write}"}
        return {"MAKEFLAGS": f" -j{self.slots} {auth[style]}"}

    # -- the scheduler's side -------------------------------------------------------------

    def try_acquire(self) -> bool:
        """Take one token if one is free; never blocks."""
        try:
            data = os.read(self._own, 1)
        except BlockingIOError:
            return False
        if not data:  # cannot happen while we hold a writer; be safe
            return False
        with self._lock:
            self._held.append(data)
        return True

    def acquire(self, timeout: float) -> bool:
        """Take one token, waiting up to ``timeout`` seconds for one to come back."""
        deadline = time.monotonic() + timeout
        while True:
            if self.try_acquire():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            # readable means a token is there; another client may still take it first
            select.select([self._own], [], [], remaining)

    def release(self) -> None:
        """Give back one token taken with ``try_acquire``/``acquire``."""
        with self._lock:
            token = self._held.pop() if self._held else TOKEN
        os.write(self._own, token)

    def available(self) -> int:
        """Tokens in the pool right now (best effort: clients take and return them any time)."""
        count = array.array("i", [0])
        fcntl.ioctl(self._own, termios.FIONREAD, count, True)
        return count[0]

    # -- lifetime -------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._own < 0

    def close(self) -> None:
        """Close every descriptor and remove the FIFO and its folder; safe to call twice."""
        for fd in (self._own, *self._fds):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._own = -1
        self._fds = (-1, -1)
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> Jobserver:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"fds={self._fds}"
        return f"Jobserver(slots={self.slots}, {state}, path={str(self.path)!r})"

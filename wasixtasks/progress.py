"""What a build is doing right now, on the console.

On a terminal a board drawn with rich sits under the scrolling output and is redrawn in place
a few times a second: one line per running package with its current step, the time since it
started and the latest line of its log (so a 14-minute ``pip wheel`` shows the compiler
working). When the output is not a terminal, or ``CI`` is set, nothing is redrawn: a
timestamped line marks every step a package enters, and every ``interval`` seconds each
running package gets a timestamped line with its step, elapsed time and latest log line.

``WASIXTASKS_PROGRESS`` picks the mode: ``auto`` (the default, as above), ``live``, ``plain``
or ``off``; ``WASIXTASKS_PROGRESS_INTERVAL`` is the plain mode's period in seconds (30).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .errors import ConfigError
from .run import Log, console

MODES = ("auto", "live", "plain", "off")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")


def choose_mode(stream: TextIO, env: Mapping[str, str]) -> str:
    """``live``, ``plain`` or ``off``: the setting, else live on a terminal outside CI."""
    wanted = env.get("WASIXTASKS_PROGRESS", "auto").strip().lower() or "auto"
    if wanted not in MODES:
        raise ConfigError(f"WASIXTASKS_PROGRESS={wanted!r} is not one of {', '.join(MODES)}")
    if wanted != "auto":
        return wanted
    in_ci = env.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return "live" if stream.isatty() and not in_ci else "plain"


def last_line(path: Path, limit: int = 4096) -> str:
    """The last non-empty line of a (growing) log file, without terminal control codes."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - limit))
            tail = fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
    for line in reversed(tail.replace("\r", "\n").splitlines()):
        clean = _CONTROL.sub("", line).strip()
        if clean:
            return clean
    return ""


def elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


@dataclass
class _Running:
    log: Log
    started: float = field(default_factory=time.monotonic)
    shown_step: str = ""


class Progress:
    """The running packages of one build; ``attach``/``detach`` are called from job threads."""

    def __init__(self, mode: str, *, interval: float = 30.0, width: int = 100) -> None:
        self.mode = mode
        self.interval = interval
        self.width = width
        self._running: dict[str, _Running] = {}
        self._lock = threading.Lock()

    def attach(self, name: str, log: Log) -> None:
        with self._lock:
            self._running[name] = _Running(log)

    def detach(self, name: str) -> None:
        with self._lock:
            self._running.pop(name, None)

    def _rows(self) -> list[tuple[str, str, str, str]]:
        """(name, step, elapsed, latest log line) of each running package, by name."""
        with self._lock:
            running = sorted(self._running.items())
        now = time.monotonic()
        return [(name, entry.log.step, elapsed(now - entry.started), last_line(entry.log.path))
                for name, entry in running]

    def status_lines(self) -> list[str]:
        """The board: one aligned line per running package, cut to the display's width."""
        rows = self._rows()
        width = max([len(r[0]) for r in rows] + [1])
        lines = []
        for name, step, took, tail in rows:
            head = f"{name:<{width}}  {step:<10} {took:>6}  "
            room = max(10, self.width - len(head))
            lines.append(head + (tail if len(tail) <= room else tail[:room - 1] + "…"))
        return lines

    def step_changes(self) -> list[str]:
        """Plain mode: ``[name] step S`` for each package that entered a step since last asked."""
        changes = []
        with self._lock:
            for name, entry in sorted(self._running.items()):
                if entry.log.step != entry.shown_step:
                    entry.shown_step = entry.log.step
                    changes.append(f"[{name}] step {entry.log.step}")
        return changes

    def heartbeat(self) -> list[str]:
        """Plain mode: the periodic line of each running package."""
        return [f"[{name}] {step}, {took}: {tail}" for name, step, took, tail in self._rows()]

    # ----------------------------------------------------------------------- displays

    @contextmanager
    def shown(self, stream: TextIO | None = None) -> Iterator[Progress]:
        """Display the progress for the duration of the block (a no-op in mode ``off``)."""
        out = stream if stream is not None else sys.stdout
        if self.mode == "live":
            with self._live(out):
                yield self
        elif self.mode == "plain":
            with self._plain(out):
                yield self
        else:
            yield self

    @contextmanager
    def _live(self, out: TextIO) -> Iterator[None]:
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        term = Console(file=out, force_terminal=True, highlight=False)
        self.width = max(40, term.width - 1)

        def board() -> Text:
            return Text("\n".join(self.status_lines()), no_wrap=True, overflow="ellipsis")

        # console() lines (command echoes, messages) print above the board: Live redirects
        # sys.stdout and sys.stderr while it runs
        with Live(console=term, get_renderable=board, refresh_per_second=4, transient=True,
                  redirect_stdout=True, redirect_stderr=True):
            yield

    @contextmanager
    def _plain(self, out: TextIO) -> Iterator[None]:
        stop = threading.Event()

        def say(lines: list[str]) -> None:
            stamp = time.strftime("%H:%M:%S")
            for line in lines:
                console(f"{stamp} {line}", out)

        def ticker() -> None:
            next_beat = time.monotonic() + self.interval
            while not stop.wait(0.5):
                say(self.step_changes())
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + self.interval
                    say(self.heartbeat())

        thread = threading.Thread(target=ticker, name="wasixtasks-progress", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


def progress_for(stream: TextIO | None = None, env: Mapping[str, str] | None = None,
                 *, quiet: bool = False) -> Progress:
    """The progress display the environment asks for (``off`` when ``quiet``)."""
    out = stream if stream is not None else sys.stdout
    settings = os.environ if env is None else env
    mode = "off" if quiet else choose_mode(out, settings)
    raw = settings.get("WASIXTASKS_PROGRESS_INTERVAL", "30")
    try:
        interval = float(raw)
    except ValueError:
        raise ConfigError(f"WASIXTASKS_PROGRESS_INTERVAL={raw!r} is not a number of seconds")
    if interval <= 0:
        raise ConfigError(f"WASIXTASKS_PROGRESS_INTERVAL={raw!r} must be more than 0 seconds")
    return Progress(mode, interval=interval)

"""The one place that starts subprocesses.

``run()`` echoes the command, appends its output to the package's log file and raises a
``CommandError`` naming package, step, log and the first real error line when it fails. No
shell is involved: commands are argument lists. ``run_isolated()`` runs one of our own
functions in a fresh interpreter (the Wasmer runtime, whose native threads must not outlive
the process that used them). Nothing else in wasixtasks starts processes; tests enforce that.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from .errors import CommandError

_console_lock = threading.Lock()

#: Lines that look like the cause of a failure, most specific first. Used to pick "the first
#: real error line" for summaries instead of make's closing "Error 2".
_ERROR_PATTERNS = [
    # a compiler diagnostic: file.c:12:3: error: ...
    re.compile(r":\d+:(\d+:)? (fatal )?error:", re.IGNORECASE),
    # a tool's own error: wasm-ld: error: ..., make: *** is noise (below)
    re.compile(r"^\s*[\w.+-]+: (fatal )?error:", re.IGNORECASE),
    re.compile(r"\b(fatal )?error\b\s*[:!]", re.IGNORECASE),
    re.compile(r"^CMake Error", re.IGNORECASE),
    re.compile(r"undefined (symbol|reference)", re.IGNORECASE),
    re.compile(r"^configure: error", re.IGNORECASE),
    re.compile(r"\bTraceback \(most recent call last\)"),
    re.compile(r"No such file or directory"),
    re.compile(r"\bfailed\b", re.IGNORECASE),
]
_NOISE = re.compile(
    r"^(make(\[\d+\])?: \*\*\*|ninja: build stopped|\s*$)"
    # pip's closing lines repeat that a subprocess failed; the cause is further up
    r"|.*(subprocess-exited-with-error|metadata-generation-failed|This error originates)"
)


def console(message: str, stream: TextIO | None = None) -> None:
    """Print one line to the console; safe to call from parallel build threads."""
    with _console_lock:
        out = stream if stream is not None else sys.stdout
        print(message, file=out, flush=True)


@dataclass
class Log:
    """The log file of one package (``pkgs/<name>.log``) and the step currently running."""

    package: str
    path: Path
    step: str = "setup"
    quiet: bool = False
    #: (step, seconds) of every finished step, for the log and the closing summary
    durations: list[tuple[str, float]] = field(default_factory=list)
    _step_start: float = field(default_factory=time.monotonic)
    _step_open: bool = False

    def open(self, *, truncate: bool = False) -> None:
        """Create the log file (and its folder); ``truncate`` starts a fresh log."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if truncate or not self.path.exists():
            self.path.write_text("", encoding="utf-8")

    def write(self, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8", errors="replace") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")

    def enter(self, step: str) -> None:
        """Start a new step: recorded in the log so failures can name it; the previous step's
        duration goes into the log."""
        self.finish_step()
        self.step = step
        self._step_start = time.monotonic()
        self._step_open = True
        self.write(f"=== [{self.package}] step {step} ===")

    def finish_step(self) -> None:
        """Record how long the current step took (called by ``enter`` and at the end)."""
        if not self._step_open:
            return
        self._step_open = False
        seconds = time.monotonic() - self._step_start
        self.durations.append((self.step, seconds))
        if self.path.exists():
            self.write(f"=== [{self.package}] step {self.step} took {seconds:.1f}s ===")

    def info(self, message: str) -> None:
        """A message for both the console and the log."""
        self.write(message)
        if not self.quiet:
            console(f"[{self.package}] {message}")

    def warn(self, message: str) -> None:
        """A loud message: used for source overrides and other things users must notice."""
        self.write(f"WARNING: {message}")
        console(f"[{self.package}] WARNING: {message}", sys.stderr)

    def size(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0


def first_error_line(text: str) -> str | None:
    """The first line of ``text`` that looks like the real cause of a failure."""
    lines = [line.rstrip() for line in text.splitlines()]
    for pattern in _ERROR_PATTERNS:
        for i, line in enumerate(lines):
            if pattern.search(line) and not _NOISE.match(line):
                found = line.strip()
                # CMake puts the message of `CMake Error at X:N (message):` on the next,
                # indented line
                if found.endswith("(message):") and i + 1 < len(lines) and lines[i + 1].strip():
                    found = f"{found} {lines[i + 1].strip()}"
                return found[:300]
    for line in reversed(lines):
        if not _NOISE.match(line) and not line.startswith("$ "):
            return line.strip()[:300]
    return None


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    log: Log,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    capture: bool = False,
    check: bool = True,
    pass_fds: Sequence[int] = (),
) -> Completed:
    """Run ``argv``; echo it, append its output to ``log`` and raise ``CommandError`` on failure.

    ``env`` is the complete environment of the child (callers build it from ``os.environ``);
    ``capture`` returns stdout as text (stderr still goes to the log) for commands whose
    answer we need, such as ``pkg-config --cflags``; ``pass_fds`` are inherited by the child
    (the jobserver pipe).
    """
    args = [os.fspath(a) for a in argv]
    shown = shlex.join(args)
    where = f" (in {cwd})" if cwd else ""
    log.write(f"$ {shown}{where}")
    if not log.quiet:
        console(f"[{log.package} {log.step}] $ {shown}")
    start = log.size()
    log.path.parent.mkdir(parents=True, exist_ok=True)
    with log.path.open("ab") as fh:
        try:
            proc = subprocess.Popen(
                args,
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdout=subprocess.PIPE if capture else fh,
                stderr=fh if capture else subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                pass_fds=tuple(pass_fds),
            )
        except FileNotFoundError as exc:
            raise CommandError(
                f"command not found: {args[0]}",
                returncode=127,
                argv=args,
                first_error=str(exc),
                package=log.package,
                step=log.step,
                log=log.path,
                hint="Run `invoke toolchain.doctor` to see which tools are missing.",
            ) from exc
        try:
            out, _ = proc.communicate()
        except BaseException:
            # Ctrl-C or a cancelled build: never leave an orphaned compiler running.
            proc.kill()
            proc.wait()
            raise
    stdout = out.decode("utf-8", "replace") if capture and out is not None else ""
    if capture and stdout:
        log.write(stdout)
    if proc.returncode != 0 and check:
        with log.path.open("r", encoding="utf-8", errors="replace") as fh:
            fh.seek(start)
            tail = fh.read()
        first = first_error_line(tail)
        detail = f": {first}" if first else ""
        raise CommandError(
            f"`{os.path.basename(args[0])}` exited with {proc.returncode}{detail}",
            returncode=proc.returncode,
            argv=args,
            first_error=first,
            package=log.package,
            step=log.step,
            log=log.path,
        )
    return Completed(proc.returncode, stdout)


R = TypeVar("R")


class IsolatedCrash(Exception):
    """The child of ``run_isolated`` died before it handed back a result."""


def _isolated_child(queue: Any, fn: Any, args: tuple[Any, ...]) -> None:
    queue.put(fn(*args))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter shutdown: native threads of the child may still run


def run_isolated(fn: Callable[..., R], *args: Any) -> R:
    """``fn(*args)`` in a fresh interpreter (multiprocessing's spawn): its result comes back;
    the child leaves with ``os._exit``, so whatever it loaded cannot crash this process."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.SimpleQueue()
    child = ctx.Process(target=_isolated_child, args=(queue, fn, args), daemon=True)
    child.start()
    while child.is_alive() and queue.empty():
        child.join(0.05)
    if queue.empty():
        raise IsolatedCrash(f"exit code {child.exitcode}")
    result: R = queue.get()
    child.join()
    return result

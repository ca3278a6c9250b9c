"""Typed errors with stable exit codes.

Every failure the user can cause or meet ends in one of these. The message is one line that
names the package, the step and the log file; ``hint`` is an optional second paragraph that
suggests a fix. Exit codes are stable so scripts and CI can tell failures apart (the numbering
follows cibuildwheel's idea of one code per kind of fatal error).
"""

from __future__ import annotations

from pathlib import Path


class WasixError(Exception):
    """Base class of every error wasixtasks reports to the user."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        package: str | None = None,
        step: str | None = None,
        log: Path | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.package = package
        self.step = step
        self.log = log
        self.hint = hint

    def one_line(self) -> str:
        """The single line printed at the end of a failed command."""
        where = []
        if self.package:
            where.append(self.package)
        if self.step:
            where.append(self.step)
        prefix = f"[{' '.join(where)}] " if where else ""
        suffix = f" (log: {self.log})" if self.log else ""
        return f"error: {prefix}{self.message}{suffix}"

    def __str__(self) -> str:
        return self.one_line()


class ConfigError(WasixError):
    """Bad project or user configuration (pyproject, wasixtasks.local.toml, environment)."""

    exit_code = 2


class RecipeError(WasixError):
    """A recipe file is invalid: missing field, bad pin, duplicate name, unknown dependency."""

    exit_code = 3


class GraphError(WasixError):
    """The dependency graph cannot be ordered (cycle) or names an unknown package."""

    exit_code = 4


class SourceError(WasixError):
    """A source could not be fetched, verified or extracted."""

    exit_code = 5


class ChecksumError(SourceError):
    """A downloaded or mirrored file does not have the pinned sha256."""


class UnsafeArchiveError(SourceError):
    """An archive member would land outside the extraction folder or is a device file."""


class PatchError(WasixError):
    """A patch from patches/ does not apply, or the prepared tree has unexported work."""

    exit_code = 6


class CommandError(WasixError):
    """An external command exited non-zero (compiler, configure, make, ...)."""

    exit_code = 7

    def __init__(
        self,
        message: str,
        *,
        returncode: int,
        argv: list[str],
        first_error: str | None = None,
        package: str | None = None,
        step: str | None = None,
        log: Path | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, package=package, step=step, log=log, hint=hint)
        self.returncode = returncode
        self.argv = argv
        self.first_error = first_error


class BuildError(WasixError):
    """A build finished but its output is wrong (no artifact, bad .pc file, wrong wheel)."""

    exit_code = 8


class ToolchainError(WasixError):
    """The active toolchain profile is missing a tool or is not set up."""

    exit_code = 9


class WheelError(WasixError):
    """A wheel is malformed: wrong name, version, tag, RECORD or paths."""

    exit_code = 10


class IndexGenerationError(WasixError):
    """artifacts/ holds something that cannot be published in the index."""

    exit_code = 11


class CheckError(WasixError):
    """A check (shared libraries, imports, pkg-config lint) found a problem."""

    exit_code = 12


class WasmFormatError(WasixError):
    """A file is not a well-formed WebAssembly module."""

    exit_code = 13


class BuildsFailed(WasixError):
    """One or more packages of a scheduled run failed; the summary lists them."""

    exit_code = 14


class LockError(WasixError):
    """A package's work area is in use by another run (and the caller asked not to wait)."""

    exit_code = 15

"""Glue shared by the invoke collections: load the project, turn errors into exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from invoke.exceptions import Exit

from ..config import Config, load_config
from ..errors import ConfigError, WasixError
from ..pipelines.common import Engine
from ..recipe import Kind
from ..registry import Registry
from ..run import console

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Project:
    cfg: Config
    registry: Registry
    engine: Engine

    @classmethod
    def load(cls) -> Project:
        cfg = load_config()
        registry = Registry.load(cfg)
        return cls(cfg, registry, Engine.load(cfg, registry))

    def jobs(self, value: int) -> int:
        """`-j`: the task's value, else the configured default."""
        return value or self.cfg.jobs


def reports_errors(fn: F) -> F:
    """Print a WasixError as its one line (plus hint) and exit with its stable code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WasixError as exc:
            # The hint first: the error itself is always the last line a user sees.
            if exc.hint:
                console(f"hint: {exc.hint}", sys.stderr)
            console(exc.one_line(), sys.stderr)
            raise Exit(code=exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def split_names(value: str) -> list[str]:
    """Package names from a task argument: ``zlib,libpng`` or ``zlib libpng``."""
    return [n for n in value.replace(",", " ").split() if n]


def names_or_all(project: Project, value: str) -> list[str]:
    """`all` means every recipe; otherwise the names given (each must exist)."""
    if value == "all":
        return project.registry.names()
    names = split_names(value)
    for name in names:
        project.registry.get(name)  # unknown names fail here, with suggestions
    return names


def kind_option(value: str) -> Kind | None:
    """``--kind``: empty for every kind, else ``library``, ``wheel`` or ``toolchain``."""
    if not value:
        return None
    try:
        return Kind(value.strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise ConfigError(f"--kind {value!r} is not one of {kinds}") from None

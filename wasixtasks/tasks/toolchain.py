"""toolchain.*: install the stand-in toolchain; diagnose the active profile."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task
from invoke.exceptions import Exit

from .. import commands
from ..config import load_config
from ..run import console
from ..setup_standin import setup_standin
from ..toolchain import active_toolchain
from ._common import reports_errors


@task(help={"force": "reinstall everything"})
@reports_errors
def setup(c: Context, force: bool = False) -> None:
    """Install the stand-in toolchain from PyPI into .toolchain/ (zig, wasmtime, WASI CPython)."""
    cfg = load_config()
    setup_standin(cfg, force=force)
    ok, report = commands.doctor(cfg, active_toolchain(cfg.with_(toolchain="stand-in")))
    console(report)


@task
@reports_errors
def doctor(c: Context) -> None:
    """Say which toolchain profile is active, what it found, what is missing and the fix."""
    cfg = load_config()
    ok, report = commands.doctor(cfg, active_toolchain(cfg))
    console(report)
    if not ok:
        raise Exit(code=9)

"""toolchain.*: build and install the WASIX toolchain; diagnose what is there."""

from __future__ import annotations

from invoke.context import Context
from invoke.exceptions import Exit
from invoke.tasks import task

from ..run import console
from ._common import Project, reports_errors


@task(help={"jobs": "job slots (default: `jobs` setting)"})
@reports_errors
def setup(c: Context, jobs: int = 0) -> None:
    """Build wasix-libc, compiler-rt, libcxx and the WASIX CPython from source (or reuse them
    from the cache outside the checkout, keyed by their inputs)."""
    from ..commands.toolchain import setup as setup_toolchain

    p = Project.load()
    setup_toolchain(p.engine, jobs=p.jobs(jobs))


@task
@reports_errors
def doctor(c: Context) -> None:
    """Say which toolchain is active, what was found, what is missing and the fix."""
    from ..commands.toolchain import doctor as doctor_report

    p = Project.load()
    ok, report = doctor_report(p.engine)
    console(report)
    if not ok:
        raise Exit(code=9)

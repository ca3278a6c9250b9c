"""test.*: package tests run under Wasmer."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..recipe import Kind
from ._common import Project, kind_option, reports_errors


@task(positional=["name"], help={"name": "library (or toolchain package) with a test"})
@reports_errors
def lib(c: Context, name: str) -> None:
    """Compile the library's test program against its artifact and run it under Wasmer."""
    from ..commands.test import test_one

    test_one(Project.load().engine, name, Kind.LIBRARY, Kind.TOOLCHAIN)


@task(positional=["name"], help={"name": "wheel recipe with a test script"})
@reports_errors
def wheel(c: Context, name: str) -> None:
    """Install the wheel (and the wheels it needs) and run its test with the WASIX CPython."""
    from ..commands.test import test_one

    test_one(Project.load().engine, name, Kind.WHEEL)


@task(name="all", help={"kind": "only `library`, `wheel` or `toolchain` recipes"})
@reports_errors
def all_(c: Context, kind: str = "") -> None:
    """Run every package's test (or one kind's) and print a table."""
    from ..commands.test import test_all

    p = Project.load()
    test_all(p.engine, kind_option(kind))

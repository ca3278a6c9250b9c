"""test.*: package tests run under Wasmer."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from ..recipe import Kind
from ._common import Project, reports_errors


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


@task(name="all")
@reports_errors
def all_(c: Context) -> None:
    """Run every package's test and print a table."""
    from ..commands.test import test_all

    test_all(Project.load().engine)

"""test.*: run packages' smoke tests on the toolchain's runner."""

from __future__ import annotations

from invoke.context import Context
from invoke.tasks import task

from .. import commands
from ._common import Project, reports_errors


@task(help={"name": "library recipe with a smoke test"})
@reports_errors
def lib(c: Context, name: str) -> None:
    """Compile the library's smoke program against its artifact and run it (wasmtime/wasmer)."""
    p = Project.load()
    commands.smoke_test(p.registry, p.cfg, p.toolchain(), name)

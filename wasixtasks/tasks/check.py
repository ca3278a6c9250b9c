"""check.*: checks on built artifacts before they are published."""

from __future__ import annotations

from pathlib import Path

from invoke.context import Context
from invoke.tasks import task

from ..checks import check_shared_libs
from ..errors import CheckError
from ..run import console
from ._common import Project, reports_errors


@task(name="shared-libs", positional=["path"], help={
    "path": "a folder, wheel or .so, e.g. artifacts/",
    "allow": "extra allowed library name patterns, comma-separated (adds to allowed-shared-libs)",
})
@reports_errors
def shared_libs(c: Context, path: str, allow: str = "") -> None:
    """List the `needed` libraries of every wasm .so; fail where one is neither bundled nor allowed."""
    p = Project.load()
    target = Path(path)
    allowed = p.cfg.allowed_shared_libs + tuple(a for a in allow.split(",") if a)
    report = check_shared_libs(target, allowed)
    for module in report.modules:
        console(module.line())
    console(f"{len(report.modules)} wasm shared object(s) checked, {len(report.missing)} with missing libraries")
    if report.missing:
        first = report.missing[0]
        raise CheckError(
            f"{first.where} needs {', '.join(first.missing)}, which is neither bundled in the "
            "wheel nor allowed",
            step="shared-libs",
            hint="Bundle the library in the wheel, link it statically (static_libs=True), or "
            "add it to allowed-shared-libs in [tool.wasixtasks].",
        )

"""`invoke check.sbom`: native wheels' SBOMs against what their builds used."""

from __future__ import annotations

from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..checks import wheel_modules
from ..errors import CheckError
from ..pipelines.common import Engine
from ..recipe import Kind
from ..run import console
from ..sbom import component_properties, read_wheel_sbom, verify_wheel_sbom
from ..sysroot import library_closure
from ..wheels import wheel_project


def check_sboms(engine: Engine, target: Path, libraries: Path) -> None:
    """One line per native wheel; raise on the first problem after all are listed."""
    wheels = sorted(target.glob("*.whl")) if target.is_dir() else [target]
    # by project and version: two recipes may build two lines of one project (numpy)
    recipes = {(canonicalize_name(r.project), Version(r.version)): r
               for r in engine.registry if r.kind is Kind.WHEEL}
    problems: list[str] = []
    checked = 0
    for wheel in wheels:
        if not wheel_modules(wheel):
            continue  # pure Python: nothing linked, no SBOM
        checked += 1
        parsed = wheel_project(wheel)
        recipe = recipes.get(parsed) if parsed is not None else None
        expected = library_closure(engine.registry, recipe) if recipe else None
        found = verify_wheel_sbom(wheel, libraries, expected)
        if found:
            console(f"{wheel.name}: {len(found)} problem(s)")
            for line in found:
                console(f"  {line}")
            problems += found
            continue
        doc = read_wheel_sbom(wheel) or {}
        names = [f"{comp.get('name')} "
                 f"({component_properties(comp).get('wasixtasks:linkage', '?')})"
                 for comp in doc.get("components", [])]
        console(f"{wheel.name}: SBOM verified: "
                + (", ".join(names) if names else "links no catalog library"))
    console(f"{checked} native wheel(s) checked, {len(problems)} SBOM problem(s)")
    if problems:
        raise CheckError(problems[0], step="sbom",
                         hint="Rebuild the wheel (`invoke build.wheel NAME --force`): its SBOM "
                         "is written by the build from the libraries it used.")

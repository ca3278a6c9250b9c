"""`invoke test.lib`, `test.wheel`, `test.all`: package tests under Wasmer."""

from __future__ import annotations

from ..errors import CheckError, WasixError
from ..pipelines.common import Engine
from ..recipe import Kind
from ..run import console
from ..testing import TestResult, run_test, table
from .build import require_buildable, require_kind


def test_one(engine: Engine, name: str, *kinds: Kind) -> TestResult:
    """Run one package's test; print its output and a result line; raise if it failed."""
    recipe = engine.registry.get(name)
    require_kind(recipe, *kinds)
    require_buildable(recipe, step="test")
    result = run_test(engine, name)
    if result.output:
        console(result.output.rstrip())
    where = f" (log: {result.log})" if result.log else ""
    console(f"[{name}] test {result.status}: {result.detail}{where}")
    if not result.ok:
        raise CheckError(f"test {result.status}: {result.detail}", package=name, step="test",
                         log=result.log)
    return result


def test_all(engine: Engine, kind: Kind | None = None) -> list[TestResult]:
    """Every package's test (of one ``kind`` if given), then a table; raise if any failed."""
    results = []
    for recipe in engine.registry:
        if kind is not None and recipe.kind is not kind:
            continue
        if recipe.blocked:  # in the table with its reason, not run
            results.append(TestResult(recipe.name, recipe.kind.value, "blocked",
                                      detail=recipe.blocked))
            continue
        if recipe.test is None:
            continue
        try:
            results.append(run_test(engine, recipe.name))
        except WasixError as exc:  # no artifact, a compile error: this test failed
            results.append(TestResult(recipe.name, recipe.kind.value, "failed",
                                      detail=exc.message, log=exc.log))
    console(table(results))
    failed = [r for r in results if not r.ok]
    if failed:
        raise CheckError(f"{len(failed)} test(s) failed, first: {failed[0].name}: "
                         f"{failed[0].detail}", package=failed[0].name, step="test",
                         log=failed[0].log)
    return results

"""nox sessions: tests (what CI runs), lint, typecheck, e2e, bench.

`nox -s tests` is the README's test command: it installs the project with its test extras
into a fresh virtual environment, installs the stand-in toolchain (`invoke toolchain.setup`),
seeds the source mirror from Debian's source packages, and runs the whole test suite,
including integration tests that really build libraries and wheels.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True


def _setup(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("invoke", "toolchain.setup")
    session.run("python", "tests/seed_mirror.py")


@nox.session
def tests(session: nox.Session) -> None:
    """Type check, then unit and integration tests (real builds with the stand-in toolchain)."""
    _setup(session)
    session.run("mypy")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: pyflakes rules (unused imports, undefined names) everywhere."""
    session.install("ruff")
    session.run("ruff", "check", "--select", "F", "wasixtasks", "pkgs", "tests", "benchmarks", "noxfile.py", "tasks.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on wasixtasks/ and pkgs/."""
    session.install("-e", ".[test]")
    session.run("mypy")


@nox.session
def e2e(session: nox.Session) -> None:
    """The main job from the README: numpy wheel, index, shared-library check."""
    _setup(session)
    session.run("invoke", "build.wheel", "numpy")
    session.run("invoke", "index.generate")
    session.run("invoke", "check.shared-libs", "artifacts/")


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks: no-op time of the whole graph, -j 2 vs -j 1 wall time."""
    _setup(session)
    session.run("python", "benchmarks/bench_graph.py", *session.posargs)

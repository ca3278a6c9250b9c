"""Unit tests start no processes: any attempt fails the test, as cibuildwheel's unit tests do.

The tests of ``wasixtasks.run`` itself (the one module that starts processes) opt out with
``pytestmark = pytest.mark.processes``; everything that needs a real process belongs in
tests/integration.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

#: ``os`` functions that start a process.
OS_STARTERS = ("system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv",
               "execve", "execvp", "execvpe")


@pytest.fixture(autouse=True)
def no_processes(request: pytest.FixtureRequest,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if request.node.get_closest_marker("processes") is not None:
        yield
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a unit test tried to start a process: {args[:1]!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    for name in OS_STARTERS:
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    yield

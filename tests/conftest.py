"""Shared fixtures: a temporary wasixtasks project with a FAKE toolchain (see
tests/helpers/project.py), isolated from the developer's environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.project import make_project
from wasixtasks.config import Config, load_config
from wasixtasks.toolchain import Toolchain, standin_toolchain

#: Settings from the developer's shell that would leak into a temporary project.
ENV_SETTINGS = (
    "WASIXTASKS_ROOT",
    "WASIXTASKS_LOCAL_CONFIG",
    "WASIXTASKS_MIRROR",
    "WASIXTASKS_TOOLCHAIN",
    "WASIXTASKS_WASIX_PYTHON",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No WASIXTASKS_* setting of the caller's shell applies."""
    for var in ENV_SETTINGS:
        monkeypatch.delenv(var, raising=False)
    yield monkeypatch


@pytest.fixture
def project(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Path:
    """The root of a fresh project: pyproject.toml, pkgs/, patches/, mirror/, fake toolchain."""
    return make_project(tmp_path)


@pytest.fixture
def cfg(project: Path) -> Config:
    return load_config(project)


@pytest.fixture
def fake_toolchain(cfg: Config) -> Toolchain:
    """The stand-in profile over the placeholder .toolchain/: passes require(), compiles nothing."""
    tc = standin_toolchain(cfg)
    assert tc.problems == (), tc.problems
    return tc

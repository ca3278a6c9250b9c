"""Shared fixtures: a temporary wasixtasks project (see tests/helpers/project.py), isolated
from the developer's environment and cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.project import make_project
from wasixtasks.config import Config, load_config

#: Settings from the developer's shell that would leak into a temporary project.
ENV_SETTINGS = (
    "WASIXTASKS_ROOT",
    "WASIXTASKS_LOCAL_CONFIG",
    "WASIXTASKS_MIRROR",
    "WASIXTASKS_TOOLCHAIN",
    "WASIXTASKS_WASIX_PYTHON",
    "WASIXTASKS_CACHE",
    # an activated wasix-clang environment would be detected
    "WASIX_SYSROOT",
    "WASIX_PYTHON",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No WASIXTASKS_* setting of the caller's shell applies."""
    for var in ENV_SETTINGS:
        monkeypatch.delenv(var, raising=False)
    yield monkeypatch


@pytest.fixture
def project(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Path:
    """The root of a fresh project: pyproject.toml, pkgs/, patches/, mirror/, its own cache."""
    return make_project(tmp_path)


@pytest.fixture
def cfg(project: Path) -> Config:
    return load_config(project)

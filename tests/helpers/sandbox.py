"""A throw-away copy of this project for integration tests and benchmarks.

The copy has the real recipes and patches but its own pkgs/ work folders, artifacts/ and
dist/, so tests never touch a developer's builds. It shares the repository's stand-in
toolchain (``.toolchain/``, installed by ``invoke toolchain.setup``) and download cache
(``.cache/wasixtasks``, with the Debian-seeded mirror and overrides written by
``tests/seed_mirror.py``), so nothing is downloaded or compiled twice for no reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from wasixtasks.registry import PATCH_NAME

REPO = Path(__file__).resolve().parents[2]


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def seed_config_lines(repo: Path = REPO) -> list[str]:
    """mirror/overrides lines from the repository's seeded local config (if any)."""
    local = repo / "wasixtasks.local.toml"
    if not local.is_file():
        raise RuntimeError(
            f"{local} is missing: run `python tests/seed_mirror.py` (nox -s tests does)"
        )
    return [line for line in local.read_text().splitlines() if not line.startswith("#")]


def clone_project(dest: Path, *, repo: Path = REPO, recipes: list[str] | None = None) -> Path:
    """Copy recipes, smoke programs, patches and pyproject into ``dest``; point the copy's
    local config at the shared toolchain, cache, mirror and overrides."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo / "pyproject.toml", dest / "pyproject.toml")
    (dest / "pkgs").mkdir(exist_ok=True)
    for recipe in sorted((repo / "pkgs").glob("*.py")):
        if recipes is None or recipe.stem.replace("_", "-") in recipes:
            shutil.copy2(recipe, dest / "pkgs" / recipe.name)
    shutil.copytree(repo / "pkgs" / "smoke", dest / "pkgs" / "smoke", dirs_exist_ok=True)
    (dest / "patches").mkdir(exist_ok=True)
    for patch in sorted((repo / "patches").glob("*.patch")):
        match = PATCH_NAME.match(patch.name)
        assert match, patch
        if recipes is None or match.group("name") in recipes:
            shutil.copy2(patch, dest / "patches" / patch.name)
    lines = [
        "# sandbox of the wasixtasks tests: shared toolchain and caches",
        f"toolchain-dir = {_toml(str(repo / '.toolchain'))}",
        f"cache-dir = {_toml(str(repo / '.cache' / 'wasixtasks'))}",
        *seed_config_lines(repo),
    ]
    (dest / "wasixtasks.local.toml").write_text("\n".join(lines) + "\n")
    return dest


@dataclass
class Result:
    returncode: int
    output: str

    @property
    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1] if lines else ""


def cli_env(root: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without WASIXTASKS_* settings, pointed at ``root``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WASIXTASKS_")}
    env.update(extra or {})
    env["WASIXTASKS_ROOT"] = str(root)
    env["WASIXTASKS_LOCAL_CONFIG"] = str(root / "wasixtasks.local.toml")
    return env


def cli_argv(*args: str) -> list[str]:
    """`invoke ARGS` with this repository's tasks.py, whatever the working folder."""
    return [sys.executable, "-m", "invoke", "--search-root", str(REPO), *args]


def invoke(root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> Result:
    """Run the real CLI (`invoke ...`) against the project at ``root``."""
    proc = subprocess.run(
        cli_argv(*args), cwd=REPO, env=cli_env(root, env), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout)

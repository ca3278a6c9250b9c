"""A throw-away copy of this project for integration tests and benchmarks.

The copy has all the real recipes, package tests and patches but its own pkgs/ work folders,
artifacts/ and dist/, so tests never touch a developer's builds. It shares the cache folder
of the environment running the tests (downloads, Debian sources, toolchain roots, the
artifact cache) and the configured mirror folders, so a toolchain that ``invoke
toolchain.setup`` built once is restored, not rebuilt, in every sandbox.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from wasixtasks.config import load_config

REPO = Path(__file__).resolve().parents[2]


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def shared_settings(repo: Path = REPO) -> list[str]:
    """local-config lines naming the cache and mirror folders the repository uses."""
    cfg = load_config(repo)
    mirrors = ", ".join(_toml(str(m)) for m in cfg.mirror_dirs)
    return [f"cache-dir = {_toml(str(cfg.cache_dir))}", f"mirror = [{mirrors}]"]


def clone_project(dest: Path, *, repo: Path = REPO, extra: list[str] | None = None) -> Path:
    """Copy pyproject, recipes, package tests and patches into ``dest``; point the copy's
    local config at the shared cache and mirrors (plus ``extra`` lines)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo / "pyproject.toml", dest / "pyproject.toml")
    (dest / "pkgs").mkdir(exist_ok=True)
    for recipe in sorted((repo / "pkgs").glob("*.py")):
        shutil.copy2(recipe, dest / "pkgs" / recipe.name)
    shutil.copytree(repo / "pkgs" / "tests", dest / "pkgs" / "tests", dirs_exist_ok=True)
    shutil.copytree(repo / "patches", dest / "patches", dirs_exist_ok=True)
    lines = ["# sandbox of the wasixtasks tests: shared cache and mirrors",
             *shared_settings(repo), *(extra or [])]
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
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WASIXTASKS_") and k not in ("WASIX_SYSROOT", "WASIX_PYTHON")}
    env.update(extra or {})
    env["WASIXTASKS_ROOT"] = str(root)
    env["WASIXTASKS_LOCAL_CONFIG"] = str(root / "wasixtasks.local.toml")
    return env


def cli_argv(*args: str) -> list[str]:
    """`invoke ARGS` with this repository's tasks.py, whatever the working folder."""
    return [sys.executable, "-m", "invoke", "--search-root", str(REPO), *args]


def invoke(root: Path, *args: str, env: dict[str, str] | None = None,
           timeout: float = 3600) -> Result:
    """Run the real CLI (`invoke ...`) against the project at ``root``."""
    proc = subprocess.run(
        cli_argv(*args), cwd=REPO, env=cli_env(root, env), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=timeout,
    )
    return Result(proc.returncode, proc.stdout)


def statuses(output: str) -> dict[str, str]:
    """package -> status, from the closing summary table of a build."""
    out = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in ("built", "restored", "up", "failed", "skipped"):
            out[parts[0]] = "up to date" if parts[1] == "up" else parts[1]
    return out

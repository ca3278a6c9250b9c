"""Project configuration: ``[tool.wasixtasks]`` in pyproject.toml, then the user's
``wasixtasks.local.toml`` (git-ignored), then environment variables, later ones winning.

Everything a run needs to know about paths lives here, so no other module guesses folders.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from .errors import ConfigError

PROFILES = ("auto", "wasix", "stand-in")


@dataclass(frozen=True)
class Config:
    root: Path
    pkgs_dir: Path
    patches_dir: Path
    artifacts_dir: Path
    dist_dir: Path
    cache_dir: Path
    toolchain_dir: Path
    #: folders searched for pinned tarballs (by file name, verified by sha256) before any download
    mirror_dirs: tuple[Path, ...] = ()
    #: package name -> local source folder used instead of the pinned source (development)
    overrides: dict[str, Path] = field(default_factory=dict)
    #: "auto" picks wasix when a wasix-clang environment is active, else stand-in
    toolchain: str = "auto"
    #: shared libraries a wasm .so may need without bundling them (check.shared-libs)
    allowed_shared_libs: tuple[str, ...] = ()
    #: the user's WASIX CPython (headers, sysconfigdata, python.wasm) for the wasix profile
    wasix_python: Path | None = None
    jobs: int = 1

    @property
    def local_config_path(self) -> Path:
        env = os.environ.get("WASIXTASKS_LOCAL_CONFIG")
        return Path(env) if env else self.root / "wasixtasks.local.toml"

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding a ``pkgs/`` folder and pyproject.toml."""
    env = os.environ.get("WASIXTASKS_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "pkgs").is_dir():
            return folder
    raise ConfigError(
        f"no wasixtasks project found at or above {here}",
        hint="Run from a checkout (a folder with pyproject.toml and pkgs/) or set WASIXTASKS_ROOT.",
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _paths(base: Path, value: object, key: str, source: Path) -> tuple[Path, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {key} must be a path or a list of paths")
    return tuple((base / os.path.expanduser(v)).resolve() for v in value)


def _apply(cfg: Config, table: dict[str, Any], source: Path) -> Config:
    base = source.parent
    changes: dict[str, Any] = {}
    simple_dirs = {
        "pkgs_dir": "pkgs-dir",
        "patches_dir": "patches-dir",
        "artifacts_dir": "artifacts-dir",
        "dist_dir": "dist-dir",
        "cache_dir": "cache-dir",
        "toolchain_dir": "toolchain-dir",
    }
    known = set(simple_dirs.values()) | {
        "mirror", "overrides", "toolchain", "allowed-shared-libs", "wasix-python", "jobs",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown setting(s) {', '.join(unknown)}")
    for attr, key in simple_dirs.items():
        if key in table:
            changes[attr] = _paths(base, table[key], key, source)[0]
    if "mirror" in table:
        changes["mirror_dirs"] = _paths(base, table["mirror"], "mirror", source)
    if "overrides" in table:
        ov = table["overrides"]
        if not isinstance(ov, dict):
            raise ConfigError(f"{source}: [overrides] must map package names to folders")
        merged = dict(cfg.overrides)
        for name, path in ov.items():
            merged[name] = _paths(base, path, f"overrides.{name}", source)[0]
        changes["overrides"] = merged
    if "toolchain" in table:
        if table["toolchain"] not in PROFILES:
            raise ConfigError(f"{source}: toolchain must be one of {', '.join(PROFILES)}")
        changes["toolchain"] = table["toolchain"]
    if "allowed-shared-libs" in table:
        allowed = table["allowed-shared-libs"]
        if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
            raise ConfigError(f"{source}: allowed-shared-libs must be a list of names")
        changes["allowed_shared_libs"] = tuple(allowed)
    if "wasix-python" in table:
        changes["wasix_python"] = _paths(base, table["wasix-python"], "wasix-python", source)[0]
    if "jobs" in table:
        if not isinstance(table["jobs"], int) or table["jobs"] < 1:
            raise ConfigError(f"{source}: jobs must be a positive integer")
        changes["jobs"] = table["jobs"]
    return replace(cfg, **changes)


def load_config(root: Path | None = None) -> Config:
    """Read the configuration of the project at ``root`` (found from the cwd by default)."""
    root = (root or find_root()).resolve()
    cfg = Config(
        root=root,
        pkgs_dir=root / "pkgs",
        patches_dir=root / "patches",
        artifacts_dir=root / "artifacts",
        dist_dir=root / "dist",
        cache_dir=root / ".cache" / "wasixtasks",
        toolchain_dir=root / ".toolchain",
    )
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        tool = _read_toml(pyproject).get("tool", {}).get("wasixtasks", {})
        cfg = _apply(cfg, tool, pyproject)
    local = cfg.local_config_path
    if local.is_file():
        cfg = _apply(cfg, _read_toml(local), local)
    env_mirror = os.environ.get("WASIXTASKS_MIRROR")
    if env_mirror:
        extra = tuple(Path(p).resolve() for p in env_mirror.split(os.pathsep) if p)
        cfg = replace(cfg, mirror_dirs=extra + cfg.mirror_dirs)
    env_tc = os.environ.get("WASIXTASKS_TOOLCHAIN")
    if env_tc:
        if env_tc not in PROFILES:
            raise ConfigError(f"WASIXTASKS_TOOLCHAIN must be one of {', '.join(PROFILES)}")
        cfg = replace(cfg, toolchain=env_tc)
    env_py = os.environ.get("WASIXTASKS_WASIX_PYTHON")
    if env_py:
        cfg = replace(cfg, wasix_python=Path(env_py).resolve())
    return cfg

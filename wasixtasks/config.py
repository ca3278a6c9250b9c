"""Project configuration: ``[tool.wasixtasks]`` in pyproject.toml, then the user's
``wasixtasks.local.toml`` (git-ignored), then environment variables, later ones winning.

The folders are handed to ``wasixtasks.layout``, the one owner of paths. The cache folder
(downloads, Debian sources, toolchains, the shared artifact cache) defaults to a folder
outside the checkout (``$WASIXTASKS_CACHE``, else ``$XDG_CACHE_HOME/wasixtasks``, else
``~/.cache/wasixtasks``), so every checkout on a machine shares it.
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
from .layout import Layout

#: ``auto`` uses an activated wasix-clang environment when one is detected, else the
#: toolchain built from source (``self-built``).
PROFILES = ("auto", "wasix-clang", "self-built")
RETIRED_PROFILES = {"stand-in": "the wasm32-wasi stand-in was retired; use `self-built`",
                    "wasix": "`wasix` is now called `wasix-clang`"}


def default_cache_dir() -> Path:
    env = os.environ.get("WASIXTASKS_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return (base / "wasixtasks").resolve()


@dataclass(frozen=True)
class Config(Layout):
    """The project's folders (a ``Layout``: every path comes from there) and its settings."""

    #: folders searched for pinned tarballs (by file name, verified by sha256) before any download
    mirror_dirs: tuple[Path, ...] = ()
    #: package name -> local source folder used instead of the pinned source (development)
    overrides: dict[str, Path] = field(default_factory=dict)
    #: "auto" picks wasix-clang when such an environment is active, else self-built
    toolchain: str = "auto"
    #: shared libraries a wasm .so may need without bundling them (check.shared-libs)
    allowed_shared_libs: tuple[str, ...] = ()
    #: the user's WASIX CPython (headers, sysconfigdata, python.wasm) for the wasix profile
    wasix_python: Path | None = None
    #: a build-machine CPython of the target's version (crossenv and CPython's own build)
    build_python: Path | None = None
    #: fetch Debian backups of pinned files without trying the upstream host first
    prefer_backup: bool = False
    #: default of `-j` (job slots shared by packages and their builds)
    jobs: int = 1

    @property
    def local_config_path(self) -> Path:
        env = os.environ.get("WASIXTASKS_LOCAL_CONFIG")
        return Path(env) if env else self.root / "wasixtasks.local.toml"

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes)

    @property
    def layout(self) -> Layout:
        return self


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
    }
    known = set(simple_dirs.values()) | {
        "mirror", "overrides", "toolchain", "allowed-shared-libs", "wasix-python", "jobs",
        "build-python", "prefer-backup",
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
        changes["toolchain"] = _profile(table["toolchain"], str(source))
    if "allowed-shared-libs" in table:
        allowed = table["allowed-shared-libs"]
        if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
            raise ConfigError(f"{source}: allowed-shared-libs must be a list of names")
        changes["allowed_shared_libs"] = tuple(allowed)
    if "wasix-python" in table:
        changes["wasix_python"] = _paths(base, table["wasix-python"], "wasix-python", source)[0]
    if "build-python" in table:
        changes["build_python"] = _paths(base, table["build-python"], "build-python", source)[0]
    if "prefer-backup" in table:
        if not isinstance(table["prefer-backup"], bool):
            raise ConfigError(f"{source}: prefer-backup must be true or false")
        changes["prefer_backup"] = table["prefer-backup"]
    if "jobs" in table:
        if not isinstance(table["jobs"], int) or table["jobs"] < 1:
            raise ConfigError(f"{source}: jobs must be a positive integer")
        changes["jobs"] = table["jobs"]
    return replace(cfg, **changes)


def _profile(value: object, source: str) -> str:
    if isinstance(value, str) and value in RETIRED_PROFILES:
        raise ConfigError(f"{source}: toolchain = {value!r}: {RETIRED_PROFILES[value]}")
    if value not in PROFILES:
        raise ConfigError(f"{source}: toolchain must be one of {', '.join(PROFILES)}")
    return str(value)


def load_config(root: Path | None = None) -> Config:
    """Read the configuration of the project at ``root`` (found from the cwd by default)."""
    root = (root or find_root()).resolve()
    cfg = Config(
        root=root,
        pkgs_dir=root / "pkgs",
        patches_dir=root / "patches",
        artifacts_dir=root / "artifacts",
        dist_dir=root / "dist",
        cache_dir=default_cache_dir(),
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
        cfg = replace(cfg, toolchain=_profile(env_tc, "WASIXTASKS_TOOLCHAIN"))
    env_py = os.environ.get("WASIXTASKS_WASIX_PYTHON")
    if env_py:
        cfg = replace(cfg, wasix_python=Path(env_py).resolve())
    if os.environ.get("WASIXTASKS_CACHE"):
        cfg = replace(cfg, cache_dir=default_cache_dir())
    return cfg

"""The published index: ``dist/`` generated from the artifacts every build vouches for.

``invoke index.generate`` publishes it; a wheel's test (``invoke test.wheel``) installs from
it, and publishes it first when it does not hold exactly the wheels of artifacts/ (as make
remakes a target older than its inputs), so a test never installs an outdated wheel.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import IndexGenerationError
from .fsutil import locked, sha256_file
from .index import MARKER, PACKAGES_DIR, IndexSummary, generate_index
from .pipelines.stamps import require_all_stamped
from .run import Log, run


def publish_index(cfg: Config, *, title: str = "wasixtasks",
                  wheels_only: bool = False) -> IndexSummary:
    """Generate ``dist/`` from artifacts/; every wheel and library tarball there must be
    vouched for by a successful build (a failed rebuild leaves its old artifact unstamped).
    ``wheels_only``: only the wheels, which are all the index publishes (a wheel's test
    must not fail because some library's rebuild failed or is running)."""
    artifacts = [*cfg.artifacts_dir.glob("*.whl")]
    if not wheels_only:
        artifacts += cfg.artifacts_dir.glob("*.tar.xz")
    require_all_stamped(cfg, sorted(artifacts), step="index")
    log = Log("index", cfg.pkgs_dir / "index.log")
    log.open(truncate=True)
    with locked(_lock(cfg)):
        return generate_index(cfg.artifacts_dir, cfg.dist_dir, log=log, title=title)


def index_is_current(cfg: Config) -> bool:
    """Whether ``dist/`` publishes exactly the wheels of artifacts/, byte for byte."""
    if not (cfg.dist_dir / MARKER).is_file():
        return False
    built = {p.name: p for p in cfg.artifacts_dir.glob("*.whl")}
    published = {p.name: p for p in (cfg.dist_dir / PACKAGES_DIR).glob("*.whl")}
    return built.keys() == published.keys() and all(
        sha256_file(built[n]) == sha256_file(published[n]) for n in built)


def current_index(cfg: Config) -> tuple[Path, IndexSummary | None]:
    """``dist/``, published again first if it is not current (the summary says so)."""
    with locked(_lock(cfg)):
        if index_is_current(cfg):
            return cfg.dist_dir, None
    return cfg.dist_dir, publish_index(cfg, wheels_only=True)


def _lock(cfg: Config) -> Path:
    """Held while dist/ is checked or published (next to the package locks)."""
    return cfg.pkgs_dir / "index.lock"


@dataclass(frozen=True)
class Resolution:
    """What ``pip download`` took from the index for a set of requirements."""

    requirements: tuple[str, ...]
    files: tuple[str, ...]
    platform: str
    python_version: str


def resolve_from_index(cfg: Config, requirements: Sequence[str], *, platform: str,
                       python_version: str) -> Resolution:
    """Resolve ``requirements`` with their dependencies from ``dist/`` alone, as a WASIX user's
    pip would: ``pip download --isolated`` (no configuration, no other index) for the target's
    platform and Python, binaries only. Every file pip took must be byte-identical to one the
    index publishes. The log is pkgs/index.log."""
    log = Log("index", cfg.pkgs_dir / "index.log")
    log.open()
    log.enter("resolve")
    with locked(_lock(cfg)):
        if not (cfg.dist_dir / MARKER).is_file():
            raise IndexGenerationError("there is no published index: run `invoke index.generate`",
                                       package="index", step="resolve", log=log.path)
        with tempfile.TemporaryDirectory(prefix="wasixtasks-resolve-") as tmp:
            run([sys.executable, "-m", "pip", "download", "--isolated", "--no-cache-dir",
                 "--disable-pip-version-check", "--index-url",
                 (cfg.dist_dir / "simple").resolve().as_uri(), "--platform", platform,
                 "--python-version", python_version, "--only-binary=:all:", "--dest", tmp,
                 *requirements], log=log, env={**os.environ, "PIP_NO_INPUT": "1"})
            files = sorted(p.name for p in Path(tmp).iterdir())
            for name in files:
                published = cfg.dist_dir / PACKAGES_DIR / name
                if not published.is_file() or \
                        sha256_file(published) != sha256_file(Path(tmp) / name):
                    raise IndexGenerationError(
                        f"pip took {name}, which the index does not publish",
                        package="index", step="resolve", log=log.path)
    for name in files:
        log.write(f"resolved: {name}")
    return Resolution(tuple(requirements), tuple(files), platform, python_version)

"""Runs the package graph: parallel jobs, up-to-date stamps, keep-going, and a summary.

A package is up to date when its stamp (``pkgs/<name>.stamp``) holds the hash of all its
inputs and its artifact is still the one the stamp recorded. Inputs: the recipe file, the
source pin (or the override folder's fingerprint), the patches, the toolchain fingerprint,
the wasixtasks version and the input hashes of its dependencies. mtime alone is not enough:
the seed's Makefile missed toolchain changes.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .builder import build_one, log_path
from .config import Config
from .errors import BuildsFailed, WasixError
from .graph import build_order, dependents, sorter
from .registry import Registry
from .run import Log, console
from .sources import sha256_file, source_pin
from .toolchain import Toolchain


@dataclass
class Outcome:
    name: str
    status: str  # built | up to date | failed | skipped
    seconds: float = 0.0
    log: Path | None = None
    detail: str = ""
    artifact: Path | None = None
    step: str = ""


def input_hashes(registry: Registry, cfg: Config, toolchain: Toolchain, names: Iterable[str]) -> dict[str, str]:
    """The input hash of every package in the closure of ``names``."""
    fingerprint = toolchain.fingerprint()
    hashes: dict[str, str] = {}
    for name in build_order(registry, names):
        recipe = registry.get(name)
        h = hashlib.sha256()
        h.update(f"wasixtasks {__version__}\n{fingerprint}\n".encode())
        h.update(recipe.file.read_bytes())
        h.update(source_pin(recipe, cfg).encode())
        for patch in recipe.patches:
            h.update(patch.name.encode() + b"\0" + patch.read_bytes())
        for dep in sorted(recipe.deps):
            h.update(f"{dep}={hashes[dep]}\n".encode())
        if recipe.static_libs:
            h.update(b"static")
        hashes[name] = h.hexdigest()
    return hashes


def stamp_path(cfg: Config, name: str) -> Path:
    return cfg.pkgs_dir / f"{name}.stamp"


def read_stamp(cfg: Config, name: str) -> dict[str, str] | None:
    try:
        data = json.loads(stamp_path(cfg, name).read_text())
        return {k: str(v) for k, v in data.items()}
    except (OSError, ValueError):
        return None


def is_up_to_date(cfg: Config, name: str, inputs: str) -> Path | None:
    """The recorded artifact when the stamp matches ``inputs`` and the artifact is intact."""
    stamp = read_stamp(cfg, name)
    if stamp is None or stamp.get("inputs") != inputs:
        return None
    artifact = cfg.root / stamp.get("artifact", "")
    if not artifact.is_file() or sha256_file(artifact) != stamp.get("artifact_sha256"):
        return None
    return artifact


def write_stamp(cfg: Config, name: str, inputs: str, artifact: Path) -> None:
    path = stamp_path(cfg, name)
    rel = os.path.relpath(artifact, cfg.root)
    data = {"inputs": inputs, "artifact": rel, "artifact_sha256": sha256_file(artifact)}
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def _job(
    name: str, registry: Registry, cfg: Config, toolchain: Toolchain, inputs: str,
    force: bool, jobs: int, quiet: bool,
) -> Outcome:
    start = time.monotonic()
    log = Log(name, log_path(cfg, name), quiet=quiet)
    if not force:
        artifact = is_up_to_date(cfg, name, inputs)
        if artifact is not None:
            return Outcome(name, "up to date", 0.0, log.path, artifact=artifact)
    log.open(truncate=True)
    stamp_path(cfg, name).unlink(missing_ok=True)
    console(f"[{name}] building (log: {log.path})")
    recipe = registry.get(name)
    try:
        built = build_one(recipe, registry, cfg, toolchain, log, jobs)
    except WasixError as exc:
        # helpers that do not know the package (archive checks, patch parsing) raise errors
        # without it: the log knows the package, the step and its own path
        exc.package = exc.package or name
        exc.step = exc.step or log.step
        exc.log = exc.log or log.path
        log.write(exc.one_line())
        raise
    write_stamp(cfg, name, inputs, built.artifact)
    return Outcome(name, "built", time.monotonic() - start, log.path, artifact=built.artifact)


def run_graph(
    registry: Registry,
    cfg: Config,
    toolchain: Toolchain,
    names: Iterable[str],
    *,
    jobs: int = 1,
    keep_going: bool = False,
    force: Iterable[str] = (),
    quiet: bool = False,
) -> list[Outcome]:
    """Build ``names`` and their dependencies; returns one outcome per package."""
    names = list(names)
    ts = sorter(registry, names)  # raises GraphError on cycles before anything runs
    toolchain.require()
    hashes = input_hashes(registry, cfg, toolchain, names)
    forced = set(force)
    per_package_jobs = max(1, (os.cpu_count() or 1) // max(1, jobs))
    outcomes: dict[str, Outcome] = {}
    stop = False
    with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        running: dict[cf.Future[Outcome], str] = {}
        # ready but not submitted: only as many packages as there are jobs are handed to the
        # pool, so that a failure (without keep_going) stops everything not yet started
        pending: list[str] = []
        while ts.is_active():
            if not stop:
                pending.extend(sorted(ts.get_ready()))
                while pending and len(running) < max(1, jobs):
                    name = pending.pop(0)
                    fut = pool.submit(
                        _job, name, registry, cfg, toolchain, hashes[name], name in forced,
                        per_package_jobs, quiet,
                    )
                    running[fut] = name
            if not running:
                break
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                name = running.pop(fut)
                try:
                    outcome = fut.result()
                except WasixError as exc:
                    log = exc.log or log_path(cfg, name)
                    outcome = Outcome(name, "failed", 0.0, log, detail=exc.message, step=exc.step or "")
                    if exc.hint:
                        console(f"[{name}] hint: {exc.hint}")
                    console(exc.one_line())
                    if not keep_going:
                        stop = True
                except Exception as exc:  # a bug or an unexpected OS error: still summarised
                    log = log_path(cfg, name)
                    Log(name, log).write(f"internal error: {type(exc).__name__}: {exc}")
                    outcome = Outcome(name, "failed", 0.0, log, detail=f"{type(exc).__name__}: {exc}")
                    console(f"error: [{name}] {type(exc).__name__}: {exc} (log: {log})")
                    if not keep_going:
                        stop = True
                outcomes[name] = outcome
                if outcome.status != "failed":
                    ts.done(name)
    failed = [o.name for o in outcomes.values() if o.status == "failed"]
    for name in build_order(registry, names):
        if name in outcomes:
            continue
        blockers = [f for f in failed if name in dependents(registry, f)]
        reason = f"blocked by {', '.join(blockers)}" if blockers else "not started (stopped after a failure)"
        outcomes[name] = Outcome(name, "skipped", detail=reason)
    order = build_order(registry, names)
    return [outcomes[n] for n in order]


def summary(outcomes: list[Outcome]) -> str:
    """The closing table: built, up to date, failed, skipped; failures with first error + log."""
    width = max([len(o.name) for o in outcomes] + [7])
    lines = [f"{'package':<{width}}  {'status':<10}  {'time':>7}  detail"]
    for o in outcomes:
        t = f"{o.seconds:6.1f}s" if o.status == "built" else ""
        detail = o.detail
        if o.status == "failed" and o.log:
            detail = f"{o.detail} (log: {o.log})"
        lines.append(f"{o.name:<{width}}  {o.status:<10}  {t:>7}  {detail}".rstrip())
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("built", "up to date", "failed", "skipped")}
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)


def raise_if_failed(outcomes: list[Outcome]) -> None:
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        first = failed[0]
        raise BuildsFailed(
            f"{len(failed)} package(s) failed: {first.detail}",
            package=first.name,
            step=first.step or None,
            log=first.log,
        )

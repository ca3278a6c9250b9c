"""The source stages on their own: fetch, prepare, export patches."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..patches import ensure_prepared, export_patches
from ..pins import announce_override
from ..pipelines.common import Engine
from ..run import Log, console
from ..sources import ensure_source


def fetch(engine: Engine, names: Iterable[str]) -> list[Path]:
    out = []
    for name in names:
        recipe = engine.registry.get(name)
        log = Log(name, engine.cfg.layout.package(name).log)
        log.enter("fetch")
        announce_override(recipe, engine.cfg, log)
        src, state = ensure_source(recipe, engine.cfg, log)
        console(f"[{name}] source ready: {src} ({state.origin or 'pinned file'})")
        out.append(src)
    return out


def prepare(engine: Engine, names: Iterable[str]) -> list[Path]:
    out = []
    for name in names:
        log = Log(name, engine.cfg.layout.package(name).log)
        log.enter("prepare")
        out.append(ensure_prepared(engine.registry.get(name), engine.cfg, log))
        console(f"[{name}] prepared: {out[-1]}")
    return out


def export(engine: Engine, name: str) -> list[Path]:
    log = Log(name, engine.cfg.layout.package(name).log)
    log.enter("export-patches")
    return export_patches(engine.registry.get(name), engine.cfg, log)

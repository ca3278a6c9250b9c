"""`invoke list` and `invoke graph`."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import WasixError
from ..pipelines import stamps
from ..pipelines.common import Engine


def package_table(engine: Engine) -> str:
    """One line per recipe: name, kind, version (and the catalog's, when it differs),
    state, dependencies, and the source actually built when it is not the pinned file."""
    try:
        hashes = engine.hashes()
    except WasixError:
        hashes = {}
    rows = [("package", "kind", "version", "status", "depends on", "note")]
    for r in engine.registry:
        paths = engine.cfg.layout.package(r.name)
        stamp = stamps.read_stamp(paths.stamp)
        current = r.name in hashes and stamps.is_current(stamp, hashes[r.name], engine.cfg.root)
        version = r.version + (f" (catalog {r.catalog_version})" if r.catalog_version else "")
        notes = [f"blocked: {r.blocked}" if r.blocked else "", r.version_note or ""]
        if stamp is not None and stamp.origin:
            notes.append(f"built from {stamp.origin}")
        state = "blocked" if r.blocked else "up to date" if current else "-"
        rows.append((r.name, r.kind.value, version, state,
                     ", ".join(engine.graph.edges[r.name]) or "-",
                     "; ".join(n for n in notes if n)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths)), row[-1]]).rstrip() for row in rows
    )


def graph_text(engine: Engine, names: Iterable[str] | None = None, dot: bool = False) -> str:
    wanted = list(names) if names else engine.registry.names()
    edges = engine.graph.sub(wanted)
    if dot:
        lines = ["digraph wasixtasks {"]
        for node in sorted(edges):
            lines.append(f'  "{node}";')
            lines += [f'  "{node}" -> "{dep}";' for dep in sorted(edges[node])]
        return "\n".join(lines + ["}"])
    return "\n".join(
        f"{i + 1:3d}. {n}" + (f"  <- {', '.join(sorted(edges[n]))}" if edges[n] else "")
        for i, n in enumerate(engine.graph.order(wanted))
    )

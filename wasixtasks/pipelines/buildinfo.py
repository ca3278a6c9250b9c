"""What an artifact says about how it was made: ``wasixtasks.json`` in every artifact.

A library tarball holds it at ``usr/local/share/wasixtasks/<name>.json`` (toolchain packages
at ``share/wasixtasks/<name>.json``, their tree being the compiler root's), a wheel in its
``.dist-info/``. It names the recipe's version, the catalog's version when the two differ
(with the recipe's reason), the source pin, and, when the built tree was not the pinned file
or commit itself (a declared substitute, a local override), what was built instead.

The content depends on the build's inputs only (no time, no host, no folder, and not where an
identical copy of the pinned file was fetched from), so two builds of the same inputs write the
same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

from .. import __version__
from ..layout import PREFIX
from ..recipe import Kind, Recipe
from ..toolchain.model import Toolchain

FILE_NAME = "wasixtasks.json"


def build_info(recipe: Recipe, toolchain: Toolchain, *, origin: str, exact: bool) -> bytes:
    """The JSON document (sorted keys, trailing newline)."""
    source: dict[str, object] = {"pin": recipe.source.pin(), "exact": exact}
    if not exact:
        source["built_from"] = origin
    info: dict[str, object] = {
        "name": recipe.name,
        "kind": recipe.kind.value,
        "version": recipe.version,
        "source": source,
        "toolchain": {"profile": toolchain.profile, "fingerprint": toolchain.fingerprint()},
        "built_by": f"wasixtasks {__version__}",
    }
    if recipe.catalog_version and recipe.catalog_version != recipe.version:
        info["catalog_version"] = recipe.catalog_version
        if recipe.version_note:
            info["version_note"] = recipe.version_note
    return (json.dumps(info, indent=2, sort_keys=True) + "\n").encode()


def library_path(recipe: Recipe) -> PurePosixPath:
    """Where a library (or toolchain package) tarball holds its build info."""
    share = PurePosixPath("share") if recipe.kind is Kind.TOOLCHAIN else \
        PurePosixPath(PREFIX.lstrip("/")) / "share"
    return share / "wasixtasks" / f"{recipe.name}.json"


def write_into_tree(destdir: Path, recipe: Recipe, data: bytes) -> Path:
    path = destdir / library_path(recipe)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path

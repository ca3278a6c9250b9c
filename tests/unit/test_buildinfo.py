"""The build info every artifact carries (wasixtasks.json): inputs only, so it is reproducible,
and the version and source actually built when they are not the pin's."""

from __future__ import annotations

import json
from pathlib import Path

from wasixtasks import __version__
from wasixtasks.pipelines.buildinfo import build_info, library_path, write_into_tree
from wasixtasks.recipe import Debian, Kind, Recipe, Url, declare
from wasixtasks.toolchain.model import Toolchain

SHA = "a" * 64


def toolchain(profile: str = "self-built", identity: dict[str, str] | None = None) -> Toolchain:
    return Toolchain(profile=profile, tools={}, runner=(), identity=identity or {"zig": "0.17.1"})


def recipe(kind: Kind = Kind.LIBRARY, **fields: object) -> Recipe:
    return declare(kind, None, name="demo", version=str(fields.pop("version", "1.0")),
                   source=fields.pop("source", Url("https://example.invalid/demo-1.0.tar.gz",
                                                   sha256=SHA)), **fields)


def test_the_pinned_source_itself() -> None:
    info = json.loads(build_info(recipe(), toolchain(), origin="mirror", exact=True))
    assert info == {
        "name": "demo", "kind": "library", "version": "1.0",
        "source": {"pin": f"url:https://example.invalid/demo-1.0.tar.gz#sha256={SHA}",
                   "exact": True},
        "toolchain": {"profile": "self-built", "fingerprint": toolchain().fingerprint()},
        "built_by": f"wasixtasks {__version__}",
    }


def test_where_an_identical_copy_came_from_changes_nothing() -> None:
    one = build_info(recipe(), toolchain(), origin="mirror", exact=True)
    two = build_info(recipe(), toolchain(), origin="download cache", exact=True)
    assert one == two and one.endswith(b"\n")


def test_a_substitute_and_the_catalog_version_are_named() -> None:
    r = recipe(version="1.6.48", source=Debian("libpng1.6", "1.6.48-1", sha256=SHA),
               catalog_version="1.6.50", version_note="1.6.50 cannot be had here")
    info = json.loads(build_info(r, toolchain(), origin="Debian libpng1.6 1.6.48-1 repack",
                                 exact=False))
    assert info["version"] == "1.6.48"
    assert info["catalog_version"] == "1.6.50"
    assert info["version_note"] == "1.6.50 cannot be had here"
    assert info["source"] == {"pin": f"debian:libpng1.6=1.6.48-1#sha256={SHA}", "exact": False,
                              "built_from": "Debian libpng1.6 1.6.48-1 repack"}


def test_another_toolchain_gives_another_fingerprint() -> None:
    one = json.loads(build_info(recipe(), toolchain(), origin="", exact=True))
    two = json.loads(build_info(recipe(), toolchain(identity={"zig": "0.18"}), origin="",
                                exact=True))
    three = json.loads(build_info(recipe(), toolchain("wasix-clang"), origin="", exact=True))
    prints = {one["toolchain"]["fingerprint"], two["toolchain"]["fingerprint"],
              three["toolchain"]["fingerprint"]}
    assert len(prints) == 3 and three["toolchain"]["profile"] == "wasix-clang"


def test_where_the_file_goes(tmp_path: Path) -> None:
    assert library_path(recipe()).as_posix() == "usr/local/share/wasixtasks/demo.json"
    assert library_path(recipe(Kind.TOOLCHAIN)).as_posix() == "share/wasixtasks/demo.json"
    path = write_into_tree(tmp_path, recipe(), b"{}\n")
    assert path == tmp_path / "usr/local/share/wasixtasks/demo.json"
    assert path.read_bytes() == b"{}\n"

"""Tests of wasixtasks.layout, the one owner of paths: the seed's stage folder names, what
``clean`` may remove, and the shared caches under the cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasixtasks.config import Config
from wasixtasks.layout import (
    INCLUDEDIR,
    LIBDIR,
    PREFIX,
    SOURCE_SUFFIXES,
    WORK_SUFFIXES,
    Layout,
    PackagePaths,
)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    root = tmp_path / "proj"
    return Layout(root, root / "pkgs", root / "patches", root / "artifacts", root / "dist",
                  tmp_path / "cache")


def test_sysroot_conventions_of_the_seed() -> None:
    assert PREFIX == "/usr/local"
    assert LIBDIR == "/usr/local/lib/wasm32-wasi"
    assert INCLUDEDIR == "/usr/local/include"
    assert LIBDIR.startswith(PREFIX + "/") and INCLUDEDIR.startswith(PREFIX + "/")


def test_package_paths_keep_the_seed_stage_names(layout: Layout) -> None:
    p = layout.package("zlib")
    assert isinstance(p, PackagePaths)
    pkgs = layout.pkgs_dir
    assert {
        "source": p.source, "prepared": p.prepared, "prepared_state": p.prepared_state,
        "build": p.build, "sysroot": p.sysroot, "tools": p.tools, "lib": p.lib,
        "wheel_out": p.wheel_out, "test": p.test, "log": p.log, "test_log": p.test_log,
        "stamp": p.stamp, "lock": p.lock,
    } == {
        "source": pkgs / "zlib.source", "prepared": pkgs / "zlib.prepared",
        "prepared_state": pkgs / "zlib.prepared.json", "build": pkgs / "zlib.build",
        "sysroot": pkgs / "zlib.sysroot", "tools": pkgs / "zlib.tools", "lib": pkgs / "zlib.lib",
        "wheel_out": pkgs / "zlib.wheel", "test": pkgs / "zlib.test", "log": pkgs / "zlib.log",
        "test_log": pkgs / "zlib.test.log", "stamp": pkgs / "zlib.stamp",
        "lock": pkgs / "zlib.lock",
    }
    assert p.library_artifact == layout.artifacts_dir / "zlib.tar.xz"


def test_work_entries_leave_sources_alone_unless_asked(layout: Layout) -> None:
    p = layout.package("xz")
    work = p.work_entries()
    assert work == [layout.pkgs_dir / f"xz{s}" for s in WORK_SUFFIXES]
    assert p.source not in work and p.prepared not in work and p.prepared_state not in work
    assert p.stamp in work and p.log in work and p.build in work and p.lib in work
    with_sources = p.work_entries(sources=True)
    assert with_sources == work + [layout.pkgs_dir / f"xz{s}" for s in SOURCE_SUFFIXES]
    # the artifact is never a work entry
    assert p.library_artifact not in with_sources


def test_work_entries_include_leftovers_of_killed_runs_of_this_package_only(layout: Layout) -> None:
    pkgs = layout.pkgs_dir
    pkgs.mkdir(parents=True)
    mine = [pkgs / "xz.lib.partial", pkgs / "xz.source.partial", pkgs / "xz.lib.old.partial"]
    theirs = [pkgs / "xz-utils.lib.partial", pkgs / "xzz.lib.partial"]
    for path in mine + theirs:
        path.mkdir()
    entries = layout.package("xz").work_entries()
    assert sorted(e for e in entries if ".partial" in e.name) == sorted(mine)


def test_shared_caches_live_under_the_cache_folder(layout: Layout) -> None:
    cache = layout.cache_dir
    assert layout.downloads == cache / "sha256"
    assert layout.quarantine == cache / "quarantine"
    assert layout.toolchains == cache / "toolchains"
    assert layout.artifact_cache == cache / "artifacts"
    assert layout.debian == cache / "debian"
    assert layout.wasmer_cache == cache / "wasmer"
    assert layout.host_tools == cache / "host"
    # every one of them is distinct: no cache can clobber another
    folders = [layout.downloads, layout.quarantine, layout.toolchains, layout.artifact_cache,
               layout.debian, layout.wasmer_cache, layout.host_tools]
    assert len(set(folders)) == len(folders)
    assert not any(f.is_relative_to(layout.root) for f in folders)


def test_the_config_layout_of_a_test_project(cfg: Config) -> None:
    layout = cfg.layout
    assert layout.package("foo").stamp == cfg.pkgs_dir / "foo.stamp"
    assert layout.package("foo").library_artifact == cfg.artifacts_dir / "foo.tar.xz"
    assert layout.downloads == cfg.root / ".cache" / "sha256"

"""Tests of wasixtasks.pipelines.stamps: what the input hash depends on (and what it does not),
when a stamp says "up to date", and the shared artifact cache (store/restore and the cases it
refuses). No build runs: artifacts are files written by the tests."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers.project import (
    add_library,
    engine_of,
    leftovers,
    patch_text,
    write_patch,
)
from wasixtasks.config import Config
from wasixtasks.errors import BuildError
from wasixtasks.pipelines import stamps
from wasixtasks.pipelines.stamps import (
    KIND_LOGIC,
    Stamp,
    input_hash,
    is_current,
    make_stamp,
    module_hash,
    read_stamp,
    restore,
    store,
    write_stamp,
)
from wasixtasks.recipe import Kind, Recipe, Url
from wasixtasks.registry import Registry

TC = "zig=0.17.1,drivers=abc"
MAKE = "wasixtasks.stages.make"
INSTALL = "wasixtasks.stages.install"



@pytest.fixture
def fresh_module_hashes(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The per-process cache of module hashes, emptied for the test (and restored after)."""
    cache: dict[str, str] = {}
    monkeypatch.setattr(stamps, "_module_hashes", cache)
    return cache


def load(cfg: Config, name: str = "foo") -> Recipe:
    return Registry.load(cfg).get(name)


@pytest.fixture
def foo(cfg: Config) -> Recipe:
    add_library(cfg.root, "foo")
    return load(cfg)


def h(recipe: Recipe, cfg: Config, tc: str = TC, deps: dict[str, str] | None = None) -> str:
    return input_hash(recipe, cfg, tc, deps or {})


# --------------------------------------------------------------------------- module hashes


def test_module_hash_is_the_hash_of_the_source_file(fresh_module_hashes: dict[str, str]) -> None:
    import wasixtasks.stages.install as module

    expected = hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest()
    assert module_hash(INSTALL) == expected
    assert fresh_module_hashes == {INSTALL: expected}  # computed once per process
    assert module_hash("wasixtasks.no_such_module") == "missing"


def test_logic_hashes_are_sorted_by_module() -> None:
    assert list(stamps.logic_hashes([MAKE, INSTALL])) == [INSTALL, MAKE]


def test_kind_logic_names_real_modules() -> None:
    for kind in Kind:
        assert KIND_LOGIC[kind], kind
        for name in KIND_LOGIC[kind]:
            assert module_hash(name) != "missing", name
    # the stage helpers are recorded per build, not part of every build's inputs
    assert MAKE not in KIND_LOGIC[Kind.LIBRARY] and INSTALL not in KIND_LOGIC[Kind.LIBRARY]


# --------------------------------------------------------------------------- input hash


def test_input_hash_is_deterministic(cfg: Config, foo: Recipe) -> None:
    assert h(foo, cfg) == h(foo, cfg) == h(load(cfg), cfg)
    assert len(h(foo, cfg)) == 64
    # the order of the dependencies given does not matter
    assert h(foo, cfg, deps={"a": "1", "b": "2"}) == h(foo, cfg, deps={"b": "2", "a": "1"})


def test_input_hash_changes_with_the_recipe_file(cfg: Config, foo: Recipe) -> None:
    before = h(foo, cfg)
    foo.file.write_text(foo.file.read_text() + "# a comment is an edit too\n")
    assert h(load(cfg), cfg) != before


def test_input_hash_changes_with_the_source_pin(cfg: Config, foo: Recipe) -> None:
    source = foo.source
    assert isinstance(source, Url)
    before = h(foo, cfg)
    assert h(replace(foo, source=replace(source, sha256="e" * 64)), cfg) != before
    assert h(replace(foo, source=replace(source, url=source.url + ".new")), cfg) != before
    assert h(replace(foo, source=replace(source, subdirs=("src",))), cfg) != before


def test_input_hash_changes_with_an_override_and_its_content(cfg: Config, foo: Recipe,
                                                             tmp_path: Path) -> None:
    local = tmp_path / "foo-src"
    local.mkdir()
    (local / "foo.h").write_text("1\n")
    before = h(foo, cfg)
    overridden = cfg.with_(overrides={"foo": local})
    with_override = h(foo, overridden)
    assert with_override != before
    (local / "foo.h").write_text("2, longer\n")
    assert h(foo, overridden) != with_override


def test_input_hash_changes_with_the_patches(cfg: Config, foo: Recipe) -> None:
    before = h(foo, cfg)
    patch = write_patch(cfg.root, "foo-0001-fix.patch", patch_text("foo.h", "a", "b"))
    with_patch = h(load(cfg), cfg)
    assert with_patch != before
    patch.write_text(patch_text("foo.h", "a", "c"))
    edited = h(load(cfg), cfg)
    assert edited != with_patch
    patch.rename(cfg.patches_dir / "foo-0001-renamed.patch")
    assert h(load(cfg), cfg) != edited
    (cfg.patches_dir / "foo-0001-renamed.patch").unlink()
    assert h(load(cfg), cfg) == before


def test_input_hash_changes_with_the_dependencies(cfg: Config, foo: Recipe) -> None:
    alone = h(foo, cfg)
    with_dep = h(foo, cfg, deps={"base": "1" * 64})
    assert len({alone, with_dep, h(foo, cfg, deps={"base": "2" * 64}),
                h(foo, cfg, deps={"other": "1" * 64})}) == 4


def test_input_hash_changes_with_the_toolchain_identity(cfg: Config, foo: Recipe) -> None:
    assert h(foo, cfg, tc="zig=0.17.1") != h(foo, cfg, tc="zig=0.17.2")


def test_input_hash_changes_with_the_kind_and_static_linking(cfg: Config, foo: Recipe) -> None:
    before = h(foo, cfg)
    assert h(replace(foo, kind=Kind.TOOLCHAIN), cfg) != before
    assert h(replace(foo, static_libs=True), cfg) != before


def test_input_hash_follows_the_logic_modules_of_its_kind(
    cfg: Config, foo: Recipe, fresh_module_hashes: dict[str, str]
) -> None:
    library = h(foo, cfg)
    # a module every wheel build runs, but no library build: libraries are unaffected
    fresh_module_hashes["wasixtasks.wheels"] = "edited"
    assert h(foo, cfg) == library
    # the library pipeline itself: every library is affected
    fresh_module_hashes["wasixtasks.pipelines.library"] = "edited"
    assert h(foo, cfg) != library


def test_engine_hashes_chain_through_dependencies(cfg: Config) -> None:
    add_library(cfg.root, "base")
    add_library(cfg.root, "mid", libs=["base"])
    add_library(cfg.root, "top", libs=["mid"])
    add_library(cfg.root, "lone")
    before = engine_of(cfg).hashes()
    assert set(before) == {"base", "mid", "top", "lone"}
    assert engine_of(cfg).input_hash("top") == before["top"]
    recipe = cfg.pkgs_dir / "base.py"
    recipe.write_text(recipe.read_text() + "# edited\n")
    after = engine_of(cfg).hashes()
    # base changed, and everything built on it; lone did not
    assert {n for n in before if before[n] != after[n]} == {"base", "mid", "top"}
    # only what is asked for (and what it needs) is computed
    assert set(engine_of(cfg).hashes(["mid"])) == {"base", "mid"}


# --------------------------------------------------------------------------- stamps


def artifact(cfg: Config, name: str = "foo", data: bytes = b"artifact bytes") -> Path:
    path = cfg.artifacts_dir / f"{name}.tar.xz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_make_stamp(cfg: Config) -> None:
    art = artifact(cfg)
    stamp = make_stamp(cfg, "i" * 64, art, [MAKE, INSTALL], origin="Debian foo 1.0-1")
    assert stamp == Stamp("i" * 64, "artifacts/foo.tar.xz",
                          hashlib.sha256(b"artifact bytes").hexdigest(),
                          {INSTALL: module_hash(INSTALL), MAKE: module_hash(MAKE)},
                          "Debian foo 1.0-1")


def test_stamp_round_trip(cfg: Config) -> None:
    stamp = make_stamp(cfg, "i" * 64, artifact(cfg), [MAKE])
    path = cfg.layout.package("foo").stamp
    write_stamp(path, stamp)
    assert read_stamp(path) == stamp
    assert json.loads(path.read_text())["inputs"] == "i" * 64
    assert leftovers(cfg.root) == []


@pytest.mark.parametrize("text", ["", "{not json", "[]", '{"inputs": "x"}', '"a string"'])
def test_unreadable_stamps_are_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "foo.stamp"
    path.write_text(text)
    assert read_stamp(path) is None
    assert read_stamp(tmp_path / "missing.stamp") is None


def test_a_stamp_without_logic_or_origin_is_read(tmp_path: Path) -> None:
    path = tmp_path / "foo.stamp"
    path.write_text('{"inputs": "i", "artifact": "a", "artifact_sha256": "s"}')
    assert read_stamp(path) == Stamp("i", "a", "s", {}, "")


def test_is_current(cfg: Config) -> None:
    art = artifact(cfg)
    stamp = make_stamp(cfg, "i" * 64, art, [MAKE])
    assert is_current(stamp, "i" * 64, cfg.root) == art
    assert is_current(None, "i" * 64, cfg.root) is None
    assert is_current(stamp, "j" * 64, cfg.root) is None  # other inputs


def test_a_changed_or_missing_artifact_is_not_current(cfg: Config) -> None:
    art = artifact(cfg)
    stamp = make_stamp(cfg, "i" * 64, art, [])
    art.write_bytes(b"artifact bytes, replaced by hand")
    assert is_current(stamp, "i" * 64, cfg.root) is None
    art.unlink()
    assert is_current(stamp, "i" * 64, cfg.root) is None


def test_a_changed_helper_module_is_not_current(cfg: Config) -> None:
    art = artifact(cfg)
    stamp = make_stamp(cfg, "i" * 64, art, [MAKE, INSTALL])
    assert is_current(stamp, "i" * 64, cfg.root) == art
    # what a stamp written before an edit of the install helpers looks like
    older = replace(stamp, logic={**stamp.logic, INSTALL: "0" * 64})
    path = cfg.layout.package("foo").stamp
    write_stamp(path, older)
    assert is_current(read_stamp(path), "i" * 64, cfg.root) is None
    # a helper module that no longer exists
    gone = replace(stamp, logic={"wasixtasks.stages.retired": "0" * 64})
    assert is_current(gone, "i" * 64, cfg.root) is None


# --------------------------------------------------------------------------- artifact cache


def test_store_and_restore(cfg: Config, tmp_path: Path) -> None:
    art = artifact(cfg, data=b"built once")
    stamp = make_stamp(cfg, "i" * 64, art, [MAKE], origin="mirror x")
    store(cfg, "foo", stamp, art)
    entry = cfg.layout.artifact_cache / "foo" / ("i" * 32)
    assert sorted(p.name for p in entry.iterdir()) == ["foo.tar.xz", "stamp.json"]
    dest = tmp_path / "other-checkout" / "artifacts"
    restored = restore(cfg, "foo", "i" * 64, dest)
    assert restored is not None
    path, cached = restored
    assert path == dest / "foo.tar.xz"
    assert path.read_bytes() == b"built once"
    assert cached == stamp


def test_restore_refuses_other_inputs_and_missing_entries(cfg: Config, tmp_path: Path) -> None:
    art = artifact(cfg)
    store(cfg, "foo", make_stamp(cfg, "i" * 64, art, []), art)
    dest = tmp_path / "dest"
    assert restore(cfg, "foo", "j" * 64, dest) is None
    assert restore(cfg, "bar", "i" * 64, dest) is None
    # same first 32 digits, other inputs: the stamp in the entry tells them apart
    assert restore(cfg, "foo", "i" * 32 + "j" * 32, dest) is None
    assert not dest.exists()


def test_restore_refuses_when_the_helper_modules_changed(cfg: Config, tmp_path: Path) -> None:
    art = artifact(cfg)
    stamp = make_stamp(cfg, "i" * 64, art, [INSTALL])
    store(cfg, "foo", replace(stamp, logic={INSTALL: "0" * 64}), art)
    assert restore(cfg, "foo", "i" * 64, tmp_path / "dest") is None
    assert not (tmp_path / "dest").exists()


def test_restore_refuses_a_corrupted_cached_file(cfg: Config, tmp_path: Path) -> None:
    art = artifact(cfg)
    store(cfg, "foo", make_stamp(cfg, "i" * 64, art, []), art)
    cached = cfg.layout.artifact_cache / "foo" / ("i" * 32) / "foo.tar.xz"
    cached.write_bytes(b"flipped bits")
    assert restore(cfg, "foo", "i" * 64, tmp_path / "dest") is None
    cached.unlink()
    assert restore(cfg, "foo", "i" * 64, tmp_path / "dest") is None
    assert not (tmp_path / "dest").exists()


def test_store_is_best_effort(cfg: Config) -> None:
    art = artifact(cfg)
    # the cache folder cannot be created (a file is in the way): the build still succeeded
    cfg.layout.artifact_cache.parent.mkdir(parents=True, exist_ok=True)
    cfg.layout.artifact_cache.write_text("not a folder")
    store(cfg, "foo", make_stamp(cfg, "i" * 64, art, []), art)
    assert cfg.layout.artifact_cache.read_text() == "not a folder"


# --------------------------------------------------------------------------- stale artifacts


def test_a_stamped_artifact_is_accepted(cfg: Config) -> None:
    art = artifact(cfg)
    write_stamp(cfg.layout.package("foo").stamp, make_stamp(cfg, "i" * 64, art, []))
    assert stamps.stamped_artifacts(cfg) == {
        art.resolve(): ("foo", read_stamp(cfg.layout.package("foo").stamp))}
    stamps.require_stamped(cfg, art, step="install")  # no error


def test_an_artifact_without_a_stamp_is_refused_naming_the_log(cfg: Config) -> None:
    art = artifact(cfg)
    log = cfg.layout.package("foo").log
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("the failed build\n")
    with pytest.raises(BuildError) as caught:
        stamps.require_stamped(cfg, art, step="index")
    line = caught.value.one_line()
    assert "refusing the stale artifact foo.tar.xz" in line
    assert "last build failed" in line
    assert caught.value.step == "index"
    assert caught.value.log == log


def test_an_artifact_changed_after_its_stamp_is_refused(cfg: Config) -> None:
    art = artifact(cfg)
    write_stamp(cfg.layout.package("foo").stamp, make_stamp(cfg, "i" * 64, art, []))
    art.write_bytes(b"replaced by hand")
    with pytest.raises(BuildError, match="it changed after it was built"):
        stamps.require_stamped(cfg, art, step="install")


def test_a_wheel_is_vouched_for_by_its_package_stamp(cfg: Config) -> None:
    wheel = cfg.artifacts_dir / "demo_pkg-1.0-cp313-cp313-wasix_wasm32.whl"
    wheel.parent.mkdir(parents=True, exist_ok=True)
    wheel.write_bytes(b"wheel bytes")
    with pytest.raises(BuildError, match="stale artifact demo_pkg-1.0"):
        stamps.require_stamped(cfg, wheel, step="index")
    write_stamp(cfg.layout.package("demo-pkg").stamp, make_stamp(cfg, "i" * 64, wheel, []))
    stamps.require_stamped(cfg, wheel, step="index")

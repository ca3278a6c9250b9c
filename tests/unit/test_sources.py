"""wasixtasks.sources: pinned tarballs (mirror, cache), git commits, local overrides."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pygit2
import pytest

from tests.helpers.project import add_library, library_files, write_tarball
from wasixtasks.config import Config, load_config
from wasixtasks.errors import ChecksumError, SourceError
from wasixtasks.patches import ensure_prepared
from wasixtasks.recipe import Git, Recipe, Url
from wasixtasks.registry import Registry
from wasixtasks.run import Log
from wasixtasks.sources import ensure_source, fetch_url, read_state, sha256_file


def _recipe(project: Path, name: str = "foo") -> tuple[Config, Recipe]:
    add_library(project, name)
    cfg = load_config(project)
    return cfg, Registry.load(cfg).get(name)


def test_url_source_comes_from_the_mirror_and_is_imported_as_one_commit(project: Path) -> None:
    cfg, recipe = _recipe(project)
    src, state = ensure_source(recipe, cfg, Log("foo", project / "foo.log"))
    assert (src / "foo.h").is_file()
    repo = pygit2.Repository(str(src))
    assert str(repo.head.target) == state.commit
    commit = repo.head.peel(pygit2.Commit)
    assert commit.message.startswith("upstream foo 1.0")
    assert not commit.parents
    assert read_state(src) == state


def test_unchanged_pin_reuses_the_source(project: Path) -> None:
    cfg, recipe = _recipe(project)
    log = Log("foo", project / "foo.log")
    src, _ = ensure_source(recipe, cfg, log)
    marker = src / "local-edit"
    marker.write_text("kept")
    ensure_source(recipe, cfg, log)
    assert marker.read_text() == "kept"


def test_files_ignored_by_upstream_gitignore_are_still_imported(project: Path) -> None:
    files = {**library_files("foo"), ".gitignore": "configure\n", "configure": "#!/bin/sh\n"}
    sha = write_tarball(project, "foo-1.0.tar.gz", files)
    add_library(project, "foo", files=files)
    cfg = load_config(project)
    recipe = Registry.load(cfg).get("foo")
    assert isinstance(recipe.source, Url) and recipe.source.sha256 == sha
    src, _ = ensure_source(recipe, cfg, Log("foo", project / "foo.log"))
    tree = pygit2.Repository(str(src)).head.peel(pygit2.Commit).tree
    assert "configure" in tree


def test_mirror_file_with_another_hash_is_refused(project: Path) -> None:
    cfg, recipe = _recipe(project)
    assert isinstance(recipe.source, Url)
    (project / "mirror" / recipe.source.filename).write_bytes(b"tampered")
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        fetch_url(recipe.source, cfg, Log("foo", project / "foo.log"))


def test_unreachable_download_suggests_the_mirror(project: Path) -> None:
    cfg, _ = _recipe(project)
    source = Url("https://example.invalid/missing-1.0.tar.gz", sha256="a" * 64)
    with pytest.raises(SourceError) as err:
        fetch_url(source, cfg, Log("foo", project / "foo.log"))
    assert "cannot download" in err.value.message
    assert err.value.hint is not None and "mirror" in err.value.hint
    assert not list(cfg.cache_dir.rglob("*.partial*"))


def test_cached_download_is_used_without_the_mirror(project: Path) -> None:
    cfg, recipe = _recipe(project)
    assert isinstance(recipe.source, Url)
    mirror_file = project / "mirror" / recipe.source.filename
    cached = cfg.cache_dir / "sha256" / recipe.source.sha256 / recipe.source.filename
    cached.parent.mkdir(parents=True)
    cached.write_bytes(mirror_file.read_bytes())
    mirror_file.unlink()
    assert fetch_url(recipe.source, cfg, Log("foo", project / "foo.log")) == cached


def test_git_source_is_checked_out_at_the_pinned_commit(project: Path, tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    repo = pygit2.init_repository(str(upstream), initial_head="main")
    sig = pygit2.Signature("up", "up@example.invalid", 1_000_000_000, 0)
    shas = []
    for text in ("one\n", "two\n"):
        (upstream / "VERSION").write_text(text)
        repo.index.add("VERSION")
        repo.index.write()
        parents = [repo.head.target] if shas else []
        shas.append(str(repo.create_commit("HEAD", sig, sig, text, repo.index.write_tree(), parents)))
    cfg, recipe = _recipe(project)
    recipe = replace(recipe, source=Git(str(upstream), commit=shas[0]))
    src, state = ensure_source(recipe, cfg, Log("foo", project / "foo.log"))
    assert (src / "VERSION").read_text() == "one\n"
    assert state.commit == shas[0]


def test_override_is_used_and_announced_loudly(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "my-foo"
    local.mkdir()
    (local / "foo.h").write_text("#define FOO_LOCAL 1\n")
    cfg, recipe = _recipe(project)
    cfg = replace(cfg, overrides={"foo": local})
    log = Log("foo", project / "foo.log")
    prepared = ensure_prepared(recipe, cfg, log)
    assert (prepared / "foo.h").read_text() == "#define FOO_LOCAL 1\n"
    err = capsys.readouterr().err
    assert "SOURCE OVERRIDE" in err and str(local) in err
    assert "SOURCE OVERRIDE" in log.path.read_text()
    # every later build says it again, even when nothing has to be re-imported
    ensure_prepared(recipe, cfg, log)
    assert "SOURCE OVERRIDE" in capsys.readouterr().err
    # editing the override folder changes the pin, so the next build picks the edit up
    (local / "foo.h").write_text("#define FOO_LOCAL 2\n")
    prepared = ensure_prepared(recipe, cfg, log)
    assert (prepared / "foo.h").read_text() == "#define FOO_LOCAL 2\n"


def test_sha256_file(tmp_path: Path) -> None:
    f = tmp_path / "x"
    f.write_bytes(b"abc")
    assert sha256_file(f) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

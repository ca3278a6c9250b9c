"""Tests of wasixtasks.patches: patches/ applied as commits in ``.prepared``, exported back,
and unexported work protected (pygit2 only, no git executable)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pygit2
import pytest

from tests.helpers.project import (
    add_library,
    make_project,
    patch_text,
    write_patch,
)
from wasixtasks.config import Config, load_config
from wasixtasks.errors import PatchError
from wasixtasks.patches import (
    BRANCH,
    WORKTREE,
    ensure_prepared,
    export_patches,
    parse_patch,
    prepared_dir,
    unexported_work,
)
from wasixtasks.recipe import Recipe
from wasixtasks.registry import Registry
from wasixtasks.run import Log


FILES = {"hello.txt": "hello\n", "other.txt": "other\n", "Makefile": "install:\n\ttrue\n"}
JAN_2022_NOON = 1641038400


def recipe_of(cfg: Config, name: str = "foo") -> Recipe:
    """Load the registry afresh: the recipe's patch list is read from patches/ at load time."""
    return Registry.load(cfg).get(name)


def new_log(cfg: Config, name: str = "foo") -> Log:
    log = Log(name, cfg.pkgs_dir / f"{name}.log", quiet=True)
    log.enter("prepare")
    return log


def commits_after_base(folder: Path, base: str) -> list[pygit2.Commit]:
    repo = pygit2.Repository(str(folder))
    out: list[pygit2.Commit] = []
    commit = repo.head.peel(pygit2.Commit)
    while str(commit.id) != base:
        out.append(commit)
        commit = commit.parents[0]
    return list(reversed(out))


def base_of(cfg: Config, name: str = "foo") -> str:
    import json

    return str(json.loads((cfg.pkgs_dir / f"{name}.prepared.json").read_text())["base"])


def commit_in_prepared(folder: Path, rel: str, text: str, message: str,
                       who: tuple[str, str] = ("Dev One", "dev@example.org")) -> None:
    """What a developer does in .prepared: edit a file and commit it."""
    repo = pygit2.Repository(str(folder))
    (folder / rel).write_text(text)
    repo.index.read()
    repo.index.add(rel)
    repo.index.write()
    tree = repo.index.write_tree()
    sig = pygit2.Signature(who[0], who[1], 1_650_000_000, 0)
    repo.create_commit("HEAD", sig, sig, message, tree, [repo.head.target])


@pytest.fixture
def foo(cfg: Config) -> Config:
    add_library(cfg.root, "foo", files=FILES)
    return cfg


def test_prepare_without_patches_is_the_pristine_source(foo: Config) -> None:
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    assert folder == foo.pkgs_dir / "foo.prepared"
    assert (folder / "hello.txt").read_text() == "hello\n"
    assert commits_after_base(folder, base_of(foo)) == []
    assert (foo.pkgs_dir / "foo.source" / "hello.txt").read_text() == "hello\n"
    repo = pygit2.Repository(str(folder))
    assert repo.head.shorthand == BRANCH
    assert unexported_work(recipe_of(foo), foo) is None


def test_patches_become_commits_with_their_author_and_subject(foo: Config) -> None:
    write_patch(foo.root, "foo-0001-change-greeting.patch", patch_text(
        "hello.txt", "hello", "hello wasm", subject="Change greeting",
        body="The greeting names the target.",
    ))
    write_patch(foo.root, "foo-0002-other.patch", patch_text(
        "other.txt", "other", "other patched", subject="Patch the other file",
        author="Rob Second <rob@example.net>", date="Sun, 02 Jan 2022 12:00:00 +0000",
    ))
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    assert (folder / "hello.txt").read_text() == "hello wasm\n"
    assert (folder / "other.txt").read_text() == "other patched\n"
    first, second = commits_after_base(folder, base_of(foo))
    assert first.message == "Change greeting\n\nThe greeting names the target.\n"
    assert (first.author.name, first.author.email) == ("Jane Patcher", "jane@example.org")
    assert first.author.time == JAN_2022_NOON
    assert second.message == "Patch the other file\n"
    assert (second.author.name, second.author.email) == ("Rob Second", "rob@example.net")
    assert second.author.time == JAN_2022_NOON + 86400
    # the tree is clean: nothing left over from applying
    assert unexported_work(recipe_of(foo), foo) is None
    log_text = (foo.pkgs_dir / "foo.log").read_text()
    assert "applied foo-0001-change-greeting.patch" in log_text
    assert "applied foo-0002-other.patch" in log_text


def test_prepare_is_reused_while_nothing_changes(foo: Config) -> None:
    write_patch(foo.root, "foo-0001-g.patch", patch_text("hello.txt", "hello", "hi"))
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    os.utime(folder / "hello.txt", ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    head = str(pygit2.Repository(str(folder)).head.target)
    ensure_prepared(recipe_of(foo), foo, new_log(foo))
    # the same files, not a fresh checkout
    assert (folder / "hello.txt").stat().st_mtime_ns == 1_000_000_000_000_000_000
    assert str(pygit2.Repository(str(folder)).head.target) == head


def test_a_source_state_an_older_version_wrote_is_fetched_again(foo: Config) -> None:
    import json

    from wasixtasks.sources import PIN_FILE, read_state

    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    pin_file = foo.pkgs_dir / "foo.source" / ".git" / PIN_FILE
    old = json.loads(pin_file.read_text())
    pin_file.write_text(json.dumps({k: v for k, v in old.items() if k != "exact"}))
    assert read_state(foo.pkgs_dir / "foo.source") is None
    again = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    assert again == folder and (again / "hello.txt").read_text() == "hello\n"
    assert json.loads(pin_file.read_text())["exact"] is True  # fetched and recorded again


def test_changing_a_patch_recreates_a_clean_prepared_tree(foo: Config) -> None:
    patch = write_patch(foo.root, "foo-0001-g.patch", patch_text("hello.txt", "hello", "hi"))
    ensure_prepared(recipe_of(foo), foo, new_log(foo))
    patch.write_text(patch_text("hello.txt", "hello", "hi again"))
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    assert (folder / "hello.txt").read_text() == "hi again\n"
    assert len(commits_after_base(folder, base_of(foo))) == 1
    assert not (foo.pkgs_dir / "foo.prepared.partial").exists()


def test_patch_that_does_not_apply(foo: Config) -> None:
    write_patch(foo.root, "foo-0001-stale.patch", patch_text("hello.txt", "goodbye", "farewell"))
    log = new_log(foo)
    with pytest.raises(PatchError) as info:
        ensure_prepared(recipe_of(foo), foo, log)
    err = info.value
    assert err.message.startswith("patch foo-0001-stale.patch does not apply")
    assert (err.package, err.step, err.log) == ("foo", "prepare", log.path)
    assert err.hint is not None and "invoke sources.export-patches foo" in err.hint
    assert err.exit_code == 6
    assert "patch foo-0001-stale.patch failed" in log.path.read_text()
    # nothing half-made is left, and the source's worktree record is gone
    assert not (foo.pkgs_dir / "foo.prepared").exists()
    assert not (foo.pkgs_dir / "foo.prepared.partial").exists()
    assert not (foo.pkgs_dir / "foo.prepared.json").exists()
    assert WORKTREE not in pygit2.Repository(str(foo.pkgs_dir / "foo.source")).list_worktrees()


def test_export_round_trip(foo: Config, tmp_path: Path) -> None:
    write_patch(foo.root, "foo-0001-change-greeting.patch", patch_text(
        "hello.txt", "hello", "hello wasm", subject="Change greeting", body="Why: tests.",
    ))
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    commit_in_prepared(folder, "other.txt", "other, fixed for wasm32\n",
                       "Fix the other file [wasm32]\n\nA body line.\n")
    written = export_patches(recipe_of(foo), foo, new_log(foo))
    assert [p.name for p in written] == [
        "foo-0001-change-greeting.patch",
        "foo-0002-fix-the-other-file-wasm32.patch",
    ]
    assert sorted(p.name for p in foo.patches_dir.iterdir()) == [p.name for p in written]
    parsed = parse_patch(written[1])
    assert parsed.subject == "Fix the other file [wasm32]"
    assert parsed.author == ("Dev One", "dev@example.org")
    assert parsed.body == "A body line."

    # the exported series is now what .prepared holds: no recreate, no unexported work
    head = str(pygit2.Repository(str(folder)).head.target)
    assert unexported_work(recipe_of(foo), foo) is None
    ensure_prepared(recipe_of(foo), foo, new_log(foo))
    assert str(pygit2.Repository(str(folder)).head.target) == head

    # a fresh checkout with only these patch files gives the same tree and the same commits
    other_root = make_project(tmp_path / "second")
    shutil.copy(foo.root / "mirror" / "foo-1.0.tar.gz", other_root / "mirror")
    shutil.copy(foo.pkgs_dir / "foo.py", other_root / "pkgs")
    for p in written:
        shutil.copy(p, other_root / "patches")
    cfg2 = load_config(other_root)
    folder2 = ensure_prepared(recipe_of(cfg2), cfg2, new_log(cfg2))
    for rel in FILES:
        assert (folder2 / rel).read_text() == (folder / rel).read_text()
    mine = commits_after_base(folder, base_of(foo))
    theirs = commits_after_base(folder2, base_of(cfg2))
    assert [c.message for c in theirs] == [c.message for c in mine]
    assert [(c.author.name, c.author.email, c.author.time) for c in theirs] == [
        (c.author.name, c.author.email, c.author.time) for c in mine
    ]
    assert theirs[-1].tree_id == mine[-1].tree_id


def test_export_drops_patches_whose_commit_is_gone(foo: Config) -> None:
    write_patch(foo.root, "foo-0001-a.patch", patch_text("hello.txt", "hello", "hi", subject="A"))
    write_patch(foo.root, "foo-0002-b.patch", patch_text("other.txt", "other", "o", subject="B"))
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    # drop the last commit in .prepared (what `git reset --hard HEAD~1` does)
    repo = pygit2.Repository(str(folder))
    parent = repo.head.peel(pygit2.Commit).parents[0]
    repo.reset(parent.id, pygit2.enums.ResetMode.HARD)
    written = export_patches(recipe_of(foo), foo, new_log(foo))
    assert [p.name for p in written] == ["foo-0001-a.patch"]
    assert sorted(p.name for p in foo.patches_dir.iterdir()) == ["foo-0001-a.patch"]


def test_export_refuses_uncommitted_changes(foo: Config) -> None:
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    (folder / "hello.txt").write_text("edited\n")
    with pytest.raises(PatchError, match=r"uncommitted changes \(hello.txt\)") as info:
        export_patches(recipe_of(foo), foo, new_log(foo))
    assert info.value.step == "export-patches"
    assert list(foo.patches_dir.iterdir()) == []


def test_export_without_prepared_tree(foo: Config) -> None:
    with pytest.raises(PatchError, match="does not exist") as info:
        export_patches(recipe_of(foo), foo, new_log(foo))
    assert info.value.hint is not None and "invoke sources.prepare foo" in info.value.hint


def test_uncommitted_edit_blocks_a_recreate_and_is_kept(foo: Config) -> None:
    patch = write_patch(foo.root, "foo-0001-g.patch", patch_text("hello.txt", "hello", "hi"))
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    (folder / "other.txt").write_text("work in progress\n")
    patch.write_text(patch_text("hello.txt", "hello", "hi there"))  # the series changes
    with pytest.raises(PatchError) as info:
        ensure_prepared(recipe_of(foo), foo, new_log(foo))
    err = info.value
    assert "pkgs/foo.prepared must be recreated" in err.message
    assert "uncommitted changes (other.txt)" in err.message
    assert err.hint is not None
    assert "invoke sources.export-patches foo" in err.hint  # how to keep the work
    assert "invoke clean foo --prepared" in err.hint  # how to throw it away
    assert (folder / "other.txt").read_text() == "work in progress\n"
    assert (folder / "hello.txt").read_text() == "hi\n"


def test_unexported_commit_blocks_a_recreate(foo: Config) -> None:
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    commit_in_prepared(folder, "other.txt", "mine\n", "My change\n")
    write_patch(foo.root, "foo-0001-g.patch", patch_text("hello.txt", "hello", "hi"))
    with pytest.raises(PatchError, match="it has commits that are not in patches/"):
        ensure_prepared(recipe_of(foo), foo, new_log(foo))
    assert (folder / "other.txt").read_text() == "mine\n"
    assert commits_after_base(folder, base_of(foo))[0].message == "My change\n"


def test_unexported_work_is_built_as_is_with_a_warning(
    foo: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ensure_prepared(recipe_of(foo), foo, new_log(foo))
    (folder / "hello.txt").write_text("local experiment\n")
    assert ensure_prepared(recipe_of(foo), foo, new_log(foo)) == folder
    assert "building it as it is" in capsys.readouterr().err
    assert (folder / "hello.txt").read_text() == "local experiment\n"


def test_parse_patch_strips_the_prefix_and_signature(tmp_path: Path) -> None:
    path = tmp_path / "x-0001-y.patch"
    path.write_text(patch_text("a.txt", "a", "b", subject="Do the thing").replace(
        "[PATCH]", "[PATCH 2/7]"))
    parsed = parse_patch(path)
    assert parsed.subject == "Do the thing"
    assert parsed.diff.startswith("diff --git a/a.txt b/a.txt\n")
    assert "2.43.0" not in parsed.diff
    assert parsed.when == JAN_2022_NOON


def test_parse_patch_without_diff(tmp_path: Path) -> None:
    path = tmp_path / "x-0001-y.patch"
    path.write_text("Subject: [PATCH] nothing\n\njust words\n")
    with pytest.raises(PatchError, match="no `diff --git` section"):
        parse_patch(path)


def test_prepared_dir(cfg: Config) -> None:
    add_library(cfg.root, "bar")
    assert prepared_dir(recipe_of(cfg, "bar"), cfg) == cfg.pkgs_dir / "bar.prepared"
    assert prepared_dir(recipe_of(cfg, "bar"), cfg) == cfg.layout.package("bar").prepared

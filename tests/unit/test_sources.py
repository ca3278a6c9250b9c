"""Tests of wasixtasks.sources: pinned tarballs from the mirror, the download cache (with
quarantine of a corrupted file), upstream and the Debian backup; git from a mirror folder;
local overrides; subset extraction; the pristine import and the origin it records.

No process and no network: upstream hosts are replaced by ``FakeUpstream`` (a dictionary of
URLs; anything else is unreachable), apt-get by ``FakeApt``, and git is pygit2 (in-process)
on local repositories."""

from __future__ import annotations

import hashlib
import io
import os
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pygit2
import pytest

from tests.helpers.project import (
    URL_BASE,
    add_library,
    leftovers,
    library_files,
    tarball_bytes,
    write_tarball,
)
from wasixtasks import debian, pyindex, sources
from wasixtasks.config import Config, load_config
from wasixtasks.debian import parse_one_line
from wasixtasks.errors import ChecksumError, SourceError, UnsafeArchiveError
from wasixtasks.patches import ensure_prepared
from wasixtasks.recipe import Debian, Git, Recipe, Sdist, Url
from wasixtasks.registry import Registry
from wasixtasks.run import Completed, Log
from wasixtasks.pins import announce_override, source_pin, tree_fingerprint
from wasixtasks.sources import (
    Fetched,
    SourceState,
    ensure_source,
    fetch_sdist,
    fetch_url,
    read_state,
)



class FakeUpstream:
    """``urllib.request.urlopen`` replaced: the URLs in ``files`` answer, nothing else does."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.asked: list[str] = []

    def __call__(self, url: str | urllib.request.Request, timeout: float | None = None) -> io.BytesIO:
        address = url if isinstance(url, str) else url.full_url
        self.asked.append(address)
        if address in self.files:
            return io.BytesIO(self.files[address])
        raise urllib.error.URLError("unreachable (unit tests have no network)")


@pytest.fixture(autouse=True)
def upstream(monkeypatch: pytest.MonkeyPatch) -> FakeUpstream:
    fake = FakeUpstream()
    monkeypatch.setattr(urllib.request, "urlopen", fake)
    return fake


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _recipe(project: Path, name: str = "foo") -> tuple[Config, Recipe]:
    add_library(project, name)
    cfg = load_config(project)
    return cfg, Registry.load(cfg).get(name)


def url_source(recipe: Recipe) -> Url:
    assert isinstance(recipe.source, Url)
    return recipe.source


def new_log(project: Path, name: str = "foo") -> Log:
    log = Log(name, project / "pkgs" / f"{name}.log", quiet=True)
    log.enter("fetch")
    return log


# --------------------------------------------------------------------------- mirror


def test_url_source_comes_from_the_mirror_and_is_imported_as_one_commit(project: Path) -> None:
    cfg, recipe = _recipe(project)
    src, state = ensure_source(recipe, cfg, new_log(project))
    assert src == cfg.layout.package("foo").source
    assert (src / "foo.h").is_file()
    repo = pygit2.Repository(str(src))
    assert str(repo.head.target) == state.commit
    commit = repo.head.peel(pygit2.Commit)
    assert commit.message.startswith("upstream foo 1.0")
    assert not commit.parents
    assert state.pin == url_source(recipe).pin()
    assert state.origin == f"mirror {project / 'mirror' / 'foo-1.0.tar.gz'}"
    assert read_state(src) == state
    assert leftovers(project) == []


def test_the_import_commit_depends_on_content_only(project: Path, tmp_path: Path) -> None:
    cfg, recipe = _recipe(project)
    _, first = ensure_source(recipe, cfg, new_log(project))
    (project / "pkgs" / "foo.source").rename(tmp_path / "moved")
    _, second = ensure_source(recipe, cfg, new_log(project))
    assert first.commit == second.commit


def test_mirror_tarballs_folder(project: Path) -> None:
    cfg, recipe = _recipe(project)
    source = url_source(recipe)
    (project / "mirror" / "tarballs").mkdir()
    (project / "mirror" / source.filename).rename(project / "mirror" / "tarballs" / source.filename)
    fetched = fetch_url(source, cfg, new_log(project))
    assert fetched == Fetched(project / "mirror" / "tarballs" / source.filename,
                              f"mirror {project / 'mirror' / 'tarballs' / source.filename}")


def test_unchanged_pin_reuses_the_source(project: Path) -> None:
    cfg, recipe = _recipe(project)
    log = new_log(project)
    src, _ = ensure_source(recipe, cfg, log)
    marker = src / "local-edit"
    marker.write_text("kept")
    ensure_source(recipe, cfg, log)
    assert marker.read_text() == "kept"


def test_files_ignored_by_upstream_gitignore_are_still_imported(project: Path) -> None:
    files = {**library_files("foo"), ".gitignore": "configure\n", "configure": "#!/bin/sh\n"}
    add_library(project, "foo", files=files)
    cfg = load_config(project)
    src, _ = ensure_source(Registry.load(cfg).get("foo"), cfg, new_log(project))
    tree = pygit2.Repository(str(src)).head.peel(pygit2.Commit).tree
    assert "configure" in tree


def test_mirror_file_with_another_hash_is_ignored_with_a_warning(
    project: Path, upstream: FakeUpstream, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, recipe = _recipe(project)
    source = url_source(recipe)
    good = (project / "mirror" / source.filename).read_bytes()
    (project / "mirror" / source.filename).write_bytes(b"tampered")
    upstream.files[source.url] = good
    log = new_log(project)
    fetched = fetch_url(source, cfg, log)
    # not used: the pinned file came from upstream instead
    assert fetched.origin == source.url
    assert fetched.path.read_bytes() == good
    assert "does not have the pinned sha256; ignored" in capsys.readouterr().err
    assert "does not have the pinned sha256; ignored" in log.path.read_text()


# --------------------------------------------------------------------------- cache and upstream


def test_download_is_verified_and_cached_by_hash(project: Path, upstream: FakeUpstream) -> None:
    cfg, recipe = _recipe(project)
    source = url_source(recipe)
    data = (project / "mirror" / source.filename).read_bytes()
    (project / "mirror" / source.filename).unlink()
    upstream.files[source.url] = data
    first = fetch_url(source, cfg, new_log(project))
    assert first == Fetched(cfg.layout.downloads / source.sha256 / source.filename, source.url)
    assert first.path.read_bytes() == data
    # the next fetch needs neither upstream nor the mirror
    upstream.files.clear()
    second = fetch_url(source, cfg, new_log(project))
    assert second == Fetched(first.path, "download cache")
    assert upstream.asked == [source.url]
    assert [p.name for p in first.path.parent.iterdir()] == [source.filename]  # no partials


def test_a_changed_upstream_file_is_a_checksum_error_that_never_trusts_the_bytes(
    project: Path, upstream: FakeUpstream
) -> None:
    cfg, recipe = _recipe(project)
    source = url_source(recipe)
    (project / "mirror" / source.filename).unlink()
    changed = b"a re-rolled release tarball"
    upstream.files[source.url] = changed
    log = new_log(project)
    with pytest.raises(ChecksumError) as info:
        fetch_url(source, cfg, log)
    err = info.value
    assert err.message == (f"sha256 mismatch for {source.url}: expected {source.sha256}, "
                           f"got {sha(changed)}")
    assert (err.package, err.step, err.log) == ("foo", "fetch", log.path)
    assert err.exit_code == 5
    hint = err.hint
    assert hint is not None
    assert "upstream file changed since it was pinned" in hint and "pin is wrong" in hint
    assert "published checksum" in hint
    # never: "use the hash we got"
    assert sha(changed) not in hint
    # the bytes were not kept anywhere
    assert not any(p.is_file() for p in cfg.layout.downloads.rglob("*"))


def test_a_changed_upstream_file_is_not_replaced_by_the_backup(project: Path, upstream: FakeUpstream,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cfg, recipe = _recipe(project)
    source = replace(url_source(recipe), backup=Debian("foo", "1.0-1"))
    (project / "mirror" / source.filename).unlink()
    upstream.files[source.url] = b"changed"
    monkeypatch.setattr(debian, "run", lambda *a, **k: pytest.fail("the backup was tried"))
    with pytest.raises(ChecksumError):
        fetch_url(source, cfg, new_log(project))


def test_unreachable_download_says_what_to_do(project: Path) -> None:
    cfg, _ = _recipe(project)
    source = Url(f"{URL_BASE}/missing-1.0.tar.gz", sha256="a" * 64)
    with pytest.raises(SourceError) as info:
        fetch_url(source, cfg, new_log(project))
    err = info.value
    assert not isinstance(err, ChecksumError)
    assert err.message.startswith(f"cannot download {source.url}: ")
    assert err.hint is not None
    assert "missing-1.0.tar.gz into a mirror folder" in err.hint
    assert str(project / "mirror") in err.hint
    assert "Debian backup" in err.hint and "override" in err.hint
    assert not list(cfg.cache_dir.rglob("*.partial*"))


def test_corrupted_cache_file_is_quarantined_and_fetched_again(
    project: Path, upstream: FakeUpstream, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, recipe = _recipe(project)
    source = url_source(recipe)
    good = (project / "mirror" / source.filename).read_bytes()
    (project / "mirror" / source.filename).unlink()
    cached = cfg.layout.downloads / source.sha256 / source.filename
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"bit rot")
    upstream.files[source.url] = good
    log = new_log(project)
    fetched = fetch_url(source, cfg, log)
    assert fetched == Fetched(cached, source.url)
    assert cached.read_bytes() == good
    jailed = cfg.layout.quarantine / f"{source.sha256}-{os.getpid()}" / source.filename
    assert jailed.read_bytes() == b"bit rot"  # kept for inspection, never used again
    assert "failed its sha256 check; moved to" in capsys.readouterr().err
    assert "fetching it again" in log.path.read_text()


def test_corrupted_cached_sdist_is_quarantined_and_taken_from_the_mirror(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = load_config(project)
    data = tarball_bytes("demo_pkg-1.0", {"setup.py": "print('hi')\n"})
    (project / "mirror" / "demo_pkg-1.0.tar.gz").write_bytes(data)
    cached = cfg.layout.downloads / sha(data) / "demo_pkg-1.0.tar.gz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"truncated")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: pytest.fail("the index was asked"))
    got = fetch_sdist(Sdist("demo-pkg", sha(data)), "1.0", cfg, new_log(project, "demo-pkg"))
    assert got.path == project / "mirror" / "demo_pkg-1.0.tar.gz"
    assert got.origin == f"mirror {got.path}"
    assert not cached.exists()
    assert list(cfg.layout.quarantine.rglob("demo_pkg-1.0.tar.gz"))[0].read_bytes() == b"truncated"


# --------------------------------------------------------------------------- Debian backups


class FakeApt:
    """``wasixtasks.debian.run`` replaced (see tests/unit/test_debian.py): ``update`` writes
    the suite's Sources index, ``source`` writes the orig tarball."""

    def __init__(self, package: str, version: str, orig: str, data: bytes) -> None:
        self.orig, self.data, self.key = orig, data, f"{package}={version}"
        self.index = (f"Package: {package}\nVersion: {version}\nChecksums-Sha256:\n"
                      f" {sha(data)} {len(data)} {orig}\n")
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str | os.PathLike[str]], *, log: Log,
                 **kwargs: object) -> Completed:
        args = [os.fspath(a) for a in argv]
        self.calls.append(args)
        state = Path(args[args.index("-c") + 1]).parent
        if args[-1] == "update":
            (state / "lists" / f"deb.invalid_debian_dists_{state.name}_main_source_Sources"
             ).write_text(self.index)
        else:
            assert args[-1] == self.key
            (Path(args[2]) / self.orig).write_bytes(self.data)
        return Completed(0, "")


def with_fake_apt(monkeypatch: pytest.MonkeyPatch, apt: FakeApt) -> FakeApt:
    monkeypatch.setattr(debian, "run", apt)
    monkeypatch.setattr(debian, "machine_sources",
                        lambda apt_etc=Path("/etc/apt"): parse_one_line("deb http://deb.invalid/debian sid main\n"))
    return apt


def backed_up(project: Path, backup: Debian) -> tuple[Config, Recipe, bytes]:
    """foo with a Debian backup, its file gone from the mirror (upstream is unreachable)."""
    cfg, recipe = _recipe(project)
    source = url_source(recipe)
    data = (project / "mirror" / source.filename).read_bytes()
    (project / "mirror" / source.filename).unlink()
    return cfg, replace(recipe, source=replace(source, backup=backup)), data


def test_identical_debian_backup_is_used_as_the_pin(
    project: Path, upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cfg, recipe, data = backed_up(project, Debian("foo", "1.0-2"))
    apt = with_fake_apt(monkeypatch, FakeApt("foo", "1.0-2", "foo_1.0.orig.tar.gz", data))
    log = new_log(project)
    src, state = ensure_source(recipe, cfg, log)
    assert upstream.asked == [url_source(recipe).url]  # upstream first, then the backup
    assert [c[-1] for c in apt.calls] == ["update", "foo=1.0-2"]
    assert state.origin == "Debian foo 1.0-2 (identical to the pin)"
    assert state.pin == url_source(recipe).pin()  # the same file: the same pin
    assert (src / "foo.h").is_file()
    cached = cfg.layout.downloads / url_source(recipe).sha256 / "foo_1.0.orig.tar.gz"
    assert cached.read_bytes() == data
    assert "SOURCE SUBSTITUTE" not in capsys.readouterr().err


def test_prefer_backup_does_not_try_upstream(project: Path, upstream: FakeUpstream,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cfg, recipe, data = backed_up(project, Debian("foo", "1.0-2"))
    with_fake_apt(monkeypatch, FakeApt("foo", "1.0-2", "foo_1.0.orig.tar.gz", data))
    fetched = fetch_url(url_source(recipe), cfg.with_(prefer_backup=True), new_log(project))
    assert upstream.asked == []
    assert fetched.origin == "Debian foo 1.0-2 (identical to the pin)"


def test_debian_substitute_is_verified_and_announced(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Debian repacked the release (a file removed): another tarball, declared with its own hash
    files = library_files("foo")
    repack = tarball_bytes("foo-1.0+dfsg", {k: v for k, v in files.items() if k != "foo.pc"}
                           | {"foo.pc": files["foo.pc"] + "# repacked\n"})
    backup = Debian("foo", "1.0+dfsg-1", sha256=sha(repack))
    cfg, recipe, _ = backed_up(project, backup)
    with_fake_apt(monkeypatch, FakeApt("foo", "1.0+dfsg-1", "foo_1.0+dfsg.orig.tar.gz", repack))
    log = new_log(project)
    src, state = ensure_source(recipe, cfg, log)
    assert (src / "foo.pc").read_text().endswith("# repacked\n")
    note = (f"Debian's foo_1.0+dfsg.orig.tar.gz (foo 1.0+dfsg-1, sha256 {sha(repack)[:16]}...) "
            "in place of foo-1.0.tar.gz")
    assert state.origin == note
    assert read_state(src) == state
    assert f"SOURCE SUBSTITUTE: {note}" in capsys.readouterr().err
    assert f"WARNING: SOURCE SUBSTITUTE: {note}" in log.path.read_text()
    # cached under its own hash, not the pin's
    assert (cfg.layout.downloads / sha(repack) / "foo_1.0+dfsg.orig.tar.gz").is_file()
    assert not any(p.is_file() for p in (cfg.layout.downloads / url_source(recipe).sha256).rglob("*"))


def test_debian_backup_with_other_bytes_is_refused(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # declared identical (no sha256) but Debian only has something else: never used
    cfg, recipe, data = backed_up(project, Debian("foo", "1.0-2"))
    with_fake_apt(monkeypatch, FakeApt("foo", "1.0-2", "foo_1.0.orig.tar.gz", data + b"x"))
    with pytest.raises(SourceError, match="no Debian suite .* offers foo 1.0 with sha256"):
        ensure_source(recipe, cfg, new_log(project))
    assert not (project / "pkgs" / "foo.source").exists()
    assert leftovers(project) == []


def test_debian_source_as_the_pin(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg, recipe = _recipe(project)
    data = tarball_bytes("foo-1.0", library_files("foo"))
    deb = Debian("foo", "1.0-1", sha256=sha(data))
    with_fake_apt(monkeypatch, FakeApt("foo", "1.0-1", "foo_1.0.orig.tar.gz", data))
    src, state = ensure_source(replace(recipe, source=deb), cfg, new_log(project))
    assert state.origin == "Debian foo 1.0-1"
    assert state.pin == deb.pin()
    assert (src / "foo.h").is_file()


# --------------------------------------------------------------------------- subsets


def test_subset_extraction(project: Path) -> None:
    files = {"Makefile": "all:\n", "src/a.c": "int a;\n", "src/tests/t.c": "int t;\n",
             "docs/big.pdf": "%PDF\n", "include/a.h": "int a;\n"}
    sha256 = write_tarball(project, "big-1.0.tar.gz", files)
    cfg, recipe = _recipe(project)
    source = Url(f"{URL_BASE}/big-1.0.tar.gz", sha256, subdirs=("src", "include"),
                 exclude=("src/tests",))
    log = new_log(project)
    src, state = ensure_source(replace(recipe, source=source), cfg, log)
    got = sorted(p.relative_to(src).as_posix() for p in src.rglob("*")
                 if p.is_file() and ".git" not in p.relative_to(src).parts)
    assert got == ["include/a.h", "src/a.c"]
    assert state.pin == source.pin() and "#only=src,include#exclude=src/tests" in state.pin
    assert "(src, include only)" in log.path.read_text()


def test_an_unsafe_archive_leaves_nothing_behind(project: Path) -> None:
    import tarfile

    evil = tarfile.TarInfo("foo-1.0/../../evil.txt")
    evil.size = 4
    add_library(project, "foo", extra=[evil])
    cfg = load_config(project)
    with pytest.raises(UnsafeArchiveError) as info:
        ensure_source(Registry.load(cfg).get("foo"), cfg, new_log(project))
    assert "foo-1.0.tar.gz: member 'foo-1.0/../../evil.txt'" in info.value.message
    assert not (project / "pkgs" / "foo.source").exists()
    assert not (project.parent / "evil.txt").exists()
    assert leftovers(project) == []


# --------------------------------------------------------------------------- git


def commits(repo_dir: Path, texts: Sequence[str]) -> list[str]:
    """A repository with one commit per text (the file VERSION holds it); their ids."""
    repo = pygit2.init_repository(str(repo_dir), initial_head="main")
    sig = pygit2.Signature("up", "up@example.invalid", 1_000_000_000, 0)
    ids: list[str] = []
    for text in texts:
        (repo_dir / "VERSION").write_text(text)
        repo.index.add("VERSION")
        repo.index.write()
        parents = [repo.head.target] if ids else []
        ids.append(str(repo.create_commit("HEAD", sig, sig, text, repo.index.write_tree(), parents)))
    return ids


def test_git_source_is_checked_out_at_the_pinned_commit(project: Path, tmp_path: Path) -> None:
    ids = commits(tmp_path / "upstream", ["one\n", "two\n"])
    cfg, recipe = _recipe(project)
    recipe = replace(recipe, source=Git(str(tmp_path / "upstream"), commit=ids[0]))
    src, state = ensure_source(recipe, cfg, new_log(project))
    assert (src / "VERSION").read_text() == "one\n"
    assert state.commit == ids[0]
    assert state.origin == f"git {tmp_path / 'upstream'}"
    assert read_state(src) == state


@pytest.mark.parametrize("where", ["git/foo.git", "foo.git"])
def test_git_source_comes_from_the_mirror_folder(project: Path, tmp_path: Path, where: str) -> None:
    ids = commits(tmp_path / "work", ["one\n", "two\n"])
    mirrored = project / "mirror" / where
    pygit2.clone_repository(str(tmp_path / "work"), str(mirrored), bare=True)
    cfg, recipe = _recipe(project)
    # the URL is never contacted: the mirror has the repository
    source = Git(f"{URL_BASE}/org/foo.git", commit=ids[1])
    src, state = ensure_source(replace(recipe, source=source), cfg, new_log(project))
    assert (src / "VERSION").read_text() == "two\n"
    assert state.origin == f"git {mirrored}"
    assert state.pin == source.pin()


def test_git_mirror_name(project: Path, tmp_path: Path) -> None:
    ids = commits(tmp_path / "work", ["one\n"])
    pygit2.clone_repository(str(tmp_path / "work"), str(project / "mirror" / "git" / "wasix-llvm.git"),
                            bare=True)
    cfg, recipe = _recipe(project)
    source = Git(f"{URL_BASE}/org/llvm-project", commit=ids[0], mirror_name="wasix-llvm")
    _, state = ensure_source(replace(recipe, source=source), cfg, new_log(project))
    assert state.origin == f"git {project / 'mirror' / 'git' / 'wasix-llvm.git'}"


def test_git_commit_that_is_not_there(project: Path, tmp_path: Path) -> None:
    commits(tmp_path / "upstream", ["one\n"])
    cfg, recipe = _recipe(project)
    missing = "0" * 40
    recipe = replace(recipe, source=Git(str(tmp_path / "upstream"), commit=missing))
    with pytest.raises(SourceError, match=f"cannot clone {tmp_path / 'upstream'} at {missing}"):
        ensure_source(recipe, cfg, new_log(project))
    assert not (project / "pkgs" / "foo.source").exists()
    assert leftovers(project) == []


# --------------------------------------------------------------------------- overrides


def test_override_is_imported_and_announced(project: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "my-foo"
    (local / ".git").mkdir(parents=True)
    (local / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (local / "foo.h").write_text("#define FOO_LOCAL 1\n")
    cfg, recipe = _recipe(project)
    cfg = cfg.with_(overrides={"foo": local})
    log = new_log(project)
    announce_override(recipe, cfg, log)
    err = capsys.readouterr().err
    assert "SOURCE OVERRIDE" in err and str(local) in err and url_source(recipe).pin() in err
    assert "WARNING: SOURCE OVERRIDE" in log.path.read_text()
    src, state = ensure_source(recipe, cfg, log)
    assert (src / "foo.h").read_text() == "#define FOO_LOCAL 1\n"
    assert state.origin == f"override {local}"
    assert state.pin == f"override:{local}:{tree_fingerprint(local)}"
    # the override's own git folder is not imported (the pristine import has its own)
    assert pygit2.Repository(str(src)).head.peel(pygit2.Commit).message.startswith("upstream foo")


def test_override_pin_follows_the_folder(project: Path, tmp_path: Path) -> None:
    local = tmp_path / "my-foo"
    local.mkdir()
    (local / "foo.h").write_text("one\n")
    cfg, recipe = _recipe(project)
    assert source_pin(recipe, cfg) == url_source(recipe).pin()
    cfg = cfg.with_(overrides={"foo": local})
    before = source_pin(recipe, cfg)
    (local / "foo.h").write_text("one, edited\n")
    assert source_pin(recipe, cfg) != before
    # the folder's git metadata is no part of it
    after = source_pin(recipe, cfg)
    (local / ".git").mkdir()
    (local / ".git" / "index").write_bytes(b"changes all the time")
    assert source_pin(recipe, cfg) == after


def test_override_is_announced_on_every_prepare(project: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "my-foo"
    local.mkdir()
    (local / "foo.h").write_text("#define FOO_LOCAL 1\n")
    cfg, recipe = _recipe(project)
    cfg = cfg.with_(overrides={"foo": local})
    log = new_log(project)
    prepared = ensure_prepared(recipe, cfg, log)
    assert (prepared / "foo.h").read_text() == "#define FOO_LOCAL 1\n"
    assert "SOURCE OVERRIDE" in capsys.readouterr().err
    # every later build says it again, even when nothing has to be re-imported
    ensure_prepared(recipe, cfg, log)
    assert "SOURCE OVERRIDE" in capsys.readouterr().err
    # editing the override folder changes the pin, so the next build picks the edit up
    (local / "foo.h").write_text("#define FOO_LOCAL 2\n")
    prepared = ensure_prepared(recipe, cfg, log)
    assert (prepared / "foo.h").read_text() == "#define FOO_LOCAL 2\n"


def test_missing_override_folder(project: Path, tmp_path: Path) -> None:
    cfg, recipe = _recipe(project)
    cfg = cfg.with_(overrides={"foo": tmp_path / "nowhere"})
    with pytest.raises(SourceError, match="override folder .*nowhere does not exist"):
        ensure_source(recipe, cfg, new_log(project))
    assert leftovers(project) == []


def test_read_state_of_a_folder_without_one(tmp_path: Path) -> None:
    assert read_state(tmp_path) is None
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / sources.PIN_FILE).write_text("{not json")
    assert read_state(tmp_path) is None
    # written before `exact` was recorded: not trusted to say whether it is the pin itself
    (tmp_path / ".git" / sources.PIN_FILE).write_text('{"pin": "p", "commit": "c"}')
    assert read_state(tmp_path) is None
    (tmp_path / ".git" / sources.PIN_FILE).write_text(
        '{"pin": "p", "commit": "c", "origin": "Debian x 1-1 repack", "exact": false}')
    assert read_state(tmp_path) == SourceState("p", "c", "Debian x 1-1 repack", False)




def test_commit_tree_leaves_out_a_vendored_submodules_git_file(tmp_path: Path) -> None:
    """An sdist may carry a submodule's `.git` pointer file (uvloop's vendor/libuv/.git):
    git refuses that path, the import commits everything else."""
    repo = pygit2.init_repository(str(tmp_path / "tree"))
    (tmp_path / "tree" / "vendor" / "lib").mkdir(parents=True)
    (tmp_path / "tree" / "vendor" / "lib" / ".git").write_text("gitdir: ../../.git/modules/lib\n")
    (tmp_path / "tree" / "vendor" / "lib" / "lib.c").write_text("int x;\n")
    (tmp_path / "tree" / "setup.py").write_text("\n")
    commit = repo[sources.commit_tree(repo, "import", [])]
    assert isinstance(commit, pygit2.Commit)
    names = sorted(e.path for e in repo.index)
    assert names == ["setup.py", "vendor/lib/lib.c"]

"""Fetching pristine sources into ``pkgs/<name>.source``.

- Url: looked up by file name in the configured mirror folders, then in the content-addressed
  download cache (``<cache>/sha256/<hash>/<file>``), and only then downloaded. Every file is
  verified against the pinned sha256 before it is used.
- Sdist: fetched with pip (so pip's configured index and credentials apply), then verified.
- Git: cloned with pygit2 and checked out at the pinned commit.
- Override: a local folder configured by the user replaces the pinned source, announced loudly.

The pristine tree is imported into a git repository (one commit) so ``.prepared`` can be a
git worktree of it with the patches as commits, as in the seed's submodule setup.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pygit2

from .archive import extract, remove_tree, single_top
from .config import Config
from .errors import ChecksumError, SourceError
from .recipe import Git, Recipe, Sdist, Url
from . import pyindex
from .run import Log

#: Author and time of the pristine import commit: fixed so the commit id depends on content only.
IMPORT_SIGNATURE = ("wasixtasks", "wasixtasks@localhost")
IMPORT_TIME = 946684800
PIN_FILE = "wasixtasks-pin.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tree_fingerprint(folder: Path) -> str:
    """A cheap fingerprint of a local folder (paths, sizes, mtimes) for override sources."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        for name in sorted(filenames):
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:
                continue
            h.update(f"{p.relative_to(folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


@dataclass(frozen=True)
class SourceState:
    """What the pristine tree holds: recorded inside its git folder."""

    pin: str
    commit: str


def source_pin(recipe: Recipe, cfg: Config) -> str:
    """The identity of a recipe's source; part of the up-to-date stamp."""
    override = cfg.overrides.get(recipe.name)
    if override is not None:
        return f"override:{override}:{tree_fingerprint(override)}"
    return recipe.source.pin()


def announce_override(recipe: Recipe, cfg: Config, log: Log) -> None:
    """Say loudly, on every build that uses it, that a local folder replaces the pin."""
    override = cfg.overrides.get(recipe.name)
    if override is not None:
        log.warn(
            f"SOURCE OVERRIDE: using local folder {override} instead of the pinned "
            f"{recipe.source.pin()} (configured in {cfg.local_config_path} or pyproject)"
        )


def source_dir(recipe: Recipe, cfg: Config) -> Path:
    return cfg.pkgs_dir / f"{recipe.name}.source"


def read_state(src: Path) -> SourceState | None:
    path = src / ".git" / PIN_FILE
    try:
        data = json.loads(path.read_text())
        return SourceState(pin=str(data["pin"]), commit=str(data["commit"]))
    except (OSError, ValueError, KeyError):
        return None


# --------------------------------------------------------------------------- downloads


def _cache_path(cfg: Config, sha256: str, filename: str) -> Path:
    return cfg.cache_dir / "sha256" / sha256 / filename


def _verified(path: Path, sha256: str, what: str, log: Log) -> Path:
    actual = sha256_file(path)
    if actual != sha256:
        raise ChecksumError(
            f"sha256 mismatch for {what}: expected {sha256}, got {actual}",
            package=log.package,
            step=log.step,
            log=log.path,
            hint="If the new file is trusted, update sha256= in the recipe.",
        )
    return path


def _store_in_cache(cfg: Config, tmp: Path, sha256: str, filename: str, what: str, log: Log) -> Path:
    """Verify a freshly fetched file and move it into the cache under its final name."""
    try:
        _verified(tmp, sha256, what, log)
    except ChecksumError:
        tmp.unlink(missing_ok=True)
        raise
    final = _cache_path(cfg, sha256, filename)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return final


def fetch_url(source: Url, cfg: Config, log: Log) -> Path:
    """The verified local copy of a pinned URL: mirror, then cache, then download."""
    name = source.filename
    for mirror in cfg.mirror_dirs:
        candidate = mirror / name
        if candidate.is_file():
            log.info(f"using {candidate} from the mirror folder")
            return _verified(candidate, source.sha256, str(candidate), log)
    cached = _cache_path(cfg, source.sha256, name)
    if cached.is_file():
        return _verified(cached, source.sha256, str(cached), log)
    cached.parent.mkdir(parents=True, exist_ok=True)
    for stale in cached.parent.glob(f".{name}.partial-*"):
        stale.unlink(missing_ok=True)  # a download killed in an earlier run
    tmp = cached.with_name(f".{name}.partial-{os.getpid()}")
    log.info(f"downloading {source.url}")
    try:
        with urllib.request.urlopen(source.url, timeout=60) as resp, tmp.open("wb") as out:
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        mirrors = ", ".join(str(m) for m in cfg.mirror_dirs) or "none configured"
        raise SourceError(
            f"cannot download {source.url}: {exc}",
            package=log.package,
            step=log.step,
            log=log.path,
            hint=f"Put {name} into a mirror folder (mirrors: {mirrors}) or configure an override.",
        ) from exc
    return _store_in_cache(cfg, tmp, source.sha256, name, source.url, log)


def fetch_sdist(source: Sdist, version: str, cfg: Config, log: Log) -> Path:
    """The verified sdist of ``source.project==version``: cache, mirror, then pip's indexes."""
    folder = cfg.cache_dir / "sha256" / source.sha256
    if folder.is_dir():
        for candidate in sorted(folder.iterdir()):
            if candidate.is_file() and not candidate.name.startswith("."):
                return _verified(candidate, source.sha256, str(candidate), log)
    for mirror in cfg.mirror_dirs:
        if not mirror.is_dir():
            continue
        for candidate in sorted(mirror.iterdir()):
            # only files named as this sdist are hashed, not the whole mirror
            if candidate.is_file() and pyindex.sdist_matches(candidate.name, source.project, version):
                if sha256_file(candidate) == source.sha256:
                    log.info(f"using {candidate} from the mirror folder")
                    return candidate
    offers = pyindex.find_sdist(source.project, version, pyindex.pip_sources(log), log)
    if not offers:
        raise SourceError(
            f"no sdist of {source.project}=={version} on pip's configured indexes",
            package=log.package, step=log.step, log=log.path,
            hint="Check `pip config list`, or put the sdist into a mirror folder.",
        )
    # Prefer the file the index itself says has our hash; else try them in order.
    offers.sort(key=lambda c: c.sha256 != source.sha256)
    cfg.cache_dir.mkdir(parents=True, exist_ok=True)
    last: SourceError | None = None
    for offer in offers:
        tmp = cfg.cache_dir / f".{offer.filename}.partial-{os.getpid()}"
        log.info(f"downloading {offer.filename} from pip's index")
        log.write(f"url: {offer.url}")
        try:
            pyindex.download(offer.url, tmp)
            return _store_in_cache(cfg, tmp, source.sha256, offer.filename, offer.filename, log)
        except ChecksumError as exc:
            last = exc
        except (OSError, ValueError) as exc:
            tmp.unlink(missing_ok=True)
            last = SourceError(f"cannot download {offer.filename}: {exc}",
                               package=log.package, step=log.step, log=log.path)
    assert last is not None
    raise last


# --------------------------------------------------------------------------- pristine tree


def commit_tree(repo: pygit2.Repository, message: str, parents: list[pygit2.Oid]) -> pygit2.Oid:
    """Commit every file of the work tree, including ones the upstream .gitignore ignores."""
    index = repo.index
    workdir = Path(repo.workdir)
    for dirpath, dirnames, filenames in os.walk(workdir):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        # os.walk does not list symlinks to folders as files; git tracks them as links.
        for d in list(dirnames):
            if (Path(dirpath) / d).is_symlink():
                filenames.append(d)
                dirnames.remove(d)
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(workdir).as_posix()
            index.add(rel)
    index.write()
    tree = index.write_tree()
    sig = pygit2.Signature(*IMPORT_SIGNATURE, IMPORT_TIME, 0)
    return repo.create_commit("HEAD", sig, sig, message, tree, parents)


def _import_tree(top: Path, recipe: Recipe, pin: str) -> str:
    repo = pygit2.init_repository(str(top), initial_head="upstream")
    oid = commit_tree(repo, f"upstream {recipe.name} {recipe.version}\n\n{pin}\n", [])
    return str(oid)


def _write_state(src: Path, state: SourceState) -> None:
    path = src / ".git" / PIN_FILE
    tmp = path.with_suffix(".partial")
    tmp.write_text(json.dumps({"pin": state.pin, "commit": state.commit}))
    os.replace(tmp, path)


def ensure_source(recipe: Recipe, cfg: Config, log: Log) -> tuple[Path, SourceState]:
    """Make ``pkgs/<name>.source`` hold the pinned (or overridden) source; reuse it if it does."""
    src = source_dir(recipe, cfg)
    pin = source_pin(recipe, cfg)
    state = read_state(src)
    if state is not None and state.pin == pin:
        return src, state
    override = cfg.overrides.get(recipe.name)
    partial = cfg.pkgs_dir / f"{recipe.name}.source.partial"
    remove_tree(partial)
    cfg.pkgs_dir.mkdir(parents=True, exist_ok=True)
    try:
        if override is not None:
            log.info(f"importing the override folder {override}")
            if not override.is_dir():
                raise SourceError(
                    f"override folder {override} does not exist",
                    package=recipe.name, step=log.step, log=log.path,
                )
            top = partial / "tree"
            shutil.copytree(override, top, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        elif isinstance(recipe.source, Git):
            top = partial / "tree"
            log.info(f"cloning {recipe.source.url} at {recipe.source.commit}")
            try:
                repo = pygit2.clone_repository(recipe.source.url, str(top))
                commit = repo.revparse_single(recipe.source.commit)
                repo.checkout_tree(commit)  # type: ignore[no-untyped-call]
                repo.set_head(commit.id)
            except (pygit2.GitError, KeyError, ValueError) as exc:
                raise SourceError(
                    f"cannot clone {recipe.source.url} at {recipe.source.commit}: {exc}",
                    package=recipe.name, step=log.step, log=log.path,
                ) from exc
        else:
            if isinstance(recipe.source, Url):
                archive = fetch_url(recipe.source, cfg, log)
            else:
                archive = fetch_sdist(recipe.source, recipe.version, cfg, log)
            log.info(f"extracting {archive.name}")
            extract(archive, partial / "x")
            top = single_top(partial / "x")
        if isinstance(recipe.source, Git) and override is None:
            commit_id = str(pygit2.Repository(str(top)).head.target)
        else:
            commit_id = _import_tree(top, recipe, pin)
        new_state = SourceState(pin=pin, commit=commit_id)
        _write_state(top, new_state)
        remove_tree(src)
        os.replace(top, src)
        _fix_worktree_links(src)
    finally:
        remove_tree(partial)
    return src, new_state


def _fix_worktree_links(src: Path) -> None:
    """A moved repository forgets its worktrees; prune their records (they are recreated)."""
    repo = pygit2.Repository(str(src))
    for name in repo.list_worktrees():
        wt = repo.lookup_worktree(name)
        wt.prune(True)


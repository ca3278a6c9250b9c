"""Fetching pristine sources into ``pkgs/<name>.source``.

- Url: looked up by file name in the configured mirror folders, then in the content-addressed
  download cache (``<cache>/sha256/<hash>/<file>``), then downloaded from upstream, then taken
  from its Debian backup. Every file is verified against its pin before it is used; a cached
  file that fails is moved to the quarantine folder and fetched again.
- Debian: an orig tarball from Debian's archive (``wasixtasks.debian``), verified by sha256.
- Sdist: found through pip's configured indexes (``wasixtasks.pyindex``), then verified.
- Git: cloned from ``git/<name>.git`` of a mirror folder, else from its URL, and checked out
  at the pinned commit (verified by git's own content addressing).
- Override: a local folder configured by the user replaces the pinned source, announced loudly.

The pristine tree is imported into a git repository (one commit) so ``.prepared`` can be a
git worktree of it with the patches as commits, as in the seed's submodule setup. What was
actually used (mirror, upstream, Debian backup, substitute, override) is recorded with it.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygit2

from . import pyindex
from .archive import extract, single_top
from .config import Config
from .debian import fetch_deb, fetch_debian_tar, fetch_orig
from .errors import ChecksumError, SourceError
from .fsutil import atomic_write, remove_tree, sha256_file
from .pins import source_pin
from .recipe import Debian, DebPackage, Git, Recipe, Resource, Sdist, Url
from .run import Log, run

#: Author and time of the pristine import commit: fixed so the commit id depends on content only.
IMPORT_SIGNATURE = ("wasixtasks", "wasixtasks@localhost")
IMPORT_TIME = 946684800
PIN_FILE = "wasixtasks-pin.json"


@dataclass(frozen=True)
class Fetched:
    """A verified local file and where it came from (shown in logs, stamps and `list`)."""

    path: Path
    origin: str
    #: set when the file is a declared substitute of the pin (Debian repack, other tarball)
    substitute: str | None = None


@dataclass(frozen=True)
class SourceState:
    """What the pristine tree holds: recorded inside its git folder."""

    pin: str
    commit: str
    origin: str = ""
    #: the pinned file or commit itself (from any place); False for substitutes and overrides
    exact: bool = True


def read_state(src: Path) -> SourceState | None:
    try:
        data = json.loads((src / ".git" / PIN_FILE).read_text())
        # no "exact": written before wasixtasks recorded whether the tree is the pin itself
        # (a substitute would pass for the pin): such a tree is fetched again
        return SourceState(str(data["pin"]), str(data["commit"]), str(data.get("origin", "")),
                           bool(data["exact"]))
    except (OSError, ValueError, KeyError):
        return None


# --------------------------------------------------------------------------- downloads


def _mismatch(what: str, want: str, got: str, log: Log, *, fresh: bool) -> ChecksumError:
    hint = ("The upstream file changed since it was pinned, or the pin is wrong: compare "
            "with the project's published checksum before changing sha256= in the recipe."
            if fresh else None)
    return ChecksumError(f"sha256 mismatch for {what}: expected {want}, got {got}",
                         package=log.package, step=log.step, log=log.path, hint=hint)


def _cached(cfg: Config, sha256: str, log: Log) -> Path | None:
    """A verified file of the download cache; a corrupted one goes to quarantine."""
    folder = cfg.layout.downloads / sha256
    for candidate in sorted(folder.iterdir()) if folder.is_dir() else []:
        if not candidate.is_file() or candidate.name.startswith("."):
            continue
        if sha256_file(candidate) == sha256:
            return candidate
        jail = cfg.layout.quarantine / f"{sha256}-{os.getpid()}"
        jail.mkdir(parents=True, exist_ok=True)
        os.replace(candidate, jail / candidate.name)
        log.warn(f"cached {candidate.name} failed its sha256 check; moved to {jail} and "
                 "fetching it again")
    return None


def _store(cfg: Config, tmp: Path, sha256: str, filename: str, what: str, log: Log) -> Path:
    """Verify a freshly fetched file and move it into the cache under its final name."""
    actual = sha256_file(tmp)
    if actual != sha256:
        tmp.unlink(missing_ok=True)
        raise _mismatch(what, sha256, actual, log, fresh=True)
    final = cfg.layout.downloads / sha256 / filename
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return final


def _download(url: str, cfg: Config, sha256: str, filename: str, log: Log) -> Path:
    cfg.layout.downloads.mkdir(parents=True, exist_ok=True)
    tmp = cfg.layout.downloads / f".{filename}.{os.getpid()}.partial"
    log.info(f"downloading {url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, tmp.open("wb") as out:
            shutil.copyfileobj(resp, out)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise SourceError(f"cannot download {url}: {exc}", package=log.package,
                          step=log.step, log=log.path) from exc
    return _store(cfg, tmp, sha256, filename, url, log)


def _from_debian(cfg: Config, sha256: str, log: Log, fetch: Callable[[Path], Path]) -> Path:
    """The verified file with ``sha256``: from the download cache, else fetched by ``fetch``
    into the Debian work folder (apt's) and stored in the cache."""
    cached = _cached(cfg, sha256, log)
    if cached is not None:
        return cached
    got = fetch(cfg.layout.debian)
    tmp = got.with_name(f".{got.name}.{os.getpid()}.partial")
    shutil.copyfile(got, tmp)
    return _store(cfg, tmp, sha256, got.name, f"Debian's {got.name}", log)


def fetch_debian(deb: Debian, sha256: str, cfg: Config, log: Log) -> Path:
    """The verified orig tarball of ``deb`` with ``sha256`` (cache, else Debian's archive)."""
    return _from_debian(cfg, sha256, log,
                        lambda work: fetch_orig(deb, work, log, want_sha256=sha256))


def fetch_debian_binary(pkg: DebPackage, cfg: Config, log: Log) -> Path:
    """The verified ``.deb`` of ``pkg`` (cache, else Debian's archive)."""
    return _from_debian(cfg, pkg.sha256, log, lambda work: fetch_deb(pkg, work, log))


def debian_series(debian_dir: Path) -> list[Path]:
    """The patches of a Debian source package's ``debian/patches/series``, in order
    (comments, blank lines and quilt options left out)."""
    series = debian_dir / "patches" / "series"
    if not series.is_file():
        return []
    out = []
    for line in series.read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            out.append(debian_dir / "patches" / words[0])
    return out


def apply_debian_patches(deb: Debian, cfg: Config, top: Path, work: Path, log: Log) -> str:
    """Unpack ``deb`` as dpkg-source does: its Debian tarball's patches applied to the orig
    tree ``top`` in series order (with ``patch``, as quilt does). Returns a note for the
    import commit."""
    want = deb.debian_sha256
    assert want is not None
    tar = _from_debian(cfg, want, log,
                       lambda apt_work: fetch_debian_tar(deb, apt_work, log, want_sha256=want))
    extract(tar, work)
    patches = debian_series(work / "debian")
    for patch in patches:
        if not patch.is_file():
            raise SourceError(f"{tar.name}: debian/patches/series names {patch.name}, which "
                              "is not there", package=log.package, step=log.step, log=log.path)
        run(["patch", "-p1", "--forward", "--no-backup-if-mismatch", "--quiet", "-d", str(top),
             "-i", str(patch)], log=log)
    log.info(f"applied Debian's {len(patches)} patch(es) of {deb.package} {deb.version}")
    return f"with Debian's patches ({tar.name}): " + ", ".join(p.name for p in patches)


def deb_data(deb: Path, dest: Path) -> Path:
    """Write the data archive (``data.tar.*``) of a ``.deb`` (an ar archive) into ``dest``
    (a folder); returns its path."""
    data = deb.read_bytes()
    if not data.startswith(b"!<arch>\n"):
        raise SourceError(f"{deb.name}: not a Debian package (no ar header)")
    pos = 8
    while pos + 60 <= len(data):
        name = data[pos:pos + 16].decode("ascii", "replace").strip().rstrip("/")
        size = int(data[pos + 48:pos + 58].decode("ascii").strip() or 0)
        body = data[pos + 60:pos + 60 + size]
        if name.startswith("data.tar"):
            out = dest / name
            out.write_bytes(body)
            return out
        pos += 60 + size + (size % 2)
    raise SourceError(f"{deb.name}: no data archive in the package")


def place_resource(res: Resource, cfg: Config, top: Path, work: Path, log: Log) -> str:
    """Fetch ``res``, verify it and put its folders into the tree ``top``; returns where it
    came from."""
    source = res.source
    x = work / "x"
    remove_tree(work)
    work.mkdir(parents=True)
    if isinstance(source, DebPackage):
        deb = fetch_debian_binary(source, cfg, log)
        extract(deb_data(deb, work), x)
        root, origin = x, f"Debian package {source.package} {source.version}"
        folders = [root / d for d in source.subdirs]
    else:
        if isinstance(source, Url):
            fetched = fetch_url(source, cfg, log)
            if fetched.substitute:
                log.warn(f"SOURCE SUBSTITUTE: {fetched.substitute}")
            path, origin = fetched.path, fetched.substitute or fetched.origin
        else:
            assert source.sha256 is not None
            path = fetch_debian(source, source.sha256, cfg, log)
            origin = f"Debian {source.package} {source.version}"
        extract(path, x, subdirs=source.subdirs, exclude=source.exclude)
        root = single_top(x)
        folders = [root / d for d in source.subdirs]
    dest = top / res.dest
    if not folders:
        if dest.exists():
            raise SourceError(f"resource folder {res.dest} already exists in the tree",
                              package=log.package, step=log.step, log=log.path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(root, dest)
    for folder in folders:
        if not folder.is_dir():
            raise SourceError(f"{origin} has no folder {folder.relative_to(root)}",
                              package=log.package, step=log.step, log=log.path)
        if (dest / folder.name).exists():
            raise SourceError(f"two resources place {res.dest}/{folder.name}",
                              package=log.package, step=log.step, log=log.path)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.move(folder, dest / folder.name)
    remove_tree(work)
    return origin


def fetch_url(source: Url, cfg: Config, log: Log) -> Fetched:
    """The verified local copy of a pinned URL: the download cache (a corrupted copy goes to
    quarantine), the mirror folders, upstream, then the Debian backup."""
    name = source.filename
    cached = _cached(cfg, source.sha256, log)
    if cached is not None:
        return Fetched(cached, "download cache")
    for mirror in cfg.mirror_dirs:
        for candidate in (mirror / name, mirror / "tarballs" / name):
            if candidate.is_file():
                if sha256_file(candidate) == source.sha256:
                    return Fetched(candidate, f"mirror {candidate}")
                log.warn(f"{candidate} in the mirror does not have the pinned sha256; ignored")
    backup = source.backup
    problems: list[str] = []
    if backup is None or not cfg.prefer_backup:
        try:
            return Fetched(_download(source.url, cfg, source.sha256, name, log), source.url)
        except ChecksumError:
            raise
        except SourceError as exc:
            problems.append(exc.message)
            if backup is not None:
                log.info(f"upstream unreachable; trying the Debian backup {backup.package}")
    if backup is not None:
        want = backup.sha256 or source.sha256
        path = fetch_debian(backup, want, cfg, log)
        if backup.sha256 is None or backup.sha256 == source.sha256:
            return Fetched(path, f"Debian {backup.package} {backup.version} (identical to the pin)")
        note = (f"Debian's {path.name} ({backup.package} {backup.version}, sha256 "
                f"{backup.sha256[:16]}...) in place of {name}")
        return Fetched(path, f"Debian {backup.package} {backup.version}", substitute=note)
    mirrors = ", ".join(str(m) for m in cfg.mirror_dirs) or "none configured"
    raise SourceError(problems[0], package=log.package, step=log.step, log=log.path,
                      hint=f"Put {name} into a mirror folder (mirrors: {mirrors}), declare a "
                      "Debian backup in the recipe, or configure an override.")


def fetch_sdist(source: Sdist, version: str, cfg: Config, log: Log) -> Fetched:
    """The verified sdist of ``source.project==version``: cache, mirror, then pip's indexes."""
    cached = _cached(cfg, source.sha256, log)
    if cached is not None:
        return Fetched(cached, "download cache")
    for mirror in cfg.mirror_dirs:
        for candidate in sorted(mirror.iterdir()) if mirror.is_dir() else []:
            if (candidate.is_file()
                    and pyindex.sdist_matches(candidate.name, source.project, version)
                    and sha256_file(candidate) == source.sha256):
                log.info(f"using {candidate} from the mirror folder")
                return Fetched(candidate, f"mirror {candidate}")
    offers = pyindex.find_sdist(source.project, version, pyindex.pip_sources(log), log)
    if not offers:
        raise SourceError(f"no sdist of {source.project}=={version} on pip's configured indexes",
                          package=log.package, step=log.step, log=log.path,
                          hint="Check `pip config list`, or put the sdist into a mirror folder.")
    return Fetched(_download_offer(offers, source.sha256, cfg, log), "pip's index")


def fetch_pypi_file(project: str, filename: str, sha256: str, cfg: Config, log: Log) -> Path:
    """The verified file ``filename`` of ``project`` (a pinned wheel of a tool): the download
    cache, else pip's configured indexes."""
    cached = _cached(cfg, sha256, log)
    if cached is not None:
        return cached
    offers = pyindex.find_files(project, lambda f: f == filename, pyindex.pip_sources(log), log)
    if not offers:
        raise SourceError(f"no {filename} on pip's configured indexes", package=log.package,
                          step=log.step, log=log.path,
                          hint="Check `pip config list` (pip's indexes must be reachable once).")
    return _download_offer(offers, sha256, cfg, log)


def _download_offer(offers: list[pyindex.Candidate], sha256: str, cfg: Config,
                    log: Log) -> Path:
    """The first offer whose download has ``sha256``, stored in the download cache."""
    offers.sort(key=lambda c: c.sha256 != sha256)  # the file the index says is ours first
    last: SourceError | None = None
    for offer in offers:
        tmp = cfg.layout.downloads / f".{offer.filename}.{os.getpid()}.partial"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        log.info(f"downloading {offer.filename} from pip's index")
        log.write(f"url: {offer.url}")
        try:
            pyindex.download(offer.url, tmp)
            return _store(cfg, tmp, sha256, offer.filename, offer.filename, log)
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
        for d in list(dirnames):  # git tracks symlinks to folders as links
            if (Path(dirpath) / d).is_symlink():
                filenames.append(d)
                dirnames.remove(d)
        for name in filenames:
            # a `.git` *file* is a vendored submodule's pointer (uvloop's vendor/libuv/.git):
            # git cannot track a path named .git, and the tree needs no pointer to nowhere
            if name != ".git":
                index.add((Path(dirpath) / name).relative_to(workdir).as_posix())
    index.write()
    sig = pygit2.Signature(*IMPORT_SIGNATURE, IMPORT_TIME, 0)
    return repo.create_commit("HEAD", sig, sig, message, index.write_tree(), parents)


def _git_tree(source: Git, cfg: Config, top: Path, log: Log) -> str:
    """Clone ``source`` into ``top`` at its commit; returns where it came from."""
    origin = source.url
    for mirror in cfg.mirror_dirs:
        for candidate in (mirror / "git" / f"{source.repo_name}.git",
                          mirror / f"{source.repo_name}.git"):
            if candidate.is_dir():
                origin = str(candidate)
                break
        if origin != source.url:
            break
    log.info(f"cloning {origin} at {source.commit}")
    try:
        repo = pygit2.clone_repository(origin, str(top))
        commit = repo.revparse_single(source.commit)
        repo.checkout_tree(commit)  # type: ignore[no-untyped-call]
        repo.set_head(commit.id)
    except (pygit2.GitError, KeyError, ValueError) as exc:
        raise SourceError(f"cannot clone {origin} at {source.commit}: {exc}",
                          package=log.package, step=log.step, log=log.path) from exc
    return f"git {origin}"


def _fetch_archive(recipe: Recipe, cfg: Config, log: Log) -> Fetched:
    source = recipe.source
    if isinstance(source, Url):
        return fetch_url(source, cfg, log)
    if isinstance(source, Debian):
        assert source.sha256 is not None
        return Fetched(fetch_debian(source, source.sha256, cfg, log),
                       f"Debian {source.package} {source.version}")
    assert isinstance(source, Sdist)
    return fetch_sdist(source, recipe.version, cfg, log)


def ensure_source(recipe: Recipe, cfg: Config, log: Log) -> tuple[Path, SourceState]:
    """Make ``pkgs/<name>.source`` hold the pinned (or overridden) source; reuse it if it does."""
    src = cfg.layout.package(recipe.name).source
    pin = source_pin(recipe, cfg)
    state = read_state(src)
    if state is not None and state.pin == pin:
        return src, state
    override = cfg.overrides.get(recipe.name)
    partial = src.with_name(src.name + ".partial")
    remove_tree(partial)
    partial.mkdir(parents=True)
    try:
        if override is not None:
            if not override.is_dir():
                raise SourceError(f"override folder {override} does not exist",
                                  package=recipe.name, step=log.step, log=log.path)
            log.info(f"importing the override folder {override}")
            top = partial / "tree"
            shutil.copytree(override, top, symlinks=True, ignore=shutil.ignore_patterns(".git"))
            origin = f"override {override}"
            exact = False
        elif isinstance(recipe.source, Git):
            top = partial / "tree"
            origin = _git_tree(recipe.source, cfg, top, log)
            exact = True
        else:
            fetched = _fetch_archive(recipe, cfg, log)
            if fetched.substitute:
                log.warn(f"SOURCE SUBSTITUTE: {fetched.substitute}")
            source = recipe.source
            subdirs = source.subdirs if isinstance(source, (Url, Debian)) else ()
            exclude = source.exclude if isinstance(source, (Url, Debian)) else ()
            log.info(f"extracting {fetched.path.name}"
                     + (f" ({', '.join(subdirs)} only)" if subdirs else ""))
            extract(fetched.path, partial / "x", subdirs=subdirs, exclude=exclude)
            top = single_top(partial / "x")
            origin = fetched.substitute or fetched.origin
            exact = fetched.substitute is None
            if isinstance(source, Debian) and source.debian_sha256:
                origin += " " + apply_debian_patches(source, cfg, top, partial / "d", log)
        if override is None and recipe.resources:
            log.info(f"placing {len(recipe.resources)} resources")
            for res in recipe.resources:
                placed = place_resource(res, cfg, top, partial / "r", log)
                log.write(f"resource {res.dest}: {placed}")
        if isinstance(recipe.source, Git) and override is None:
            git = pygit2.Repository(str(top))
            commit_id = str(git.head.target)
            if recipe.resources:  # the pristine tree is the commit plus its resources
                commit_id = str(commit_tree(git, f"resources of {recipe.name}\n\n{pin}\n",
                                            [git.head.peel(pygit2.Commit).id]))
        else:
            repo = pygit2.init_repository(str(top), initial_head="upstream")
            commit_id = str(commit_tree(repo, f"upstream {recipe.name} {recipe.version}\n\n"
                                              f"{pin}\n{origin}\n", []))
        new_state = SourceState(pin, commit_id, origin, exact)
        atomic_write(top / ".git" / PIN_FILE, json.dumps(new_state.__dict__))
        remove_tree(src)
        os.replace(top, src)
        repo = pygit2.Repository(str(src))
        for name in repo.list_worktrees():  # a moved repository forgets its worktrees
            repo.lookup_worktree(name).prune(True)
    finally:
        remove_tree(partial)
    return src, new_state

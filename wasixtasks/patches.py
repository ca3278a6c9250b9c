"""``pkgs/<name>.prepared``: a git worktree of the pristine source with each patch of
``patches/`` applied as one commit, and the reverse: exporting commits back to patch files.

The prepared tree is persistent (patches are developed in it) and is only recreated when the
source or the patch series changes. Work in it that is not exported is never thrown away: a
recreate that would lose commits or edits stops with an error that says how to keep them.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pygit2

from .fsutil import PARTIAL, atomic_write, remove_tree
from .config import Config
from .errors import PatchError
from .recipe import Recipe
from .run import Log
from .pins import announce_override, source_pin
from .sources import ensure_source, read_state

BRANCH = "wasixtasks-prepared"
WORKTREE = "prepared"
DEFAULT_AUTHOR = ("wasixtasks", "dev@wasixtasks.invalid")


@dataclass(frozen=True)
class ParsedPatch:
    author: tuple[str, str]
    when: int
    subject: str
    body: str
    diff: str


def parse_patch(path: Path) -> ParsedPatch:
    """Read a ``git format-patch`` file (mail headers, message, then the diff)."""
    raw = path.read_bytes()
    msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
    text = raw.decode("utf-8", "replace")
    start = text.find("\ndiff --git ")
    if start < 0:
        if text.startswith("diff --git "):
            start = -1
        else:
            raise PatchError(f"{path.name}: no `diff --git` section found")
    diff = text[start + 1 :]
    # Drop the "-- \n<git version>" signature that format-patch appends.
    sig = re.search(r"\n-- \n[^\n]*\n*\Z", diff)
    if sig:
        diff = diff[: sig.start() + 1]
    subject = str(msg.get("Subject", path.stem))
    subject = re.sub(r"^\[PATCH[^\]]*\]\s*", "", subject).strip()
    name, addr = email.utils.parseaddr(str(msg.get("From", "")))
    when = 0
    if msg.get("Date"):
        try:
            when = int(email.utils.parsedate_to_datetime(str(msg["Date"])).timestamp())
        except (TypeError, ValueError):
            when = 0
    body = ""
    if "Subject:" in text and start > 0:
        head_end = text.find("\n\n")
        if 0 <= head_end < start:
            message = text[head_end + 2 : start + 1]
            body = message.split("\n---\n", 1)[0].strip()
            if message.lstrip().startswith("---"):
                body = ""
    return ParsedPatch(
        author=(name or DEFAULT_AUTHOR[0], addr or DEFAULT_AUTHOR[1]),
        when=when,
        subject=subject,
        body=body,
        diff=diff,
    )


def series_key(recipe: Recipe, cfg: Config) -> str:
    """Identity of source plus patch series: the prepared tree is rebuilt when it changes."""
    h = hashlib.sha256(source_pin(recipe, cfg).encode())
    for patch in recipe.patches:
        h.update(patch.name.encode() + b"\0" + patch.read_bytes())
    return h.hexdigest()


def prepared_dir(recipe: Recipe, cfg: Config) -> Path:
    return cfg.layout.package(recipe.name).prepared


def _state_path(recipe: Recipe, cfg: Config) -> Path:
    return cfg.layout.package(recipe.name).prepared_state


def _read_state(recipe: Recipe, cfg: Config) -> dict[str, str] | None:
    try:
        data = json.loads(_state_path(recipe, cfg).read_text())
        return {k: str(v) for k, v in data.items()}
    except (OSError, ValueError):
        return None


def _write_state(recipe: Recipe, cfg: Config, **state: str) -> None:
    atomic_write(_state_path(recipe, cfg), json.dumps(state, indent=1))


def unexported_work(recipe: Recipe, cfg: Config) -> str | None:
    """A sentence describing commits or edits in ``.prepared`` not in patches/, or None."""
    folder = prepared_dir(recipe, cfg)
    state = _read_state(recipe, cfg)
    if not folder.exists() or state is None:
        return None
    try:
        repo = pygit2.Repository(str(folder))
    except pygit2.GitError:
        return None
    if str(repo.head.target) != state.get("head"):
        return "it has commits that are not in patches/"
    changed = [p for p, flags in repo.status().items() if flags != pygit2.enums.FileStatus.IGNORED]
    if changed:
        shown = ", ".join(sorted(changed)[:3])
        return f"it has uncommitted changes ({shown}{', ...' if len(changed) > 3 else ''})"
    return None


def _apply(repo: pygit2.Repository, patch: Path, recipe: Recipe, log: Log) -> None:
    parsed = parse_patch(patch)
    try:
        diff = pygit2.Diff.parse_diff(parsed.diff)
        repo.apply(diff, pygit2.enums.ApplyLocation.BOTH)
    except (pygit2.GitError, ValueError) as exc:
        log.write(f"patch {patch.name} failed: {exc}")
        raise PatchError(
            f"patch {patch.name} does not apply: {exc}",
            package=recipe.name,
            step=log.step,
            log=log.path,
            hint=f"Refresh it: fix the tree in pkgs/{recipe.name}.prepared, commit, and run "
            f"`invoke sources.export-patches {recipe.name}`.",
        ) from exc
    index = repo.index
    index.read()
    tree = index.write_tree()
    author = pygit2.Signature(parsed.author[0], parsed.author[1], parsed.when or 946684800, 0)
    message = parsed.subject + ("\n\n" + parsed.body if parsed.body else "") + "\n"
    repo.create_commit("HEAD", author, author, message, tree, [repo.head.target])
    log.write(f"applied {patch.name}")


def _relink_worktree(src: Path, old: Path, new: Path) -> None:
    """Update git's records after renaming a worktree folder (what `git worktree move` does)."""
    gitdir = src / ".git" / "worktrees" / WORKTREE
    (gitdir / "gitdir").write_text(str(new / ".git") + "\n")
    (new / ".git").write_text(f"gitdir: {gitdir}\n")


def ensure_prepared(recipe: Recipe, cfg: Config, log: Log) -> Path:
    """Make ``.prepared`` match the source pin and patch series; returns its path."""
    announce_override(recipe, cfg, log)
    folder = prepared_dir(recipe, cfg)
    key = series_key(recipe, cfg)
    state = _read_state(recipe, cfg)
    # the source's own state must be readable too: an unreadable one (an older wasixtasks
    # wrote it) is fetched again, so the build info says truly what the tree is
    source_ok = read_state(cfg.layout.package(recipe.name).source) is not None
    if state is not None and state.get("key") == key and folder.is_dir() and source_ok:
        work = unexported_work(recipe, cfg)
        if work:
            log.warn(f"pkgs/{recipe.name}.prepared: {work}; building it as it is")
        return folder
    work = unexported_work(recipe, cfg)
    if work:
        raise PatchError(
            f"pkgs/{recipe.name}.prepared must be recreated (source or patches changed) but {work}",
            package=recipe.name,
            step=log.step,
            log=log.path,
            hint=f"Keep it with `invoke sources.export-patches {recipe.name}`, or discard it "
            f"with `invoke clean {recipe.name} --prepared`.",
        )
    src, src_state = ensure_source(recipe, cfg, log)
    partial = folder.with_name(folder.name + PARTIAL)
    repo = pygit2.Repository(str(src))
    if WORKTREE in repo.list_worktrees():
        repo.lookup_worktree(WORKTREE).prune(True)
    remove_tree(partial)
    remove_tree(folder)
    _state_path(recipe, cfg).unlink(missing_ok=True)
    base = repo.get(src_state.commit)
    if base is None:
        raise PatchError(
            f"source repository lacks its base commit {src_state.commit}",
            package=recipe.name, step=log.step, log=log.path,
        )
    branch = repo.branches.local.create(BRANCH, base.peel(pygit2.Commit), force=True)
    repo.add_worktree(WORKTREE, str(partial), branch)
    try:
        wt = pygit2.Repository(str(partial))
        for patch in recipe.patches:
            _apply(wt, patch, recipe, log)
        head = str(wt.head.target)
    except BaseException:
        remove_tree(partial)
        if WORKTREE in repo.list_worktrees():
            repo.lookup_worktree(WORKTREE).prune(True)
        raise
    os.replace(partial, folder)
    _relink_worktree(src, partial, folder)
    _write_state(recipe, cfg, key=key, head=head, base=src_state.commit)
    if recipe.patches:
        log.info(f"prepared with {len(recipe.patches)} patch(es)")
    return folder


def _slug(subject: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-").lower()
    return slug[:52].rstrip("-") or "change"


def format_patch(repo: pygit2.Repository, commit: pygit2.Commit, number: int, total: int) -> str:
    """One commit as a ``git format-patch`` mail that git am and libgit2 can apply."""
    parent = commit.parents[0]
    diff = repo.diff(parent, commit)
    summary, _, rest = commit.message.partition("\n")
    when = datetime.fromtimestamp(commit.author.time, tz=timezone.utc)
    lines = [
        f"From {commit.id} Mon Sep 17 00:00:00 2001",
        f"From: {commit.author.name} <{commit.author.email}>",
        f"Date: {email.utils.format_datetime(when)}",
        f"Subject: [PATCH {number}/{total}] {summary.strip()}" if total > 1
        else f"Subject: [PATCH] {summary.strip()}",
        "",
    ]
    body = rest.strip()
    if body:
        lines += [body, ""]
    lines += ["---", diff.patch or "", "-- ", "wasixtasks", ""]
    return "\n".join(lines).replace("\n\n-- \n", "\n-- \n")


def export_patches(recipe: Recipe, cfg: Config, log: Log) -> list[Path]:
    """Write the commits of ``.prepared`` (after the pristine base) as the package's patches."""
    folder = prepared_dir(recipe, cfg)
    state = _read_state(recipe, cfg)
    if state is None or not folder.is_dir():
        raise PatchError(
            f"pkgs/{recipe.name}.prepared does not exist",
            package=recipe.name, step="export-patches", log=log.path,
            hint=f"Run `invoke sources.prepare {recipe.name}` first.",
        )
    repo = pygit2.Repository(str(folder))
    dirty = [p for p, f in repo.status().items() if f != pygit2.enums.FileStatus.IGNORED]
    if dirty:
        raise PatchError(
            f"pkgs/{recipe.name}.prepared has uncommitted changes ({', '.join(sorted(dirty)[:3])})",
            package=recipe.name, step="export-patches", log=log.path,
            hint="Commit them in that folder first; each commit becomes one patch.",
        )
    base = state["base"]
    commits: list[pygit2.Commit] = []
    walker = repo.head.peel(pygit2.Commit)
    while str(walker.id) != base:
        if not walker.parents:
            raise PatchError(
                f"pkgs/{recipe.name}.prepared history does not contain the base commit {base}",
                package=recipe.name, step="export-patches", log=log.path,
            )
        commits.append(walker)
        walker = walker.parents[0]
    commits.reverse()
    cfg.patches_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    texts = [format_patch(repo, c, i + 1, len(commits)) for i, c in enumerate(commits)]
    old = [p for p in cfg.patches_dir.glob(f"{recipe.name}-[0-9][0-9][0-9][0-9]-*.patch")]
    for i, (commit, text) in enumerate(zip(commits, texts), start=1):
        subject = commit.message.partition("\n")[0]
        path = cfg.patches_dir / f"{recipe.name}-{i:04d}-{_slug(subject)}.patch"
        atomic_write(path, text)
        written.append(path)
    for path in old:
        if path not in written:
            path.unlink()
    new_recipe_patches = tuple(sorted(written))
    key_recipe = Recipe(**{**recipe.__dict__, "patches": new_recipe_patches})
    _write_state(
        recipe, cfg, key=series_key(key_recipe, cfg), head=str(repo.head.target), base=base
    )
    log.info(f"exported {len(written)} patch(es) to {cfg.patches_dir}")
    return written

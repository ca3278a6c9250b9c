"""Safe archive extraction and deterministic tarball packing.

Extraction relies on the standard library's ``data`` filter (PEP 706): it refuses members
that would land outside the destination (``..``, or through a link the archive itself
created), links leaving the tree and device or FIFO files. What it lacks is added here:
absolute member paths are refused (the filter would strip the slash), zip archives get the
same refusals, and a refusal names the archive and member.
Extraction streams through the archive once, so a subset of a large tarball (the LLVM runtimes
of a 185 MB source) costs one pass of decompression.

Packing sorts members and fixes mtime, owner and permissions, so the same tree always gives
the same bytes. Text files that record the folders a build ran in (CPython's sysconfig data,
numpy's ``__config__.py``) get those folders replaced by fixed names, the same ones the
compiler's ``-ffile-prefix-map`` uses, so a build in another folder gives the same bytes.
"""

from __future__ import annotations

import io
import lzma
import os
import posixpath
import stat
import tarfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import SourceError, UnsafeArchiveError
from .fsutil import atomic_file

#: A fixed timestamp for packed members (2000-01-01): deterministic and after 1980 for zips.
PACK_MTIME = 946684800


def scrub_paths(data: bytes, mapping: Iterable[tuple[str, str]]) -> bytes:
    """``data`` with each folder of ``mapping`` replaced by its fixed name; binary data (a NUL
    byte) is returned unchanged: a wasm object's strings cannot change length."""
    if b"\0" in data:
        return data
    for old, new in sorted(mapping, key=lambda m: -len(m[0])):
        data = data.replace(old.encode(), new.encode())
    return data


def scrub_tree(tree: Path, mapping: Iterable[tuple[str, str]]) -> list[str]:
    """Apply :func:`scrub_paths` to every regular file below ``tree``; returns the relative
    paths of the files it changed (sorted)."""
    pairs = list(mapping)
    changed: list[str] = []
    for path in _tree_members(tree):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        new = scrub_paths(data, pairs)
        if new != data:
            path.write_bytes(new)
            changed.append(path.relative_to(tree).as_posix())
    return changed


def _zip_problem(name: str, mode: int) -> str | None:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if ".." in [p for p in name.split("/") if p not in ("", ".")]:
        return "`..` in path"
    if mode and mode not in (stat.S_IFREG, stat.S_IFDIR):
        return "special file (link or device) in a zip"
    return None


def _selected(rel: str, subdirs: Sequence[str], exclude: Sequence[str]) -> bool:
    """Whether a member path (below the archive's top folder) is wanted."""

    def under(prefixes: Sequence[str]) -> bool:
        return any(rel == p or rel.startswith(p.rstrip("/") + "/") for p in prefixes)

    if subdirs and not under(subdirs):
        return False
    return not under(exclude)


def _below_top(name: str) -> str:
    parts = posixpath.normpath(name).split("/", 1)
    return parts[1] if len(parts) > 1 else ""


def extract(archive: Path, dest: Path, *, subdirs: Sequence[str] = (),
            exclude: Sequence[str] = ()) -> None:
    """Extract a .tar.* or .zip archive into ``dest`` (which must not exist yet).

    ``subdirs``/``exclude`` are paths below the archive's single top folder: only members
    under ``subdirs`` (all when empty) and not under ``exclude`` are extracted.
    """
    origin = archive.name
    dest.mkdir(parents=True)
    if zipfile.is_zipfile(archive) and not tarfile.is_tarfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                problem = _zip_problem(info.filename, (info.external_attr >> 16) & 0o170000)
                if problem:
                    raise UnsafeArchiveError(f"{origin}: member {info.filename!r}: {problem}")
            wanted = [i for i in zf.infolist()
                      if _selected(_below_top(i.filename), subdirs, exclude)
                      or not (subdirs or exclude)]
            zf.extractall(dest, members=wanted)
        return
    filtered = bool(subdirs or exclude)
    skipped: set[str] = set()
    try:
        with tarfile.open(archive, "r|*") as tf:
            for member in tf:
                if member.name.startswith("/") or (len(member.name) > 1 and member.name[1] == ":"):
                    raise UnsafeArchiveError(
                        f"{origin}: member {member.name!r}: absolute path; refusing to extract")
                rel = _below_top(member.name)
                if filtered and rel and not _selected(rel, subdirs, exclude):
                    skipped.add(member.name)
                    continue
                if member.islnk() and member.linkname in skipped:
                    raise SourceError(
                        f"{origin}: {member.name} is a hard link to {member.linkname}, which "
                        "the source's subdirs/exclude leave out: extract that folder too")
                try:
                    tf.extract(member, dest, filter="data")
                except tarfile.FilterError as exc:
                    raise UnsafeArchiveError(
                        f"{origin}: member {member.name!r}: {exc}; refusing to extract"
                    ) from exc
    except (tarfile.TarError, EOFError, lzma.LZMAError, OSError) as exc:
        raise SourceError(f"{origin}: not a readable archive: {exc}") from exc


def single_top(folder: Path) -> Path:
    """The one top-level folder of an extracted release tarball, or ``folder`` itself."""
    entries = [e for e in folder.iterdir() if e.name not in ("pax_global_header",)]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


def _tree_members(tree: Path) -> list[Path]:
    paths: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        paths += [Path(dirpath) / d for d in dirnames]
        paths += [Path(dirpath) / f for f in filenames]
    return sorted(paths, key=lambda p: p.relative_to(tree).as_posix())


def pack_tar_xz(tree: Path, out: Path) -> None:
    """Pack ``tree`` deterministically into ``out`` (written under a temporary name first)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for path in _tree_members(tree):
            info = tf.gettarinfo(str(path), arcname=path.relative_to(tree).as_posix())
            info.mtime = PACK_MTIME
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.pax_headers = {}
            if info.isdir():
                info.mode = 0o755
                tf.addfile(info)
            elif info.issym():
                info.mode = 0o777
                tf.addfile(info)
            elif info.isreg():
                info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
                with path.open("rb") as fh:
                    tf.addfile(info, fh)
            else:
                raise SourceError(f"{path}: cannot pack a special file")
    with atomic_file(out) as tmp:
        tmp.write_bytes(lzma.compress(buf.getvalue(), preset=6))


def unpack_into(archive: Path, dest: Path) -> list[str]:
    """Extract a packed artifact into an existing folder (a sysroot); returns member names."""
    dest.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    try:
        with tarfile.open(archive, "r|*") as tf:
            for member in tf:
                tf.extract(member, dest, filter="data")
                if not member.isdir():
                    names.append(member.name)
    except tarfile.FilterError as exc:
        raise UnsafeArchiveError(f"{archive.name}: {exc}; refusing to extract") from exc
    return names

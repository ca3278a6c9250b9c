"""Safe archive extraction and deterministic tarball packing.

Extraction refuses, before writing anything, members with absolute paths, ``..`` components,
links that leave the tree, and device or FIFO files. Packing sorts members and fixes mtime,
owner and permissions so the same tree always gives the same bytes.
"""

from __future__ import annotations

import io
import lzma
import os
import posixpath
import shutil
import stat
import tarfile
import zipfile
from pathlib import Path

from .errors import SourceError, UnsafeArchiveError

#: A fixed timestamp for packed members (2000-01-01): deterministic and after 1980 for zips.
PACK_MTIME = 946684800


def _member_problem(name: str, linkname: str | None, is_sym: bool) -> str | None:
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return "`..` in path"
    if linkname is not None:
        if linkname.startswith("/"):
            return f"link to absolute path {linkname}"
        base = posixpath.dirname(posixpath.normpath(name)) if is_sym else ""
        target = posixpath.normpath(posixpath.join(base, linkname))
        if target == ".." or target.startswith("../"):
            kind = "symlink" if is_sym else "hard link"
            return f"{kind} to {linkname} leaves the tree"
    return None


def check_tar_members(tf: tarfile.TarFile, origin: str) -> list[tarfile.TarInfo]:
    """All members of ``tf``, after refusing any that is unsafe to extract."""
    members = tf.getmembers()
    links = {m.name.rstrip("/") for m in members if m.issym() or m.islnk()}
    for m in members:
        parts = m.name.rstrip("/").split("/")
        through = next(("/".join(parts[:i]) for i in range(1, len(parts))
                        if "/".join(parts[:i]) in links), None)
        if through is not None:
            # a member written through a link of the same archive could land anywhere
            raise UnsafeArchiveError(
                f"{origin}: member {m.name!r} lies under the link {through!r}; refusing to extract"
            )
        if m.isdev() or m.isfifo():
            raise UnsafeArchiveError(f"{origin}: member {m.name!r} is a device or FIFO file")
        link = m.linkname if (m.issym() or m.islnk()) else None
        problem = _member_problem(m.name, link, m.issym())
        if problem:
            raise UnsafeArchiveError(f"{origin}: member {m.name!r}: {problem}; refusing to extract")
    return members


def extract(archive: Path, dest: Path) -> None:
    """Extract a .tar.* or .zip archive into ``dest`` (which must not exist yet)."""
    origin = archive.name
    dest.mkdir(parents=True)
    if zipfile.is_zipfile(archive) and not tarfile.is_tarfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                problem = _member_problem(info.filename, None, False)
                mode = (info.external_attr >> 16) & 0o170000
                if mode and mode not in (stat.S_IFREG, stat.S_IFDIR):
                    problem = problem or "special file (link or device) in a zip"
                if problem:
                    raise UnsafeArchiveError(f"{origin}: member {info.filename!r}: {problem}")
            zf.extractall(dest)
        return
    try:
        with tarfile.open(archive) as tf:
            members = check_tar_members(tf, origin)
            # The stdlib "data" filter is a second line of defence behind our own checks.
            tf.extractall(dest, members=members, filter="data")
    except tarfile.TarError as exc:
        raise SourceError(f"{origin}: not a readable archive: {exc}") from exc


def single_top(folder: Path) -> Path:
    """The one top-level folder of an extracted release tarball, or ``folder`` itself."""
    entries = [e for e in folder.iterdir() if e.name not in ("pax_global_header",)]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return folder


def pack_tar_xz(tree: Path, out: Path) -> None:
    """Pack ``tree`` deterministically into ``out`` (written under a temporary name first)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial-{os.getpid()}")
    for stale in out.parent.glob(f".{out.name}.partial-*"):
        # left by a run killed while packing (another pid): nothing else would remove it
        stale.unlink(missing_ok=True)
    paths: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames.sort()
        for d in dirnames:
            paths.append(Path(dirpath) / d)
        for f in sorted(filenames):
            paths.append(Path(dirpath) / f)
    paths.sort(key=lambda p: p.relative_to(tree).as_posix())
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for path in paths:
            rel = path.relative_to(tree).as_posix()
            info = tf.gettarinfo(str(path), arcname=rel)
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
    try:
        with tmp.open("wb") as fh:
            fh.write(lzma.compress(buf.getvalue(), preset=6))
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def unpack_into(archive: Path, dest: Path) -> list[str]:
    """Extract a packed artifact into an existing folder (a sysroot); returns member names."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tf:
        members = check_tar_members(tf, archive.name)
        tf.extractall(dest, members=members, filter="data")
        return [m.name for m in members if not m.isdir()]


def remove_tree(path: Path) -> None:
    """Remove a file, link or folder if it exists (read-only files included)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if path.exists():

        def onerror(func: object, p: str, exc: object) -> None:
            os.chmod(p, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
            if os.path.isdir(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)

        shutil.rmtree(path, onerror=onerror)

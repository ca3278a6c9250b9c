"""File-system primitives every other module uses: atomic writes, atomic folders, hashing.

Nothing is ever left half-written under a final name: files are written to a temporary name
in the same folder and renamed (``os.replace`` is atomic on POSIX), folders are filled under
``<name>.partial`` and renamed when complete. A run killed at any point leaves at most a
``*.partial*`` leftover, which the next writer of the same name removes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: Suffix of folders and files being written; never a final name.
PARTIAL = ".partial"


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_text(*parts: str | bytes) -> str:
    """The hex sha256 of several strings or byte strings, each followed by a separator."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def remove_tree(path: Path) -> None:
    """Remove a file, link or folder if it exists (read-only files included)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    if path.exists():

        def onexc(func: object, p: str, exc: object) -> None:
            os.chmod(p, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)

        shutil.rmtree(path, onerror=onexc)


def fresh_dir(path: Path) -> Path:
    """An empty folder at ``path`` (whatever was there is removed)."""
    remove_tree(path)
    path.mkdir(parents=True)
    return path


def atomic_write(path: Path, data: bytes | str, *, mode: int = 0o644) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode() if isinstance(data, str) else data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


@contextlib.contextmanager
def atomic_file(path: Path, *, mode: int = 0o644) -> Iterator[Path]:
    """A temporary path to write; renamed to ``path`` only when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*{PARTIAL}"):
        stale.unlink(missing_ok=True)  # left by a killed run
    tmp = path.with_name(f".{path.name}.{os.getpid()}{PARTIAL}")
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """An empty ``<path>.partial`` folder to fill; it replaces ``path`` when the block succeeds
    and is removed when it fails, so ``path`` is always either the old or the new tree."""
    partial = path.with_name(path.name + PARTIAL)
    fresh_dir(partial)
    try:
        yield partial
        old = path.with_name(f"{path.name}.old{PARTIAL}")
        remove_tree(old)
        if path.exists() or path.is_symlink():
            os.replace(path, old)
        os.replace(partial, path)
        remove_tree(old)
    finally:
        remove_tree(partial)


def copy_file(src: Path, dest: Path) -> Path:
    """Copy a file atomically (bytes and permission bits)."""
    with atomic_file(dest, mode=stat.S_IMODE(src.stat().st_mode)) as tmp:
        shutil.copyfile(src, tmp)
    return dest


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if needed) for the block.

    ``flock`` locks die with their process, so a killed holder never blocks the next run;
    threads of one process each open their own descriptor, so they exclude each other too.
    """
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

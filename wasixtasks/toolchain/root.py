"""Toolchain roots: the self-built compiler assembled from toolchain-package artifacts.

A root is a folder with ``zig`` (a link to the PyPI ziglang package: clang 22, wasm-ld,
ar), ``sysroot/`` (wasix-libc, libc++), ``clang-resource/`` (clang's headers, compiler-rt's
builtins) and ``bin/`` (the drivers). The final root lives in the cache outside the checkout,
named by the hash of its inputs, so every checkout on a machine shares it; the toolchain
packages themselves build with partial roots in ``pkgs/<name>.tools``.

Roots are published by renaming a finished ``.partial`` folder: a concurrent assembler that
loses the race drops its copy, and a root in use is never replaced.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from ..archive import unpack_into
from ..errors import ToolchainError
from ..fsutil import atomic_write, remove_tree
from .drivers import Root, write_drivers

#: Written last into a complete root.
COMPLETE = ".complete"


def ziglang_dir() -> Path:
    """The folder of the PyPI ``ziglang`` package (the ``zig`` binary and its ``lib``)."""
    try:
        import ziglang
    except ImportError as exc:
        raise ToolchainError(
            "the ziglang package is not installed",
            hint="Install the project (`pip install -e .`): ziglang is one of its dependencies.",
        ) from exc
    return Path(ziglang.__file__).parent


def zig_version() -> str:
    """``ziglang``'s version, from the name of its installed ``.dist-info`` folder (no process
    started, and cheaper than importlib.metadata on every no-op run)."""
    found = sorted(ziglang_dir().parent.glob("ziglang-*.dist-info"))
    if found:
        return found[-1].name.removeprefix("ziglang-").removesuffix(".dist-info")
    import importlib.metadata

    return importlib.metadata.version("ziglang")


def _link_zig(root: Root) -> None:
    link = root.path / "zig"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(ziglang_dir(), target_is_directory=True)
    headers = root.resource_dir / "include"
    if headers.is_symlink() or headers.exists():
        headers.unlink()
    root.resource_dir.mkdir(parents=True, exist_ok=True)
    headers.symlink_to(ziglang_dir() / "lib" / "include", target_is_directory=True)


def fill_root(path: Path, artifacts: Sequence[Path]) -> Root:
    """Unpack toolchain artifacts into ``path`` and write the drivers (no publishing)."""
    root = Root(path)
    for sub in (root.sysroot, root.resource_dir, root.bin):
        sub.mkdir(parents=True, exist_ok=True)
    for artifact in artifacts:
        unpack_into(artifact, path)
    _link_zig(root)
    write_drivers(root)
    return root


def root_key(parts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]


def ensure_root(path: Path, artifacts: Sequence[Path]) -> Root:
    """The root at ``path``: reused when complete (its zig link refreshed if the ziglang it
    pointed to is gone), else assembled from ``artifacts`` and published atomically."""
    root = Root(path)
    if (path / COMPLETE).is_file():
        if not root.zig.exists():
            _link_zig(root)  # same zig version (it is part of the key), another install
        return root
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    remove_tree(partial)
    try:
        fill_root(partial, artifacts)
        # the drivers name their own folder: point them at the final path
        _rewrite_paths(partial, path)
        atomic_write(partial / COMPLETE, "\n".join(a.name for a in artifacts) + "\n")
        try:
            os.rename(partial, path)
        except OSError:
            if not (path / COMPLETE).is_file():
                raise
    finally:
        remove_tree(partial)
    return Root(path)


def _rewrite_paths(partial: Path, final: Path) -> None:
    """Drivers written in the partial folder point at the final one."""
    for script in (partial / "bin").iterdir():
        text = script.read_text()
        atomic_write(script, text.replace(str(partial), str(final)), mode=0o755)

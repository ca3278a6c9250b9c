"""Tiny wasixtasks projects made on the fly for tests: no network, no compiling.

A project made by ``make_project`` has everything ``load_config`` and ``Registry.load`` look
for (pyproject.toml with ``[tool.wasixtasks]``, ``pkgs/``, ``patches/``) plus a ``mirror/``
folder that the configuration names, so a recipe pinned as
``Url("https://example.invalid/<file>", sha256=...)`` is found there and never downloaded,
and its own cache folder (``.cache``), so nothing of the developer's cache is touched.

Source tarballs are written with ``tarfile`` (fixed mtimes and owners, so the same files give
the same sha256). The library recipes written by ``library_recipe`` build with the host's
``make`` only: a Makefile in the tarball copies a header and a .pc file into
``$(DESTDIR)/usr/local/...``. Such a project has no toolchain packages, so its compiler root
holds drivers over zig but no sysroot: nothing in these tests may run ``$CC``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import tarfile
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from wasixtasks.config import Config
from wasixtasks.pipelines.common import Engine
from wasixtasks.registry import Registry

#: Every source URL of the test recipes lives here; the host never resolves (RFC 6761).
URL_BASE = "https://example.invalid"
#: Fixed mtime of tarball members (2001-09-09): tarballs are byte-for-byte reproducible.
MEMBER_MTIME = 1_000_000_000

PYPROJECT = """\
[project]
name = "wasixtasks-test-project"
version = "0"

[tool.wasixtasks]
# forced: `auto` would look at the developer's environment
toolchain = "self-built"
mirror = ["mirror"]
cache-dir = ".cache"
"""


def engine_of(cfg: Config) -> Engine:
    """An engine over the project's recipes as they are on disk now (no wasix-clang
    environment is detected: the test's environment is empty)."""
    return Engine.load(cfg, Registry.load(cfg), env={})


def make_project(tmp_path: Path) -> Path:
    """A fresh project root under ``tmp_path``."""
    root = tmp_path / "project"
    for sub in ("pkgs", "patches", "mirror"):
        (root / sub).mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    return root


# --------------------------------------------------------------------------- tarballs


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _regular(name: str, data: bytes, mode: int = 0o644) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = MEMBER_MTIME
    return info, data


def tarball_bytes(
    top: str,
    files: Mapping[str, str | bytes],
    *,
    extra: Iterable[tarfile.TarInfo] = (),
) -> bytes:
    """A .tar.gz with every file under ``top/`` (sorted), then the raw ``extra`` members
    (used to plant unsafe entries: links, ``..`` paths, devices)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        d = tarfile.TarInfo(top)
        d.type = tarfile.DIRTYPE
        d.mode = 0o755
        d.mtime = MEMBER_MTIME
        tf.addfile(d)
        for rel in sorted(files):
            content = files[rel]
            data = content.encode() if isinstance(content, str) else content
            info, payload = _regular(f"{top}/{rel}", data)
            tf.addfile(info, io.BytesIO(payload))
        for info in extra:
            info.mtime = MEMBER_MTIME
            tf.addfile(info, io.BytesIO(b"\0" * info.size) if info.isreg() else None)
    # mtime=0 in the gzip header: the same members give the same bytes, hence the same sha256
    return gzip.compress(buf.getvalue(), compresslevel=6, mtime=0)


def write_tarball(
    root: Path,
    filename: str,
    files: Mapping[str, str | bytes],
    *,
    top: str | None = None,
    extra: Iterable[tarfile.TarInfo] = (),
) -> str:
    """Write ``mirror/<filename>`` and return its sha256 (what the recipe pins)."""
    top = top or filename.removesuffix(".tar.gz")
    data = tarball_bytes(top, files, extra=extra)
    (root / "mirror" / filename).write_bytes(data)
    return sha256_bytes(data)


def pc_file(name: str, version: str = "1.0", *, requires: Iterable[str] = ()) -> str:
    """A .pc file that already follows the sysroot convention (what a good install writes)."""
    req = ", ".join(requires)
    return textwrap.dedent(
        f"""\
        prefix=/usr/local
        exec_prefix=${{prefix}}
        libdir=${{exec_prefix}}/lib/wasm32-wasi
        includedir=${{prefix}}/include

        Name: {name}
        Description: {name}, a test library
        Version: {version}
        Requires: {req}
        Libs: -L${{libdir}} -l{name}
        Cflags: -I${{includedir}}
        """
    )


INSTALL_RULES = (
    "\tmkdir -p $(DESTDIR)/usr/local/include $(DESTDIR)/usr/local/lib/wasm32-wasi/pkgconfig\n"
    "\tcp {name}.h $(DESTDIR)/usr/local/include/{name}.h\n"
    "\tcp {name}.pc $(DESTDIR)/usr/local/lib/wasm32-wasi/pkgconfig/{name}.pc\n"
)


def library_files(name: str, version: str = "1.0", *, header: str | None = None,
                  makefile: str | None = None) -> dict[str, str]:
    """The files of a tiny host-only library: a header, a .pc file and an installing Makefile."""
    return {
        f"{name}.h": header if header is not None else f"#define {name.upper()}_VERSION \"{version}\"\n",
        f"{name}.pc": pc_file(name, version),
        "Makefile": makefile if makefile is not None
        else "install:\n" + INSTALL_RULES.format(name=name),
    }


# --------------------------------------------------------------------------- recipes

DEFAULT_BODY = 'b.run("make", "install", f"DESTDIR={b.destdir}")'


def library_recipe(
    name: str,
    sha256: str,
    *,
    version: str = "1.0",
    libs: Iterable[str] = (),
    body: str = DEFAULT_BODY,
    filename: str | None = None,
    imports: str = "",
) -> str:
    """The text of a ``pkgs/<name>.py`` library recipe pinned to ``mirror/<filename>``."""
    filename = filename or f"{name}-{version}.tar.gz"
    fn = "build_" + re.sub(r"\W", "_", name)  # any name, even an invalid one, is a valid def
    libs_arg = f", libs={list(libs)!r}" if libs else ""
    indented = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    return (
        f'"""{name}: a test recipe (host make only)."""\n\n'
        f"{imports}"
        "from wasixtasks.recipe import Url, library\n"
        "from wasixtasks.stages import LibBuild\n\n\n"
        f"@library(version={version!r}, "
        f"source=Url({URL_BASE + '/' + filename!r}, sha256={sha256!r}){libs_arg}, "
        f"name={name!r})\n"
        f"def {fn}(b: LibBuild) -> None:\n"
        f"{indented}\n"
    )


def write_recipe(root: Path, name: str, text: str) -> Path:
    path = root / "pkgs" / f"{name}.py"
    path.write_text(text)
    return path


def add_library(
    root: Path,
    name: str,
    *,
    version: str = "1.0",
    libs: Iterable[str] = (),
    files: Mapping[str, str | bytes] | None = None,
    body: str = DEFAULT_BODY,
    imports: str = "",
    extra: Iterable[tarfile.TarInfo] = (),
) -> Path:
    """Tarball in the mirror plus a recipe pinning it; returns the recipe file."""
    filename = f"{name}-{version}.tar.gz"
    sha = write_tarball(
        root, filename, files if files is not None else library_files(name, version), extra=extra
    )
    return write_recipe(
        root, name,
        library_recipe(name, sha, version=version, libs=libs, body=body, imports=imports),
    )


# --------------------------------------------------------------------------- patches


def patch_text(
    path: str,
    old: str,
    new: str,
    *,
    subject: str = "Change a line",
    author: str = "Jane Patcher <jane@example.org>",
    date: str = "Sat, 01 Jan 2022 12:00:00 +0000",
    body: str = "",
) -> str:
    """A one-hunk ``git format-patch`` mail replacing the single line ``old`` by ``new`` in
    a one-line file ``path`` (what the tiny test sources contain)."""
    message = f"{body}\n" if body else ""
    return (
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
        f"From: {author}\n"
        f"Date: {date}\n"
        f"Subject: [PATCH] {subject}\n"
        "\n"
        f"{message}"
        "---\n"
        f" {path} | 2 +-\n"
        " 1 file changed, 1 insertion(+), 1 deletion(-)\n"
        "\n"
        f"diff --git a/{path} b/{path}\n"
        f"--- a/{path}\n"
        f"+++ b/{path}\n"
        "@@ -1 +1 @@\n"
        f"-{old}\n"
        f"+{new}\n"
        "-- \n"
        "2.43.0\n"
        "\n"
    )


def write_patch(root: Path, filename: str, text: str) -> Path:
    path = root / "patches" / filename
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- inspection


def leftovers(root: Path, predicate: Callable[[Path], bool] | None = None) -> list[str]:
    """Paths (relative to ``root``) of temporary ``*.partial*`` files or folders, anywhere
    under the project except its cache."""
    found: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == ".cache":
            continue
        if ".partial" in path.name and (predicate is None or predicate(path)):
            found.append(rel.as_posix())
    return found


def tar_xz_bytes(files: Mapping[str, bytes]) -> bytes:
    """A .tar.xz holding ``files`` (member path -> content) as regular files, sorted."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tf:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()

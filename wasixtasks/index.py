"""Publish artifacts/ as a static PEP 503 simple index with dumb-pypi.

Layout of ``dist/`` after :func:`generate_index`::

    dist/
      .wasixtasks-index             marker: this folder may be replaced by generate_index
      index.html, packages.json, changelog/, pypi/<project>/json   (written by dumb-pypi)
      simple/index.html             PEP 503 project list
      simple/<project>/index.html   one link per wheel: ../../packages/<file>#sha256=<hex>
                                    with data-requires-python and data-core-metadata
      packages/<wheel>              the wheels, byte-identical to artifacts/
      packages/<wheel>.metadata     PEP 658 core metadata (the wheel's .dist-info/METADATA)

All links are relative, so the index works from ``file://`` URLs and from any web server.

Every ``*.whl`` in artifacts/ must pass :func:`wasixtasks.wheels.inspect_wheel`; library
tarballs (``*.tar.xz``) are allowed in artifacts/ but are not part of the Python index; any
other entry fails the command. The new index is built in ``<dist>.partial-<pid>`` and swapped
into place only after it is complete and verified, so a failure leaves ``dist/`` untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import IndexGenerationError, WheelError
from .run import Log, run
from .fsutil import sha256_file
from .wheels import WheelInfo, inspect_wheel

__all__ = ["IndexSummary", "LIBRARY_SUFFIX", "MARKER", "PACKAGES_DIR", "generate_index"]

#: Library tarballs built next to the wheels; kept in artifacts/ but not published here.
LIBRARY_SUFFIX = ".tar.xz"
#: File in dist/ that marks it as ours, so replacing it cannot delete an unrelated folder.
MARKER = ".wasixtasks-index"
#: Where the wheels live, relative to dist/.
PACKAGES_DIR = "packages"
#: --packages-url as seen from dist/simple/<project>/index.html.
_PACKAGES_URL = f"../../{PACKAGES_DIR}/"


@dataclass(frozen=True)
class IndexSummary:
    """What :func:`generate_index` published."""

    projects: int
    files: int
    dist: Path


@dataclass(frozen=True)
class _Published:
    info: WheelInfo
    filename: str
    sha256: str
    metadata_sha256: str


def generate_index(
    artifacts: Path, dist: Path, *, log: Log, title: str = "wasixtasks"
) -> IndexSummary:
    """Publish the wheels of ``artifacts`` as a static simple index in ``dist``.

    Raises :class:`IndexGenerationError` naming the offending file when artifacts/ holds a bad
    wheel or an unknown file; ``dist`` is left exactly as it was in that case.
    """
    log.enter("index")
    artifacts = Path(os.path.abspath(artifacts))
    dist = Path(os.path.abspath(dist))
    _check_locations(artifacts, dist, log=log)

    wheels = _collect(artifacts, log=log)
    if not wheels:
        log.warn(f"no wheels in {artifacts}; the index will be empty")

    partial = dist.with_name(f"{dist.name}.partial-{os.getpid()}")
    if os.path.lexists(partial):
        shutil.rmtree(partial)
    try:
        published = _build(wheels, partial, log=log, title=title)
        _swap(partial, dist)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    projects = {p.info.name for p in published}
    log.info(f"index: {len(projects)} projects, {len(published)} wheels in {dist}")
    return IndexSummary(projects=len(projects), files=len(published), dist=dist)


def _check_locations(artifacts: Path, dist: Path, *, log: Log) -> None:
    def fail(message: str, hint: str | None = None) -> IndexGenerationError:
        return IndexGenerationError(message, step="index", log=log.path, hint=hint)

    if not artifacts.is_dir():
        raise fail(
            f"artifacts folder {artifacts} does not exist",
            hint="Build some packages first; their wheels are collected in artifacts/.",
        )
    real_artifacts, real_dist = artifacts.resolve(), dist.resolve()
    if (
        real_artifacts == real_dist
        or real_artifacts.is_relative_to(real_dist)
        or real_dist.is_relative_to(real_artifacts)
    ):
        raise fail(f"the index folder {dist} must be outside the artifacts folder {artifacts}")
    if os.path.lexists(dist):
        if not dist.is_dir():
            raise fail(f"{dist} exists and is not a folder")
        if any(dist.iterdir()) and not (dist / MARKER).is_file():
            raise fail(
                f"refusing to replace {dist}: it is not empty and was not written by wasixtasks",
                hint=f"Remove it or choose another output folder (no {MARKER} file found).",
            )


def _collect(artifacts: Path, *, log: Log) -> list[WheelInfo]:
    """Inspect every entry of artifacts/; raise naming the first bad one."""
    wheels: list[WheelInfo] = []
    problems: list[tuple[Path, str]] = []
    for entry in sorted(artifacts.iterdir()):
        if entry.name.endswith(".whl"):
            if not entry.is_file():
                problems.append((entry, "not a regular file"))
                continue
            try:
                wheels.append(inspect_wheel(entry))
            except WheelError as exc:
                problem = exc.message
                problems.append((entry, problem.removeprefix(f"{entry.name}: ")))
        elif entry.name.endswith(LIBRARY_SUFFIX) and entry.is_file():
            log.info(f"not in the Python index (library tarball): {entry.name}")
        else:
            kind = "folder" if entry.is_dir() else "file"
            problems.append(
                (entry, f"unexpected {kind} (only *.whl and *{LIBRARY_SUFFIX} belong here)")
            )
    if problems:
        for entry, problem in problems:
            log.write(f"cannot publish {entry}: {problem}")
        first, problem = problems[0]
        more = f" (and {len(problems) - 1} more bad files, see the log)" if len(problems) > 1 else ""
        raise IndexGenerationError(
            f"cannot publish {first}: {problem}{more}",
            step="index",
            log=log.path,
            hint="Rebuild or remove the offending files in artifacts/; dist/ was not changed.",
        )
    return wheels


def _build(wheels: list[WheelInfo], out: Path, *, log: Log, title: str) -> list[_Published]:
    packages = out / PACKAGES_DIR
    packages.mkdir(parents=True)
    (out / MARKER).write_text(
        "Written by wasixtasks generate_index; this folder is replaced on every run.\n",
        encoding="utf-8",
    )
    published: list[_Published] = []
    lines: list[str] = []
    for info in wheels:
        filename = info.path.name
        target = packages / filename
        shutil.copyfile(info.path, target)
        (packages / f"{filename}.metadata").write_bytes(info.metadata)
        entry = _Published(
            info=info,
            filename=filename,
            sha256=sha256_file(target),
            metadata_sha256=hashlib.sha256(info.metadata).hexdigest(),
        )
        published.append(entry)
        line: dict[str, str] = {
            "filename": filename,
            "hash": f"sha256={entry.sha256}",
            "core_metadata": f"sha256={entry.metadata_sha256}",
        }
        if info.requires_python is not None:
            line["requires_python"] = info.requires_python
        lines.append(json.dumps(line, sort_keys=True))

    with tempfile.TemporaryDirectory(prefix="wasixtasks-index-") as tmp:
        package_list = Path(tmp) / "packages.jsonl"
        package_list.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        run(
            [
                sys.executable,
                "-m",
                "dumb_pypi.main",
                "--package-list-json",
                package_list,
                "--packages-url",
                _PACKAGES_URL,
                "--output-dir",
                out,
                "--title",
                title,
                "--no-generate-timestamp",
                # per-release JSON lives one folder deeper, where the relative
                # packages URL would point to the wrong place
                "--no-per-release-json",
            ],
            log=log,
        )
    _verify(published, out, log=log)
    return published


def _verify(published: list[_Published], out: Path, *, log: Log) -> None:
    """Check that dumb-pypi published every wheel with hash, Requires-Python and metadata."""

    def fail(message: str) -> IndexGenerationError:
        return IndexGenerationError(
            message,
            step="index",
            log=log.path,
            hint="dumb-pypi skipped or changed an entry; check its output in the log.",
        )

    from pypi_simple import IndexPage, ProjectPage  # slow to load: only when publishing

    simple = out / "simple"
    root_index = simple / "index.html"
    if not root_index.is_file():
        raise fail(f"dumb-pypi did not write {root_index}")
    listed = set(IndexPage.from_html(root_index.read_text(encoding="utf-8")).projects)
    pages: dict[str, ProjectPage] = {}
    for entry in published:
        project = entry.info.name
        if project not in listed:
            raise fail(f"project {project} ({entry.filename}) is missing from {root_index}")
        if project not in pages:
            page = simple / project / "index.html"
            if not page.is_file():
                raise fail(f"dumb-pypi did not write {page}")
            pages[project] = ProjectPage.from_html(project, page.read_text(encoding="utf-8"),
                                                   base_url=page.as_uri())
        want_url = (out / PACKAGES_DIR / entry.filename).as_uri()
        matches = [p for p in pages[project].packages if p.url.partition("#")[0] == want_url]
        if len(matches) != 1 or matches[0].digests.get("sha256") != entry.sha256:
            raise fail(f"{entry.filename} has no link with its sha256 in simple/{project}/")
        package = matches[0]
        if package.metadata_digests is None or \
                package.metadata_digests.get("sha256") != entry.metadata_sha256:
            raise fail(f"{entry.filename}: simple/{project}/ lacks its PEP 658 metadata hash")
        if package.requires_python != entry.info.requires_python:
            raise fail(f"{entry.filename}: simple/{project}/ has the wrong Requires-Python")


def _swap(partial: Path, dist: Path) -> None:
    """Put the finished index in place of ``dist`` (two renames; old copy removed last)."""
    if not os.path.lexists(dist):
        os.rename(partial, dist)
        return
    old = dist.with_name(f"{dist.name}.old-{os.getpid()}")
    if os.path.lexists(old):
        shutil.rmtree(old)
    os.rename(dist, old)
    try:
        os.rename(partial, dist)
    except BaseException:
        os.rename(old, dist)
        raise
    shutil.rmtree(old)

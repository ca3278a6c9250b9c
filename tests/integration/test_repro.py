"""Reproducible artifacts: two clean builds of the same inputs, in two folders of different
names and depths, one after the other, give bit-identical ``.tar.xz`` and ``.whl`` files.

What makes them so: ``-ffile-prefix-map`` for the build and sysroot folders, build folders in
text files replaced by the same fixed names, SOURCE_DATE_EPOCH, sorted archive members with
fixed times, owners and modes (wasixtasks.archive, wasixtasks.wheels, toolchain/env.py).

The CI-sized set rebuilds (``--force``: not restored from the artifact cache) libraries of
three build systems and two wheels. ``nox -s repro`` sets ``WASIXTASKS_REPRO=all``: every
recipe, the toolchain packages, CPython and numpy included (about 10 minutes per build on
2 cores); it prints the table of sha256 sums side by side.
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.helpers.sandbox import Result, clone_project, invoke

pytestmark = pytest.mark.integration

#: autotools (libpng), plain make (bzip2), a hand-written configure (zlib), CMake (brotli),
#: ncurses (its configure's archiver flags once wrote member times), a setuptools extension
#: (markupsafe) and a Cython one (msgpack)
LIBRARIES = ["zlib", "bzip2", "libpng", "brotli", "ncurses"]
WHEELS = ["markupsafe", "msgpack-python"]
EVERYTHING = os.environ.get("WASIXTASKS_REPRO") == "all"


def build(root: Path) -> list[Result]:
    if EVERYTHING:
        return [invoke(root, "build.all", "--force", "-j", "2", timeout=3 * 3600)]
    return [invoke(root, "build.lib", "-n", ",".join(LIBRARIES), "--force", "-j", "2"),
            invoke(root, "build.wheel", "-n", ",".join(WHEELS), "--force", "-j", "2")]


def sha256s(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "artifacts").iterdir()) if p.is_file()}


def members(path: Path) -> dict[str, bytes]:
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) + repr((i.date_time, i.external_attr)).encode()
                    for i in zf.infolist()}
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(path.read_bytes()))) as tf:
        for m in tf:
            f = tf.extractfile(m) if m.isfile() else None
            out[m.name] = (f.read() if f else b"") + repr((m.mode, m.mtime, m.linkname)).encode()
    return out


def differing_members(one: Path, two: Path) -> list[str]:
    a, b = members(one), members(two)
    return sorted(n for n in a.keys() | b.keys() if a.get(n) != b.get(n))


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Result]]:
    one = clone_project(tmp_path_factory.mktemp("repro") / "one")
    two = clone_project(tmp_path_factory.mktemp("repro") / "second-build" / "in" / "two")
    return one, two, [*build(one), *build(two)]


def test_every_artifact_is_bit_identical(two_builds: tuple[Path, Path, list[Result]]) -> None:
    one, two, results = two_builds
    for result in results:
        assert result.returncode == 0, result.output
        assert "0 failed" in result.output and " built" in result.output, result.output
    first, second = sha256s(one), sha256s(two)
    expected = LIBRARIES + WHEELS if not EVERYTHING else []
    for name in expected:
        stem = name.split("-")[0]
        assert any(a.startswith(stem) for a in first), f"{name}: no artifact in {sorted(first)}"
    assert first.keys() == second.keys()
    width = max(map(len, first))
    table = [f"{'artifact':<{width}}  {'first build (' + str(one) + ')':<66}  second build",
             *(f"{n:<{width}}  {first[n][:64]:<66}  "
               f"{'identical' if first[n] == second[n] else second[n][:64]}" for n in first)]
    print("\n".join(["", *table]))
    different = {n: differing_members(one / "artifacts" / n, two / "artifacts" / n)[:5]
                 for n in first if first[n] != second[n]}
    assert not different, f"artifacts differ (first differing members): {different}"

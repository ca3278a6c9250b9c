"""End-to-end tests of wasixtasks.index: dumb-pypi output consumed by a real pip (and uv).

The wheels are hand-made (tests/helpers/wheelfactory.py) with the tags the builds produce:
``cp313-cp313-wasix_wasm32`` for the WASIX CPython 3.13, next to a pure wheel and a library
tarball (``artifacts/<name>.tar.xz``), as artifacts/ holds them after a build."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from packaging.version import Version

from tests.helpers.wheelfactory import make_wheel, truncate
from wasixtasks.errors import IndexGenerationError
from wasixtasks.index import MARKER, IndexSummary, generate_index
from wasixtasks.run import Log

#: the tag of every wheel the builds produce (pipelines/wheel.py re-tags them)
WASIX_TAG = "cp313-cp313-wasix_wasm32"
WASIX_PLATFORM = "wasix_wasm32"
TARGET_PYTHON = "3.13"
WASIX_WHEEL = f"demo_pkg-1.0-{WASIX_TAG}.whl"
NEWER_WHEEL = f"demo_pkg-1.1-{WASIX_TAG}.whl"
PURE_WHEEL = "Other_Tool-2.0-py3-none-any.whl"

# runs dumb-pypi, pip and uv as real subprocesses (a few seconds)
pytestmark = pytest.mark.integration

#: dumb-pypi writes only the PEP 714 name ``data-core-metadata``; pip 23.0.x still reads only
#: the old ``data-dist-info-metadata`` and quietly downloads the whole wheel instead.
PIP_READS_CORE_METADATA = Version(importlib.metadata.version("pip")) >= Version("23.2")


@pytest.fixture
def log(tmp_path: Path) -> Log:
    return Log("index", tmp_path / "logs" / "index.log", quiet=True)


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = tmp_path / "artifacts"
    make_wheel(folder, name="demo_pkg", version="1.0", tag=WASIX_TAG, requires_python=">=3.13")
    # not installable on 3.13: pip must skip it because of data-requires-python
    make_wheel(folder, name="demo_pkg", version="1.1", tag=WASIX_TAG,
               requires_python=">=3.14,<4")
    make_wheel(
        folder,
        name="Other_Tool",
        version="2.0",
        tag="py3-none-any",
        metadata_name="Other.Tool",
        files={"other_tool.py": b"X = 2\n"},
        requires_python=None,
    )
    # a library artifact: kept in artifacts/, never published in the Python index
    (folder / "zlib.tar.xz").write_bytes(b"\xfd7zXZ\x00 not really")
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        href = attributes.get("href")
        if tag == "a" and href:
            self.links[href.split("#", 1)[0].rsplit("/", 1)[-1]] = attributes


def _links(page: Path) -> dict[str, dict[str, str | None]]:
    parser = _Links()
    parser.feed(page.read_text())
    return parser.links


def _clean_env() -> dict[str, str]:
    """The environment of an isolated pip/uv: no user config, no extra indexes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _pip_download(dist: Path, out: Path, *projects: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--index-url",
            f"{dist.as_uri()}/simple",
            "--platform",
            WASIX_PLATFORM,
            "--python-version",
            TARGET_PYTHON,
            "--only-binary=:all:",
            "--no-deps",
            "--no-cache-dir",
            "-v",
            *projects,
            "-d",
            str(out),
        ],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_generate_index_and_pip_download(tmp_path: Path, artifacts: Path, log: Log) -> None:
    dist = tmp_path / "dist"
    summary = generate_index(artifacts, dist, log=log, title="wasix test")
    assert summary == IndexSummary(projects=2, files=3, dist=dist)

    # layout: wheels and PEP 658 metadata side by side, no library tarball, no leftovers
    packages = dist / "packages"
    assert sorted(p.name for p in packages.iterdir()) == sorted(
        [
            WASIX_WHEEL, f"{WASIX_WHEEL}.metadata",
            NEWER_WHEEL, f"{NEWER_WHEEL}.metadata",
            PURE_WHEEL, f"{PURE_WHEEL}.metadata",
        ]
    )
    assert (dist / MARKER).is_file()
    assert not list(tmp_path.glob("dist.*"))
    for name in (WASIX_WHEEL, NEWER_WHEEL, PURE_WHEEL):
        assert (packages / name).read_bytes() == (artifacts / name).read_bytes()

    # PEP 503 normalized project pages
    assert sorted(p.name for p in (dist / "simple").iterdir()) == [
        "demo-pkg", "index.html", "other-tool",
    ]
    root_links = re.findall(r'href="([^"]+)"', (dist / "simple" / "index.html").read_text())
    assert root_links == ["demo-pkg/index.html", "other-tool/index.html"]

    page = dist / "simple" / "demo-pkg" / "index.html"
    html = page.read_text()
    assert 'data-requires-python="&gt;=3.13"' in html
    assert 'data-requires-python="&gt;=3.14,&lt;4"' in html
    links = _links(page)
    wasix = links[WASIX_WHEEL]
    assert wasix["href"] == (f"../../packages/{WASIX_WHEEL}"
                             f"#sha256={_sha256(artifacts / WASIX_WHEEL)}")
    assert wasix["data-requires-python"] == ">=3.13"
    metadata_file = packages / f"{WASIX_WHEEL}.metadata"
    assert wasix["data-core-metadata"] == f"sha256={_sha256(metadata_file)}"
    assert metadata_file.read_bytes().startswith(b"Metadata-Version: 2.1\nName: demo_pkg\n")
    pure = _links(dist / "simple" / "other-tool" / "index.html")[PURE_WHEEL]
    assert "data-requires-python" not in pure
    assert pure["data-core-metadata"] == f"sha256={_sha256(packages / f'{PURE_WHEEL}.metadata')}"

    # a real pip, over file://, for the WASIX platform and CPython 3.13
    out = tmp_path / "downloaded"
    result = _pip_download(dist, out, "demo-pkg", "other.tool")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([WASIX_WHEEL, PURE_WHEEL])
    assert _sha256(out / WASIX_WHEEL) == _sha256(artifacts / WASIX_WHEEL)
    assert _sha256(out / PURE_WHEEL) == _sha256(artifacts / PURE_WHEEL)
    if PIP_READS_CORE_METADATA:
        # pip took the dependency information from the PEP 658 file, not from the wheel
        assert f"{WASIX_WHEEL}.metadata" in result.stdout
    # 1.1 was skipped because of its data-requires-python, before anything was fetched
    assert "requires a different Python" in result.stdout
    assert f"{NEWER_WHEEL}.metadata" not in result.stdout


@pytest.mark.skipif(
    not PIP_READS_CORE_METADATA, reason="this pip predates PEP 714 (data-core-metadata)"
)
def test_pip_checks_the_advertised_metadata_hash(
    tmp_path: Path, artifacts: Path, log: Log
) -> None:
    dist = tmp_path / "dist"
    generate_index(artifacts, dist, log=log)
    metadata_file = dist / "packages" / f"{WASIX_WHEEL}.metadata"
    metadata_file.write_bytes(metadata_file.read_bytes() + b"tampered\n")
    result = _pip_download(dist, tmp_path / "out", "demo-pkg")
    assert result.returncode != 0
    assert "hash" in (result.stdout + result.stderr).lower()


def test_uv_installs_from_index(tmp_path: Path, artifacts: Path, log: Log) -> None:
    # uv is a test dependency (pyproject's `test` extra): its PyPI package carries the binary
    from uv import find_uv_bin

    uv = find_uv_bin()
    dist = tmp_path / "dist"
    generate_index(artifacts, dist, log=log)
    target = tmp_path / "target"
    # uv cannot target WASIX, so it installs the pure wheel for the host interpreter
    result = subprocess.run(
        [
            uv, "pip", "install",
            "--python", sys.executable,
            "--target", str(target),
            "--index-url", f"{dist.as_uri()}/simple",
            "--no-deps", "--no-cache",
            "other-tool",
        ],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "other_tool.py").read_text() == "X = 2\n"


def test_uv_resolves_the_wasix_wheel_from_index(tmp_path: Path, artifacts: Path, log: Log) -> None:
    # uv cannot install for a WASIX platform, but a universal resolution with hashes reads the
    # index, honours data-requires-python and pins the wasm wheel with its sha256
    from uv import find_uv_bin

    dist = tmp_path / "dist"
    generate_index(artifacts, dist, log=log)
    requirements = tmp_path / "req.in"
    requirements.write_text("demo-pkg\n")
    result = subprocess.run(
        [
            find_uv_bin(), "pip", "compile", "--universal", "--generate-hashes", "--no-cache",
            "--python-version", TARGET_PYTHON, "--index-url", f"{dist.as_uri()}/simple", "-v",
            str(requirements),
        ],
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # 1.1 needs Python >= 3.14, so 1.0 (the wasix_wasm32 wheel) is chosen
    assert "demo-pkg==1.0" in result.stdout
    assert f"({WASIX_WHEEL})" in result.stderr
    assert f"--hash=sha256:{_sha256(artifacts / WASIX_WHEEL)}" in result.stdout


def test_regenerating_is_reproducible_and_replaces_old_files(
    tmp_path: Path, artifacts: Path, log: Log
) -> None:
    dist = tmp_path / "dist"
    generate_index(artifacts, dist, log=log)
    first = _snapshot(dist)
    generate_index(artifacts, dist, log=log)
    assert _snapshot(dist) == first

    (artifacts / NEWER_WHEEL).unlink()
    summary = generate_index(artifacts, dist, log=log)
    assert summary.files == 2
    assert not (dist / "packages" / NEWER_WHEEL).exists()
    assert not (dist / "packages" / f"{NEWER_WHEEL}.metadata").exists()
    assert NEWER_WHEEL not in (dist / "simple" / "demo-pkg" / "index.html").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts", "dist", "logs"]


def _assert_fails_and_dist_unchanged(
    tmp_path: Path, artifacts: Path, log: Log, add_bad: Callable[[], Path]
) -> IndexGenerationError:
    """A good run, then ``add_bad()`` puts one bad file into artifacts/: the next run fails."""
    dist = tmp_path / "dist"
    generate_index(artifacts, dist, log=log)
    before = _snapshot(dist)
    bad = add_bad()
    assert bad.parent == artifacts
    with pytest.raises(IndexGenerationError) as excinfo:
        generate_index(artifacts, dist, log=log)
    assert str(bad) in excinfo.value.message
    assert "\n" not in excinfo.value.one_line()
    assert _snapshot(dist) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["artifacts", "dist", "logs"]
    return excinfo.value


def test_truncated_wheel_fails_and_keeps_dist(tmp_path: Path, artifacts: Path, log: Log) -> None:
    def add_bad() -> Path:
        return truncate(make_wheel(artifacts, name="broken", version="3.0"))

    error = _assert_fails_and_dist_unchanged(tmp_path, artifacts, log, add_bad)
    assert "not a valid wheel (zip) file" in error.message


def test_unknown_file_fails(tmp_path: Path, artifacts: Path, log: Log) -> None:
    def add_bad() -> Path:
        bad = artifacts / "notes.txt"
        bad.write_text("remember the milk\n")
        return bad

    error = _assert_fails_and_dist_unchanged(tmp_path, artifacts, log, add_bad)
    assert "unexpected file" in error.message


def test_non_wheel_named_whl_fails(tmp_path: Path, artifacts: Path, log: Log) -> None:
    def add_bad() -> Path:
        bad = artifacts / "demo_pkg-2.0-py3-none-any.whl"
        bad.write_text("<html>not found</html>")
        return bad

    error = _assert_fails_and_dist_unchanged(tmp_path, artifacts, log, add_bad)
    assert "not a valid wheel (zip) file" in error.message


def test_metadata_version_mismatch_fails(tmp_path: Path, artifacts: Path, log: Log) -> None:
    def add_bad() -> Path:
        return make_wheel(artifacts, name="liar", version="1.0", metadata_version="1.0.1")

    error = _assert_fails_and_dist_unchanged(tmp_path, artifacts, log, add_bad)
    assert "METADATA Version '1.0.1' does not match the file name" in error.message


def test_all_bad_files_are_logged(tmp_path: Path, artifacts: Path, log: Log) -> None:
    (artifacts / "a-notes.txt").write_text("")
    (artifacts / "subdir").mkdir()
    with pytest.raises(IndexGenerationError) as excinfo:
        generate_index(artifacts, tmp_path / "dist", log=log)
    assert "a-notes.txt" in excinfo.value.message
    assert "and 1 more bad files" in excinfo.value.message
    assert "subdir" in log.path.read_text()
    assert not (tmp_path / "dist").exists()


def test_refuses_to_replace_a_foreign_folder(tmp_path: Path, artifacts: Path, log: Log) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "precious.txt").write_text("keep me")
    with pytest.raises(IndexGenerationError, match="refusing to replace"):
        generate_index(artifacts, dist, log=log)
    assert (dist / "precious.txt").read_text() == "keep me"


def test_refuses_dist_inside_artifacts(tmp_path: Path, artifacts: Path, log: Log) -> None:
    with pytest.raises(IndexGenerationError, match="must be outside the artifacts folder"):
        generate_index(artifacts, artifacts, log=log)


def test_empty_artifacts(tmp_path: Path, log: Log) -> None:
    (tmp_path / "artifacts").mkdir()
    summary = generate_index(tmp_path / "artifacts", tmp_path / "dist", log=log)
    assert (summary.projects, summary.files) == (0, 0)
    assert (tmp_path / "dist" / "simple" / "index.html").is_file()

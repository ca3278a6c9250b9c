"""wasixtasks.pyindex: finding sdists on pip's indexes without building them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from wasixtasks import pyindex, sources
from wasixtasks.config import Config, load_config
from wasixtasks.errors import ChecksumError, SourceError
from wasixtasks.recipe import Sdist
from wasixtasks.run import Log


def test_parse_pip_config_collects_all_scopes() -> None:
    text = "\n".join([
        ":env:.find-links='/opt/wheels'",
        "global.extra-index-url='file:///a/simple file:///b/simple'",
        "user.index-url='https://index.invalid/simple'",
    ])
    conf = pyindex.parse_pip_config(text)
    assert conf["extra-index-url"] == ["file:///a/simple", "file:///b/simple"]
    assert conf["index-url"] == ["https://index.invalid/simple"]
    assert conf["find-links"] == ["/opt/wheels"]


def test_html_page_links_match_name_and_version_only() -> None:
    body = b"""<html><body>
    <a href="../../packages/numpy-2.3.2.tar.gz#sha256=aa">numpy-2.3.2.tar.gz</a>
    <a href="numpy-2.3.1.tar.gz#sha256=bb">old</a>
    <a href="numpy-2.3.2-cp311-cp311-manylinux_2_17_x86_64.whl">wheel</a>
    <a href="numpyx-2.3.2.tar.gz">other project</a>
    </body></html>"""
    found = pyindex.candidates_from_page("https://i.invalid/simple/numpy/", body, "text/html", "numpy", "2.3.2")
    assert [(c.filename, c.sha256) for c in found] == [("numpy-2.3.2.tar.gz", "aa")]
    assert found[0].url == "https://i.invalid/packages/numpy-2.3.2.tar.gz"


def test_json_page_and_normalized_names() -> None:
    body = json.dumps({"files": [
        {"filename": "markupsafe-3.0.2.tar.gz", "url": "https://f.invalid/markupsafe-3.0.2.tar.gz",
         "hashes": {"sha256": "cc"}},
        {"filename": "MarkupSafe-3.0.2-cp311-cp311-win32.whl", "url": "x", "hashes": {}},
    ]}).encode()
    found = pyindex.candidates_from_page(
        "https://i.invalid/simple/markupsafe/", body, "application/vnd.pypi.simple.v1+json",
        "MarkupSafe", "3.0.2",
    )
    assert [(c.filename, c.sha256) for c in found] == [("markupsafe-3.0.2.tar.gz", "cc")]


def _file_index(tmp_path: Path, content: bytes) -> tuple[pyindex.PipSources, str]:
    pkg = tmp_path / "index" / "demo-pkg"
    pkg.mkdir(parents=True)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "demo_pkg-1.0.tar.gz").write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    (pkg / "index.html").write_text(
        f'<a href="../../files/demo_pkg-1.0.tar.gz#sha256={sha}">demo_pkg-1.0.tar.gz</a>'
    )
    return pyindex.PipSources(((tmp_path / "index").as_uri(),), ()), sha


def _cfg(tmp_path: Path) -> Config:
    root = tmp_path / "proj"
    (root / "pkgs").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    return load_config(root)


def test_fetch_sdist_downloads_from_a_file_index_and_caches_by_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, sha = _file_index(tmp_path, b"sdist bytes")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    cfg = _cfg(tmp_path)
    log = Log("demo-pkg", tmp_path / "demo.log")
    got = sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "1.0", cfg, log)
    assert got == cfg.cache_dir / "sha256" / sha / "demo_pkg-1.0.tar.gz"
    assert got.read_bytes() == b"sdist bytes"
    # second time: from the cache, the index is not asked
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: pytest.fail("index asked again"))
    assert sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "1.0", cfg, log) == got


def test_fetch_sdist_with_wrong_sha_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, _ = _file_index(tmp_path, b"sdist bytes")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    cfg = _cfg(tmp_path)
    wrong = "0" * 64
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        sources.fetch_sdist(Sdist("demo-pkg", sha256=wrong), "1.0", cfg, Log("demo-pkg", tmp_path / "l.log"))
    assert not any(p.is_file() for p in (cfg.cache_dir / "sha256").rglob("*"))


def test_fetch_sdist_missing_version_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, sha = _file_index(tmp_path, b"x")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    with pytest.raises(SourceError, match=r"no sdist of demo-pkg==2\.0"):
        sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "2.0", _cfg(tmp_path), Log("demo-pkg", tmp_path / "l.log"))

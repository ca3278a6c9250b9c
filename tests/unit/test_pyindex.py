"""Tests of wasixtasks.pyindex: pip's configured indexes (``pip config list``, faked), PEP 503
HTML and PEP 691 JSON project pages parsed with pypi-simple, and finding a pinned sdist
without building it; fetch_sdist on a local file index."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypi_simple import PYPI_SIMPLE_ENDPOINT

from wasixtasks import pyindex, sources
from wasixtasks.config import Config
from wasixtasks.errors import ChecksumError, SourceError
from wasixtasks.pyindex import Candidate, PipSources, find_sdist, parse_page, sdist_matches
from wasixtasks.recipe import Sdist
from wasixtasks.run import Completed, Log



@pytest.fixture
def log(tmp_path: Path) -> Log:
    return Log("demo-pkg", tmp_path / "demo.log", quiet=True)


# --------------------------------------------------------------------------- pip's configuration


def test_parse_pip_config_collects_all_scopes() -> None:
    text = "\n".join([
        ":env:.find-links='/opt/wheels'",
        "global.extra-index-url='file:///a/simple file:///b/simple'",
        "user.index-url='https://index.invalid/simple'",
        "site.timeout='60'",
        "not a setting",
    ])
    conf = pyindex.parse_pip_config(text)
    assert conf == {
        "find-links": ["/opt/wheels"],
        "extra-index-url": ["file:///a/simple", "file:///b/simple"],
        "index-url": ["https://index.invalid/simple"],
        "timeout": ["60"],
    }


def fake_pip(monkeypatch: pytest.MonkeyPatch, listing: str) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(argv: Sequence[str | os.PathLike[str]], *, log: Log, capture: bool = False,
            **kwargs: object) -> Completed:
        calls.append([os.fspath(a) for a in argv])
        assert capture
        return Completed(0, listing)

    monkeypatch.setattr(pyindex, "run", run)
    return calls


def test_pip_sources_reads_pip_config_list(monkeypatch: pytest.MonkeyPatch, log: Log) -> None:
    calls = fake_pip(monkeypatch, "global.index-url='https://a.invalid/simple'\n"
                                  "user.index-url='https://b.invalid/simple'\n"
                                  "global.extra-index-url='https://c.invalid/simple'\n"
                                  ":env:.find-links='/opt/wheels file:///srv/sdists'\n")
    got = pyindex.pip_sources(log)
    assert calls == [[sys.executable, "-m", "pip", "config", "list"]]
    # the last index-url wins (user over global, as in pip), extra indexes come after it
    assert got == PipSources(("https://b.invalid/simple", "https://c.invalid/simple"),
                             ("/opt/wheels", "file:///srv/sdists"))


def test_pip_sources_default_to_pypi(monkeypatch: pytest.MonkeyPatch, log: Log) -> None:
    fake_pip(monkeypatch, "")
    assert pyindex.pip_sources(log) == PipSources((PYPI_SIMPLE_ENDPOINT,), ())


# --------------------------------------------------------------------------- pages

HTML = b"""<!DOCTYPE html><html><body>
<a href="../../packages/numpy-2.3.2.tar.gz#sha256=aa">numpy-2.3.2.tar.gz</a>
<a href="numpy-2.3.1.tar.gz#sha256=bb">numpy-2.3.1.tar.gz</a>
<a href="numpy-2.3.2-cp311-cp311-manylinux_2_17_x86_64.whl">wheel</a>
<a href="numpyx-2.3.2.tar.gz">numpyx-2.3.2.tar.gz</a>
</body></html>"""

JSON = json.dumps({
    "meta": {"api-version": "1.0"},
    "name": "markupsafe",
    "files": [
        {"filename": "markupsafe-3.0.2.tar.gz", "url": "https://f.invalid/markupsafe-3.0.2.tar.gz",
         "hashes": {"sha256": "cc"}},
        {"filename": "MarkupSafe-3.0.2-cp311-cp311-win32.whl", "url": "../../w.whl", "hashes": {}},
        {"filename": "markupsafe-3.0.1.tar.gz", "url": "markupsafe-3.0.1.tar.gz", "hashes": {}},
    ],
}).encode()


def test_html_page() -> None:
    page = parse_page("numpy", "https://i.invalid/simple/numpy/", HTML, "text/html")
    by_name = {p.filename: p for p in page.packages}
    assert set(by_name) >= {"numpy-2.3.2.tar.gz", "numpy-2.3.1.tar.gz"}
    # links are resolved against the page
    assert by_name["numpy-2.3.2.tar.gz"].url.startswith("https://i.invalid/packages/numpy-2.3.2.tar.gz")
    assert by_name["numpy-2.3.2.tar.gz"].digests == {"sha256": "aa"}


def test_json_page() -> None:
    page = parse_page("MarkupSafe", "https://i.invalid/simple/markupsafe/", JSON,
                      "application/vnd.pypi.simple.v1+json")
    by_name = {p.filename: p for p in page.packages}
    assert by_name["markupsafe-3.0.2.tar.gz"].url == "https://f.invalid/markupsafe-3.0.2.tar.gz"
    assert by_name["markupsafe-3.0.2.tar.gz"].digests == {"sha256": "cc"}
    assert by_name["markupsafe-3.0.1.tar.gz"].url == "https://i.invalid/simple/markupsafe/markupsafe-3.0.1.tar.gz"


@pytest.mark.parametrize(
    ("filename", "project", "version", "expected"),
    [
        ("numpy-2.3.2.tar.gz", "numpy", "2.3.2", True),
        ("markupsafe-3.0.2.tar.gz", "MarkupSafe", "3.0.2", True),
        ("MarkupSafe-3.0.2.tar.gz", "markupsafe", "3.0.2", True),
        ("msgpack_python-1.0.tar.gz", "msgpack-python", "1.0", True),
        ("numpy-2.3.2.zip", "numpy", "2.3.2", True),
        ("numpy-2.3.20.tar.gz", "numpy", "2.3.2", False),
        ("numpyx-2.3.2.tar.gz", "numpy", "2.3.2", False),
        ("numpy-2.3.2-cp311-cp311-linux_x86_64.whl", "numpy", "2.3.2", False),
        ("README", "numpy", "2.3.2", False),
        ("numpy-not.a.version.tar.gz", "numpy", "2.3.2", False),
    ],
)
def test_sdist_matches(filename: str, project: str, version: str, expected: bool) -> None:
    assert sdist_matches(filename, project, version) is expected


def test_find_sdist_on_html_and_json_indexes(monkeypatch: pytest.MonkeyPatch, log: Log) -> None:
    pages = {
        "https://html.invalid/simple/markupsafe/": (HTML.replace(b"numpy", b"markupsafe")
                                                    .replace(b"2.3.2", b"3.0.2"), "text/html"),
        "https://json.invalid/simple/markupsafe/": (JSON, "application/vnd.pypi.simple.v1+json"),
    }
    asked: list[str] = []

    def read_page(url: str) -> tuple[bytes, str]:
        asked.append(url)
        if url not in pages:
            raise OSError("unreachable")
        return pages[url]

    monkeypatch.setattr(pyindex, "read_page", read_page)
    found = find_sdist("MarkupSafe", "3.0.2", PipSources(
        ("https://down.invalid/simple", "https://html.invalid/simple/",
         "https://json.invalid/simple"), ()), log)
    # the page of the normalized name, on every index; an unreachable one is logged and skipped
    assert asked == ["https://down.invalid/simple/markupsafe/", "https://html.invalid/simple/markupsafe/",
                     "https://json.invalid/simple/markupsafe/"]
    assert "https://down.invalid/simple/markupsafe/: unreachable" in log.path.read_text()
    assert found == [
        Candidate("https://html.invalid/packages/markupsafe-3.0.2.tar.gz", "markupsafe-3.0.2.tar.gz", "aa"),
        Candidate("https://f.invalid/markupsafe-3.0.2.tar.gz", "markupsafe-3.0.2.tar.gz", "cc"),
    ]


def test_find_sdist_in_find_links_folders(tmp_path: Path, log: Log) -> None:
    folder = tmp_path / "links"
    folder.mkdir()
    for name in ("demo_pkg-1.0.tar.gz", "demo_pkg-1.1.tar.gz", "demo_pkg-1.0-py3-none-any.whl"):
        (folder / name).write_bytes(b"x")
    sources_ = PipSources((), (str(folder), folder.as_uri(), str(tmp_path / "missing")))
    found = find_sdist("demo-pkg", "1.0", sources_, log)
    uri = (folder / "demo_pkg-1.0.tar.gz").as_uri()
    assert found == [Candidate(uri, "demo_pkg-1.0.tar.gz", None)] * 2


# --------------------------------------------------------------------------- fetch_sdist


def _file_index(tmp_path: Path, content: bytes) -> tuple[PipSources, str]:
    pkg = tmp_path / "index" / "demo-pkg"
    pkg.mkdir(parents=True)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "demo_pkg-1.0.tar.gz").write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    (pkg / "index.html").write_text(
        f'<a href="../../files/demo_pkg-1.0.tar.gz#sha256={sha}">demo_pkg-1.0.tar.gz</a>'
    )
    return PipSources(((tmp_path / "index").as_uri(),), ()), sha


def test_fetch_sdist_downloads_from_a_file_index_and_caches_by_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cfg: Config, log: Log
) -> None:
    src, sha = _file_index(tmp_path, b"sdist bytes")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    got = sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "1.0", cfg, log)
    assert got.path == cfg.layout.downloads / sha / "demo_pkg-1.0.tar.gz"
    assert got.path.read_bytes() == b"sdist bytes" and got.origin == "pip's index"
    # second time: from the cache, the index is not asked
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: pytest.fail("index asked again"))
    again = sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "1.0", cfg, log)
    assert again.path == got.path and again.origin == "download cache"


def test_fetch_sdist_from_the_mirror_folder(monkeypatch: pytest.MonkeyPatch, cfg: Config, log: Log) -> None:
    data = b"mirrored sdist"
    mirrored = cfg.mirror_dirs[0] / "Demo_Pkg-1.0.tar.gz"
    mirrored.write_bytes(data)
    # looked at first (sorted), matches by name, but not by hash
    (cfg.mirror_dirs[0] / "DEMO-PKG-1.0.zip").write_bytes(b"same name, other bytes")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: pytest.fail("the index was asked"))
    sha = hashlib.sha256(data).hexdigest()
    assert sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "1.0", cfg, log).path == mirrored


def test_fetch_sdist_with_wrong_sha_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  cfg: Config, log: Log) -> None:
    src, right = _file_index(tmp_path, b"sdist bytes")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    wrong = "0" * 64
    with pytest.raises(ChecksumError, match="sha256 mismatch") as info:
        sources.fetch_sdist(Sdist("demo-pkg", sha256=wrong), "1.0", cfg, log)
    assert info.value.hint is not None and right not in info.value.hint
    assert not any(p.is_file() for p in cfg.layout.downloads.rglob("*"))


def test_fetch_sdist_missing_version_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      cfg: Config, log: Log) -> None:
    src, sha = _file_index(tmp_path, b"x")
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    with pytest.raises(SourceError, match=r"no sdist of demo-pkg==2\.0") as info:
        sources.fetch_sdist(Sdist("demo-pkg", sha256=sha), "2.0", cfg, log)
    assert info.value.hint is not None and "pip config list" in info.value.hint


# --------------------------------------------------------------------------- fetch_pypi_file


def _file_index_of(tmp_path: Path, project: str, files: dict[str, bytes]) -> PipSources:
    page = tmp_path / "index" / project
    page.mkdir(parents=True)
    (tmp_path / "files").mkdir(exist_ok=True)
    links = []
    for name, content in files.items():
        (tmp_path / "files" / name).write_bytes(content)
        links.append(f'<a href="../../files/{name}#sha256={hashlib.sha256(content).hexdigest()}">'
                     f'{name}</a>')
    (page / "index.html").write_text("\n".join(links))
    return PipSources(((tmp_path / "index").as_uri(),), ())


def test_fetch_pypi_file_takes_exactly_the_named_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      cfg: Config, log: Log) -> None:
    wheel = b"the pinned wheel"
    src = _file_index_of(tmp_path, "tool", {"tool-1.0.tar.gz": b"sdist",
                                            "tool-1.0-py3-none-any.whl": wheel,
                                            "tool-1.1-py3-none-any.whl": b"newer"})
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    sha = hashlib.sha256(wheel).hexdigest()
    got = sources.fetch_pypi_file("tool", "tool-1.0-py3-none-any.whl", sha, cfg, log)
    assert got == cfg.layout.downloads / sha / "tool-1.0-py3-none-any.whl"
    assert got.read_bytes() == wheel
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: pytest.fail("index asked again"))
    assert sources.fetch_pypi_file("tool", "tool-1.0-py3-none-any.whl", sha, cfg, log) == got


def test_fetch_pypi_file_refuses_other_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             cfg: Config, log: Log) -> None:
    src = _file_index_of(tmp_path, "tool", {"tool-1.0-py3-none-any.whl": b"changed"})
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        sources.fetch_pypi_file("tool", "tool-1.0-py3-none-any.whl", "0" * 64, cfg, log)
    with pytest.raises(SourceError, match="no tool-2.0-py3-none-any.whl"):
        sources.fetch_pypi_file("tool", "tool-2.0-py3-none-any.whl", "0" * 64, cfg, log)
    assert not any(p.is_file() for p in cfg.layout.downloads.rglob("*"))


def test_target_pip_is_unpacked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     cfg: Config, log: Log) -> None:
    import io
    import zipfile

    from wasixtasks import targetpip

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("pip/__init__.py", "__version__ = 'test'\n")
        zf.writestr("pip-0.0.dist-info/METADATA", "Name: pip\n")
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    src = _file_index_of(tmp_path, "pip", {"pip-0.0-py3-none-any.whl": data})
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: src)
    monkeypatch.setattr(targetpip, "PIP_WHEEL", "pip-0.0-py3-none-any.whl")
    monkeypatch.setattr(targetpip, "PIP_SHA256", sha)
    home = targetpip.target_pip(cfg, log)
    assert (home / "pip" / "__init__.py").read_text() == "__version__ = 'test'\n"
    assert home.parent == cfg.layout.target_pip
    monkeypatch.setattr(pyindex, "pip_sources", lambda log: pytest.fail("fetched again"))
    assert targetpip.target_pip(cfg, log) == home
    assert [p.name for p in cfg.layout.target_pip.iterdir() if not p.name.startswith(".")] == [
        home.name]

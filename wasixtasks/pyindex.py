"""Find a pinned sdist through pip's configured package indexes, without building it.

``pip download`` of an sdist prepares its metadata first, and meson-python packages have no
metadata hook: pip then builds the whole package for the build machine just to read its name
and version (numpy: several minutes of x86_64 compiling). We only need the file, whose
sha256 we pin anyway, so we read the index pages ourselves (PEP 503 HTML or PEP 691 JSON).

Which indexes: exactly the ones pip would use, read from ``pip config list`` (config files
and PIP_* environment variables) plus pip's own default index when no ``index-url`` is
configured; ``find-links`` folders are searched too. No index host is written here.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    canonicalize_name,
    parse_sdist_filename,
)
from packaging.version import InvalidVersion, Version

from .run import Log, run

_ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"


@dataclass(frozen=True)
class PipSources:
    index_urls: tuple[str, ...]
    find_links: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    url: str
    filename: str
    sha256: str | None


def parse_pip_config(text: str) -> dict[str, list[str]]:
    """``pip config list`` output -> {"index-url": [...], "extra-index-url": [...], ...}."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep:
            continue
        name = key.rsplit(".", 1)[-1].strip()
        value = value.strip().strip("'\"")
        out.setdefault(name, []).extend(v for v in value.split() if v)
    return out


def pip_sources(log: Log) -> PipSources:
    """The indexes and find-links pip is configured with on this machine."""
    listed = run([sys.executable, "-m", "pip", "config", "list"], log=log, capture=True).stdout
    conf = parse_pip_config(listed)
    index = conf.get("index-url", [])[-1:]
    if not index:
        # pip's built-in default index; asked from pip so that no host is written here
        default = run(
            [sys.executable, "-c", "from pip._internal.models.index import PyPI; print(PyPI.simple_url)"],
            log=log, capture=True,
        ).stdout.strip()
        index = [default]
    return PipSources(
        index_urls=tuple(index + conf.get("extra-index-url", [])),
        find_links=tuple(conf.get("find-links", [])),
    )


class _Anchors(HTMLParser):
    """Collects the attributes of every ``<a>`` element of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def anchors(html: str) -> list[dict[str, str | None]]:
    """The attributes of every link of a simple-index page (PEP 503)."""
    parser = _Anchors()
    parser.feed(html)
    parser.close()
    return parser.anchors


def _read(url: str) -> tuple[bytes, str]:
    """Fetch a page; ``file://`` folders are read through their index.html like pip does."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        path = Path(urllib.request.url2pathname(parsed.path))
        if path.is_dir():
            path = path / "index.html"
        return path.read_bytes(), "text/html"
    req = urllib.request.Request(url, headers={"Accept": _ACCEPT})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.read(), resp.headers.get("Content-Type", "text/html")


def sdist_matches(filename: str, project: str, version: str) -> bool:
    """Whether ``filename`` is the sdist of ``project==version`` (names normalized)."""
    try:
        name, ver = parse_sdist_filename(filename)
    except (InvalidSdistFilename, InvalidVersion):
        return False
    return name == canonicalize_name(project) and ver == Version(version)


def candidates_from_page(page_url: str, body: bytes, content_type: str, project: str, version: str) -> list[Candidate]:
    found: list[Candidate] = []
    if "json" in content_type:
        for f in json.loads(body).get("files", []):
            if sdist_matches(f["filename"], project, version):
                url = urllib.parse.urljoin(page_url, f["url"])
                found.append(Candidate(url, f["filename"], f.get("hashes", {}).get("sha256")))
        return found
    for attrs in anchors(body.decode("utf-8", "replace")):
        href = attrs.get("href")
        if not href:
            continue
        url, _, fragment = urllib.parse.urljoin(page_url, href).partition("#")
        filename = urllib.parse.unquote(url.rsplit("/", 1)[-1])
        if sdist_matches(filename, project, version):
            sha = fragment.split("=", 1)[1] if fragment.startswith("sha256=") else None
            found.append(Candidate(url, filename, sha))
    return found


def find_sdist(project: str, version: str, sources: PipSources, log: Log) -> list[Candidate]:
    """Every place the configured indexes and find-links offer ``project==version``'s sdist."""
    found: list[Candidate] = []
    for folder in sources.find_links:
        path = Path(urllib.request.url2pathname(urllib.parse.urlparse(folder).path)) \
            if folder.startswith("file:") else Path(folder)
        if path.is_dir():
            for f in sorted(path.iterdir()):
                if sdist_matches(f.name, project, version):
                    found.append(Candidate(path.joinpath(f.name).as_uri(), f.name, None))
    for index in sources.index_urls:
        page = index.rstrip("/") + "/" + canonicalize_name(project) + "/"
        try:
            body, ctype = _read(page)
        except (OSError, ValueError) as exc:
            log.write(f"index {page}: {exc}")
            continue
        found.extend(candidates_from_page(page, body, ctype, project, version))
    return found


def download(url: str, dest: Path) -> None:
    """Copy ``url`` (https or file) to ``dest``."""
    req = urllib.request.Request(url)
    with urllib.request.urlopen(req, timeout=120) as resp, dest.open("wb") as out:
        while chunk := resp.read(1 << 20):
            out.write(chunk)
    os.utime(dest)

"""Find a pinned sdist through pip's configured package indexes, without building it.

``pip download`` of an sdist prepares its metadata first, and meson-python packages have no
metadata hook: pip then builds the whole package for the build machine just to read its name
and version (numpy: minutes of x86_64 compiling). We only need the file, whose sha256 we pin
anyway, so the index pages (PEP 503 HTML or PEP 691 JSON) are read and parsed with the
maintained ``pypi-simple`` client.

Which indexes: the ones pip would use, read from ``pip config list`` (config files and PIP_*
environment variables), with pypi-simple's default endpoint when no ``index-url`` is
configured; ``find-links`` folders are searched too. No index host is written here.
"""

from __future__ import annotations

import os
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import InvalidSdistFilename, canonicalize_name, parse_sdist_filename
from packaging.version import InvalidVersion, Version

from .run import Log, run

if TYPE_CHECKING:  # pypi_simple (requests, pydantic, bs4) loads in 0.2 s: only when used
    from pypi_simple import DistributionPackage, ProjectPage

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
        if sep:
            name = key.rsplit(".", 1)[-1].strip()
            out.setdefault(name, []).extend(v for v in value.strip().strip("'\"").split() if v)
    return out


def pip_sources(log: Log) -> PipSources:
    """The indexes and find-links pip is configured with on this machine."""
    listed = run([sys.executable, "-m", "pip", "config", "list"], log=log, capture=True).stdout
    conf = parse_pip_config(listed)
    from pypi_simple import PYPI_SIMPLE_ENDPOINT  # imported when needed: it is slow to load

    index = conf.get("index-url", [])[-1:] or [PYPI_SIMPLE_ENDPOINT]
    return PipSources(tuple(index + conf.get("extra-index-url", [])),
                      tuple(conf.get("find-links", [])))


def read_page(url: str) -> tuple[bytes, str]:
    """Fetch a page; ``file://`` folders are read through their index.html like pip does."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "file":
        path = Path(urllib.request.url2pathname(parsed.path))
        return (path / "index.html" if path.is_dir() else path).read_bytes(), "text/html"
    req = urllib.request.Request(url, headers={"Accept": _ACCEPT})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return resp.read(), resp.headers.get("Content-Type", "text/html")


def parse_page(project: str, page_url: str, body: bytes, content_type: str) -> ProjectPage:
    """A project page of a simple index, HTML or JSON."""
    from pypi_simple import ProjectPage

    if "json" in content_type:
        import json

        return ProjectPage.from_json_data(json.loads(body), base_url=page_url)
    return ProjectPage.from_html(project, body, base_url=page_url)


def sdist_matches(filename: str, project: str, version: str) -> bool:
    """Whether ``filename`` is the sdist of ``project==version`` (names normalized)."""
    try:
        name, ver = parse_sdist_filename(filename)
    except (InvalidSdistFilename, InvalidVersion):
        return False
    return name == canonicalize_name(project) and ver == Version(version)


def _candidate(pkg: DistributionPackage) -> Candidate:
    url = pkg.url.partition("#")[0]
    return Candidate(url, pkg.filename, pkg.digests.get("sha256"))


def find_sdist(project: str, version: str, sources: PipSources, log: Log) -> list[Candidate]:
    """Every place the configured indexes and find-links offer ``project==version``'s sdist."""
    return find_files(project, lambda f: sdist_matches(f, project, version), sources, log)


def find_files(project: str, matches: Callable[[str], bool], sources: PipSources,
               log: Log) -> list[Candidate]:
    """Every file of ``project`` whose name ``matches``, on the configured indexes and
    find-links."""
    found: list[Candidate] = []
    for folder in sources.find_links:
        path = Path(urllib.request.url2pathname(urllib.parse.urlparse(folder).path)) \
            if folder.startswith("file:") else Path(folder)
        if path.is_dir():
            found += [Candidate(path.joinpath(f.name).as_uri(), f.name, None)
                      for f in sorted(path.iterdir()) if matches(f.name)]
    for index in sources.index_urls:
        page_url = index.rstrip("/") + "/" + canonicalize_name(project) + "/"
        try:
            page = parse_page(project, page_url, *read_page(page_url))
        except (OSError, ValueError) as exc:
            log.write(f"index {page_url}: {exc}")
            continue
        found += [_candidate(p) for p in page.packages if matches(p.filename)]
    return found


def download(url: str, dest: Path) -> None:
    """Copy ``url`` (https or file) to ``dest``."""
    with urllib.request.urlopen(urllib.request.Request(url), timeout=120) as resp, \
            dest.open("wb") as out:
        while chunk := resp.read(1 << 20):
            out.write(chunk)
    os.utime(dest)

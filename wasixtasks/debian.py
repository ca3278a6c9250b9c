"""Debian source packages as a backup site (Buildroot's BR2_BACKUP_SITE, Yocto's mirrors).

Debian keeps upstream release tarballs as ``<pkg>_<version>.orig.tar.*``; Debian's archive
is reachable from machines that cannot reach upstream hosts. ``fetch_orig`` downloads one
orig tarball with ``apt-get source --download-only --tar-only`` using a private deb-src list,
state folder and package cache under the cache folder, so the machine's apt setup is never
changed. The deb-src entry is derived at run time from the machine's own apt sources; no
archive host name is written in this project. apt verifies the file against the signed
index; the caller verifies it again against the recipe's pin.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import SourceError
from .fsutil import atomic_write, locked
from .recipe import Debian, DebPackage
from .run import Log, run

#: Re-read a suite's Sources index after this many seconds.
INDEX_MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class AptEntry:
    """One apt source entry (deb822 or one-line format); ``signed_by`` keeps an inline key."""

    types: tuple[str, ...]
    uris: tuple[str, ...]
    suites: tuple[str, ...]
    components: tuple[str, ...]
    signed_by: str | None = None


def _stanzas(text: str) -> list[dict[str, list[str]]]:
    """deb822 text -> stanzas: lower-cased field name -> value lines."""
    out: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    key: str | None = None
    for raw in text.splitlines() + [""]:
        line = raw.rstrip()
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                out.append(current)
            current, key = {}, None
        elif line[0] in " \t":
            if key is not None:
                current[key].append(line.strip())
        else:
            name, sep, value = line.partition(":")
            if sep:
                key = name.strip().lower()
                current[key] = [value.strip()]
    return out


def _words(stanza: dict[str, list[str]], name: str) -> tuple[str, ...]:
    return tuple(" ".join(stanza.get(name, [])).split())


def parse_deb822(text: str) -> list[AptEntry]:
    entries = []
    for st in _stanzas(text):
        if (_words(st, "enabled") or ("yes",))[0].lower() in {"no", "false", "0"}:
            continue
        if _words(st, "types") and _words(st, "uris") and _words(st, "suites"):
            entries.append(AptEntry(_words(st, "types"), _words(st, "uris"), _words(st, "suites"),
                                    _words(st, "components"),
                                    "\n".join(st.get("signed-by", [])) or None))
    return entries


_ONE_LINE = re.compile(r"^(?P<type>deb|deb-src)\s+(?:\[(?P<opts>[^\]]*)\]\s*)?(?P<uri>\S+)\s+"
                       r"(?P<suite>\S+)(?:\s+(?P<comps>.*))?$")


def parse_one_line(text: str) -> list[AptEntry]:
    entries = []
    for raw in text.splitlines():
        m = _ONE_LINE.match(raw.split("#", 1)[0].strip())
        if m:
            opts = dict(o.partition("=")[::2] for o in (m.group("opts") or "").split())
            entries.append(AptEntry((m.group("type"),), (m.group("uri"),), (m.group("suite"),),
                                    tuple((m.group("comps") or "").split()),
                                    opts.get("signed-by")))
    return entries


def machine_sources(apt_etc: Path = Path("/etc/apt")) -> list[AptEntry]:
    """``sources.list`` and ``sources.list.d/*.list|*.sources``, as apt reads them."""
    entries: list[AptEntry] = []
    if (apt_etc / "sources.list").is_file():
        entries += parse_one_line((apt_etc / "sources.list").read_text(errors="replace"))
    parts = apt_etc / "sources.list.d"
    for path in sorted(parts.iterdir()) if parts.is_dir() else []:
        if path.suffix == ".list":
            entries += parse_one_line(path.read_text(errors="replace"))
        elif path.suffix == ".sources":
            entries += parse_deb822(path.read_text(errors="replace"))
    return entries


def machine_codename(os_release: Path = Path("/etc/os-release")) -> str | None:
    """``VERSION_CODENAME`` of this Debian (``bookworm``), if the machine says."""
    try:
        for line in os_release.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "VERSION_CODENAME" and value.strip().strip("\"'"):
                return value.strip().strip("\"'")
    except OSError:
        pass
    return None


def _debian_suites(codename: str | None) -> set[str]:
    base = {"sid", "unstable", "testing", "stable"}
    if codename:
        base |= {codename, f"{codename}-updates", f"{codename}-security", f"{codename}/updates"}
    return base


def debsrc_stanza(entries: list[AptEntry], suite: str, codename: str | None = None, *,
                  kind: str = "deb-src") -> str:
    """A ``deb-src`` stanza (``kind="deb"``: binary packages) for ``suite`` on the URIs (and
    key) of the machine's Debian archive (the security archive for ``*-security`` suites).
    Only entries for this machine's Debian release count: a third-party repository listed
    first is not Debian."""
    debian = _debian_suites(codename if codename is not None else machine_codename())
    usable = [e for e in entries
              if {"deb", "deb-src"} & set(e.types) and debian & set(e.suites)]
    security = suite.endswith("-security")
    for entry in usable:
        if any(s.endswith("-security") or s.endswith("/updates") for s in entry.suites) == security:
            lines = [f"Types: {kind}", "URIs: " + " ".join(entry.uris), "Suites: " + suite,
                     "Components: " + " ".join(entry.components or ("main",))]
            if entry.signed_by:
                first, *rest = entry.signed_by.split("\n")
                lines += [f"Signed-By: {first}".rstrip(), *(" " + r for r in rest)]
            return "\n".join(lines) + "\n"
    raise SourceError(f"no apt source of this machine can serve Debian suite {suite!r}",
                      hint="Debian backups need an apt source (deb or deb-src) on this machine.")


_APT_CONF = """\
Dir::Etc::SourceList "{state}/deb-src.sources";
Dir::Etc::SourceParts "{state}/sources.list.d";
Dir::State::Lists "{state}/lists";
Dir::Cache "{state}/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "false";
Acquire::Languages "none";
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
"""


def _suite_state(work: Path, suite: str, log: Log, *,
                 binary: bool = False) -> tuple[Path, list[Path]]:
    """The private apt configuration of one suite (source packages, or ``binary``
    packages), its index refreshed when old; returns it and the index files."""
    state = work / (".apt-bin" if binary else ".apt") / suite
    for sub in ("lists/partial", "cache/archives/partial", "sources.list.d"):
        (state / sub).mkdir(parents=True, exist_ok=True)
    if '"' in str(state):
        raise SourceError(f"unusable path for apt: {state}")
    if binary:
        atomic_write(state / "deb.sources", debsrc_stanza(machine_sources(), suite, kind="deb"))
        conf = atomic_write(state / "apt.conf",
                            _APT_BIN_CONF.format(state=state, arch=BINARY_ARCH))
        pattern = f"*_dists_{suite}_*_Packages"
    else:
        atomic_write(state / "deb-src.sources", debsrc_stanza(machine_sources(), suite))
        conf = atomic_write(state / "apt.conf", _APT_CONF.format(state=state))
        pattern = f"*_dists_{suite}_*_source_Sources"
    indexes = sorted((state / "lists").glob(pattern))
    if not indexes or time.time() - min(p.stat().st_mtime for p in indexes) > INDEX_MAX_AGE:
        run(["apt-get", "-c", str(conf), "-q", "update"], log=log)
        indexes = sorted((state / "lists").glob(pattern))
    return conf, indexes


_APT_BIN_CONF = _APT_CONF.replace("deb-src.sources", "deb.sources") + """\
Dir::State::status "/dev/null";
APT::Architecture "{arch}";
APT::Architectures {{ "{arch}"; }};
"""

#: the architecture whose binary packages are fetched (their crate sources are the same for
#: every architecture; one is pinned)
BINARY_ARCH = "amd64"


def fetch_deb(pkg: DebPackage, work: Path, log: Log) -> Path:
    """Download the binary package ``pkg`` into ``work`` (the first of its suites that has
    that version); the caller verifies its sha256."""
    with locked(work / ".lock"):
        target = work / pkg.filename
        if target.is_file():
            return target
        for suite in pkg.suites:
            conf, _indexes = _suite_state(work, suite, log, binary=True)
            log.info(f"fetching Debian's {pkg.filename} ({suite})")
            done = run(["env", "-C", str(work), "apt-get", "-c", str(conf), "-q", "download",
                        f"{pkg.package}:{pkg.arch}={pkg.version}"], log=log, check=False)
            if done.returncode == 0 and target.is_file():
                return target
    raise SourceError(
        f"no Debian suite ({', '.join(pkg.suites)}) offers the binary package {pkg.package} "
        f"{pkg.version} ({pkg.arch})", package=log.package, step=log.step, log=log.path)


def _versions_with_orig(index: str, package: str, upstream: str) -> list[tuple[str, str, str]]:
    """(version, orig file, sha256) of every version of ``package`` with that upstream."""
    return _versions_with_file(
        index, package, rf"{re.escape(package)}_{re.escape(upstream)}\.orig\.tar\.[a-z0-9]+")


def _versions_with_file(index: str, package: str, pattern: str) -> list[tuple[str, str, str]]:
    """(version, file, sha256) of every version of ``package`` listing a file whose name
    matches ``pattern``."""
    found = []
    for block in index.split("\n\n"):
        if not block.lstrip("\n").startswith(f"Package: {package}\n"):
            continue
        for st in _stanzas(block):
            version = " ".join(st.get("version", []))
            for line in st.get("checksums-sha256", []):
                parts = line.split()
                if len(parts) == 3 and re.fullmatch(pattern, parts[2]):
                    found.append((version, parts[2], parts[0]))
    return found


def fetch_orig(deb: Debian, work: Path, log: Log, *, want_sha256: str) -> Path:
    """Download the orig tarball of ``deb`` into ``work``; the file whose sha256 is
    ``want_sha256``. The exact Debian version is preferred; any version carrying the same
    orig file is accepted (point releases leave the index, their orig stays)."""
    pattern = rf"{re.escape(deb.package)}_{re.escape(deb.upstream_version)}\.orig\.tar\.[a-z0-9]+"
    with locked(work / ".lock"):
        return _fetch_file(deb, work, log, want_sha256, pattern, "--tar-only")


def fetch_debian_tar(deb: Debian, work: Path, log: Log, *, want_sha256: str) -> Path:
    """Download the Debian tarball (``debian/``, with its patches) of exactly ``deb``'s
    version into ``work``: the file whose sha256 is ``want_sha256``."""
    version = deb.version.split(":", 1)[-1]
    pattern = rf"{re.escape(deb.package)}_{re.escape(version)}\.debian\.tar\.[a-z0-9]+"
    with locked(work / ".lock"):
        # apt calls the Debian tarball of a 3.0 (quilt) package its "diff"
        return _fetch_file(deb, work, log, want_sha256, pattern, "--diff-only")


def _fetch_file(deb: Debian, work: Path, log: Log, want_sha256: str, pattern: str,
                which: str) -> Path:
    seen: list[str] = []
    for suite in deb.suites:
        conf, indexes = _suite_state(work, suite, log)
        offers = [o for p in indexes
                  for o in _versions_with_file(p.read_text(errors="replace"), deb.package,
                                               pattern)]
        seen += [f"{suite} {v} ({sha[:12]})" for v, _f, sha in offers]
        matching = [o for o in offers if o[2] == want_sha256]
        if not matching:
            continue
        version, orig, _sha = next((o for o in matching if o[0] == deb.version), matching[-1])
        target = work / orig
        if not target.is_file():
            log.info(f"fetching Debian's {orig} (source package {deb.package} {version}, {suite})")
            # apt may fail on another file of the source package (an orig-extra tarball
            # the archive no longer serves) after it fetched the one needed here
            done = run(["env", "-C", str(work), "apt-get", "-c", str(conf), "-q", "source",
                        "--download-only", which, "--only-source",
                        f"{deb.package}={version}"], log=log, check=False)
            if done.returncode != 0 and not target.is_file():
                raise SourceError(f"apt-get source {deb.package}={version} failed (exit "
                                  f"{done.returncode}) and did not fetch {orig}",
                                  package=log.package, step=log.step, log=log.path)
        if target.is_file():
            return target
    raise SourceError(
        f"no Debian suite ({', '.join(deb.suites)}) offers {deb.package} "
        f"{deb.upstream_version} with sha256 {want_sha256}; found: {'; '.join(seen) or 'none'}",
        package=log.package, step=log.step, log=log.path,
    )

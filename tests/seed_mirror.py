"""Seed the source mirror from Debian source packages.

Upstream hosts are not reachable from the build machines; Debian's archive is. Debian source
packages hold upstream release tarballs as ``<pkg>_<version>.orig.tar.*``. When such a file
is byte-identical to the file a recipe pins, it can go into the mirror under the pinned name
and the normal, checksum-verified fetch path works unchanged. When it is not (repacked
``+dfsg`` tarballs, GitHub's API tarball instead of the tag archive, or a nearby version), its
contents are unpacked into a source *override* instead, and the caller must say so loudly.

``fetch_orig`` downloads one orig tarball with ``apt-get source --download-only`` using a
private deb-src list, state folder and package cache under ``workdir``, so the machine's apt
setup is never changed. The deb-src list is derived at run time from the machine's own apt
sources (``/etc/apt/sources.list`` and ``/etc/apt/sources.list.d/*``); no archive host name
is written here.

It never starts a process itself: commands go through the ``run_cmd`` callback, which must
raise when a command fails. Hashing and safe extraction are the project's own
(wasixtasks.sources, wasixtasks.archive).
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wasixtasks.archive import extract, remove_tree, single_top
from wasixtasks.errors import UnsafeArchiveError
from wasixtasks.sources import sha256_file

__all__ = [
    "DEBIAN_SOURCES",
    "AptEntry",
    "DebianSource",
    "SeedError",
    "SeedOutcome",
    "UnsafeArchiveError",
    "debsrc_stanza",
    "extract_stripped",
    "fetch_orig",
    "machine_codename",
    "parse_deb822_sources",
    "parse_one_line_sources",
    "read_machine_sources",
    "resolve_version",
    "seed_one",
    "sha256_file",
]


class SeedError(Exception):
    """A Debian source could not be found, downloaded, verified or seeded."""




@dataclass(frozen=True)
class DebianSource:
    """One Debian source package whose orig tarball stands in for an upstream release.

    ``version`` is the exact Debian version asked for (``apt-get source PKG=VERSION``);
    ``orig`` and ``orig_sha256`` name the orig tarball, which Debian never changes for a given
    name. If ``version`` has left the suite's index (security updates replace
    ``+debNNuM`` revisions), any version of the same package in that suite that carries the
    same orig file is used instead.
    """

    package: str
    version: str
    suite: str
    orig: str
    orig_sha256: str

    @property
    def upstream_version(self) -> str:
        """The upstream part of ``version``: no epoch, no Debian revision."""
        return _upstream_version(self.version)


#: Recipe name -> the Debian source closest to the pinned upstream release, chosen by
#: comparing the bookworm, trixie (incl. -security), forky and sid Sources indexes:
#: - zlib 1.3.1: every suite ships the same repacked orig (``Files-Excluded: contrib/...``),
#:   never the upstream ``zlib-1.3.1.tar.gz`` -> override.
#: - xz 5.8.1: orig is byte-identical to upstream ``xz-5.8.1.tar.xz`` -> mirror.
#: - libpng 1.6.50: no suite has it (trixie 1.6.48, forky/sid 1.6.58+); 1.6.48 is the
#:   nearest -> override with an OLDER release.
#: - brotli 1.1.0: same commit as upstream v1.1.0, but GitHub's API tarball
#:   (``google-brotli-ed738e8/``) instead of the tag archive (``brotli-1.1.0/``) -> override.
DEBIAN_SOURCES: dict[str, DebianSource] = {
    "zlib": DebianSource(
        package="zlib",
        version="1:1.3.dfsg+really1.3.1-1",
        suite="trixie",
        orig="zlib_1.3.dfsg+really1.3.1.orig.tar.gz",
        orig_sha256="60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb",
    ),
    "xz": DebianSource(
        package="xz-utils",
        version="5.8.1-1+deb13u1",
        suite="trixie",
        orig="xz-utils_5.8.1.orig.tar.xz",
        orig_sha256="0b54f79df85912504de0b14aec7971e3f964491af1812d83447005807513cd9e",
    ),
    "libpng": DebianSource(
        package="libpng1.6",
        version="1.6.48-1+deb13u6",
        suite="trixie",
        orig="libpng1.6_1.6.48.orig.tar.gz",
        orig_sha256="b17e99026055727e8cba99160c3a9a7f9af788e9f786daeadded5a42243f1dd0",
    ),
    "brotli": DebianSource(
        package="brotli",
        version="1.1.0-2+deb13u1",
        suite="trixie",
        orig="brotli_1.1.0.orig.tar.gz",
        orig_sha256="10973f4b4199eafa1d5735ef661ddb2ec2f97319ee9fd1824d4aabe08cff5265",
    ),
}


@dataclass(frozen=True)
class SeedOutcome:
    """What ``seed_one`` did: ``kind`` "mirror" (file placed under the pinned name) or
    "override" (contents unpacked into ``overrides/<name>``), with a sentence for the user."""

    kind: Literal["mirror", "override"]
    name: str
    path: Path
    orig_sha256: str
    message: str


# --------------------------------------------------------------------------- hashing


def _upstream_version(version: str) -> str:
    without_epoch = version.split(":", 1)[1] if ":" in version else version
    return without_epoch.rsplit("-", 1)[0] if "-" in without_epoch else without_epoch


# --------------------------------------------------------------------------- apt sources


@dataclass(frozen=True)
class AptEntry:
    """One apt source entry, from either the deb822 or the one-line format.

    ``signed_by`` keeps a deb822 multi-line value (an inline key) as lines joined by
    newlines, continuation markers included, so it can be written back unchanged.
    """

    types: tuple[str, ...]
    uris: tuple[str, ...]
    suites: tuple[str, ...]
    components: tuple[str, ...]
    signed_by: str | None = None
    trusted: str | None = None


def _deb822_stanzas(text: str) -> list[dict[str, list[str]]]:
    """Split deb822 text into stanzas: lower-cased field name -> value lines."""
    stanzas: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = {}
    key: str | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                stanzas.append(current)
            current, key = {}, None
            continue
        if line[0] in " \t":
            if key is not None:
                current[key].append(line.strip())
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue  # not a field; apt would reject the file, we just skip the line
        key = name.strip().lower()
        current[key] = [value.strip()]
    if current:
        stanzas.append(current)
    return stanzas


def _words(stanza: dict[str, list[str]], field: str) -> tuple[str, ...]:
    return tuple(" ".join(stanza.get(field, [])).split())


def parse_deb822_sources(text: str) -> list[AptEntry]:
    """Entries of a ``*.sources`` file (deb822 format). ``Enabled: no`` stanzas are skipped."""
    entries: list[AptEntry] = []
    for stanza in _deb822_stanzas(text):
        enabled = _words(stanza, "enabled")
        if enabled and enabled[0].lower() in {"no", "false", "0"}:
            continue
        types, uris = _words(stanza, "types"), _words(stanza, "uris")
        suites = _words(stanza, "suites")
        if not types or not uris or not suites:
            continue
        signed = stanza.get("signed-by")
        trusted = _words(stanza, "trusted")
        entries.append(
            AptEntry(
                types=types,
                uris=uris,
                suites=suites,
                components=_words(stanza, "components"),
                signed_by="\n".join(signed or []) or None,
                trusted=trusted[0] if trusted else None,
            )
        )
    return entries


_ONE_LINE = re.compile(
    r"^(?P<type>deb|deb-src)\s+(?:\[(?P<opts>[^\]]*)\]\s*)?(?P<uri>\S+)\s+(?P<suite>\S+)"
    r"(?:\s+(?P<comps>.*))?$"
)


def parse_one_line_sources(text: str) -> list[AptEntry]:
    """Entries of a ``sources.list`` / ``*.list`` file (one-line format)."""
    entries: list[AptEntry] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        match = _ONE_LINE.match(line)
        if not match:
            continue
        options: dict[str, str] = {}
        for opt in (match.group("opts") or "").split():
            name, sep, value = opt.partition("=")
            if sep:
                options[name.rstrip("+-").lower()] = value
        entries.append(
            AptEntry(
                types=(match.group("type"),),
                uris=(match.group("uri"),),
                suites=(match.group("suite"),),
                components=tuple((match.group("comps") or "").split()),
                signed_by=options.get("signed-by"),
                trusted=options.get("trusted"),
            )
        )
    return entries


def read_machine_sources(apt_etc: Path = Path("/etc/apt")) -> list[AptEntry]:
    """All entries of the machine's apt configuration (``sources.list`` and
    ``sources.list.d/*.list`` in one-line format, ``sources.list.d/*.sources`` in deb822).
    Other files (``*.disabled``, backups) are ignored, as apt does."""
    entries: list[AptEntry] = []
    main_list = apt_etc / "sources.list"
    if main_list.is_file():
        entries += parse_one_line_sources(main_list.read_text(encoding="utf-8", errors="replace"))
    parts = apt_etc / "sources.list.d"
    if parts.is_dir():
        for path in sorted(parts.iterdir()):
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".list":
                entries += parse_one_line_sources(text)
            elif path.suffix == ".sources":
                entries += parse_deb822_sources(text)
    return entries


def machine_codename(
    entries: Sequence[AptEntry], os_release: Path = Path("/etc/os-release")
) -> str:
    """The release codename of this machine (``bookworm``): ``VERSION_CODENAME`` from
    os-release, else the most common suite base name among the apt entries."""
    if os_release.is_file():
        fields: dict[str, str] = {}
        for line in os_release.read_text(encoding="utf-8", errors="replace").splitlines():
            name, sep, value = line.partition("=")
            if sep:
                fields[name.strip()] = value.strip().strip("\"'")
        if fields.get("VERSION_CODENAME"):
            return fields["VERSION_CODENAME"]
        found = re.search(r"\(([a-z]+)\)", fields.get("VERSION", ""))
        if found:
            return found.group(1)
    bases = collections.Counter(
        re.split(r"[-/]", suite, maxsplit=1)[0] for e in entries for suite in e.suites
    )
    if not bases:
        raise SeedError("no apt sources configured on this machine")
    return bases.most_common(1)[0][0]


def _archive_entry(entries: Sequence[AptEntry], suite: str, codename: str) -> AptEntry:
    """The machine entry whose archive serves ``suite``: the security archive for
    ``*-security`` suites, the main archive (the entry listing ``codename``) otherwise."""
    usable = [e for e in entries if {"deb", "deb-src"} & set(e.types)]
    if suite.endswith("-security"):
        wanted = {f"{codename}-security", f"{codename}/updates"}
        role = f"the security archive ({codename}-security)"
    else:
        # testing/unstable machines may list "sid" or an alias rather than their codename
        wanted = {codename}
        if not any(wanted & set(e.suites) for e in usable):
            wanted = {"sid", "unstable", "testing", "stable"}
        role = f"the main archive ({codename})"
    for entry in usable:
        if wanted & set(entry.suites):
            return entry
    raise SeedError(
        f"cannot derive a deb-src entry for suite {suite!r}: no apt source of this machine "
        f"lists {role}; configured suites: "
        + (", ".join(sorted({s for e in usable for s in e.suites})) or "none")
    )


def debsrc_stanza(entries: Sequence[AptEntry], suite: str, codename: str) -> str:
    """A deb822 ``Types: deb-src`` stanza for ``suite``, on the same archive URIs (and keys)
    as the machine's own entry for that archive."""
    entry = _archive_entry(entries, suite, codename)
    lines = [
        "Types: deb-src",
        "URIs: " + " ".join(entry.uris),
        "Suites: " + suite,
        "Components: " + " ".join(entry.components or ("main",)),
    ]
    if entry.signed_by:
        first, *rest = entry.signed_by.split("\n")
        lines.append(("Signed-By: " + first).rstrip())
        lines += [" " + line for line in rest]
    if entry.trusted:
        lines.append("Trusted: " + entry.trusted)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- Sources index


def _index_stanzas(text: str, package: str) -> list[dict[str, list[str]]]:
    head = f"Package: {package}\n"
    return [
        fields
        for block in text.split("\n\n")
        if block.lstrip("\n").startswith(head)
        for fields in _deb822_stanzas(block)
    ]


def resolve_version(index_texts: Iterable[str], src: DebianSource) -> str:
    """The version to ask apt for: ``src.version`` if the suite's Sources index has it with
    the pinned orig, else another version of the package carrying the same orig file."""
    wanted = f"{src.orig_sha256} "
    seen: list[str] = []
    carrying: list[str] = []
    for text in index_texts:
        for fields in _index_stanzas(text, src.package):
            version = " ".join(fields.get("version", []))
            checksums = fields.get("checksums-sha256", [])
            has_orig = any(
                line.startswith(wanted) and line.split()[-1] == src.orig for line in checksums
            )
            origs = [line.split()[-1] for line in checksums if ".orig." in line]
            seen.append(f"{version} ({', '.join(origs) or 'no orig'})")
            if has_orig:
                carrying.append(version)
    if src.version in carrying:
        return src.version
    if carrying:
        return carrying[-1]
    raise SeedError(
        f"suite {src.suite} has no version of {src.package} with {src.orig} "
        f"(sha256 {src.orig_sha256}); it has: {'; '.join(seen) or 'no such source package'}"
    )


# --------------------------------------------------------------------------- fetching


_APT_CONF = """\
// Private apt state for fetching Debian orig tarballs; written by tests/seed_mirror.py.
Dir::Etc::SourceList "{source_list}";
Dir::Etc::SourceParts "{source_parts}";
Dir::State::Lists "{lists}";
Dir::Cache "{cache}";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::GzipIndexes "false";
Acquire::Languages "none";
// Do not run the machine's update hooks (appstream, packagekit) for this private state.
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
"""


def _apt_quote(path: Path) -> str:
    text = str(path)
    if any(ch in text for ch in '"\n'):
        raise SeedError(f"unusable path for apt configuration: {text!r}")
    return text


def fetch_orig(
    src: DebianSource,
    workdir: Path,
    run_cmd: Callable[[list[str]], None],
    *,
    apt_etc: Path = Path("/etc/apt"),
    os_release: Path = Path("/etc/os-release"),
) -> Path:
    """Download ``src.orig`` into ``workdir`` and return its path.

    An orig already in ``workdir`` with the pinned sha256 is reused without running anything.
    Otherwise a private deb-src list for ``src.suite`` is derived from the machine's apt
    sources, ``apt-get update`` fills a private index under ``workdir/.apt/<suite>``, and
    ``apt-get source --download-only --tar-only`` fetches the orig tarball alone (the
    ``.dsc``/``.debian.tar`` of point-release revisions can be missing from the pool; the
    orig is verified by apt against the signed index and again here).
    ``run_cmd`` runs one argv and raises on failure; apt is started through ``env -C`` so the
    download lands in ``workdir`` without needing a working-directory argument.
    """
    workdir = workdir.resolve()
    target = workdir / src.orig
    if target.is_file():
        if sha256_file(target) == src.orig_sha256:
            return target
        target.unlink()  # a partial or foreign file: fetch again

    entries = read_machine_sources(apt_etc)
    codename = machine_codename(entries, os_release)
    state = workdir / ".apt" / src.suite.replace("/", "_")
    lists, cache, parts = state / "lists", state / "cache", state / "sources.list.d"
    for folder in (lists / "partial", cache / "archives" / "partial", parts):
        folder.mkdir(parents=True, exist_ok=True)
    source_list = state / "deb-src.sources"
    source_list.write_text(debsrc_stanza(entries, src.suite, codename), encoding="utf-8")
    conf = state / "apt.conf"
    conf.write_text(
        _APT_CONF.format(
            source_list=_apt_quote(source_list),
            source_parts=_apt_quote(parts),
            lists=_apt_quote(lists),
            cache=_apt_quote(cache),
        ),
        encoding="utf-8",
    )
    apt = ["apt-get", "-c", str(conf), "-q"]

    run_cmd([*apt, "update"])
    suite_key = src.suite.replace("/", "_")
    indexes = sorted(lists.glob(f"*_dists_{suite_key}_*_source_Sources"))
    if not indexes:
        raise SeedError(f"apt-get update gave no Sources index for suite {src.suite}")
    version = resolve_version(
        (p.read_text(encoding="utf-8", errors="replace") for p in indexes), src
    )
    run_cmd(
        ["env", "-C", str(workdir), *apt, "source", "--download-only", "--tar-only",
         "--only-source", f"{src.package}={version}"]
    )
    if not target.is_file():
        found = sorted(workdir.glob(f"{src.package}_{src.upstream_version}.orig.tar.*"))
        raise SeedError(
            f"apt-get source {src.package}={version} did not produce {src.orig}"
            + (f" (found {', '.join(p.name for p in found)})" if found else "")
        )
    actual = sha256_file(target)
    if actual != src.orig_sha256:
        raise SeedError(
            f"{target} has sha256 {actual}, expected {src.orig_sha256} for {src.package} {version}"
        )
    return target


# --------------------------------------------------------------------------- seeding


def _plain_name(value: str, what: str) -> str:
    if not value or value in {".", ".."} or "/" in value or "\\" in value or "\0" in value:
        raise SeedError(f"{what} must be a plain file name, got {value!r}")
    return value


def extract_stripped(archive: Path, dest: Path) -> None:
    """Extract ``archive`` into ``dest`` without its single top-level folder.

    Uses the project's own safe extraction (absolute paths, '..', links leaving the tree,
    members under links and device files are refused before anything is written), into a
    temporary folder next to ``dest`` that is then renamed into place.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))
    try:
        extract(archive, tmp / "x")
        top = single_top(tmp / "x")
        if top == tmp / "x":
            raise SeedError(f"{archive.name}: expected one top-level folder")
        remove_tree(dest)
        os.replace(top, dest)
    finally:
        remove_tree(tmp)


def _copy_atomic(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()


def seed_one(
    name: str,
    pin_basename: str,
    pin_sha256: str,
    orig: Path,
    mirror: Path,
    overrides: Path,
    *,
    debian_version: str | None = None,
) -> SeedOutcome:
    """Put one Debian orig tarball where the build will find it.

    Identical to the pin (same sha256): copied atomically to ``mirror/<pin_basename>``,
    kind "mirror". Different: unpacked (top folder stripped, safely) into
    ``overrides/<name>``, kind "override", with a sentence giving both hashes and the Debian
    version (``debian_version`` if given, else the upstream version from the orig's name).
    """
    _plain_name(name, "package name")
    _plain_name(pin_basename, "pinned file name")
    pin = pin_sha256.strip().lower()
    actual = sha256_file(orig)
    if actual == pin:
        target = mirror / pin_basename
        _copy_atomic(orig, target)
        return SeedOutcome(
            kind="mirror",
            name=name,
            path=target,
            orig_sha256=actual,
            message=(
                f"{name}: Debian's {orig.name} is byte-identical to the pinned upstream "
                f"{pin_basename} (sha256 {actual}); placed in the mirror as {target}."
            ),
        )
    target = overrides / name
    extract_stripped(orig, target)
    package, _, rest = orig.name.partition("_")
    upstream = rest.split(".orig.", 1)[0]
    version = debian_version or upstream
    # "1.3.dfsg+really1.3.1" -> "1.3.1": the upstream release the orig was made from.
    release = re.split(r"[+~.]dfsg", upstream.split("+really")[-1])[0]
    other_release = not re.search(rf"(?<![0-9.]){re.escape(release)}(?![0-9])", pin_basename)
    note = (
        f" It is upstream release {release}, a DIFFERENT release than the pinned one."
        if other_release
        else ""
    )
    return SeedOutcome(
        kind="override",
        name=name,
        path=target,
        orig_sha256=actual,
        message=(
            f"{name}: Debian's {orig.name} (source package {package} {version}) is not the "
            f"pinned upstream file {pin_basename}: it has sha256 {actual}, the pin is {pin}. "
            f"Its contents were unpacked into {target} as a source override; builds of {name} "
            "use Debian's tree, not the pinned release." + note
        ),
    )


# --------------------------------------------------------------------------- command line

LOCAL_CONFIG_HEADER = "# written by tests/seed_mirror.py: Debian sources standing in for upstream\n"


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv: Sequence[str] | None = None) -> int:
    """Seed the mirror (and overrides) for the library recipes from Debian source packages.

    Writes the project's local configuration (``wasixtasks.local.toml`` unless
    ``WASIXTASKS_LOCAL_CONFIG`` names another file) so builds find the mirror and overrides.
    """
    import argparse

    from wasixtasks.config import load_config
    from wasixtasks.recipe import Url
    from wasixtasks.registry import Registry
    from wasixtasks.run import Log, run

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("names", nargs="*", help="recipes to seed (default: all known)")
    args = parser.parse_args(argv)
    cfg = load_config()
    registry = Registry.load(cfg)
    names = args.names or [n for n in DEBIAN_SOURCES if n in registry]
    work = cfg.cache_dir / "debian"
    mirror = cfg.cache_dir / "mirror"
    overrides = cfg.cache_dir / "overrides"
    log = Log("seed-mirror", cfg.cache_dir / "seed-mirror.log")
    log.open()

    def run_cmd(cmd: list[str]) -> None:
        run(cmd, log=log)

    override_paths: dict[str, Path] = {}
    for name in names:
        if name not in DEBIAN_SOURCES:
            raise SystemExit(f"error: no Debian source known for `{name}`")
        source = registry.get(name).source
        if not isinstance(source, Url):
            raise SystemExit(f"error: `{name}` is not pinned by URL")
        src = DEBIAN_SOURCES[name]
        orig = fetch_orig(src, work, run_cmd)
        marker = overrides / f".{name}.orig-sha256"
        target = overrides / name
        if marker.is_file() and marker.read_text() == src.orig_sha256 and target.is_dir():
            override_paths[name] = target
            log.warn(f"{name}: source override {target} (from Debian {src.orig}) already in place")
            continue
        outcome = seed_one(
            name, source.filename, source.sha256, orig, mirror, overrides,
            debian_version=src.version,
        )
        if outcome.kind == "override":
            marker.write_text(src.orig_sha256)
            override_paths[name] = outcome.path
            log.warn(outcome.message)
        else:
            log.info(outcome.message)
    config = cfg.local_config_path
    if config.exists() and not config.read_text().startswith(LOCAL_CONFIG_HEADER):
        raise SystemExit(f"error: {config} exists and was not written by this script; "
                         "set WASIXTASKS_LOCAL_CONFIG to another file")
    lines = [LOCAL_CONFIG_HEADER, f"mirror = [{_toml_str(str(mirror))}]\n", "\n[overrides]\n"]
    lines += [f"{name} = {_toml_str(str(path))}\n" for name, path in sorted(override_paths.items())]
    tmp = config.with_name(config.name + ".partial")
    tmp.write_text("".join(lines))
    os.replace(tmp, config)
    log.info(f"wrote {config}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Tests of wasixtasks.debian: the machine's apt sources (deb822 and one-line), the derived
deb-src entry, the Sources index, and ``fetch_orig`` with a fake apt-get.

No process starts and no network is used: ``wasixtasks.debian.run`` (through which apt-get
would run) is replaced by ``FakeApt``, which writes the Sources index of a suite on
``update`` and the orig tarball into the work folder on ``source``; the machine's apt
sources are replaced by entries parsed from the texts below."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from wasixtasks import debian
from wasixtasks.debian import (
    INDEX_MAX_AGE,
    AptEntry,
    _versions_with_orig,
    debsrc_stanza,
    machine_codename,
    fetch_orig,
    machine_sources,
    parse_deb822,
    parse_one_line,
)
from wasixtasks.errors import SourceError
from wasixtasks.recipe import Debian
from wasixtasks.run import Completed, Log

# Placeholder archive hosts (RFC 2606 ".invalid"): the real ones come from the machine.
MAIN_URI = "http://archive.invalid/debian"
SECURITY_URI = "http://archive.invalid/debian-security"

DEB822 = f"""\
Types: deb
# a comment inside the stanza
URIs: {MAIN_URI}
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/test-archive-keyring.gpg

Types: deb deb-src
URIs: {SECURITY_URI}
Suites: bookworm-security
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 AAAA
 -----END PGP PUBLIC KEY BLOCK-----

Enabled: no
Types: deb
URIs: http://disabled.invalid/x
Suites: nodistro
Components: main
"""

ONE_LINE = f"""\
# main archive
deb [arch=amd64 signed-by=/usr/share/keyrings/test-archive-keyring.gpg] {MAIN_URI} bookworm main
deb-src {MAIN_URI} bookworm-updates main   # trailing comment
deb [ trusted=yes ] {SECURITY_URI} bookworm-security main
#deb http://commented.invalid/debian bookworm main
deb-nonsense http://x.invalid/ y z
"""



# --------------------------------------------------------------------------- apt sources


def test_parse_deb822() -> None:
    entries = parse_deb822(DEB822)
    assert len(entries) == 2  # the disabled stanza is skipped
    main, security = entries
    assert main == AptEntry(("deb",), (MAIN_URI,), ("bookworm", "bookworm-updates"),
                            ("main", "contrib"), "/usr/share/keyrings/test-archive-keyring.gpg")
    assert security.types == ("deb", "deb-src")
    assert security.suites == ("bookworm-security",)
    assert security.signed_by is not None
    # an inline key keeps its lines (the first, empty one is the field's own line)
    assert security.signed_by.splitlines() == [
        "", "-----BEGIN PGP PUBLIC KEY BLOCK-----", ".", "AAAA", "-----END PGP PUBLIC KEY BLOCK-----",
    ]


def test_parse_deb822_needs_types_uris_and_suites() -> None:
    text = f"Types: deb\nURIs: {MAIN_URI}\n\nURIs: {MAIN_URI}\nSuites: sid\n"
    assert parse_deb822(text) == []
    enabled = f"Enabled: yes\nTypes: deb\nURIs: {MAIN_URI}\nSuites: sid\n"
    assert [e.suites for e in parse_deb822(enabled)] == [("sid",)]
    assert parse_deb822(enabled)[0].components == ()


def test_parse_one_line() -> None:
    entries = parse_one_line(ONE_LINE)
    assert [(e.types, e.uris, e.suites, e.components) for e in entries] == [
        (("deb",), (MAIN_URI,), ("bookworm",), ("main",)),
        (("deb-src",), (MAIN_URI,), ("bookworm-updates",), ("main",)),
        (("deb",), (SECURITY_URI,), ("bookworm-security",), ("main",)),
    ]
    assert entries[0].signed_by == "/usr/share/keyrings/test-archive-keyring.gpg"
    assert entries[1].signed_by is None
    assert entries[2].signed_by is None  # other options are not keys


def test_machine_sources_reads_what_apt_reads(tmp_path: Path) -> None:
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list").write_text(ONE_LINE)
    (etc / "sources.list.d" / "debian.sources").write_text(DEB822)
    (etc / "sources.list.d" / "extra.list").write_text(f"deb {MAIN_URI} sid main\n")
    (etc / "sources.list.d" / "other.sources.disabled").write_text(DEB822)
    (etc / "sources.list.d" / "notes.txt").write_text(f"deb {MAIN_URI} nope main\n")
    entries = machine_sources(etc)
    # sources.list first, then the folder in name order; other file names are ignored
    assert [e.suites for e in entries] == [
        ("bookworm",), ("bookworm-updates",), ("bookworm-security",),
        ("bookworm", "bookworm-updates"), ("bookworm-security",), ("sid",),
    ]
    assert machine_sources(tmp_path / "no-apt") == []


def test_debsrc_stanza_uses_the_machine_archives() -> None:
    entries = parse_deb822(DEB822)
    main = debsrc_stanza(entries, "trixie", "bookworm")
    assert main.splitlines() == [
        "Types: deb-src",
        f"URIs: {MAIN_URI}",
        "Suites: trixie",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/test-archive-keyring.gpg",
    ]
    security = debsrc_stanza(entries, "trixie-security", "bookworm")
    assert f"URIs: {SECURITY_URI}\n" in security
    assert "Suites: trixie-security\n" in security
    assert "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n AAAA\n" in security
    # the emitted stanza parses back to the same key
    (parsed,) = parse_deb822(security)
    assert parsed.signed_by == entries[1].signed_by
    assert parsed.types == ("deb-src",)


def test_debsrc_stanza_from_one_line_sources() -> None:
    sid = parse_one_line(f"deb {MAIN_URI} sid\n")
    stanza = debsrc_stanza(sid, "forky", "bookworm")
    assert f"URIs: {MAIN_URI}\n" in stanza
    assert "Components: main\n" in stanza  # none listed: main
    assert "Signed-By" not in stanza


def test_debsrc_stanza_without_a_usable_source() -> None:
    sid = parse_one_line(f"deb {MAIN_URI} sid main\n")
    with pytest.raises(SourceError, match="no apt source of this machine can serve Debian suite "
                                          "'trixie-security'") as info:
        debsrc_stanza(sid, "trixie-security", "bookworm")
    assert info.value.hint is not None and "apt source" in info.value.hint
    with pytest.raises(SourceError):
        debsrc_stanza([], "trixie", "bookworm")


# --------------------------------------------------------------------------- Sources index

ORIG_BYTES = b"not really a tarball"
ORIG_SHA = hashlib.sha256(ORIG_BYTES).hexdigest()
ORIG = "foo_1.0.orig.tar.gz"


def stanza(package: str, version: str, files: Sequence[tuple[str, str]]) -> str:
    lines = [f"Package: {package}", "Binary: " + package, f"Version: {version}",
             "Checksums-Sha256:"]
    lines += [f" {sha} 20 {name}" for sha, name in files]
    return "\n".join(lines) + "\n"


def sources_index(*stanzas: str) -> str:
    return "\n".join(stanzas)


def foo(version: str, sha: str = ORIG_SHA, orig: str = ORIG) -> str:
    return stanza("foo", version, [(sha, orig), ("1" * 64, f"foo_{version}.dsc"),
                                   ("2" * 64, f"foo_{version}.debian.tar.xz")])


def test_versions_with_orig() -> None:
    index = sources_index(
        foo("1.0-1"),
        foo("1.0-2+deb13u1"),
        foo("2.0-1", sha="3" * 64, orig="foo_2.0.orig.tar.xz"),
        stanza("foo-extra", "1.0-1", [("4" * 64, "foo-extra_1.0.orig.tar.gz")]),
        stanza("libfoo", "1.0-1", [("5" * 64, "foo_1.0.orig.tar.gz")]),
    )
    assert _versions_with_orig(index, "foo", "1.0") == [
        ("1.0-1", ORIG, ORIG_SHA), ("1.0-2+deb13u1", ORIG, ORIG_SHA),
    ]
    assert _versions_with_orig(index, "foo", "2.0") == [("2.0-1", "foo_2.0.orig.tar.xz", "3" * 64)]
    assert _versions_with_orig(index, "foo-extra", "1.0") == [
        ("1.0-1", "foo-extra_1.0.orig.tar.gz", "4" * 64),
    ]
    assert _versions_with_orig(index, "foo", "1.1") == []
    assert _versions_with_orig(index, "bar", "1.0") == []


def test_versions_with_orig_matches_the_upstream_version_exactly() -> None:
    # `1.0` must not match the orig of `1.0.1` or `1.0+dfsg` (the dot is not a wildcard)
    index = sources_index(foo("1.0.1-1", orig="foo_1.0.1.orig.tar.gz"),
                          foo("1.0+dfsg-1", orig="foo_1.0+dfsg.orig.tar.gz"),
                          foo("1x0-1", orig="foo_1x0.orig.tar.gz"))
    assert _versions_with_orig(index, "foo", "1.0") == []
    assert [v for v, _f, _s in _versions_with_orig(index, "foo", "1.0+dfsg")] == ["1.0+dfsg-1"]


# --------------------------------------------------------------------------- fetch_orig


class FakeApt:
    """``wasixtasks.debian.run`` replaced: ``apt-get update`` writes each suite's Sources
    index (``indexes``), ``apt-get source`` writes the orig of ``pkg=version`` (``origs``)
    into the folder given to ``env -C``."""

    def __init__(self, indexes: Mapping[str, str], origs: Mapping[str, tuple[str, bytes]]) -> None:
        self.indexes = dict(indexes)
        self.origs = dict(origs)
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str | os.PathLike[str]], *, log: Log,
                 **kwargs: object) -> Completed:
        args = [os.fspath(a) for a in argv]
        self.calls.append(args)
        conf = Path(args[args.index("-c") + 1])
        state = conf.parent
        assert conf.name == "apt.conf" and conf.is_file()
        if args[-1] == "update":
            assert args == ["apt-get", "-c", str(conf), "-q", "update"]
            text = (state / "deb-src.sources").read_text()
            assert "Types: deb-src" in text and f"Suites: {state.name}\n" in text
            lists = state / "lists"
            (lists / f"archive.invalid_debian_dists_{state.name}_main_source_Sources").write_text(
                self.indexes.get(state.name, ""))
        else:
            assert args[:3] == ["env", "-C", args[2]]
            assert args[3:] == ["apt-get", "-c", str(conf), "-q", "source", "--download-only",
                                "--tar-only", "--only-source", args[-1]]
            name, data = self.origs[args[-1]]
            (Path(args[2]) / name).write_bytes(data)
        return Completed(0, "")

    def sources(self) -> list[str]:
        return [c[-1] for c in self.calls if c[-1] != "update"]

    def updates(self) -> list[str]:
        return [Path(c[2]).parent.name for c in self.calls if c[-1] == "update"]


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's apt sources are the DEB822 text above."""
    monkeypatch.setattr(debian, "machine_sources", lambda apt_etc=Path("/etc/apt"): parse_deb822(DEB822))


@pytest.fixture
def log(tmp_path: Path) -> Log:
    lg = Log("foo", tmp_path / "foo.log", quiet=True)
    lg.enter("fetch")
    return lg


def install(monkeypatch: pytest.MonkeyPatch, apt: FakeApt) -> FakeApt:
    monkeypatch.setattr(debian, "run", apt)
    return apt


FOO = Debian("foo", "1.0-1+deb13u2")


def test_fetch_orig_with_fake_apt(tmp_path: Path, log: Log, machine: None,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    apt = install(monkeypatch, FakeApt(
        {"trixie": sources_index(foo("1.0-1+deb13u1"), foo("1.0-1+deb13u2"))},
        {"foo=1.0-1+deb13u2": (ORIG, ORIG_BYTES)},
    ))
    work = tmp_path / "debian"
    got = fetch_orig(FOO, work, log, want_sha256=ORIG_SHA)
    assert got == work / ORIG
    assert got.read_bytes() == ORIG_BYTES
    # the exact Debian version is preferred when several carry the same orig
    assert apt.updates() == ["trixie"]
    assert apt.sources() == ["foo=1.0-1+deb13u2"]
    state = work / ".apt" / "trixie"
    conf_text = (state / "apt.conf").read_text()
    assert f'Dir::State::Lists "{state}/lists";' in conf_text
    assert f'Dir::Etc::SourceList "{state}/deb-src.sources";' in conf_text
    assert (state / "deb-src.sources").read_text() == debsrc_stanza(parse_deb822(DEB822), "trixie")
    assert "fetching Debian's foo_1.0.orig.tar.gz" in log.path.read_text()

    # again: the index is fresh and the file is there, so apt is not asked at all
    apt.calls.clear()
    assert fetch_orig(FOO, work, log, want_sha256=ORIG_SHA) == got
    assert apt.calls == []


def test_a_version_that_left_the_index_is_served_by_one_with_the_same_orig(
    tmp_path: Path, log: Log, machine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    apt = install(monkeypatch, FakeApt(
        {"trixie": sources_index(foo("1.0-1+deb13u3"))},
        {"foo=1.0-1+deb13u3": (ORIG, ORIG_BYTES)},
    ))
    assert fetch_orig(FOO, tmp_path / "w", log, want_sha256=ORIG_SHA).read_bytes() == ORIG_BYTES
    assert apt.sources() == ["foo=1.0-1+deb13u3"]


def test_later_suites_are_searched(tmp_path: Path, log: Log, machine: None,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    apt = install(monkeypatch, FakeApt(
        {"trixie": sources_index(foo("1.0-1", sha="9" * 64)), "forky": sources_index(foo("1.0-3"))},
        {"foo=1.0-3": (ORIG, ORIG_BYTES)},
    ))
    fetch_orig(Debian("foo", "1.0-3"), tmp_path / "w", log, want_sha256=ORIG_SHA)
    assert apt.updates() == ["trixie", "forky"]  # sid is never needed
    assert apt.sources() == ["foo=1.0-3"]


def test_no_suite_offers_the_file(tmp_path: Path, log: Log, machine: None,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, FakeApt(
        {"trixie": sources_index(foo("1.0-1", sha="9" * 64)),
         "sid": sources_index(foo("2.0-1", orig="foo_2.0.orig.tar.gz"))},
        {},
    ))
    with pytest.raises(SourceError) as info:
        fetch_orig(FOO, tmp_path / "w", log, want_sha256=ORIG_SHA)
    err = info.value
    assert err.message.startswith(f"no Debian suite (trixie, forky, sid) offers foo 1.0 with "
                                  f"sha256 {ORIG_SHA}; found: ")
    # what there is, so the pin can be checked against it
    assert err.message.endswith("found: trixie 1.0-1 (999999999999)")
    assert (err.package, err.step, err.log) == ("foo", "fetch", log.path)


def test_an_old_index_is_refreshed(tmp_path: Path, log: Log, machine: None,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    apt = install(monkeypatch, FakeApt({"trixie": sources_index(foo("1.0-1+deb13u2"))},
                                       {"foo=1.0-1+deb13u2": (ORIG, ORIG_BYTES)}))
    work = tmp_path / "w"
    fetch_orig(FOO, work, log, want_sha256=ORIG_SHA)
    assert apt.updates() == ["trixie"]
    index = next((work / ".apt" / "trixie" / "lists").glob("*_Sources"))
    old = time.time() - INDEX_MAX_AGE - 60
    os.utime(index, (old, old))
    fetch_orig(FOO, work, log, want_sha256=ORIG_SHA)
    assert apt.updates() == ["trixie", "trixie"]
    assert apt.sources() == ["foo=1.0-1+deb13u2"]  # the orig itself was already there


def test_apt_that_writes_nothing_is_an_error(tmp_path: Path, log: Log, machine: None,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # apt-get source "succeeded" without the file: every suite is tried, then a clear error
    install(monkeypatch, FakeApt({"trixie": sources_index(foo("1.0-1+deb13u2"))},
                                 {"foo=1.0-1+deb13u2": ("foo_other.tar.gz", b"x")}))
    with pytest.raises(SourceError, match="no Debian suite"):
        fetch_orig(FOO, tmp_path / "w", log, want_sha256=ORIG_SHA)


def test_debsrc_stanza_ignores_a_third_party_repository_listed_first() -> None:
    entries = parse_one_line(
        "deb http://apt.example.invalid/repo cloud-sdk-bookworm main\n"
        f"deb {MAIN_URI} bookworm main\n")
    stanza = debsrc_stanza(entries, "trixie", "bookworm")
    assert f"URIs: {MAIN_URI}\n" in stanza and "example.invalid" not in stanza


def test_machine_codename(tmp_path: Path) -> None:
    release = tmp_path / "os-release"
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\n')
    assert machine_codename(release) == "bookworm"
    assert machine_codename(tmp_path / "missing") is None

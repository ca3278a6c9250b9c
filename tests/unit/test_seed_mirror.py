"""Unit tests of tests/seed_mirror.py: seeding, safe extraction, apt sources parsing.

No network: archives are built in tmp_path and apt is replaced by a fake ``run_cmd``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
import tarfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest


def _load() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "seed_mirror.py"
    spec = importlib.util.spec_from_file_location("seed_mirror", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["seed_mirror"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


sm = _load()

# Placeholder archive hosts (RFC 2606 ".invalid"): the real ones come from the machine.
MAIN_URI = "http://archive.invalid/debian"
SECURITY_URI = "http://archive.invalid/debian-security"


def make_tar(path: Path, files: dict[str, bytes], extra: Sequence[tarfile.TarInfo] = ()) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def symlink(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info


# --------------------------------------------------------------------------- seed_one


def test_identical_hash_goes_to_mirror(tmp_path: Path) -> None:
    orig = make_tar(tmp_path / "foo_1.0.orig.tar.gz", {"foo-1.0/a.c": b"int a;\n"})
    mirror, overrides = tmp_path / "mirror", tmp_path / "overrides"

    out = sm.seed_one("foo", "foo-1.0.tar.gz", sha(orig), orig, mirror, overrides)

    assert out.kind == "mirror"
    assert out.path == mirror / "foo-1.0.tar.gz"
    assert out.path.read_bytes() == orig.read_bytes()
    assert sorted(p.name for p in mirror.iterdir()) == ["foo-1.0.tar.gz"]  # no temp left
    assert not overrides.exists()


def test_different_hash_extracts_override_without_top_folder(tmp_path: Path) -> None:
    orig = make_tar(
        tmp_path / "foo_1.0+dfsg.orig.tar.gz",
        {"foo-1.0+dfsg/a.c": b"int a;\n", "foo-1.0+dfsg/sub/b.h": b"#define B\n"},
        [symlink("foo-1.0+dfsg/sub/link.h", "b.h")],
    )
    overrides = tmp_path / "overrides"
    (overrides / "foo").mkdir(parents=True)
    (overrides / "foo" / "stale.txt").write_text("old tree")
    pin = "0" * 64

    out = sm.seed_one(
        "foo", "foo-1.0.tar.gz", pin, orig, tmp_path / "mirror", overrides,
        debian_version="1.0+dfsg-2",
    )

    assert out.kind == "override"
    tree = overrides / "foo"
    assert out.path == tree
    assert (tree / "a.c").read_bytes() == b"int a;\n"
    assert (tree / "sub" / "link.h").is_symlink()
    assert (tree / "sub" / "link.h").read_text() == "#define B\n"
    assert not (tree / "foo-1.0+dfsg").exists()
    assert not (tree / "stale.txt").exists()  # replaced, not merged
    assert sorted(p.name for p in overrides.iterdir()) == ["foo"]  # no temp left
    assert not (tmp_path / "mirror").exists()
    for needle in (pin, sha(orig), "1.0+dfsg-2", "foo-1.0.tar.gz", orig.name):
        assert needle in out.message
    assert "DIFFERENT release" not in out.message


def test_override_of_another_release_says_so(tmp_path: Path) -> None:
    orig = make_tar(tmp_path / "foo_1.0.48.orig.tar.gz", {"foo-1.0.48/a.c": b""})
    out = sm.seed_one("foo", "foo-1.0.50.tar.xz", "0" * 64, orig, tmp_path / "m", tmp_path / "o")
    assert out.kind == "override"
    assert "release 1.0.48, a DIFFERENT release" in out.message


@pytest.mark.parametrize(
    ("files", "extra"),
    [
        ({"foo-1.0/ok.c": b"", "foo-1.0/../../evil.txt": b"x"}, []),
        ({"foo-1.0/ok.c": b"", "/etc/evil.txt": b"x"}, []),
        ({"foo-1.0/ok.c": b""}, [symlink("foo-1.0/up", "../../outside")]),
        ({"foo-1.0/ok.c": b""}, [symlink("foo-1.0/abs", "/etc/passwd")]),
        ({"foo-1.0/ok.c": b"", "foo-1.0/dot/x": b""}, [symlink("foo-1.0/dot", ".")]),
    ],
    ids=["dotdot", "absolute", "symlink-up", "symlink-absolute", "through-symlink"],
)
def test_unsafe_members_are_refused(
    tmp_path: Path, files: dict[str, bytes], extra: list[tarfile.TarInfo]
) -> None:
    orig = make_tar(tmp_path / "foo_1.0.orig.tar.gz", files, extra)
    overrides = tmp_path / "overrides"

    with pytest.raises(sm.UnsafeArchiveError):
        sm.seed_one("foo", "foo-1.0.tar.gz", "0" * 64, orig, tmp_path / "mirror", overrides)

    assert not (tmp_path / "evil.txt").exists()
    assert not (overrides / "foo").exists()
    assert list(overrides.iterdir()) == []  # the temporary folder is gone too


def test_device_member_is_refused(tmp_path: Path) -> None:
    dev = tarfile.TarInfo("foo-1.0/null")
    dev.type = tarfile.CHRTYPE
    dev.devmajor, dev.devminor = 1, 3
    orig = make_tar(tmp_path / "foo_1.0.orig.tar.gz", {"foo-1.0/ok.c": b""}, [dev])

    with pytest.raises(sm.UnsafeArchiveError, match="device"):
        sm.seed_one("foo", "f.tar.gz", "0" * 64, orig, tmp_path / "m", tmp_path / "o")


def test_archive_without_single_top_folder_is_refused(tmp_path: Path) -> None:
    orig = make_tar(tmp_path / "foo_1.0.orig.tar.gz", {"a/x.c": b"", "b/y.c": b""})
    with pytest.raises(sm.SeedError, match="top-level"):
        sm.seed_one("foo", "f.tar.gz", "0" * 64, orig, tmp_path / "m", tmp_path / "o")


# --------------------------------------------------------------------------- apt sources

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
"""


def test_parse_deb822() -> None:
    entries = sm.parse_deb822_sources(DEB822)
    assert len(entries) == 2  # the disabled stanza is skipped
    main, security = entries
    assert main.types == ("deb",)
    assert main.uris == (MAIN_URI,)
    assert main.suites == ("bookworm", "bookworm-updates")
    assert main.components == ("main", "contrib")
    assert main.signed_by == "/usr/share/keyrings/test-archive-keyring.gpg"
    assert security.types == ("deb", "deb-src")
    assert security.signed_by is not None
    assert security.signed_by.splitlines()[1:3] == ["-----BEGIN PGP PUBLIC KEY BLOCK-----", "."]


def test_parse_one_line() -> None:
    entries = sm.parse_one_line_sources(ONE_LINE)
    assert [(e.types, e.uris, e.suites, e.components) for e in entries] == [
        (("deb",), (MAIN_URI,), ("bookworm",), ("main",)),
        (("deb-src",), (MAIN_URI,), ("bookworm-updates",), ("main",)),
        (("deb",), (SECURITY_URI,), ("bookworm-security",), ("main",)),
    ]
    assert entries[0].signed_by == "/usr/share/keyrings/test-archive-keyring.gpg"
    assert entries[2].trusted == "yes"


def test_debsrc_stanza_uses_machine_archives() -> None:
    entries = sm.parse_deb822_sources(DEB822)

    main = sm.debsrc_stanza(entries, "trixie", "bookworm")
    assert main.splitlines() == [
        "Types: deb-src",
        f"URIs: {MAIN_URI}",
        "Suites: trixie",
        "Components: main contrib",
        "Signed-By: /usr/share/keyrings/test-archive-keyring.gpg",
    ]
    security = sm.debsrc_stanza(entries, "trixie-security", "bookworm")
    assert f"URIs: {SECURITY_URI}\n" in security
    assert "Suites: trixie-security\n" in security
    assert "Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n AAAA\n" in security
    # the emitted stanza parses back to the same key
    assert sm.parse_deb822_sources(security)[0].signed_by == entries[1].signed_by

    # a machine on unstable lists "sid" although os-release names the testing codename
    sid = sm.parse_one_line_sources(f"deb {MAIN_URI} sid main\n")
    assert f"URIs: {MAIN_URI}\n" in sm.debsrc_stanza(sid, "trixie", "forky")

    with pytest.raises(sm.SeedError, match="security archive"):
        sm.debsrc_stanza(sid, "trixie-security", "forky")


def test_read_machine_sources_and_codename(tmp_path: Path) -> None:
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list").write_text(ONE_LINE)
    (etc / "sources.list.d" / "debian.sources").write_text(DEB822)
    (etc / "sources.list.d" / "other.sources.disabled").write_text(DEB822)
    entries = sm.read_machine_sources(etc)
    assert len(entries) == 5
    os_release = tmp_path / "os-release"
    os_release.write_text('NAME="Debian GNU/Linux"\nVERSION_CODENAME=trixie\n')
    assert sm.machine_codename(entries, os_release) == "trixie"
    assert sm.machine_codename(entries, tmp_path / "missing") == "bookworm"


# --------------------------------------------------------------------------- fetch_orig

ORIG_BYTES = b"not really a tarball"
ORIG_SHA = hashlib.sha256(ORIG_BYTES).hexdigest()
SRC = sm.DebianSource(
    package="foo", version="1.0-1+deb13u2", suite="trixie", orig="foo_1.0.orig.tar.gz",
    orig_sha256=ORIG_SHA,
)


def sources_index(*versions: tuple[str, str, str]) -> str:
    return "\n".join(
        f"Package: foo\nVersion: {v}\nChecksums-Sha256:\n {h} 20 {orig}\n {h} 9 foo_{v}.dsc\n"
        for v, h, orig in versions
    )


def test_resolve_version() -> None:
    exact = sources_index(
        ("1.0-1+deb13u1", ORIG_SHA, SRC.orig), ("1.0-1+deb13u2", ORIG_SHA, SRC.orig)
    )
    assert sm.resolve_version([exact], SRC) == "1.0-1+deb13u2"
    moved_on = sources_index(("1.0-1+deb13u3", ORIG_SHA, SRC.orig))
    assert sm.resolve_version([moved_on], SRC) == "1.0-1+deb13u3"
    other = sources_index(("2.0-1", "1" * 64, "foo_2.0.orig.tar.gz"))
    with pytest.raises(sm.SeedError, match=r"2\.0-1 \(foo_2\.0\.orig\.tar\.gz\)"):
        sm.resolve_version([other], SRC)


def test_fetch_orig_with_fake_apt(tmp_path: Path) -> None:
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list.d" / "debian.sources").write_text(DEB822)
    os_release = tmp_path / "os-release"
    os_release.write_text("VERSION_CODENAME=bookworm\n")
    workdir = tmp_path / "work"
    workdir.mkdir()
    calls: list[list[str]] = []

    def fake_apt(argv: list[str]) -> None:
        calls.append(argv)
        conf = Path(argv[argv.index("-c") + 1])
        state = conf.parent
        if argv[-1] == "update":
            text = (state / "deb-src.sources").read_text()
            assert f"URIs: {MAIN_URI}" in text and "Suites: trixie" in text
            assert "Types: deb-src" in text
            index = state / "lists" / "archive.invalid_debian_dists_trixie_main_source_Sources"
            index.write_text(sources_index(("1.0-1+deb13u2", ORIG_SHA, SRC.orig)))
        else:
            assert argv[:3] == ["env", "-C", str(workdir.resolve())]
            assert "--tar-only" in argv and argv[-1] == "foo=1.0-1+deb13u2"
            (Path(argv[2]) / SRC.orig).write_bytes(ORIG_BYTES)

    got = sm.fetch_orig(SRC, workdir, fake_apt, apt_etc=etc, os_release=os_release)
    assert got == workdir.resolve() / SRC.orig
    assert len(calls) == 2
    conf_text = (workdir / ".apt" / "trixie" / "apt.conf").read_text()
    assert "Dir::State::Lists" in conf_text and str(workdir.resolve()) in conf_text

    calls.clear()
    assert sm.fetch_orig(SRC, workdir, fake_apt, apt_etc=etc, os_release=os_release) == got
    assert calls == []  # cached


def test_table_is_consistent() -> None:
    assert set(sm.DEBIAN_SOURCES) == {"zlib", "xz", "libpng", "brotli"}
    for src in sm.DEBIAN_SOURCES.values():
        assert src.orig.startswith(f"{src.package}_{src.upstream_version}.orig.tar.")
        assert len(src.orig_sha256) == 64

"""Resources: extra pinned sources placed into a recipe's tree (Spack's ``resource()``), used
for the crates of Rust packages: Debian binary packages (their ``.deb`` data) and folders of
another source archive. Declaration checks, the pin, fetching a ``.deb`` through apt (faked),
reading its data archive, and placing folders into the pristine tree. Also Debian sources
with Debian's patches applied (``Debian(debian_sha256=...)``), as dpkg-source unpacks them."""

from __future__ import annotations

import hashlib
import os
import tarfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pygit2
import pytest

from tests.helpers.project import add_library, leftovers, tar_xz_bytes, tarball_bytes
from wasixtasks import debian, sources
from wasixtasks.config import Config, load_config
from wasixtasks.debian import debsrc_stanza, parse_one_line
from wasixtasks.errors import SourceError
from wasixtasks.pins import source_pin
from wasixtasks.recipe import (
    Debian,
    DebPackage,
    Kind,
    Recipe,
    RecipeDeclarationError,
    Resource,
    Sdist,
    declare,
)
from wasixtasks.registry import Registry
from wasixtasks.run import Completed, Log
from wasixtasks.sources import deb_data, ensure_source, place_resource

SHA = "a" * 64


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ar_member(name: str, data: bytes) -> bytes:
    header = (f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n").encode()
    assert len(header) == 60
    return header + data + (b"\n" if len(data) % 2 else b"")


def deb_bytes(files: dict[str, bytes]) -> bytes:
    """A Debian package as dpkg-deb writes one: an ar archive of debian-binary, the control
    archive and the data archive (members named ``./usr/...``)."""
    return (b"!<arch>\n" + ar_member("debian-binary", b"2.0\n")
            + ar_member("control.tar.xz", tar_xz_bytes({"./control": b"Package: x\n"}))
            + ar_member("data.tar.xz", tar_xz_bytes({f"./{k}": v for k, v in files.items()})))


CRATE = {
    "usr/share/cargo/registry/radium-1.1.0/Cargo.toml": b'[package]\nname = "radium"\n',
    "usr/share/cargo/registry/radium-1.1.0/src/lib.rs": b"// radium\n",
    "usr/share/doc/librust-radium-dev/copyright": b"MIT\n",
}


def crate_package(data: bytes) -> DebPackage:
    return DebPackage("librust-radium-dev", "1.1.0-1", sha(data), arch="amd64",
                      subdirs=("usr/share/cargo/registry/radium-1.1.0",))


# --------------------------------------------------------------------------- declaration


def declared(**fields: object) -> Recipe:
    return declare(Kind.WHEEL, None, name="pkg", version="1.0",
                   source=Sdist("pkg", sha256=SHA), **fields)


def test_resources_are_recorded_and_pinned() -> None:
    res = Resource(DebPackage("librust-x-dev", "1:2.0-1", SHA, subdirs=("usr/share/x",)), "crates")
    recipe = declared(resources=[res])
    assert recipe.resources == (res,)
    assert res.source.filename == "librust-x-dev_1%3a2.0-1_all.deb"  # as apt names it
    assert res.pin() == f"crates<-deb:librust-x-dev=1:2.0-1:all#sha256={SHA}#only=usr/share/x"


@pytest.mark.parametrize("resource, message", [
    (Resource(DebPackage("p", "1", SHA, subdirs=("usr/x",)), "/abs"), "must be a relative path"),
    (Resource(DebPackage("p", "1", SHA, subdirs=("usr/x",)), "a/../b"), "must be a relative path"),
    (Resource(DebPackage("p", "1", "abc", subdirs=("usr/x",)), "crates"), "needs sha256="),
    (Resource(DebPackage("p", "1", SHA), "crates"), "needs subdirs="),
    (Resource(Debian("rustc", "1.0-1"), "crates"), "needs sha256="),
    ("crates", "must be Resource(...) entries"),
])
def test_bad_resources_are_declaration_errors(resource: object, message: str) -> None:
    with pytest.raises(RecipeDeclarationError, match=message.replace("(", r"\(")
                       .replace(")", r"\)").replace(".", r"\.")) as err:
        declared(resources=[resource])
    assert err.value.field_name == "resources"


def test_the_pin_names_every_resource_and_is_unchanged_without_them(project: Path) -> None:
    add_library(project, "foo")
    cfg = load_config(project)
    recipe = Registry.load(cfg).get("foo")
    assert source_pin(recipe, cfg) == recipe.source.pin()
    res = Resource(crate_package(b"x"), "crates")
    assert source_pin(replace(recipe, resources=(res,)), cfg) == (
        f"{recipe.source.pin()}\n{res.pin()}")


# --------------------------------------------------------------------------- .deb files


def test_deb_data_is_the_data_archive_of_the_package(tmp_path: Path) -> None:
    deb = tmp_path / "x.deb"
    deb.write_bytes(deb_bytes(CRATE))
    data = deb_data(deb, tmp_path)
    assert data.name == "data.tar.xz"
    with tarfile.open(data) as tf:
        assert sorted(tf.getnames()) == sorted(f"./{k}" for k in CRATE)


def test_a_file_that_is_no_deb_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.deb"
    bad.write_bytes(b"PK\x03\x04 not an ar archive")
    with pytest.raises(SourceError, match="not a Debian package"):
        deb_data(bad, tmp_path)
    bad.write_bytes(b"!<arch>\n" + ar_member("debian-binary", b"2.0\n"))
    with pytest.raises(SourceError, match="no data archive"):
        deb_data(bad, tmp_path)


def test_a_binary_stanza_uses_the_machines_archive() -> None:
    entries = parse_one_line("deb http://deb.invalid/debian trixie main\n")
    assert debsrc_stanza(entries, "trixie", "trixie", kind="deb").splitlines()[:3] == [
        "Types: deb", "URIs: http://deb.invalid/debian", "Suites: trixie"]


class FakeAptDownload:
    """``wasixtasks.debian.run`` replaced: ``update`` succeeds, ``download`` writes the
    package into the current folder (``env -C``) when the suite has it."""

    def __init__(self, has: dict[str, bytes]) -> None:
        self.has = has  # suite -> the .deb it serves
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str | os.PathLike[str]], *, log: Log,
                 check: bool = True, **kwargs: object) -> Completed:
        args = [os.fspath(a) for a in argv]
        self.calls.append(args)
        if args[-1] == "update":
            return Completed(0, "")
        suite = Path(args[args.index("-c") + 1]).parent.name
        if suite not in self.has:
            return Completed(100, "")
        name, _, version = args[-1].partition("=")
        package, _, arch = name.partition(":")
        (Path(args[2]) / f"{package}_{version}_{arch}.deb").write_bytes(self.has[suite])
        return Completed(0, "")


def fake_apt(monkeypatch: pytest.MonkeyPatch, has: dict[str, bytes]) -> FakeAptDownload:
    apt = FakeAptDownload(has)
    monkeypatch.setattr(debian, "run", apt)
    monkeypatch.setattr(debian, "machine_sources", lambda apt_etc=Path("/etc/apt"): parse_one_line(
        "deb http://deb.invalid/debian sid main\n"))
    return apt


def new_log(project: Path, name: str = "foo") -> Log:
    log = Log(name, project / "pkgs" / f"{name}.log", quiet=True)
    log.enter("fetch")
    return log


def test_a_deb_is_fetched_from_the_first_suite_that_has_it_and_cached(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = deb_bytes(CRATE)
    pkg = replace(crate_package(data), suites=("trixie", "forky"))
    apt = fake_apt(monkeypatch, {"forky": data})
    cfg = load_config(project)
    got = sources.fetch_debian_binary(pkg, cfg, new_log(project))
    assert got == cfg.layout.downloads / pkg.sha256 / pkg.filename
    assert [c[-1] for c in apt.calls] == [
        "update", "librust-radium-dev:amd64=1.1.0-1", "update", "librust-radium-dev:amd64=1.1.0-1"]
    conf = (cfg.layout.debian / ".apt-bin" / "forky" / "apt.conf").read_text()
    assert 'APT::Architecture "amd64";' in conf and 'status "/dev/null"' in conf
    apt.calls.clear()
    assert sources.fetch_debian_binary(pkg, cfg, new_log(project)) == got
    assert apt.calls == []  # the download cache answers


def test_a_deb_with_another_hash_is_refused(project: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = crate_package(b"the pinned bytes")
    fake_apt(monkeypatch, {"trixie": deb_bytes(CRATE)})
    with pytest.raises(SourceError, match="sha256"):
        sources.fetch_debian_binary(replace(pkg, suites=("trixie",)), load_config(project),
                                    new_log(project))


def test_no_suite_with_the_package_is_a_one_line_error(project: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    fake_apt(monkeypatch, {})
    with pytest.raises(SourceError, match="no Debian suite .* offers the binary package "
                       "librust-radium-dev 1.1.0-1"):
        sources.fetch_debian_binary(crate_package(b"x"), load_config(project), new_log(project))


# --------------------------------------------------------------------------- placing


def with_resources(project: Path, *resources: Resource) -> tuple[Config, Recipe]:
    add_library(project, "foo")
    cfg = load_config(project)
    return cfg, replace(Registry.load(cfg).get("foo"), resources=resources)


def test_resources_are_part_of_the_pristine_commit(project: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    data = deb_bytes(CRATE)
    fake_apt(monkeypatch, {"trixie": data})
    other = tarball_bytes("rustc-1.0-src", {"vendor/uuid-1.11.0/Cargo.toml": "[package]\n",
                                            "vendor/zzz-1.0/x": "not wanted\n"})
    (project / "mirror" / "rustc_1.0.orig.tar.gz").write_bytes(other)
    cfg, recipe = with_resources(
        project, Resource(crate_package(data), "crates"),
        Resource(Debian("rustc", "1.0-1", sha(other), subdirs=("vendor/uuid-1.11.0",)), "crates"))
    monkeypatch.setattr(sources, "fetch_debian",
                        lambda deb, sha256, cfg, log: project / "mirror" / "rustc_1.0.orig.tar.gz")
    src, state = ensure_source(recipe, cfg, new_log(project))
    assert sorted(p.name for p in (src / "crates").iterdir()) == ["radium-1.1.0", "uuid-1.11.0"]
    assert (src / "crates/radium-1.1.0/src/lib.rs").read_text() == "// radium\n"
    assert not (src / "crates/zzz-1.0").exists() and (src / "foo.h").is_file()
    tree = pygit2.Repository(str(src)).head.peel(pygit2.Commit).tree
    assert "crates/radium-1.1.0/Cargo.toml" in tree and "crates/uuid-1.11.0/Cargo.toml" in tree
    assert state.pin == source_pin(recipe, cfg)
    assert "resource crates: Debian package librust-radium-dev 1.1.0-1" in (
        project / "pkgs/foo.log").read_text()
    assert leftovers(project) == []


def test_two_resources_placing_one_folder_is_an_error(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = deb_bytes(CRATE)
    fake_apt(monkeypatch, {"trixie": data})
    cfg, _ = with_resources(project)
    top = project / "tree"
    top.mkdir()
    log = new_log(project)
    place_resource(Resource(crate_package(data), "crates"), cfg, top, project / "w", log)
    with pytest.raises(SourceError, match="two resources place crates/radium-1.1.0"):
        place_resource(Resource(crate_package(data), "crates"), cfg, top, project / "w", log)


def test_a_missing_folder_of_a_resource_is_named(project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = deb_bytes(CRATE)
    fake_apt(monkeypatch, {"trixie": data})
    cfg, _ = with_resources(project)
    (project / "tree").mkdir()
    pkg = replace(crate_package(data), subdirs=("usr/share/cargo/registry/radium-9.9.9",))
    with pytest.raises(SourceError, match="has no folder usr/share/cargo/registry/radium-9.9.9"):
        place_resource(Resource(pkg, "crates"), cfg, project / "tree", project / "w",
                       new_log(project))


# --------------------------------------------------------------------------- Debian's patches


def test_the_debian_series_in_order_without_comments_or_options(tmp_path: Path) -> None:
    (tmp_path / "patches").mkdir()
    (tmp_path / "patches" / "series").write_text(
        "# applied in this order\nb-first.patch\n\na-second.patch -p1\n  # off.patch\n")
    assert sources.debian_series(tmp_path) == [tmp_path / "patches" / "b-first.patch",
                                               tmp_path / "patches" / "a-second.patch"]
    assert sources.debian_series(tmp_path / "none") == []


class FakeAptSource:
    """``wasixtasks.debian.run`` replaced: the suite's Sources index lists the orig and the
    Debian tarball; ``source --tar-only`` writes the orig, ``--diff-only`` the Debian one."""

    def __init__(self, orig: bytes, debian_tar: bytes) -> None:
        self.files = {"--tar-only": ("foo_1.0.orig.tar.gz", orig),
                      "--diff-only": ("foo_1.0-2.debian.tar.xz", debian_tar)}
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str | os.PathLike[str]], *, log: Log,
                 check: bool = True, **kwargs: object) -> Completed:
        args = [os.fspath(a) for a in argv]
        self.calls.append(args)
        state = Path(args[args.index("-c") + 1]).parent
        if args[-1] == "update":
            lines = "".join(f" {sha(data)} {len(data)} {name}\n"
                            for name, data in self.files.values())
            (state / "lists" / f"deb.invalid_debian_dists_{state.name}_main_source_Sources"
             ).write_text(f"Package: foo\nVersion: 1.0-2\nChecksums-Sha256:\n{lines}")
        else:
            name, data = next(v for k, v in self.files.items() if k in args)
            (Path(args[2]) / name).write_bytes(data)
        return Completed(0, "")


def test_a_debian_source_with_its_patches(project: Path, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    orig = tarball_bytes("foo-1.0", {"foo.h": "#define FOO 1\n"})
    debian_tar = tar_xz_bytes({"debian/patches/series": b"second.patch\nfirst.patch\n",
                         "debian/patches/first.patch": b"--- a/foo.h\n+++ b/foo.h\n",
                         "debian/patches/second.patch": b"--- a/foo.h\n+++ b/foo.h\n",
                         "debian/control": b"Source: foo\n"})
    apt = FakeAptSource(orig, debian_tar)
    monkeypatch.setattr(debian, "run", apt)
    monkeypatch.setattr(debian, "machine_sources", lambda apt_etc=Path("/etc/apt"): parse_one_line(
        "deb http://deb.invalid/debian sid main\n"))
    patched: list[list[str]] = []

    def fake_patch(argv: Sequence[str], *, log: Log, **kwargs: object) -> Completed:
        # `patch` itself is not run in unit tests: record what it was given, apply nothing
        patched.append([os.fspath(a) for a in argv])
        assert Path(argv[-1]).is_file()
        return Completed(0, "")

    monkeypatch.setattr(sources, "run", fake_patch)
    add_library(project, "foo")
    cfg = load_config(project)
    deb = Debian("foo", "1.0-2", sha(orig), debian_sha256=sha(debian_tar), suites=("sid",))
    recipe = replace(Registry.load(cfg).get("foo"), source=deb)
    src, state = ensure_source(recipe, cfg, new_log(project))
    assert [c[c.index("--only-source") - 1] for c in apt.calls if "source" in c] == [
        "--tar-only", "--diff-only"]
    assert [(c[:5], Path(c[-1]).name) for c in patched] == [
        (["patch", "-p1", "--forward", "--no-backup-if-mismatch", "--quiet"], "second.patch"),
        (["patch", "-p1", "--forward", "--no-backup-if-mismatch", "--quiet"], "first.patch")]
    assert all(c[c.index("-d") + 1] != str(src) for c in patched)  # patched before the move
    assert state.origin == ("Debian foo 1.0-2 with Debian's patches (foo_1.0-2.debian.tar.xz): "
                            "second.patch, first.patch")
    assert state.pin == deb.pin() and f"#debian={sha(debian_tar)}" in state.pin
    assert not (src / "debian").exists()  # the packaging is not part of the tree
    assert (cfg.layout.downloads / sha(debian_tar) / "foo_1.0-2.debian.tar.xz").is_file()
    assert leftovers(project) == []


def test_a_series_naming_a_missing_patch_is_an_error(project: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    orig = tarball_bytes("foo-1.0", {"foo.h": "#define FOO 1\n"})
    debian_tar = tar_xz_bytes({"debian/patches/series": b"gone.patch\n"})
    monkeypatch.setattr(debian, "run", FakeAptSource(orig, debian_tar))
    monkeypatch.setattr(debian, "machine_sources", lambda apt_etc=Path("/etc/apt"): parse_one_line(
        "deb http://deb.invalid/debian sid main\n"))
    add_library(project, "foo")
    cfg = load_config(project)
    deb = Debian("foo", "1.0-2", sha(orig), debian_sha256=sha(debian_tar), suites=("sid",))
    with pytest.raises(SourceError, match="series names gone.patch, which is not there"):
        ensure_source(replace(Registry.load(cfg).get("foo"), source=deb), cfg, new_log(project))
    assert not (project / "pkgs" / "foo.source").exists()
    assert leftovers(project) == []


def test_debian_sha256_is_checked_and_pinned() -> None:
    with pytest.raises(RecipeDeclarationError, match="debian tarball"):
        declare(Kind.LIBRARY, None, name="x", version="1",
                source=Debian("x", "1-1", SHA, debian_sha256="nope"))
    assert Debian("x", "1-1", SHA, debian_sha256=SHA).pin() == (
        f"debian:x=1-1#sha256={SHA}#debian={SHA}")

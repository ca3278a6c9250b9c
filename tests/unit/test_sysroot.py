"""Tests of wasixtasks.sysroot: the closure of a package's libraries, installing one library
artifact (and replacing a previous install of it exactly), the error for a missing artifact,
and the per-package sysroot assembled from the artifacts.

Nothing is built and no process starts (the autouse fixture fails any test that tries):
library artifacts are tiny trees packed with ``pack_tar_xz`` straight into
``artifacts/<name>.tar.xz``."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from tests.helpers.project import add_library, write_recipe
from wasixtasks.archive import pack_tar_xz
from wasixtasks.config import Config
from wasixtasks.errors import BuildError
from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.recipe import Kind, Recipe, Url, declare
from wasixtasks.registry import Registry
from wasixtasks.sysroot import (
    RECORD_DIR,
    assemble,
    install_one,
    library_closure,
    require_artifact,
)

SHA = "0" * 64
INC = INCLUDEDIR.lstrip("/")
LIB = LIBDIR.lstrip("/")



# --------------------------------------------------------------------------- helpers


def recipe(name: str, libs: Sequence[str] = (), *, kind: Kind = Kind.LIBRARY) -> Recipe:
    return declare(kind, None, name=name, version="1.0",
                   source=Url(f"https://example.invalid/{name}-1.0.tar.gz", sha256=SHA),
                   libs=list(libs))


def registry(*recipes: Recipe) -> Registry:
    return Registry({r.name: r for r in recipes})


def tree(folder: Path, files: Mapping[str, str]) -> Path:
    """A folder holding ``files`` (relative path -> text)."""
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def pack(tmp_path: Path, out: Path, files: Mapping[str, str]) -> Path:
    """``files`` packed as a library artifact at ``out``."""
    src = Path(tempfile.mkdtemp(prefix="tree-", dir=tmp_path))
    pack_tar_xz(tree(src, files), out)
    return out


def artifact(cfg: Config, tmp_path: Path, name: str, files: Mapping[str, str]) -> Path:
    """``artifacts/<name>.tar.xz`` holding ``files``."""
    return pack(tmp_path, cfg.layout.package(name).library_artifact, files)


def lib_files(name: str, version: str = "1.0") -> dict[str, str]:
    """What a tiny library installs: a header, a static library and a .pc file."""
    return {
        f"{INC}/{name}.h": f"#define {name.upper()}_VERSION \"{version}\"\n",
        f"{LIB}/lib{name}.a": f"!<arch>\n{name} {version}\n",
        f"{LIB}/pkgconfig/{name}.pc": f"Name: {name}\nVersion: {version}\n",
    }


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}


def record_of(dest: Path, name: str) -> dict[str, object]:
    data = json.loads((dest / RECORD_DIR / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- library_closure


def test_closure_of_a_package_without_libraries() -> None:
    reg = registry(recipe("zlib"), recipe("app"))
    assert library_closure(reg, reg.get("app")) == []


def test_closure_puts_dependencies_first() -> None:
    reg = registry(recipe("zlib"), recipe("libpng", ["zlib"]), recipe("app", ["libpng"]))
    assert library_closure(reg, reg.get("app")) == ["zlib", "libpng"]
    # the package itself is never part of its closure
    assert library_closure(reg, reg.get("libpng")) == ["zlib"]


def test_closure_of_a_diamond_lists_each_library_once() -> None:
    #        app
    #       /   \
    #  freetype  harfbuzz
    #       \   /
    #       libpng
    #         |
    #        zlib
    reg = registry(
        recipe("zlib"),
        recipe("libpng", ["zlib"]),
        recipe("freetype", ["libpng", "zlib"]),
        recipe("harfbuzz", ["libpng"]),
        recipe("app", ["freetype", "harfbuzz"]),
    )
    order = library_closure(reg, reg.get("app"))
    assert order == ["zlib", "libpng", "freetype", "harfbuzz"]
    assert len(order) == len(set(order))


def test_closure_keeps_the_declared_order_of_independent_libraries() -> None:
    reg = registry(recipe("b"), recipe("a"), recipe("c", ["a"]), recipe("app", ["b", "c", "a"]))
    assert library_closure(reg, reg.get("app")) == ["b", "a", "c"]


def test_closure_leaves_out_unrelated_libraries() -> None:
    reg = registry(recipe("zlib"), recipe("xz"), recipe("app", ["zlib"]))
    assert library_closure(reg, reg.get("app")) == ["zlib"]


# --------------------------------------------------------------------------- install_one


def test_install_one_unpacks_and_records_the_files(tmp_path: Path) -> None:
    archive = pack(tmp_path, tmp_path / "artifacts" / "zlib.tar.xz", lib_files("zlib"))
    dest = tmp_path / "sysroot"
    files = install_one(archive, dest, "zlib")
    expected = sorted(lib_files("zlib"))
    assert files == expected  # member names of regular files, in the archive's sorted order
    assert (dest / INC / "zlib.h").read_text() == '#define ZLIB_VERSION "1.0"\n'
    assert record_of(dest, "zlib") == {"name": "zlib", "archive": "zlib.tar.xz",
                                       "files": expected}
    assert files_under(dest) == set(expected) | {f"{RECORD_DIR}/zlib.json"}


def test_reinstall_removes_what_the_new_artifact_no_longer_has(tmp_path: Path) -> None:
    dest = tmp_path / "sysroot"
    old = {**lib_files("zlib", "1.0"), f"{INC}/zlib_old.h": "/* dropped in 1.1 */\n"}
    install_one(pack(tmp_path, tmp_path / "v1" / "zlib.tar.xz", old), dest, "zlib")
    assert (dest / INC / "zlib_old.h").is_file()
    new = {**lib_files("zlib", "1.1"), f"{INC}/zlib_new.h": "/* new in 1.1 */\n"}
    files = install_one(pack(tmp_path, tmp_path / "v2" / "zlib.tar.xz", new), dest, "zlib")
    assert not (dest / INC / "zlib_old.h").exists()
    assert (dest / INC / "zlib_new.h").is_file()
    assert (dest / INC / "zlib.h").read_text() == '#define ZLIB_VERSION "1.1"\n'
    assert files == sorted(new)
    assert record_of(dest, "zlib")["files"] == sorted(new)


def test_reinstall_leaves_other_libraries_and_foreign_files_alone(tmp_path: Path) -> None:
    dest = tmp_path / "sysroot"
    install_one(pack(tmp_path, tmp_path / "a" / "zlib.tar.xz", lib_files("zlib")), dest, "zlib")
    install_one(pack(tmp_path, tmp_path / "b" / "xz.tar.xz", lib_files("xz")), dest, "xz")
    (dest / INC / "local.h").write_text("/* not installed by any artifact */\n")
    smaller = {f"{INC}/zlib.h": "/* 2.0 */\n"}
    install_one(pack(tmp_path, tmp_path / "c" / "zlib.tar.xz", smaller), dest, "zlib")
    assert not (dest / LIB / "libzlib.a").exists()
    assert not (dest / LIB / "pkgconfig" / "zlib.pc").exists()
    assert (dest / INC / "local.h").is_file()
    assert files_under(dest) == (
        set(lib_files("xz")) | set(smaller) | {f"{INC}/local.h", f"{RECORD_DIR}/zlib.json",
                                               f"{RECORD_DIR}/xz.json"}
    )
    assert record_of(dest, "xz")["files"] == sorted(lib_files("xz"))


def test_install_one_tolerates_recorded_files_that_are_already_gone(tmp_path: Path) -> None:
    dest = tmp_path / "sysroot"
    archive = pack(tmp_path, tmp_path / "artifacts" / "zlib.tar.xz", lib_files("zlib"))
    install_one(archive, dest, "zlib")
    (dest / INC / "zlib.h").unlink()  # removed by hand
    install_one(archive, dest, "zlib")
    assert (dest / INC / "zlib.h").is_file()


# --------------------------------------------------------------------------- require_artifact


def test_require_artifact_returns_the_artifact(cfg: Config, tmp_path: Path) -> None:
    path = artifact(cfg, tmp_path, "zlib", lib_files("zlib"))
    assert require_artifact(cfg.layout, "zlib", needed_by="libpng", step="sysroot") == path


def test_require_artifact_names_library_package_and_step(cfg: Config) -> None:
    expected = cfg.layout.package("zlib").library_artifact
    with pytest.raises(BuildError) as info:
        require_artifact(cfg.layout, "zlib", needed_by="libpng", step="test")
    err = info.value
    assert err.message == f"library zlib has no artifact {expected}; build it first"
    assert err.package == "libpng"
    assert err.step == "test"
    assert err.exit_code == 8
    assert err.one_line().startswith("error: [libpng test] library zlib has no artifact")


# --------------------------------------------------------------------------- assemble


@pytest.fixture
def diamond(cfg: Config) -> Registry:
    """zlib <- libpng <- freetype/harfbuzz <- app (recipes on disk), xz on its own."""
    add_library(cfg.root, "zlib")
    add_library(cfg.root, "xz")
    add_library(cfg.root, "libpng", libs=["zlib"])
    add_library(cfg.root, "freetype", libs=["libpng", "zlib"])
    add_library(cfg.root, "harfbuzz", libs=["libpng"])
    add_library(cfg.root, "app", libs=["freetype", "harfbuzz"])
    return Registry.load(cfg)


def test_assemble_installs_the_closure(cfg: Config, diamond: Registry, tmp_path: Path) -> None:
    for name in ("zlib", "xz", "libpng", "freetype", "harfbuzz"):
        artifact(cfg, tmp_path, name, lib_files(name))
    sysroot = assemble(diamond, diamond.get("app"), cfg.layout)
    assert sysroot == cfg.layout.package("app").sysroot == cfg.pkgs_dir / "app.sysroot"
    assert (sysroot / INC).is_dir()
    assert (sysroot / LIB / "pkgconfig").is_dir()
    closure = ("zlib", "libpng", "freetype", "harfbuzz")
    expected = {f for name in closure for f in lib_files(name)}
    expected |= {f"{RECORD_DIR}/{name}.json" for name in closure}
    assert files_under(sysroot) == expected  # not xz, nor app itself
    for name in closure:
        assert record_of(sysroot, name)["archive"] == f"{name}.tar.xz"


def test_assemble_starts_from_a_fresh_sysroot(cfg: Config, diamond: Registry,
                                              tmp_path: Path) -> None:
    artifact(cfg, tmp_path, "zlib", lib_files("zlib"))
    sysroot = cfg.layout.package("libpng").sysroot
    tree(sysroot, {f"{INC}/stale.h": "/* from an earlier build */\n",
                   f"{RECORD_DIR}/old.json": "{}"})
    assemble(diamond, diamond.get("libpng"), cfg.layout)
    assert files_under(sysroot) == set(lib_files("zlib")) | {f"{RECORD_DIR}/zlib.json"}


def test_assemble_of_a_package_without_libraries(cfg: Config, diamond: Registry) -> None:
    sysroot = assemble(diamond, diamond.get("zlib"), cfg.layout)
    assert (sysroot / INC).is_dir()
    assert (sysroot / LIB / "pkgconfig").is_dir()
    assert files_under(sysroot) == set()


def test_assemble_needs_every_artifact_of_the_closure(cfg: Config, diamond: Registry,
                                                      tmp_path: Path) -> None:
    for name in ("zlib", "freetype", "harfbuzz"):  # libpng is missing
        artifact(cfg, tmp_path, name, lib_files(name))
    with pytest.raises(BuildError) as info:
        assemble(diamond, diamond.get("app"), cfg.layout)
    err = info.value
    assert err.message.startswith("library libpng has no artifact ")
    assert str(cfg.layout.package("libpng").library_artifact) in err.message
    assert err.package == "app"
    assert err.step == "sysroot"


TOOLCHAIN_RECIPE = """\
from wasixtasks.recipe import Url, toolchain_package


@toolchain_package(version="1", source=Url("https://example.invalid/{name}-1.tar.gz",
                   sha256="{sha}"), libs={libs!r}, name="{name}")
def build(b: object) -> None:
    pass
"""


def test_toolchain_packages_get_an_empty_sysroot(cfg: Config, tmp_path: Path) -> None:
    write_recipe(cfg.root, "wasix-libc",
                 TOOLCHAIN_RECIPE.format(name="wasix-libc", sha=SHA, libs=[]))
    write_recipe(cfg.root, "libcxx",
                 TOOLCHAIN_RECIPE.format(name="libcxx", sha=SHA, libs=["wasix-libc"]))
    reg = Registry.load(cfg)
    assert reg.get("libcxx").kind is Kind.TOOLCHAIN
    assert reg.get("libcxx").libs == ("wasix-libc",)
    artifact(cfg, tmp_path, "wasix-libc", {"sysroot/include/stdio.h": "/* libc */\n"})
    sysroot = cfg.layout.package("libcxx").sysroot
    tree(sysroot, {"stale.txt": "old"})
    assert assemble(reg, reg.get("libcxx"), cfg.layout) == sysroot
    assert (sysroot / INC).is_dir()
    assert (sysroot / LIB / "pkgconfig").is_dir()
    assert files_under(sysroot) == set()

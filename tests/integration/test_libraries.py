"""Real builds of the C libraries with the self-built WASIX toolchain, through the CLI, and
their test programs run under Wasmer.

The project is copied into a sandbox (tests/helpers/sandbox.py) that shares the cache with
`invoke toolchain.setup`, so the toolchain (and cpython's libraries) are restored from the
artifact cache, not rebuilt. Sources come from upstream pins, their Debian backups and the
git mirror. One test patch is added to libpng in the sandbox (made with sources.prepare + a
commit + sources.export-patches) so that "touch a libpng patch" can be shown to rebuild
libpng and nothing else.
"""

from __future__ import annotations

import os
import tarfile
import uuid
from pathlib import Path

import pkgconfig
import pygit2
import pytest

from tests.helpers.sandbox import Result, clone_project, invoke, statuses

pytestmark = pytest.mark.integration

LIBS = ["zlib", "xz", "libpng", "brotli", "bzip2", "libffi", "sqlite"]
TOOLCHAIN = ["wasix-libc", "compiler-rt", "libcxx"]
#: the run's own id makes the patch unique, so the shared artifact cache cannot restore it
RUN_ID = uuid.uuid4().hex
TEST_LINE = "wasixtasks integration test line: {} (run " + RUN_ID + ")"

EXPECTED_FILES = {
    "zlib": ["usr/local/include/zlib.h", "usr/local/include/zconf.h",
             "usr/local/lib/wasm32-wasi/libz.a", "usr/local/lib/wasm32-wasi/pkgconfig/zlib.pc"],
    "xz": ["usr/local/include/lzma.h", "usr/local/include/lzma/version.h",
           "usr/local/lib/wasm32-wasi/liblzma.a", "usr/local/lib/wasm32-wasi/pkgconfig/liblzma.pc"],
    "libpng": ["usr/local/include/libpng16/png.h", "usr/local/lib/wasm32-wasi/libpng16.a",
               "usr/local/lib/wasm32-wasi/pkgconfig/libpng16.pc"],
    "brotli": ["usr/local/include/brotli/encode.h", "usr/local/include/brotli/decode.h",
               "usr/local/lib/wasm32-wasi/libbrotlienc.a", "usr/local/lib/wasm32-wasi/libbrotlidec.a",
               "usr/local/lib/wasm32-wasi/libbrotlicommon.a",
               "usr/local/lib/wasm32-wasi/pkgconfig/libbrotlidec.pc"],
    "bzip2": ["usr/local/include/bzlib.h", "usr/local/lib/wasm32-wasi/libbz2.a",
              "usr/local/lib/wasm32-wasi/pkgconfig/bzip2.pc"],
    "libffi": ["usr/local/include/ffi.h", "usr/local/lib/wasm32-wasi/libffi.a",
               "usr/local/lib/wasm32-wasi/pkgconfig/libffi.pc"],
    "sqlite": ["usr/local/include/sqlite3.h", "usr/local/lib/wasm32-wasi/libsqlite3.a",
               "usr/local/lib/wasm32-wasi/libsqlite3.so.3.53.4",
               "usr/local/lib/wasm32-wasi/pkgconfig/sqlite3.pc"],
}
PC_FILES = {
    "zlib": ["zlib.pc"],
    "xz": ["liblzma.pc"],
    "libpng": ["libpng16.pc"],
    "brotli": ["libbrotlicommon.pc", "libbrotlidec.pc", "libbrotlienc.pc"],
    "bzip2": ["bzip2.pc"],
    "libffi": ["libffi.pc"],
    "sqlite": ["sqlite3.pc"],
}


def _add_libpng_test_patch(root: Path, n: int) -> None:
    """Append a line to libpng's README in .prepared, commit it, export it as a patch."""
    r = invoke(root, "sources.prepare", "libpng")
    assert r.returncode == 0, r.output
    prepared = root / "pkgs" / "libpng.prepared"
    readme = prepared / "README"
    readme.write_text(readme.read_text() + TEST_LINE.format(n) + "\n")
    repo = pygit2.Repository(str(prepared))
    repo.index.add("README")
    repo.index.write()
    sig = pygit2.Signature("wasixtasks tests", "tests@wasixtasks.invalid", 946684800, 0)
    repo.create_commit("HEAD", sig, sig, "Mark the README (test patch)\n", repo.index.write_tree(),
                       [repo.head.target])
    r = invoke(root, "sources.export-patches", "libpng")
    assert r.returncode == 0, r.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = clone_project(tmp_path_factory.mktemp("libs") / "project")
    _add_libpng_test_patch(root, 1)
    result = invoke(root, "build.lib", ",".join(LIBS), "-j", "2")
    return root, result


def _members(root: Path, name: str) -> list[tarfile.TarInfo]:
    with tarfile.open(root / "artifacts" / f"{name}.tar.xz") as tf:
        return tf.getmembers()



def test_the_libraries_build_with_the_toolchain_first(built: tuple[Path, Result]) -> None:
    root, result = built
    assert result.returncode == 0, result.output
    status = statuses(result.output)
    # and icu, which sqlite links (built once by toolchain.setup: CPython links sqlite)
    assert set(status) == {*LIBS, *TOOLCHAIN, "icu"}
    # libpng carries a sandbox-only patch: it is built here; the rest may come from the cache
    assert status["libpng"] == "built"
    assert all(s in ("built", "restored") for s in status.values()), status
    for name in LIBS:
        assert (root / "artifacts" / f"{name}.tar.xz").is_file()
        assert (root / "pkgs" / f"{name}.stamp").is_file()
    assert not list((root / "pkgs").glob("*.partial*"))
    assert not list((root / "artifacts").glob(".*partial*"))


def test_substitutes_of_the_pinned_file_are_announced(built: tuple[Path, Result]) -> None:
    root, result = built
    # libpng is built here (the others may be restored): its source is Debian's orig
    assert "source: Debian libpng1.6" in result.output
    fetched = invoke(root, "sources.fetch", "zlib,brotli,xz")
    assert fetched.returncode == 0, fetched.output
    for name in ("zlib", "brotli"):
        assert f"[{name}] WARNING: SOURCE SUBSTITUTE: Debian's" in fetched.output
    # xz's Debian orig is the pinned file itself (from the cache or Debian): no substitute
    assert "[xz] WARNING" not in fetched.output
    assert "[xz] source ready" in fetched.output


@pytest.mark.parametrize("name", LIBS)
def test_artifact_holds_the_library_in_the_seed_layout(built: tuple[Path, Result], name: str) -> None:
    root, _ = built
    members = _members(root, name)
    files = {m.name for m in members if m.isfile()}
    for expected in EXPECTED_FILES[name]:
        assert expected in files, sorted(files)
    assert all(m.name.startswith("usr/local") or m.name == "usr" for m in members)
    # deterministic packing: fixed time and owner, sorted members
    assert {m.mtime for m in members} == {946684800}
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
    assert [m.name for m in members] == sorted(m.name for m in members)
    assert not [f for f in files if f.endswith(".la")]


def test_sqlite_ships_the_shared_object_by_its_soname(built: tuple[Path, Result]) -> None:
    """libsqlite3.so.0 (what CPython's _sqlite3 and apsw link) is a link to the versioned
    file; no unversioned libsqlite3.so, so `-lsqlite3` takes the static archive."""
    root, _ = built
    members = {m.name: m for m in _members(root, "sqlite")}
    link = members["usr/local/lib/wasm32-wasi/libsqlite3.so.0"]
    assert link.issym() and link.linkname == "libsqlite3.so.3.53.4"
    assert "usr/local/lib/wasm32-wasi/libsqlite3.so" not in members


@pytest.mark.parametrize("name", LIBS)
def test_static_archives_hold_wasm_objects(built: tuple[Path, Result], name: str) -> None:
    root, _ = built
    with tarfile.open(root / "artifacts" / f"{name}.tar.xz") as tf:
        archives = [m for m in tf.getmembers() if m.name.endswith(".a")]
        assert archives
        for member in archives:
            data = tf.extractfile(member).read()  # type: ignore[union-attr]
            assert data.startswith(b"!<arch>\n")
            assert b"\x00asm\x01\x00\x00\x00" in data, f"{member.name} holds no wasm object"


@pytest.mark.parametrize("name", LIBS)
def test_pc_files_follow_the_seed_convention(built: tuple[Path, Result], name: str) -> None:
    root, _ = built
    with tarfile.open(root / "artifacts" / f"{name}.tar.xz") as tf:
        for pc in PC_FILES[name]:
            text = tf.extractfile(f"usr/local/lib/wasm32-wasi/pkgconfig/{pc}").read().decode()  # type: ignore[union-attr]
            lines = text.splitlines()
            assert "prefix=/usr/local" in lines
            assert "exec_prefix=${prefix}" in lines
            assert "libdir=${exec_prefix}/lib/wasm32-wasi" in lines
            assert any(line.startswith("includedir=${prefix}/include") for line in lines)
            assert str(root) not in text
            assert "/work/" not in text and "/tmp/" not in text


@pytest.mark.parametrize("name", LIBS)
def test_test_program_runs_under_wasmer(built: tuple[Path, Result], name: str) -> None:
    root, _ = built
    result = invoke(root, "test.lib", name)
    assert result.returncode == 0, result.output
    assert f"[{name}] test passed:" in result.output
    # brotli's also runs the installed `brotli` program (test.lib maps bin/ into the sandbox)
    expect = {"libffi": "ffi_call OK", "sqlite": "query OK",
              "brotli": "the brotli program agrees, roundtrip OK"}.get(name, "roundtrip OK")
    assert expect in result.output


def test_install_libs_makes_a_sysroot_pkg_config_can_use(
    built: tuple[Path, Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = built
    dest = tmp_path / "sysroot"
    result = invoke(root, "install.libs", "--name", "libpng", "--dest", str(dest))
    assert result.returncode == 0, result.output
    # libpng's declared library came along
    assert (dest / "usr/local/lib/wasm32-wasi/libz.a").is_file()
    assert (dest / "usr/local/lib/wasm32-wasi/libpng16.a").is_file()
    monkeypatch.setenv("PKG_CONFIG_SYSROOT_DIR", str(dest))
    monkeypatch.setenv("PKG_CONFIG_LIBDIR", str(dest / "usr/local/lib/wasm32-wasi/pkgconfig"))
    monkeypatch.delenv("PKG_CONFIG_PATH", raising=False)
    assert pkgconfig.exists("libpng16")
    cflags = pkgconfig.cflags("libpng16").split()
    assert f"-I{dest}/usr/local/include/libpng16" in cflags
    assert all(flag.startswith(f"-I{dest}/usr/local/include") for flag in cflags)
    libs = pkgconfig.libs("libpng16", static=True).split()
    assert f"-L{dest}/usr/local/lib/wasm32-wasi" in libs
    assert "-lpng16" in libs and "-lz" in libs


def test_second_run_rebuilds_nothing_and_says_so(built: tuple[Path, Result]) -> None:
    root, _ = built
    result = invoke(root, "build.lib", ",".join(LIBS))
    assert result.returncode == 0, result.output
    assert "0 built, 0 restored, 11 up to date" in result.output
    assert "nothing to do: all 11 package(s) are up to date" in result.output
    assert "building" not in result.output


def test_touching_a_libpng_patch_rebuilds_libpng_only(built: tuple[Path, Result]) -> None:
    root, _ = built
    patch = next((root / "patches").glob("libpng-0001-*.patch"))
    text = patch.read_text()
    assert TEST_LINE.format(1) in text
    patch.write_text(text.replace(TEST_LINE.format(1), TEST_LINE.format(2)))
    before = {n: (root / "artifacts" / f"{n}.tar.xz").stat().st_mtime_ns for n in LIBS}
    result = invoke(root, "build.lib", ",".join(LIBS))
    assert result.returncode == 0, result.output
    assert "1 built, 0 restored, 10 up to date" in result.output
    status = statuses(result.output)
    assert status["libpng"] == "built"
    for name in ("zlib", "xz", "brotli"):
        assert status[name] == "up to date"
        assert (root / "artifacts" / f"{name}.tar.xz").stat().st_mtime_ns == before[name]
    readme = (root / "pkgs" / "libpng.build" / "README").read_text()
    assert TEST_LINE.format(2) in readme and TEST_LINE.format(1) not in readme
    assert os.path.exists(root / "pkgs" / "libpng.prepared")

"""Tests of wasixtasks.toolchain.rust (the lock's stand-ins, pyo3's configuration, the
side-module link of a Rust cdylib), of the link driver cargo calls
(wasixtasks.toolchain.rustlink) and of the crate tables of wasixtasks.stages.rust. The rustc
arguments are the shape rustc 1.95.0 gave for pydantic-core's link (README, "Rust
packages")."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from wasixtasks.recipe import Debian, DebPackage, Resource
from wasixtasks.stages.rust import debian_crates, vendored_crates
from wasixtasks.toolchain.rustlink import expand_response_files
from wasixtasks.toolchain.rustlink import main as link_main
from wasixtasks.toolchain.rust import (
    CODEGEN_FLAGS,
    TARGET,
    LockedCrate,
    StandIn,
    drop_file_checksums,
    encoded_rustflags,
    locked_registry_crates,
    missing_crates,
    pyo3_config,
    requested_features,
    side_module_link,
)

#: a registry source as a lock writes it (the host is a stand-in)
REGISTRY = 'source = "registry+https://index.invalid/"'


def lock_entry(name: str, version: str, checksum: str | None = None,
               deps: tuple[str, ...] = ()) -> str:
    """One [[package]] of a Cargo.lock (no checksum: a path crate, no source either)."""
    lines = ["[[package]]", f'name = "{name}"', f'version = "{version}"']
    if checksum is not None:
        lines += [REGISTRY, f'checksum = "{checksum}"']
    if deps:
        lines.append("dependencies = [" + ", ".join(f'"{d}"' for d in deps) + "]")
    return "\n".join(lines) + "\n"


LOCK = "version = 4\n\n" + "\n".join([
    lock_entry("std", "0.0.0", deps=("dlmalloc", "libc")),
    lock_entry("dlmalloc", "0.2.11", "aaaa", ("cfg-if", "windows-sys 0.60.2")),
    lock_entry("libc", "0.2.178", "bbbb"),
    lock_entry("windows-sys", "0.60.2", "cccc", ("windows-targets",)),
    lock_entry("uuid", "1.11.0", "Could not get crate checksum"),
])


def test_the_registry_crates_of_a_lock() -> None:
    crates = locked_registry_crates(LOCK)
    assert [c.folder for c in crates] == ["dlmalloc-0.2.11", "libc-0.2.178", "windows-sys-0.60.2",
                                          "uuid-1.11.0"]
    assert crates[0] == LockedCrate("dlmalloc", "0.2.11", "aaaa", ("cfg-if", "windows-sys 0.60.2"))
    # Debian's placeholder is no checksum
    assert crates[3].checksum is None


def test_missing_crates_are_those_the_source_lacks() -> None:
    present = ["dlmalloc-0.2.11", "libc-0.2.178", "uuid-1.11.0", "libc-0.2.180"]
    assert [c.folder for c in missing_crates(LOCK, present)] == ["windows-sys-0.60.2"]


def test_requested_features_come_from_every_dependency_table() -> None:
    manifests = [
        {"target": {"cfg(windows)": {"dependencies": {"windows-sys": {
            "version": "0.60", "features": ["Win32_Foundation"]}}}}},
        {"dependencies": {"windows-sys": {"version": "0.60", "features": ["Win32_System"]},
                          "libc": "0.2"}},
        {"dev-dependencies": [{"windows-sys": {"features": ["ignored: not a table"]}}]},
    ]
    wanted = requested_features(manifests, ["windows-sys", "rand_core"])
    assert wanted == {"windows-sys": {"Win32_Foundation", "Win32_System", "ignored: not a table"},
                      "rand_core": set()}


def test_a_stand_in_satisfies_the_lock(tmp_path: Path) -> None:
    crate = missing_crates(LOCK, [])[2]
    folder = StandIn(crate, frozenset({"Win32_Foundation"})).write(tmp_path)
    assert folder == tmp_path / "windows-sys-0.60.2"
    manifest = tomllib.loads((folder / "Cargo.toml").read_text())
    assert manifest["package"] == {"name": "windows-sys", "version": "0.60.2", "edition": "2021"}
    assert manifest["features"] == {"Win32_Foundation": []}
    # the lock's dependency entries, under a cfg that no target matches
    assert manifest["target"]["cfg(any())"]["dependencies"] == {
        "windows-targets": {"version": "*"}}
    assert json.loads((folder / ".cargo-checksum.json").read_text()) == {
        "files": {}, "package": "cccc"}
    assert (folder / "src/lib.rs").read_text().startswith("#![no_std]")
    pinned = StandIn(missing_crates(LOCK, [])[0]).manifest()
    assert tomllib.loads(pinned)["target"]["cfg(any())"]["dependencies"]["windows-sys"] == {
        "version": "=0.60.2"}


def test_pyo3_config() -> None:
    cfg = dict(line.split("=", 1) for line in pyo3_config("3.13").splitlines())
    assert cfg["version"] == "3.13" and cfg["pointer_width"] == "32"
    assert cfg["shared"] == "true" and cfg["lib_name"] == "python3.13"
    assert "ext_suffix" not in cfg and cfg["abi3"] == "false"
    assert "abi3=true" in pyo3_config("3.13", abi3=True).splitlines()
    with pytest.raises(ValueError, match="not a Python version"):
        pyo3_config("three")
    # maturin packs the module under the target's suffix
    with_suffix = pyo3_config("3.13", ext_suffix=".cpython-313-wasm32-wasi.so").splitlines()
    assert with_suffix[-1] == "ext_suffix=.cpython-313-wasm32-wasi.so"


def test_file_checksums_of_a_directory_source_are_dropped(tmp_path: Path) -> None:
    for name, files in (("libc-0.2.178", {"src/lib.rs": "ab" * 32}), ("cfg-if-1.0.4", {})):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".cargo-checksum.json").write_text(
            json.dumps({"files": files, "package": "cd" * 32}))
    assert drop_file_checksums(tmp_path) == ["libc-0.2.178"]
    assert json.loads((tmp_path / "libc-0.2.178/.cargo-checksum.json").read_text()) == {
        "files": {}, "package": "cd" * 32}  # the lock still compares the package's
    assert drop_file_checksums(tmp_path) == []


def test_debian_crate_table() -> None:
    sha = "e" * 64
    table = f"""
    # package version arch sha256 folders
    librust-radium-dev  1.1.0-1    all   {sha} radium-1.1.0
    librust-pyo3-dev    0.22.6-3   amd64 {sha} pyo3-0.22.6 pyo3-0.22.6-extra
    """
    first, second = debian_crates(table, suites=("trixie",))
    assert first == Resource(DebPackage("librust-radium-dev", "1.1.0-1", sha, arch="all",
                                        suites=("trixie",),
                                        subdirs=("usr/share/cargo/registry/radium-1.1.0",)),
                             "crates")
    assert isinstance(second.source, DebPackage) and second.source.arch == "amd64"
    assert [s.rsplit("/", 1)[1] for s in second.source.subdirs] == [
        "pyo3-0.22.6", "pyo3-0.22.6-extra"]
    with pytest.raises(ValueError, match="crate line needs"):
        debian_crates(f"librust-x-dev 1.0-1 all {sha}")
    rustc = Debian("rustc", "1.85.1+dfsg1-1", sha, suites=("trixie",))
    vendored = vendored_crates(rustc, ["uuid-1.11.0"])
    assert vendored.source == replace(rustc, subdirs=("vendor/uuid-1.11.0",))
    assert vendored.dest == "crates"


def test_the_link_driver_reads_response_files(tmp_path: Path) -> None:
    rsp = tmp_path / "linker-arguments"
    rsp.write_text("-o\nout.wasm\nlib.rlib\n")
    assert expand_response_files(["-flavor", "wasm", f"@{rsp}", "--gc-sections"]) == [
        "-flavor", "wasm", "-o", "out.wasm", "lib.rlib", "--gc-sections"]
    # an @ argument that names no file is an argument
    assert expand_response_files(["@nowhere"]) == ["@nowhere"]


def test_the_link_driver_fails_for_rustc_with_a_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # no -o: nothing to link (no process is started); rustc shows our message
    assert link_main(["wasix-cc"], str(tmp_path / "x.log"), "x", ["lib.rlib"]) == 1
    assert "wasixtasks rust-link: rustc's link has no -o" in capsys.readouterr().err


def test_encoded_rustflags_keep_each_flag_whole() -> None:
    flags = ["--sysroot=/a b/sysroot", *CODEGEN_FLAGS]
    assert encoded_rustflags(flags).split("\x1f") == flags
    assert TARGET == "wasm32-wasip1-threads"


RUSTC_LINK = [
    "-flavor", "wasm", "--export", "PyInit__pydantic_core", "-z", "stack-size=1048576",
    "--stack-first", "--allow-undefined", "--no-demangle", "--import-memory", "--export-memory",
    "--shared-memory", "--max-memory=1073741824", "t/deps/a.o", "t/deps/b.o",
    "/s/lib/rustlib/wasm32-wasip1-threads/lib/libpanic_abort-1.rlib", "t/deps/libpyo3-2.rlib",
    "-L", "/native", "-Lnative=/other", "-l", "c", "-lm", "-l", "sqlite3", "-lzstd",
    "/s/lib/rustlib/wasm32-wasip1-threads/lib/libcore-3.rlib", "-o", "t/_pydantic_core.wasm",
    "--gc-sections", "--no-entry", "-O3", "--strip-debug", "--export=extra",
]


def test_rustc_link_becomes_a_side_module_link() -> None:
    out, args = side_module_link(RUSTC_LINK)
    assert out == "t/_pydantic_core.wasm"
    assert args == [
        "-o", "t/_pydantic_core.wasm", "t/deps/a.o", "t/deps/b.o",
        "/s/lib/rustlib/wasm32-wasip1-threads/lib/libpanic_abort-1.rlib",
        "t/deps/libpyo3-2.rlib", "/s/lib/rustlib/wasm32-wasip1-threads/lib/libcore-3.rlib",
        "-Wl,--export=PyInit__pydantic_core", "-L", "/native", "-Lnative=/other",
        # libc and libm come from the interpreter; other libraries stay
        "-lsqlite3", "-lzstd", "-Wl,--gc-sections", "-Wl,--export=extra",
        # its own copies of what it links, never the interpreter's; exported: rustc's list
        "-Wl,-Bsymbolic", "-Wl,--no-export-dynamic",
    ]


def test_a_link_without_output_is_refused() -> None:
    with pytest.raises(ValueError, match="no -o"):
        side_module_link(["a.o", "-lc"])

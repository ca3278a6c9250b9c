"""Tests of wasixtasks.scheduler: stamps, rebuilding exactly what changed, parallel jobs,
keep-going and the summary. The packages are tiny host-only libraries (a Makefile run by the
host's make) built with the FAKE toolchain of tests/helpers/project.py."""

from __future__ import annotations

import io
import json
import lzma
import sys
import tarfile
from pathlib import Path

import pytest

from tests.helpers.project import (
    add_library,
    install_fake_toolchain,
    library_files,
    leftovers,
    patch_text,
    write_patch,
)
from wasixtasks.config import Config
from wasixtasks.errors import BuildsFailed, ToolchainError
from wasixtasks.registry import Registry
from wasixtasks.scheduler import (
    Outcome,
    input_hashes,
    raise_if_failed,
    read_stamp,
    run_graph,
    stamp_path,
    summary,
)
from wasixtasks.toolchain import Toolchain, standin_toolchain

FAILING_MAKEFILE = (
    "install:\n"
    "\t@echo 'broken.c:3:1: error: expected declaration specifiers' >&2\n"
    "\t@exit 1\n"
)


def build(cfg: Config, names: list[str], **kwargs: object) -> dict[str, Outcome]:
    registry = Registry.load(cfg)
    outcomes = run_graph(registry, cfg, standin_toolchain(cfg), names, quiet=True, **kwargs)  # type: ignore[arg-type]
    return {o.name: o for o in outcomes}


def statuses(outcomes: dict[str, Outcome]) -> dict[str, str]:
    return {name: o.status for name, o in outcomes.items()}


def members(artifact: Path) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(artifact.read_bytes()))) as tf:
        return {
            m.name: tf.extractfile(m).read()  # type: ignore[union-attr]
            for m in tf.getmembers() if m.isfile()
        }


@pytest.fixture
def chain(cfg: Config) -> Config:
    """base <- mid <- top, and `lone` on its own."""
    add_library(cfg.root, "base")
    add_library(cfg.root, "mid", libs=["base"])
    add_library(cfg.root, "top", libs=["mid"])
    add_library(cfg.root, "lone")
    return cfg


def test_first_build_then_up_to_date(chain: Config) -> None:
    first = build(chain, ["top"])
    assert list(first) == ["base", "mid", "top"]  # dependencies first, `lone` not requested
    assert set(statuses(first).values()) == {"built"}
    artifact = chain.artifacts_dir / "top.tar.xz"
    assert first["top"].artifact == artifact
    assert members(artifact)["usr/local/include/top.h"] == b'#define TOP_VERSION "1.0"\n'
    stamp = read_stamp(chain, "top")
    assert stamp is not None and stamp["artifact"] == "artifacts/top.tar.xz"
    assert (chain.pkgs_dir / "top.lib" / "usr/local/include/top.h").is_file()
    assert leftovers(chain.root) == []

    second = build(chain, ["top"])
    assert statuses(second) == {"base": "up to date", "mid": "up to date", "top": "up to date"}
    assert not (chain.pkgs_dir / "lone.stamp").exists()


def test_each_package_sees_only_its_declared_libraries(chain: Config) -> None:
    build(chain, ["top", "lone"])
    sysroot = chain.pkgs_dir / "top.sysroot" / "usr/local/include"
    # top links mid, which links base: both are there, `lone` is not
    assert sorted(p.name for p in sysroot.iterdir()) == ["base.h", "mid.h"]
    assert sorted(p.name for p in (chain.pkgs_dir / "lone.sysroot/usr/local/include").iterdir()) == []


def test_changing_one_patch_rebuilds_it_and_its_dependents_only(chain: Config) -> None:
    patch = write_patch(chain.root, "mid-0001-version.patch", patch_text(
        "mid.h", '#define MID_VERSION "1.0"', '#define MID_VERSION "1.0-wasm"'))
    build(chain, ["top", "lone"])
    assert members(chain.artifacts_dir / "mid.tar.xz")["usr/local/include/mid.h"] == (
        b'#define MID_VERSION "1.0-wasm"\n')
    before = {n: read_stamp(chain, n) for n in ("base", "mid", "top", "lone")}

    patch.write_text(patch_text("mid.h", '#define MID_VERSION "1.0"', '#define MID_VERSION "2.0-wasm"'))
    again = build(chain, ["top", "lone"])
    assert statuses(again) == {
        "base": "up to date", "lone": "up to date", "mid": "built", "top": "built",
    }
    assert members(chain.artifacts_dir / "mid.tar.xz")["usr/local/include/mid.h"] == (
        b'#define MID_VERSION "2.0-wasm"\n')
    after = {n: read_stamp(chain, n) for n in ("base", "mid", "top", "lone")}
    assert after["base"] == before["base"] and after["lone"] == before["lone"]
    assert after["mid"] != before["mid"] and after["top"] != before["top"]


def test_recipe_change_invalidates_dependents(chain: Config) -> None:
    build(chain, ["top"])
    recipe = chain.pkgs_dir / "base.py"
    recipe.write_text(recipe.read_text() + "\n# a comment is a change too\n")
    assert statuses(build(chain, ["top"])) == {"base": "built", "mid": "built", "top": "built"}


def test_toolchain_change_invalidates_everything(chain: Config) -> None:
    registry = Registry.load(chain)
    old = input_hashes(registry, chain, standin_toolchain(chain), ["top", "lone"])
    install_fake_toolchain(chain.root, identity={"zig": "another version"})
    new = input_hashes(registry, chain, standin_toolchain(chain), ["top", "lone"])
    assert old.keys() == new.keys() == {"base", "mid", "top", "lone"}
    assert all(old[n] != new[n] for n in old)


def test_input_hashes_are_stable(chain: Config, fake_toolchain: Toolchain) -> None:
    registry = Registry.load(chain)
    first = input_hashes(registry, chain, fake_toolchain, ["top"])
    assert first == input_hashes(registry, chain, fake_toolchain, ["top"])
    assert set(first) == {"base", "mid", "top"}


def test_tampered_or_missing_artifact_is_rebuilt(chain: Config) -> None:
    build(chain, ["base"])
    artifact = chain.artifacts_dir / "base.tar.xz"
    artifact.write_bytes(artifact.read_bytes() + b"junk")
    assert statuses(build(chain, ["base"])) == {"base": "built"}
    artifact.unlink()
    assert statuses(build(chain, ["base"])) == {"base": "built"}
    assert artifact.is_file()


def test_corrupt_stamp_means_rebuild(chain: Config) -> None:
    build(chain, ["base"])
    stamp_path(chain, "base").write_text("{not json")
    assert statuses(build(chain, ["base"])) == {"base": "built"}
    assert json.loads(stamp_path(chain, "base").read_text())["artifact"] == "artifacts/base.tar.xz"


def test_force_rebuilds_only_the_named_package(chain: Config) -> None:
    build(chain, ["mid"])
    assert statuses(build(chain, ["mid"], force=["mid"])) == {"base": "up to date", "mid": "built"}


def test_two_jobs_run_independent_packages_at_once(cfg: Config, tmp_path: Path) -> None:
    # each build announces itself, then waits for the other one: with one job at a time
    # the first would wait in vain and fail
    rendezvous = tmp_path / "rendezvous"
    rendezvous.mkdir()
    wait = (
        "import pathlib, sys, time\n"
        "here = pathlib.Path(sys.argv[1])\n"
        "(here / sys.argv[2]).touch()\n"
        "deadline = time.monotonic() + 30\n"
        "while not (here / sys.argv[3]).exists():\n"
        "    if time.monotonic() > deadline:\n"
        "        sys.exit('error: the other package never started')\n"
        "    time.sleep(0.05)\n"
    )
    for me, other in (("left", "right"), ("right", "left")):
        add_library(
            cfg.root, me, imports="import sys\n",
            body=f"b.run(sys.executable, '-c', {wait!r}, {str(rendezvous)!r}, {me!r}, {other!r})\n"
                 'b.run("make", "install", f"DESTDIR={b.destdir}")',
        )
    outcomes = build(cfg, ["left", "right"], jobs=2)
    assert statuses(outcomes) == {"left": "built", "right": "built"}


def test_stop_at_first_failure(cfg: Config) -> None:
    add_library(cfg.root, "aaa", files=library_files("aaa", makefile=FAILING_MAKEFILE))
    add_library(cfg.root, "bbb", libs=["aaa"])
    add_library(cfg.root, "ccc")
    outcomes = build(cfg, ["bbb", "ccc"])
    assert statuses(outcomes) == {"aaa": "failed", "ccc": "skipped", "bbb": "skipped"}
    assert outcomes["bbb"].detail == "blocked by aaa"
    assert outcomes["ccc"].detail == "not started (stopped after a failure)"
    assert not (cfg.artifacts_dir / "ccc.tar.xz").exists()


def test_keep_going_builds_what_is_not_blocked(cfg: Config) -> None:
    add_library(cfg.root, "aaa", files=library_files("aaa", makefile=FAILING_MAKEFILE))
    add_library(cfg.root, "bbb", libs=["aaa"])
    add_library(cfg.root, "ccc")
    outcomes = build(cfg, ["bbb", "ccc"], keep_going=True)
    assert statuses(outcomes) == {"aaa": "failed", "ccc": "built", "bbb": "skipped"}
    failed = outcomes["aaa"]
    assert failed.detail == "`make` exited with 2: broken.c:3:1: error: expected declaration specifiers"
    assert failed.step == "build"
    assert failed.log == cfg.pkgs_dir / "aaa.log"
    assert outcomes["bbb"].detail == "blocked by aaa"
    assert (cfg.artifacts_dir / "ccc.tar.xz").is_file()
    # nothing of the failed package under a final name, no stamp, no temporary leftovers
    assert not (cfg.artifacts_dir / "aaa.tar.xz").exists()
    assert not (cfg.pkgs_dir / "aaa.lib").exists()
    assert not stamp_path(cfg, "aaa").exists()
    assert not stamp_path(cfg, "bbb").exists()
    assert leftovers(cfg.root) == []

    text = summary(list(outcomes.values()))
    lines = text.splitlines()
    assert lines[0].split() == ["package", "status", "time", "detail"]
    assert lines[-1] == "1 built, 0 up to date, 1 failed, 1 skipped"
    assert any(
        line.startswith("aaa ") and "failed" in line and "broken.c:3:1: error" in line
        and f"(log: {cfg.pkgs_dir / 'aaa.log'})" in line
        for line in lines
    )

    with pytest.raises(BuildsFailed) as info:
        raise_if_failed(list(outcomes.values()))
    err = info.value
    assert (err.package, err.step, err.log) == ("aaa", "build", cfg.pkgs_dir / "aaa.log")
    assert err.exit_code == 14


def test_failure_is_redone_after_the_fix(cfg: Config) -> None:
    add_library(cfg.root, "aaa", files=library_files("aaa", makefile=FAILING_MAKEFILE))
    assert statuses(build(cfg, ["aaa"])) == {"aaa": "failed"}
    add_library(cfg.root, "aaa")  # fixed tarball and pin
    assert statuses(build(cfg, ["aaa"])) == {"aaa": "built"}


def test_summary_counts_every_status() -> None:
    text = summary([
        Outcome("a", "built", 1.25),
        Outcome("b", "up to date"),
        Outcome("c", "up to date"),
        Outcome("d", "failed", log=Path("/x/d.log"), detail="boom"),
        Outcome("e", "skipped", detail="blocked by d"),
    ])
    lines = text.splitlines()
    assert lines[-1] == "1 built, 2 up to date, 1 failed, 1 skipped"
    assert lines[1].split() == ["a", "built", "1.2s"] or lines[1].split() == ["a", "built", "1.3s"]
    assert lines[4].endswith("boom (log: /x/d.log)")
    assert lines[5].endswith("blocked by d")


def test_unusable_toolchain_stops_before_anything_runs(cfg: Config) -> None:
    add_library(cfg.root, "aaa")
    (cfg.toolchain_dir / "manifest.json").unlink()
    registry = Registry.load(cfg)
    tc: Toolchain = standin_toolchain(cfg)
    with pytest.raises(ToolchainError, match="not usable"):
        run_graph(registry, cfg, tc, ["aaa"], quiet=True)
    assert not (cfg.pkgs_dir / "aaa.log").exists()


def test_python_of_this_process_runs_recipes(cfg: Config) -> None:
    # recipes may run the current interpreter for helper scripts (sys.executable)
    add_library(
        cfg.root, "py", imports="import sys\n",
        body="b.run(sys.executable, '-c', 'print(42)')\n"
             'b.run("make", "install", f"DESTDIR={b.destdir}")',
    )
    assert statuses(build(cfg, ["py"])) == {"py": "built"}
    assert "42" in (cfg.pkgs_dir / "py.log").read_text()
    assert sys.executable in (cfg.pkgs_dir / "py.log").read_text()

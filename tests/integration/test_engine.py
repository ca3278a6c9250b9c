"""The build engine end to end, with real builds: tiny libraries whose recipes run the host's
``make install`` (tests/helpers/project.py), built through
``wasixtasks.commands.build.build`` (and once through the CLI, in a subprocess).

What is shown: a first build, then nothing to do; an edited recipe rebuilds that package and
its dependents only; an edited patch rebuilds its package only; ``force``; a failure with
and without keep-going (skips, stamps, no leftovers, the failing step and log in the error);
``-j 2`` running independent packages at the same time; the shared artifact cache serving a
second checkout; and an edited stage helper rebuilding exactly the packages that used it.

These projects have no toolchain packages: their compiler root is drivers over zig without a
sysroot, and no recipe here runs ``$CC``."""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import wasixtasks
from tests.helpers.project import (
    INSTALL_RULES,
    add_library,
    engine_of,
    leftovers,
    library_files,
    make_project,
    patch_text,
    write_patch,
)
from wasixtasks.commands.build import build
from wasixtasks.config import Config, load_config
from wasixtasks.errors import BuildsFailed
from wasixtasks.pipelines import stamps
from wasixtasks.scheduler import Outcome, Status

pytestmark = pytest.mark.integration

BUILT, RESTORED, UP_TO_DATE = Status.BUILT, Status.RESTORED, Status.UP_TO_DATE
FAILED, SKIPPED = Status.FAILED, Status.SKIPPED


def status_of(outcomes: list[Outcome]) -> dict[str, Status]:
    return {o.name: o.status for o in outcomes}


def run(cfg: Config, names: list[str], **options: bool | int) -> dict[str, Status]:
    """Build ``names`` with the recipes as they are on disk now; the statuses."""
    return status_of(build(engine_of(cfg), names, quiet=True, **options))  # type: ignore[arg-type]


def summary_statuses(output: str) -> dict[str, str]:
    """The statuses of the closing summary table printed by a build."""
    lines = output.splitlines()
    start = max(i for i, line in enumerate(lines) if re.match(r"^package +status +time +detail$", line))
    found: dict[str, str] = {}
    for line in lines[start + 1:]:
        m = re.match(r"^(\S+) {2,}(built|restored|up to date|failed|skipped)\b", line)
        if not m:
            break
        found[m.group(1)] = m.group(2)
    return found


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(archive.read_bytes()))) as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}  # type: ignore[union-attr]


@pytest.fixture
def chain(cfg: Config) -> Config:
    """base <- mid <- top, and `lone` on its own."""
    add_library(cfg.root, "base")
    add_library(cfg.root, "mid", libs=["base"])
    add_library(cfg.root, "top", libs=["mid"])
    add_library(cfg.root, "lone")
    return cfg


ALL = ["base", "lone", "mid", "top"]


# --------------------------------------------------------------------------- incremental builds


def test_first_build_then_up_to_date(chain: Config, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = build(engine_of(chain), ["top"])
    assert [(o.name, o.status) for o in outcomes] == [("base", BUILT), ("mid", BUILT), ("top", BUILT)]
    top = chain.artifacts_dir / "top.tar.xz"
    assert outcomes[-1].artifact == top
    assert members(top)["usr/local/include/top.h"] == b'#define TOP_VERSION "1.0"\n'
    # top was built against a sysroot of exactly what it declares (and what that needs)
    sysroot = chain.layout.package("top").sysroot / "usr" / "local" / "include"
    assert sorted(p.name for p in sysroot.iterdir()) == ["base.h", "mid.h"]
    for name in ("base", "mid", "top"):
        stamp = stamps.read_stamp(chain.layout.package(name).stamp)
        assert stamp is not None and stamp.artifact == f"artifacts/{name}.tar.xz"
    assert not (chain.layout.package("lone").stamp).exists()  # not asked for
    assert leftovers(chain.root) == []
    out = capsys.readouterr().out
    assert summary_statuses(out) == {"base": "built", "mid": "built", "top": "built"}
    assert "3 built, 0 restored, 0 up to date, 0 failed, 0 skipped" in out

    before = top.stat().st_mtime_ns
    again = build(engine_of(chain), ["top"])
    assert status_of(again) == {"base": UP_TO_DATE, "mid": UP_TO_DATE, "top": UP_TO_DATE}
    assert "nothing to do: all 3 package(s) are up to date" in capsys.readouterr().out
    assert top.stat().st_mtime_ns == before  # not even rewritten


def test_editing_a_recipe_rebuilds_it_and_its_dependents_only(chain: Config) -> None:
    assert set(run(chain, ALL).values()) == {BUILT}
    recipe = chain.pkgs_dir / "mid.py"
    original = recipe.read_text()
    recipe.write_text(original + "# a comment is an edit\n")
    assert run(chain, ALL) == {"base": UP_TO_DATE, "lone": UP_TO_DATE, "mid": BUILT, "top": BUILT}
    assert run(chain, ALL) == dict.fromkeys(ALL, UP_TO_DATE)
    # back to what it was: both come back from the artifact cache, nothing is built
    recipe.write_text(original)
    assert run(chain, ALL) == {"base": UP_TO_DATE, "lone": UP_TO_DATE, "mid": RESTORED,
                               "top": RESTORED}


def test_editing_a_patch_rebuilds_only_its_package(chain: Config) -> None:
    old = '#define TOP_VERSION "1.0"'
    patch = write_patch(chain.root, "top-0001-mark.patch",
                        patch_text("top.h", old, '#define TOP_VERSION "1.0-wasix"'))
    assert set(run(chain, ALL).values()) == {BUILT}
    top = chain.artifacts_dir / "top.tar.xz"
    assert members(top)["usr/local/include/top.h"] == b'#define TOP_VERSION "1.0-wasix"\n'
    patch.write_text(patch_text("top.h", old, '#define TOP_VERSION "1.0-wasix2"'))
    assert run(chain, ALL) == {"base": UP_TO_DATE, "lone": UP_TO_DATE, "mid": UP_TO_DATE,
                               "top": BUILT}
    assert members(top)["usr/local/include/top.h"] == b'#define TOP_VERSION "1.0-wasix2"\n'


def test_force_rebuilds_the_named_packages_only(chain: Config) -> None:
    run(chain, ["mid"])
    stamp = chain.layout.package("mid").stamp
    assert run(chain, ["mid"], force=True) == {"base": UP_TO_DATE, "mid": BUILT}
    assert stamp.is_file()
    assert run(chain, ["mid"]) == {"base": UP_TO_DATE, "mid": UP_TO_DATE}


# --------------------------------------------------------------------------- failures

ERROR_LINE = "bad.c:3:1: error: this library does not build for wasm"
FAILING_MAKEFILE = f"install:\n\t@echo '{ERROR_LINE}' >&2\n\t@exit 3\n"


@pytest.fixture
def broken(cfg: Config) -> Config:
    """base <- bad <- after, and `lone`; bad's make install fails."""
    add_library(cfg.root, "base")
    add_library(cfg.root, "bad", libs=["base"],
                files=library_files("bad", makefile=FAILING_MAKEFILE))
    add_library(cfg.root, "after", libs=["bad"])
    add_library(cfg.root, "lone")
    return cfg


def check_failure(cfg: Config, err: BuildsFailed) -> None:
    log = cfg.layout.package("bad").log
    assert err.package == "bad"
    assert err.step == "build"
    assert err.log == log
    assert err.exit_code == 14
    assert err.message == f"1 package(s) failed: `make` exited with 2: {ERROR_LINE}"
    assert err.one_line() == f"error: [bad build] {err.message} (log: {log})"
    text = log.read_text()
    assert "=== [bad] step build ===" in text
    assert ERROR_LINE in text
    # the failure's own line is in the log too, then how long the failed step ran
    tail = text.rstrip().splitlines()[-2:]
    assert tail[0] == f"error: [bad build] `make` exited with 2: {ERROR_LINE} (log: {log})"
    assert re.fullmatch(r"=== \[bad\] step build took \d+\.\ds ===", tail[1])
    # nothing half-made: no stamp, no install tree, no artifact, no *.partial anywhere
    bad = cfg.layout.package("bad")
    assert not bad.stamp.exists() and not bad.lib.exists() and not bad.library_artifact.exists()
    assert leftovers(cfg.root) == []
    assert stamps.read_stamp(cfg.layout.package("base").stamp) is not None


def test_a_failure_stops_the_run(broken: Config, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(BuildsFailed) as info:
        build(engine_of(broken), ["after", "lone"])
    check_failure(broken, info.value)
    out = capsys.readouterr().out
    assert summary_statuses(out) == {"base": "built", "bad": "failed", "after": "skipped",
                                     "lone": "skipped"}
    assert re.search(r"^after +skipped +blocked by bad$", out, re.M)
    assert re.search(r"^lone +skipped +not started \(stopped after a failure\)$", out, re.M)
    assert not broken.layout.package("lone").stamp.exists()
    assert not broken.layout.package("after").log.exists()  # never started


def test_keep_going_builds_everything_not_blocked(broken: Config, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(BuildsFailed) as info:
        build(engine_of(broken), ["after", "lone"], keep_going=True)
    check_failure(broken, info.value)
    out = capsys.readouterr().out
    assert summary_statuses(out) == {"base": "built", "bad": "failed", "after": "skipped",
                                     "lone": "built"}
    assert "2 built, 0 restored, 0 up to date, 1 failed, 1 skipped" in out
    assert stamps.read_stamp(broken.layout.package("lone").stamp) is not None

    # fixed: the failed package and what waited for it are built, the rest is up to date
    add_library(broken.root, "bad", libs=["base"])
    assert run(broken, ["after", "lone"]) == {"base": UP_TO_DATE, "bad": BUILT, "after": BUILT,
                                             "lone": UP_TO_DATE}


# --------------------------------------------------------------------------- parallel builds


def waiting_makefile(me: str, other: str, markers: Path) -> str:
    """make install that says it started, then waits (up to 20 s) for ``other`` to start:
    it only succeeds when both builds run at the same time."""
    return (
        "install:\n"
        f"\ttouch {markers}/{me}.started\n"
        f"\tfor i in $$(seq 1 400); do test -e {markers}/{other}.started && break; sleep 0.05; done\n"
        f"\ttest -e {markers}/{other}.started\n"
        + INSTALL_RULES.format(name=me)
    )


def test_two_jobs_build_independent_packages_at_the_same_time(cfg: Config, tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    for me, other in (("left", "right"), ("right", "left")):
        add_library(cfg.root, me, files=library_files(me, makefile=waiting_makefile(me, other, markers)))
    add_library(cfg.root, "both", libs=["left", "right"])
    assert run(cfg, ["both"], jobs=2) == {"left": BUILT, "right": BUILT, "both": BUILT}
    assert sorted(p.name for p in markers.iterdir()) == ["left.started", "right.started"]
    assert leftovers(cfg.root) == []


# --------------------------------------------------------------------------- artifact cache


def share_cache(root: Path, cache: Path) -> None:
    (root / "wasixtasks.local.toml").write_text(f'cache-dir = "{cache}"\n')


def test_a_second_checkout_restores_from_the_shared_cache(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "shared-cache"
    one = make_project(tmp_path / "one")
    share_cache(one, cache)
    add_library(one, "base")
    add_library(one, "mid", libs=["base"])
    cfg_one = load_config(one)
    assert cfg_one.cache_dir == cache
    assert run(cfg_one, ["mid"]) == {"base": BUILT, "mid": BUILT}

    # another checkout: the same recipe files and sources, the same cache
    two = make_project(tmp_path / "two")
    share_cache(two, cache)
    for path in (one / "pkgs").glob("*.py"):
        shutil.copy2(path, two / "pkgs" / path.name)
    for path in (one / "mirror").iterdir():
        shutil.copy2(path, two / "mirror" / path.name)
    cfg_two = load_config(two)
    assert run(cfg_two, ["mid"]) == {"base": RESTORED, "mid": RESTORED}
    for name in ("base", "mid"):
        mine = cfg_two.layout.package(name)
        assert mine.library_artifact.read_bytes() == cfg_one.layout.package(name).library_artifact.read_bytes()
        assert not mine.build.exists() and not mine.source.exists()  # nothing was built here
        stamp = stamps.read_stamp(mine.stamp)
        assert stamp is not None and stamp.artifact == f"artifacts/{name}.tar.xz"
    assert run(cfg_two, ["mid"]) == {"base": UP_TO_DATE, "mid": UP_TO_DATE}


# --------------------------------------------------------------------------- stage helpers

#: The CLI from whatever ``wasixtasks`` is first on sys.path (the sandbox copy here).
CLI = (
    "import sys, wasixtasks\n"
    "print('wasixtasks imported from', wasixtasks.__file__, flush=True)\n"
    "from invoke import Program\n"
    "from wasixtasks.tasks import namespace\n"
    "Program(namespace=namespace(), name='invoke', binary='invoke').run(['invoke', *sys.argv[1:]])\n"
)


def cli(root: Path, sandbox: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WASIXTASKS_") and k not in ("WASIX_SYSROOT", "WASIX_PYTHON")}
    env["PYTHONPATH"] = str(sandbox)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, "-c", CLI, *args], cwd=root, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    assert proc.returncode == 0, proc.stdout
    assert f"wasixtasks imported from {sandbox / 'wasixtasks' / '__init__.py'}" in proc.stdout
    return proc.stdout


def test_editing_a_stage_helper_rebuilds_exactly_the_packages_that_use_it(cfg: Config,
                                                                          tmp_path: Path) -> None:
    sandbox = tmp_path / "sandbox"
    shutil.copytree(Path(wasixtasks.__file__).parent, sandbox / "wasixtasks",
                    ignore=shutil.ignore_patterns("__pycache__"))
    add_library(cfg.root, "maker", body="b.make_install()")  # wasixtasks.stages.make
    add_library(cfg.root, "installer", body=(  # wasixtasks.stages.install
        'b.run("make", "install", f"DESTDIR={b.destdir}")\n'
        'b.install("installer.h", b.includedir + "/installer-copy.h")\n'))
    add_library(cfg.root, "runner")  # b.run only: no stage helper

    first = cli(cfg.root, sandbox, "build.all")
    assert summary_statuses(first) == {"installer": "built", "maker": "built", "runner": "built"}
    logic = {n: stamps.read_stamp(cfg.layout.package(n).stamp) for n in ("maker", "installer", "runner")}
    assert {n: sorted(s.logic) for n, s in logic.items() if s is not None} == {
        "maker": ["wasixtasks.stages.make"],
        "installer": ["wasixtasks.stages.install"],
        "runner": [],
    }
    assert "usr/local/include/installer-copy.h" in members(cfg.artifacts_dir / "installer.tar.xz")

    helper = sandbox / "wasixtasks" / "stages" / "install.py"
    helper.write_text(helper.read_text() + "# a harmless comment: still an edit of the helper\n")
    second = cli(cfg.root, sandbox, "build.all")
    assert summary_statuses(second) == {"installer": "built", "maker": "up to date",
                                        "runner": "up to date"}
    assert "1 built, 0 restored, 2 up to date, 0 failed, 0 skipped" in second
    # the new stamp records the edited copy's helper, which the installed package does not have
    stamp = stamps.read_stamp(cfg.layout.package("installer").stamp)
    assert stamp is not None
    assert stamp.logic == {"wasixtasks.stages.install": hashlib.sha256(helper.read_bytes()).hexdigest()}

    third = cli(cfg.root, sandbox, "build.all")
    assert "nothing to do: all 3 package(s) are up to date" in third

"""What makes the tool safe to run the way make and pip users do, through the real CLI:
two runs of one package at once (the second waits and says who holds the package, or refuses
with one line; a holder killed with SIGKILL blocks nothing), a corrupted download in the
cache (quarantined, fetched again, the build succeeds), a failed rebuild (its old artifact is
refused by install.libs and index.generate), and the progress display (redrawn in place on a
pseudo-terminal, timestamped plain lines in CI).

The packages are tiny host-make libraries (tests/helpers/project.py) whose Makefile prints a
line and sleeps a little, so "mid-build" lasts long enough to be caught."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.project import INSTALL_RULES, add_library, library_files
from tests.helpers.sandbox import Result, cli_argv, cli_env, invoke, statuses
from wasixtasks.config import load_config
from wasixtasks.locks import read_holder
from wasixtasks.pipelines import stamps

pytestmark = pytest.mark.integration

#: A Makefile that works for about ``parts * 0.4`` seconds, one log line per part.
SLOW = ("install:\n"
        "\tfor i in $$(seq 1 {parts}); do echo \"compiling part $$i of {parts}\"; sleep 0.4; done\n"
        + INSTALL_RULES)


def slow_library(root: Path, name: str = "slow", parts: int = 10) -> None:
    files = library_files(name, makefile=SLOW.format(parts=parts, name=name))
    add_library(root, name, files=files)


def start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`invoke ARGS` in the background, in its own process group (killed as a whole)."""
    return subprocess.Popen(cli_argv(*args), cwd=root, env=cli_env(root, env), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)


def finish(proc: subprocess.Popen[str]) -> Result:
    out, _ = proc.communicate(timeout=300)
    return Result(proc.returncode, out)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def log_has(root: Path, name: str, text: str) -> Callable[[], bool]:
    log = root / "pkgs" / f"{name}.log"
    return lambda: log.is_file() and text in log.read_text(errors="replace")


def artifact_is_valid(root: Path, name: str) -> None:
    """The artifact is there and its stamp vouches for it (install/index would take it)."""
    cfg = load_config(root)
    archive = cfg.artifacts_dir / f"{name}.tar.xz"
    assert archive.is_file()
    stamps.require_stamped(cfg, archive, step="test")


# --------------------------------------------------------------------------- two runs at once


def test_a_second_run_of_a_package_waits_for_the_first_and_says_who_holds_it(project: Path) -> None:
    slow_library(project)
    first = start(project, "build.lib", "slow")
    wait_for(log_has(project, "slow", "compiling part 2"), "the first build to be under way")
    second = start(project, "build.lib", "slow")
    one, two = finish(first), finish(second)
    assert one.returncode == 0, one.output
    assert two.returncode == 0, two.output
    assert statuses(one.output) == {"slow": "built"}
    # the second waited, named the holder, and found the package built when it got its turn
    waited = [line for line in two.output.splitlines() if "waiting" in line]
    assert len(waited) == 1, two.output
    assert re.fullmatch(rf"\[slow\] waiting: pkgs/slow is in use by pid {first.pid} "
                        r"\(invoke .*build\.lib slow\) since \d\d:\d\d:\d\d", waited[0].strip()), waited
    assert statuses(two.output) == {"slow": "up to date"}
    artifact_is_valid(project, "slow")
    assert "configure" not in two.output and "error" not in two.output.lower()


def test_no_wait_refuses_in_one_line_and_other_packages_still_build(project: Path) -> None:
    slow_library(project)
    add_library(project, "other")
    first = start(project, "build.lib", "slow")
    wait_for(log_has(project, "slow", "compiling part 2"), "the first build to be under way")
    refused = invoke(project, "build.lib", "slow", "--no-wait")
    # a different package builds while slow is being built
    other = invoke(project, "build.lib", "other", "--no-wait")
    assert first.poll() is None, "the first build ended before the others were tried"
    done = finish(first)
    assert refused.returncode == 15, refused.output
    assert re.fullmatch(rf"error: pkgs/slow is in use by pid {first.pid} \(invoke .*build\.lib slow\) "
                        r"since \d\d:\d\d:\d\d", refused.output.splitlines()[-1]), refused.output
    assert "building" not in refused.output
    assert other.returncode == 0 and statuses(other.output) == {"other": "built"}, other.output
    assert done.returncode == 0 and statuses(done.output) == {"slow": "built"}, done.output
    artifact_is_valid(project, "slow")


def test_a_holder_killed_with_sigkill_mid_build_blocks_nothing(project: Path) -> None:
    slow_library(project)
    first = start(project, "build.lib", "slow")
    wait_for(log_has(project, "slow", "compiling part 2"), "the first build to be under way")
    second = start(project, "build.lib", "slow")
    wait_for(lambda: second.poll() is not None or "waiting" in _peek_lock(project),
             "the second run to reach the lock", timeout=60)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    two = finish(second)
    assert first.returncode == -signal.SIGKILL
    assert two.returncode == 0, two.output
    assert statuses(two.output) == {"slow": "built"}  # the killed build left no stamp behind
    artifact_is_valid(project, "slow")
    holder = read_holder(project / "pkgs" / "slow.lock")
    assert holder is not None and holder.pid == second.pid  # the last holder wrote itself


def _peek_lock(project: Path) -> str:
    """'waiting' once a second process blocks on the lock: seen from /proc (Linux)."""
    lock = project / "pkgs" / "slow.lock"
    try:
        inode = lock.stat().st_ino
        locks = Path("/proc/locks").read_text()
    except OSError:
        return ""
    # a blocked flock shows as a "->" line for the same inode
    return "waiting" if re.search(rf"-> FLOCK .*:{inode} ", locks) else ""


# --------------------------------------------------------------------------- corrupted cache


def test_a_corrupted_cached_source_is_quarantined_and_fetched_again(project: Path,
                                                                    tmp_path: Path) -> None:
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    # a recipe pinned to a file:// "upstream": the first build downloads it into the cache
    add_library(project, "zz")
    tarball = project / "mirror" / "zz-1.0.tar.gz"
    os.replace(tarball, upstream / tarball.name)
    recipe = project / "pkgs" / "zz.py"
    recipe.write_text(recipe.read_text().replace("https://example.invalid/", upstream.as_uri() + "/"))
    first = invoke(project, "build.lib", "zz")
    assert first.returncode == 0 and statuses(first.output) == {"zz": "built"}, first.output
    cfg = load_config(project)
    (cached,) = [p for p in cfg.layout.downloads.rglob("zz-1.0.tar.gz")]
    good = cached.read_bytes()
    flipped = bytearray(good)
    flipped[len(flipped) // 2] ^= 0x01
    cached.write_bytes(bytes(flipped))
    # upstream is gone now; the mirror has the right bytes
    os.replace(upstream / tarball.name, tarball)
    assert invoke(project, "clean", "zz", "--prepared").returncode == 0
    again = invoke(project, "build.lib", "zz", "--force")  # --force: not from the artifact cache
    assert again.returncode == 0, again.output
    assert statuses(again.output) == {"zz": "built"}
    assert re.search(r"\[zz\] WARNING: cached zz-1\.0\.tar\.gz failed its sha256 check; moved to "
                     r"\S+/quarantine/\S+ and fetching it again", again.output), again.output
    (jailed,) = cfg.layout.quarantine.rglob("zz-1.0.tar.gz")
    assert jailed.read_bytes() == bytes(flipped)
    assert not cached.exists()
    artifact_is_valid(project, "zz")


# --------------------------------------------------------------------------- failed rebuild


def test_after_a_failed_rebuild_install_and_index_refuse_the_stale_artifact(project: Path,
                                                                           tmp_path: Path) -> None:
    add_library(project, "brk")
    assert statuses(invoke(project, "build.lib", "brk").output) == {"brk": "built"}
    old = (project / "artifacts" / "brk.tar.xz").read_bytes()
    # a new source whose Makefile fails
    add_library(project, "brk", files={**library_files("brk"),
                                       "Makefile": "install:\n\t@echo 'brk.c:1:1: error: broken'; false\n"})
    failed = invoke(project, "build.lib", "brk")
    assert failed.returncode == 14 and statuses(failed.output) == {"brk": "failed"}, failed.output
    assert (project / "artifacts" / "brk.tar.xz").read_bytes() == old  # still there, but stale
    log = project / "pkgs" / "brk.log"
    for args in (("install.libs", "--name", "brk", "--dest", str(tmp_path / "dest")),
                 ("index.generate",)):
        refused = invoke(project, *args)
        assert refused.returncode != 0, refused.output
        assert refused.last_line.startswith("error: [") and (
            "refusing the stale artifact brk.tar.xz: no stamp vouches for it: the last build "
            "failed or was interrupted") in refused.last_line, refused.output
        assert refused.last_line.endswith(f"(log: {log})"), refused.output
    assert not (tmp_path / "dest").exists()
    assert not (project / "dist").exists()


# --------------------------------------------------------------------------- progress display


def run_under_pty(root: Path, *args: str, env: dict[str, str]) -> tuple[int, str]:
    """`invoke ARGS` with a pseudo-terminal (120 columns) as stdout and stderr."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    full = {k: v for k, v in cli_env(root, env).items() if k != "CI"}
    proc = subprocess.Popen(cli_argv(*args), cwd=root, env=full, stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave)
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_the_status_line_is_updated_in_place(project: Path) -> None:
    slow_library(project, parts=12)
    code, screen = run_under_pty(project, "build.lib", "slow", env={})
    assert code == 0, screen
    # the board's line: package, step, elapsed time, the latest line of its log
    shown = re.findall(r"slow +build +(\d+)s +compiling part (\d+) of 12", screen)
    parts = sorted({int(p) for _, p in shown})
    assert len(parts) >= 3, screen  # the same line, redrawn with newer log lines
    assert len({int(s) for s, _ in shown}) >= 2  # and a growing elapsed time
    # redrawn in place: cursor up / erase line, not a new line per update
    assert "\x1b[2K" in screen and "\x1b[1A" in screen
    assert re.search(r"^slow +built", screen.replace("\r", ""), re.MULTILINE)


def test_in_ci_progress_is_timestamped_plain_lines(project: Path) -> None:
    slow_library(project, parts=8)
    result = invoke(project, "build.lib", "slow",
                    env={"CI": "true", "WASIXTASKS_PROGRESS_INTERVAL": "1"})
    assert result.returncode == 0, result.output
    assert "\x1b[" not in result.output and "\r" not in result.output
    lines = result.output.splitlines()
    steps = [line for line in lines if re.fullmatch(r"\d\d:\d\d:\d\d \[slow\] step \S+", line)]
    assert any(line.endswith("step build") for line in steps), result.output
    beats = [line for line in lines
             if re.fullmatch(r"\d\d:\d\d:\d\d \[slow\] build, \d+s: compiling part \d of 8", line)]
    assert len(beats) >= 2, result.output
    # every step's duration: in the log and in the closing summary
    log = (project / "pkgs" / "slow.log").read_text()
    assert re.search(r"=== \[slow\] step build took \d+\.\ds ===", log)
    summary = lines[lines.index("step times:") + 1]
    assert re.fullmatch(r"  slow +(\w+ \d+\.\ds, )*build \d+\.\ds(, \w+ \d+\.\ds)*", summary), summary

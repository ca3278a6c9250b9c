"""Tests of wasixtasks.progress: which display a run gets, what a status line says, the plain
mode's timestamped lines. (The live board under a pseudo-terminal is tested end to end in
tests/integration/test_trust.py.)"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from wasixtasks.errors import ConfigError
from wasixtasks.progress import Progress, choose_mode, elapsed, last_line, progress_for
from wasixtasks.run import Log


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "env", "mode"), [
    (True, {}, "live"),
    (False, {}, "plain"),
    (True, {"CI": "true"}, "plain"),
    (True, {"CI": "0"}, "live"),
    (False, {"WASIXTASKS_PROGRESS": "live"}, "live"),
    (True, {"WASIXTASKS_PROGRESS": "plain"}, "plain"),
    (True, {"WASIXTASKS_PROGRESS": "off", "CI": "1"}, "off"),
    (True, {"WASIXTASKS_PROGRESS": "auto", "CI": "1"}, "plain"),
])
def test_the_mode_follows_the_terminal_ci_and_the_setting(tty: bool, env: dict[str, str],
                                                          mode: str) -> None:
    assert choose_mode(Tty() if tty else io.StringIO(), env) == mode


def test_bad_settings_are_one_line_errors() -> None:
    with pytest.raises(ConfigError, match="WASIXTASKS_PROGRESS='fancy' is not one of"):
        choose_mode(io.StringIO(), {"WASIXTASKS_PROGRESS": "fancy"})
    with pytest.raises(ConfigError, match="is not a number of seconds"):
        progress_for(io.StringIO(), {"WASIXTASKS_PROGRESS_INTERVAL": "soon"})
    with pytest.raises(ConfigError, match="must be more than 0"):
        progress_for(io.StringIO(), {"WASIXTASKS_PROGRESS_INTERVAL": "0"})


def test_quiet_runs_show_nothing() -> None:
    assert progress_for(Tty(), {}, quiet=True).mode == "off"
    assert progress_for(Tty(), {"WASIXTASKS_PROGRESS_INTERVAL": "2"}).interval == 2.0


def test_last_line_skips_blank_lines_and_control_codes(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    assert last_line(log) == ""  # not there yet
    log.write_bytes(b"first\n\x1b[1;32m[ 42%] Building C object foo.o\x1b[0m\r\n\n  \n")
    assert last_line(log) == "[ 42%] Building C object foo.o"
    log.write_bytes(b"x" * 10000 + b"\nprogress 1\rprogress 2\r")
    assert last_line(log) == "progress 2"


def test_elapsed() -> None:
    assert [elapsed(s) for s in (0, 9.9, 61, 3600)] == ["0s", "9s", "1m01s", "60m00s"]


def running(tmp_path: Path, name: str, text: str, step: str) -> Log:
    log = Log(name, tmp_path / f"{name}.log", quiet=True)
    log.open()
    log.write(text)
    log.step = step
    return log


def test_status_lines_name_package_step_time_and_latest_log_line(tmp_path: Path) -> None:
    progress = Progress("live", width=60)
    progress.attach("numpy", running(tmp_path, "numpy", "[12/300] Compiling C object "
                                     + "very/long/path/" * 10 + "x.c.o", "build"))
    progress.attach("zlib", running(tmp_path, "zlib", "checking for gcc... yes", "configure"))
    lines = progress.status_lines()
    assert len(lines) == 2
    assert re.fullmatch(r"numpy  build      +\d+s  \[12/300\] Compiling C object very/.*…", lines[0])
    assert len(lines[0]) == 60
    assert re.fullmatch(r"zlib   configure  +\d+s  checking for gcc\.\.\. yes", lines[1])
    progress.detach("numpy")
    assert [line.split()[0] for line in progress.status_lines()] == ["zlib"]


def test_plain_mode_prints_timestamped_step_changes_and_heartbeats(tmp_path: Path) -> None:
    out = io.StringIO()
    progress = Progress("plain", interval=0.6)
    log = running(tmp_path, "xz", "compiling part 1", "configure")
    with progress.shown(out):
        progress.attach("xz", log)
        time.sleep(0.8)
        log.step = "build"
        log.write("compiling part 2")
        time.sleep(1.4)
        progress.detach("xz")
    lines = out.getvalue().splitlines()
    assert all(re.match(r"\d\d:\d\d:\d\d \[xz\] ", line) for line in lines), lines
    said = [line[9:] for line in lines]
    assert said.index("[xz] step configure") < said.index("[xz] step build")
    beats = [s for s in said if s.startswith("[xz] build, ")]
    assert beats and beats[-1].endswith(": compiling part 2")


def test_off_shows_nothing(tmp_path: Path) -> None:
    out = io.StringIO()
    with Progress("off", interval=0.1).shown(out) as progress:
        progress.attach("xz", running(tmp_path, "xz", "hello", "build"))
        time.sleep(0.3)
    assert out.getvalue() == ""

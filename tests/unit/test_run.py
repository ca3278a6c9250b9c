"""Tests of wasixtasks.run, the one module that starts subprocesses.

These are the only unit tests that start processes: ``run`` itself is what they test. The
children are the running Python, so no other tool is needed. Every other unit test replaces
``run`` (or the function calling it) with a fake."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from wasixtasks.errors import CommandError
from wasixtasks.run import Log, console, first_error_line, run

#: wasixtasks.run is the one module that starts processes: its tests do
pytestmark = pytest.mark.processes

PY = sys.executable


@pytest.fixture
def log(tmp_path: Path) -> Log:
    lg = Log("demo", tmp_path / "pkgs" / "demo.log")
    lg.open(truncate=True)
    lg.enter("configure")
    return lg


def test_echoes_the_command_and_logs_its_output(log: Log, capsys: pytest.CaptureFixture[str]) -> None:
    result = run([PY, "-c", "print('hello from the ' + 'child')"], log=log)
    assert result.returncode == 0
    assert result.stdout == ""  # not captured: it went to the log
    out = capsys.readouterr().out
    assert f"[demo configure] $ {PY} -c " in out
    assert "hello from the child" not in out  # output goes to the log only
    text = log.path.read_text()
    assert "=== [demo] step configure ===" in text
    assert f"$ {PY} -c " in text
    assert "hello from the child" in text


def test_quiet_log_does_not_echo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quiet = Log("demo", tmp_path / "q.log", quiet=True)
    run([PY, "-c", "print('x')"], log=quiet)
    assert capsys.readouterr().out == ""
    assert "x" in quiet.path.read_text()


def test_capture_returns_stdout_and_logs_stderr(log: Log) -> None:
    result = run(
        [PY, "-c", "import sys; print('answer'); print('warning: noise', file=sys.stderr)"],
        log=log, capture=True,
    )
    assert result.stdout == "answer\n"
    text = log.path.read_text()
    assert "warning: noise" in text
    assert "answer" in text


def test_cwd_env_and_stdin(log: Log, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    code = ("import os, sys; print(os.getcwd(), os.environ.get('ONLY'), os.environ.get('HOME'), "
            "repr(sys.stdin.read()))")
    result = run(
        [PY, "-c", code], log=log, cwd=work, env={"ONLY": "this", "PATH": os.environ.get("PATH", "")},
        capture=True,
    )
    # env is the complete environment of the child: HOME is not inherited; stdin is empty
    assert result.stdout.split() == [str(work), "this", "None", "''"]
    assert f"(in {work})" in log.path.read_text()


def test_pass_fds_are_inherited(log: Log) -> None:
    read_fd, write_fd = os.pipe()
    try:
        code = f"import os; os.write({write_fd}, b'token')"
        run([PY, "-c", code], log=log, pass_fds=(write_fd,))
        assert os.read(read_fd, 16) == b"token"
        # without it the child cannot use the descriptor
        with pytest.raises(CommandError):
            run([PY, "-c", code], log=log)
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_no_shell_is_involved(log: Log, tmp_path: Path) -> None:
    marker = tmp_path / "should-not-exist"
    result = run(
        [PY, "-c", "import sys; print(sys.argv[1])", f"$(touch {marker}); `touch {marker}`"],
        log=log, capture=True,
    )
    assert result.stdout.strip() == f"$(touch {marker}); `touch {marker}`"
    assert not marker.exists()


def test_failure_raises_command_error(log: Log) -> None:
    script = (
        "import sys\n"
        "print('checking for stuff... yes')\n"
        "print('conftest.c:3:5: error: unknown type name \\'wasm_t\\'', file=sys.stderr)\n"
        "print('make: *** [Makefile:9: all] Error 2')\n"
        "sys.exit(3)\n"
    )
    with pytest.raises(CommandError) as info:
        run([PY, "-c", script], log=log)
    err = info.value
    assert err.returncode == 3
    assert err.argv == [PY, "-c", script]
    assert err.first_error == "conftest.c:3:5: error: unknown type name 'wasm_t'"
    assert err.package == "demo"
    assert err.step == "configure"
    assert err.log == log.path
    assert err.exit_code == 7
    line = err.one_line()
    assert line.startswith("error: [demo configure] `")
    assert "exited with 3: conftest.c:3:5: error: unknown type name 'wasm_t'" in line
    assert line.endswith(f"(log: {log.path})")
    assert "\n" not in line


def test_first_error_comes_from_this_command_only(log: Log) -> None:
    log.write("old.c:1:1: error: from an earlier command")
    with pytest.raises(CommandError) as info:
        run([PY, "-c", "import sys; print('ld: undefined symbol: inflate'); sys.exit(1)"], log=log)
    assert info.value.first_error == "ld: undefined symbol: inflate"


def test_check_false_returns_the_code(log: Log) -> None:
    result = run([PY, "-c", "raise SystemExit(4)"], log=log, check=False)
    assert result.returncode == 4


def test_missing_command(log: Log, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as info:
        run([tmp_path / "no-such-tool", "--version"], log=log)
    err = info.value
    assert err.returncode == 127
    assert err.message == f"command not found: {tmp_path / 'no-such-tool'}"
    assert err.hint is not None and "toolchain.doctor" in err.hint
    assert (err.package, err.step, err.log) == ("demo", "configure", log.path)


def test_path_arguments_are_accepted(log: Log, tmp_path: Path) -> None:
    result = run([Path(PY), "-c", "import sys; print(sys.argv[1])", tmp_path], log=log, capture=True)
    assert result.stdout.strip() == str(tmp_path)


def test_log_open_truncates_and_creates_folders(tmp_path: Path) -> None:
    lg = Log("p", tmp_path / "a" / "b" / "p.log", quiet=True)
    lg.open()
    lg.write("one")
    lg.open()  # not truncating
    assert lg.path.read_text() == "one\n"
    lg.open(truncate=True)
    assert lg.path.read_text() == ""
    assert lg.size() == 0


def test_log_records_step_durations(tmp_path: Path) -> None:
    lg = Log("p", tmp_path / "p.log", quiet=True)
    lg.open(truncate=True)
    assert lg.step == "setup" and lg.durations == []
    lg.finish_step()  # no step entered yet: nothing to record
    assert lg.durations == []
    lg.enter("configure")
    time.sleep(0.05)
    lg.enter("make")
    lg.finish_step()
    lg.finish_step()  # a step is finished once
    assert [step for step, _ in lg.durations] == ["configure", "make"]
    configure_seconds = lg.durations[0][1]
    assert 0.05 <= configure_seconds < 10
    lines = lg.path.read_text().splitlines()
    assert lines == [
        "=== [p] step configure ===",
        f"=== [p] step configure took {configure_seconds:.1f}s ===",
        "=== [p] step make ===",
        f"=== [p] step make took {lg.durations[1][1]:.1f}s ===",
    ]
    assert lg.step == "make"  # failures after the last step still name it


def test_log_durations_when_the_log_file_is_gone(tmp_path: Path) -> None:
    lg = Log("p", tmp_path / "p.log", quiet=True)
    lg.enter("build")
    lg.path.unlink()  # e.g. `invoke clean` while the step ran
    lg.finish_step()
    assert [step for step, _ in lg.durations] == ["build"]
    assert not lg.path.exists()  # not created again just to record a duration


def test_log_info_echoes_unless_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loud = Log("p", tmp_path / "p.log")
    loud.info("packed p.tar.xz")
    assert capsys.readouterr().out == "[p] packed p.tar.xz\n"
    quiet = Log("q", tmp_path / "q.log", quiet=True)
    quiet.info("packed q.tar.xz")
    assert capsys.readouterr().out == ""
    assert quiet.path.read_text() == "packed q.tar.xz\n"


def test_log_warn_goes_to_stderr_and_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lg = Log("p", tmp_path / "p.log", quiet=True)
    lg.warn("SOURCE OVERRIDE")
    assert "[p] WARNING: SOURCE OVERRIDE" in capsys.readouterr().err
    assert "WARNING: SOURCE OVERRIDE" in lg.path.read_text()


def test_console_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    console("hello")
    assert capsys.readouterr().out == "hello\n"


# --------------------------------------------------------------------------- first_error_line


def test_compiler_error_wins_over_make_error() -> None:
    text = "\n".join([
        "$ make -j2",
        "cc -c -o a.o a.c",
        "cc -c -o b.o b.c",
        "b.c: In function 'main':",
        "b.c:7:12: error: expected ';' before '}' token",
        "make[1]: *** [Makefile:12: b.o] Error 1",
        "make: *** [Makefile:5: all] Error 2",
    ])
    assert first_error_line(text) == "b.c:7:12: error: expected ';' before '}' token"


def test_make_error_alone_is_not_picked_when_something_else_explains() -> None:
    text = "make: *** [Makefile:5: all] Error 2\nsome/tool: No such file or directory\n"
    assert first_error_line(text) == "some/tool: No such file or directory"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CMake Error at CMakeLists.txt:3 (project):\n  bad\n", "CMake Error at CMakeLists.txt:3 (project):"),
        ("configure: error: C compiler cannot create executables\n",
         "configure: error: C compiler cannot create executables"),
        ("wasm-ld: error: undefined symbol: deflate\n", "wasm-ld: error: undefined symbol: deflate"),
        ("x.c:1: fatal error: zlib.h: No such file or directory\n",
         "x.c:1: fatal error: zlib.h: No such file or directory"),
        ("Traceback (most recent call last):\n  File \"x\"\nValueError: nope\n",
         "Traceback (most recent call last):"),
        ("some output\nlast words\n\n", "last words"),
        ("", None),
        ("make: *** [all] Error 2\n", None),
    ],
)
def test_first_error_line_patterns(text: str, expected: str | None) -> None:
    assert first_error_line(text) == expected


def test_first_error_line_is_truncated() -> None:
    line = "error: " + "x" * 1000
    result = first_error_line(line)
    assert result is not None and len(result) == 300


def test_first_error_line_keeps_the_message_of_a_cmake_error() -> None:
    text = ("-- Configuring\nCMake Error at CMakeLists.txt:7 (message):\n"
            "  DEMO_LIST arrived as 'a'\n\n-- Configuring incomplete, errors occurred!\n")
    assert first_error_line(text) == (
        "CMake Error at CMakeLists.txt:7 (message): DEMO_LIST arrived as 'a'")

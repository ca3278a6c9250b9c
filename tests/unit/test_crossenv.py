"""Tests of wasixtasks.crossenv: where the cross environment lives and what names it, which
interpreter runs crossenv (this one, a ready build-python venv, or an error saying how to get
one), and when ``ensure_cross_env`` reuses a cross environment instead of making it again.

No process starts: the autouse fixture fails any test that tries. Where the module would run
crossenv or ``python -m venv``, ``wasixtasks.crossenv.run`` is replaced by a recorder that
does on disk what the real command leaves behind; the build-python venv and the target
CPython are hand-made file layouts."""

from __future__ import annotations

import importlib.metadata
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from wasixtasks import crossenv
from wasixtasks.config import Config
from wasixtasks.crossenv import (
    BUILD_PYTHON_MARKER,
    MARKER,
    RESOURCES,
    cross_env_vars,
    cross_home,
    cross_platform_tag,
    cross_python,
    crossenv_python,
    ensure_cross_env,
    venv_python,
)
from wasixtasks.errors import ToolchainError
from wasixtasks.run import Completed, Log
from wasixtasks.toolchain.model import TargetPython, Toolchain
from wasixtasks.toolchain.profiles import SELF_BUILT, WASIX_CLANG

RUNNING = "%d.%d" % sys.version_info[:2]
#: A CPython version that is not the one running the tests.
OTHER = "3.13" if sys.version_info[:2] != (3, 13) else "3.12"
CROSSENV_RELEASE = importlib.metadata.version("crossenv")
TOOLS = {
    "CC": "/opt/tc/bin/wasix-cc",
    "CXX": "/opt/tc/bin/wasix-c++",
    "AR": "/opt/tc/bin/wasix-ar",
    "RANLIB": "/opt/tc/bin/wasix-ranlib",
}
SYSCONFIG = ("build_time_vars = {'SOABI': 'cpython-313-wasm32-wasi',\n"
             " 'EXT_SUFFIX': '.cpython-313-wasm32-wasi.so'}\n")



# --------------------------------------------------------------------------- helpers


def target_python(root: Path, version: str = RUNNING, sysconfig: str = SYSCONFIG) -> TargetPython:
    """A WASIX CPython install tree (headers and sysconfig data) of ``version``."""
    prefix = root / f"cpython{version}"
    include = prefix / "include" / f"python{version}"
    include.mkdir(parents=True, exist_ok=True)
    data = prefix / "lib" / f"python{version}" / "_sysconfigdata__wasi_wasm32-wasi.py"
    data.parent.mkdir(parents=True, exist_ok=True)
    data.write_text(sysconfig)
    return TargetPython(version, prefix, include, data, None, None)


def toolchain(python: TargetPython | None, *, profile: str = SELF_BUILT,
              tools: Mapping[str, str] = TOOLS,
              identity: Mapping[str, str] | None = None) -> Toolchain:
    return Toolchain(profile=profile, tools=dict(tools),
                     runner=("/usr/bin/python3", "-m", "wasixtasks.toolchain.runtime"),
                     python=python,
                     identity=dict(identity if identity is not None else {"zig": "0.17.1"}))


@pytest.fixture
def log(tmp_path: Path) -> Log:
    return Log("numpy", tmp_path / "logs" / "numpy.log", quiet=True)


@dataclass(frozen=True)
class Call:
    argv: list[str]
    env: dict[str, str] | None


class FakeRun:
    """Stands in for ``wasixtasks.crossenv.run``: records each command and writes the files
    the real ``python -m crossenv`` / ``python -m venv`` would leave behind (as set by the
    test)."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.on_crossenv: list[Path] = []  # files `python -m crossenv` writes
        self.on_venv: list[Path] = []  # files `python -m venv` writes
        self.platform_tag = "unknown_wasm32"  # what the cross pip answers

    def __call__(self, argv: Sequence[str | os.PathLike[str]], *, log: Log,
                 env: Mapping[str, str] | None = None, **kwargs: object) -> Completed:
        args = [os.fspath(a) for a in argv]
        self.calls.append(Call(args, dict(env) if env is not None else None))
        if args[1:3] == ["-m", "crossenv"]:
            made = self.on_crossenv
        elif args[1:3] == ["-m", "venv"]:
            made = self.on_venv
        elif args[1] == "-c":  # the cross pip's platform tag
            return Completed(0, f"{self.platform_tag}\n")
        else:
            made = []
        for path in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("# written by the fake command\n")
        return Completed(0, "")


@pytest.fixture
def fake_run(monkeypatch: pytest.MonkeyPatch) -> FakeRun:
    fake = FakeRun()
    monkeypatch.setattr(crossenv, "run", fake)
    return fake


def no_run(*args: object, **kwargs: object) -> Completed:
    raise AssertionError(f"nothing should run: {args[:1]!r}")


def no_search(cfg: Config, version: str) -> Path | None:
    raise AssertionError(f"no build python should be searched for (asked for {version})")


# --------------------------------------------------------------------------- cross_home


def test_cross_home_is_in_the_cache_folder(cfg: Config, tmp_path: Path) -> None:
    tc = toolchain(target_python(tmp_path))
    home = cross_home(cfg, tc)
    assert home.parent == cfg.cache_dir / "crossenv"
    assert len(home.name) == 24
    assert all(c in "0123456789abcdef" for c in home.name)
    # the same toolchain (another object) gives the same folder
    assert cross_home(cfg, toolchain(target_python(tmp_path))) == home
    assert cross_python(home) == home / "cross" / "bin" / "python"


def test_cross_home_changes_with_the_toolchain_identity(cfg: Config, tmp_path: Path) -> None:
    py = target_python(tmp_path)
    ref = cross_home(cfg, toolchain(py))
    variants = [
        toolchain(py, identity={"zig": "0.17.2"}),
        toolchain(py, identity={"zig": "0.17.1", "wasix-libc": "abc"}),
        toolchain(py, profile=WASIX_CLANG),
        toolchain(py, tools={**TOOLS, "CC": "/elsewhere/wasix-cc"}),
    ]
    homes = [cross_home(cfg, tc) for tc in variants]
    assert ref not in homes
    assert len(set(homes)) == len(homes)


def test_cross_home_changes_with_the_sysconfig_data(cfg: Config, tmp_path: Path) -> None:
    py = target_python(tmp_path)
    before = cross_home(cfg, toolchain(py))
    py.sysconfigdata.write_text(SYSCONFIG.replace("cpython-313", "cpython-313t"))
    assert cross_home(cfg, toolchain(py)) != before
    py.sysconfigdata.write_text(SYSCONFIG)
    assert cross_home(cfg, toolchain(py)) == before


def test_cross_home_ignores_where_the_python_is(cfg: Config, tmp_path: Path) -> None:
    """Only the contents of the sysconfig data count, not the install folder."""
    a = cross_home(cfg, toolchain(target_python(tmp_path / "a")))
    b = cross_home(cfg, toolchain(target_python(tmp_path / "b")))
    assert a == b


# --------------------------------------------------------------------------- crossenv_python


def test_this_interpreter_runs_crossenv_for_its_own_version(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    monkeypatch.setattr(crossenv, "run", no_run)
    tc = toolchain(target_python(tmp_path, RUNNING))
    assert crossenv_python(cfg, tc, log) == sys.executable
    assert not (cfg.cache_dir / "crossenv").exists()  # no venv made


def test_no_build_python_of_the_target_version(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Config, str]] = []

    def none_found(c: Config, version: str) -> Path | None:
        asked.append((c, version))
        return None

    monkeypatch.setattr(crossenv, "find_build_python", none_found)
    monkeypatch.setattr(crossenv, "run", no_run)
    tc = toolchain(target_python(tmp_path, OTHER))
    with pytest.raises(ToolchainError) as info:
        crossenv_python(cfg, tc, log)
    err = info.value
    assert asked == [(cfg, OTHER)]
    assert err.message == (
        f"crossenv needs a build-machine Python {OTHER} (the target CPython's version), "
        f"but this is Python {RUNNING} and no python{OTHER} was found"
    )
    assert err.package == "numpy"
    assert err.step == "crossenv"
    assert err.log == log.path
    assert err.hint is not None
    assert "`build-python`" in err.hint and "wasixtasks.local.toml" in err.hint
    assert f"pyenv install {OTHER}" in err.hint
    assert err.exit_code == 9


def make_build_python_venv(cfg: Config, version: str, release: str | None) -> Path:
    """``<cache>/crossenv/build-python<version>`` as ``crossenv_python`` leaves it: the venv's
    python and the marker naming the crossenv release installed in it."""
    venv = cfg.cache_dir / "crossenv" / f"build-python{version}"
    python = venv_python(venv)
    python.parent.mkdir(parents=True)
    python.write_text("")
    python.chmod(0o755)
    if release is not None:
        (venv / BUILD_PYTHON_MARKER).write_text(
            json.dumps({"crossenv": release, "python": "/usr/bin/python" + version}))
    return python


def test_a_ready_build_python_venv_is_reused(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    monkeypatch.setattr(crossenv, "run", no_run)
    python = make_build_python_venv(cfg, OTHER, CROSSENV_RELEASE)
    assert python == cfg.cache_dir / "crossenv" / f"build-python{OTHER}" / "bin" / "python"
    tc = toolchain(target_python(tmp_path, OTHER))
    assert crossenv_python(cfg, tc, log) == str(python)
    assert python.is_file()


@pytest.mark.parametrize("marker", ["other-release", "no-marker", "garbage"])
def test_a_venv_that_is_not_ready_is_not_reused(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch,
        marker: str) -> None:
    """A venv with another crossenv release (or without a readable marker) is made again:
    here no host Python is found, so the attempt ends in the error."""
    release = {"other-release": "0.0.1", "no-marker": None, "garbage": None}[marker]
    python = make_build_python_venv(cfg, OTHER, release)
    if marker == "garbage":
        (python.parent.parent / BUILD_PYTHON_MARKER).write_text("{not json")
    asked: list[str] = []

    def none_found(c: Config, version: str) -> Path | None:
        asked.append(version)
        return None

    monkeypatch.setattr(crossenv, "find_build_python", none_found)
    monkeypatch.setattr(crossenv, "run", no_run)
    with pytest.raises(ToolchainError, match=f"no python{OTHER} was found"):
        crossenv_python(cfg, toolchain(target_python(tmp_path, OTHER)), log)
    assert asked == [OTHER]


def test_a_marker_without_the_venv_python_is_not_reused(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    python = make_build_python_venv(cfg, OTHER, CROSSENV_RELEASE)
    python.unlink()
    monkeypatch.setattr(crossenv, "find_build_python", lambda c, v: None)
    monkeypatch.setattr(crossenv, "run", no_run)
    with pytest.raises(ToolchainError, match="crossenv needs a build-machine Python"):
        crossenv_python(cfg, toolchain(target_python(tmp_path, OTHER)), log)


def test_a_build_python_venv_is_made_with_the_same_crossenv_release(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch,
        fake_run: FakeRun) -> None:
    host = tmp_path / "host" / "bin" / f"python{OTHER}"
    monkeypatch.setattr(crossenv, "find_build_python",
                        lambda c, v: host if v == OTHER else None)
    python = make_build_python_venv(cfg, OTHER, "0.0.1")  # a stale venv
    venv = python.parent.parent
    (venv / "stale.txt").write_text("from the old venv")
    fake_run.on_venv = [python]
    tc = toolchain(target_python(tmp_path, OTHER))

    assert crossenv_python(cfg, tc, log) == str(python)
    assert [c.argv for c in fake_run.calls] == [
        [str(host), "-m", "venv", str(venv)],
        [str(python), "-m", "pip", "install", "--disable-pip-version-check",
         f"crossenv=={CROSSENV_RELEASE}"],
    ]
    pip_env = fake_run.calls[1].env
    assert pip_env is not None and pip_env["PIP_DISABLE_PIP_VERSION_CHECK"] == "1"
    assert not (venv / "stale.txt").exists()  # the old venv was removed first
    assert json.loads((venv / BUILD_PYTHON_MARKER).read_text()) == {
        "crossenv": CROSSENV_RELEASE, "python": str(host)}
    assert f"crossenv runs under {host} (the target is CPython {OTHER})" in log.path.read_text()

    # the next build reuses it
    fake_run.calls.clear()
    assert crossenv_python(cfg, tc, log) == str(python)
    assert fake_run.calls == []


# --------------------------------------------------------------------------- ensure_cross_env


def test_ensure_cross_env_reuses_a_matching_marker(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crossenv, "run", no_run)
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    tc = toolchain(target_python(tmp_path))
    home = cross_home(cfg, tc)
    home.mkdir(parents=True)
    (home / MARKER).write_text(json.dumps({"identity": crossenv._identity(tc),
                                           "platform_tag": "unknown_wasm32"}))
    (home / "kept.txt").write_text("the cross environment's files")
    assert ensure_cross_env(cfg, tc, log) == home
    assert (home / "kept.txt").is_file()
    assert log.step == "setup"  # no crossenv step was entered
    assert not log.path.exists()


def test_ensure_cross_env_needs_a_target_python(cfg: Config, log: Log,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crossenv, "run", no_run)
    with pytest.raises(ToolchainError) as info:
        ensure_cross_env(cfg, toolchain(None), log)
    assert info.value.message == "toolchain `self-built` has no target CPython to build wheels for"
    assert info.value.package == "numpy"
    assert info.value.step == "crossenv"


def test_ensure_cross_env_makes_a_cross_environment(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch,
        fake_run: FakeRun) -> None:
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    py = target_python(tmp_path, RUNNING)
    tc = toolchain(py)
    home = cross_home(cfg, tc)
    # what an earlier toolchain left: a marker of another identity and a stale file
    home.mkdir(parents=True)
    (home / MARKER).write_text(json.dumps({"identity": "an older toolchain"}))
    (home / "stale.txt").write_text("old")
    patch = home / "lib" / "subprocess-patch.py"
    fake_run.on_crossenv = [patch]

    assert ensure_cross_env(cfg, tc, log) == home
    assert not (home / "stale.txt").exists()
    assert len(fake_run.calls) == 2
    call = fake_run.calls[0]
    cc, cxx = TOOLS["CC"], TOOLS["CXX"]
    assert call.argv == [
        sys.executable, "-m", "crossenv", str(py.sysconfigdata), str(home),
        f"--sysconfigdata-file={py.sysconfigdata}",
        f"--cc={cc}", f"--cxx={cxx}", f"--ar={TOOLS['AR']}",
        f"--config-var=CC={cc}", f"--config-var=CXX={cxx}",
        f"--config-var=LDSHARED={cc} -shared", f"--config-var=LDCXXSHARED={cxx} -shared",
        "--config-var=CCSHARED=-fPIC", f"--config-var=BLDSHARED={cc} -shared",
    ]
    assert call.env is not None and call.env["PIP_DISABLE_PIP_VERSION_CHECK"] == "1"
    fix = (RESOURCES / "crossenv-subprocess-fix.py.in").read_text()
    assert patch.read_text() == "# written by the fake command\n" + "\n" + fix
    # then its pip is asked which platform it installs wheels for, in the cross environment
    ask = fake_run.calls[1]
    assert ask.argv[0] == str(cross_python(home)) and ask.argv[1] == "-c"
    assert ask.env is not None and ask.env["VIRTUAL_ENV"] == str(home / "cross")
    assert json.loads((home / MARKER).read_text()) == {"identity": crossenv._identity(tc),
                                                       "platform_tag": "unknown_wasm32"}
    assert cross_platform_tag(home) == "unknown_wasm32"
    assert log.step == "crossenv"
    assert (f"cross environment ready: {home} (its pip's platform: unknown_wasm32)"
            in log.path.read_text())

    # ready now: the next wheel build reuses it
    fake_run.calls.clear()
    assert ensure_cross_env(cfg, tc, log) == home
    assert fake_run.calls == []
    assert patch.read_text().count(fix) == 1


def test_crossenv_reads_the_target_python_wasm_when_there_is_one(
        cfg: Config, tmp_path: Path, log: Log, fake_run: FakeRun) -> None:
    py = target_python(tmp_path, RUNNING)
    wasm = py.prefix / "bin" / f"python{RUNNING}.wasm"
    tc = toolchain(replace(py, python_wasm=wasm))
    home = cross_home(cfg, tc)
    fake_run.on_crossenv = [home / "lib" / "subprocess-patch.py"]
    ensure_cross_env(cfg, tc, log)
    assert fake_run.calls[0].argv[3:5] == [str(wasm), str(home)]


def test_a_changed_crossenv_layout_is_an_error(
        cfg: Config, tmp_path: Path, log: Log, fake_run: FakeRun) -> None:
    tc = toolchain(target_python(tmp_path, RUNNING))
    home = cross_home(cfg, tc)
    # crossenv ran but wrote no lib/subprocess-patch.py
    with pytest.raises(ToolchainError) as info:
        ensure_cross_env(cfg, tc, log)
    err = info.value
    assert err.message == f"crossenv layout changed: {home / 'lib' / 'subprocess-patch.py'} is missing"
    assert err.package == "numpy"
    assert err.step == "crossenv"
    assert err.log == log.path
    assert not (home / MARKER).exists()  # the next build tries again


# --------------------------------------------------------------------------- cross_env_vars


def test_cross_env_vars_activate_the_cross_environment(tmp_path: Path) -> None:
    home = tmp_path / "home"
    base = {"PATH": "/usr/bin", "PYTHONHOME": "/usr", "CC": "wasix-cc"}
    env = cross_env_vars(home, base)
    assert env["VIRTUAL_ENV"] == str(home / "cross")
    assert env["PATH"] == os.pathsep.join([str(home / "cross" / "bin"), str(home / "bin"),
                                           "/usr/bin"])
    assert "PYTHONHOME" not in env
    assert env["PIP_DISABLE_PIP_VERSION_CHECK"] == "1"
    assert env["CC"] == "wasix-cc"
    assert base == {"PATH": "/usr/bin", "PYTHONHOME": "/usr", "CC": "wasix-cc"}  # unchanged


def test_a_damaged_marker_recreates_the_environment(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch,
        fake_run: FakeRun) -> None:
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    tc = toolchain(target_python(tmp_path, RUNNING))
    home = cross_home(cfg, tc)
    home.mkdir(parents=True)
    (home / MARKER).write_text("{damaged")
    fake_run.on_crossenv = [home / "lib" / "subprocess-patch.py"]
    assert ensure_cross_env(cfg, tc, log) == home
    assert len(fake_run.calls) == 2
    assert json.loads((home / MARKER).read_text()) == {"identity": crossenv._identity(tc),
                                                       "platform_tag": "unknown_wasm32"}


def test_a_marker_without_the_platform_tag_recreates_the_environment(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch,
        fake_run: FakeRun) -> None:
    # what this release's predecessor wrote: the identity only
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    tc = toolchain(target_python(tmp_path, RUNNING))
    home = cross_home(cfg, tc)
    home.mkdir(parents=True)
    (home / MARKER).write_text(json.dumps({"identity": crossenv._identity(tc)}))
    fake_run.on_crossenv = [home / "lib" / "subprocess-patch.py"]
    fake_run.platform_tag = "wasi_0_0_0_wasm32"
    assert ensure_cross_env(cfg, tc, log) == home
    assert [c.argv[1] for c in fake_run.calls] == ["-m", "-c"]
    assert cross_platform_tag(home) == "wasi_0_0_0_wasm32"


def test_a_cross_pip_without_a_platform_is_an_error(
        cfg: Config, tmp_path: Path, log: Log, monkeypatch: pytest.MonkeyPatch,
        fake_run: FakeRun) -> None:
    monkeypatch.setattr(crossenv, "find_build_python", no_search)
    tc = toolchain(target_python(tmp_path, RUNNING))
    home = cross_home(cfg, tc)
    fake_run.on_crossenv = [home / "lib" / "subprocess-patch.py"]
    fake_run.platform_tag = ""
    with pytest.raises(ToolchainError) as info:
        ensure_cross_env(cfg, tc, log)
    assert info.value.message == "the cross environment's pip reported no platform tag"
    assert (info.value.package, info.value.step) == ("numpy", "crossenv")
    assert not (home / MARKER).exists()
    with pytest.raises(ToolchainError) as unknown:
        cross_platform_tag(home)
    assert unknown.value.message == f"the cross environment {home} has no recorded platform tag"

"""Tests of the stage helpers (wasixtasks.stages): the value renderers, the ``Build`` base
(environment scoping, generated files, ``@stage`` bookkeeping), the command lines of the
CMake, meson, configure, make and pip helpers, the post-install helpers and the library
check that follows every install.

No tool runs: ``wasixtasks.stages.build.run`` (the one function through which every helper
starts a process) is replaced by a recorder, and an autouse fixture fails any test that
tries to start a process anyway. The context is made by hand the way the pipelines make it."""

from __future__ import annotations

import ast
import configparser
import os
import stat
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from wasixtasks.errors import BuildError, CommandError, ToolchainError
from wasixtasks.recipe import Kind, Recipe, Url, declare
from wasixtasks.run import Completed, Log
from wasixtasks.stages import build as build_module
from wasixtasks.stages import pkgconfig
from wasixtasks.stages.build import (
    Build,
    BuildContext,
    DefineValue,
    cmake_type,
    cmake_value,
    meson_value,
)
from wasixtasks.stages.cmake import toolchain_file
from wasixtasks.stages.lib import LibBuild, finish_library
from wasixtasks.stages.meson import cross_file, option_args
from wasixtasks.stages.wheel import WheelBuild, WheelContext
from wasixtasks.toolchain.model import TargetPython, Toolchain

TOOLS = {
    "CC": "/opt/tc/bin/wasix-cc",
    "CXX": "/opt/tc/bin/wasix-c++",
    "AR": "/opt/tc/bin/wasix-ar",
    "RANLIB": "/opt/tc/bin/wasix-ranlib",
}
RUNNER = ("/usr/bin/python3", "-m", "wasixtasks.toolchain.runtime", "--cache", "/c/wasmer")
JOBSERVER = "-j --jobserver-auth=fifo:/tmp/wasixtasks-jobserver"
URL = "https://example.invalid/demo-1.2.3.tar.gz"



@dataclass(frozen=True)
class Call:
    """One command a helper ran: its arguments, folder, complete environment, inherited fds,
    and the step the log was in."""

    argv: list[str]
    cwd: Path | None
    env: dict[str, str]
    pass_fds: tuple[int, ...]
    step: str


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Every command the helpers run, recorded instead of run."""
    recorded: list[Call] = []

    def fake_run(argv: Sequence[str | os.PathLike[str]], *, log: Log, cwd: Path | None = None,
                 env: Mapping[str, str] | None = None, capture: bool = False,
                 check: bool = True, pass_fds: Sequence[int] = ()) -> Completed:
        recorded.append(Call([os.fspath(a) for a in argv], cwd, dict(env or {}),
                             tuple(pass_fds), log.step))
        return Completed(0, "")

    monkeypatch.setattr(build_module, "run", fake_run)
    return recorded


def make_recipe(kind: Kind = Kind.LIBRARY, name: str = "demo") -> Recipe:
    return declare(kind, None, name=name, version="1.2.3", source=Url(URL, sha256="0" * 64))


def make_toolchain() -> Toolchain:
    return Toolchain(profile="self-built", tools=dict(TOOLS), runner=RUNNER)


@dataclass(frozen=True)
class Dirs:
    source: Path
    sysroot: Path
    destdir: Path
    log: Path


@pytest.fixture
def dirs(tmp_path: Path) -> Dirs:
    d = Dirs(tmp_path / "pkgs" / "demo.build", tmp_path / "pkgs" / "demo.sysroot",
             tmp_path / "pkgs" / "demo.lib.partial", tmp_path / "pkgs" / "demo.log")
    d.source.mkdir(parents=True)
    d.sysroot.mkdir()
    d.destdir.mkdir()
    return d


def make_ctx(dirs: Dirs, *, env: Mapping[str, str] | None = None, jobs: int = 4,
             kind: Kind = Kind.LIBRARY) -> BuildContext:
    log = Log("demo", dirs.log, quiet=True)
    log.open(truncate=True)
    return BuildContext(recipe=make_recipe(kind), toolchain=make_toolchain(), log=log,
                        source_dir=dirs.source, sysroot=dirs.sysroot,
                        env=dict(env if env is not None else {"PATH": "/usr/bin",
                                                               "CFLAGS": "-O2"}),
                        destdir=dirs.destdir, jobs=jobs, pass_fds=(7, 8))


@pytest.fixture
def lib(dirs: Dirs) -> LibBuild:
    return LibBuild(make_ctx(dirs))


def installed(dirs: Dirs, rel: str, text: str = "") -> Path:
    path = dirs.destdir / rel.lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "cmake", "ctype", "meson"),
    [
        (True, "ON", "BOOL", "true"),
        (False, "OFF", "BOOL", "false"),
        (3, "3", "STRING", "3"),
        (0, "0", "STRING", "0"),
        ("Release", "Release", "STRING", "Release"),
        ("", "", "STRING", ""),
        (Path("/usr/local/share"), "/usr/local/share", "PATH", "/usr/local/share"),
        (["a", "b"], "a;b", "STRING", "a,b"),
        (("x", Path("/p/q")), "x;/p/q", "STRING", "x,/p/q"),
        ([], "", "STRING", ""),
    ],
    ids=["true", "false", "int", "zero", "str", "empty-str", "path", "list", "tuple-with-path",
         "empty-list"],
)
def test_define_values(value: DefineValue, cmake: str, ctype: str, meson: str) -> None:
    assert cmake_value(value) == cmake
    assert cmake_type(value) == ctype
    assert meson_value(value) == meson


# --------------------------------------------------------------------------- Build


def test_build_exposes_the_recipe_and_layout(dirs: Dirs) -> None:
    b = Build(make_ctx(dirs, jobs=6))
    assert (b.name, b.version, b.jobs) == ("demo", "1.2.3", 6)
    assert b.source_dir == dirs.source
    assert b.sysroot == dirs.sysroot
    assert (b.prefix, b.libdir, b.includedir) == (
        "/usr/local", "/usr/local/lib/wasm32-wasi", "/usr/local/include")
    assert b.env_value("CFLAGS") == "-O2"
    assert b.env_value("UNSET") == ""


def test_run_uses_the_build_folder_and_environment(dirs: Dirs, calls: list[Call]) -> None:
    b = Build(make_ctx(dirs))
    b.step("compile")
    b.run("cc", Path("a b.c"), "-o", "out")
    b.run("make", cwd="sub", env={"CFLAGS": "-O0", "V": "1"})
    first, second = calls
    assert first.argv == ["cc", "a b.c", "-o", "out"]
    assert first.cwd == dirs.source
    assert first.env == {"PATH": "/usr/bin", "CFLAGS": "-O2"}
    assert first.pass_fds == (7, 8)
    assert first.step == "compile"
    assert second.cwd == dirs.source / "sub"
    assert second.env == {"PATH": "/usr/bin", "CFLAGS": "-O0", "V": "1"}
    # a per-call env changes nothing afterwards
    assert b.env_value("CFLAGS") == "-O2"


def test_flags_append_for_the_block(dirs: Dirs, calls: list[Call]) -> None:
    b = Build(make_ctx(dirs))
    with b.flags(cflags=["-DA", "-DB"], ldflags=["-lm"]):
        assert b.env_value("CFLAGS") == "-O2 -DA -DB"
        assert b.env_value("LDFLAGS") == "-lm"  # no leading blank when there was nothing
        assert b.env_value("CPPFLAGS") == ""  # not given: not set
        with b.flags(cflags=["-DC"], cppflags=["-Iinc"]):
            assert b.env_value("CFLAGS") == "-O2 -DA -DB -DC"
            assert b.env_value("CPPFLAGS") == "-Iinc"
        assert b.env_value("CFLAGS") == "-O2 -DA -DB"
        assert "CPPFLAGS" not in b._ctx.env
        b.run("make")
    assert calls[0].env["CFLAGS"] == "-O2 -DA -DB"
    assert b._ctx.env == {"PATH": "/usr/bin", "CFLAGS": "-O2"}


def test_flags_and_environment_restore_after_an_exception(dirs: Dirs) -> None:
    b = Build(make_ctx(dirs))
    with pytest.raises(RuntimeError, match="boom"):
        with b.flags(cxxflags=["-fno-rtti"]):
            assert b.env_value("CXXFLAGS") == "-fno-rtti"
            raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        with b.environment(CFLAGS="-O0", NEW="1"):
            assert (b.env_value("CFLAGS"), b.env_value("NEW")) == ("-O0", "1")
            raise RuntimeError("boom")
    assert b._ctx.env == {"PATH": "/usr/bin", "CFLAGS": "-O2"}


def test_environment_sets_and_restores(dirs: Dirs, calls: list[Call]) -> None:
    b = Build(make_ctx(dirs))
    with b.environment(CHOST="wasm32-wasi", CFLAGS="-Os"):
        b.run("./configure")
    b.run("make")
    assert calls[0].env == {"PATH": "/usr/bin", "CFLAGS": "-Os", "CHOST": "wasm32-wasi"}
    assert calls[1].env == {"PATH": "/usr/bin", "CFLAGS": "-O2"}


def test_write_puts_generated_files_in_the_build_folder(dirs: Dirs) -> None:
    b = Build(make_ctx(dirs))
    path = b.write("sub/dir/cross.ini", "[binaries]\n")
    assert path == dirs.source / ".wasixtasks" / "sub" / "dir" / "cross.ini"
    assert path.read_text() == "[binaries]\n"
    assert b.write("sub/dir/cross.ini", "again\n").read_text() == "again\n"


def test_build_python(dirs: Dirs, tmp_path: Path) -> None:
    ctx = make_ctx(dirs)
    ctx.find_python = lambda version: tmp_path / f"python{version}" if version == "3.13" else None
    b = Build(ctx)
    assert b.build_python("3.13") == tmp_path / "python3.13"
    b.step("configure")
    with pytest.raises(ToolchainError) as info:
        b.build_python("3.12")
    err = info.value
    assert err.message == "no build-machine Python 3.12 found"
    assert (err.package, err.step, err.log) == ("demo", "configure", dirs.log)
    assert err.hint is not None
    assert "pyenv install 3.12" in err.hint and "build-python" in err.hint


def test_build_python_default_finds_nothing(dirs: Dirs) -> None:
    with pytest.raises(ToolchainError, match="no build-machine Python 3.13"):
        Build(make_ctx(dirs)).build_python("3.13")


def test_stage_records_the_helpers_module(dirs: Dirs, calls: list[Call]) -> None:
    ctx = make_ctx(dirs)
    b = LibBuild(ctx)
    b.write("x", "")
    b.run("true")
    assert ctx.used_modules == set()  # plain Build methods are not stage helpers
    b.make()
    assert ctx.used_modules == {"wasixtasks.stages.make"}
    b.autotools()  # configure + make + make install
    assert ctx.used_modules == {"wasixtasks.stages.make", "wasixtasks.stages.autotools"}
    installed(dirs, "/usr/local/include/demo.h", "old")
    b.substitute("/usr/local/include/demo.h", "old", "new")
    b.cmake()
    b.meson()
    assert ctx.used_modules == {f"wasixtasks.stages.{m}" for m in
                                ("make", "autotools", "install", "cmake", "meson")}


def test_stage_keeps_the_helpers_name_and_doc() -> None:
    assert LibBuild.cmake.__name__ == "cmake"
    assert LibBuild.make.__doc__ is not None and "job slots" in LibBuild.make.__doc__


# --------------------------------------------------------------------------- cmake


def test_cmake_toolchain_file(tmp_path: Path) -> None:
    sysroot = tmp_path / "demo.sysroot"
    text = toolchain_file(make_toolchain(), sysroot)
    lines = text.splitlines()
    for line in ("set(CMAKE_SYSTEM_NAME WASI)", "set(CMAKE_SYSTEM_PROCESSOR wasm32)",
                 "set(UNIX 1)",
                 f'set(CMAKE_C_COMPILER "{TOOLS["CC"]}")',
                 f'set(CMAKE_CXX_COMPILER "{TOOLS["CXX"]}")',
                 f'set(CMAKE_ASM_COMPILER "{TOOLS["CC"]}")',
                 f'set(CMAKE_AR "{TOOLS["AR"]}" CACHE FILEPATH "")',
                 f'set(CMAKE_RANLIB "{TOOLS["RANLIB"]}" CACHE FILEPATH "")',
                 f'set(CMAKE_FIND_ROOT_PATH "{sysroot}/usr/local" "{sysroot}")',
                 'set(CMAKE_LIBRARY_ARCHITECTURE "wasm32-wasi")',
                 "set(CMAKE_POSITION_INDEPENDENT_CODE ON)"):
        assert line in lines, line
    # the runner as a CMake list: each of its arguments one element
    assert f'set(CMAKE_CROSSCOMPILING_EMULATOR "{";".join(RUNNER)}")' in lines
    modes = {
        line.removeprefix("set(CMAKE_FIND_ROOT_PATH_MODE_").removesuffix(")").split()[0]:
        line.removesuffix(")").split()[1]
        for line in lines if line.startswith("set(CMAKE_FIND_ROOT_PATH_MODE_")
    }
    assert modes == {"PROGRAM": "NEVER", "LIBRARY": "ONLY", "INCLUDE": "ONLY", "PACKAGE": "ONLY"}
    assert text.endswith("\n")


def test_cmake_commands(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.cmake({"FOO": True, "BAR": False, "N": 3, "X": ["a", "b"], "P": Path("/usr/share"),
               "S": "text"})
    configure, build, install = calls
    tc_file = dirs.source / ".wasixtasks" / "toolchain.cmake"
    assert tc_file.read_text() == toolchain_file(make_toolchain(), dirs.sysroot)
    cmake_build = dirs.source / "_wasixtasks_cmake"
    assert configure.argv == [
        "cmake", "-S", str(dirs.source / "."), "-B", str(cmake_build), "-G", "Ninja",
        f"-DCMAKE_TOOLCHAIN_FILE={tc_file}",
        "-DCMAKE_BUILD_TYPE=Release",
        "-DCMAKE_INSTALL_PREFIX=/usr/local",
        "-DCMAKE_INSTALL_LIBDIR=lib/wasm32-wasi",
        "-DCMAKE_INSTALL_INCLUDEDIR=include",
        "-DBUILD_SHARED_LIBS:BOOL=OFF",
        "-DFOO:BOOL=ON", "-DBAR:BOOL=OFF", "-DN:STRING=3", "-DX:STRING=a;b",
        "-DP:PATH=/usr/share", "-DS:STRING=text",
    ]
    assert configure.step == "cmake configure"
    assert build.argv == ["cmake", "--build", str(cmake_build), "--parallel", "4"]
    assert build.step == "cmake build"
    assert install.argv == ["cmake", "--install", str(cmake_build)]
    assert install.step == "install"
    assert install.env["DESTDIR"] == str(dirs.destdir)
    assert "DESTDIR" not in configure.env and "DESTDIR" not in build.env


def test_cmake_options(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.cmake(source="runtimes", shared=True, build_type="MinSizeRel", prefix="/sysroot",
              libdir="/sysroot/lib/wasm32-wasi", includedir="/sysroot/include", install=False,
              env={"VERBOSE": "1"})
    assert len(calls) == 2  # no install
    configure = calls[0].argv
    assert configure[1:3] == ["-S", str(dirs.source / "runtimes")]
    for arg in ("-DCMAKE_BUILD_TYPE=MinSizeRel", "-DCMAKE_INSTALL_PREFIX=/sysroot",
                "-DCMAKE_INSTALL_LIBDIR=lib/wasm32-wasi", "-DCMAKE_INSTALL_INCLUDEDIR=include",
                "-DBUILD_SHARED_LIBS:BOOL=ON"):
        assert arg in configure, arg
    assert all(c.env["VERBOSE"] == "1" for c in calls)


def test_cmake_leaves_parallelism_to_the_jobserver(dirs: Dirs, calls: list[Call]) -> None:
    b = LibBuild(make_ctx(dirs, env={"PATH": "/usr/bin", "MAKEFLAGS": JOBSERVER}))
    b.cmake()
    assert calls[1].argv == ["cmake", "--build", str(dirs.source / "_wasixtasks_cmake")]


# --------------------------------------------------------------------------- meson


def read_machine_file(text: str) -> dict[str, dict[str, object]]:
    """Read a meson machine file the way meson does: configparser (``=`` only, no
    interpolation, case-sensitive keys), then each value as a literal; ``true``/``false``
    are its booleans (meson's string escapes and lists are a subset of Python's)."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string(text)
    out: dict[str, dict[str, object]] = {}
    for sect in parser.sections():
        out[sect] = {key: raw == "true" if raw in ("true", "false") else ast.literal_eval(raw)
                     for key, raw in parser.items(sect)}
    return out


def test_meson_cross_file(tmp_path: Path) -> None:
    sysroot = tmp_path / "demo.sysroot"
    parsed = read_machine_file(cross_file(make_toolchain(), sysroot))
    assert parsed["host_machine"] == {"system": "wasi", "cpu_family": "wasm32", "cpu": "wasm32",
                                      "endian": "little"}
    assert parsed["binaries"] == {"c": TOOLS["CC"], "cpp": TOOLS["CXX"], "ar": TOOLS["AR"],
                                  "ranlib": TOOLS["RANLIB"], "pkg-config": "pkg-config",
                                  "exe_wrapper": list(RUNNER)}
    props = parsed["properties"]
    assert props["needs_exe_wrapper"] is True
    assert props["skip_sanity_check"] is True
    assert props["longdouble_format"] == "IEEE_QUAD_LE"
    assert props["sys_root"] == str(sysroot)
    assert props["pkg_config_libdir"] == f"{sysroot}/usr/local/lib/wasm32-wasi/pkgconfig"


def test_meson_cross_file_quotes_awkward_paths(tmp_path: Path) -> None:
    odd = tmp_path / "it's a \\dir; # with = % signs"
    tools = {var: str(odd / f"bin/{var.lower()}'s") for var in TOOLS}
    tc = Toolchain(profile="self-built", tools=tools, runner=(str(odd / "run'ner"), "--x='y'"))
    parsed = read_machine_file(cross_file(tc, odd / "sys'root"))
    assert parsed["binaries"]["c"] == tools["CC"]
    assert parsed["binaries"]["exe_wrapper"] == [str(odd / "run'ner"), "--x='y'"]
    assert parsed["properties"]["sys_root"] == str(odd / "sys'root")


def test_meson_option_args() -> None:
    assert option_args({"tests": False, "docs": True, "n": 2, "langs": ["c", "cpp"],
                        "dir": Path("/usr/share"), "name": "x"}) == [
        "-Dtests=false", "-Ddocs=true", "-Dn=2", "-Dlangs=c,cpp", "-Ddir=/usr/share", "-Dname=x"]
    assert option_args(None) == []
    assert option_args({}) == []


def test_meson_commands(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.meson({"tests": False, "langs": ["c"]}, env={"V": "1"})
    setup, compile_, install = calls
    cross = dirs.source / ".wasixtasks" / "cross.ini"
    assert cross.read_text() == cross_file(make_toolchain(), dirs.sysroot)
    build = str(dirs.source / "_wasixtasks_meson")
    assert setup.argv == [
        "meson", "setup", build, str(dirs.source), f"--cross-file={cross}", "--prefix=/usr/local",
        "--libdir=lib/wasm32-wasi", "--includedir=include", "--buildtype=release",
        "--default-library=static", "-Dtests=false", "-Dlangs=c"]
    assert compile_.argv == ["meson", "compile", "-C", build, "-j", "4"]
    assert install.argv == ["meson", "install", "-C", build, "--destdir", str(dirs.destdir)]
    assert [c.step for c in calls] == ["meson setup", "meson build", "install"]
    assert all(c.env["V"] == "1" for c in calls)


def test_meson_leaves_parallelism_to_the_jobserver(dirs: Dirs, calls: list[Call]) -> None:
    LibBuild(make_ctx(dirs, env={"MAKEFLAGS": JOBSERVER})).meson()
    assert calls[1].argv == ["meson", "compile", "-C", str(dirs.source / "_wasixtasks_meson")]


# --------------------------------------------------------------------------- configure


def test_configure_defaults(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.configure("--without-docs", Path("--with-x=/opt"))
    [call] = calls
    assert call.argv == [
        "./configure", "--prefix=/usr/local",
        # literal variables: the generated .pc files keep them
        "--libdir=${exec_prefix}/lib/wasm32-wasi", "--includedir=${prefix}/include",
        "--host=wasm32-wasi", "--enable-static", "--disable-shared",
        "--disable-dependency-tracking",
        "--without-docs", "--with-x=/opt",
    ]
    assert call.cwd == dirs.source
    assert call.step == "configure"


def test_configure_for_hand_written_scripts(lib: LibBuild, calls: list[Call]) -> None:
    lib.configure("--static", autotools=False, env={"CHOST": "wasm32-wasi"})
    lib.configure(autotools=False, layout=False, script="Configure")
    assert calls[0].argv == ["./configure", "--prefix=/usr/local",
                             "--libdir=${exec_prefix}/lib/wasm32-wasi",
                             "--includedir=${prefix}/include", "--static"]
    assert calls[0].env["CHOST"] == "wasm32-wasi"
    assert calls[1].argv == ["./Configure", "--prefix=/usr/local"]
    assert "CHOST" not in calls[1].env


def test_configure_out_of_tree(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.configure("--foo", cwd="_build", layout=False)
    [call] = calls
    assert (dirs.source / "_build").is_dir()
    assert call.cwd == dirs.source / "_build"
    assert call.argv[:2] == ["../configure", "--prefix=/usr/local"]  # srcdir stays relative
    assert call.argv[-1] == "--foo"


def test_configure_uses_the_toolchains_host_triple(dirs: Dirs, calls: list[Call]) -> None:
    ctx = make_ctx(dirs)
    ctx.toolchain = Toolchain(profile="self-built", tools=dict(TOOLS), runner=RUNNER,
                              host_triple="wasm32-unknown-wasi")
    LibBuild(ctx).configure()
    assert "--host=wasm32-unknown-wasi" in calls[0].argv


def test_autotools_flow(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.autotools("--disable-docs", install_target="install-lib")
    configure, make, install = calls
    assert configure.argv[0] == "./configure" and configure.argv[-1] == "--disable-docs"
    assert make.argv == ["make", "-j4"]
    assert install.argv == ["make", "install-lib", f"DESTDIR={dirs.destdir}"]


# --------------------------------------------------------------------------- make


def test_make(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    lib.make()
    lib.make("libz.a", "shared", vars={"CFLAGS": "-O3 -fPIC", "AR": "wasix-ar"}, cwd="src",
             env={"V": "1"})
    lib.make("check", parallel=False)
    plain, targets, serial = calls
    assert plain.argv == ["make", "-j4"]
    assert plain.step == "make"
    assert plain.cwd == dirs.source
    # variables on the command line win over the Makefile's own assignments
    assert targets.argv == ["make", "-j4", "libz.a", "shared", "CFLAGS=-O3 -fPIC", "AR=wasix-ar"]
    assert targets.step == "make libz.a shared"
    assert targets.cwd == dirs.source / "src"
    assert targets.env["V"] == "1"
    assert serial.argv == ["make", "-j1", "check"]


def test_make_with_a_jobserver(dirs: Dirs, calls: list[Call]) -> None:
    b = LibBuild(make_ctx(dirs, env={"MAKEFLAGS": JOBSERVER}))
    b.make("all")
    b.make("check", parallel=False)
    assert calls[0].argv == ["make", "all"]  # the slots come from the jobserver
    assert calls[0].env["MAKEFLAGS"] == JOBSERVER
    assert calls[0].pass_fds == (7, 8)
    assert calls[1].argv == ["make", "-j1", "check"]


def test_make_install(lib: LibBuild, dirs: Dirs, calls: list[Call]) -> None:
    assert lib.destdir == dirs.destdir
    lib.make_install()
    lib.make_install("-C", "lib", target="install-strip", vars={"PREFIX": "/usr/local"},
                     cwd="src")
    assert calls[0].argv == ["make", "install", f"DESTDIR={dirs.destdir}"]
    assert calls[0].step == "install"
    assert calls[1].argv == ["make", "install-strip", f"DESTDIR={dirs.destdir}",
                             "PREFIX=/usr/local", "-C", "lib"]
    assert calls[1].cwd == dirs.source / "src"


# --------------------------------------------------------------------------- install helpers


def test_substitute_literal(lib: LibBuild, dirs: Dirs) -> None:
    path = installed(dirs, "/usr/local/include/demo.h",
                     "#define A 1.0\n#define B 1x0\n#define C 1.0\n")
    lib.substitute("/usr/local/include/demo.h", "1.0", r"2.0 \1 $x")
    # every occurrence, the dot literal (1x0 untouched), the replacement taken as written
    assert path.read_text() == "#define A 2.0 \\1 $x\n#define B 1x0\n#define C 2.0 \\1 $x\n"


def test_substitute_regex(lib: LibBuild, dirs: Dirs) -> None:
    path = installed(dirs, "/usr/local/lib/wasm32-wasi/pkgconfig/demo.pc",
                     "Libs: -L${libdir} -ldemo -lm -lpthread\n")
    lib.substitute("/usr/local/lib/wasm32-wasi/pkgconfig/demo.pc", r" -l(m|pthread)\b", "",
                   regex=True)
    assert path.read_text() == "Libs: -L${libdir} -ldemo\n"


def test_substitute_errors(lib: LibBuild, dirs: Dirs) -> None:
    lib.step("fix headers")
    with pytest.raises(BuildError) as info:
        lib.substitute("/usr/local/include/missing.h", "a", "b")
    err = info.value
    assert err.message == "substitute: /usr/local/include/missing.h was not installed"
    assert (err.package, err.step, err.log) == ("demo", "fix headers", dirs.log)
    installed(dirs, "/usr/local/include/demo.h", "int x;\n")
    with pytest.raises(BuildError, match="'y' not found in /usr/local/include/demo.h"):
        lib.substitute("/usr/local/include/demo.h", "y", "z")
    with pytest.raises(BuildError, match="not found"):
        lib.substitute("/usr/local/include/demo.h", "in.", "z")  # literal: the dot is a dot
    assert (dirs.destdir / "usr/local/include/demo.h").read_text() == "int x;\n"


def test_write_pc(lib: LibBuild, dirs: Dirs) -> None:
    path = lib.write_pc("demo", libs="-ldemo", description="a demo library",
                        requires=["zlib", "libpng"], requires_private=["bzip2"],
                        libs_private="-lm")
    assert path == dirs.destdir / "usr/local/lib/wasm32-wasi/pkgconfig/demo.pc"
    text = path.read_text()
    assert text == textwrap.dedent("""\
        prefix=/usr/local
        exec_prefix=${prefix}
        libdir=${exec_prefix}/lib/wasm32-wasi
        includedir=${prefix}/include

        Name: demo
        Description: a demo library
        Version: 1.2.3
        Requires: zlib libpng
        Requires.private: bzip2
        Libs: -L${libdir} -ldemo
        Libs.private: -lm
        Cflags: -I${includedir}
        """)
    assert pkgconfig.lint(text, [dirs.source, dirs.destdir, dirs.sysroot]) == []
    assert pkgconfig.rewrite(text) == text  # already in the convention


def test_write_pc_minimal(lib: LibBuild) -> None:
    text = lib.write_pc("gif", libs="-lgif", version="5.2", cflags="-I${includedir}/gif").read_text()
    fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    assert fields == {"Name": "gif", "Description": "gif", "Version": "5.2",
                      "Libs": "-L${libdir} -lgif", "Cflags": "-I${includedir}/gif"}
    assert pkgconfig.lint(text, []) == []


def test_remove(lib: LibBuild, dirs: Dirs) -> None:
    a = installed(dirs, "/usr/local/lib/wasm32-wasi/liba.la")
    b = installed(dirs, "/usr/local/lib/wasm32-wasi/libb.la")
    keep = installed(dirs, "/usr/local/lib/wasm32-wasi/liba.a")
    installed(dirs, "/usr/local/share/man/man1/demo.1")
    lib.remove("/usr/local/lib/wasm32-wasi/*.la", "usr/local/share")
    assert not a.exists() and not b.exists()
    assert keep.exists()
    assert not (dirs.destdir / "usr/local/share").exists()


def test_remove_without_a_match_fails(lib: LibBuild, dirs: Dirs) -> None:
    installed(dirs, "/usr/local/lib/wasm32-wasi/liba.a")
    with pytest.raises(BuildError, match="remove: nothing installed matches /usr/local/bin/\\*"):
        lib.remove("/usr/local/bin/*")
    assert (dirs.destdir / "usr/local/lib/wasm32-wasi/liba.a").exists()


def test_symlink(lib: LibBuild, dirs: Dirs) -> None:
    installed(dirs, "/usr/local/lib/wasm32-wasi/libz.a", "archive")
    lib.symlink("libz.a", "/usr/local/lib/wasm32-wasi/libzlib.a")
    link = dirs.destdir / "usr/local/lib/wasm32-wasi/libzlib.a"
    assert link.is_symlink()
    assert os.readlink(link) == "libz.a"  # relative, as given
    assert link.read_text() == "archive"
    # an existing file or link is replaced; missing folders are made
    lib.symlink("../lib/wasm32-wasi/libz.a", "/usr/local/lib/wasm32-wasi/libzlib.a")
    assert os.readlink(link) == "../lib/wasm32-wasi/libz.a"
    lib.symlink("/usr/local/bin/tool", "/usr/local/sbin/tool")
    assert os.readlink(dirs.destdir / "usr/local/sbin/tool") == "/usr/local/bin/tool"


def test_install_copies_with_a_mode(lib: LibBuild, dirs: Dirs, tmp_path: Path) -> None:
    (dirs.source / "tools").mkdir()
    (dirs.source / "tools" / "gen.sh").write_text("#!/bin/sh\n")
    outside = tmp_path / "extra.h"
    outside.write_text("#define EXTRA 1\n")
    script = lib.install("tools/gen.sh", "/usr/local/bin/gen", mode=0o755)
    header = lib.install(outside, "/usr/local/include/extra.h")
    assert script == dirs.destdir / "usr/local/bin/gen"
    assert script.read_text() == "#!/bin/sh\n"
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    assert header.read_text() == "#define EXTRA 1\n"
    assert stat.S_IMODE(header.stat().st_mode) == 0o644


# --------------------------------------------------------------------------- finish_library


EXPANDED_PC = """\
prefix=/usr/local
libdir=/usr/local/lib/wasm32-wasi
includedir=/usr/local/include

Name: demo
Description: demo
Version: 1.2.3
Libs: -L/usr/local/lib/wasm32-wasi -ldemo
Cflags: -I/usr/local/include
"""


def test_finish_library_rewrites_pc_files_and_drops_la(lib: LibBuild, dirs: Dirs) -> None:
    pcdir = "/usr/local/lib/wasm32-wasi/pkgconfig"
    installed(dirs, f"{pcdir}/demo.pc", EXPANDED_PC)
    installed(dirs, f"{pcdir}/a-demo.pc", EXPANDED_PC.replace("demo", "a-demo"))
    installed(dirs, "/usr/local/lib/wasm32-wasi/libdemo.la", f"libdir='{dirs.destdir}'\n")
    installed(dirs, "/usr/local/lib/wasm32-wasi/libdemo.a", "!<arch>\n")
    assert finish_library(lib) == ["a-demo.pc", "demo.pc"]
    assert not (dirs.destdir / "usr/local/lib/wasm32-wasi/libdemo.la").exists()
    assert (dirs.destdir / "usr/local/lib/wasm32-wasi/libdemo.a").exists()
    text = (dirs.destdir / pcdir.lstrip("/") / "demo.pc").read_text()
    assert text == pkgconfig.rewrite(EXPANDED_PC)
    assert pkgconfig.lint(text, []) == []
    assert "Libs: -L${libdir} -ldemo" in text.splitlines()
    other = (dirs.destdir / pcdir.lstrip("/") / "a-demo.pc").read_text()
    assert other == pkgconfig.rewrite(EXPANDED_PC.replace("demo", "a-demo"))
    assert pkgconfig.lint(other, []) == []
    assert "Libs: -L${libdir} -ldemo" in dirs.log.read_text()  # the result is logged
    assert lib._ctx.log.step == "check"


def test_finish_library_refuses_a_build_path(lib: LibBuild, dirs: Dirs) -> None:
    installed(dirs, "/usr/local/lib/wasm32-wasi/pkgconfig/demo.pc",
              EXPANDED_PC.replace("Cflags: -I/usr/local/include",
                                  f"Cflags: -I/usr/local/include -I{dirs.source}/include"))
    with pytest.raises(BuildError) as info:
        finish_library(lib)
    err = info.value
    assert err.message.startswith("demo.pc: ")
    assert str(dirs.source) in err.message
    assert (err.package, err.step, err.log) == ("demo", "check", dirs.log)


@pytest.mark.parametrize("where", [None, "/opt/demo/lib/libdemo.a"], ids=["empty", "outside"])
def test_finish_library_refuses_an_empty_install(lib: LibBuild, dirs: Dirs,
                                                 where: str | None) -> None:
    if where is not None:
        installed(dirs, where, "!<arch>\n")
    with pytest.raises(BuildError) as info:
        finish_library(lib)
    assert info.value.message == f"the install put nothing under /usr/local in {dirs.destdir}"


def test_finish_toolchain_package(dirs: Dirs) -> None:
    b = LibBuild(make_ctx(dirs, kind=Kind.TOOLCHAIN))
    odd_pc = "prefix=/sysroot\nName: c\nLibs: -lc\n"
    pc = installed(dirs, "/sysroot/lib/wasm32-wasi/pkgconfig/c.pc", odd_pc)
    installed(dirs, "/sysroot/lib/wasm32-wasi/libc++.la", "junk")
    installed(dirs, "/sysroot/lib/wasm32-wasi/libc.a", "!<arch>\n")
    assert finish_library(b, toolchain_package=True) == []
    assert not (dirs.destdir / "sysroot/lib/wasm32-wasi/libc++.la").exists()
    assert pc.read_text() == odd_pc  # not a /usr/local sysroot: left as installed


def test_finish_empty_toolchain_package(dirs: Dirs) -> None:
    b = LibBuild(make_ctx(dirs, kind=Kind.TOOLCHAIN))
    with pytest.raises(BuildError) as info:
        finish_library(b, toolchain_package=True)
    assert info.value.message == f"the install put nothing under {dirs.destdir}"
    assert info.value.step == "check"


# --------------------------------------------------------------------------- wheels


@pytest.fixture
def wheel_ctx(dirs: Dirs, tmp_path: Path) -> WheelContext:
    log = Log("demo", dirs.log, quiet=True)
    target = TargetPython("3.13", tmp_path / "py", tmp_path / "py/include/python3.13",
                          tmp_path / "py/lib/python3.13/_sysconfigdata__wasi.py", None, None)
    return WheelContext(recipe=make_recipe(Kind.WHEEL), toolchain=make_toolchain(), log=log,
                        source_dir=dirs.source, sysroot=dirs.sysroot,
                        env={"PATH": "/usr/bin", "MAKEFLAGS": "-j4"}, jobs=4,
                        cross_python=tmp_path / "cross" / "bin" / "python",
                        out_dir=tmp_path / "pkgs" / "demo.wheel", target=target)


PIP = ["-m", "pip", "wheel", "-v", "--no-deps", "--no-cache-dir", "--disable-pip-version-check", "-w"]


def test_pip_wheel(wheel_ctx: WheelContext, dirs: Dirs, calls: list[Call]) -> None:
    b = WheelBuild(wheel_ctx)
    assert b.target_python.tag == "cp313"
    assert wheel_ctx.built is False
    b.pip_wheel("--verbose", config_settings={"a": "1", "b": ["x", "y z"]}, env={"V": "1"})
    assert wheel_ctx.built is True
    [call] = calls
    assert call.argv == [str(wheel_ctx.cross_python), *PIP, str(wheel_ctx.out_dir),
                         "--config-settings=a=1", "--config-settings=b=x",
                         "--config-settings=b=y z", "--verbose", str(dirs.source)]
    assert call.cwd == dirs.source
    assert call.env == {"PATH": "/usr/bin", "MAKEFLAGS": "-j4", "V": "1"}
    assert call.step == "wheel"
    assert wheel_ctx.used_modules == {"wasixtasks.stages.wheel"}


def test_pip_wheel_without_isolation(wheel_ctx: WheelContext, dirs: Dirs,
                                     calls: list[Call]) -> None:
    WheelBuild(wheel_ctx).pip_wheel(isolation=False)
    assert calls[0].argv == [str(wheel_ctx.cross_python), *PIP, str(wheel_ctx.out_dir),
                             "--no-build-isolation", str(dirs.source)]


def test_setuptools_is_an_isolated_pip_wheel(wheel_ctx: WheelContext, dirs: Dirs,
                                             calls: list[Call]) -> None:
    WheelBuild(wheel_ctx).setuptools(config_settings={"--build-option": "--no-cython"})
    assert calls[0].argv == [str(wheel_ctx.cross_python), *PIP, str(wheel_ctx.out_dir),
                             "--config-settings=--build-option=--no-cython", str(dirs.source)]
    assert wheel_ctx.built


def test_wheel_meson_passes_the_cross_file_and_typed_options(wheel_ctx: WheelContext, dirs: Dirs,
                                                             calls: list[Call]) -> None:
    WheelBuild(wheel_ctx).meson({"blas": "none", "allow-noblas": True, "cpu-dispatch": ["none"]},
                                setup_args=["-Dbuildtype=release"])
    cross = dirs.source / ".wasixtasks" / "cross.ini"
    assert cross.read_text() == cross_file(make_toolchain(), dirs.sysroot)
    [call] = calls
    settings = [a.removeprefix("--config-settings=") for a in call.argv
                if a.startswith("--config-settings=")]
    assert settings == [
        f"setup-args=--cross-file={cross}",
        "setup-args=-Dblas=none", "setup-args=-Dallow-noblas=true", "setup-args=-Dcpu-dispatch=none",
        "setup-args=-Dbuildtype=release",
        f"build-dir={dirs.source / '_wasixtasks_meson'}",
    ]
    assert call.argv[-1] == str(dirs.source)
    assert wheel_ctx.built


def test_wheel_not_built_when_pip_fails(wheel_ctx: WheelContext,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_run(argv: Sequence[str | os.PathLike[str]], **kwargs: object) -> Completed:
        raise CommandError("`python` exited with 1", returncode=1,
                           argv=[os.fspath(a) for a in argv])

    monkeypatch.setattr(build_module, "run", failing_run)
    with pytest.raises(CommandError):
        WheelBuild(wheel_ctx).pip_wheel()
    assert wheel_ctx.built is False


def test_cmake_prefix_override_keeps_the_seed_subfolders(lib: LibBuild, calls: list[Call]) -> None:
    lib.cmake(prefix="/opt/demo", install=False)
    assert "-DCMAKE_INSTALL_PREFIX=/opt/demo" in calls[0].argv
    assert "-DCMAKE_INSTALL_LIBDIR=lib/wasm32-wasi" in calls[0].argv
    assert "-DCMAKE_INSTALL_INCLUDEDIR=include" in calls[0].argv
    with pytest.raises(ValueError, match="not under the prefix"):
        lib.cmake(prefix="/opt/demo", libdir="/usr/local/lib", install=False)

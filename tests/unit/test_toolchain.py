"""Tests of wasixtasks.toolchain: the build environment, the meson cross file and CMake
toolchain file a profile writes, the fingerprint, and profile detection (wasix vs stand-in).

Nothing here runs a compiler: the wasix environments are dicts handed to the functions (with a
PATH of temporary folders), the tools are empty files."""

from __future__ import annotations

import ast
import configparser
import shutil
import stat
from pathlib import Path

import pytest

from tests.helpers.project import install_fake_toolchain, make_project
from wasixtasks.config import Config, load_config
from wasixtasks.errors import ToolchainError
from wasixtasks.toolchain import (
    TargetPython,
    Toolchain,
    active_toolchain,
    standin_toolchain,
    wasix_python,
)

TOOLS = {
    "CC": "/opt/tc/bin/wasi-cc",
    "CXX": "/opt/tc/bin/wasi-c++",
    "AR": "/opt/tc/bin/wasi-ar",
    "RANLIB": "/opt/tc/bin/wasi-ranlib",
}
#: Compiler and search-path settings of a developer's shell that must not reach a build.
LEAKING = {
    "PKG_CONFIG_PATH": "/usr/lib/x86_64-linux-gnu/pkgconfig",
    "CPATH": "/usr/include/host",
    "C_INCLUDE_PATH": "/usr/include/host-c",
    "CPLUS_INCLUDE_PATH": "/usr/include/host-c++",
    "LIBRARY_PATH": "/usr/lib/host",
    "CFLAGS": "-march=native",
    "CXXFLAGS": "-march=native -std=gnu++98",
    "LDFLAGS": "-L/usr/lib/host",
    "CPPFLAGS": "-I/usr/include/host",
}


def make_toolchain(
    home: Path,
    *,
    tools: dict[str, str] | None = None,
    runner: tuple[str, ...] = ("/opt/tc/bin/wasi-run",),
    profile: str = "stand-in",
    identity: dict[str, str] | None = None,
    extra_env: dict[str, str] | None = None,
) -> Toolchain:
    return Toolchain(
        profile=profile,
        home=home,
        tools=dict(TOOLS if tools is None else tools),
        runner=runner,
        host_triple="wasm32-unknown-wasi",
        platform_tag="wasi_wasm32",
        python=None,
        identity=dict(identity or {}),
        extra_env=dict(extra_env or {}),
    )


def executable(folder: Path, name: str) -> Path:
    """An empty executable file ``folder/name`` (found by shutil.which, never run)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def make_wasix_python(root: Path, *, version: str = "3.13",
                      ext_suffix: str | None = ".cpython-313-wasm32-wasi.so") -> Path:
    """A WASIX CPython install tree as wasix_python looks for it (headers + sysconfig data)."""
    (root / "include" / f"python{version}").mkdir(parents=True)
    stdlib = root / "lib" / f"python{version}"
    stdlib.mkdir(parents=True)
    entries = [f"'VERSION': '{version}'", "'SOABI': 'cpython-313-wasm32-wasi'"]
    if ext_suffix is not None:
        entries.append(f"'EXT_SUFFIX': '{ext_suffix}'")
    (stdlib / "_sysconfigdata__wasi_wasm32-wasi.py").write_text(
        "# system configuration generated and used by the sysconfig module\n"
        "build_time_vars = {" + ",\n ".join(entries) + "}\n"
    )
    return root


# --------------------------------------------------------------------------- env


def test_env_sets_tools_path_and_sysroot_flags(tmp_path: Path) -> None:
    tc = make_toolchain(tmp_path / "home")
    sysroot = tmp_path / "pkgs" / "foo.sysroot"
    env = tc.env(sysroot, base={"PATH": "/usr/bin:/bin", "HOME": "/home/dev", "CC": "gcc"})

    for var, tool in TOOLS.items():
        assert env[var] == tool, var  # the caller's CC=gcc is replaced
    assert env["PATH"].split(":") == [str(tmp_path / "home" / "bin"), "/usr/bin", "/bin"]
    assert env["HOME"] == "/home/dev"  # unrelated settings pass through
    assert env["CPPFLAGS"] == f"-I{sysroot}/usr/local/include"
    assert env["LDFLAGS"] == f"-L{sysroot}/usr/local/lib/wasm32-wasi"
    assert env["PKG_CONFIG_SYSROOT_DIR"] == str(sysroot)
    libdirs = env["PKG_CONFIG_LIBDIR"].split(":")
    assert libdirs == [
        f"{sysroot}/usr/local/lib/wasm32-wasi/pkgconfig",
        f"{sysroot}/usr/local/share/pkgconfig",
    ]
    assert env["CMAKE_PREFIX_PATH"] == f"{sysroot}/usr/local"
    assert "WASIX_FORCE_STATIC_DEPENDENCIES" not in env


def test_env_drops_the_callers_compiler_and_search_settings(tmp_path: Path) -> None:
    tc = make_toolchain(tmp_path / "home")
    sysroot = tmp_path / "sysroot"
    env = tc.env(sysroot, base={"PATH": "/usr/bin", **LEAKING})

    for var in ("PKG_CONFIG_PATH", "CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH", "LIBRARY_PATH"):
        assert var not in env, f"{var} leaked into the build environment"
    # the flag variables exist, but hold only what the toolchain sets
    for var in ("CFLAGS", "CXXFLAGS", "LDFLAGS", "CPPFLAGS"):
        assert env[var] != LEAKING[var], var
        assert "host" not in env[var] and "native" not in env[var], (var, env[var])
    # and no value anywhere points into the host's search folders
    assert not [k for k, v in env.items() if "/usr/include/host" in v or "/usr/lib/host" in v]


def test_env_does_not_modify_the_base_mapping(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", **LEAKING}
    before = dict(base)
    make_toolchain(tmp_path / "home").env(tmp_path / "sysroot", base=base)
    assert base == before


def test_env_static_sets_the_seeds_variable(tmp_path: Path) -> None:
    env = make_toolchain(tmp_path / "home").env(tmp_path / "s", static=True, base={"PATH": "/bin"})
    assert env["WASIX_FORCE_STATIC_DEPENDENCIES"] == "true"


def test_env_extra_env_of_the_profile_is_applied_last(tmp_path: Path) -> None:
    tc = make_toolchain(tmp_path / "home", extra_env={"ZIG_GLOBAL_CACHE_DIR": "/zc", "CFLAGS": "-O0"})
    env = tc.env(tmp_path / "s", base={"PATH": "/bin"})
    assert env["ZIG_GLOBAL_CACHE_DIR"] == "/zc"
    assert env["CFLAGS"] == "-O0"


def test_env_of_the_fake_standin_profile(fake_toolchain: Toolchain, tmp_path: Path) -> None:
    env = fake_toolchain.env(tmp_path / "s", base={"PATH": "/bin"})
    home = fake_toolchain.home
    assert env["CC"] == str(home / "bin" / "wasi-cc")
    assert env["AR"] == str(home / "bin" / "wasi-ar")
    assert env["ZIG_GLOBAL_CACHE_DIR"] == str(home / "zig-cache")


# --------------------------------------------------------------------------- meson


def read_machine_file(text: str) -> dict[str, dict[str, object]]:
    """Read a meson machine file the way meson does: configparser (``=`` only, no
    interpolation, case-sensitive keys), then each value as a literal. Meson's string escapes
    (``\\'``, ``\\\\``) and lists are a subset of Python's literal syntax; ``true`` and
    ``false`` are its booleans."""
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    parser.read_string(text)
    out: dict[str, dict[str, object]] = {}
    for sect in parser.sections():
        values: dict[str, object] = {}
        for key, raw in parser.items(sect):
            if raw in ("true", "false"):
                values[key] = raw == "true"
            else:
                values[key] = ast.literal_eval(raw)
        out[sect] = values
    return out


def test_meson_cross_file_values(tmp_path: Path) -> None:
    tc = make_toolchain(tmp_path / "home", runner=("/opt/wasmer", "run"))
    sysroot = tmp_path / "foo.sysroot"
    parsed = read_machine_file(tc.meson_cross_file(sysroot))

    host = parsed["host_machine"]
    assert host == {"system": "wasi", "cpu_family": "wasm32", "cpu": "wasm32", "endian": "little"}
    props = parsed["properties"]
    assert props["longdouble_format"] == "IEEE_QUAD_LE"
    assert props["needs_exe_wrapper"] is True
    assert props["sys_root"] == str(sysroot)
    assert props["pkg_config_libdir"] == f"{sysroot}/usr/local/lib/wasm32-wasi/pkgconfig"
    binaries = parsed["binaries"]
    assert binaries["c"] == TOOLS["CC"]
    assert binaries["cpp"] == TOOLS["CXX"]
    assert binaries["ar"] == TOOLS["AR"]
    assert binaries["ranlib"] == TOOLS["RANLIB"]
    assert binaries["exe_wrapper"] == ["/opt/wasmer", "run"]


def test_meson_cross_file_quotes_awkward_paths(tmp_path: Path) -> None:
    odd = tmp_path / "it's a \\dir; # with = % signs"
    tools = {var: str(odd / f"bin/{var.lower()}'s") for var in TOOLS}
    tc = make_toolchain(odd / "home", tools=tools, runner=(str(odd / "run'ner"), "--flag='x'"))
    sysroot = odd / "sys'root"
    parsed = read_machine_file(tc.meson_cross_file(sysroot))

    assert parsed["binaries"]["c"] == tools["CC"]
    assert parsed["binaries"]["cpp"] == tools["CXX"]
    assert parsed["binaries"]["exe_wrapper"] == [str(odd / "run'ner"), "--flag='x'"]
    assert parsed["properties"]["sys_root"] == str(sysroot)
    assert parsed["properties"]["pkg_config_libdir"] == str(
        sysroot / "usr/local/lib/wasm32-wasi/pkgconfig"
    )


# --------------------------------------------------------------------------- cmake


def test_cmake_toolchain_file(tmp_path: Path) -> None:
    tc = make_toolchain(tmp_path / "home", runner=("/opt/wasmer", "run"))
    sysroot = tmp_path / "foo.sysroot"
    lines = tc.cmake_toolchain_file(sysroot).splitlines()

    assert "set(CMAKE_SYSTEM_NAME WASI)" in lines
    assert "set(CMAKE_SYSTEM_PROCESSOR wasm32)" in lines
    assert f'set(CMAKE_C_COMPILER "{TOOLS["CC"]}")' in lines
    assert f'set(CMAKE_CXX_COMPILER "{TOOLS["CXX"]}")' in lines
    assert f'set(CMAKE_AR "{TOOLS["AR"]}" CACHE FILEPATH "")' in lines
    assert f'set(CMAKE_RANLIB "{TOOLS["RANLIB"]}" CACHE FILEPATH "")' in lines
    # a CMake list: the runner's arguments are separate elements
    assert 'set(CMAKE_CROSSCOMPILING_EMULATOR "/opt/wasmer;run")' in lines
    assert f'set(CMAKE_FIND_ROOT_PATH "{sysroot}/usr/local" "{sysroot}")' in lines
    modes = {
        line.removeprefix("set(CMAKE_FIND_ROOT_PATH_MODE_").removesuffix(")").split()[0]:
        line.removesuffix(")").split()[1]
        for line in lines
        if line.startswith("set(CMAKE_FIND_ROOT_PATH_MODE_")
    }
    assert modes == {"PROGRAM": "NEVER", "LIBRARY": "ONLY", "INCLUDE": "ONLY", "PACKAGE": "ONLY"}
    assert 'set(CMAKE_LIBRARY_ARCHITECTURE "wasm32-wasi")' in lines


# --------------------------------------------------------------------------- fingerprint


def test_fingerprint_is_stable_for_the_same_identity(tmp_path: Path) -> None:
    a = make_toolchain(tmp_path / "a", identity={"ziglang": "0.17.1", "wasmtime": "50.0.1"})
    # another home and another key order: still the same compiler
    b = make_toolchain(tmp_path / "b", identity={"wasmtime": "50.0.1", "ziglang": "0.17.1"})
    assert a.fingerprint() == a.fingerprint() == b.fingerprint()
    assert len(a.fingerprint()) == 32


def test_fingerprint_changes_with_identity_and_profile(tmp_path: Path) -> None:
    base = {"ziglang": "0.17.1", "wasmtime": "50.0.1"}
    ref = make_toolchain(tmp_path, identity=base).fingerprint()
    variants = [
        make_toolchain(tmp_path, identity={**base, "ziglang": "0.17.2"}),
        make_toolchain(tmp_path, identity={**base, "cmake": "4.4.4"}),
        make_toolchain(tmp_path, identity={"ziglang": "0.17.1"}),
        make_toolchain(tmp_path, identity=base, profile="wasix"),
    ]
    prints = [t.fingerprint() for t in variants]
    assert ref not in prints
    assert len(set(prints)) == len(prints)


def test_standin_fingerprint_follows_the_manifest(cfg: Config) -> None:
    before = standin_toolchain(cfg).fingerprint()
    assert standin_toolchain(cfg).fingerprint() == before
    install_fake_toolchain(cfg.root, identity={"ziglang": "0.18.0"})
    assert standin_toolchain(cfg).fingerprint() != before


# --------------------------------------------------------------------------- profiles


@pytest.fixture
def auto_cfg(cfg: Config) -> Config:
    return cfg.with_(toolchain="auto")


def wasix_clang_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What `source wasix-clang/activate` sets (WASMER left out), PATH an empty folder."""
    sysroot = tmp_path / "wasix-sysroot"
    sysroot.mkdir(exist_ok=True)
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    return {
        "CC": "/x/wasix-clang",
        "CXX": "/x/wasix-clang++",
        "AR": "/x/wasix-ar",
        "RANLIB": "/x/wasix-ranlib",
        "NM": "/x/wasix-nm",
        "WASIX_SYSROOT": str(sysroot),
        "PATH": str(empty),
        **extra,
    }


def test_auto_picks_wasix_from_an_activated_wasix_clang(auto_cfg: Config, tmp_path: Path) -> None:
    env = wasix_clang_env(tmp_path)
    tc = active_toolchain(auto_cfg, env)
    assert tc.profile == "wasix"
    assert tc.platform_tag == "wasix_wasm32"
    assert tc.host_triple == "wasm32-wasi"
    assert tc.tools == {
        "CC": "/x/wasix-clang", "CXX": "/x/wasix-clang++", "AR": "/x/wasix-ar",
        "RANLIB": "/x/wasix-ranlib", "NM": "/x/wasix-nm",
    }
    assert tc.base_sysroot == tmp_path / "wasix-sysroot"
    assert tc.extra_env == {"WASIX_SYSROOT": str(tmp_path / "wasix-sysroot")}
    assert tc.home == auto_cfg.toolchain_dir / "wasix"
    # Wasmer is neither in WASMER nor on PATH: that is the one problem
    assert len(tc.problems) == 1
    assert "Wasmer" in tc.problems[0]
    with pytest.raises(ToolchainError, match="Wasmer"):
        tc.require()


def test_wasix_with_wasmer_set_or_on_path(auto_cfg: Config, tmp_path: Path) -> None:
    tc = active_toolchain(auto_cfg, wasix_clang_env(tmp_path, WASMER="/opt/wasmer/bin/wasmer"))
    assert tc.problems == ()
    assert tc.runner == ("/opt/wasmer/bin/wasmer", "run")
    tc.require()

    env = wasix_clang_env(tmp_path)
    wasmer = executable(Path(env["PATH"]), "wasmer")
    tc = active_toolchain(auto_cfg, env)
    assert tc.problems == ()
    assert tc.runner == (str(wasmer), "run")


def test_wasix_sysroot_that_is_not_a_folder(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    cfg = load_config(make_project(tmp_path)).with_(toolchain="wasix")
    env = wasix_clang_env(tmp_path, WASMER="/opt/wasmer", WASIX_SYSROOT=str(tmp_path / "nowhere"))
    tc = active_toolchain(cfg, env)
    assert tc.profile == "wasix"
    assert [p for p in tc.problems if "WASIX_SYSROOT" in p], tc.problems


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"CC": "gcc", "WASIX_SYSROOT": "/opt/sysroot"},  # a host compiler
        {"CC": "/x/wasix-clang"},  # no sysroot: not an activated environment
    ],
    ids=["nothing", "host-cc", "no-sysroot"],
)
def test_auto_without_wasix_hints_is_standin(
    auto_cfg: Config, tmp_path: Path, env: dict[str, str]
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    tc = active_toolchain(auto_cfg, {**env, "PATH": str(empty)})
    assert tc.profile == "stand-in"
    assert tc.platform_tag == "wasi_wasm32"
    assert tc.tools["CC"] == str(auto_cfg.toolchain_dir / "bin" / "wasi-cc")


def test_configured_standin_wins_over_a_wasix_environment(cfg: Config, tmp_path: Path) -> None:
    assert cfg.toolchain == "stand-in"
    assert active_toolchain(cfg, wasix_clang_env(tmp_path)).profile == "stand-in"


def test_wasixcc_on_path(auto_cfg: Config, tmp_path: Path) -> None:
    bindir = tmp_path / "wasixcc-bin"
    names = {"CC": "wasixcc", "CXX": "wasix++", "AR": "wasixar", "RANLIB": "wasixranlib",
             "NM": "wasixnm", "LD": "wasixld"}
    paths = {var: executable(bindir, exe) for var, exe in names.items()}
    sysroot = tmp_path / "sysroot"
    sysroot.mkdir()
    env = {"PATH": str(bindir), "WASIX_SYSROOT": str(sysroot), "WASMER": "/opt/wasmer"}

    tc = active_toolchain(auto_cfg, env)
    assert tc.profile == "wasix"
    assert tc.platform_tag == "wasix_wasm32"
    assert tc.tools == {var: str(path) for var, path in paths.items()}
    assert tc.extra_env["WASIXCC_PIC"] == "yes"
    assert tc.extra_env["WASIX_SYSROOT"] == str(sysroot)
    assert tc.problems == ()
    # the build environment carries it
    built = tc.env(tmp_path / "pkg.sysroot", base=env)
    assert built["WASIXCC_PIC"] == "yes"
    assert built["CC"] == str(paths["CC"])


def test_wasixcc_alone_reports_the_missing_family_members(auto_cfg: Config, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir, "wasixcc")
    tc = active_toolchain(auto_cfg, {"PATH": str(bindir), "WASMER": "/opt/wasmer"})
    assert tc.profile == "wasix"
    missing = sorted(p.split()[0] for p in tc.problems if "not set: `source wasix-clang" in p)
    assert missing == ["AR", "CXX", "RANLIB"]
    assert any("WASIX_SYSROOT" in p for p in tc.problems)


def test_wasix_identity_changes_with_the_compiler(auto_cfg: Config, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    for exe in ("wasixcc", "wasix++", "wasixar", "wasixranlib"):
        executable(bindir, exe)
    (tmp_path / "sysroot").mkdir()
    env = {"PATH": str(bindir), "WASIX_SYSROOT": str(tmp_path / "sysroot"), "WASMER": "/w"}
    before = active_toolchain(auto_cfg, env).fingerprint()
    assert active_toolchain(auto_cfg, env).fingerprint() == before
    (bindir / "wasixcc").write_text("#!/bin/sh\n# a newer compiler\n")
    assert active_toolchain(auto_cfg, env).fingerprint() != before


# --------------------------------------------------------------------------- target python


def test_wasix_python_from_config(cfg: Config, tmp_path: Path) -> None:
    root = make_wasix_python(tmp_path / "wasix-cpython")
    py = wasix_python(cfg.with_(wasix_python=root), {})
    assert py is not None
    assert py.version == "3.13"
    assert py.tag == "cp313"
    assert py.include_dir == root / "include" / "python3.13"
    assert py.stdlib_dir == root / "lib" / "python3.13"
    assert py.sysconfigdata == root / "lib" / "python3.13" / "_sysconfigdata__wasi_wasm32-wasi.py"
    assert py.ext_suffix == ".cpython-313-wasm32-wasi.so"
    assert py.python_wasm is None


def test_wasix_python_from_environment(cfg: Config, tmp_path: Path) -> None:
    root = make_wasix_python(tmp_path / "wasix-cpython")
    (root / "bin").mkdir()
    (root / "bin" / "python3.13.wasm").write_bytes(b"\0asm\1\0\0\0")
    assert cfg.wasix_python is None
    py = wasix_python(cfg, {"WASIX_PYTHON": str(root)})
    assert py is not None
    assert py.tag == "cp313"
    assert py.python_wasm == root / "bin" / "python3.13.wasm"


def test_wasix_python_config_wins_over_environment(cfg: Config, tmp_path: Path) -> None:
    configured = make_wasix_python(tmp_path / "configured", version="3.13")
    other = make_wasix_python(tmp_path / "other", version="3.12", ext_suffix=".other.so")
    py = wasix_python(cfg.with_(wasix_python=configured), {"WASIX_PYTHON": str(other)})
    assert py is not None and py.include_dir.is_relative_to(configured)


def test_wasix_python_absent_or_incomplete(cfg: Config, tmp_path: Path) -> None:
    assert wasix_python(cfg, {}) is None
    root = make_wasix_python(tmp_path / "no-sysconfig")
    for data in (root / "lib" / "python3.13").glob("_sysconfigdata_*.py"):
        data.unlink()
    assert wasix_python(cfg.with_(wasix_python=root), {}) is None


def test_ext_suffix_falls_back_to_so(tmp_path: Path) -> None:
    root = make_wasix_python(tmp_path / "py", ext_suffix=None)
    sysconfig = root / "lib/python3.13/_sysconfigdata__wasi_wasm32-wasi.py"
    py = TargetPython("3.13", root / "include/python3.13", root / "lib/python3.13", sysconfig, None)
    assert py.ext_suffix == ".so"


def test_active_wasix_toolchain_carries_the_wasix_python(auto_cfg: Config, tmp_path: Path) -> None:
    root = make_wasix_python(tmp_path / "wasix-cpython")
    tc = active_toolchain(auto_cfg, wasix_clang_env(tmp_path, WASIX_PYTHON=str(root), WASMER="/w"))
    assert tc.profile == "wasix"
    assert tc.python is not None
    assert tc.python.tag == "cp313"
    assert tc.python.ext_suffix == ".cpython-313-wasm32-wasi.so"


# --------------------------------------------------------------------------- stand-in


def test_standin_on_an_empty_toolchain_dir(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    cfg = load_config(make_project(tmp_path, fake_toolchain=False))
    tc = standin_toolchain(cfg)
    assert tc.profile == "stand-in"
    assert tc.python is None
    assert tc.problems
    assert "manifest.json missing" in tc.problems[0]
    assert all("invoke toolchain.setup" in p for p in tc.problems), tc.problems
    with pytest.raises(ToolchainError) as info:
        tc.require()
    err = info.value
    assert "toolchain `stand-in` is not usable" in err.message
    assert "invoke toolchain.setup" in err.message
    assert err.step == "toolchain"
    assert err.hint is not None and "toolchain.doctor" in err.hint
    assert err.exit_code == 9


def test_standin_without_its_python(cfg: Config) -> None:
    shutil.rmtree(cfg.toolchain_dir / "python")
    tc = standin_toolchain(cfg)
    assert tc.python is None
    assert len(tc.problems) == 1
    assert "WASI CPython missing" in tc.problems[0]
    assert "invoke toolchain.setup" in tc.problems[0]


def test_standin_fake_toolchain_is_usable(fake_toolchain: Toolchain) -> None:
    fake_toolchain.require()  # no exception
    assert fake_toolchain.python is not None
    assert fake_toolchain.python.tag == "cp311"
    assert fake_toolchain.platform_tag == "wasi_wasm32"
    assert fake_toolchain.runner == (str(fake_toolchain.bin_dir / "wasi-run"),)

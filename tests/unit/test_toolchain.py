"""Tests of wasixtasks.toolchain (besides the driver scripts, tests/unit/test_drivers.py):
the toolchain model, profile detection and the wasix-clang environment, the target and build
Pythons, the build environment, self-built roots and the runtime's command line.

Nothing here starts a process (the autouse fixture below fails any test that tries): the
wasix-clang environments are dicts with tools as empty executable files, the interpreters are
fake install layouts, roots are assembled from tiny packed trees, and the runtime's ``main``
runs with ``run_wasm`` replaced."""

from __future__ import annotations

import importlib.metadata
import io
import os
import re
import sys
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from wasixtasks.archive import pack_tar_xz
from wasixtasks.config import Config
from wasixtasks.errors import ToolchainError, UnsafeArchiveError
from wasixtasks.toolchain import runtime
from wasixtasks.toolchain.drivers import Root, compiler_script, tools_of
from wasixtasks.toolchain.env import SOURCE_DATE_EPOCH, build_env
from wasixtasks.toolchain.model import HOST_TRIPLE, PLATFORM_TAG, TargetPython, Toolchain
from wasixtasks.toolchain.profiles import (
    SELF_BUILT,
    WASIX_CLANG,
    active_profile,
    find_build_python,
    root_toolchain,
    runner,
    self_built_identity,
    user_python,
    wasix_clang_detected,
    wasix_clang_toolchain,
)
from wasixtasks.toolchain.root import (
    COMPLETE,
    ensure_root,
    fill_root,
    root_key,
    zig_version,
    ziglang_dir,
)
from wasixtasks.toolchain.runtime import Content, RunResult, map_tree

TOOLS = {
    "CC": "/opt/tc/bin/wasix-cc",
    "CXX": "/opt/tc/bin/wasix-c++",
    "AR": "/opt/tc/bin/wasix-ar",
    "RANLIB": "/opt/tc/bin/wasix-ranlib",
}
#: Compiler, search-path and Python settings of a developer's shell that must not reach a build.
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
    "MAKEFLAGS": "-j64",
    "MFLAGS": "-j64",
    "CONFIG_SITE": "/etc/host-config.site",
    "PYTHONPATH": "/usr/lib/host-python",
    "PYTHONHOME": "/usr",
    "_PYTHON_HOST_PLATFORM": "linux-x86_64",
    "_PYTHON_SYSCONFIGDATA_NAME": "_sysconfigdata_host",
}
#: A CPython version that is not the one running the tests (so ``sys.executable`` is never
#: a candidate of ``find_build_python`` unless a test makes it one).
OTHER = "3.13" if sys.version_info[:2] != (3, 13) else "3.12"
RUNNING = "%d.%d" % sys.version_info[:2]



def make_toolchain(
    *,
    profile: str = SELF_BUILT,
    tools: Mapping[str, str] | None = None,
    identity: Mapping[str, str] | None = None,
    extra_env: Mapping[str, str] | None = None,
    problems: Sequence[str] = (),
    sysroot: Path | None = None,
) -> Toolchain:
    return Toolchain(
        profile=profile,
        tools=dict(TOOLS if tools is None else tools),
        runner=("/usr/bin/python3", "-m", "wasixtasks.toolchain.runtime"),
        sysroot=sysroot,
        identity=dict(identity or {}),
        extra_env=dict(extra_env or {}),
        problems=tuple(problems),
    )


def executable(folder: Path, name: str, text: str = "") -> Path:
    """An executable file ``folder/name`` (found by shutil.which, never run)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


def sysconfig_text(ext_suffix: str | None, quote: str = "'") -> str:
    entries = [f"{quote}SOABI{quote}: {quote}cpython-313-wasm32-wasi{quote}"]
    if ext_suffix is not None:
        entries.append(f"{quote}EXT_SUFFIX{quote}:  {quote}{ext_suffix}{quote}")
    return ("# system configuration generated and used by the sysconfig module\n"
            "build_time_vars = {" + ",\n ".join(entries) + "}\n")


def make_target_python(root: Path, *, version: str = "3.13",
                       ext_suffix: str | None = ".cpython-313-wasm32-wasi.so") -> Path:
    """A WASIX CPython install tree as TargetPython.find looks for it."""
    (root / "include" / f"python{version}").mkdir(parents=True)
    stdlib = root / "lib" / f"python{version}"
    stdlib.mkdir(parents=True)
    (stdlib / "_sysconfigdata__wasi_wasm32-wasi.py").write_text(sysconfig_text(ext_suffix))
    return root


def fake_interpreter(prefix: Path, version: str, *, stdlib: str | None = None) -> Path:
    """``prefix/bin/python<version>`` (an executable file) with ``lib/python<stdlib>/os.py``."""
    lib = prefix / "lib" / f"python{stdlib or version}"
    lib.mkdir(parents=True, exist_ok=True)
    (lib / "os.py").write_text("# the stdlib's os module\n")
    return executable(prefix / "bin", f"python{version}")


# --------------------------------------------------------------------------- model


def test_fingerprint_is_stable_for_the_same_identity() -> None:
    a = make_toolchain(identity={"zig": "0.17.1", "drivers": "abc"})
    # other tool paths and another key order: still the same compiler
    b = make_toolchain(tools={var: f"/elsewhere/{var}" for var in TOOLS},
                       identity={"drivers": "abc", "zig": "0.17.1"})
    assert a.fingerprint() == a.fingerprint() == b.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{32}", a.fingerprint())


def test_fingerprint_changes_with_identity_and_profile() -> None:
    base = {"zig": "0.17.1", "drivers": "abc"}
    ref = make_toolchain(identity=base).fingerprint()
    variants = [
        make_toolchain(identity={**base, "zig": "0.17.2"}),
        make_toolchain(identity={**base, "drivers": "abd"}),
        make_toolchain(identity={**base, "wasix-libc": "1"}),
        make_toolchain(identity={"zig": "0.17.1"}),
        make_toolchain(identity=base, profile=WASIX_CLANG),
    ]
    prints = [t.fingerprint() for t in variants]
    assert ref not in prints
    assert len(set(prints)) == len(prints)


def test_require_passes_without_problems() -> None:
    make_toolchain().require("zlib")  # no exception


def test_require_raises_the_first_problem() -> None:
    tc = make_toolchain(profile=WASIX_CLANG, problems=["CC not set", "WASIX_SYSROOT missing"])
    with pytest.raises(ToolchainError) as info:
        tc.require("zlib")
    err = info.value
    assert err.message == "toolchain `wasix-clang` is not usable: CC not set"
    assert "WASIX_SYSROOT" not in err.message
    assert err.package == "zlib"
    assert err.step == "toolchain"
    assert err.hint is not None and "toolchain.doctor" in err.hint
    assert err.exit_code == 9


def test_toolchain_defaults() -> None:
    tc = make_toolchain()
    assert tc.host_triple == HOST_TRIPLE == "wasm32-wasi"
    assert tc.platform_tag == PLATFORM_TAG == "wasix_wasm32"
    assert tc.python is None


@pytest.mark.parametrize("quote", ["'", '"'])
def test_ext_suffix_from_sysconfig_data(tmp_path: Path, quote: str) -> None:
    data = tmp_path / "_sysconfigdata__wasi_wasm32-wasi.py"
    data.write_text(sysconfig_text(".cpython-313-wasm32-wasi.so", quote))
    py = TargetPython("3.13", tmp_path, tmp_path / "include", data, None, None)
    assert py.ext_suffix == ".cpython-313-wasm32-wasi.so"
    assert py.tag == "cp313"


def test_ext_suffix_falls_back_to_so(tmp_path: Path) -> None:
    data = tmp_path / "_sysconfigdata__wasi_wasm32-wasi.py"
    data.write_text(sysconfig_text(None))
    assert TargetPython("3.13", tmp_path, tmp_path, data, None, None).ext_suffix == ".so"


def test_target_python_find(tmp_path: Path) -> None:
    root = make_target_python(tmp_path / "cpython")
    py = TargetPython.find(root)
    assert py is not None
    assert py.version == "3.13"
    assert py.tag == "cp313"
    assert py.prefix == root
    assert py.include_dir == root / "include" / "python3.13"
    assert py.sysconfigdata == root / "lib" / "python3.13" / "_sysconfigdata__wasi_wasm32-wasi.py"
    assert py.ext_suffix == ".cpython-313-wasm32-wasi.so"
    assert py.python_wasm is None
    assert py.stdlib_zip is None


def test_runtime_libs_are_mapped_where_wasmers_loader_looks(tmp_path: Path) -> None:
    from wasixtasks.testing import python_files

    root = make_target_python(tmp_path / "cpython")
    (root / "bin").mkdir()
    (root / "bin" / "python3.13.wasm").write_bytes(b"\0asm\1\0\0\0")
    (root / "lib" / "python313.zip").write_bytes(b"PK\5\6" + b"\0" * 18)
    (root / "lib" / "libsqlite3.so.0").write_bytes(b"\0asm\1\0\0\0")
    (root / "lib" / "README").write_text("not a library")
    py = TargetPython.find(root)
    assert py is not None
    assert py.runtime_libs == (root / "lib" / "libsqlite3.so.0",)
    site = tmp_path / "site"
    (site / "demo").mkdir(parents=True)
    (site / "demo" / "__init__.py").write_text("")
    files = python_files(py, site)
    assert files["/usr/local/lib/libsqlite3.so.0"] == root / "lib" / "libsqlite3.so.0"
    assert files["/usr/local/lib/python313.zip"] == root / "lib" / "python313.zip"
    assert not any(guest.endswith("README") for guest in files)


def test_target_python_find_with_wasm_and_zipped_stdlib(tmp_path: Path) -> None:
    root = make_target_python(tmp_path / "cpython")
    (root / "bin").mkdir()
    (root / "bin" / "python3.13.wasm").write_bytes(b"\0asm\1\0\0\0")
    (root / "lib" / "python313.zip").write_bytes(b"PK\5\6" + b"\0" * 18)
    py = TargetPython.find(root)
    assert py is not None
    assert py.python_wasm == root / "bin" / "python3.13.wasm"
    assert py.stdlib_zip == root / "lib" / "python313.zip"


def test_target_python_find_needs_headers_and_sysconfig_data(tmp_path: Path) -> None:
    assert TargetPython.find(tmp_path / "nothing") is None
    root = make_target_python(tmp_path / "no-sysconfig")
    for data in (root / "lib" / "python3.13").glob("_sysconfigdata_*.py"):
        data.unlink()
    assert TargetPython.find(root) is None
    headerless = make_target_python(tmp_path / "no-headers")
    (headerless / "include" / "python3.13").rmdir()
    assert TargetPython.find(headerless) is None


# --------------------------------------------------------------------------- profiles


def empty_path(tmp_path: Path) -> str:
    folder = tmp_path / "empty-path"
    folder.mkdir(exist_ok=True)
    return str(folder)


def activated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What `source wasix-clang/activate` sets: tools as executable files in tmp, a sysroot
    folder, PATH an empty folder."""
    bindir = tmp_path / "wasix-clang" / "bin"
    sysroot = tmp_path / "wasix-clang" / "sysroot"
    (sysroot / "lib" / "wasm32-wasi").mkdir(parents=True, exist_ok=True)
    names = {"CC": "wasix-clang", "CXX": "wasix-clang++", "AR": "wasix-ar",
             "RANLIB": "wasix-ranlib", "NM": "wasix-nm", "LD": "wasix-ld"}
    env = {var: str(executable(bindir, exe)) for var, exe in names.items()}
    return {**env, "WASIX_SYSROOT": str(sysroot), "PATH": empty_path(tmp_path), **extra}


@pytest.fixture
def auto_cfg(cfg: Config) -> Config:
    return cfg.with_(toolchain="auto")


def test_detected_from_an_activated_environment(tmp_path: Path) -> None:
    env = {"CC": "/x/wasix-clang", "WASIX_SYSROOT": "/opt/sysroot", "PATH": empty_path(tmp_path)}
    assert wasix_clang_detected(env)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"CC": "gcc", "WASIX_SYSROOT": "/opt/sysroot"},  # a host compiler
        {"CC": "/x/wasix-clang"},  # no sysroot: not an activated environment
        {"WASIX_SYSROOT": "/opt/sysroot"},
    ],
    ids=["nothing", "host-cc", "no-sysroot", "sysroot-only"],
)
def test_not_detected_without_the_hints(tmp_path: Path, env: dict[str, str]) -> None:
    assert not wasix_clang_detected({**env, "PATH": empty_path(tmp_path)})


def test_detected_from_wasixcc_on_path(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir, "wasixcc")
    assert wasix_clang_detected({"PATH": f"{empty_path(tmp_path)}{os.pathsep}{bindir}"})
    # a file that is not executable is not a program
    (bindir / "wasixcc").chmod(0o644)
    assert not wasix_clang_detected({"PATH": str(bindir)})


def test_auto_profile_follows_the_environment(auto_cfg: Config, tmp_path: Path) -> None:
    assert active_profile(auto_cfg, activated_env(tmp_path)) == WASIX_CLANG
    assert active_profile(auto_cfg, {"PATH": empty_path(tmp_path)}) == SELF_BUILT


def test_a_configured_profile_wins(cfg: Config, tmp_path: Path) -> None:
    assert cfg.toolchain == SELF_BUILT  # the test project forces it
    assert active_profile(cfg, activated_env(tmp_path)) == SELF_BUILT
    forced = cfg.with_(toolchain=WASIX_CLANG)
    assert active_profile(forced, {"PATH": empty_path(tmp_path)}) == WASIX_CLANG


def test_runner_runs_the_runtime_module_with_the_wasmer_cache(cfg: Config) -> None:
    assert runner(cfg) == (sys.executable, "-m", "wasixtasks.toolchain.runtime",
                           "--cache", str(cfg.cache_dir / "wasmer"))


def test_wasix_clang_toolchain_from_an_activated_environment(cfg: Config, tmp_path: Path) -> None:
    env = activated_env(tmp_path)
    tc = wasix_clang_toolchain(cfg, env)
    assert tc.profile == WASIX_CLANG
    assert tc.problems == ()
    tc.require()
    assert tc.tools == {var: env[var] for var in ("CC", "CXX", "AR", "RANLIB", "NM", "LD")}
    assert tc.sysroot == Path(env["WASIX_SYSROOT"])
    assert tc.extra_env == {"WASIX_SYSROOT": env["WASIX_SYSROOT"]}
    assert tc.runner == runner(cfg)
    assert tc.python is None
    assert set(tc.identity) == {"CC", "CXX", "AR", "RANLIB", "NM", "LD", "sysroot"}
    assert env["CC"] in tc.identity["CC"]


def test_wasix_clang_identity_follows_the_compiler(cfg: Config, tmp_path: Path) -> None:
    env = activated_env(tmp_path)
    before = wasix_clang_toolchain(cfg, env).fingerprint()
    assert wasix_clang_toolchain(cfg, env).fingerprint() == before
    Path(env["CC"]).write_text("#!/bin/sh\n# a newer compiler\n")
    assert wasix_clang_toolchain(cfg, env).fingerprint() != before


def test_wasix_clang_without_an_environment(cfg: Config, tmp_path: Path) -> None:
    tc = wasix_clang_toolchain(cfg, {"PATH": empty_path(tmp_path)})
    assert tc.tools == {}
    missing = [p.split()[0] for p in tc.problems if "not set: `source wasix-clang" in p]
    assert missing == ["CC", "CXX", "AR", "RANLIB"]
    assert any("WASIX_SYSROOT" in p for p in tc.problems)
    assert tc.sysroot is None
    with pytest.raises(ToolchainError, match="CC not set"):
        tc.require()


def test_wasix_sysroot_that_is_not_a_folder(cfg: Config, tmp_path: Path) -> None:
    env = activated_env(tmp_path, WASIX_SYSROOT=str(tmp_path / "nowhere"))
    tc = wasix_clang_toolchain(cfg, env)
    assert tc.problems == ("WASIX_SYSROOT is not set to a folder: activate wasix-clang",)


def test_wasixcc_on_path(cfg: Config, tmp_path: Path) -> None:
    bindir = tmp_path / "wasixcc-bin"
    names = {"CC": "wasixcc", "CXX": "wasix++", "AR": "wasixar", "RANLIB": "wasixranlib",
             "NM": "wasixnm", "LD": "wasixld"}
    paths = {var: executable(bindir, exe) for var, exe in names.items()}
    sysroot = tmp_path / "sysroot"
    sysroot.mkdir()
    tc = wasix_clang_toolchain(cfg, {"PATH": str(bindir), "WASIX_SYSROOT": str(sysroot)})
    assert tc.tools == {var: str(path) for var, path in paths.items()}
    assert tc.extra_env == {"WASIX_SYSROOT": str(sysroot), "WASIXCC_PIC": "yes"}
    assert tc.problems == ()


def test_wasixcc_alone_reports_the_missing_family_members(cfg: Config, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir, "wasixcc")
    (tmp_path / "sysroot").mkdir()
    tc = wasix_clang_toolchain(cfg, {"PATH": str(bindir), "WASIX_SYSROOT": str(tmp_path / "sysroot")})
    assert sorted(p.split()[0] for p in tc.problems) == ["AR", "CXX", "RANLIB"]


def test_wasix_clang_toolchain_carries_the_users_python(cfg: Config, tmp_path: Path) -> None:
    root = make_target_python(tmp_path / "wasix-cpython")
    tc = wasix_clang_toolchain(cfg, activated_env(tmp_path, WASIX_PYTHON=str(root)))
    assert tc.python is not None
    assert tc.python.prefix == root
    assert tc.python.ext_suffix == ".cpython-313-wasm32-wasi.so"


def test_user_python_from_config_or_environment(cfg: Config, tmp_path: Path) -> None:
    configured = make_target_python(tmp_path / "configured")
    other = make_target_python(tmp_path / "other", version="3.12")
    assert user_python(cfg, {}) is None
    from_env = user_python(cfg, {"WASIX_PYTHON": str(other)})
    assert from_env is not None and from_env.version == "3.12"
    # the configuration wins over the environment
    both = user_python(cfg.with_(wasix_python=configured), {"WASIX_PYTHON": str(other)})
    assert both is not None and both.prefix == configured and both.tag == "cp313"


def test_user_python_that_is_not_an_install(cfg: Config, tmp_path: Path) -> None:
    assert user_python(cfg, {"WASIX_PYTHON": str(tmp_path / "nowhere")}) is None


def test_root_toolchain(cfg: Config, tmp_path: Path) -> None:
    root = Root(tmp_path / "root")
    tc = root_toolchain(cfg, root, identity={"wasix-libc": "abc"})
    assert tc.profile == SELF_BUILT
    assert tc.tools == tools_of(root)
    assert tc.sysroot == root.sysroot
    assert tc.runner == runner(cfg)
    assert tc.identity == {**self_built_identity(), "wasix-libc": "abc"}
    assert tc.identity["zig"] == zig_version()
    assert tc.extra_env["ZIG_GLOBAL_CACHE_DIR"] == str(cfg.cache_dir / "zig")
    assert tc.problems == ()


# --------------------------------------------------------------------------- build python


@pytest.fixture
def no_pythons(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty PATH and an empty pyenv: nothing of the host is found. Returns PYENV_ROOT."""
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    monkeypatch.setenv("PYENV_ROOT", str(pyenv))
    monkeypatch.setenv("PATH", empty_path(tmp_path))
    return pyenv


def test_build_python_on_path(cfg: Config, tmp_path: Path, no_pythons: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_build_python(cfg, OTHER) is None
    python = fake_interpreter(tmp_path / "usr", OTHER)
    monkeypatch.setenv("PATH", os.pathsep.join([empty_path(tmp_path), str(python.parent)]))
    assert find_build_python(cfg, OTHER) == python


def test_build_python_through_a_link(cfg: Config, tmp_path: Path, no_pythons: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A link on PATH is judged by the install it points into."""
    python = fake_interpreter(tmp_path / "opt" / "py", OTHER)
    links = tmp_path / "links"
    links.mkdir()
    (links / f"python{OTHER}").symlink_to(python)
    monkeypatch.setenv("PATH", str(links))
    assert find_build_python(cfg, OTHER) == links / f"python{OTHER}"


def test_build_python_skips_shims_and_wrong_layouts(cfg: Config, tmp_path: Path,
                                                    no_pythons: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shims = fake_interpreter(tmp_path / "pyenv-home" / "shims" / "x", OTHER)  # .../shims/...
    wrong = fake_interpreter(tmp_path / "wrong", OTHER, stdlib="3.9")  # another stdlib
    not_exec = fake_interpreter(tmp_path / "noexec", OTHER)
    not_exec.chmod(0o644)
    monkeypatch.setenv("PATH", os.pathsep.join(str(p.parent) for p in (shims, wrong, not_exec)))
    assert find_build_python(cfg, OTHER) is None


def test_build_python_from_pyenv(cfg: Config, no_pythons: Path) -> None:
    python = fake_interpreter(no_pythons / "versions" / f"{OTHER}.1", OTHER)
    fake_interpreter(no_pythons / "versions" / "3.8.10", "3.8")  # another version
    assert find_build_python(cfg, OTHER) == python
    assert find_build_python(cfg, "3.7") is None


def test_configured_build_python_comes_first(cfg: Config, tmp_path: Path, no_pythons: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = fake_interpreter(tmp_path / "usr", OTHER)
    configured = fake_interpreter(tmp_path / "configured", OTHER)
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert find_build_python(cfg.with_(build_python=configured), OTHER) == configured
    # a configured interpreter of another version is passed over
    old = fake_interpreter(tmp_path / "old", "3.8")
    assert find_build_python(cfg.with_(build_python=old), OTHER) == on_path


def test_this_interpreter_when_its_version_matches(cfg: Config, tmp_path: Path,
                                                   no_pythons: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    me = fake_interpreter(tmp_path / "me", RUNNING)
    on_path = fake_interpreter(tmp_path / "usr", RUNNING)
    monkeypatch.setattr(sys, "executable", str(me))
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert find_build_python(cfg, RUNNING) == me


# --------------------------------------------------------------------------- build env


def test_env_tools_flags_and_sysroot(tmp_path: Path) -> None:
    tc = make_toolchain()
    sysroot = tmp_path / "pkgs" / "foo.sysroot"
    build = tmp_path / "pkgs" / "foo.build"
    env = build_env(tc, sysroot, build_dir=build,
                    base={"PATH": "/usr/bin:/bin", "HOME": "/home/dev", "CC": "gcc"})
    for var, tool in TOOLS.items():
        assert env[var] == tool, var  # the caller's CC=gcc is replaced
    assert env["HOME"] == "/home/dev"  # unrelated settings pass through
    assert env["CPPFLAGS"] == f"-I{sysroot}/usr/local/include"
    assert env["LDFLAGS"] == f"-L{sysroot}/usr/local/lib/wasm32-wasi"
    for var in ("CFLAGS", "CXXFLAGS"):
        assert env[var].split() == ["-O2", f"-ffile-prefix-map={build}=/usr/src/build",
                                    f"-ffile-prefix-map={sysroot}=/usr/src/sysroot"], var
    assert env["PKG_CONFIG_SYSROOT_DIR"] == str(sysroot)
    assert env["PKG_CONFIG_LIBDIR"].split(os.pathsep) == [
        f"{sysroot}/usr/local/lib/wasm32-wasi/pkgconfig",
        f"{sysroot}/usr/local/share/pkgconfig",
    ]
    assert env["CMAKE_PREFIX_PATH"] == f"{sysroot}/usr/local"
    assert env["SOURCE_DATE_EPOCH"] == SOURCE_DATE_EPOCH == "946684800"
    # without a compiler sysroot of its own, the package's sysroot is WASIX_SYSROOT
    assert env["WASIX_SYSROOT"] == str(sysroot)
    assert "WASIX_FORCE_STATIC_DEPENDENCIES" not in env


def test_env_path_order(tmp_path: Path) -> None:
    env = build_env(make_toolchain(), tmp_path / "s", build_dir=tmp_path / "b",
                    base={"PATH": "/usr/bin:/bin"})
    # the drivers, then this interpreter's folder (cmake, ninja, meson), then the caller's
    assert env["PATH"].split(os.pathsep) == [
        "/opt/tc/bin", str(Path(sys.executable).parent), "/usr/bin", "/bin"]


def test_env_path_lists_a_folder_once(tmp_path: Path) -> None:
    here = str(Path(sys.executable).parent)
    tools = {**TOOLS, "CC": f"{here}/wasix-cc"}
    env = build_env(make_toolchain(tools=tools), tmp_path / "s", build_dir=tmp_path / "b",
                    base={"PATH": "/bin"})
    assert env["PATH"].split(os.pathsep) == [here, "/bin"]


def test_env_removes_host_leaks(tmp_path: Path) -> None:
    env = build_env(make_toolchain(), tmp_path / "s", build_dir=tmp_path / "b",
                    base={"PATH": "/usr/bin", **LEAKING})
    for var in ("PKG_CONFIG_PATH", "CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
                "LIBRARY_PATH", "MAKEFLAGS", "MFLAGS", "CONFIG_SITE", "PYTHONPATH", "PYTHONHOME",
                "_PYTHON_HOST_PLATFORM", "_PYTHON_SYSCONFIGDATA_NAME"):
        assert var not in env, f"{var} leaked into the build environment"
    # the flag variables exist, but hold only what the build sets
    for var in ("CFLAGS", "CXXFLAGS", "LDFLAGS", "CPPFLAGS"):
        assert LEAKING[var] not in env[var] and "native" not in env[var], (var, env[var])
    assert not [k for k, v in env.items() if "/usr/include/host" in v or "/usr/lib/host" in v]


def test_env_defaults_to_the_process_environment(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CFLAGS", "-march=native")
    monkeypatch.setenv("PYTHONPATH", "/host/site-packages")
    monkeypatch.setenv("WASIXTASKS_TEST_MARKER", "kept")
    env = build_env(make_toolchain(), tmp_path / "s", build_dir=tmp_path / "b")
    assert env["WASIXTASKS_TEST_MARKER"] == "kept"
    assert "PYTHONPATH" not in env
    assert "-march=native" not in env["CFLAGS"]


def test_env_does_not_modify_the_base_mapping(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", **LEAKING}
    before = dict(base)
    build_env(make_toolchain(), tmp_path / "s", build_dir=tmp_path / "b", base=base)
    assert base == before


def test_env_static_and_extra_env(tmp_path: Path) -> None:
    tc = make_toolchain(extra_env={"ZIG_GLOBAL_CACHE_DIR": "/zc", "CFLAGS": "-O0"},
                        sysroot=tmp_path / "compiler-sysroot")
    env = build_env(tc, tmp_path / "s", build_dir=tmp_path / "b", static=True,
                    base={"PATH": "/bin"})
    assert env["WASIX_FORCE_STATIC_DEPENDENCIES"] == "true"
    # the profile's own variables come last
    assert env["ZIG_GLOBAL_CACHE_DIR"] == "/zc"
    assert env["CFLAGS"] == "-O0"
    # the compiler's sysroot (C library, libc++) is WASIX_SYSROOT when the toolchain has one
    assert env["WASIX_SYSROOT"] == str(tmp_path / "compiler-sysroot")


# --------------------------------------------------------------------------- roots


def test_ziglang_dir_and_version() -> None:
    zig = ziglang_dir()
    assert (zig / "zig").is_file()
    assert (zig / "lib" / "include").is_dir()
    assert zig_version() == importlib.metadata.version("ziglang")
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", zig_version())


def test_root_key() -> None:
    key = root_key(["a", "b"])
    assert re.fullmatch(r"[0-9a-f]{24}", key)
    assert root_key(["a", "b"]) == key
    assert root_key(["b", "a"]) != key
    assert root_key(["a", "b", "c"]) != key


@dataclass(frozen=True)
class Artifacts:
    libc: Path
    builtins: Path


@pytest.fixture
def artifacts(tmp_path: Path) -> Artifacts:
    """Two toolchain artifacts as the toolchain packages pack them."""
    libc = tmp_path / "trees" / "wasix-libc"
    (libc / "sysroot" / "include").mkdir(parents=True)
    (libc / "sysroot" / "include" / "x.h").write_text("#define X 1\n")
    (libc / "sysroot" / "lib" / "wasm32-wasi").mkdir(parents=True)
    (libc / "sysroot" / "lib" / "wasm32-wasi" / "libc.a").write_bytes(b"!<arch>\n")
    rt = tmp_path / "trees" / "compiler-rt"
    builtins = rt / "clang-resource" / "lib" / "wasm32-unknown-wasi"
    builtins.mkdir(parents=True)
    (builtins / "libclang_rt.builtins.a").write_bytes(b"!<arch>\n")
    out = tmp_path / "artifacts"
    pack_tar_xz(libc, out / "wasix-libc.tar.xz")
    pack_tar_xz(rt, out / "compiler-rt.tar.xz")
    return Artifacts(out / "wasix-libc.tar.xz", out / "compiler-rt.tar.xz")


def assert_root_complete(root: Root) -> None:
    assert (root.sysroot / "include" / "x.h").read_text() == "#define X 1\n"
    assert (root.sysroot / "lib" / "wasm32-wasi" / "libc.a").is_file()
    assert (root.resource_dir / "lib" / "wasm32-unknown-wasi" / "libclang_rt.builtins.a").is_file()
    zig = root.path / "zig"
    assert zig.is_symlink() and zig.resolve() == ziglang_dir().resolve()
    assert root.zig.is_file()
    headers = root.resource_dir / "include"
    assert headers.is_symlink() and headers.resolve() == (ziglang_dir() / "lib" / "include").resolve()
    for tool in tools_of(root).values():
        assert os.access(tool, os.X_OK), tool


def test_fill_root(tmp_path: Path, artifacts: Artifacts) -> None:
    root = fill_root(tmp_path / "root", [artifacts.libc, artifacts.builtins])
    assert root == Root(tmp_path / "root")
    assert_root_complete(root)
    assert (root.bin / "wasix-cc").read_text() == compiler_script(root, cxx=False)
    assert not (root.path / COMPLETE).exists()  # filling is not publishing


def test_fill_root_again_relinks(tmp_path: Path, artifacts: Artifacts) -> None:
    root = fill_root(tmp_path / "root", [artifacts.libc])
    fill_root(root.path, [artifacts.builtins])  # links exist already: replaced, no error
    assert_root_complete(root)


def test_ensure_root_publishes_atomically(tmp_path: Path, artifacts: Artifacts) -> None:
    final = tmp_path / "toolchains" / "abc123"
    root = ensure_root(final, [artifacts.libc, artifacts.builtins])
    assert root == Root(final)
    assert_root_complete(root)
    assert (final / COMPLETE).read_text() == "wasix-libc.tar.xz\ncompiler-rt.tar.xz\n"
    assert [p.name for p in final.parent.iterdir()] == ["abc123"]  # no .partial left
    # the drivers name the final root, not the partial folder they were written in
    for script in root.bin.iterdir():
        text = script.read_text()
        assert "partial" not in text, script.name
        assert os.access(script, os.X_OK), script.name
    assert (root.bin / "wasix-cc").read_text() == compiler_script(root, cxx=False)
    assert (root.bin / "wasix-c++").read_text() == compiler_script(root, cxx=True)


def test_ensure_root_reuses_a_complete_root(tmp_path: Path, artifacts: Artifacts) -> None:
    final = tmp_path / "toolchains" / "abc123"
    ensure_root(final, [artifacts.libc, artifacts.builtins])
    marker = final / "sysroot" / "marker"
    marker.write_text("still here")
    # nothing is unpacked again (this artifact does not even exist)
    again = ensure_root(final, [tmp_path / "missing.tar.xz"])
    assert again == Root(final)
    assert marker.read_text() == "still here"
    assert (final / COMPLETE).read_text() == "wasix-libc.tar.xz\ncompiler-rt.tar.xz\n"


def test_ensure_root_refreshes_a_dangling_zig_link(tmp_path: Path, artifacts: Artifacts) -> None:
    final = tmp_path / "toolchains" / "abc123"
    ensure_root(final, [artifacts.libc, artifacts.builtins])
    gone = tmp_path / "old-venv" / "ziglang"
    for link in (final / "zig", final / "clang-resource" / "include"):
        link.unlink()
        link.symlink_to(gone, target_is_directory=True)
    assert not Root(final).zig.exists()
    root = ensure_root(final, [])
    assert_root_complete(root)


def test_ensure_root_replaces_a_stale_partial(tmp_path: Path, artifacts: Artifacts) -> None:
    final = tmp_path / "toolchains" / "abc123"
    stale = final.with_name(f"{final.name}.{os.getpid()}.partial")
    (stale / "sysroot").mkdir(parents=True)
    (stale / "sysroot" / "junk").write_text("from a killed run")
    ensure_root(final, [artifacts.libc, artifacts.builtins])
    assert not stale.exists()
    assert not (final / "sysroot" / "junk").exists()


def unsafe_artifact(path: Path) -> Path:
    """A .tar.xz whose member would land outside the root."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:xz") as tf:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 2
        tf.addfile(info, io.BytesIO(b"no"))
    path.write_bytes(buf.getvalue())
    return path


def test_ensure_root_that_fails_publishes_nothing(tmp_path: Path, artifacts: Artifacts) -> None:
    final = tmp_path / "toolchains" / "abc123"
    bad = unsafe_artifact(tmp_path / "bad.tar.xz")
    with pytest.raises(UnsafeArchiveError):
        ensure_root(final, [artifacts.libc, bad])
    assert list(final.parent.iterdir()) == []
    assert not (tmp_path / "toolchains" / "escape.txt").exists()


# --------------------------------------------------------------------------- runtime


def test_run_result_ok() -> None:
    assert RunResult(0, "exited", "", "", 0.1).ok
    assert not RunResult(1, "exited", "", "", 0.1).ok
    assert not RunResult(0, "timeout", "", "", 600.0).ok
    assert not RunResult(134, "trap", "", "unreachable", 0.1).ok


def test_map_tree_of_a_file(tmp_path: Path) -> None:
    f = tmp_path / "data.bin"
    f.write_bytes(b"x")
    assert map_tree(f, "/guest/data.bin") == {"/guest/data.bin": f}


def test_map_tree_of_a_folder(tmp_path: Path) -> None:
    host = tmp_path / "lib"
    (host / "pkg" / "__pycache__").mkdir(parents=True)
    (host / "pkg" / "__pycache__" / "mod.cpython-313.pyc").write_bytes(b"")
    (host / "pkg" / "mod.py").write_text("x = 1\n")
    (host / "top.txt").write_text("top\n")
    (host / "empty").mkdir()
    expected: dict[str, Content] = {
        "/usr/local/lib/python3.13/pkg/mod.py": host / "pkg" / "mod.py",
        "/usr/local/lib/python3.13/top.txt": host / "top.txt",
    }
    assert map_tree(host, "/usr/local/lib/python3.13") == expected
    assert map_tree(host, "/usr/local/lib/python3.13/") == expected


@dataclass
class WasmCall:
    module: Path
    args: list[str]
    files: dict[str, Content]
    workspace: dict[str, Content]
    env: dict[str, str]
    network: bool
    timeout: float
    cache_dir: Path | None


@pytest.fixture
def wasm_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[WasmCall]:
    """``run_wasm`` replaced by a recorder whose result exits 3 with some output; the current
    folder is a fresh one."""
    calls: list[WasmCall] = []

    def fake_run_wasm(module: Path, args: Sequence[str] = (), *,
                      files: Mapping[str, Content] | None = None,
                      workspace: Mapping[str, Content] | None = None,
                      env: Mapping[str, str] | None = None, network: bool = False,
                      timeout: float = 600.0, cache_dir: Path | None = None) -> RunResult:
        calls.append(WasmCall(module, list(args), dict(files or {}), dict(workspace or {}),
                              dict(env or {}), network, timeout, cache_dir))
        return RunResult(3, "exited", "out text\n", "err text\n", 0.0)

    monkeypatch.setattr(runtime, "run_wasm", fake_run_wasm)
    monkeypatch.delenv("WASIXTASKS_WASMER_CACHE", raising=False)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return calls


def test_runtime_main_arguments(wasm_calls: list[WasmCall], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    cwd = Path.cwd()
    (cwd / "input.txt").write_text("in\n")
    (cwd / "sub").mkdir()
    (cwd / "sub" / "deep.txt").write_text("not mapped\n")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("a\n")
    code = runtime.main(["--map", f"{data}::/data", "--env", "GREETING=a=b", "--timeout", "5",
                         "--net", "--cache", str(tmp_path / "cache"),
                         "prog.wasm", "x", "--not-a-runtime-flag", "y z"])
    assert code == 3
    assert capsys.readouterr() == ("out text\n", "err text\n")
    [call] = wasm_calls
    assert call.module == Path("prog.wasm")
    assert call.args == ["x", "--not-a-runtime-flag", "y z"]
    assert call.files == {"/data/a.txt": data / "a.txt"}
    # the current folder's files (not its subfolders) are the workspace
    assert call.workspace == {"input.txt": cwd / "input.txt"}
    assert call.env == {"GREETING": "a=b"}
    assert call.network is True
    assert call.timeout == 5.0
    assert call.cache_dir == tmp_path / "cache"


def test_runtime_main_defaults(wasm_calls: list[WasmCall], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WASIXTASKS_WASMER_CACHE", str(tmp_path / "env-cache"))
    lone = tmp_path / "lone.txt"
    lone.write_text("1\n")
    assert runtime.main(["--map", str(lone), "prog.wasm"]) == 3
    [call] = wasm_calls
    assert call.args == []
    # without ::GUEST a file is mapped at its own absolute path
    assert call.files == {str(lone): lone}
    assert call.env == {}
    assert call.network is False
    assert call.timeout == 600.0
    assert call.cache_dir == tmp_path / "env-cache"


def test_runtime_main_without_a_module(wasm_calls: list[WasmCall],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert runtime.main(["--net"]) == 2
    assert "usage:" in capsys.readouterr().err
    assert wasm_calls == []


def test_an_explicit_empty_environment_ignores_the_host_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executable(tmp_path / "bin", "wasixcc")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert wasix_clang_detected({}) is False
    assert wasix_clang_detected({"PATH": str(tmp_path / "bin")}) is True


def test_build_env_without_a_path_adds_no_empty_entry(tmp_path: Path) -> None:
    env = build_env(make_toolchain(), tmp_path / "s", build_dir=tmp_path / "b", base={})
    assert "" not in env["PATH"].split(os.pathsep)


def test_build_python_next_to_another_versions_stdlib(cfg: Config, tmp_path: Path,
                                                       no_pythons: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """/usr/bin/python3.X beside /usr/lib/python3.(X-1) and /usr/lib/python3.X (Debian)."""
    python = fake_interpreter(tmp_path / "usr", OTHER)
    fake_interpreter(tmp_path / "usr", "3.8")
    monkeypatch.setenv("PATH", str(python.parent))
    assert find_build_python(cfg, OTHER) == python


def test_build_python_from_pyenv_takes_the_newest_release(cfg: Config, no_pythons: Path) -> None:
    fake_interpreter(no_pythons / "versions" / f"{OTHER}.9", OTHER)
    newest = fake_interpreter(no_pythons / "versions" / f"{OTHER}.10", OTHER)
    assert find_build_python(cfg, OTHER) == newest


def test_requirement_markers_are_judged_for_the_wasix_target(tmp_path: Path) -> None:
    from packaging.markers import Marker

    from wasixtasks.toolchain.model import TargetPython

    py = TargetPython("3.13", tmp_path, tmp_path / "include", tmp_path / "sysconfig.py", None, None)
    env = py.marker_environment("3.13.15")
    # what the WASIX CPython reports under Wasmer, whatever Python runs wasixtasks
    assert Marker('python_version >= "3.12" and python_full_version == "3.13.15"').evaluate(env)
    assert Marker('sys_platform == "wasi" and platform_machine == "wasm32"').evaluate(env)
    assert not Marker('sys_platform == "linux" or platform_system == "Windows"').evaluate(env)
    assert not Marker('extra == "socks"').evaluate(env)
    assert py.marker_environment()["python_full_version"] == "3.13"

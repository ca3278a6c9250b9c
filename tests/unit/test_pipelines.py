"""Tests of wasixtasks.pipelines (common, library, wheel) without building anything:

- ``Engine``: the implicit edges the active profile adds, the input hashes, the refusal to
  assemble a toolchain from missing or stale artifacts, the self-built compiler root and the
  partial roots of toolchain packages, the target CPython unpacked from its artifact;
- ``copy_prepared``: one mtime for every file, no git link;
- the library pipeline's host-tool check and source origin;
- the wheel pipeline's check of what pip produced (``check_and_place``), the removal of older
  wheels and the CPython headers/.pc files linked into a sysroot.

No process starts (the autouse fixture fails any test that tries): recipes are small files,
artifacts are tiny packed trees with stamps written by hand, drivers are only files, and the
wheels "pip produced" are written by tests/helpers/wheelfactory.py with wasm side modules
from tests/helpers/wasmbytes.py."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from packaging.tags import Tag
from packaging.version import Version

from tests.helpers.project import add_library, engine_of, write_recipe
from tests.helpers.wasmbytes import side_module
from tests.helpers.wheelfactory import make_wheel, read_members
from wasixtasks.archive import pack_tar_xz
from wasixtasks.config import Config
from wasixtasks.errors import BuildError, ToolchainError, WheelError
from wasixtasks.fsutil import sha256_file
from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.pipelines import stamps
from wasixtasks.pipelines.common import COPY_MTIME, Engine, copy_prepared
from wasixtasks.pipelines.library import check_host_tools, source_origin
from wasixtasks.pipelines.wheel import (
    check_and_place,
    link_python,
    offer_build_wheels,
    remove_older_wheels,
)
from wasixtasks.recipe import Kind, Recipe, Sdist, Url, declare
from wasixtasks.registry import Registry
from wasixtasks.run import Log
from wasixtasks.sources import PIN_FILE
from wasixtasks.stages.wheel import WheelContext
from wasixtasks.toolchain.drivers import Root, tools_of
from wasixtasks.toolchain.model import PLATFORM_TAG, TargetPython, Toolchain
from wasixtasks.toolchain.profiles import (
    COMPILER_PACKAGES,
    SELF_BUILT,
    WASIX_CLANG,
    self_built_identity,
)
from wasixtasks.toolchain.root import COMPLETE, root_key, ziglang_dir
from wasixtasks.wheels import inspect_wheel

SHA = "0" * 64
INC = INCLUDEDIR.lstrip("/")
LIB = LIBDIR.lstrip("/")
EXT = ".cpython-313-wasm32-wasi.so"
SYSCONFIG = ("build_time_vars = {'SOABI': 'cpython-313-wasm32-wasi',\n"
             f" 'EXT_SUFFIX': '{EXT}'}}\n")
TOOLS = {
    "CC": "/opt/tc/bin/wasix-cc",
    "CXX": "/opt/tc/bin/wasix-c++",
    "AR": "/opt/tc/bin/wasix-ar",
    "RANLIB": "/opt/tc/bin/wasix-ranlib",
}



# --------------------------------------------------------------------------- helpers


def tree(folder: Path, files: Mapping[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return folder


def executable(folder: Path, name: str) -> Path:
    """An executable file (found by shutil.which, never run)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


def make_target_python(prefix: Path, version: str = "3.13") -> TargetPython:
    """A WASIX CPython install tree as ``TargetPython.find`` looks for it."""
    tree(prefix, {f"include/python{version}/Python.h": "/* Python.h */\n",
                  f"lib/python{version}/_sysconfigdata__wasi_wasm32-wasi.py": SYSCONFIG})
    py = TargetPython.find(prefix)
    assert py is not None
    return py


TOOLCHAIN_RECIPE = """\
from wasixtasks.recipe import Url, toolchain_package


@toolchain_package(version="{version}", source=Url("https://example.invalid/{name}-1.tar.gz",
                   sha256="{sha}"), libs={libs!r}, name="{name}")
def build(b: object) -> None:
    pass
"""

PYTHON_RECIPE = f"""\
from wasixtasks.recipe import Url, library


@library(version="3.13.5", source=Url("https://example.invalid/Python-3.13.5.tar.xz",
         sha256="{SHA}"), libs=["zlib"], name="cpython", provides_python=True)
def build(b: object) -> None:
    pass
"""

WHEEL_RECIPE = f"""\
from wasixtasks.recipe import Sdist, wheel


@wheel(version="1.0", source=Sdist("demo-pkg", sha256="{SHA}"), libs=["zlib"], name="demo-pkg")
def build(b: object) -> None:
    pass
"""


def write_toolchain_recipe(root: Path, name: str, libs: Sequence[str] = (),
                           version: str = "1") -> None:
    write_recipe(root, name, TOOLCHAIN_RECIPE.format(name=name, sha=SHA, libs=list(libs),
                                                     version=version))


@pytest.fixture
def full(cfg: Config) -> Config:
    """A project with the three toolchain packages (libcxx builds on wasix-libc), the target
    CPython (a library providing Python), a library and a wheel."""
    write_toolchain_recipe(cfg.root, "wasix-libc")
    write_toolchain_recipe(cfg.root, "compiler-rt")
    write_toolchain_recipe(cfg.root, "libcxx", ["wasix-libc"])
    add_library(cfg.root, "zlib")
    write_recipe(cfg.root, "cpython", PYTHON_RECIPE)
    write_recipe(cfg.root, "demo-pkg", WHEEL_RECIPE)
    return cfg


def pack_artifact(cfg: Config, name: str, files: Mapping[str, str | bytes]) -> Path:
    out = cfg.layout.package(name).library_artifact
    src = Path(tempfile.mkdtemp(prefix=f"{name}-tree-", dir=cfg.root))
    pack_tar_xz(tree(src, files), out)
    return out


def built(cfg: Config, engine: Engine, name: str, files: Mapping[str, str | bytes]) -> Path:
    """``name`` as a finished build leaves it: its artifact and a stamp matching its inputs."""
    artifact = pack_artifact(cfg, name, files)
    stamp = stamps.make_stamp(cfg, engine.input_hash(name), artifact, [])
    stamps.write_stamp(cfg.layout.package(name).stamp, stamp)
    return artifact


TOOLCHAIN_FILES: dict[str, dict[str, str | bytes]] = {
    "wasix-libc": {"sysroot/include/stdio.h": "/* stdio */\n",
                   "sysroot/lib/wasm32-wasi/libc.a": b"!<arch>\nlibc\n"},
    "compiler-rt": {"clang-resource/lib/wasm32-unknown-wasi/libclang_rt.builtins.a":
                    b"!<arch>\nbuiltins\n"},
    "libcxx": {"sysroot/include/c++/v1/vector": "// vector\n"},
}


def build_toolchain(cfg: Config, engine: Engine) -> None:
    for name in COMPILER_PACKAGES:
        built(cfg, engine, name, TOOLCHAIN_FILES[name])


def activated_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """What `source wasix-clang/activate` sets (tools are empty executable files)."""
    bindir = tmp_path / "wasix-clang" / "bin"
    sysroot = tmp_path / "wasix-clang" / "sysroot"
    (sysroot / "lib" / "wasm32-wasi").mkdir(parents=True, exist_ok=True)
    names = {"CC": "wasix-clang", "CXX": "wasix-clang++", "AR": "wasix-ar",
             "RANLIB": "wasix-ranlib", "NM": "wasix-nm", "LD": "wasix-ld"}
    env = {var: str(executable(bindir, exe)) for var, exe in names.items()}
    empty = tmp_path / "empty-path"
    empty.mkdir(exist_ok=True)
    return {**env, "WASIX_SYSROOT": str(sysroot), "PATH": str(empty), **extra}


# --------------------------------------------------------------------------- Engine: edges


def test_self_built_implicit_edges(full: Config) -> None:
    engine = engine_of(full)
    assert engine.profile == SELF_BUILT
    assert engine.user_toolchain is None
    assert engine.compiler_packages() == COMPILER_PACKAGES
    assert engine.python_package() == "cpython"
    edges = engine.graph.edges
    # toolchain packages: only what they declare
    assert edges["wasix-libc"] == ()
    assert edges["compiler-rt"] == ()
    assert edges["libcxx"] == ("wasix-libc",)
    # libraries (the target CPython included) build with the three toolchain packages
    assert edges["zlib"] == COMPILER_PACKAGES
    assert edges["cpython"] == ("zlib",) + COMPILER_PACKAGES
    # wheels also need the target CPython
    assert edges["demo-pkg"] == ("zlib",) + COMPILER_PACKAGES + ("cpython",)
    assert engine.graph.order(["demo-pkg"]) == [
        "compiler-rt", "wasix-libc", "libcxx", "zlib", "cpython", "demo-pkg",
    ]


def test_wasix_clang_has_no_toolchain_edges(full: Config, tmp_path: Path) -> None:
    cfg = full.with_(toolchain=WASIX_CLANG)
    engine = Engine.load(cfg, Registry.load(cfg), env=activated_env(tmp_path))
    assert engine.profile == WASIX_CLANG
    assert engine.user_toolchain is not None and engine.user_toolchain.python is None
    assert engine.compiler_packages() == ()
    edges = engine.graph.edges
    assert edges["zlib"] == ()
    assert edges["cpython"] == ("zlib",)
    assert edges["libcxx"] == ("wasix-libc",)
    # no CPython of the user's: the recipe builds it, with the user's compiler
    assert engine.python_package() == "cpython"
    assert edges["demo-pkg"] == ("zlib", "cpython")


def test_wasix_clang_with_the_users_python_has_no_python_edge(full: Config,
                                                               tmp_path: Path) -> None:
    users = make_target_python(tmp_path / "wasix-python")
    cfg = full.with_(toolchain=WASIX_CLANG)
    env = activated_env(tmp_path, WASIX_PYTHON=str(users.prefix))
    engine = Engine.load(cfg, Registry.load(cfg), env=env)
    assert engine.user_toolchain is not None and engine.user_toolchain.python == users
    assert engine.python_package() is None
    assert engine.graph.edges["demo-pkg"] == ("zlib",)
    # the user's python is the target, nothing is unpacked
    assert engine.target_python(needed_by="demo-pkg") == users
    tc = engine.toolchain_for(engine.registry.get("demo-pkg"))
    assert tc.python == users
    assert tc.tools == engine.user_toolchain.tools
    # libraries build with the user's compiler itself
    assert engine.toolchain_for(engine.registry.get("zlib")) is engine.user_toolchain
    assert engine.compiler_toolchain(needed_by="zlib") is engine.user_toolchain


# --------------------------------------------------------------------------- Engine: hashes


def test_hashes_are_stable(full: Config) -> None:
    engine = engine_of(full)
    first = dict(engine.hashes())
    assert set(first) == {"wasix-libc", "compiler-rt", "libcxx", "zlib", "cpython", "demo-pkg"}
    assert all(len(h) == 64 and all(c in "0123456789abcdef" for c in h) for h in first.values())
    assert len(set(first.values())) == len(first)
    assert engine.hashes() == first
    assert engine_of(full).hashes() == first  # another engine over the same files
    assert engine.input_hash("zlib") == first["zlib"]


def test_hashes_of_a_request_cover_its_closure_only(full: Config) -> None:
    engine = engine_of(full)
    assert set(engine.hashes(["libcxx"])) == {"wasix-libc", "libcxx"}


def test_a_dependency_recipe_changes_its_dependents_hashes(full: Config) -> None:
    before = dict(engine_of(full).hashes())
    write_toolchain_recipe(full.root, "wasix-libc", version="2")
    after = engine_of(full).hashes()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"wasix-libc", "libcxx", "zlib", "cpython", "demo-pkg"}
    assert after["compiler-rt"] == before["compiler-rt"]


def test_a_library_recipe_changes_the_wheels_hash_only_through_edges(full: Config) -> None:
    before = dict(engine_of(full).hashes())
    add_library(full.root, "zlib", version="1.1")
    after = engine_of(full).hashes()
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {"zlib", "cpython", "demo-pkg"}


def test_identity_of_a_user_toolchain(full: Config, tmp_path: Path) -> None:
    cfg = full.with_(toolchain=WASIX_CLANG)
    engine = Engine.load(cfg, Registry.load(cfg), env=activated_env(tmp_path))
    assert engine.user_toolchain is not None
    assert engine.identity(engine.registry.get("zlib")) == engine.user_toolchain.fingerprint()
    # toolchain packages always build with zig
    expected = ",".join(f"{k}={v}" for k, v in sorted(self_built_identity().items()))
    assert engine.identity(engine.registry.get("wasix-libc")) == expected
    assert engine.input_hash("zlib") != engine_of(full).input_hash("zlib")


# --------------------------------------------------------------------------- Engine: toolchains


def test_compiler_root_refuses_a_toolchain_that_is_not_built(full: Config) -> None:
    engine = engine_of(full)
    with pytest.raises(ToolchainError) as info:
        engine.compiler_root(needed_by="zlib")
    err = info.value
    assert err.message == "the toolchain is not ready: wasix-libc is not built"
    assert err.package == "zlib"
    assert err.step == "toolchain"
    assert err.hint is not None and "invoke toolchain.setup" in err.hint
    assert err.exit_code == 9
    key = root_key([f"{n}={engine.input_hash(n)}" for n in COMPILER_PACKAGES])
    assert not (full.layout.toolchains / key).exists()


def test_a_missing_artifact_among_built_ones_is_named(full: Config) -> None:
    engine = engine_of(full)
    built(full, engine, "wasix-libc", TOOLCHAIN_FILES["wasix-libc"])
    with pytest.raises(ToolchainError, match="compiler-rt is not built"):
        engine.compiler_root(needed_by="zlib")


def test_compiler_root_refuses_an_artifact_without_a_stamp(full: Config) -> None:
    engine = engine_of(full)
    build_toolchain(full, engine)
    full.layout.package("compiler-rt").stamp.unlink()
    with pytest.raises(ToolchainError) as info:
        engine.compiler_root(needed_by="zlib")
    assert info.value.message == "the toolchain is not ready: compiler-rt is out of date"
    assert info.value.hint is not None and "invoke toolchain.setup" in info.value.hint


def test_compiler_root_refuses_a_stale_artifact(full: Config) -> None:
    build_toolchain(full, engine_of(full))
    write_toolchain_recipe(full.root, "compiler-rt", version="2")  # edited since it was built
    with pytest.raises(ToolchainError) as info:
        engine_of(full).compiler_root(needed_by="demo-pkg")
    assert info.value.message == "the toolchain is not ready: compiler-rt is out of date"
    assert info.value.package == "demo-pkg"


def test_compiler_root_refuses_a_changed_artifact(full: Config) -> None:
    engine = engine_of(full)
    build_toolchain(full, engine)
    artifact = full.layout.package("libcxx").library_artifact
    pack_tar_xz(tree(full.root / "other-libcxx", {"sysroot/x.h": "x"}), artifact)
    with pytest.raises(ToolchainError, match="libcxx is out of date"):
        engine.compiler_root(needed_by="zlib")


def test_compiler_root_is_assembled_from_current_artifacts(full: Config) -> None:
    engine = engine_of(full)
    build_toolchain(full, engine)
    root = engine.compiler_root(needed_by="zlib")
    key = root_key([f"{n}={engine.input_hash(n)}" for n in COMPILER_PACKAGES])
    assert root.path == full.layout.toolchains / key
    assert (root.path / COMPLETE).read_text() == (
        "wasix-libc.tar.xz\ncompiler-rt.tar.xz\nlibcxx.tar.xz\n")
    assert (root.sysroot / "include" / "stdio.h").is_file()
    assert (root.sysroot / "include" / "c++" / "v1" / "vector").is_file()
    assert (root.resource_dir / "lib" / "wasm32-unknown-wasi" / "libclang_rt.builtins.a").is_file()
    assert (root.path / "zig").resolve() == ziglang_dir().resolve()
    cc = (root.bin / "wasix-cc").read_text()
    assert str(root.path) in cc and ".partial" not in cc
    assert [p.name for p in full.layout.toolchains.iterdir() if ".partial" in p.name] == []
    # assembled once, then reused
    (root.path / "marker").write_text("kept")
    assert engine_of(full).compiler_root(needed_by="zlib") == root
    assert (root.path / "marker").is_file()
    tc = engine.compiler_toolchain(needed_by="zlib")
    assert tc.profile == SELF_BUILT
    assert tc.tools == tools_of(root)
    assert tc.sysroot == root.sysroot
    assert tc.python is None


def test_toolchain_package_without_libs_gets_zig_drivers(full: Config) -> None:
    engine = engine_of(full)
    tools = full.layout.package("wasix-libc").tools
    tree(tools, {"stale.txt": "from an earlier build"})
    tc = engine.toolchain_for(engine.registry.get("wasix-libc"))
    assert tools == full.pkgs_dir / "wasix-libc.tools"
    assert not (tools / "stale.txt").exists()
    root = Root(tools)
    assert tc.profile == SELF_BUILT
    assert tc.tools == tools_of(root)
    assert tc.sysroot == root.sysroot and root.sysroot.is_dir()
    assert tc.python is None
    for var in ("CC", "CXX", "LD"):
        driver = Path(tc.tools[var])
        assert driver.parent == tools / "bin"
        assert driver.is_file() and os.access(driver, os.X_OK)
        assert driver.read_text().startswith("#!/bin/sh\n")
    assert (tools / "zig").resolve() == ziglang_dir().resolve()
    assert not (tools / COMPLETE).exists()  # a partial root, never published
    # nothing of the (unbuilt) compiler root was needed
    assert not full.layout.toolchains.exists() or not any(full.layout.toolchains.iterdir())


def test_toolchain_package_needs_its_libs_built(full: Config) -> None:
    engine = engine_of(full)
    with pytest.raises(ToolchainError) as info:
        engine.toolchain_for(engine.registry.get("libcxx"))
    assert info.value.message == "the toolchain is not ready: wasix-libc is not built"
    assert info.value.package == "libcxx"
    built(full, engine, "wasix-libc", TOOLCHAIN_FILES["wasix-libc"])
    tc = engine.toolchain_for(engine.registry.get("libcxx"))
    tools = full.layout.package("libcxx").tools
    assert (tools / "sysroot" / "include" / "stdio.h").is_file()
    assert tc.tools["CC"] == str(tools / "bin" / "wasix-cc")


def test_target_python_is_unpacked_from_its_artifact(full: Config) -> None:
    engine = engine_of(full)
    with pytest.raises(ToolchainError, match="cpython is not built") as info:
        engine.target_python(needed_by="demo-pkg")
    assert info.value.package == "demo-pkg"
    built(full, engine, "cpython", {
        "usr/local/include/python3.13/Python.h": "/* Python.h */\n",
        "usr/local/lib/python3.13/_sysconfigdata__wasi_wasm32-wasi.py": SYSCONFIG,
    })
    py = engine.target_python(needed_by="demo-pkg")
    home = full.cache_dir / "python" / engine.input_hash("cpython")[:24]
    assert py is not None
    assert py.prefix == home / "usr" / "local"
    assert py.version == "3.13"
    assert py.ext_suffix == EXT
    assert (home / ".complete").read_text() == "cpython.tar.xz\n"
    assert [p.name for p in home.parent.iterdir() if "partial" in p.name] == []


# --------------------------------------------------------------------------- copy_prepared


def test_copy_prepared_sets_one_mtime_and_drops_git(tmp_path: Path) -> None:
    prepared = tree(tmp_path / "zlib.prepared", {
        "configure": "#!/bin/sh\n",
        "configure.ac": "AC_INIT\n",
        "src/zlib.c": "int z;\n",
        ".git": "gitdir: /somewhere/.git/worktrees/zlib\n",  # a worktree's git link
        "vendor/sub/.git/HEAD": "ref: refs/heads/main\n",  # a nested repository
        ".gitignore": "*.o\n",
    })
    os.utime(prepared / "configure", (2_000_000_000, 2_000_000_000))
    (prepared / "configure").chmod(0o755)
    (prepared / "link.c").symlink_to("src/zlib.c")
    outside = tree(tmp_path / "outside", {"data.txt": "not part of the tree"}) / "data.txt"
    os.utime(outside, (2_000_000_000, 2_000_000_000))
    (prepared / "outside.txt").symlink_to(outside)  # links are copied as links, not touched
    (prepared / "dangling").symlink_to("nowhere")
    dest = tmp_path / "zlib.build"
    tree(dest, {"stale.o": "from the last build"})

    copy_prepared(prepared, dest)
    files = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if not p.is_dir()}
    links = {"link.c", "outside.txt", "dangling"}
    assert files == {"configure", "configure.ac", "src/zlib.c", ".gitignore"} | links
    assert not (dest / "vendor" / "sub" / ".git").exists()
    for rel in files - links:
        assert (dest / rel).stat().st_mtime == COPY_MTIME, rel
    assert (dest / "link.c").is_symlink()
    assert os.readlink(dest / "link.c") == "src/zlib.c"
    assert os.readlink(dest / "dangling") == "nowhere"
    assert outside.stat().st_mtime == 2_000_000_000
    assert os.access(dest / "configure", os.X_OK)
    # the prepared tree itself is untouched
    assert (prepared / ".git").is_file()
    assert (prepared / "configure").stat().st_mtime == 2_000_000_000


# --------------------------------------------------------------------------- library pipeline


def host_tool_recipe(*tools: str) -> Recipe:
    return declare(Kind.LIBRARY, None, name="demo", version="1.0",
                   source=Url("https://example.invalid/demo-1.0.tar.gz", sha256=SHA),
                   host_tools=list(tools))


def test_check_host_tools_passes_when_every_tool_is_on_path(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir, "gperf")
    executable(bindir, "bison")
    log = Log("demo", tmp_path / "demo.log", quiet=True)
    check_host_tools(host_tool_recipe("gperf", "bison"), {"PATH": str(bindir)}, log)
    check_host_tools(host_tool_recipe(), {"PATH": str(bindir)}, log)


def test_check_host_tools_names_the_missing_tool(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    executable(bindir, "gperf")
    (bindir / "bison").write_text("not executable")  # not a program
    log = Log("demo", tmp_path / "demo.log", quiet=True)
    with pytest.raises(ToolchainError) as info:
        check_host_tools(host_tool_recipe("gperf", "bison"), {"PATH": str(bindir)}, log)
    err = info.value
    assert err.message == "host tool `bison` is not installed (the recipe declares it)"
    assert err.package == "demo"
    assert err.step == "host-tools"
    assert err.log == log.path
    assert err.hint is not None and "apt-get install bison" in err.hint


def test_check_host_tools_looks_at_the_build_environment(tmp_path: Path) -> None:
    """The build's PATH counts, not the one of the process running wasixtasks."""
    elsewhere = tmp_path / "elsewhere"
    executable(elsewhere, "wasixtasks-test-tool")
    empty = tmp_path / "empty"
    empty.mkdir()
    log = Log("demo", tmp_path / "demo.log", quiet=True)
    recipe = host_tool_recipe("wasixtasks-test-tool")
    check_host_tools(recipe, {"PATH": f"{empty}{os.pathsep}{elsewhere}"}, log)
    with pytest.raises(ToolchainError, match="`wasixtasks-test-tool` is not installed"):
        check_host_tools(recipe, {"PATH": str(empty)}, log)


def test_source_origin_reads_the_source_state(cfg: Config) -> None:
    add_library(cfg.root, "zlib")
    engine = engine_of(cfg)
    recipe = engine.registry.get("zlib")
    assert source_origin(engine, recipe) == ("", True)  # never fetched
    state = cfg.layout.package("zlib").source / ".git" / PIN_FILE
    state.parent.mkdir(parents=True)
    state.write_text(json.dumps({"pin": recipe.source.pin(), "commit": "c" * 40,
                                 "origin": "Debian zlib 1:1.3.dfsg-3 (substitute)",
                                 "exact": False}))
    assert source_origin(engine, recipe) == ("Debian zlib 1:1.3.dfsg-3 (substitute)", False)
    state.write_text(json.dumps({"pin": recipe.source.pin(), "commit": "c" * 40,
                                 "origin": "mirror", "exact": True}))
    assert source_origin(engine, recipe) == ("mirror", True)
    state.write_text("{broken")
    assert source_origin(engine, recipe) == ("", True)


# --------------------------------------------------------------------------- wheel pipeline


def wheel_recipe(name: str = "demo-pkg", version: str = "1.0", *, native: bool | None = None,
                 dist_name: str | None = None) -> Recipe:
    return declare(Kind.WHEEL, None, name=name, version=version,
                   source=Sdist(dist_name or name, sha256=SHA), native=native,
                   dist_name=dist_name)


@pytest.fixture
def wctx(tmp_path: Path) -> WheelContext:
    """What ``build_wheel`` hands ``check_and_place``: the folder pip wrote to (empty), the
    target CPython 3.13 and a toolchain of fake tools."""
    prefix = tmp_path / "cpython"
    data = prefix / "lib" / "python3.13" / "_sysconfigdata__wasi_wasm32-wasi.py"
    tree(prefix, {data.relative_to(prefix).as_posix(): SYSCONFIG})
    target = TargetPython("3.13", prefix, prefix / "include" / "python3.13", data, None, None)
    tc = Toolchain(profile=SELF_BUILT, tools=dict(TOOLS),
                   runner=("/usr/bin/python3", "-m", "wasixtasks.toolchain.runtime"))
    out_dir = tmp_path / "pkgs" / "demo-pkg.wheel"
    out_dir.mkdir(parents=True)
    return WheelContext(recipe=wheel_recipe(), toolchain=tc,
                        log=Log("demo-pkg", tmp_path / "pkgs" / "demo-pkg.log", quiet=True),
                        source_dir=tmp_path / "pkgs" / "demo-pkg.build",
                        sysroot=tmp_path / "pkgs" / "demo-pkg.sysroot", env={},
                        cross_python=tmp_path / "cross" / "bin" / "python",
                        out_dir=out_dir, target=target)


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    return tmp_path / "artifacts"


def native_files(name: str = "demo_pkg", module: str = "_speedups", suffix: str = EXT,
                 exports: Sequence[str] | None = None, dylink: bool = True) -> dict[str, bytes]:
    so = side_module(exports=[f"PyInit_{module}"] if exports is None else exports,
                     dylink=dylink)
    return {f"{name}/__init__.py": b"from . import _speedups\n",
            f"{name}/{module}{suffix}": so}


def check_fails(wctx: WheelContext, recipe: Recipe, artifacts: Path) -> WheelError:
    with pytest.raises(WheelError) as info:
        check_and_place(wctx, recipe, artifacts)
    err = info.value
    assert err.package == recipe.name
    assert err.step == "check"
    assert err.log == wctx.log.path
    assert not artifacts.exists() or list(artifacts.iterdir()) == []
    return err


def test_no_wheel(wctx: WheelContext, artifacts: Path) -> None:
    err = check_fails(wctx, wheel_recipe(), artifacts)
    assert err.message == "the build produced no wheel"
    assert wctx.log.step == "check"


def test_no_output_folder_at_all(wctx: WheelContext, artifacts: Path) -> None:
    wctx.out_dir.rmdir()
    assert check_fails(wctx, wheel_recipe(), artifacts).message == "the build produced no wheel"


def test_two_wheels(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="py3-none-any")
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32")
    err = check_fails(wctx, wheel_recipe(), artifacts)
    assert err.message == ("the build produced 2 wheels (demo_pkg-1.0-cp313-cp313-wasi_wasm32.whl, "
                           "demo_pkg-1.0-py3-none-any.whl); expected exactly one")


def test_wrong_project(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="other_pkg", tag="py3-none-any")
    err = check_fails(wctx, wheel_recipe(), artifacts)
    assert err.message == "other_pkg-1.0-py3-none-any.whl: project `other-pkg`, expected `demo-pkg`"


def test_the_dist_name_is_the_project(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="py3-none-any")
    err = check_fails(wctx, wheel_recipe(dist_name="Demo.Core"), artifacts)
    assert err.message == "demo_pkg-1.0-py3-none-any.whl: project `demo-pkg`, expected `Demo.Core`"


def test_wrong_version(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", version="1.1", tag="py3-none-any")
    err = check_fails(wctx, wheel_recipe(version="1.0"), artifacts)
    assert err.message == "demo_pkg-1.1-py3-none-any.whl: version 1.1, but the recipe pins 1.0"


def test_an_equal_version_spelled_otherwise_is_accepted(wctx: WheelContext,
                                                        artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", version="1.0.0", tag="py3-none-any")
    final = check_and_place(wctx, wheel_recipe(version="1.0"), artifacts)
    assert final.name == "demo_pkg-1.0.0-py3-none-any.whl"


def test_a_pure_wheel_when_native_was_promised(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="py3-none-any")
    err = check_fails(wctx, wheel_recipe(native=True), artifacts)
    assert err.message.startswith(
        "demo_pkg-1.0-py3-none-any.whl is a pure-Python wheel, but the recipe says native=True")
    assert "the extension build failed or was skipped" in err.message
    assert "drop native=True" in err.message


def test_compiled_code_when_pure_was_promised(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files=native_files())
    err = check_fails(wctx, wheel_recipe(native=False), artifacts)
    assert err.message == ("demo_pkg-1.0-cp313-cp313-wasi_wasm32.whl has compiled code, "
                           "but the recipe says native=False")


def test_an_extension_that_is_not_a_side_module(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files=native_files(dylink=False))
    err = check_fails(wctx, wheel_recipe(native=True), artifacts)
    assert err.message == (f"demo_pkg-1.0-cp313-cp313-wasi_wasm32.whl!demo_pkg/_speedups{EXT}: "
                           "no dylink.0 section (not a side module)")


def test_an_extension_without_its_pyinit(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files=native_files(exports=["PyInit_other", "helper"]))
    err = check_fails(wctx, wheel_recipe(native=None), artifacts)
    assert err.message == (f"demo_pkg-1.0-cp313-cp313-wasi_wasm32.whl!demo_pkg/_speedups{EXT}: "
                           "does not export PyInit__speedups")


@pytest.mark.parametrize("native", [True, None])
def test_a_good_native_wheel_is_retagged(wctx: WheelContext, artifacts: Path,
                                         native: bool | None) -> None:
    files = native_files(name="Demo_Pkg")
    make_wheel(wctx.out_dir, name="Demo_Pkg", tag="cp311-cp311-wasi_wasm32", files=files)
    final = check_and_place(wctx, wheel_recipe(native=native), artifacts)
    assert final == artifacts / "demo_pkg-1.0-cp313-cp313-wasix_wasm32.whl"
    assert sorted(p.name for p in artifacts.iterdir()) == [final.name]
    info = inspect_wheel(final)
    assert info.tags == frozenset({Tag("cp313", "cp313", PLATFORM_TAG)})
    members = read_members(final)
    assert members[f"Demo_Pkg/_speedups{EXT}"] == files[f"Demo_Pkg/_speedups{EXT}"]
    assert "demo_pkg-1.0.dist-info/WHEEL" in members
    assert b"Tag: cp313-cp313-wasix_wasm32" in members["demo_pkg-1.0.dist-info/WHEEL"]
    assert list(wctx.out_dir.glob("*.whl"))  # pip's wheel is left for the pipeline to clean


def test_the_platform_tag_comes_from_the_toolchain(wctx: WheelContext, artifacts: Path) -> None:
    wctx.toolchain = replace(wctx.toolchain, platform_tag="wasix_wasm64")
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files=native_files())
    final = check_and_place(wctx, wheel_recipe(), artifacts)
    assert final.name == "demo_pkg-1.0-cp313-cp313-wasix_wasm64.whl"


def test_a_normalized_lower_case_name(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="PyYAML", version="6.0.2", tag="cp313-cp313-wasi_wasm32",
               files=native_files(name="yaml"))
    final = check_and_place(wctx, wheel_recipe("pyyaml", "6.0.2", dist_name="PyYAML"),
                            artifacts)
    assert final.name == "pyyaml-6.0.2-cp313-cp313-wasix_wasm32.whl"
    with zipfile.ZipFile(final) as zf:
        assert "pyyaml-6.0.2.dist-info/METADATA" in zf.namelist()


@pytest.mark.parametrize(("tag", "wheel_tags", "expected"), [
    ("py3-none-any", None, "py3-none-any"),
    ("py2.py3-none-any", ["py2-none-any", "py3-none-any"], "py2.py3-none-any"),
])
def test_a_good_pure_wheel(wctx: WheelContext, artifacts: Path, tag: str,
                           wheel_tags: list[str] | None, expected: str) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag=tag, wheel_tags=wheel_tags)
    for native in (None, False):
        final = check_and_place(wctx, wheel_recipe(native=native), artifacts)
        assert final == artifacts / f"demo_pkg-1.0-{expected}.whl"
        assert inspect_wheel(final).is_pure


def test_abi3_is_kept(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp38-abi3-wasi_wasm32",
               files=native_files(suffix=".abi3.so"))
    final = check_and_place(wctx, wheel_recipe(native=True), artifacts)
    assert final.name == "demo_pkg-1.0-cp313-abi3-wasix_wasm32.whl"
    assert inspect_wheel(final).tags == frozenset({Tag("cp313", "abi3", PLATFORM_TAG)})


def test_abi3_extension_needs_its_pyinit_too(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp38-abi3-wasi_wasm32",
               files=native_files(suffix=".abi3.so", exports=[]))
    err = check_fails(wctx, wheel_recipe(native=True), artifacts)
    assert err.message.endswith("demo_pkg/_speedups.abi3.so: does not export PyInit__speedups")


def test_check_and_place_removes_older_versions(wctx: WheelContext, artifacts: Path) -> None:
    old = make_wheel(artifacts, name="demo_pkg", version="0.9",
                     tag="cp313-cp313-wasix_wasm32", files=native_files())
    other = make_wheel(artifacts, name="other", tag="py3-none-any")
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files=native_files())
    final = check_and_place(wctx, wheel_recipe(), artifacts)
    assert not old.exists()
    assert sorted(p.name for p in artifacts.iterdir()) == sorted([final.name, other.name])


def test_remove_older_wheels_keeps_other_projects(tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    names = [
        "demo_pkg-1.0-cp313-cp313-wasix_wasm32.whl",  # the current one
        "demo_pkg-0.9-cp313-cp313-wasix_wasm32.whl",
        "Demo.Pkg-0.8-py3-none-any.whl",  # an older, unnormalized spelling
        "demo_pkg-1.0-py3-none-any.whl",  # the same version, other tags
        "demo_pkg_extra-1.0-py3-none-any.whl",
        "demopkg-0.1-py3-none-any.whl",
        "zlib.tar.xz",
        "demo_pkg-0.9.tar.gz",
    ]
    for name in names:
        tree(artifacts, {name: "x"})
    remove_older_wheels(artifacts, artifacts / names[0], wheel_recipe())
    assert sorted(p.name for p in artifacts.iterdir()) == sorted([
        "demo_pkg-1.0-cp313-cp313-wasix_wasm32.whl",
        "demo_pkg_extra-1.0-py3-none-any.whl",
        "demopkg-0.1-py3-none-any.whl",
        "zlib.tar.xz",
        "demo_pkg-0.9.tar.gz",
    ])


def test_remove_older_wheels_keeps_other_recipes_lines(tmp_path: Path) -> None:
    # two recipes of one project (numpy's lines): building one keeps the other's wheel, and
    # versions that no recipe builds any more still go
    artifacts = tmp_path / "artifacts"
    names = [
        "demo_pkg-1.1-cp313-cp313-wasix_wasm32.whl",  # the current one
        "demo_pkg-1.0-cp313-cp313-wasix_wasm32.whl",  # this recipe's earlier version
        "demo_pkg-1.1-cp313-abi3-wasix_wasm32.whl",  # this version, earlier tags
        "demo_pkg-2.0-cp313-cp313-wasix_wasm32.whl",  # the other recipe's line
    ]
    for name in names:
        tree(artifacts, {name: "x"})
    remove_older_wheels(artifacts, artifacts / names[0], wheel_recipe(version="1.1"),
                        frozenset([Version("2.0")]))
    assert sorted(p.name for p in artifacts.iterdir()) == sorted([names[0], names[3]])


def test_build_wheels_are_offered_under_the_cross_pips_tag(full: Config) -> None:
    # demo-user builds against demo-pkg's wheel: only that wheel (not the rest of
    # artifacts/) is offered, renamed for the cross pip, pinned and binary-only
    write_recipe(full.root, "demo-user", WHEEL_RECIPE.replace('"demo-pkg"', '"demo-user"')
                 .replace('libs=["zlib"]', 'build_wheels=["demo-pkg"]'))
    engine = engine_of(full)
    artifacts = full.artifacts_dir
    artifacts.mkdir(parents=True, exist_ok=True)
    wheel = make_wheel(artifacts, name="demo_pkg", version="1.0", tag=f"cp313-cp313-{PLATFORM_TAG}")
    make_wheel(artifacts, name="cython", version="3.1.2", tag=f"cp313-cp313-{PLATFORM_TAG}")
    stamps.write_stamp(full.layout.package("demo-pkg").stamp,
                       stamps.make_stamp(full, engine.input_hash("demo-pkg"), wheel, []))
    src = full.root / "src"
    log = Log("demo-user", full.root / "demo-user.log")
    env = offer_build_wheels(engine, engine.registry.get("demo-user"), src, "unknown_wasm32", log)
    folder = src / ".wasixtasks" / "build-wheels"
    assert env["PIP_FIND_LINKS"] == str(folder)
    assert [p.name for p in folder.iterdir()] == ["demo_pkg-1.0-cp313-cp313-unknown_wasm32.whl"]
    assert (folder / "demo_pkg-1.0-cp313-cp313-unknown_wasm32.whl").read_bytes() == wheel.read_bytes()
    assert Path(env["PIP_CONSTRAINT"]).read_text() == "demo-pkg==1.0\n"
    assert env["PIP_ONLY_BINARY"] == "demo-pkg"
    assert f"offered to the build environment: {wheel.name}" in log.path.read_text()

    # a wheel that is not current (its stamp is gone) is not offered: the build stops
    full.layout.package("demo-pkg").stamp.unlink()
    with pytest.raises(BuildError) as info:
        offer_build_wheels(engine, engine.registry.get("demo-user"), src, "unknown_wasm32", log)
    assert info.value.message == ("demo-user builds against demo-pkg's wheel, which is not "
                                  "built or out of date")
    assert (info.value.package, info.value.step) == ("demo-user", "build-wheels")


def test_link_python_into_a_sysroot(tmp_path: Path) -> None:
    py = make_target_python(tmp_path / "cpython")
    tree(py.prefix, {
        "lib/pkgconfig/python-3.13.pc": "Name: Python\n",
        "lib/pkgconfig/python-3.13-embed.pc": "Name: Python (embedded)\n",
        "lib/pkgconfig/zlib.pc": "Name: zlib\n",  # not the CPython's
        "lib/wasm32-wasi/pkgconfig/python3.pc": "Name: Python\n",
    })
    sysroot = tmp_path / "pkgs" / "demo-pkg.sysroot"
    (sysroot / INC).mkdir(parents=True)
    tree(sysroot, {f"{LIB}/pkgconfig/python3-embed.pc": "Name: from a library\n"})

    link_python(py, sysroot)
    inc = sysroot / INC / "python3.13"
    assert inc.is_symlink() and inc.resolve() == py.include_dir.resolve()
    assert (inc / "Python.h").is_file()
    pc_dir = sysroot / LIB / "pkgconfig"
    linked = {p.name: p for p in pc_dir.iterdir() if p.is_symlink()}
    assert set(linked) == {"python-3.13.pc", "python-3.13-embed.pc", "python3.pc"}
    assert linked["python-3.13.pc"].resolve() == (py.prefix / "lib/pkgconfig/python-3.13.pc").resolve()
    assert linked["python3.pc"].resolve() == (
        py.prefix / "lib/wasm32-wasi/pkgconfig/python3.pc").resolve()
    assert not (pc_dir / "zlib.pc").exists()
    # what a library installed is not replaced
    assert (pc_dir / "python3-embed.pc").read_text() == "Name: from a library\n"
    # linking again changes nothing
    link_python(py, sysroot)
    assert {p.name for p in pc_dir.iterdir()} == set(linked) | {"python3-embed.pc"}


def test_link_python_without_pc_files(tmp_path: Path) -> None:
    py = make_target_python(tmp_path / "cpython")
    sysroot = tmp_path / "sysroot"
    (sysroot / INC).mkdir(parents=True)
    link_python(py, sysroot)
    assert (sysroot / INC / "python3.13").is_symlink()
    assert (sysroot / LIB / "pkgconfig").is_dir()
    assert list((sysroot / LIB / "pkgconfig").iterdir()) == []


def test_artifact_sha_is_what_the_stamp_recorded(full: Config) -> None:
    """The stamps written by ``built`` are the ones the engine accepts (a guard for the
    helpers above)."""
    engine = engine_of(full)
    artifact = built(full, engine, "wasix-libc", TOOLCHAIN_FILES["wasix-libc"])
    stamp = stamps.read_stamp(full.layout.package("wasix-libc").stamp)
    assert stamp is not None and stamp.artifact_sha256 == sha256_file(artifact)
    assert stamps.is_current(stamp, engine.input_hash("wasix-libc"), full.root) == artifact


def test_a_platform_wheel_without_extensions_when_native_was_promised(
        wctx: WheelContext, artifacts: Path) -> None:
    """setuptools tags a wheel for the platform when an optional extension failed to build."""
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32")
    err = check_fails(wctx, wheel_recipe(native=True), artifacts)
    assert err.message.startswith("demo_pkg-1.0-cp313-cp313-wasi_wasm32.whl has no extension "
                                  "module (*.cpython-313-wasm32-wasi.so), but the recipe says "
                                  "native=True")


def test_a_non_wasm_extension_is_a_wheel_error(wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files={"demo_pkg/_speedups.cpython-313-wasm32-wasi.so": b"\x7fELF not wasm"})
    err = check_fails(wctx, wheel_recipe(native=True), artifacts)
    assert "is not a WebAssembly module" in err.message
    assert err.package == "demo-pkg" and err.step == "check" and err.log == wctx.log.path


def test_an_extension_for_another_interpreter_is_refused(
        wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="cp313-cp313-wasi_wasm32",
               files={"demo_pkg/_x.cpython-311-wasm32-wasi.so": side_module(
                   exports=["PyInit__x"])})
    err = check_fails(wctx, wheel_recipe(), artifacts)
    assert err.message == ("demo_pkg/_x.cpython-311-wasm32-wasi.so is not named for the target "
                           "CPython (*.cpython-313-wasm32-wasi.so): it was built for another "
                           "interpreter")


def test_a_pure_tagged_wheel_with_compiled_modules_is_refused(
        wctx: WheelContext, artifacts: Path) -> None:
    make_wheel(wctx.out_dir, name="demo_pkg", tag="py3-none-any",
               files={"demo_pkg/libx.so": side_module()})
    err = check_fails(wctx, wheel_recipe(), artifacts)
    assert err.message == ("demo_pkg-1.0-py3-none-any.whl is tagged pure but contains compiled "
                           "modules (demo_pkg/libx.so)")

"""Tests of wasixtasks.commands, the functions behind the invoke tasks: the package table and
the graph (query), clean (also through the task's positional argument), install.libs,
require_kind, fetch/prepare, and build when nothing has to be built.

No process starts: a "build" here is what a successful build leaves behind (an artifact
packed from a tree, the work folders, a stamp), written by ``fake_build``. Real builds are
in tests/integration/test_engine.py."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from invoke.program import Program
from packaging.version import Version

from tests.helpers.project import add_library, engine_of, pc_file, write_recipe
from wasixtasks.archive import pack_tar_xz
from wasixtasks.commands.build import build, require_kind
from wasixtasks.commands.sources import fetch, prepare
from wasixtasks.commands.clean import clean
from wasixtasks.commands.install import install_libs
from wasixtasks.commands.query import graph_text, package_table
from wasixtasks.config import Config
from wasixtasks.errors import BuildError, GraphError, RecipeError
from wasixtasks.pipelines import stamps
from wasixtasks.pipelines.common import Engine
from wasixtasks.recipe import Kind
from wasixtasks.registry import Registry
from wasixtasks.scheduler import Status
from wasixtasks.sysroot import RECORD_DIR
from wasixtasks.tasks import namespace

SHA = "c" * 64
WHEEL = "cp313-cp313-wasix_wasm32"
HEADER = ["package", "kind", "version", "status", "depends on", "note"]



def wheel_recipe(name: str, libs: list[str]) -> str:
    return textwrap.dedent(
        f"""\
        from wasixtasks.recipe import Sdist, wheel


        @wheel(version="2.0", source=Sdist({name!r}, sha256={SHA!r}), libs={libs!r}, name={name!r})
        def recipe(b) -> None:
            pass
        """
    )


@pytest.fixture
def graph_cfg(cfg: Config) -> Config:
    """base <- mid <- top, mid <- py-thing (a wheel), and `lone` on its own."""
    add_library(cfg.root, "base")
    add_library(cfg.root, "mid", libs=["base"])
    add_library(cfg.root, "top", libs=["mid"])
    add_library(cfg.root, "lone")
    write_recipe(cfg.root, "py-thing", wheel_recipe("py-thing", ["mid"]))
    return cfg


def fake_build(engine: Engine, name: str, *, version: str = "1.0", extra: str | None = None,
               origin: str = "") -> Path:
    """What a successful build of library ``name`` leaves: work folders, a log, the
    artifact (its install tree packed), the stamp for its current inputs."""
    paths = engine.cfg.layout.package(name)
    tree = paths.lib / "usr" / "local"
    (tree / "include").mkdir(parents=True, exist_ok=True)
    (tree / "include" / f"{name}.h").write_text(f'#define {name.upper()}_VERSION "{version}"\n')
    if extra is not None:
        (tree / "include" / f"{extra}.h").write_text(f"/* only in {version} */\n")
    pc = tree / "lib" / "wasm32-wasi" / "pkgconfig" / f"{name}.pc"
    pc.parent.mkdir(parents=True, exist_ok=True)
    pc.write_text(pc_file(name, version))
    for folder in (paths.build, paths.sysroot):
        folder.mkdir(parents=True, exist_ok=True)
    paths.log.write_text(f"=== [{name}] step build ===\n")
    pack_tar_xz(paths.lib, paths.library_artifact)
    stamp = stamps.make_stamp(engine.cfg, engine.input_hash(name), paths.library_artifact,
                              ["wasixtasks.stages.make"], origin)
    stamps.write_stamp(paths.stamp, stamp)
    return paths.library_artifact


def table_rows(text: str) -> dict[str, list[str]]:
    """package_table output as {name: [kind, version, status, depends on, note]}."""
    lines = text.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == HEADER
    rows = {}
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line)
        rows[cells[0]] = cells[1:] + [""] * (len(HEADER) - len(cells))
    return rows


def statuses(engine: Engine) -> dict[str, str]:
    return {name: row[2] for name, row in table_rows(package_table(engine)).items()}


# --------------------------------------------------------------------------- graph


def test_graph_text_in_build_order(graph_cfg: Config) -> None:
    engine = engine_of(graph_cfg)
    assert graph_text(engine).splitlines() == [
        "  1. base",
        "  2. lone",
        "  3. mid  <- base",
        "  4. py-thing  <- mid",
        "  5. top  <- mid",
    ]
    # only what `top` needs
    assert graph_text(engine, ["top"]).splitlines() == [
        "  1. base",
        "  2. mid  <- base",
        "  3. top  <- mid",
    ]


def test_graph_text_dot(graph_cfg: Config) -> None:
    assert graph_text(engine_of(graph_cfg), ["top", "py-thing"], dot=True) == "\n".join(
        [
            "digraph wasixtasks {",
            '  "base";',
            '  "mid";',
            '  "mid" -> "base";',
            '  "py-thing";',
            '  "py-thing" -> "mid";',
            '  "top";',
            '  "top" -> "mid";',
            "}",
        ]
    )


def test_graph_of_an_unknown_package(graph_cfg: Config) -> None:
    with pytest.raises(GraphError, match="unknown package `tpo`"):
        graph_text(engine_of(graph_cfg), ["tpo"])


def toolchain_recipe(name: str) -> str:
    return (
        "from wasixtasks.recipe import Url, toolchain_package\n\n"
        f'@toolchain_package(version="1", source=Url("https://example.invalid/{name}-1.tar.gz", '
        f'sha256="{SHA}"), name={name!r})\n'
        "def recipe(b) -> None:\n    pass\n"
    )


def test_graph_and_table_show_the_implicit_toolchain_edges(graph_cfg: Config) -> None:
    write_recipe(graph_cfg.root, "wasix-libc", toolchain_recipe("wasix-libc"))
    engine = engine_of(graph_cfg)
    lines = graph_text(engine, ["mid"]).splitlines()
    assert lines == ["  1. wasix-libc", "  2. base  <- wasix-libc", "  3. mid  <- base, wasix-libc"]
    rows = table_rows(package_table(engine))
    assert rows["wasix-libc"][:4] == ["toolchain", "1", "-", "-"]
    assert rows["mid"][3] == "base, wasix-libc"


# --------------------------------------------------------------------------- list


def test_package_table_before_and_after_a_build(graph_cfg: Config) -> None:
    engine = engine_of(graph_cfg)
    assert table_rows(package_table(engine)) == {
        "base": ["library", "1.0", "-", "-", ""],
        "lone": ["library", "1.0", "-", "-", ""],
        "mid": ["library", "1.0", "-", "base", ""],
        "py-thing": ["wheel", "2.0", "-", "mid", ""],
        "top": ["library", "1.0", "-", "mid", ""],
    }
    for name in ("base", "mid", "top"):
        fake_build(engine, name)
    assert statuses(engine_of(graph_cfg)) == {
        "base": "up to date", "lone": "-", "mid": "up to date", "py-thing": "-",
        "top": "up to date",
    }


def test_package_table_notices_a_changed_recipe_and_artifact(graph_cfg: Config) -> None:
    engine = engine_of(graph_cfg)
    for name in ("base", "mid", "top"):
        fake_build(engine, name)
    recipe = graph_cfg.pkgs_dir / "mid.py"
    recipe.write_text(recipe.read_text() + "# edited\n")
    # mid changed, and top depends on it
    assert {n: s for n, s in statuses(engine_of(graph_cfg)).items() if n in ("base", "mid", "top")} == {
        "base": "up to date", "mid": "-", "top": "-",
    }
    (graph_cfg.artifacts_dir / "base.tar.xz").write_bytes(b"replaced by hand")
    assert statuses(engine_of(graph_cfg))["base"] == "-"


def test_package_table_shows_catalog_versions_notes_and_origins(cfg: Config) -> None:
    write_recipe(cfg.root, "zlib", (
        "from wasixtasks.recipe import Url, library\n\n"
        '@library(version="1.3.1", source=Url("https://example.invalid/zlib-1.3.1.tar.gz", '
        f'sha256="{SHA}"), catalog_version="1.3.2", version_note="1.3.2 is not in Debian yet")\n'
        "def zlib(b) -> None:\n    pass\n"
    ))
    add_library(cfg.root, "xz")
    engine = engine_of(cfg)
    rows = table_rows(package_table(engine))
    assert rows["zlib"] == ["library", "1.3.1 (catalog 1.3.2)", "-", "-", "1.3.2 is not in Debian yet"]
    assert rows["xz"] == ["library", "1.0", "-", "-", ""]
    fake_build(engine, "zlib", origin="Debian zlib 1:1.3.1-1 (identical to the pin)")
    fake_build(engine, "xz", origin="Debian's xz_1.0+dfsg.orig.tar.gz in place of xz-1.0.tar.gz")
    rows = table_rows(package_table(engine_of(cfg)))
    assert rows["zlib"][2] == "up to date"
    assert rows["zlib"][4] == ("1.3.2 is not in Debian yet; built from Debian zlib 1:1.3.1-1 "
                               "(identical to the pin)")
    assert rows["xz"][4] == "built from Debian's xz_1.0+dfsg.orig.tar.gz in place of xz-1.0.tar.gz"


def test_package_table_with_a_cycle_still_lists_the_packages(cfg: Config) -> None:
    add_library(cfg.root, "a", libs=["b"])
    add_library(cfg.root, "b", libs=["a"])
    rows = table_rows(package_table(engine_of(cfg)))
    assert rows == {"a": ["library", "1.0", "-", "b", ""], "b": ["library", "1.0", "-", "a", ""]}


# --------------------------------------------------------------------------- build without work


def test_build_with_everything_up_to_date_starts_nothing(
    graph_cfg: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = engine_of(graph_cfg)
    for name in ("base", "mid", "top"):
        fake_build(engine, name)
    capsys.readouterr()
    outcomes = build(engine_of(graph_cfg), ["top"])
    assert [(o.name, o.status) for o in outcomes] == [
        ("base", Status.UP_TO_DATE), ("mid", Status.UP_TO_DATE), ("top", Status.UP_TO_DATE),
    ]
    assert outcomes[2].artifact == graph_cfg.artifacts_dir / "top.tar.xz"
    assert "nothing to do: all 3 package(s) are up to date" in capsys.readouterr().out


def test_build_restores_from_the_artifact_cache(graph_cfg: Config, capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_of(graph_cfg)
    art = fake_build(engine, "base", origin="mirror somewhere")
    paths = graph_cfg.layout.package("base")
    stamp = stamps.read_stamp(paths.stamp)
    assert stamp is not None
    stamps.store(graph_cfg, "base", stamp, art)
    built = art.read_bytes()
    art.unlink()
    paths.stamp.unlink()
    (outcome,) = build(engine_of(graph_cfg), ["base"])
    assert outcome.status is Status.RESTORED
    assert outcome.detail == "from the artifact cache"
    assert art.read_bytes() == built
    assert stamps.read_stamp(paths.stamp) == stamp  # stamped as if built here
    assert re.search(r"^base +restored +from the artifact cache$", capsys.readouterr().out, re.M)


def test_build_of_an_unknown_package_fails_before_anything_runs(graph_cfg: Config) -> None:
    with pytest.raises(GraphError, match="unknown package `nope`"):
        build(engine_of(graph_cfg), ["base", "nope"])
    assert not graph_cfg.artifacts_dir.exists()


# --------------------------------------------------------------------------- blocked recipes

BLOCKED = (
    "from wasixtasks.recipe import Url, blocked\n\n"
    'blocked("hs", version="2", source=Url("https://example.invalid/hs-2.tar.gz", '
    f'sha256="{SHA}"), reason="needs a Haskell compiler for wasm")\n'
)


def test_a_blocked_recipe_is_listed_skipped_by_build_all_and_refused_by_name(
    graph_cfg: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    write_recipe(graph_cfg.root, "hs", BLOCKED)
    engine = engine_of(graph_cfg)
    rows = table_rows(package_table(engine))
    assert rows["hs"][2] == "blocked" and rows["hs"][-1] == "blocked: needs a Haskell compiler for wasm"
    with pytest.raises(RecipeError, match="`hs` is not built here: needs a Haskell compiler for wasm"):
        build(engine, ["base", "hs"])
    assert not graph_cfg.artifacts_dir.exists()
    for name in ("base", "mid", "top"):
        fake_build(engine, name)
    capsys.readouterr()
    outcomes = build(engine_of(graph_cfg), ["base", "hs", "mid", "top"], skip_blocked=True)
    assert sorted(o.name for o in outcomes) == ["base", "mid", "top"]
    assert "not built (blocked): hs: needs a Haskell compiler for wasm" in capsys.readouterr().out


def test_a_recipe_cannot_need_a_blocked_one(graph_cfg: Config) -> None:
    write_recipe(graph_cfg.root, "hs", BLOCKED)
    add_library(graph_cfg.root, "user", libs=["hs"])
    with pytest.raises(RecipeError, match=r"field `libs`: `hs` is blocked \(needs a Haskell"):
        Registry.load(graph_cfg)


def test_a_blocked_recipe_needs_its_reason(graph_cfg: Config) -> None:
    write_recipe(graph_cfg.root, "hs", BLOCKED.replace("needs a Haskell compiler for wasm", " "))
    with pytest.raises(RecipeError, match="field `reason`: hs: a blocked recipe needs its reason"):
        Registry.load(graph_cfg)


# --------------------------------------------------------------------------- clean


def test_clean_keeps_prepared_trees_unless_asked(graph_cfg: Config) -> None:
    engine = engine_of(graph_cfg)
    (prepared,) = prepare(engine, ["mid"])
    fake_build(engine, "base")
    fake_build(engine, "mid")
    pkgs = graph_cfg.pkgs_dir
    registry = Registry.load(graph_cfg)
    (pkgs / "mid.lib.partial").mkdir()  # left by a killed run
    work = [pkgs / f"mid{s}" for s in (".build", ".lib", ".sysroot", ".stamp", ".log")]
    work.append(pkgs / "mid.lib.partial")
    kept = [pkgs / f"mid{s}" for s in (".prepared", ".prepared.json", ".source")]
    assert prepared == pkgs / "mid.prepared"
    assert all(p.exists() for p in work + kept)

    removed = clean(registry, graph_cfg, ["mid"])
    assert sorted(removed) == sorted(work)
    assert not any(p.exists() for p in work)
    assert all(p.exists() for p in kept)
    assert (pkgs / "mid.py").is_file()  # the recipe itself, of course
    assert (graph_cfg.artifacts_dir / "mid.tar.xz").is_file()
    assert (pkgs / "base.build").is_dir() and (pkgs / "base.stamp").is_file()  # not asked for
    # no stamp: no longer up to date
    assert statuses(engine_of(graph_cfg))["mid"] == "-"
    assert statuses(engine_of(graph_cfg))["base"] == "up to date"

    removed = clean(registry, graph_cfg, ["mid"], prepared=True)
    assert sorted(removed) == sorted(kept)
    assert not any(p.exists() for p in kept)
    assert clean(registry, graph_cfg, ["mid"], prepared=True) == []


def test_clean_artifacts(graph_cfg: Config) -> None:
    fake_build(engine_of(graph_cfg), "base")
    arts = graph_cfg.artifacts_dir
    mine = arts / f"py_thing-2.0-{WHEEL}.whl"
    older = arts / f"Py.Thing-1.9-{WHEEL}.whl"
    theirs = arts / f"py_thing_extra-1.0-{WHEEL}.whl"
    for wheel in (mine, older, theirs):
        wheel.write_bytes(b"PK")
    registry = Registry.load(graph_cfg)

    assert clean(registry, graph_cfg, ["base"]) != []
    assert (arts / "base.tar.xz").is_file()  # only with artifacts=True
    assert clean(registry, graph_cfg, ["base"], artifacts=True) == [arts / "base.tar.xz"]
    # every wheel of the project (names normalized), and nothing of another project
    assert sorted(clean(registry, graph_cfg, ["py-thing"], artifacts=True)) == sorted([older, mine])
    assert theirs.is_file()


def test_clean_artifacts_keeps_another_recipes_line(graph_cfg: Config) -> None:
    # a second recipe of py-thing's project builds 1.0: cleaning py-thing (2.0) keeps its
    # wheel, and cleaning it takes only its own
    write_recipe(graph_cfg.root, "py-thing-one", textwrap.dedent(f"""\
        from wasixtasks.recipe import Sdist, wheel


        @wheel(version="1.0", source=Sdist("py-thing", sha256={SHA!r}), name="py-thing-one",
               dist_name="py-thing")
        def recipe(b) -> None:
            pass
        """))
    arts = graph_cfg.artifacts_dir
    arts.mkdir(parents=True, exist_ok=True)
    mine = arts / f"py_thing-2.0-{WHEEL}.whl"
    older = arts / f"py_thing-1.9-{WHEEL}.whl"
    line = arts / f"py_thing-1.0-{WHEEL}.whl"
    for wheel in (mine, older, line):
        wheel.write_bytes(b"PK")
    registry = Registry.load(graph_cfg)
    assert registry.other_lines(registry.get("py-thing")) == {Version("1.0")}
    assert sorted(clean(registry, graph_cfg, ["py-thing"], artifacts=True)) == sorted([older, mine])
    assert clean(registry, graph_cfg, ["py-thing-one"], artifacts=True) == [line]


def test_clean_unknown_package(graph_cfg: Config) -> None:
    with pytest.raises(RecipeError, match=r"unknown package `tpo` \(did you mean top\?\)"):
        clean(Registry.load(graph_cfg), graph_cfg, ["tpo"])


def invoke_cli(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    """`invoke ARGS` in this process (the tasks only call library functions)."""
    monkeypatch.setenv("WASIXTASKS_ROOT", str(root))
    Program(namespace=namespace(), name="invoke", binary="invoke").run(["invoke", *args], exit=False)


def test_clean_task_takes_names_positionally(
    graph_cfg: Config, clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = engine_of(graph_cfg)
    for name in ("base", "mid", "lone"):
        fake_build(engine, name)
    pkgs = graph_cfg.pkgs_dir
    invoke_cli(graph_cfg.root, clean_env, "clean", "mid,lone")
    assert "removed 10 path(s)" in capsys.readouterr().out
    assert not (pkgs / "mid.stamp").exists() and not (pkgs / "lone.build").exists()
    assert (pkgs / "base.stamp").is_file()
    assert (graph_cfg.artifacts_dir / "mid.tar.xz").is_file()

    invoke_cli(graph_cfg.root, clean_env, "clean", "--artifacts", "base")
    assert not (graph_cfg.artifacts_dir / "base.tar.xz").exists()
    assert (graph_cfg.artifacts_dir / "mid.tar.xz").is_file()

    # `all`: every package
    fake_build(engine, "top")
    invoke_cli(graph_cfg.root, clean_env, "clean", "all")
    assert not (pkgs / "top.stamp").exists()
    assert not list(pkgs.glob("*.build"))


# --------------------------------------------------------------------------- install.libs


def installed_record(dest: Path, name: str) -> dict[str, object]:
    data = json.loads((dest / RECORD_DIR / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


def test_install_libs_with_dependencies(graph_cfg: Config, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_of(graph_cfg)
    for name in ("base", "mid", "top"):
        fake_build(engine, name)
    dest = tmp_path / "sysroot"
    installed = install_libs(engine, ["top"], dest)
    assert installed == ["base", "mid", "top"]  # dependencies first
    for name in installed:
        assert (dest / f"usr/local/include/{name}.h").read_text() == (
            f'#define {name.upper()}_VERSION "1.0"\n'
        )
        pc = dest / f"usr/local/lib/wasm32-wasi/pkgconfig/{name}.pc"
        assert "prefix=/usr/local" in pc.read_text()
        record = installed_record(dest, name)
        assert record["name"] == name
        assert record["archive"] == f"{name}.tar.xz"
        files = record["files"]
        assert isinstance(files, list)
        assert f"usr/local/include/{name}.h" in files
        assert all((dest / f).is_file() for f in files)
    assert f"[top] installed 2 files into {dest}" in capsys.readouterr().out
    # a second request sharing dependencies installs each library once
    assert install_libs(engine, ["mid", "base"], dest) == ["base", "mid"]


def test_reinstall_removes_what_the_new_version_lacks(cfg: Config, tmp_path: Path) -> None:
    add_library(cfg.root, "lone")
    dest = tmp_path / "sysroot"
    engine = engine_of(cfg)
    fake_build(engine, "lone", version="1.0", extra="lone_old")
    install_libs(engine, ["lone"], dest)
    inc = dest / "usr/local/include"
    assert (inc / "lone_old.h").is_file()
    # a file of the user's own next to ours: never touched
    (inc / "mine.h").write_text("/* user */\n")

    import shutil

    shutil.rmtree(cfg.layout.package("lone").lib)
    fake_build(engine, "lone", version="2.0", extra="lone_new")
    install_libs(engine, ["lone"], dest)
    assert not (inc / "lone_old.h").exists()
    assert (inc / "lone_new.h").read_text() == "/* only in 2.0 */\n"
    assert (inc / "lone.h").read_text() == '#define LONE_VERSION "2.0"\n'
    assert (inc / "mine.h").is_file()
    files = installed_record(dest, "lone")["files"]
    assert isinstance(files, list)
    assert "usr/local/include/lone_new.h" in files
    assert "usr/local/include/lone_old.h" not in files


def test_install_libs_without_an_artifact(graph_cfg: Config, tmp_path: Path) -> None:
    with pytest.raises(BuildError) as info:
        install_libs(engine_of(graph_cfg), ["mid"], tmp_path / "s")
    err = info.value
    assert err.package == "base"  # the first one of the closure
    assert err.step == "install"
    assert err.message == (f"library base has no artifact {graph_cfg.artifacts_dir / 'base.tar.xz'}; "
                           "build it first")
    assert err.exit_code == 8
    assert not (tmp_path / "s").exists()


def test_install_libs_refuses_a_wheel(graph_cfg: Config, tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="`py-thing` is a wheel, not a library"):
        install_libs(engine_of(graph_cfg), ["py-thing"], tmp_path / "s")
    assert not (tmp_path / "s").exists()


# --------------------------------------------------------------------------- require_kind


def test_require_kind(graph_cfg: Config) -> None:
    registry = Registry.load(graph_cfg)
    require_kind(registry.get("base"), Kind.LIBRARY)
    require_kind(registry.get("base"), Kind.LIBRARY, Kind.TOOLCHAIN)
    require_kind(registry.get("py-thing"), Kind.WHEEL)

    with pytest.raises(RecipeError) as info:
        require_kind(registry.get("base"), Kind.WHEEL)
    assert info.value.message == "`base` is a library, not a wheel"
    assert info.value.hint == "Use `invoke build.lib base`."
    assert info.value.exit_code == 3

    with pytest.raises(RecipeError) as info:
        require_kind(registry.get("py-thing"), Kind.LIBRARY, Kind.TOOLCHAIN)
    assert info.value.message == "`py-thing` is a wheel, not a library or toolchain"
    assert info.value.hint == "Use `invoke build.wheel py-thing`."


# --------------------------------------------------------------------------- fetch / prepare


def test_fetch_and_prepare(graph_cfg: Config, capsys: pytest.CaptureFixture[str]) -> None:
    engine = engine_of(graph_cfg)
    (source,) = fetch(engine, ["lone"])
    assert source == graph_cfg.pkgs_dir / "lone.source"
    assert (source / "lone.h").is_file()
    (prepared,) = prepare(engine, ["lone"])
    assert prepared == graph_cfg.pkgs_dir / "lone.prepared"
    assert (prepared / "Makefile").is_file()
    out = capsys.readouterr().out
    assert f"[lone] source ready: {source} (mirror {graph_cfg.root / 'mirror' / 'lone-1.0.tar.gz'})" in out
    assert f"[lone] prepared: {prepared}" in out
    assert "=== [lone] step fetch ===" in (graph_cfg.pkgs_dir / "lone.log").read_text()


def test_the_kind_option_names_the_kinds_it_takes() -> None:
    from wasixtasks.errors import ConfigError
    from wasixtasks.tasks._common import kind_option

    assert kind_option("") is None
    assert kind_option("library") is Kind.LIBRARY and kind_option(" Wheel ") is Kind.WHEEL
    with pytest.raises(ConfigError, match="--kind 'libary' is not one of library, wheel, toolchain"):
        kind_option("libary")

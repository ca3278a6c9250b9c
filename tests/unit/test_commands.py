"""Tests of wasixtasks.commands, the functions behind the invoke tasks: graph and package
listings, build, clean, install.libs, require_kind and doctor.

Packages are tiny host-only libraries (a Makefile run by the host's make) from
tests/helpers/project.py, built with its FAKE toolchain: nothing is compiled to wasm."""

from __future__ import annotations

import json
import re
import stat
import textwrap
from pathlib import Path

import pytest

from tests.helpers.project import add_library, library_files, make_project, write_recipe
from wasixtasks import commands
from wasixtasks.config import Config, load_config
from wasixtasks.errors import BuildError, RecipeError
from wasixtasks.recipe import Kind
from wasixtasks.registry import Registry
from wasixtasks.sysroot import RECORD_DIR
from wasixtasks.toolchain import Toolchain, active_toolchain, standin_toolchain

SHA = "c" * 64
WHEEL = "cp311-cp311-wasi_wasm32"


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


def table_rows(text: str) -> dict[str, list[str]]:
    """package_table output as {name: [kind, version, status, depends on]} (header checked)."""
    lines = text.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["package", "kind", "version", "status", "depends on"]
    rows = {}
    for line in lines[1:]:
        cells = re.split(r"\s{2,}", line)
        rows[cells[0]] = cells[1:]
    return rows


def build(cfg: Config, names: list[str]) -> None:
    commands.build(Registry.load(cfg), cfg, standin_toolchain(cfg), names)


# --------------------------------------------------------------------------- graph


def test_graph_text_in_build_order(graph_cfg: Config) -> None:
    registry = Registry.load(graph_cfg)
    assert commands.graph_text(registry).splitlines() == [
        "  1. base",
        "  2. lone",
        "  3. mid  <- base",
        "  4. py-thing  <- mid",
        "  5. top  <- mid",
    ]
    # only what `top` needs
    assert commands.graph_text(registry, ["top"]).splitlines() == [
        "  1. base",
        "  2. mid  <- base",
        "  3. top  <- mid",
    ]


def test_graph_text_dot(graph_cfg: Config) -> None:
    registry = Registry.load(graph_cfg)
    assert commands.graph_text(registry, ["top", "py-thing"], dot=True) == "\n".join(
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


# --------------------------------------------------------------------------- list / build


def test_package_table_before_and_after_a_build(
    graph_cfg: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = Registry.load(graph_cfg)
    tc = standin_toolchain(graph_cfg)
    before = table_rows(commands.package_table(registry, graph_cfg, tc))
    assert before == {
        "base": ["library", "1.0", "-", "-"],
        "lone": ["library", "1.0", "-", "-"],
        "mid": ["library", "1.0", "-", "base"],
        "py-thing": ["wheel", "2.0", "-", "mid"],
        "top": ["library", "1.0", "-", "mid"],
    }

    outcomes = commands.build(registry, graph_cfg, tc, ["top"])
    assert [(o.name, o.status) for o in outcomes] == [
        ("base", "built"), ("mid", "built"), ("top", "built"),
    ]
    after = table_rows(commands.package_table(registry, graph_cfg, tc))
    assert {name: row[2] for name, row in after.items()} == {
        "base": "up to date", "lone": "-", "mid": "up to date", "py-thing": "-",
        "top": "up to date",
    }

    capsys.readouterr()
    again = commands.build(registry, graph_cfg, tc, ["top"])
    assert {o.status for o in again} == {"up to date"}
    assert "nothing to do: all 3 package(s) are up to date" in capsys.readouterr().out


def test_package_table_notices_a_changed_recipe(graph_cfg: Config) -> None:
    build(graph_cfg, ["top"])
    recipe = graph_cfg.pkgs_dir / "mid.py"
    recipe.write_text(recipe.read_text() + "# edited\n")
    registry = Registry.load(graph_cfg)
    rows = table_rows(commands.package_table(registry, graph_cfg, standin_toolchain(graph_cfg)))
    # mid changed, and top depends on it
    assert {name: row[2] for name, row in rows.items() if name in ("base", "mid", "top")} == {
        "base": "up to date", "mid": "-", "top": "-",
    }


def test_package_table_with_another_toolchain_is_not_up_to_date(graph_cfg: Config) -> None:
    build(graph_cfg, ["base"])
    registry = Registry.load(graph_cfg)
    tc = standin_toolchain(graph_cfg)
    assert table_rows(commands.package_table(registry, graph_cfg, tc))["base"][2] == "up to date"
    other = Toolchain(
        profile=tc.profile, home=tc.home, tools=tc.tools, runner=tc.runner,
        host_triple=tc.host_triple, platform_tag=tc.platform_tag, python=tc.python,
        identity={"ziglang": "another version"},
    )
    assert table_rows(commands.package_table(registry, graph_cfg, other))["base"][2] == "-"


# --------------------------------------------------------------------------- clean


def test_clean_keeps_prepared_trees_unless_asked(graph_cfg: Config) -> None:
    build(graph_cfg, ["mid"])
    pkgs = graph_cfg.pkgs_dir
    registry = Registry.load(graph_cfg)
    work = [pkgs / f"mid{s}" for s in (".build", ".lib", ".sysroot", ".stamp", ".log")]
    kept = [pkgs / f"mid{s}" for s in (".prepared", ".prepared.json", ".source")]
    assert all(p.exists() for p in work + kept)

    removed = commands.clean(registry, graph_cfg, ["mid"])
    assert sorted(removed) == sorted(work)
    assert not any(p.exists() for p in work)
    assert all(p.exists() for p in kept)
    assert (pkgs / "mid.py").is_file()  # the recipe itself, of course
    assert (graph_cfg.artifacts_dir / "mid.tar.xz").is_file()
    assert (pkgs / "base.build").is_dir() and (pkgs / "base.stamp").is_file()  # not asked for
    # no stamp: no longer up to date
    rows = table_rows(commands.package_table(registry, graph_cfg, standin_toolchain(graph_cfg)))
    assert rows["mid"][2] == "-" and rows["base"][2] == "up to date"

    removed = commands.clean(registry, graph_cfg, ["mid"], prepared=True)
    assert sorted(removed) == sorted(kept)
    assert not any(p.exists() for p in kept)
    assert commands.clean(registry, graph_cfg, ["mid"], prepared=True) == []


def test_clean_artifacts(graph_cfg: Config) -> None:
    build(graph_cfg, ["base"])
    arts = graph_cfg.artifacts_dir
    mine = arts / f"py_thing-2.0-{WHEEL}.whl"
    theirs = arts / f"py_thing_extra-1.0-{WHEEL}.whl"
    for wheel in (mine, theirs):
        wheel.write_bytes(b"PK")
    registry = Registry.load(graph_cfg)

    assert commands.clean(registry, graph_cfg, ["base"]) != []
    assert (arts / "base.tar.xz").is_file()  # only with artifacts=True
    assert commands.clean(registry, graph_cfg, ["base"], artifacts=True) == [arts / "base.tar.xz"]
    assert commands.clean(registry, graph_cfg, ["py-thing"], artifacts=True) == [mine]
    assert theirs.is_file()


def test_clean_unknown_package(graph_cfg: Config) -> None:
    with pytest.raises(RecipeError, match="unknown package `tpo`"):
        commands.clean(Registry.load(graph_cfg), graph_cfg, ["tpo"])


# --------------------------------------------------------------------------- install.libs


def installed_record(dest: Path, name: str) -> dict[str, object]:
    data = json.loads((dest / RECORD_DIR / f"{name}.json").read_text())
    assert isinstance(data, dict)
    return data


def test_install_libs_with_dependencies(graph_cfg: Config, tmp_path: Path) -> None:
    build(graph_cfg, ["top"])
    dest = tmp_path / "sysroot"
    installed = commands.install_libs(Registry.load(graph_cfg), graph_cfg, ["top"], dest)
    assert installed == ["base", "mid", "top"]
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
        assert f"usr/local/lib/wasm32-wasi/pkgconfig/{name}.pc" in files
        assert all((dest / f).is_file() for f in files)


def version_files(name: str, version: str, only: str) -> dict[str, str | bytes]:
    """A library whose install has a header every version has and one only this one has."""
    files: dict[str, str | bytes] = dict(library_files(name, version))
    files[f"{only}.h"] = f"/* only in {version} */\n"
    files["Makefile"] = str(files["Makefile"]) + f"\tcp {only}.h $(DESTDIR)/usr/local/include/{only}.h\n"
    return files


def test_reinstall_removes_what_the_new_version_lacks(cfg: Config, tmp_path: Path) -> None:
    dest = tmp_path / "sysroot"
    add_library(cfg.root, "lone", version="1.0", files=version_files("lone", "1.0", "lone_old"))
    build(cfg, ["lone"])
    commands.install_libs(Registry.load(cfg), cfg, ["lone"], dest)
    inc = dest / "usr/local/include"
    assert (inc / "lone_old.h").is_file()
    # a file of the user's own next to ours: never touched
    (inc / "mine.h").write_text("/* user */\n")

    add_library(cfg.root, "lone", version="2.0", files=version_files("lone", "2.0", "lone_new"))
    build(cfg, ["lone"])
    commands.install_libs(Registry.load(cfg), cfg, ["lone"], dest)
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
        commands.install_libs(Registry.load(graph_cfg), graph_cfg, ["mid"], tmp_path / "s")
    err = info.value
    assert err.package == "base"  # the first one of the closure
    assert err.step == "install"
    assert err.hint == "Run `invoke build.lib base` first."
    assert not (tmp_path / "s").exists()


def test_install_libs_refuses_a_wheel(graph_cfg: Config, tmp_path: Path) -> None:
    with pytest.raises(RecipeError, match="`py-thing` is a wheel, not a library"):
        commands.install_libs(Registry.load(graph_cfg), graph_cfg, ["py-thing"], tmp_path / "s")


# --------------------------------------------------------------------------- require_kind


def test_require_kind(graph_cfg: Config) -> None:
    registry = Registry.load(graph_cfg)
    commands.require_kind(registry.get("base"), Kind.LIBRARY)
    commands.require_kind(registry.get("py-thing"), Kind.WHEEL)

    with pytest.raises(RecipeError) as info:
        commands.require_kind(registry.get("base"), Kind.WHEEL)
    assert info.value.message == "`base` is a library, not a wheel"
    assert info.value.hint == "Use `invoke build.lib base`."
    assert info.value.exit_code == 3

    with pytest.raises(RecipeError) as info:
        commands.require_kind(registry.get("py-thing"), Kind.LIBRARY)
    assert info.value.message == "`py-thing` is a wheel, not a library"
    assert info.value.hint == "Use `invoke build.wheel py-thing`."


# --------------------------------------------------------------------------- doctor


@pytest.fixture
def host_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH is one folder holding (empty, executable) `make` and `pkg-config`."""
    folder = tmp_path / "host-bin"
    folder.mkdir()
    for tool in ("make", "pkg-config"):
        exe = folder / tool
        exe.write_text("")
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_doctor_ready(cfg: Config, fake_toolchain: Toolchain, host_path: Path) -> None:
    ok, text = commands.doctor(cfg, fake_toolchain)
    assert ok
    lines = text.splitlines()
    assert lines[0] == "profile: stand-in (configured: stand-in)"
    assert lines[-1] == "status: ready"
    assert f"  CC      {fake_toolchain.tools['CC']}  [ok]" in lines
    assert "  python  CPython 3.11 (cp311), headers " in text
    assert "  wheel tag platform: wasi_wasm32" in lines
    assert f"  host    make: {host_path / 'make'}" in lines
    assert "problem:" not in text


def test_doctor_missing_host_tool(cfg: Config, fake_toolchain: Toolchain, host_path: Path) -> None:
    (host_path / "pkg-config").unlink()
    ok, text = commands.doctor(cfg, fake_toolchain)
    assert not ok
    assert "  host    pkg-config: MISSING (apt-get install pkg-config)" in text.splitlines()
    assert text.splitlines()[-1] == "status: NOT READY"


def test_doctor_broken_toolchain(tmp_path: Path, clean_env: pytest.MonkeyPatch, host_path: Path) -> None:
    cfg = load_config(make_project(tmp_path, fake_toolchain=False))
    tc = standin_toolchain(cfg)
    ok, text = commands.doctor(cfg, tc)
    assert not ok
    lines = text.splitlines()
    assert lines[-1] == "status: NOT READY"
    problems = [line for line in lines if line.startswith("  problem: ")]
    assert problems and "manifest.json missing" in problems[0]
    assert "run `invoke toolchain.setup`" in problems[0]
    assert f"  CC      {tc.tools['CC']}  [MISSING]" in lines
    assert "  python  MISSING: run `invoke toolchain.setup`" in lines


def test_doctor_wasix_without_python(cfg: Config, tmp_path: Path, host_path: Path) -> None:
    sysroot = tmp_path / "wasix-sysroot"
    libdir = sysroot / "usr/local/lib/wasm32-wasi"
    libdir.mkdir(parents=True)
    (libdir / "libz.a").write_bytes(b"!<arch>\n")
    env = {"CC": "/x/wasix-clang", "CXX": "/x/wasix-clang++", "AR": "/x/wasix-ar",
           "RANLIB": "/x/wasix-ranlib", "WASIX_SYSROOT": str(sysroot), "WASMER": "/x/wasmer",
           "PATH": str(host_path)}
    tc = active_toolchain(cfg.with_(toolchain="auto"), env)
    _, text = commands.doctor(cfg.with_(toolchain="auto"), tc)
    lines = text.splitlines()
    assert lines[0] == "profile: wasix (configured: auto)"
    assert f"  sysroot {sysroot}" in lines
    assert any(line.startswith(f"  note: {libdir} already holds libraries") for line in lines)
    assert any(line.startswith("  python  MISSING: point `wasix-python`") for line in lines)
    assert "  wheel tag platform: wasix_wasm32" in lines
    assert "  runner  /x/wasmer run" in lines
    # /x/... do not exist: reported per tool, and the profile is not ready
    assert "  CC      /x/wasix-clang  [MISSING]" in lines
    assert "  problem: AR, CC, CXX, RANLIB not found" in lines
    assert lines[-1] == "status: NOT READY"


def test_doctor_wasix_tools_present_but_no_python(cfg: Config, tmp_path: Path, host_path: Path) -> None:
    sysroot = tmp_path / "wasix-sysroot"
    sysroot.mkdir()
    env = {"WASIX_SYSROOT": str(sysroot), "PATH": str(host_path)}
    for tool in ("wasix-clang", "wasix-clang++", "llvm-ar", "llvm-ranlib", "wasmer"):
        exe = host_path / tool
        exe.write_text("")
        exe.chmod(0o755)
    env.update(CC=str(host_path / "wasix-clang"), CXX=str(host_path / "wasix-clang++"),
               AR=str(host_path / "llvm-ar"), RANLIB=str(host_path / "llvm-ranlib"),
               WASMER=str(host_path / "wasmer"))
    tc = active_toolchain(cfg.with_(toolchain="auto"), env)
    ok, text = commands.doctor(cfg.with_(toolchain="auto"), tc)
    assert ok
    assert text.splitlines()[-1] == "status: ready for libraries; NOT READY for wheels (no target CPython)"


# --------------------------------------------------------------------------- fetch / prepare


def test_fetch_and_prepare(graph_cfg: Config, capsys: pytest.CaptureFixture[str]) -> None:
    registry = Registry.load(graph_cfg)
    (source,) = commands.fetch(registry, graph_cfg, ["lone"])
    assert source == graph_cfg.pkgs_dir / "lone.source"
    assert (source / "lone.h").is_file()
    (prepared,) = commands.prepare(registry, graph_cfg, ["lone"])
    assert prepared == graph_cfg.pkgs_dir / "lone.prepared"
    assert (prepared / "Makefile").is_file()
    out = capsys.readouterr().out
    assert f"[lone] source ready: {source}" in out
    assert f"[lone] prepared: {prepared}" in out

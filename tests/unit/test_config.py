"""Tests of wasixtasks.config: pyproject, then wasixtasks.local.toml, then the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasixtasks.config import find_root, load_config
from wasixtasks.errors import ConfigError


def write_pyproject(root: Path, table: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.wasixtasks]\n{table}\n')


def test_defaults_live_under_the_root(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    (root / "pkgs").mkdir(parents=True)
    write_pyproject(root, "")
    cfg = load_config(root)
    assert cfg.root == root.resolve()
    assert cfg.pkgs_dir == root.resolve() / "pkgs"
    assert cfg.patches_dir == root.resolve() / "patches"
    assert cfg.artifacts_dir == root.resolve() / "artifacts"
    assert cfg.toolchain_dir == root.resolve() / ".toolchain"
    assert cfg.cache_dir == root.resolve() / ".cache" / "wasixtasks"
    assert cfg.toolchain == "auto"
    assert cfg.mirror_dirs == ()
    assert cfg.overrides == {}
    assert cfg.jobs == 1


def test_test_project_fixture_is_loadable(project: Path) -> None:
    cfg = load_config(project)
    assert cfg.toolchain == "stand-in"
    assert cfg.mirror_dirs == ((project / "mirror").resolve(),)


def test_pyproject_settings_resolve_relative_to_the_file(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    (root / "pkgs").mkdir(parents=True)
    write_pyproject(
        root,
        'mirror = ["m1", "../shared-mirror"]\n'
        'artifacts-dir = "out"\n'
        'toolchain = "wasix"\n'
        'allowed-shared-libs = ["libc.so"]\n'
        "jobs = 3\n",
    )
    cfg = load_config(root)
    assert cfg.mirror_dirs == ((root / "m1").resolve(), (tmp_path / "shared-mirror").resolve())
    assert cfg.artifacts_dir == (root / "out").resolve()
    assert cfg.toolchain == "wasix"
    assert cfg.allowed_shared_libs == ("libc.so",)
    assert cfg.jobs == 3


def test_single_mirror_string_is_a_list_of_one(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, 'mirror = "m"')
    assert load_config(root).mirror_dirs == ((root / "m").resolve(),)


def test_local_config_overrides_pyproject(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, 'toolchain = "wasix"\nmirror = ["m"]')
    (root / "wasixtasks.local.toml").write_text(
        'toolchain = "stand-in"\nmirror = ["/srv/mirror"]\n\n[overrides]\nzlib = "src/zlib"\n'
    )
    cfg = load_config(root)
    assert cfg.toolchain == "stand-in"
    assert cfg.mirror_dirs == (Path("/srv/mirror"),)
    # relative to the file that names it
    assert cfg.overrides == {"zlib": (root / "src" / "zlib").resolve()}


def test_local_config_path_from_environment(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, "")
    elsewhere = tmp_path / "elsewhere" / "my.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('[overrides]\nxz = "xz-src"\n')
    # the project's own local file must be ignored once the variable names another one
    (root / "wasixtasks.local.toml").write_text('toolchain = "wasix"\n')
    clean_env.setenv("WASIXTASKS_LOCAL_CONFIG", str(elsewhere))
    cfg = load_config(root)
    assert cfg.local_config_path == elsewhere
    assert cfg.toolchain == "auto"
    assert cfg.overrides == {"xz": (elsewhere.parent / "xz-src").resolve()}


def test_environment_wins(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, 'toolchain = "wasix"\nmirror = ["m"]')
    clean_env.setenv("WASIXTASKS_TOOLCHAIN", "stand-in")
    clean_env.setenv("WASIXTASKS_MIRROR", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    clean_env.setenv("WASIXTASKS_WASIX_PYTHON", str(tmp_path / "py"))
    cfg = load_config(root)
    assert cfg.toolchain == "stand-in"
    # environment mirrors are searched first, then the configured ones
    assert cfg.mirror_dirs == (
        (tmp_path / "a").resolve(), (tmp_path / "b").resolve(), (root / "m").resolve()
    )
    assert cfg.wasix_python == (tmp_path / "py").resolve()


def test_bad_toolchain_in_environment(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, "")
    clean_env.setenv("WASIXTASKS_TOOLCHAIN", "emscripten")
    with pytest.raises(ConfigError, match="WASIXTASKS_TOOLCHAIN must be one of"):
        load_config(root)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("colour = 1", "unknown setting(s) colour"),
        ('toolchain = "emscripten"', "toolchain must be one of"),
        ("mirror = 3", "mirror must be a path or a list of paths"),
        ("jobs = 0", "jobs must be a positive integer"),
        ('jobs = "4"', "jobs must be a positive integer"),
        ('allowed-shared-libs = "libc.so"', "allowed-shared-libs must be a list"),
        ('overrides = "x"', "[overrides] must map package names"),
    ],
)
def test_bad_settings_name_the_file(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, table: str, message: str
) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, table)
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert message in info.value.message
    assert str(root / "pyproject.toml") in info.value.message
    assert info.value.exit_code == 2


def test_unreadable_toml_names_the_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    write_pyproject(root, "")
    local = root / "wasixtasks.local.toml"
    local.write_text("mirror = [\n")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.message.startswith(f"{local}:")


def test_find_root_walks_up(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    (root / "pkgs" / "deep" / "er").mkdir(parents=True)
    write_pyproject(root, "")
    assert find_root(root / "pkgs" / "deep" / "er") == root.resolve()


def test_find_root_needs_pkgs_and_pyproject(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("")  # no pkgs/ next to it
    with pytest.raises(ConfigError) as info:
        find_root(tmp_path)
    assert "no wasixtasks project found" in info.value.message
    assert info.value.hint is not None and "WASIXTASKS_ROOT" in info.value.hint


def test_find_root_environment_wins(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("WASIXTASKS_ROOT", str(tmp_path / "other"))
    assert find_root(tmp_path) == (tmp_path / "other").resolve()


def test_with_returns_a_changed_copy(project: Path) -> None:
    cfg = load_config(project)
    other = cfg.with_(jobs=5)
    assert other.jobs == 5 and cfg.jobs == 1

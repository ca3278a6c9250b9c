"""Tests of wasixtasks.config: pyproject, then wasixtasks.local.toml, then the environment;
the cache folder outside the checkout, the toolchain profiles and the retired ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasixtasks.config import PROFILES, RETIRED_PROFILES, default_cache_dir, find_root, load_config
from wasixtasks.errors import ConfigError
from wasixtasks.layout import Layout


def write_pyproject(root: Path, table: str) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.wasixtasks]\n{table}\n')


@pytest.fixture
def home(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> Path:
    """A fake home folder, and no XDG_CACHE_HOME: the cache defaults are computed from it."""
    folder = tmp_path / "home"
    folder.mkdir()
    clean_env.setenv("HOME", str(folder))
    clean_env.delenv("XDG_CACHE_HOME", raising=False)
    return folder


# --------------------------------------------------------------------------- defaults


def test_defaults(tmp_path: Path, home: Path) -> None:
    root = tmp_path / "proj"
    (root / "pkgs").mkdir(parents=True)
    write_pyproject(root, "")
    cfg = load_config(root)
    assert cfg.root == root.resolve()
    assert cfg.pkgs_dir == root.resolve() / "pkgs"
    assert cfg.patches_dir == root.resolve() / "patches"
    assert cfg.artifacts_dir == root.resolve() / "artifacts"
    assert cfg.dist_dir == root.resolve() / "dist"
    # the cache lives outside the checkout, shared by every checkout of the machine
    assert cfg.cache_dir == (home / ".cache" / "wasixtasks").resolve()
    assert not cfg.cache_dir.is_relative_to(cfg.root)
    assert cfg.toolchain == "auto"
    assert cfg.mirror_dirs == ()
    assert cfg.overrides == {}
    assert cfg.allowed_shared_libs == ()
    assert cfg.wasix_python is None
    assert cfg.build_python is None
    assert cfg.prefer_backup is False
    assert cfg.jobs == 1


def test_default_cache_dir_follows_xdg(home: Path, clean_env: pytest.MonkeyPatch) -> None:
    assert default_cache_dir() == (home / ".cache" / "wasixtasks").resolve()
    clean_env.setenv("XDG_CACHE_HOME", str(home / "xdg"))
    assert default_cache_dir() == (home / "xdg" / "wasixtasks").resolve()


def test_default_cache_dir_environment_wins(tmp_path: Path, home: Path,
                                            clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    clean_env.setenv("WASIXTASKS_CACHE", str(tmp_path / "mine"))
    # used as given: no `wasixtasks` folder appended
    assert default_cache_dir() == (tmp_path / "mine").resolve()


def test_wasixtasks_cache_overrides_the_configured_cache_dir(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, 'cache-dir = "here"')
    assert load_config(root).cache_dir == (root / "here").resolve()
    clean_env.setenv("WASIXTASKS_CACHE", str(tmp_path / "elsewhere"))
    assert load_config(root).cache_dir == (tmp_path / "elsewhere").resolve()


def test_test_project_fixture_is_loadable(project: Path) -> None:
    cfg = load_config(project)
    assert cfg.toolchain == "self-built"
    assert cfg.mirror_dirs == ((project / "mirror").resolve(),)
    # test projects never touch the developer's cache
    assert cfg.cache_dir == (project / ".cache").resolve()


def test_layout_is_made_of_the_configured_folders(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, 'pkgs-dir = "recipes"\npatches-dir = "p"\nartifacts-dir = "out"\n'
                          'dist-dir = "site"\ncache-dir = "/var/tmp/wx"')
    cfg = load_config(root)
    layout = cfg.layout
    assert isinstance(layout, Layout)
    assert (layout.root, layout.pkgs_dir, layout.patches_dir, layout.artifacts_dir,
            layout.dist_dir, layout.cache_dir) == (
        root.resolve(), (root / "recipes").resolve(), (root / "p").resolve(),
        (root / "out").resolve(), (root / "site").resolve(), Path("/var/tmp/wx"),
    )
    # the layout follows a changed copy of the configuration
    assert cfg.with_(cache_dir=tmp_path / "c").layout.downloads == tmp_path / "c" / "sha256"


# --------------------------------------------------------------------------- settings


def test_pyproject_settings_resolve_relative_to_the_file(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    (root / "pkgs").mkdir(parents=True)
    write_pyproject(
        root,
        'mirror = ["m1", "../shared-mirror"]\n'
        'artifacts-dir = "out"\n'
        'toolchain = "wasix-clang"\n'
        'allowed-shared-libs = ["libc.so"]\n'
        'wasix-python = "py/wasix"\n'
        'build-python = "tools/python3.13"\n'
        "prefer-backup = true\n"
        "jobs = 3\n",
    )
    cfg = load_config(root)
    assert cfg.mirror_dirs == ((root / "m1").resolve(), (tmp_path / "shared-mirror").resolve())
    assert cfg.artifacts_dir == (root / "out").resolve()
    assert cfg.toolchain == "wasix-clang"
    assert cfg.allowed_shared_libs == ("libc.so",)
    assert cfg.wasix_python == (root / "py" / "wasix").resolve()
    assert cfg.build_python == (root / "tools" / "python3.13").resolve()
    assert cfg.prefer_backup is True
    assert cfg.jobs == 3


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_is_accepted(tmp_path: Path, clean_env: pytest.MonkeyPatch, profile: str) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, f"toolchain = {profile!r}")
    assert load_config(root).toolchain == profile


def test_profiles() -> None:
    assert PROFILES == ("auto", "wasix-clang", "self-built")
    assert set(RETIRED_PROFILES) == {"stand-in", "wasix"}


@pytest.mark.parametrize(("retired", "advice"), [("stand-in", "use `self-built`"),
                                                 ("wasix", "now called `wasix-clang`")])
def test_retired_profiles_say_what_replaced_them(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, retired: str, advice: str
) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, f"toolchain = {retired!r}")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    msg = info.value.message
    assert msg.startswith(f"{root / 'pyproject.toml'}: toolchain = {retired!r}: ")
    assert advice in msg
    assert info.value.exit_code == 2


def test_retired_profile_in_the_environment(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, "")
    clean_env.setenv("WASIXTASKS_TOOLCHAIN", "stand-in")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.message == ("WASIXTASKS_TOOLCHAIN: toolchain = 'stand-in': "
                                  "the wasm32-wasi stand-in was retired; use `self-built`")


def test_single_mirror_string_is_a_list_of_one(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, 'mirror = "m"')
    assert load_config(root).mirror_dirs == ((root / "m").resolve(),)


def test_local_config_overrides_pyproject(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, 'toolchain = "wasix-clang"\nmirror = ["m"]\njobs = 2\n\n'
                          '[tool.wasixtasks.overrides]\nxz = "src/xz"')
    (root / "wasixtasks.local.toml").write_text(
        'toolchain = "self-built"\nmirror = ["/srv/mirror"]\nprefer-backup = true\n\n'
        '[overrides]\nzlib = "src/zlib"\n'
    )
    cfg = load_config(root)
    assert cfg.toolchain == "self-built"
    assert cfg.mirror_dirs == (Path("/srv/mirror"),)
    assert cfg.prefer_backup is True
    assert cfg.jobs == 2  # not set locally: the project's value stays
    # overrides merge, each relative to the file that names it
    assert cfg.overrides == {"xz": (root / "src" / "xz").resolve(),
                             "zlib": (root / "src" / "zlib").resolve()}


def test_local_config_path_from_environment(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, "")
    elsewhere = tmp_path / "elsewhere" / "my.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('[overrides]\nxz = "xz-src"\n')
    # the project's own local file must be ignored once the variable names another one
    (root / "wasixtasks.local.toml").write_text('toolchain = "wasix-clang"\n')
    clean_env.setenv("WASIXTASKS_LOCAL_CONFIG", str(elsewhere))
    cfg = load_config(root)
    assert cfg.local_config_path == elsewhere
    assert cfg.toolchain == "auto"
    assert cfg.overrides == {"xz": (elsewhere.parent / "xz-src").resolve()}


def test_environment_wins(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, 'toolchain = "wasix-clang"\nmirror = ["m"]')
    clean_env.setenv("WASIXTASKS_TOOLCHAIN", "self-built")
    clean_env.setenv("WASIXTASKS_MIRROR", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    clean_env.setenv("WASIXTASKS_WASIX_PYTHON", str(tmp_path / "py"))
    cfg = load_config(root)
    assert cfg.toolchain == "self-built"
    # environment mirrors are searched first, then the configured ones
    assert cfg.mirror_dirs == (
        (tmp_path / "a").resolve(), (tmp_path / "b").resolve(), (root / "m").resolve()
    )
    assert cfg.wasix_python == (tmp_path / "py").resolve()


def test_bad_toolchain_in_environment(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, "")
    clean_env.setenv("WASIXTASKS_TOOLCHAIN", "emscripten")
    with pytest.raises(ConfigError, match="WASIXTASKS_TOOLCHAIN: toolchain must be one of "
                                          "auto, wasix-clang, self-built"):
        load_config(root)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("colour = 1", "unknown setting(s) colour"),
        ("toolchain-dir = 'x'", "unknown setting(s) toolchain-dir"),
        ('toolchain = "emscripten"', "toolchain must be one of"),
        ("mirror = 3", "mirror must be a path or a list of paths"),
        ("jobs = 0", "jobs must be a positive integer"),
        ('jobs = "4"', "jobs must be a positive integer"),
        ('prefer-backup = "yes"', "prefer-backup must be true or false"),
        ("build-python = 3", "build-python must be a path"),
        ('allowed-shared-libs = "libc.so"', "allowed-shared-libs must be a list"),
        ('overrides = "x"', "[overrides] must map package names"),
    ],
)
def test_bad_settings_name_the_file(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, table: str, message: str
) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, table)
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert message in info.value.message
    assert str(root / "pyproject.toml") in info.value.message
    assert info.value.exit_code == 2


def test_unreadable_toml_names_the_file(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    write_pyproject(root, "")
    local = root / "wasixtasks.local.toml"
    local.write_text("mirror = [\n")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert info.value.message.startswith(f"{local}:")


# --------------------------------------------------------------------------- root


def test_find_root_walks_up(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    (root / "pkgs" / "deep" / "er").mkdir(parents=True)
    write_pyproject(root, "")
    assert find_root(root / "pkgs" / "deep" / "er") == root.resolve()


def test_load_config_finds_the_root_from_the_working_folder(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "proj"
    (root / "pkgs").mkdir(parents=True)
    write_pyproject(root, "jobs = 4")
    clean_env.chdir(root / "pkgs")
    cfg = load_config()
    assert cfg.root == root.resolve() and cfg.jobs == 4


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
    other = cfg.with_(jobs=5, prefer_backup=True)
    assert (other.jobs, other.prefer_backup) == (5, True)
    assert (cfg.jobs, cfg.prefer_backup) == (1, False)

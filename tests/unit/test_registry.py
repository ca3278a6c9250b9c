"""Tests of wasixtasks.registry: every broken recipe names its file and the field at fault."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import pytest

from tests.helpers.project import library_recipe, patch_text, write_patch, write_recipe
from wasixtasks.config import Config
from wasixtasks.errors import RecipeError
from wasixtasks.recipe import Kind, Url
from wasixtasks.registry import Registry, find_patches

SHA = "a" * 64
OTHER_SHA = "b" * 64


def wheel_recipe(name: str, *, build_wheels: Sequence[str] = (), libs: Sequence[str] = ()) -> str:
    return textwrap.dedent(
        f"""\
        from wasixtasks.recipe import Sdist, wheel


        @wheel(version="2.0", source=Sdist({name!r}, sha256={SHA!r}),
               libs={list(libs)!r}, build_wheels={list(build_wheels)!r}, name={name!r})
        def recipe(b) -> None:
            pass
        """
    )


def test_loads_valid_recipes(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    write_recipe(cfg.root, "bar", library_recipe("bar", OTHER_SHA, libs=["foo"]))
    write_recipe(cfg.root, "py-thing", wheel_recipe("py-thing", libs=["bar"]))
    reg = Registry.load(cfg)
    assert reg.names() == ["bar", "foo", "py-thing"]
    assert reg.names(Kind.LIBRARY) == ["bar", "foo"]
    assert reg.names(Kind.WHEEL) == ["py-thing"]
    bar = reg.get("bar")
    assert bar.libs == ("foo",)
    assert bar.deps == ("foo",)
    assert bar.version == "1.0"
    assert bar.file == cfg.root / "pkgs" / "bar.py"
    assert isinstance(bar.source, Url)
    assert bar.source.filename == "bar-1.0.tar.gz"
    assert "bar" in reg and "nope" not in reg
    assert len(reg) == 3
    assert [r.name for r in reg] == ["bar", "foo", "py-thing"]


def test_files_starting_with_underscore_are_not_recipes(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    (cfg.pkgs_dir / "_helpers.py").write_text("X = 1\n")
    assert Registry.load(cfg).names() == ["foo"]


def test_duplicate_name_across_two_files_names_both(cfg: Config) -> None:
    first = write_recipe(cfg.root, "a-file", library_recipe("foo", SHA))
    second = write_recipe(cfg.root, "b-file", library_recipe("foo", OTHER_SHA))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    msg = info.value.message
    assert "two recipes for `foo`" in msg
    assert str(first) in msg
    assert str(second) in msg
    assert info.value.exit_code == 3


def test_unknown_dependency_names_file_and_field(cfg: Config) -> None:
    write_recipe(cfg.root, "zlib", library_recipe("zlib", SHA))
    path = write_recipe(cfg.root, "png", library_recipe("png", OTHER_SHA, libs=["zlb"]))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    err = info.value
    assert str(path) in err.message
    assert "field `libs`" in err.message
    assert "unknown dependency `zlb`" in err.message
    assert "did you mean zlib?" in err.message
    assert err.package == "png"
    assert err.step == "load"


def test_unknown_build_wheel_names_its_field(cfg: Config) -> None:
    path = write_recipe(cfg.root, "w", wheel_recipe("w", build_wheels=["cython"]))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "field `build_wheels`" in info.value.message


@pytest.mark.parametrize(
    ("sha", "why"),
    [
        ("", "missing"),
        ("abc123", "too short"),
        ("A" * 64, "upper case"),
        ("g" * 64, "not hex"),
    ],
)
def test_bad_sha256_names_file_and_field(cfg: Config, sha: str, why: str) -> None:
    path = write_recipe(cfg.root, "foo", library_recipe("foo", sha))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    msg = info.value.message
    assert str(path) in msg, why
    assert "field `source`" in msg, why
    assert "sha256" in msg, why


def test_url_without_sha256_argument(cfg: Config) -> None:
    path = write_recipe(
        cfg.root,
        "foo",
        "from wasixtasks.recipe import Url, library\n\n"
        '@library(version="1", source=Url("https://example.invalid/foo.tar.gz"))\n'
        "def foo(b) -> None:\n    pass\n",
    )
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    # a TypeError in user code, still reported against the recipe file
    assert str(path) in info.value.message
    assert "sha256" in info.value.message


def test_git_source_needs_a_full_commit(cfg: Config) -> None:
    path = write_recipe(
        cfg.root,
        "foo",
        "from wasixtasks.recipe import Git, library\n\n"
        '@library(version="1", source=Git("https://example.invalid/foo.git", commit="main"))\n'
        "def foo(b) -> None:\n    pass\n",
    )
    with pytest.raises(RecipeError, match="field `source`.*40-digit commit") as info:
        Registry.load(cfg)
    assert str(path) in info.value.message


def test_bad_package_name_names_the_field(cfg: Config) -> None:
    path = write_recipe(cfg.root, "foo", library_recipe("Foo Bar", SHA))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "field `name`" in info.value.message


def test_libs_given_as_a_string(cfg: Config) -> None:
    path = write_recipe(
        cfg.root,
        "foo",
        "from wasixtasks.recipe import Url, library\n\n"
        f'@library(version="1", source=Url("https://example.invalid/f.tar.gz", sha256="{SHA}"),'
        ' libs="zlib")\n'
        "def foo(b) -> None:\n    pass\n",
    )
    with pytest.raises(RecipeError, match="field `libs`") as info:
        Registry.load(cfg)
    assert str(path) in info.value.message


def test_file_without_recipe(cfg: Config) -> None:
    path = write_recipe(cfg.root, "empty", "X = 1\n")
    with pytest.raises(RecipeError, match="declares no recipe") as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "@toolchain_package" in info.value.message and "pure_wheel" in info.value.message


def test_exception_in_recipe_file_is_reported_against_it(cfg: Config) -> None:
    path = write_recipe(cfg.root, "boom", "raise RuntimeError('kaput')\n")
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "RuntimeError: kaput" in info.value.message


def test_bad_patch_file_name(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    bad = write_patch(cfg.root, "foo-fix-build.patch", patch_text("a", "b", "c"))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(bad) in info.value.message
    assert "<package>-NNNN-<subject>.patch" in info.value.message


def test_patch_for_unknown_package(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    stray = write_patch(cfg.root, "fooo-0001-fix.patch", patch_text("a", "b", "c"))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(stray) in info.value.message
    assert "unknown package `fooo`" in info.value.message


def test_two_patches_with_one_number(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    write_patch(cfg.root, "foo-0001-one.patch", patch_text("a", "b", "c"))
    write_patch(cfg.root, "foo-0001-two.patch", patch_text("a", "b", "c"))
    with pytest.raises(RecipeError, match="two `foo` patches share a number"):
        Registry.load(cfg)


def test_patches_are_attached_in_series_order(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    write_recipe(cfg.root, "foo-extra", library_recipe("foo-extra", OTHER_SHA))
    p2 = write_patch(cfg.root, "foo-0002-second.patch", patch_text("a", "b", "c"))
    p1 = write_patch(cfg.root, "foo-0001-first.patch", patch_text("a", "b", "c"))
    px = write_patch(cfg.root, "foo-extra-0001-x.patch", patch_text("a", "b", "c"))
    (cfg.patches_dir / ".hidden").write_text("ignored")
    (cfg.patches_dir / "subfolder").mkdir()
    reg = Registry.load(cfg)
    assert reg.get("foo").patches == (p1, p2)
    # `foo-extra-0001-x` belongs to foo-extra, not to foo
    assert reg.get("foo-extra").patches == (px,)
    assert find_patches(cfg.patches_dir) == {"foo": [p1, p2], "foo-extra": [px]}


def test_library_in_build_wheels_is_an_error(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    path = write_recipe(cfg.root, "w", wheel_recipe("w", build_wheels=["foo"]))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    msg = info.value.message
    assert str(path) in msg
    assert "field `build_wheels`" in msg
    assert "`foo` is a library, not a wheel" in msg


def test_wheel_in_libs_is_an_error(cfg: Config) -> None:
    write_recipe(cfg.root, "w", wheel_recipe("w"))
    path = write_recipe(cfg.root, "foo", library_recipe("foo", SHA, libs=["w"]))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "field `libs`" in info.value.message
    assert "`w` is a wheel, not a library" in info.value.message


def lib_with_test(program: str, skip: str | None = None) -> str:
    return (
        "from wasixtasks.recipe import Test, Url, library\n\n"
        f'@library(version="1", source=Url("https://example.invalid/f.tar.gz", sha256="{SHA}"),'
        f" test=Test({program!r}, pkg_config=('foo',), expect='ok', skip={skip!r}))\n"
        "def foo(b) -> None:\n    pass\n"
    )


def test_missing_test_program(cfg: Config) -> None:
    path = write_recipe(cfg.root, "foo", lib_with_test("tests/foo.c"))
    with pytest.raises(RecipeError, match="field `test`") as info:
        Registry.load(cfg)
    err = info.value
    assert str(path) in err.message
    # the program is looked for next to the recipe file
    assert f"no file {cfg.pkgs_dir / 'tests' / 'foo.c'}" in err.message
    assert (err.package, err.step) == ("foo", "load")


def test_test_program_next_to_the_recipe(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", lib_with_test("tests/foo.c"))
    (cfg.pkgs_dir / "tests").mkdir()
    (cfg.pkgs_dir / "tests" / "foo.c").write_text("int main(void) { return 0; }\n")
    test = Registry.load(cfg).get("foo").test
    assert test is not None and test.program == "tests/foo.c"


def test_a_skipped_test_needs_no_program(cfg: Config) -> None:
    write_recipe(cfg.root, "foo", lib_with_test("tests/foo.c", skip="needs the network"))
    test = Registry.load(cfg).get("foo").test
    assert test is not None and test.skip == "needs the network"


# --------------------------------------------------------------------------- toolchain packages


def toolchain_recipe(name: str, *, libs: Sequence[str] = ()) -> str:
    return textwrap.dedent(
        f"""\
        from wasixtasks.recipe import Url, toolchain_package


        @toolchain_package(version="1", source=Url("https://example.invalid/{name}.tar.gz",
                           sha256={SHA!r}), libs={list(libs)!r}, name={name!r})
        def recipe(b) -> None:
            pass
        """
    )


def test_toolchain_packages_build_on_toolchain_packages(cfg: Config) -> None:
    write_recipe(cfg.root, "wasix-libc", toolchain_recipe("wasix-libc"))
    write_recipe(cfg.root, "libcxx", toolchain_recipe("libcxx", libs=["wasix-libc"]))
    reg = Registry.load(cfg)
    assert reg.names(Kind.TOOLCHAIN) == ["libcxx", "wasix-libc"]
    assert reg.names(Kind.LIBRARY) == []
    assert reg.get("libcxx").deps == ("wasix-libc",)


def test_a_library_in_a_toolchain_package_libs_is_an_error(cfg: Config) -> None:
    write_recipe(cfg.root, "zlib", library_recipe("zlib", SHA))
    path = write_recipe(cfg.root, "libcxx", toolchain_recipe("libcxx", libs=["zlib"]))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "field `libs`: `zlib` is a library, not a toolchain" in info.value.message


def test_a_toolchain_package_in_a_library_libs_is_an_error(cfg: Config) -> None:
    # libraries get the toolchain implicitly; naming it in libs is a mistake
    write_recipe(cfg.root, "wasix-libc", toolchain_recipe("wasix-libc"))
    path = write_recipe(cfg.root, "zlib", library_recipe("zlib", SHA, libs=["wasix-libc"]))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    assert str(path) in info.value.message
    assert "field `libs`: `wasix-libc` is a toolchain, not a library" in info.value.message


# --------------------------------------------------------------------------- the target CPython


def python_recipe(name: str) -> str:
    return (
        "from wasixtasks.recipe import Url, library\n\n"
        f'@library(version="3.13.5", source=Url("https://example.invalid/{name}.tar.xz", '
        f'sha256="{SHA}"), name={name!r}, provides_python=True)\n'
        "def recipe(b) -> None:\n    pass\n"
    )


def test_the_python_provider(cfg: Config) -> None:
    write_recipe(cfg.root, "zlib", library_recipe("zlib", SHA))
    assert Registry.load(cfg).python_provider is None
    write_recipe(cfg.root, "cpython", python_recipe("cpython"))
    assert Registry.load(cfg).python_provider == "cpython"


def test_two_python_providers_are_an_error(cfg: Config) -> None:
    first = write_recipe(cfg.root, "cpython", python_recipe("cpython"))
    second = write_recipe(cfg.root, "cpython-next", python_recipe("cpython-next"))
    with pytest.raises(RecipeError) as info:
        Registry.load(cfg)
    msg = info.value.message
    assert msg.startswith("two recipes provide the target CPython: ")
    assert str(first) in msg and str(second) in msg


# --------------------------------------------------------------------------- other declarations


def test_pure_wheel_and_debian_sources_load(cfg: Config) -> None:
    path = write_recipe(
        cfg.root, "six",
        "from wasixtasks.recipe import Debian, Sdist, Url, library, pure_wheel\n\n"
        f'pure_wheel("six", version="1.17.0", source=Sdist("six", sha256="{SHA}"))\n\n'
        f'@library(version="1.3.1", source=Url("https://example.invalid/zlib-1.3.1.tar.gz", '
        f'sha256="{SHA}", backup=Debian("zlib", "1:1.3.dfsg+really1.3.1-1")))\n'
        "def zlib(b) -> None:\n    pass\n",
    )
    reg = Registry.load(cfg)
    assert reg.names() == ["six", "zlib"]
    six = reg.get("six")
    assert (six.kind, six.build, six.native, six.file) == (Kind.WHEEL, None, False, path)
    assert six.line == 3
    source = reg.get("zlib").source
    assert isinstance(source, Url) and source.backup is not None
    assert source.backup.package == "zlib"


def test_get_unknown_suggests(cfg: Config) -> None:
    write_recipe(cfg.root, "libpng", library_recipe("libpng", SHA))
    reg = Registry.load(cfg)
    with pytest.raises(RecipeError, match=r"unknown package `libpgn` \(did you mean libpng\?\)"):
        reg.get("libpgn")


def test_loading_leaves_no_recipe_modules_behind(cfg: Config) -> None:
    import sys

    write_recipe(cfg.root, "foo", library_recipe("foo", SHA))
    Registry.load(cfg)
    assert not [m for m in sys.modules if m.startswith("wasixtasks_recipes.")]

"""Tests of wasixtasks.recipe: what ``library``, ``toolchain_package``, ``wheel`` and
``pure_wheel`` record, the source kinds and their pins, and the declaration errors (with the
field at fault).

tests/unit/test_registry.py checks the same errors as a user meets them through
``Registry.load`` (file and field in the message); this file covers the declarations
themselves and the cases not seen there."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wasixtasks.recipe import (
    Debian,
    Git,
    Kind,
    Recipe,
    RecipeDeclarationError,
    Sdist,
    Url,
    collecting,
    declare,
    library,
    pure_wheel,
    stop_collecting,
    toolchain_package,
    wheel,
)
from wasixtasks.recipe import Test as PkgTest  # `Test*` would be collected by pytest
from wasixtasks.stages.lib import LibBuild
from wasixtasks.stages.wheel import WheelBuild

SHA = "0123456789abcdef" * 4
OTHER = "f" * 64
COMMIT = "0123456789abcdef0123456789abcdef01234567"
URL = Url("https://example.invalid/dl/zlib-1.3.1.tar.gz", sha256=SHA)


@pytest.fixture
def collected() -> Iterator[list[Recipe]]:
    """Declarations made during the test (what the registry does around one recipe file)."""
    bucket, token = collecting()
    try:
        yield bucket
    finally:
        stop_collecting(token)


def declaration_error(make: Callable[[], object]) -> RecipeDeclarationError:
    """The RecipeDeclarationError raised by calling ``make``."""
    with pytest.raises(RecipeDeclarationError) as info:
        make()
    return info.value


def nothing(b: object) -> None:
    pass


# --------------------------------------------------------------------------- names


def test_name_comes_from_the_function_with_dashes(collected: list[Recipe]) -> None:
    @library(version="1.0", source=URL)
    def lib_foo_bar(b: LibBuild) -> None:
        pass

    @wheel(version="2.0", source=Sdist("py-thing", sha256=SHA))
    def py_thing(b: WheelBuild) -> None:
        pass

    @toolchain_package(version="3.0", source=URL)
    def wasix_libc(b: LibBuild) -> None:
        pass

    assert [(r.name, r.kind) for r in collected] == [
        ("lib-foo-bar", Kind.LIBRARY), ("py-thing", Kind.WHEEL), ("wasix-libc", Kind.TOOLCHAIN),
    ]


def test_explicit_name_wins(collected: list[Recipe]) -> None:
    @library(version="1.0", source=URL, name="zlib-ng")
    def build(b: LibBuild) -> None:
        pass

    (recipe,) = collected
    assert recipe.name == "zlib-ng"
    assert recipe.build is build


def test_derived_name_is_validated_too() -> None:
    def declare() -> None:
        @library(version="1.0", source=URL)
        def _private(b: LibBuild) -> None:
            pass

    err = declaration_error(declare)
    assert err.field_name == "name"
    assert "'-private'" in str(err)


def test_upper_case_explicit_name() -> None:
    err = declaration_error(lambda: library(version="1", source=URL, name="Zlib")(nothing))
    assert err.field_name == "name"


# --------------------------------------------------------------------------- what is recorded


def test_library_record(collected: list[Recipe]) -> None:
    test = PkgTest("tests/png.c", pkg_config=("libpng16",), expect="roundtrip OK")

    @library(version="1.6.50", source=URL, libs=["zlib"], test=test, host_tools=["perl"],
             catalog_version="1.6.51", version_note="1.6.51 breaks the wasm build")
    def libpng(b: LibBuild) -> None:
        pass

    (r,) = collected
    assert r.kind is Kind.LIBRARY
    assert r.version == "1.6.50"
    assert r.source == URL
    assert r.libs == ("zlib",)  # a list becomes a tuple
    assert r.host_tools == ("perl",)
    assert r.build_wheels == ()
    assert r.deps == ("zlib",)
    assert r.test == test
    assert r.project == "libpng"
    assert r.patches == ()
    assert r.static_libs is False
    assert r.provides_python is False
    assert (r.catalog_version, r.version_note) == ("1.6.51", "1.6.51 breaks the wasm build")
    # where it was declared: this file, at the decorator or the def
    assert r.file == Path(__file__)
    line = Path(__file__).read_text().splitlines()[r.line - 1].strip()
    assert line.startswith(("@library", "def libpng")), line


def test_a_library_may_provide_the_target_python(collected: list[Recipe]) -> None:
    library(version="3.13.5", source=URL, name="cpython", provides_python=True)(nothing)
    assert collected[0].provides_python is True


def test_toolchain_package_record(collected: list[Recipe]) -> None:
    @toolchain_package(version="22.1.0", source=URL, libs=["wasix-libc"],
                       host_tools=["cmake"], catalog_version="22.1.1")
    def libcxx(b: LibBuild) -> None:
        pass

    (r,) = collected
    assert r.kind is Kind.TOOLCHAIN
    assert r.libs == ("wasix-libc",)
    assert r.deps == ("wasix-libc",)
    assert r.host_tools == ("cmake",)
    assert r.catalog_version == "22.1.1"
    assert r.build is libcxx


def test_wheel_record(collected: list[Recipe]) -> None:
    @wheel(
        version="2.3.2", source=Sdist("numpy", sha256=SHA), libs=("openblas",),
        build_wheels=["cython", "meson-python"], static_libs=True, native=True,
        dist_name="NumPy", test=PkgTest("tests/numpy_test.py", expect="ok"),
    )
    def numpy(b: WheelBuild) -> None:
        pass

    (r,) = collected
    assert r.kind is Kind.WHEEL
    assert r.libs == ("openblas",)
    assert r.build_wheels == ("cython", "meson-python")
    assert r.deps == ("openblas", "cython", "meson-python")  # libraries first
    assert r.static_libs is True
    assert r.native is True
    assert r.project == "NumPy"
    assert r.test is not None and r.test.program == "tests/numpy_test.py"


def test_wheel_defaults(collected: list[Recipe]) -> None:
    @wheel(version="1.0", source=Sdist("markupsafe", sha256=SHA))
    def markupsafe(b: WheelBuild) -> None:
        pass

    (r,) = collected
    # native=None: whatever the build gives (pure or with extension modules)
    assert (r.static_libs, r.native, r.dist_name, r.libs, r.build_wheels, r.test) == (
        False, None, None, (), (), None
    )
    assert r.project == "markupsafe"


@pytest.mark.parametrize("native", [True, False, None])
def test_wheel_native_is_recorded_as_given(collected: list[Recipe], native: bool | None) -> None:
    wheel(version="1", source=Sdist("w", sha256=SHA), name="w", native=native)(nothing)
    assert collected[0].native is native


def test_pure_wheel(collected: list[Recipe]) -> None:
    line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
    recipe = pure_wheel("six", version="1.17.0", source=Sdist("six", sha256=SHA))
    assert collected == [recipe]
    assert recipe.kind is Kind.WHEEL
    assert recipe.build is None  # built with pip, no function
    assert recipe.native is False
    assert recipe.name == "six" and recipe.version == "1.17.0"
    # the caller's file and line, for error messages
    assert recipe.file == Path(__file__)
    assert recipe.line == line


def test_pure_wheel_records_the_catalog_version(collected: list[Recipe]) -> None:
    recipe = pure_wheel("pypng", version="0.20220715.0", source=Sdist("pypng", sha256=SHA),
                        catalog_version="0.20250521.0", version_note="not on PyPI")
    assert (recipe.catalog_version, recipe.version_note) == ("0.20250521.0", "not on PyPI")


def test_pure_wheel_validates_like_the_others() -> None:
    err = declaration_error(lambda: pure_wheel("Six", version="1", source=Sdist("six", SHA)))
    assert err.field_name == "name"
    err = declaration_error(lambda: pure_wheel("six", version="1", source=Sdist("six", "x")))
    assert err.field_name == "source"


def test_decorator_returns_the_function_itself() -> None:
    def body(b: LibBuild) -> None:
        pass

    assert library(version="1", source=URL, name="x")(body) is body
    assert toolchain_package(version="1", source=URL, name="y")(body) is body
    assert wheel(version="1", source=Sdist("z", SHA), name="z")(body) is body


def test_an_ended_nested_collection_restores_the_outer_one(collected: list[Recipe]) -> None:
    inner, token = collecting()

    @library(version="1", source=URL)
    def first(b: LibBuild) -> None:
        pass

    stop_collecting(token)

    @library(version="1", source=URL)
    def second(b: LibBuild) -> None:
        pass

    assert [r.name for r in inner] == ["first"]
    assert [r.name for r in collected] == ["second"]


def test_nothing_is_recorded_without_a_collection() -> None:
    bucket, token = collecting()
    stop_collecting(token)

    @library(version="1", source=URL)
    def lonely(b: LibBuild) -> None:
        pass

    assert bucket == []


def test_a_failed_declaration_records_nothing(collected: list[Recipe]) -> None:
    with pytest.raises(RecipeDeclarationError):
        library(version="", source=URL, name="broken")(nothing)
    assert collected == []


# --------------------------------------------------------------------------- field errors


@pytest.mark.parametrize("version", ["", "   "])
def test_version_is_required(version: str) -> None:
    err = declaration_error(lambda: library(version=version, source=URL, name="foo")(nothing))
    assert err.field_name == "version"
    assert str(err) == "foo: version is required"


def test_short_git_commit() -> None:
    short = Git("https://example.invalid/foo.git", commit=COMMIT[:12])
    err = declaration_error(lambda: library(version="1", source=short, name="foo")(nothing))
    assert err.field_name == "source"
    assert "full 40-digit commit id" in str(err)
    assert "https://example.invalid/foo.git" in str(err)


def test_full_git_commit_is_accepted(collected: list[Recipe]) -> None:
    library(version="1", source=Git("https://example.invalid/foo.git", commit=COMMIT),
            name="foo")(nothing)
    assert isinstance(collected[0].source, Git)


@pytest.mark.parametrize("sha", ["", SHA[:-1], SHA.upper(), SHA[:-1] + "z"])
def test_sdist_needs_a_sha256(sha: str) -> None:
    src = Sdist("markupsafe", sha256=sha)
    err = declaration_error(lambda: wheel(version="3.0", source=src, name="markupsafe")(nothing))
    assert err.field_name == "source"
    assert str(err) == "sdist markupsafe needs sha256= (64 lower-case hex digits)"


@pytest.mark.parametrize("url", ["", "example.invalid/zlib.tar.gz", "zlib-1.3.1.tar.gz"])
def test_url_must_be_a_url(url: str) -> None:
    err = declaration_error(lambda: library(version="1", source=Url(url, sha256=SHA), name="z")(nothing))
    assert err.field_name == "source"
    assert "is not a URL" in str(err)


def test_source_of_the_wrong_type() -> None:
    err = declaration_error(
        lambda: library(
            version="1", source="https://example.invalid/z.tar.gz", name="z"  # type: ignore[arg-type]
        )(nothing)
    )
    assert err.field_name == "source"
    assert "must be Url, Sdist, Git or Debian" in str(err)


def test_debian_source_needs_its_sha256() -> None:
    err = declaration_error(
        lambda: library(version="1.3", source=Debian("zlib", "1:1.3.dfsg-3"), name="zlib")(nothing)
    )
    assert err.field_name == "source"
    assert str(err) == "zlib: a Debian source needs sha256="


def test_debian_source_with_a_bad_sha256() -> None:
    err = declaration_error(
        lambda: library(version="1", source=Debian("zlib", "1.3-1", sha256="abc"), name="z")(nothing)
    )
    assert err.field_name == "source"
    assert "Debian source zlib needs sha256=" in str(err)


def test_debian_backup_without_sha256_is_fine(collected: list[Recipe]) -> None:
    # a backup without its own hash must be byte-identical to the pin
    src = Url(URL.url, sha256=SHA, backup=Debian("zlib", "1:1.3.1.dfsg-1"))
    library(version="1.3.1", source=src, name="zlib")(nothing)
    assert collected[0].source == src


def test_debian_backup_with_a_bad_sha256_is_refused() -> None:
    src = Url(URL.url, sha256=SHA, backup=Debian("zlib", "1.3.1-1", sha256="NOT-HEX"))
    err = declaration_error(lambda: library(version="1", source=src, name="zlib")(nothing))
    assert err.field_name == "source"
    assert "Debian source zlib" in str(err)


@pytest.mark.parametrize("fld", ["libs", "build_wheels", "host_tools"])
def test_lists_given_as_a_string(fld: str) -> None:
    kwargs: dict[str, str] = {fld: "zlib"}
    err = declaration_error(
        lambda: wheel(version="1", source=Sdist("w", sha256=SHA), name="w", **kwargs)(nothing)  # type: ignore[arg-type]
    )
    assert err.field_name == fld
    assert str(err) == f"w: {fld} must be a list of names"


# --------------------------------------------------------------------------- sources


def test_source_pins_name_every_pinned_field() -> None:
    assert URL.pin() == f"url:https://example.invalid/dl/zlib-1.3.1.tar.gz#sha256={SHA}"
    assert Sdist("numpy", sha256=SHA).pin() == f"sdist:numpy#sha256={SHA}"
    assert Git("https://example.invalid/r.git", COMMIT).pin() == (
        f"git:https://example.invalid/r.git@{COMMIT}"
    )
    assert Debian("zlib", "1:1.3-1", sha256=SHA).pin() == f"debian:zlib=1:1.3-1#sha256={SHA}"
    # a change of any pinned field changes the pin (it feeds the input hash)
    assert Url(URL.url, OTHER).pin() != URL.pin()
    assert Sdist("numpy", OTHER).pin() != Sdist("numpy", SHA).pin()
    assert Git("https://example.invalid/r.git", "f" * 40).pin() != (
        Git("https://example.invalid/r.git", COMMIT).pin()
    )
    assert Debian("zlib", "1:1.3-2", SHA).pin() != Debian("zlib", "1:1.3-1", SHA).pin()


def test_subset_filters_are_part_of_the_pin() -> None:
    only = Url(URL.url, SHA, subdirs=("runtimes", "libcxx"))
    assert only.pin() == URL.pin() + "#only=runtimes,libcxx"
    both = Url(URL.url, SHA, subdirs=("libcxx",), exclude=("libcxx/test",))
    assert both.pin() == URL.pin() + "#only=libcxx#exclude=libcxx/test"
    deb = Debian("llvm", "1:22.1-1", SHA, exclude=("clang",))
    assert deb.pin().endswith("#exclude=clang")
    # the backup is where the same file comes from, not what it is: it does not change the pin
    assert Url(URL.url, SHA, backup=Debian("zlib", "1")).pin() == URL.pin()


def test_url_filename() -> None:
    assert URL.filename == "zlib-1.3.1.tar.gz"
    assert Url("https://example.invalid/dl/pkg.tar.xz/", sha256=SHA).filename == "pkg.tar.xz"


@pytest.mark.parametrize(
    ("version", "upstream"),
    [
        ("1.3.1-1", "1.3.1"),
        ("1:1.3.dfsg+really1.3.1-1", "1.3.dfsg+really1.3.1"),
        ("5.8.1-1+deb13u2", "5.8.1"),
        ("2.1.0", "2.1.0"),
        ("1:1.2-3-4", "1.2-3"),  # only the last dash starts the Debian revision
    ],
)
def test_debian_upstream_version(version: str, upstream: str) -> None:
    assert Debian("p", version).upstream_version == upstream


def test_debian_defaults() -> None:
    deb = Debian("zlib", "1.3-1")
    assert deb.sha256 is None
    assert deb.suites == ("trixie", "forky", "sid")
    assert (deb.subdirs, deb.exclude) == ((), ())


@pytest.mark.parametrize(
    ("source", "name"),
    [
        (Git("https://example.invalid/org/wasix-libc.git", COMMIT), "wasix-libc"),
        (Git("https://example.invalid/org/wasix-libc/", COMMIT), "wasix-libc"),
        (Git("https://example.invalid/org/llvm-project", COMMIT), "llvm-project"),
        (Git("https://example.invalid/org/x.git", COMMIT, mirror_name="wasix-llvm.git"), "wasix-llvm"),
    ],
)
def test_git_mirror_name(source: Git, name: str) -> None:
    assert source.repo_name == name


def test_test_record() -> None:
    t = PkgTest("tests/zlib.c")
    assert (t.pkg_config, t.expect, t.libs, t.network, t.skip) == ((), "", (), False, None)
    assert not t.broken
    assert PkgTest("tests/zlib-broken.c").broken
    assert not PkgTest("tests/broken-zlib.c").broken


def test_a_wheel_version_must_be_pep440() -> None:
    with pytest.raises(RecipeDeclarationError) as info:
        declare(Kind.WHEEL, None, name="demo", version="2024-custom",
                source=Sdist("demo", sha256="a" * 64))
    assert info.value.field_name == "version"
    assert "not a PEP 440 version" in str(info.value)
    # libraries may use any version string (git describe, main@abc1234)
    declare(Kind.LIBRARY, None, name="demo", version="main@09cbf7d",
            source=Sdist("demo", sha256="a" * 64))

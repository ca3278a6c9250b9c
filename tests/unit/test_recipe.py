"""Tests of wasixtasks.recipe: what the @library and @wheel decorators record, and the
declaration errors they raise (with the field at fault).

tests/unit/test_registry.py checks the same errors as a user meets them through
``Registry.load`` (file and field in the message: bad Url sha256 values, a missing sha256
argument, a branch name as git commit, an invalid explicit name, ``libs="zlib"`` on a
library); this file covers the decorators themselves and the cases not seen there."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wasixtasks.recipe import (
    Git,
    Kind,
    Recipe,
    RecipeDeclarationError,
    Sdist,
    Smoke,
    Url,
    collecting,
    library,
    stop_collecting,
    wheel,
)
from wasixtasks.stages.lib import LibBuild
from wasixtasks.stages.wheel import WheelBuild

SHA = "0123456789abcdef" * 4
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


# --------------------------------------------------------------------------- names


def test_name_comes_from_the_function_with_dashes(collected: list[Recipe]) -> None:
    @library(version="1.0", source=URL)
    def lib_foo_bar(b: LibBuild) -> None:
        pass

    @wheel(version="2.0", source=Sdist("py-thing", sha256=SHA))
    def py_thing(b: WheelBuild) -> None:
        pass

    assert [(r.name, r.kind) for r in collected] == [
        ("lib-foo-bar", Kind.LIBRARY), ("py-thing", Kind.WHEEL),
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
    err = declaration_error(lambda: library(version="1", source=URL, name="Zlib")(lambda b: None))
    assert err.field_name == "name"


# --------------------------------------------------------------------------- what is recorded


def test_library_record(collected: list[Recipe]) -> None:
    smoke = Smoke("smoke/png.c", pkg_config=("libpng16",), expect="roundtrip OK")

    @library(version="1.6.50", source=URL, libs=["zlib"], smoke=smoke)
    def libpng(b: LibBuild) -> None:
        pass

    (r,) = collected
    assert r.kind is Kind.LIBRARY
    assert r.version == "1.6.50"
    assert r.source == URL
    assert r.libs == ("zlib",)  # a list becomes a tuple
    assert r.build_wheels == ()
    assert r.deps == ("zlib",)
    assert r.smoke == smoke
    assert r.project == "libpng"
    assert r.patches == ()
    assert r.static_libs is False
    # where it was declared: this file, at the decorator or the def
    assert r.file == Path(__file__)
    line = Path(__file__).read_text().splitlines()[r.line - 1].strip()
    assert line.startswith(("@library", "def libpng")), line


def test_wheel_record(collected: list[Recipe]) -> None:
    @wheel(
        version="2.3.2", source=Sdist("numpy", sha256=SHA), libs=("openblas",),
        build_wheels=["cython", "meson-python"], static_libs=True, native=False,
        dist_name="NumPy",
    )
    def numpy(b: WheelBuild) -> None:
        pass

    (r,) = collected
    assert r.kind is Kind.WHEEL
    assert r.libs == ("openblas",)
    assert r.build_wheels == ("cython", "meson-python")
    assert r.deps == ("openblas", "cython", "meson-python")  # libraries first
    assert r.static_libs is True
    assert r.native is False
    assert r.project == "NumPy"
    assert r.smoke is None


def test_wheel_defaults(collected: list[Recipe]) -> None:
    @wheel(version="1.0", source=Sdist("markupsafe", sha256=SHA))
    def markupsafe(b: WheelBuild) -> None:
        pass

    (r,) = collected
    assert (r.static_libs, r.native, r.dist_name, r.libs, r.build_wheels) == (
        False, True, None, (), ()
    )
    assert r.project == "markupsafe"


def test_decorator_returns_the_function_itself() -> None:
    def body(b: LibBuild) -> None:
        pass

    assert library(version="1", source=URL, name="x")(body) is body


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
        library(version="", source=URL, name="broken")(lambda b: None)
    assert collected == []


# --------------------------------------------------------------------------- field errors


@pytest.mark.parametrize("version", ["", "   "])
def test_version_is_required(version: str) -> None:
    err = declaration_error(lambda: library(version=version, source=URL, name="foo")(lambda b: None))
    assert err.field_name == "version"
    assert str(err) == "foo: version is required"


def test_short_git_commit() -> None:
    short = Git("https://example.invalid/foo.git", commit=COMMIT[:12])
    err = declaration_error(lambda: library(version="1", source=short, name="foo")(lambda b: None))
    assert err.field_name == "source"
    assert "full 40-digit commit id" in str(err)
    assert "https://example.invalid/foo.git" in str(err)


def test_full_git_commit_is_accepted(collected: list[Recipe]) -> None:
    library(version="1", source=Git("https://example.invalid/foo.git", commit=COMMIT),
            name="foo")(lambda b: None)
    assert isinstance(collected[0].source, Git)


@pytest.mark.parametrize("sha", ["", SHA[:-1], SHA.upper(), SHA[:-1] + "z"])
def test_sdist_needs_a_sha256(sha: str) -> None:
    src = Sdist("markupsafe", sha256=sha)
    err = declaration_error(lambda: wheel(version="3.0", source=src, name="markupsafe")(lambda b: None))
    assert err.field_name == "source"
    assert str(err) == "sdist markupsafe needs sha256= (64 lower-case hex digits)"


@pytest.mark.parametrize("url", ["", "example.invalid/zlib.tar.gz", "zlib-1.3.1.tar.gz"])
def test_url_must_be_a_url(url: str) -> None:
    err = declaration_error(
        lambda: library(version="1", source=Url(url, sha256=SHA), name="z")(lambda b: None)
    )
    assert err.field_name == "source"
    assert "is not a URL" in str(err)


def test_source_of_the_wrong_type() -> None:
    err = declaration_error(
        lambda: library(
            version="1", source="https://example.invalid/z.tar.gz", name="z"  # type: ignore[arg-type]
        )(lambda b: None)
    )
    assert err.field_name == "source"
    assert "must be Url, Sdist or Git" in str(err)


def test_wheel_libs_given_as_a_string() -> None:
    err = declaration_error(
        lambda: wheel(version="1", source=Sdist("w", sha256=SHA), libs="zlib", name="w")(lambda b: None)
    )
    assert err.field_name == "libs"
    assert str(err) == "w: libs must be a list of names"


def test_build_wheels_given_as_a_string() -> None:
    err = declaration_error(
        lambda: wheel(version="1", source=Sdist("w", sha256=SHA), build_wheels="cython",
                      name="w")(lambda b: None)
    )
    assert err.field_name == "build_wheels"
    assert str(err) == "w: build_wheels must be a list of names"


# --------------------------------------------------------------------------- sources


def test_source_pins_name_every_pinned_field() -> None:
    assert URL.pin() == f"url:https://example.invalid/dl/zlib-1.3.1.tar.gz#sha256={SHA}"
    assert Sdist("numpy", sha256=SHA).pin() == f"sdist:numpy#sha256={SHA}"
    assert Git("https://example.invalid/r.git", COMMIT).pin() == (
        f"git:https://example.invalid/r.git@{COMMIT}"
    )
    # a change of any pinned field changes the pin (it feeds the input hash)
    other_sha = "f" * 64
    assert Url(URL.url, other_sha).pin() != URL.pin()
    assert Sdist("numpy", other_sha).pin() != Sdist("numpy", SHA).pin()
    assert Git("https://example.invalid/r.git", "f" * 40).pin() != (
        Git("https://example.invalid/r.git", COMMIT).pin()
    )


def test_url_filename() -> None:
    assert URL.filename == "zlib-1.3.1.tar.gz"
    assert Url("https://example.invalid/dl/pkg.tar.xz/", sha256=SHA).filename == "pkg.tar.xz"

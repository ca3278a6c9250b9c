"""The recipe model: what a package is, where its source comes from, and how it is built.

A recipe file in ``pkgs/`` declares one package with the ``library`` or ``wheel`` decorator
on a short function that composes stage helpers (see ``wasixtasks.stages``)::

    @library(version="1.3.1", source=Url("https://.../zlib-1.3.1.tar.gz", sha256="..."))
    def zlib(b: LibBuild) -> None:
        b.configure_script("--static")

The decorators only record metadata; ``wasixtasks.registry`` loads the files, validates every
field and reports problems with the file and field that caused them.
"""

from __future__ import annotations

import contextvars
import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .stages.lib import LibBuild
    from .stages.wheel import WheelBuild

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class Kind(enum.Enum):
    LIBRARY = "library"
    WHEEL = "wheel"


@dataclass(frozen=True)
class Url:
    """A release tarball pinned by URL and sha256 (downloaded once, cached by content)."""

    url: str
    sha256: str

    @property
    def filename(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    def pin(self) -> str:
        return f"url:{self.url}#sha256={self.sha256}"


@dataclass(frozen=True)
class Sdist:
    """A PyPI sdist pinned by project, version (the recipe's) and sha256.

    It is fetched through pip, so pip's configured index applies; no host is written here.
    """

    project: str
    sha256: str

    def pin(self) -> str:
        return f"sdist:{self.project}#sha256={self.sha256}"


@dataclass(frozen=True)
class Git:
    """A git repository pinned by full commit id."""

    url: str
    commit: str

    def pin(self) -> str:
        return f"git:{self.url}@{self.commit}"


Source = Url | Sdist | Git


@dataclass(frozen=True)
class Smoke:
    """A tiny C program compiled against an installed library and run under the runner.

    ``program`` is relative to the recipe file's folder; ``pkg_config`` names the modules
    whose ``--cflags --libs`` are used; the run must print ``expect``.
    """

    program: str
    pkg_config: tuple[str, ...]
    expect: str


BuildFn = Callable[[Any], None]


@dataclass
class Recipe:
    """One package, as declared by a recipe file (validated by the registry)."""

    name: str
    version: str
    kind: Kind
    source: Source
    build: BuildFn
    file: Path
    line: int
    #: library recipes this package links against; their artifacts form its sysroot
    libs: tuple[str, ...] = ()
    #: wheel recipes that must be built first and installed into the build environment
    build_wheels: tuple[str, ...] = ()
    #: link the libraries statically (the seed's WASIX_FORCE_STATIC_DEPENDENCIES)
    static_libs: bool = False
    #: wheels: the build must produce compiled extension modules (a py3-none-any wheel is
    #: then an error, not a silent fallback)
    native: bool = True
    #: wheels: the distribution name when it differs from the recipe name
    dist_name: str | None = None
    smoke: Smoke | None = None
    patches: tuple[Path, ...] = field(default=())

    @property
    def deps(self) -> tuple[str, ...]:
        return self.libs + self.build_wheels

    @property
    def project(self) -> str:
        """The Python distribution name (wheels) or the recipe name (libraries)."""
        return self.dist_name or self.name


class RecipeDeclarationError(Exception):
    """Raised at decoration time; the registry turns it into a RecipeError with the file."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


#: Recipes declared while a recipe file is being executed by the registry.
_collector: contextvars.ContextVar[list[Recipe] | None] = contextvars.ContextVar(
    "wasixtasks_recipe_collector", default=None
)

F = TypeVar("F", bound=Callable[..., None])


def _check_source(source: object) -> Source:
    if isinstance(source, Url):
        if not source.url or "://" not in source.url:
            raise RecipeDeclarationError("source", f"source URL {source.url!r} is not a URL")
        if not _SHA256.match(source.sha256 or ""):
            raise RecipeDeclarationError(
                "source", f"source {source.url} needs sha256= (64 lower-case hex digits)"
            )
        return source
    if isinstance(source, Sdist):
        if not _SHA256.match(source.sha256 or ""):
            raise RecipeDeclarationError(
                "source", f"sdist {source.project} needs sha256= (64 lower-case hex digits)"
            )
        return source
    if isinstance(source, Git):
        if not _COMMIT.match(source.commit or ""):
            raise RecipeDeclarationError(
                "source", f"git source {source.url} needs a full 40-digit commit id"
            )
        return source
    raise RecipeDeclarationError("source", f"source must be Url, Sdist or Git, not {source!r}")


def _declare(
    kind: Kind,
    fn: Callable[..., None],
    *,
    name: str | None,
    version: str,
    source: object,
    libs: Sequence[str],
    build_wheels: Sequence[str],
    static_libs: bool,
    native: bool,
    dist_name: str | None,
    smoke: Smoke | None,
) -> None:
    recipe_name = name or fn.__name__.replace("_", "-")
    if not _NAME.match(recipe_name):
        raise RecipeDeclarationError("name", f"invalid package name {recipe_name!r}")
    if not isinstance(version, str) or not version.strip():
        raise RecipeDeclarationError("version", f"{recipe_name}: version is required")
    for fld, values in (("libs", libs), ("build_wheels", build_wheels)):
        if isinstance(values, str):
            raise RecipeDeclarationError(fld, f"{recipe_name}: {fld} must be a list of names")
    code = fn.__code__
    recipe = Recipe(
        name=recipe_name,
        version=version,
        kind=kind,
        source=_check_source(source),
        build=fn,
        file=Path(code.co_filename),
        line=code.co_firstlineno,
        libs=tuple(libs),
        build_wheels=tuple(build_wheels),
        static_libs=static_libs,
        native=native,
        dist_name=dist_name,
        smoke=smoke,
    )
    collected = _collector.get()
    if collected is not None:
        collected.append(recipe)


def library(
    *,
    version: str,
    source: Source,
    libs: Sequence[str] = (),
    name: str | None = None,
    smoke: Smoke | None = None,
) -> Callable[[Callable[[LibBuild], None]], Callable[[LibBuild], None]]:
    """Declare a C library built into ``pkgs/<name>.lib`` and packed as a sysroot tarball."""

    def deco(fn: Callable[[LibBuild], None]) -> Callable[[LibBuild], None]:
        _declare(
            Kind.LIBRARY, fn, name=name, version=version, source=source, libs=libs,
            build_wheels=(), static_libs=False, native=True, dist_name=None, smoke=smoke,
        )
        return fn

    return deco


def wheel(
    *,
    version: str,
    source: Source,
    libs: Sequence[str] = (),
    build_wheels: Sequence[str] = (),
    static_libs: bool = False,
    native: bool = True,
    name: str | None = None,
    dist_name: str | None = None,
) -> Callable[[Callable[[WheelBuild], None]], Callable[[WheelBuild], None]]:
    """Declare a Python package built from its sdist into a wasm32 wheel."""

    def deco(fn: Callable[[WheelBuild], None]) -> Callable[[WheelBuild], None]:
        _declare(
            Kind.WHEEL, fn, name=name, version=version, source=source, libs=libs,
            build_wheels=build_wheels, static_libs=static_libs, native=native,
            dist_name=dist_name, smoke=None,
        )
        return fn

    return deco


def collecting() -> tuple[list[Recipe], contextvars.Token[list[Recipe] | None]]:
    """Start collecting declarations (used by the registry around one recipe file)."""
    bucket: list[Recipe] = []
    return bucket, _collector.set(bucket)


def stop_collecting(token: contextvars.Token[list[Recipe] | None]) -> None:
    _collector.reset(token)


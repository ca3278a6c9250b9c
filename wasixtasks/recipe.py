"""The recipe model: what a package is, where its source comes from, and how it is tested.

A recipe file in ``pkgs/`` declares one package with ``library``, ``toolchain_package`` or
``wheel`` on a short function that composes stage helpers (``wasixtasks.stages``), or with
``pure_wheel`` for a pure-Python package that needs nothing but its source pin::

    @library(version="1.3.1", source=Url("https://.../zlib-1.3.1.tar.gz", sha256="..."))
    def zlib(b: LibBuild) -> None:
        b.configure("--static", autotools=False)
        b.make()
        b.make_install()

The declarations only record metadata; ``wasixtasks.registry`` loads the files, validates
every field and reports problems with the file and field that caused them. This module is
the bottom of the model layer: it imports nothing else from wasixtasks.
"""

from __future__ import annotations

import contextvars
import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class Kind(enum.Enum):
    LIBRARY = "library"
    WHEEL = "wheel"
    #: part of the compiler toolchain itself (wasix-libc, compiler-rt, libcxx): built with the
    #: toolchain its own dependencies form, installed into the toolchain, not into sysroots
    TOOLCHAIN = "toolchain"


@dataclass(frozen=True)
class Debian:
    """A Debian source package's orig tarball, fetched with ``apt-get source``.

    As a recipe's ``source`` it is the pinned file itself (``sha256`` is its hash). As the
    ``backup`` of a ``Url`` it is where the pinned file is fetched from when the upstream host
    cannot be reached (as Buildroot's BR2_BACKUP_SITE): without ``sha256`` it must be
    byte-identical to the pin; with one it is a declared substitute (a repack of the same
    release), verified against that hash and announced on every build.
    """

    package: str
    version: str
    sha256: str | None = None
    #: suites searched for a version carrying the orig (Debian replaces point releases)
    suites: tuple[str, ...] = ("trixie", "forky", "sid")
    #: only these folders of the archive are extracted (paths below its top folder)
    subdirs: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    #: sha256 of the version's ``.debian.tar.*``: the source is then the package as
    #: ``dpkg-source -x`` unpacks it, the orig with Debian's patches (``debian/patches``)
    debian_sha256: str | None = None

    @property
    def upstream_version(self) -> str:
        v = self.version.split(":", 1)[-1]
        return v.rsplit("-", 1)[0] if "-" in v else v

    def pin(self) -> str:
        parts = f"debian:{self.package}={self.version}#sha256={self.sha256}"
        if self.debian_sha256:
            parts += f"#debian={self.debian_sha256}"
        return parts + _filter_pin(self.subdirs, self.exclude)


@dataclass(frozen=True)
class Url:
    """A release tarball pinned by URL and sha256 (downloaded once, cached by content)."""

    url: str
    sha256: str
    backup: Debian | None = None
    subdirs: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[-1]

    def pin(self) -> str:
        return f"url:{self.url}#sha256={self.sha256}" + _filter_pin(self.subdirs, self.exclude)


@dataclass(frozen=True)
class Sdist:
    """A PyPI sdist pinned by project, version (the recipe's) and sha256.

    It is fetched from pip's configured indexes, so no host is written here.
    """

    project: str
    sha256: str

    def pin(self) -> str:
        return f"sdist:{self.project}#sha256={self.sha256}"


@dataclass(frozen=True)
class Git:
    """A git repository pinned by full commit id.

    Mirror folders are searched for ``git/<mirror_name>.git`` (default: the URL's last
    component) before the URL is cloned.
    """

    url: str
    commit: str
    mirror_name: str | None = None

    @property
    def repo_name(self) -> str:
        name = self.mirror_name or self.url.rstrip("/").rsplit("/", 1)[-1]
        return name.removesuffix(".git")

    def pin(self) -> str:
        return f"git:{self.url}@{self.commit}"


@dataclass(frozen=True)
class DebPackage:
    """A Debian *binary* package (``.deb``), fetched with ``apt-get download`` and verified
    by sha256: used as a resource for what Debian ships only built, such as the crate
    sources of its ``librust-*-dev`` packages (Debian's patches applied)."""

    package: str
    version: str
    sha256: str
    arch: str = "all"
    suites: tuple[str, ...] = ("trixie", "forky", "sid")
    #: folders of the package's files used (paths below its root: usr/share/...)
    subdirs: tuple[str, ...] = ()

    @property
    def filename(self) -> str:
        # apt writes an epoch's colon as %3a
        return f"{self.package}_{self.version.replace(':', '%3a')}_{self.arch}.deb"

    def pin(self) -> str:
        return (f"deb:{self.package}={self.version}:{self.arch}#sha256={self.sha256}"
                + _filter_pin(self.subdirs, ()))


Source = Url | Sdist | Git | Debian


@dataclass(frozen=True)
class Resource:
    """An extra pinned source placed into the main source tree before patches apply (as
    Spack's ``resource()``): crates, bundled third-party code. Each folder of the source's
    ``subdirs`` goes to ``dest/<its last name>``; a source without ``subdirs`` becomes
    ``dest`` itself."""

    source: Url | Debian | DebPackage
    dest: str

    def pin(self) -> str:
        return f"{self.dest}<-{self.source.pin()}"


def _filter_pin(subdirs: tuple[str, ...], exclude: tuple[str, ...]) -> str:
    out = f"#only={','.join(subdirs)}" if subdirs else ""
    return out + (f"#exclude={','.join(exclude)}" if exclude else "")


@dataclass(frozen=True)
class Test:
    """A package test run under Wasmer (the seed's convention: a plain program that exits 0).

    Libraries: a C or C++ program compiled against the installed library (``pkg_config`` names
    the modules whose flags it needs); wheels: a Python script run by the WASIX CPython with
    the wheel installed. ``expect`` must appear in its output. A test named ``*-broken.*`` is
    expected to fail; ``skip`` gives the reason a test is not run. ``requires``: what a wheel's
    test needs besides the wheel and its own requirements (pip requirement strings, installed
    from the same index in the same pip run).
    """

    program: str
    pkg_config: tuple[str, ...] = ()
    expect: str = ""
    libs: tuple[str, ...] = ()
    network: bool = False
    skip: str | None = None
    requires: tuple[str, ...] = ()

    @property
    def broken(self) -> bool:
        return Path(self.program).stem.endswith("-broken")


BuildFn = Callable[[Any], None]


@dataclass(frozen=True)
class Recipe:
    """One package, as declared by a recipe file (validated by the registry)."""

    name: str
    version: str
    kind: Kind
    source: Source
    build: BuildFn | None
    file: Path
    line: int
    #: recipes this package links (libraries) or builds on (toolchain packages)
    libs: tuple[str, ...] = ()
    #: wheel recipes that must be built first and offered to the build environment
    build_wheels: tuple[str, ...] = ()
    #: link the libraries statically (the seed's WASIX_FORCE_STATIC_DEPENDENCIES)
    static_libs: bool = False
    #: wheels: True = must contain extension modules; False = pure; None = whatever it builds
    native: bool | None = None
    #: wheels: the distribution name when it differs from the recipe name
    dist_name: str | None = None
    test: Test | None = None
    #: host programs the build runs (checked before anything starts)
    host_tools: tuple[str, ...] = ()
    #: this package provides the target CPython wheels are built for
    provides_python: bool = False
    #: the catalog's version when the recipe pins another one, and why
    catalog_version: str | None = None
    version_note: str | None = None
    #: why this catalog package is not built here (declared with ``blocked(...)``)
    blocked: str | None = None
    patches: tuple[Path, ...] = field(default=())
    #: extra sources placed into the tree (``Resource``)
    resources: tuple[Resource, ...] = ()

    @property
    def deps(self) -> tuple[str, ...]:
        return self.libs + self.build_wheels

    @property
    def project(self) -> str:
        """The Python distribution name (wheels) or the recipe name (libraries)."""
        return self.dist_name or self.name


class RecipeDeclarationError(Exception):
    """Raised at declaration time; the registry turns it into a RecipeError with the file."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


_collector: contextvars.ContextVar[list[Recipe] | None] = contextvars.ContextVar(
    "wasixtasks_recipe_collector", default=None
)

B = TypeVar("B")


def _check_sha(value: object, what: str, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, str) or not _SHA256.match(value):
        raise RecipeDeclarationError("source", f"{what} needs sha256= (64 lower-case hex digits)")


def _check_source(source: object) -> Source:
    if isinstance(source, Url):
        if "://" not in source.url:
            raise RecipeDeclarationError("source", f"source URL {source.url!r} is not a URL")
        _check_sha(source.sha256, f"source {source.url}")
        if source.backup is not None:
            _check_source(source.backup)
        return source
    if isinstance(source, Debian):
        _check_sha(source.sha256, f"Debian source {source.package}", optional=True)
        _check_sha(source.debian_sha256, f"Debian source {source.package}'s debian tarball "
                   "(debian_sha256=)", optional=True)
        return source
    if isinstance(source, Sdist):
        _check_sha(source.sha256, f"sdist {source.project}")
        return source
    if isinstance(source, Git):
        if not _COMMIT.match(source.commit or ""):
            raise RecipeDeclarationError(
                "source", f"git source {source.url} needs a full 40-digit commit id"
            )
        return source
    raise RecipeDeclarationError("source", f"source must be Url, Sdist, Git or Debian, not {source!r}")


def _pep440(version: str) -> bool:
    from packaging.version import InvalidVersion, Version

    try:
        Version(version)
    except InvalidVersion:
        return False
    return True


def declare(kind: Kind, fn: BuildFn | None, *, name: str | None, version: str, source: object,
            file: Path | None = None, line: int = 0, **fields: Any) -> Recipe:
    """Validate one declaration and hand it to the registry that is loading recipe files."""
    recipe_name = name or (fn.__name__.replace("_", "-") if fn is not None else "")
    if not _NAME.match(recipe_name):
        raise RecipeDeclarationError("name", f"invalid package name {recipe_name!r}")
    if not isinstance(version, str) or not version.strip():
        raise RecipeDeclarationError("version", f"{recipe_name}: version is required")
    if kind is Kind.WHEEL and not _pep440(version):
        raise RecipeDeclarationError(
            "version", f"{recipe_name}: {version!r} is not a PEP 440 version (wheels need one)")
    if isinstance(source, Debian) and source.sha256 is None:
        raise RecipeDeclarationError("source", f"{recipe_name}: a Debian source needs sha256=")
    resources = fields.get("resources", ())
    for res in resources:
        if not isinstance(res, Resource):
            raise RecipeDeclarationError("resources", f"{recipe_name}: resources must be "
                                         f"Resource(...) entries, not {res!r}")
        dest = Path(res.dest)
        if dest.is_absolute() or ".." in dest.parts or not res.dest.strip():
            raise RecipeDeclarationError("resources", f"{recipe_name}: resource folder "
                                         f"{res.dest!r} must be a relative path in the tree")
        try:
            if isinstance(res.source, DebPackage):
                _check_sha(res.source.sha256, f"Debian package {res.source.package}")
                if not res.source.subdirs:
                    raise RecipeDeclarationError("resources", f"Debian package "
                                                 f"{res.source.package} needs subdirs=")
            else:
                _check_source(res.source)
                if isinstance(res.source, Debian) and res.source.sha256 is None:
                    raise RecipeDeclarationError(
                        "resources", f"Debian source {res.source.package} needs sha256=")
        except RecipeDeclarationError as exc:
            raise RecipeDeclarationError(
                "resources", f"{recipe_name}: resource {res.dest}: {exc}") from None
    for fld in ("libs", "build_wheels", "host_tools", "resources"):
        values = fields.get(fld, ())
        if isinstance(values, str):
            raise RecipeDeclarationError(fld, f"{recipe_name}: {fld} must be a list of names")
        fields[fld] = tuple(values)
    if fn is not None:
        file, line = Path(fn.__code__.co_filename), fn.__code__.co_firstlineno
    recipe = Recipe(
        name=recipe_name, version=version, kind=kind, source=_check_source(source), build=fn,
        file=file or Path("<unknown>"), line=line, **fields,
    )
    collected = _collector.get()
    if collected is not None:
        collected.append(recipe)
    return recipe


def library(
    *, version: str, source: Source, libs: Sequence[str] = (), name: str | None = None,
    test: Test | None = None, static_libs: bool = False,
    host_tools: Sequence[str] = (), provides_python: bool = False,
    catalog_version: str | None = None, version_note: str | None = None,
    resources: Sequence[Resource] = (),
) -> Callable[[Callable[[B], None]], Callable[[B], None]]:
    """Declare a C library built into ``pkgs/<name>.lib`` and packed as a sysroot tarball."""

    def deco(fn: Callable[[B], None]) -> Callable[[B], None]:
        declare(Kind.LIBRARY, fn, name=name, version=version, source=source, libs=libs,
                test=test, static_libs=static_libs, host_tools=host_tools,
                provides_python=provides_python, catalog_version=catalog_version,
                version_note=version_note, resources=resources)
        return fn

    return deco


def toolchain_package(
    *, version: str, source: Source, libs: Sequence[str] = (), name: str | None = None,
    host_tools: Sequence[str] = (), catalog_version: str | None = None,
    version_note: str | None = None, test: Test | None = None,
) -> Callable[[Callable[[B], None]], Callable[[B], None]]:
    """Declare a part of the WASIX toolchain; it installs into the toolchain root
    (``sysroot/...``, ``clang-resource/...``), built with the toolchain ``libs`` form."""

    def deco(fn: Callable[[B], None]) -> Callable[[B], None]:
        declare(Kind.TOOLCHAIN, fn, name=name, version=version, source=source, libs=libs,
                host_tools=host_tools, catalog_version=catalog_version, version_note=version_note,
                test=test)
        return fn

    return deco


def wheel(
    *, version: str, source: Source, libs: Sequence[str] = (), build_wheels: Sequence[str] = (),
    static_libs: bool = False, native: bool | None = None, name: str | None = None,
    dist_name: str | None = None, test: Test | None = None, host_tools: Sequence[str] = (),
    catalog_version: str | None = None, version_note: str | None = None,
    resources: Sequence[Resource] = (),
) -> Callable[[Callable[[B], None]], Callable[[B], None]]:
    """Declare a Python package built from its sdist into a WASIX wheel.

    ``native=True`` makes a pure-Python result an error (the extension build was skipped);
    leave it unset for packages that may be either.
    """

    def deco(fn: Callable[[B], None]) -> Callable[[B], None]:
        declare(Kind.WHEEL, fn, name=name, version=version, source=source, libs=libs,
                build_wheels=build_wheels, static_libs=static_libs, native=native,
                dist_name=dist_name, test=test, host_tools=host_tools,
                catalog_version=catalog_version, version_note=version_note,
                resources=resources)
        return fn

    return deco


def pure_wheel(name: str, *, version: str, source: Source, dist_name: str | None = None,
               test: Test | None = None, catalog_version: str | None = None,
               version_note: str | None = None) -> Recipe:
    """Declare a pure-Python package: its sdist pin is all it needs (built with pip)."""
    import inspect

    caller = inspect.stack()[1]
    return declare(Kind.WHEEL, None, name=name, version=version, source=source, native=False,
                   dist_name=dist_name, test=test, catalog_version=catalog_version,
                   version_note=version_note, file=Path(caller.filename), line=caller.lineno)


def blocked(name: str, *, kind: str = "library", version: str, source: Source, reason: str,
            catalog_version: str | None = None, version_note: str | None = None) -> Recipe:
    """Declare a catalog package that is not built here, and why: it keeps its place in
    ``invoke list``, the catalog tables and ``sources.fetch`` (its source is pinned and
    verified like any other), build.all skips it naming the reason, and building it by name
    is a one-line error with that reason."""
    import inspect

    if not isinstance(reason, str) or not reason.strip():
        raise RecipeDeclarationError("reason", f"{name}: a blocked recipe needs its reason")
    try:
        recipe_kind = Kind(kind)
    except ValueError:
        raise RecipeDeclarationError("kind", f"{name}: unknown kind {kind!r}") from None
    caller = inspect.stack()[1]
    return declare(recipe_kind, None, name=name, version=version, source=source,
                   blocked=reason.strip(), catalog_version=catalog_version,
                   version_note=version_note, file=Path(caller.filename), line=caller.lineno)


def collecting() -> tuple[list[Recipe], contextvars.Token[list[Recipe] | None]]:
    """Start collecting declarations (used by the registry around one recipe file)."""
    bucket: list[Recipe] = []
    return bucket, _collector.set(bucket)


def stop_collecting(token: contextvars.Token[list[Recipe] | None]) -> None:
    _collector.reset(token)

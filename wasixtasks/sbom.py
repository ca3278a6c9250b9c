"""SBOMs of native wheels (PEP 770): the catalog libraries a wheel was linked with.

Every wheel with compiled code carries ``<dist-info>/sboms/wasixtasks.cdx.json``, a CycloneDX
1.6 document. Its components are the libraries of the wheel's build sysroot (the library
artifacts the build installed there, with their build info ``wasixtasks.json``): name,
version (and the catalog's, when it differs), the source pin and the source's sha256 or git
commit, and the linkage: ``static`` (code of its archives is in the wheel's modules),
``runtime, bundled`` (a shared object the wheel needs and carries), ``runtime, external`` (a
shared object the wheel needs from the library's tarball, installed next to the interpreter)
``not linked`` (in the build sysroot, as a library of another or one the recipe declares,
but nothing of it is in the wheel: CycloneDX scope ``excluded``), or ``headers only`` (a
library with neither archives nor shared objects, such as rapidjson: its code is compiled
into whatever includes its headers, which the wheel cannot show).

Whether an archive was linked is read from the wheel itself: wasm-ld keeps the name of every
function it links in the module's ``name`` section, and an archive's symbol index lists the
symbols it defines (C archives under the libdir, and the rlibs of Rust's standard library).
Names of the C++ standard library are left out of the comparison (header-only templates are
instantiated into many archives and modules alike). The name section holds demangled
names, so C++ and Rust functions match by their C-named symbols only (a Rust wheel's
``rust-std`` by its compiler builtins such as ``__multi3``).

:func:`verify_wheel_sbom` checks a wheel's SBOM against what the build used: the library
tarballs in artifacts/ (version, pin, source hash, which are inputs of the wheel's build), the
shared objects the wheel's modules actually need, and, when given, the recipe's library closure.
Like the build info, the document depends on the build's inputs only.
"""

from __future__ import annotations

import io
import json
import lzma
import re
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from . import __version__
from .checks import is_shared_object, wheel_members
from .layout import LIBDIR, PREFIX
from .wasm import parse_module_and_names

#: where the document lives, relative to the wheel's .dist-info folder (PEP 770)
SBOM_NAME = "sboms/wasixtasks.cdx.json"
#: where installed libraries record their files in a sysroot (wasixtasks.sysroot)
INSTALLED_RECORDS = ".wasixtasks/installed"
#: where a library tarball holds its build info (wasixtasks.pipelines.buildinfo)
INFO_DIR = PurePosixPath(PREFIX.lstrip("/")) / "share" / "wasixtasks"

_SHA256 = re.compile(r"#sha256=([0-9a-f]{64})")
_COMMIT = re.compile(r"^git:.*@([0-9a-f]{40})$")
#: mangled names of the C++ standard library (std::, std::__2::): header templates
#: instantiated in every C++ archive and module, so they tell nothing of what was linked
_STD_NAMES = re.compile(r"^_Z(?:T[VIS])?N?K?St")

STATIC, BUNDLED, EXTERNAL, NOT_LINKED = ("static", "runtime, bundled", "runtime, external",
                                         "not linked")
HEADERS_ONLY = "headers only"
#: where Rust's standard library keeps its rlibs (below the prefix; wasixtasks.stages.rust)
RUSTLIB = PurePosixPath(PREFIX.lstrip("/")) / "lib" / "rustlib"
#: the linkage when the wheel's modules carry no function names (linked with --strip-all)
UNKNOWN = "static or not linked (the modules have no name section)"


@dataclass(frozen=True)
class Library:
    """One catalog library as a build used it."""

    name: str
    version: str
    pin: str
    catalog_version: str | None
    #: the sonames of its shared objects (empty: static archives only)
    sonames: frozenset[str]
    #: the symbols its static archives define, less the C++ standard library's
    symbols: frozenset[str] = frozenset()
    #: it installs archives or shared objects (False: a header-only library)
    has_code: bool = True

    @property
    def source_sha256(self) -> str | None:
        found = _SHA256.search(self.pin)
        return found.group(1) if found else None

    @property
    def source_commit(self) -> str | None:
        found = _COMMIT.match(self.pin)
        return found.group(1) if found else None


def archive_symbols(f: IO[bytes]) -> set[str]:
    """The symbols the index of an ``ar`` archive lists (GNU format, as llvm-ar writes it;
    wasm-ld links no archive without one). Reads the index only. An archive without an index
    gives an empty set."""
    magic = f.read(8)
    if magic not in (b"!<arch>\n", b"!<thin>\n"):
        raise ValueError("not an ar archive")
    header = f.read(60)
    if len(header) < 60 or header[58:60] != b"`\n":
        return set()
    member, size = header[:16].rstrip(b" "), int(header[48:58].decode().strip() or 0)
    width = {b"/": 4, b"/SYM64/": 8}.get(member)
    if width is None:
        return set()
    table = f.read(size)
    count = int.from_bytes(table[:width], "big")
    strings = table[width * (count + 1):]
    return {n.decode("utf-8", "replace") for n in strings.split(b"\0")[:count] if n}


def _is_archive(name: str) -> bool:
    """A static archive of a library: ``.a`` in the libdir, or a Rust ``.rlib``."""
    return ((name.startswith(LIBDIR.lstrip("/") + "/") and name.endswith(".a"))
            or (name.startswith(f"{RUSTLIB}/") and name.endswith(".rlib")))


def _library(info: dict[str, Any], files: list[str], symbols: set[str]) -> Library:
    source = info.get("source")
    pin = source.get("pin") if isinstance(source, dict) else None
    if not isinstance(pin, str) or not isinstance(info.get("name"), str):
        raise ValueError("its build info has no name or source pin")
    sonames = frozenset(PurePosixPath(f).name for f in files
                        if f.startswith(LIBDIR.lstrip("/") + "/") and is_shared_object(f))
    catalog = info.get("catalog_version")
    return Library(info["name"], str(info.get("version")), pin,
                   catalog if isinstance(catalog, str) else None, sonames,
                   frozenset(n for n in symbols if not _STD_NAMES.match(n)),
                   has_code=bool(sonames) or any(_is_archive(f) for f in files))


def libraries_in_sysroot(sysroot: Path) -> list[Library]:
    """The libraries installed into a build sysroot, by name."""
    out = []
    for record in sorted((sysroot / INSTALLED_RECORDS).glob("*.json")):
        files = json.loads(record.read_text()).get("files", [])
        name = record.stem
        info = json.loads((sysroot / INFO_DIR / f"{name}.json").read_text())
        symbols: set[str] = set()
        for member in files:
            if _is_archive(member) and (sysroot / member).is_file():
                with open(sysroot / member, "rb") as f:
                    symbols |= archive_symbols(f)
        out.append(_library(info, files, symbols))
    return out


def library_of_tarball(tarball: Path) -> Library:
    """The library a tarball of artifacts/ holds (its build info and file names)."""
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(tarball.read_bytes()))) as tf:
        names = [m.name.lstrip("./") for m in tf.getmembers() if m.isfile() or m.issym()]
        infos = [m for m in tf.getmembers() if m.isfile()
                 and PurePosixPath(m.name.lstrip("./")).parent == INFO_DIR]
        if len(infos) != 1:
            raise ValueError(f"{tarball.name} holds {len(infos)} build info files, expected 1")
        handle = tf.extractfile(infos[0])
        assert handle is not None
        info = json.loads(handle.read())
        symbols: set[str] = set()
        for m in tf.getmembers():
            if m.isfile() and _is_archive(m.name.lstrip("./")):
                archive = tf.extractfile(m)
                assert archive is not None
                symbols |= archive_symbols(archive)
    return _library(info, names, symbols)


@dataclass(frozen=True)
class WheelUse:
    """What a wheel's modules use: the shared objects they need, the ones the wheel carries,
    and the functions they define (None: a module has no function names)."""

    needed: frozenset[str] = frozenset()
    bundled: frozenset[str] = frozenset()
    defined: frozenset[str] | None = frozenset()


def linkage(lib: Library, use: WheelUse) -> str:
    """How a wheel uses ``lib``: one of its shared objects at runtime, its archives' code
    linked in, nothing of it, or (a header-only library) whatever includes its headers."""
    if not lib.has_code:
        return HEADERS_ONLY
    used = lib.sonames & use.needed
    if used:
        return BUNDLED if used <= use.bundled else EXTERNAL
    if use.defined is None:
        return UNKNOWN
    return STATIC if lib.symbols & use.defined else NOT_LINKED


def wheel_use(wheel: Path) -> WheelUse:
    """What the wasm modules of ``wheel`` need, carry and define."""
    needed: set[str] = set()
    bundled: set[str] = set()
    defined: set[str] | None = set()
    for where, data in wheel_members(wheel):  # where: "<wheel>!<member>"
        bundled.add(PurePosixPath(where.split("!", 1)[1]).name)
        mod, names = parse_module_and_names(data, origin=where)
        if mod.dylink is not None:
            needed.update(mod.dylink.needed)
        defined = None if names is None or defined is None else defined | names
    return WheelUse(frozenset(needed), frozenset(bundled),
                    None if defined is None else frozenset(defined))


def make_sbom(project: str, version: str, libraries: list[Library], use: WheelUse) -> bytes:
    """The CycloneDX document (sorted keys, no time or serial number: reproducible)."""
    components = []
    for lib in sorted(libraries, key=lambda x: x.name):
        how = linkage(lib, use)
        props = [{"name": "wasixtasks:source-pin", "value": lib.pin},
                 {"name": "wasixtasks:linkage", "value": how}]
        if lib.catalog_version and lib.catalog_version != lib.version:
            props.append({"name": "wasixtasks:catalog-version", "value": lib.catalog_version})
        if lib.source_commit:
            props.append({"name": "wasixtasks:source-commit", "value": lib.source_commit})
        component: dict[str, Any] = {
            "type": "library", "bom-ref": f"library:{lib.name}", "name": lib.name,
            "version": lib.version, "purl": f"pkg:generic/{lib.name}@{lib.version}",
            "properties": props, "scope": "excluded" if how == NOT_LINKED else "required",
        }
        if lib.source_sha256:
            component["hashes"] = [{"alg": "SHA-256", "content": lib.source_sha256}]
        components.append(component)
    doc = {
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {
            "component": {"type": "library", "bom-ref": "wheel", "name": project,
                          "version": version},
            "tools": {"components": [{"type": "application", "name": "wasixtasks",
                                      "version": __version__}]},
            "properties": [{"name": "wasixtasks:hashes", "value": "SHA-256 of each "
                            "library's pinned source file (git sources: the commit)"}],
        },
        "components": components,
        "dependencies": [{"ref": "wheel", "dependsOn": [c["bom-ref"] for c in components]}],
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()


def read_wheel_sbom(wheel: Path) -> dict[str, Any] | None:
    with zipfile.ZipFile(wheel) as zf:
        found = [n for n in zf.namelist()
                 if n.endswith(f".dist-info/{SBOM_NAME}") and n.count("/") == 2]
        if not found:
            return None
        doc: dict[str, Any] = json.loads(zf.read(found[0]))
    return doc


def component_properties(component: dict[str, Any]) -> dict[str, str]:
    """The ``properties`` of an SBOM component, by name."""
    return {str(p.get("name")): str(p.get("value")) for p in component.get("properties", [])
            if isinstance(p, dict)}


def verify_wheel_sbom(wheel: Path, artifacts: Path,
                      expected: list[str] | None = None) -> list[str]:
    """Problems of ``wheel``'s SBOM (empty: it says what the build used). ``expected``: the
    library names the wheel's recipe links, with their own libraries."""
    try:
        doc = read_wheel_sbom(wheel)
    except (ValueError, zipfile.BadZipFile) as exc:
        return [f"{wheel.name}: unreadable SBOM: {exc}"]
    if doc is None:
        return [f"{wheel.name}: no .dist-info/{SBOM_NAME}"]
    if doc.get("bomFormat") != "CycloneDX" or not isinstance(doc.get("components"), list):
        return [f"{wheel.name}: {SBOM_NAME} is not a CycloneDX document"]
    problems: list[str] = []
    listed: dict[str, dict[str, Any]] = {str(c.get("name")): c for c in doc["components"]
                                         if isinstance(c, dict)}
    if expected is not None and sorted(listed) != sorted(expected):
        problems.append(f"{wheel.name}: the SBOM names {sorted(listed)}, but the build linked "
                        f"{sorted(expected)}")
    use = wheel_use(wheel)
    for name, comp in sorted(listed.items()):
        where = f"{wheel.name}: SBOM component {name}"
        tarball = artifacts / f"{name}.tar.xz"
        if not tarball.is_file():
            problems.append(f"{where}: no {tarball.name} in {artifacts} to verify it against")
            continue
        try:
            lib = library_of_tarball(tarball)
        except (ValueError, OSError, tarfile.TarError, lzma.LZMAError) as exc:
            problems.append(f"{where}: {tarball.name}: {exc}")
            continue
        props = component_properties(comp)
        hashes = {h.get("alg"): h.get("content") for h in comp.get("hashes", [])
                  if isinstance(h, dict)}
        checks = [("version", comp.get("version"), lib.version),
                  ("source pin", props.get("wasixtasks:source-pin"), lib.pin),
                  ("source sha256", hashes.get("SHA-256"), lib.source_sha256),
                  ("source commit", props.get("wasixtasks:source-commit"), lib.source_commit),
                  ("linkage", props.get("wasixtasks:linkage"), linkage(lib, use)),
                  ("scope", comp.get("scope"),
                   "excluded" if linkage(lib, use) == NOT_LINKED else "required")]
        for what, said, actual in checks:
            if said != actual:
                problems.append(f"{where}: {what} {said!r}, but {actual!r} was built "
                                f"({tarball.name}, the wheel's modules)")
    return problems

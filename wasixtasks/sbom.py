"""SBOMs of native wheels (PEP 770): the catalog libraries a wheel was linked with.

Every wheel with compiled code carries ``<dist-info>/sboms/wasixtasks.cdx.json``, a CycloneDX
1.6 document. Its components are the libraries of the wheel's build sysroot (the library
artifacts the build installed there, with their build info ``wasixtasks.json``): name,
version (and the catalog's, when it differs), the source pin and the source's sha256 or git
commit, and the linkage: ``static`` (its archive was what the build linked), ``runtime,
bundled`` (a shared object the wheel needs and carries) or ``runtime, external`` (a shared
object the wheel needs from the library's tarball, installed next to the interpreter).

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
from typing import Any

from . import __version__
from .checks import is_shared_object, wheel_modules
from .layout import LIBDIR, PREFIX

#: where the document lives, relative to the wheel's .dist-info folder (PEP 770)
SBOM_NAME = "sboms/wasixtasks.cdx.json"
#: where installed libraries record their files in a sysroot (wasixtasks.sysroot)
INSTALLED_RECORDS = ".wasixtasks/installed"
#: where a library tarball holds its build info (wasixtasks.pipelines.buildinfo)
INFO_DIR = PurePosixPath(PREFIX.lstrip("/")) / "share" / "wasixtasks"

_SHA256 = re.compile(r"#sha256=([0-9a-f]{64})")
_COMMIT = re.compile(r"^git:.*@([0-9a-f]{40})$")


@dataclass(frozen=True)
class Library:
    """One catalog library as a build used it."""

    name: str
    version: str
    pin: str
    catalog_version: str | None
    #: the sonames of its shared objects (empty: static archives only)
    sonames: frozenset[str]

    @property
    def source_sha256(self) -> str | None:
        found = _SHA256.search(self.pin)
        return found.group(1) if found else None

    @property
    def source_commit(self) -> str | None:
        found = _COMMIT.match(self.pin)
        return found.group(1) if found else None


def _library(info: dict[str, Any], files: list[str]) -> Library:
    source = info.get("source")
    pin = source.get("pin") if isinstance(source, dict) else None
    if not isinstance(pin, str) or not isinstance(info.get("name"), str):
        raise ValueError("its build info has no name or source pin")
    sonames = frozenset(PurePosixPath(f).name for f in files
                        if f.startswith(LIBDIR.lstrip("/") + "/") and is_shared_object(f))
    catalog = info.get("catalog_version")
    return Library(info["name"], str(info.get("version")), pin,
                   catalog if isinstance(catalog, str) else None, sonames)


def libraries_in_sysroot(sysroot: Path) -> list[Library]:
    """The libraries installed into a build sysroot, by name."""
    out = []
    for record in sorted((sysroot / INSTALLED_RECORDS).glob("*.json")):
        files = json.loads(record.read_text()).get("files", [])
        name = record.stem
        info = json.loads((sysroot / INFO_DIR / f"{name}.json").read_text())
        out.append(_library(info, files))
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
    return _library(info, names)


def linkage(lib: Library, needed: set[str], bundled: set[str]) -> str:
    """How a wheel uses ``lib``: statically, or one of its shared objects at runtime."""
    used = lib.sonames & needed
    if not used:
        return "static"
    return "runtime, bundled" if used <= bundled else "runtime, external"


def wheel_needs(wheel: Path) -> tuple[set[str], set[str]]:
    """The shared objects a wheel's modules need, and the ones it carries itself."""
    needed: set[str] = set()
    bundled: set[str] = set()
    for member, mod in wheel_modules(wheel):
        bundled.add(PurePosixPath(member).name)
        if mod.dylink is not None:
            needed.update(mod.dylink.needed)
    return needed, bundled


def make_sbom(project: str, version: str, libraries: list[Library], needed: set[str],
              bundled: set[str]) -> bytes:
    """The CycloneDX document (sorted keys, no time or serial number: reproducible)."""
    components = []
    for lib in sorted(libraries, key=lambda x: x.name):
        props = [{"name": "wasixtasks:source-pin", "value": lib.pin},
                 {"name": "wasixtasks:linkage", "value": linkage(lib, needed, bundled)}]
        if lib.catalog_version and lib.catalog_version != lib.version:
            props.append({"name": "wasixtasks:catalog-version", "value": lib.catalog_version})
        if lib.source_commit:
            props.append({"name": "wasixtasks:source-commit", "value": lib.source_commit})
        component: dict[str, Any] = {
            "type": "library", "bom-ref": f"library:{lib.name}", "name": lib.name,
            "version": lib.version, "purl": f"pkg:generic/{lib.name}@{lib.version}",
            "properties": props,
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


def _properties(component: dict[str, Any]) -> dict[str, str]:
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
    needed, bundled = wheel_needs(wheel)
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
        props = _properties(comp)
        hashes = {h.get("alg"): h.get("content") for h in comp.get("hashes", [])
                  if isinstance(h, dict)}
        checks = [("version", comp.get("version"), lib.version),
                  ("source pin", props.get("wasixtasks:source-pin"), lib.pin),
                  ("source sha256", hashes.get("SHA-256"), lib.source_sha256),
                  ("source commit", props.get("wasixtasks:source-commit"), lib.source_commit),
                  ("linkage", props.get("wasixtasks:linkage"), linkage(lib, needed, bundled))]
        for what, said, actual in checks:
            if said != actual:
                problems.append(f"{where}: {what} {said!r}, but {actual!r} was built "
                                f"({tarball.name}, the wheel's modules)")
    return problems

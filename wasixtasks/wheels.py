"""Inspect, install and retag wheels.

Wheels are untrusted input: :func:`inspect_wheel` checks the zip, ``.dist-info`` and ``RECORD``
first and the other functions refuse what it rejects, with a one-line :class:`WheelError` that
names the wheel file.

:func:`install_wheel` (through ``installer``) puts ``purelib``/``platlib`` in ``site_packages``
and ``scripts``/``data``/``headers`` in ``bin``, ``data`` and ``include/<project>`` of
``extras_dir`` (default: the sibling ``<site_packages name>-extras``), listed in ``RECORD``
relative to ``site_packages``. No bytecode is compiled: the WebAssembly interpreter does that.

:func:`retag_wheel` writes reproducibly: normalized project name in file and folder names,
entries sorted with ``.dist-info`` last and the regenerated ``RECORD`` very last, time stamp
``SOURCE_DATE_EPOCH`` (else 1980-01-01), permission bits kept, folders and signatures dropped.
It uses :mod:`zipfile`, not ``wheel.wheelfile.WheelFile``: that (wheel 0.48) stamps ``RECORD``
with the current time unless ``SOURCE_DATE_EPOCH`` is set in ``os.environ`` (shared by build
threads) and does not keep ``.dist-info`` subfolders such as ``licenses/`` last.
"""

from __future__ import annotations

import importlib.metadata
import io
import itertools
import os
import re
import shutil
import stat
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

import installer
from installer.destinations import SchemeDictionaryDestination
from installer.exceptions import InstallerError
from installer.records import Hash, InvalidRecordEntry, RecordEntry, parse_record_file
from installer.sources import WheelFile
from installer.utils import Scheme, construct_record_file, copyfileobj_with_hashing
from installer.utils import parse_metadata_file
from packaging.metadata import parse_email
from packaging.tags import Tag, parse_tag
from packaging.utils import InvalidWheelFilename, NormalizedName, canonicalize_name
from packaging.utils import canonicalize_version, parse_wheel_filename
from packaging.version import Version

from .archive import scrub_paths
from .errors import WheelError
from .run import Log

__all__ = ["INSTALLER_NAME", "WheelInfo", "inspect_wheel", "install_wheel", "retag_wheel",
           "recipe_wheels", "wheel_project", "wheels_of"]

#: Written to ``.dist-info/INSTALLER`` of every wheel :func:`install_wheel` installs.
INSTALLER_NAME = "wasixtasks"

#: Interpreter named in the shebang of console scripts generated from entry points.
SCRIPT_INTERPRETER = "/usr/bin/env python3"

#: Hash algorithms accepted in RECORD (the wheel spec forbids md5 and sha1).
_RECORD_ALGORITHMS = frozenset({"sha256", "sha384", "sha512"})
_TAG_PART = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
_Stamp = tuple[int, int, int, int, int, int]
_ZIP_EPOCH: _Stamp = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class WheelInfo:
    """What :func:`inspect_wheel` learned about a valid wheel."""

    path: Path
    name: NormalizedName
    version: Version
    tags: frozenset[Tag]
    metadata: bytes
    requires_python: str | None
    is_pure: bool


def wheel_project(path: Path) -> tuple[NormalizedName, Version] | None:
    """The project and version a wheel's file name declares (None: not a wheel's name)."""
    try:
        name, version, _build, _tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename:
        return None
    return name, version


def wheels_of(folder: Path, project: str, version: str | Version | None = None) -> list[Path]:
    """The wheels in ``folder`` of ``project`` (names compared normalized), of ``version``
    only when given; sorted by file name. Two recipes may build two versions of one project
    (numpy's lines), so a recipe's own wheel is its project *and* version."""
    want = canonicalize_name(project)
    pinned = Version(str(version)) if version is not None else None
    found = []
    for path in sorted(folder.glob("*.whl")) if folder.is_dir() else []:
        parsed = wheel_project(path)
        if parsed is not None and parsed[0] == want and pinned in (None, parsed[1]):
            found.append(path)
    return found


def recipe_wheels(folder: Path, project: str, version: str,
                  other_lines: frozenset[Version] = frozenset()) -> list[Path]:
    """The wheels in ``folder`` that a recipe building ``project`` at ``version`` owns: its
    own and its project's earlier ones, but not those of ``other_lines``, the versions that
    other recipes build of the same project (numpy's 2.3.2 beside its 2.4.0)."""
    own = Version(version)
    return [w for w in wheels_of(folder, project)
            if (found := wheel_project(w)) is not None
            and (found[1] == own or found[1] not in other_lines)]


def _fail(wheel: str, problem: str, *, package: str | None = None) -> WheelError:
    return WheelError(f"{wheel}: {problem}", package=package, step="wheel")


def _unsafe_reason(name: str) -> str | None:
    """Why an archive path is unsafe, or None when it is fine."""
    if not name:
        return "empty path"
    if "\\" in name:
        return "backslash in path"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if ".." in name.split("/"):
        return "'..' component in path"
    return None


def inspect_wheel(path: Path) -> WheelInfo:
    """Validate the wheel at ``path`` and return what it declares.

    Checks the file name, the zip (CRCs), member paths, the one ``.dist-info`` folder, that
    ``METADATA`` and ``WHEEL`` agree with the file name and that ``RECORD`` lists every member
    with a correct hash and size. Raises :class:`WheelError` on the first problem found.
    """
    try:
        fn_name, fn_version, _build, fn_tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as exc:
        raise _fail(path.name, f"invalid wheel file name: {exc}") from exc
    fn_canon_version = canonicalize_version(fn_version)  # invalid versions never equal it

    def fail(problem: str) -> WheelError:
        return _fail(path.name, problem, package=fn_name)

    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
        if bad is not None:
            raise zipfile.BadZipFile(f"bad CRC or data in member {bad}")
    except Exception as exc:  # BadZipFile, OSError, zlib/lzma/bz2/EOF errors from damaged data
        message = f"not a valid wheel (zip) file: {path}: {exc}"
        raise WheelError(message, package=fn_name, step="wheel") from exc

    with zipfile.ZipFile(path) as zf:
        seen: set[str] = set()
        for name in zf.namelist():
            if (reason := _unsafe_reason(name)) is not None:
                raise fail(f"unsafe archive member {name!r}: {reason}")
            if name in seen:
                raise fail(f"duplicate archive member {name!r}")
            seen.add(name)

        # .dist-info: installer finds the one folder and checks its name; the version is ours.
        source = WheelFile(zf)
        try:
            dist_info = source.dist_info_dir
        except (InstallerError, ValueError) as exc:
            raise fail(f"bad .dist-info folder: {exc}") from exc
        di_version = dist_info[: -len(".dist-info")].rpartition("-")[2]
        if canonicalize_version(di_version) != fn_canon_version:
            raise fail(f"{dist_info} does not match the file name ({fn_name} {fn_version})")
        for required in ("METADATA", "WHEEL", "RECORD"):
            if f"{dist_info}/{required}" not in seen:
                raise fail(f"{dist_info}/{required} is missing")

        metadata = zf.read(f"{dist_info}/METADATA")
        try:
            raw, _unparsed = parse_email(metadata)
        except ValueError as exc:
            raise fail(f"cannot parse METADATA: {exc}") from exc
        md_name, md_version = raw.get("name") or "", raw.get("version") or ""
        if canonicalize_name(md_name) != fn_name:
            raise fail(f"METADATA Name {md_name!r} does not match the file name ({fn_name})")
        if canonicalize_version(md_version) != fn_canon_version:
            raise fail(f"METADATA Version {md_version!r} does not match the file name")

        try:
            wheel = parse_metadata_file(zf.read(f"{dist_info}/WHEEL").decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise fail(f"WHEEL is not UTF-8: {exc}") from exc
        wheel_version = (wheel.get("Wheel-Version") or "").strip()
        if not wheel_version.startswith("1."):
            raise fail(f"unsupported Wheel-Version {wheel_version or '(missing)'!r}")
        wheel_tags: set[Tag] = set()
        for line in wheel.get_all("Tag") or []:
            try:
                wheel_tags |= parse_tag(line.strip())
            except ValueError as exc:
                raise fail(f"bad Tag line {line.strip()!r} in WHEEL") from exc
        if wheel_tags != fn_tags:
            shown = ", ".join(sorted(str(t) for t in wheel_tags)) or "none"
            raise fail(f"WHEEL tags ({shown}) do not match the file name tags")

        # RECORD: first what installer's validate_record leaves out (rows for missing files,
        # duplicate rows, weak hashes), then installer checks each member's hash and size.
        try:
            record = zf.read(f"{dist_info}/RECORD").decode("utf-8")
            rows = list(parse_record_file(record.splitlines()))
        except (UnicodeDecodeError, InvalidRecordEntry) as exc:
            raise fail(f"cannot parse RECORD: {exc}") from exc
        counts = Counter(row[0] for row in rows)
        for rpath, rhash, _size in rows:
            if counts[rpath] > 1:
                raise fail(f"RECORD lists {rpath!r} twice")
            if rpath not in seen or rpath.endswith("/"):
                raise fail(f"RECORD lists {rpath} but the wheel does not contain it")
            if rhash and (algorithm := rhash.partition("=")[0]) not in _RECORD_ALGORITHMS:
                raise fail(f"RECORD uses unsupported hash {algorithm!r} for {rpath}")
        try:
            source.validate_record(validate_contents=True)
        except (ValueError, InstallerError) as exc:  # WheelFile.validation_error and kin
            issues = [str(i) for i in getattr(exc, "issues", None) or [exc]]
            more = f" (and {len(issues) - 1} more RECORD problems)" if len(issues) > 1 else ""
            raise fail(issues[0].removeprefix(f"In {zf.filename}, ") + more) from exc

    requires_python = (raw.get("requires_python") or "").strip() or None
    is_pure = (wheel.get("Root-Is-Purelib") or "").strip().lower() == "true"
    return WheelInfo(path, fn_name, fn_version, fn_tags, metadata, requires_python, is_pure)


# -- install ---------------------------------------------------------------------------------


class _TrackingDestination(SchemeDictionaryDestination):
    """Remembers every file it writes so a failed install can be rolled back."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.written: list[Path] = []

    def write_to_fs(
        self, scheme: Scheme, path: str, stream: BinaryIO, is_executable: bool
    ) -> RecordEntry:
        entry = super().write_to_fs(scheme, path, stream, is_executable)
        self.written.append(Path(os.path.abspath(Path(self.scheme_dict[scheme]) / path)))
        return entry


def _files_of_installed(dist_info: Path, roots: list[Path], wheel: str, log: Log) -> list[Path]:
    """Files an installed distribution owns according to its RECORD (plus their .pyc)."""
    listed = importlib.metadata.Distribution.at(dist_info).files
    if listed is None:
        problem = f"cannot replace the installed {dist_info.name}: it has no RECORD"
        raise _fail(wheel, problem, package=dist_info.name)
    files: list[Path] = []
    for entry in listed:
        target = Path(os.path.normpath(entry.locate()))
        if not any(target.is_relative_to(root) for root in roots):
            log.warn(f"not removing {target}: outside {roots[0]} (listed in {dist_info}/RECORD)")
            continue
        files.append(target)
        if target.suffix == ".py":
            files.extend(sorted(target.parent.glob(f"__pycache__/{target.stem}.*.pyc")))
    return files


def install_wheel(
    path: Path, site_packages: Path, *, log: Log, extras_dir: Path | None = None
) -> list[Path]:
    """Install the wheel at ``path`` into ``site_packages``; return the installed files.

    The wheel is validated with :func:`inspect_wheel` first. An installed version of the same
    project (any version) is removed first using its ``RECORD``; its files are kept aside and
    put back if the new install fails, so a failed upgrade leaves the old version in place.
    See the module docstring for where scripts, data and headers go.
    """
    info = inspect_wheel(path)
    site_packages = Path(os.path.abspath(site_packages))
    default_extras = site_packages.with_name(site_packages.name + "-extras")
    extras = Path(os.path.abspath(default_extras if extras_dir is None else extras_dir))
    roots = [site_packages, extras]
    site_packages.mkdir(parents=True, exist_ok=True)
    schemes = {"purelib": site_packages, "platlib": site_packages, "scripts": extras / "bin",
               "data": extras / "data", "headers": extras / "include" / info.name}
    dest = _TrackingDestination(
        scheme_dict={k: str(v) for k, v in schemes.items()}, interpreter=SCRIPT_INTERPRETER,
        script_kind="posix", bytecode_optimization_levels=(),
    )
    installed = [
        d for d in sorted(site_packages.glob("*.dist-info"))
        if canonicalize_name(d.name[: -len(".dist-info")].rpartition("-")[0]) == info.name
    ]

    stashed: list[tuple[Path, Path]] = []  # (original, kept aside)
    with tempfile.TemporaryDirectory(prefix=".wasixtasks-stash-", dir=site_packages) as stash:
        try:
            for dist_info in installed:
                log.info(f"removing installed {dist_info.name} before installing {path.name}")
                for target in [*_files_of_installed(dist_info, roots, path.name, log), dist_info]:
                    # RECORD lists files; folders other than .dist-info are pruned when empty
                    if os.path.lexists(target) and (
                        target == dist_info or target.is_symlink() or not target.is_dir()
                    ):
                        stashed.append((target, Path(stash, str(len(stashed)))))
                        shutil.move(*stashed[-1])
            with warnings.catch_warnings(record=True) as caught, WheelFile.open(path) as source:
                warnings.simplefilter("always")
                installer.install(source, dest, {"INSTALLER": INSTALLER_NAME.encode() + b"\n"})
        except BaseException as exc:
            for written in reversed(dest.written):
                written.unlink(missing_ok=True)
            _prune_empty({p.parent for p in dest.written}, roots)
            for original, kept in reversed(stashed):
                original.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(kept, original)
            if isinstance(exc, (InstallerError, ValueError, OSError)):
                raise _fail(path.name, f"cannot install: {exc}", package=info.name) from exc
            raise
    for warning in caught:
        log.warn(f"{path.name}: {warning.message}")
    _prune_empty({original.parent for original, _ in stashed} - {site_packages}, roots)
    log.info(f"installed {path.name} into {site_packages} ({len(dest.written)} files)")
    return sorted(dest.written)


def _prune_empty(dirs: set[Path], roots: list[Path]) -> None:
    """Remove empty folders in ``dirs`` and their empty parents, never a root itself."""
    for start in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        current = start
        while current not in roots and any(current.is_relative_to(r) for r in roots):
            try:
                current.rmdir()
            except OSError:
                break
            current = current.parent


# -- deterministic rewrite -------------------------------------------------------------------


def _zip_timestamp() -> _Stamp:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return _ZIP_EPOCH
    try:
        stamp = time.gmtime(int(value))[:6]
    except (ValueError, OverflowError, OSError) as exc:
        hint = "Set SOURCE_DATE_EPOCH to a Unix timestamp (seconds) or unset it."
        message = f"SOURCE_DATE_EPOCH is not a usable Unix timestamp: {value!r}"
        raise WheelError(message, step="wheel", hint=hint) from exc
    return max(_ZIP_EPOCH, min(stamp, (2107, 12, 31, 23, 59, 58)))


def _zip_info(name: str, mode: int, stamp: _Stamp, size: int = 0) -> zipfile.ZipInfo:
    """A deflated regular file entry with fixed metadata; ``mode`` 0 means 0o644."""
    zi = zipfile.ZipInfo(name, date_time=stamp)
    zi.create_system = 3
    zi.external_attr = (stat.S_IFREG | (mode or 0o644)) << 16
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.file_size = size  # only decides whether zipfile writes a zip64 header
    return zi


def retag_wheel(
    path: Path, *, python_tag: str, abi_tag: str, platform_tag: str, dest_dir: Path,
    extra: Mapping[str, bytes] | None = None, scrub: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write a copy of the wheel at ``path`` with new tags into ``dest_dir``; return its path.

    The file name and ``WHEEL`` get the new tags (``py2.py3`` gives one ``Tag`` line each) and
    the normalized project name; see the module docstring. The copy is written under a
    temporary name, checked with :func:`inspect_wheel` and renamed. The input must pass it too.
    ``extra`` maps file names to contents added to (or replacing files of) the ``.dist-info``
    (a name may have one folder, as PEP 770's ``sboms/``).
    ``scrub`` maps build folders to fixed names in text members (see ``archive.scrub_paths``).
    """
    info = inspect_wheel(path)
    tags = (python_tag, abi_tag, platform_tag)
    for label, value in zip(("python", "abi", "platform"), tags):
        if not _TAG_PART.match(value):
            raise _fail(path.name, f"invalid {label} tag {value!r}")
    stamp = _zip_timestamp()

    # <name>-<version>[-<build>] as spelled in the input, with the name normalized (PEP 491)
    fn_name, fn_version, *build = path.name[: -len(".whl")].split("-")[:-3]
    prefix = f"{info.name.replace('-', '_')}-{fn_version}"
    new_name = "-".join([prefix, *build, *tags]) + ".whl"
    new_dist_info = f"{prefix}.dist-info/"
    dest_dir.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=".retag-", suffix=".partial", dir=dest_dir))
    try:
        tmp = tmp_dir / new_name
        with zipfile.ZipFile(path) as zf, zipfile.ZipFile(tmp, "w") as out:
            dist_info = WheelFile(zf).dist_info_dir
            renames = {
                dist_info: new_dist_info[:-1],
                dist_info[: -len(".dist-info")] + ".data": f"{prefix}.data",
                f"{fn_name}-{fn_version}.data": f"{prefix}.data",
            }
            skip = {f"{dist_info}/{n}" for n in ("RECORD", "RECORD.jws", "RECORD.p7s")}
            members: dict[str, zipfile.ZipInfo] = {}
            for src in zf.infolist():
                if not src.is_dir() and src.filename not in skip:
                    top, sep, rest = src.filename.partition("/")
                    name = renames.get(top, top) + sep + rest if sep else top
                    if name in members:
                        raise _fail(path.name, f"{name} occurs twice after renaming folders")
                    members[name] = src

            added = {f"{new_dist_info}{n}": data for n, data in (extra or {}).items()}
            for name in added:
                parts = name[len(new_dist_info):].split("/")
                # a file of the .dist-info or of one folder in it (PEP 770's sboms/)
                if (len(parts) > 2 or "" in parts or ".." in parts
                        or name == f"{new_dist_info}RECORD"):
                    raise _fail(path.name, f"cannot add {name}")
                members.pop(name, None)
            records = [(Scheme("purelib"), RecordEntry(f"{new_dist_info}RECORD", None, None))]
            for name in sorted([*members, *added], key=lambda n: (n.startswith(new_dist_info), n)):
                if name in added:
                    with out.open(_zip_info(name, 0, stamp, len(added[name])), "w") as dest:
                        digest, size = copyfileobj_with_hashing(
                            io.BytesIO(added[name]), cast(BinaryIO, dest), "sha256")
                    records.append((Scheme("purelib"), RecordEntry(name, Hash("sha256", digest),
                                                                   size)))
                    continue
                src = members[name]
                mode = (src.external_attr >> 16) & 0o777 if src.create_system == 3 else 0
                zi = _zip_info(name, mode, stamp, src.file_size)
                with zf.open(src) as member, out.open(zi, "w") as dest:
                    stream = cast(BinaryIO, member)
                    if name == f"{new_dist_info}WHEEL":
                        wheel = parse_metadata_file(member.read().decode("utf-8"))
                        del wheel["Tag"]
                        for tag in itertools.product(*(t.split(".") for t in tags)):
                            wheel["Tag"] = "-".join(tag)
                        stream = io.BytesIO(wheel.as_string().encode("utf-8"))
                    elif scrub:
                        stream = io.BytesIO(scrub_paths(member.read(), scrub))
                    digest, size = copyfileobj_with_hashing(stream, cast(BinaryIO, dest), "sha256")
                records.append((Scheme("purelib"), RecordEntry(name, Hash("sha256", digest), size)))
            with construct_record_file(records) as record:
                out.writestr(_zip_info(f"{new_dist_info}RECORD", 0, stamp), record.read())
        os.chmod(tmp, 0o644)
        inspect_wheel(tmp)
        os.replace(tmp, dest_dir / new_name)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return dest_dir / new_name

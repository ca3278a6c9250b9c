"""Inspect, install, retag and normalize wheels.

Everything here treats a wheel as untrusted input: :func:`inspect_wheel` checks the archive, the
``.dist-info`` files and every ``RECORD`` entry before anything else looks inside, and the other
functions refuse wheels it rejects. Problems are reported as :class:`WheelError` with a one-line
message that names the wheel file.

Install layout (:func:`install_wheel`)
    ``purelib`` and ``platlib`` both go to ``site_packages``. The other wheel schemes go to a
    sibling folder of ``site_packages`` named ``<site_packages name>-extras`` (for example
    ``lib/python3.11/site-packages-extras/``), unless ``extras_dir`` says otherwise:

    * ``scripts`` -> ``<extras>/bin``
    * ``data`` -> ``<extras>/data``
    * ``headers`` -> ``<extras>/include/<project>``

    ``RECORD`` lists those files relative to ``site_packages`` (``../site-packages-extras/bin/x``)
    so an upgrade can remove them. No bytecode is compiled: the WebAssembly interpreter writes
    its own ``.pyc`` files.

Deterministic rewrite (:func:`retag_wheel`, :func:`normalize_wheel`)
    Entries are written in sorted order with the ``.dist-info`` folder last and ``RECORD`` as
    the very last entry, with a fixed timestamp (``SOURCE_DATE_EPOCH`` when set, else
    1980-01-01 00:00:00), Unix file attributes that keep each member's permission bits, and
    fixed deflate settings. Directory entries and ``RECORD.jws``/``RECORD.p7s`` signatures
    (which a rewrite invalidates) are dropped and ``RECORD`` is regenerated. The output is
    written to a temporary file in ``dest_dir``, checked with :func:`inspect_wheel` and only
    then renamed to its final name.
"""

from __future__ import annotations

import base64
import csv
import email.parser
import email.policy
import hashlib
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import installer
import installer.destinations
import installer.exceptions
import installer.records
import installer.sources
import installer.utils
from packaging.metadata import parse_email
from packaging.tags import Tag, parse_tag
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from .errors import WheelError
from .run import Log

__all__ = [
    "INSTALLER_NAME",
    "WheelInfo",
    "inspect_wheel",
    "install_wheel",
    "normalize_wheel",
    "retag_wheel",
]

#: Written to ``.dist-info/INSTALLER`` of every wheel :func:`install_wheel` installs.
INSTALLER_NAME = "wasixtasks"

#: Interpreter named in the shebang of console scripts generated from entry points.
SCRIPT_INTERPRETER = "/usr/bin/env python3"

#: Hash algorithms accepted in RECORD (the wheel spec forbids md5 and sha1).
_RECORD_ALGORITHMS = frozenset({"sha256", "sha384", "sha512"})
_SIGNATURE_FILES = frozenset({"RECORD.jws", "RECORD.p7s"})
_TAG_PART = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20


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


def _fail(wheel: str, problem: str, *, package: str | None = None) -> WheelError:
    return WheelError(f"{wheel}: {problem}", package=package, step="wheel")


def _b64_digest(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _unsafe_reason(name: str) -> str | None:
    """Why an archive or RECORD path is unsafe, or None when it is fine."""
    if not name:
        return "empty path"
    if "\\" in name:
        return "backslash in path"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if ".." in name.split("/"):
        return "'..' component in path"
    return None


def _hash_member(zf: zipfile.ZipFile, member: str, algorithm: str) -> tuple[str, int]:
    h = hashlib.new(algorithm)
    size = 0
    with zf.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return _b64_digest(h.digest()), size


def _parse_headers(data: bytes) -> email.message.Message:
    text = data.decode("utf-8")
    return email.parser.Parser(policy=email.policy.compat32).parsestr(text, headersonly=True)


def inspect_wheel(path: Path) -> WheelInfo:
    """Validate the wheel at ``path`` and return what it declares.

    Checks the file name, the zip structure (CRCs via ``testzip``), member paths, the single
    ``.dist-info`` folder with ``METADATA``/``WHEEL``/``RECORD``, that ``METADATA`` and
    ``WHEEL`` agree with the file name, and that ``RECORD`` covers every member with a correct
    digest and size. Raises :class:`WheelError` on the first problem found.
    """
    return _inspect(path, path.name)


def _inspect(path: Path, filename: str) -> WheelInfo:
    """:func:`inspect_wheel` for a file whose logical wheel file name is ``filename``."""
    try:
        fn_name, fn_version, _build, fn_tags = parse_wheel_filename(filename)
    except InvalidWheelFilename as exc:
        raise _fail(filename, f"invalid wheel file name: {exc}") from exc
    pkg = str(fn_name)

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise WheelError(
            f"not a valid wheel (zip) file: {path}: {exc}", package=pkg, step="wheel"
        ) from exc
    with zf:
        try:
            bad = zf.testzip()
        except Exception as exc:  # zlib/lzma/bz2/EOF errors from damaged member data
            raise WheelError(
                f"not a valid wheel (zip) file: {path}: {exc}", package=pkg, step="wheel"
            ) from exc
        if bad is not None:
            raise WheelError(
                f"not a valid wheel (zip) file: {path}: bad CRC or data in member {bad}",
                package=pkg,
                step="wheel",
            )
        return _check_contents(zf, path, filename, fn_name, fn_version, fn_tags)


def _check_contents(
    zf: zipfile.ZipFile,
    path: Path,
    filename: str,
    fn_name: NormalizedName,
    fn_version: Version,
    fn_tags: frozenset[Tag],
) -> WheelInfo:
    pkg = str(fn_name)

    def fail(problem: str) -> WheelError:
        return _fail(filename, problem, package=pkg)

    names = [info.filename for info in zf.infolist()]
    seen: set[str] = set()
    for name in names:
        reason = _unsafe_reason(name)
        if reason is not None:
            raise fail(f"unsafe archive member {name!r}: {reason}")
        if name in seen:
            raise fail(f"duplicate archive member {name!r}")
        seen.add(name)
    files = [name for name in names if not name.endswith("/")]

    dist_infos = sorted(
        {top for n in names if "/" in n and (top := n.split("/", 1)[0]).endswith(".dist-info")}
    )
    if len(dist_infos) != 1:
        found = ", ".join(dist_infos) if dist_infos else "none"
        raise fail(f"expected exactly one .dist-info folder, found {found}")
    dist_info = dist_infos[0]
    stem = dist_info[: -len(".dist-info")]
    if "-" not in stem:
        raise fail(f"{dist_info} is not named <name>-<version>.dist-info")
    di_name, di_version = stem.rsplit("-", 1)
    try:
        di_version_ok = Version(di_version) == fn_version
    except InvalidVersion:
        di_version_ok = False
    if canonicalize_name(di_name) != fn_name or not di_version_ok:
        raise fail(f"{dist_info} does not match the file name ({fn_name} {fn_version})")
    for required in ("METADATA", "WHEEL", "RECORD"):
        if f"{dist_info}/{required}" not in seen:
            raise fail(f"{dist_info}/{required} is missing")

    # METADATA: Name and Version must match the file name.
    metadata = zf.read(f"{dist_info}/METADATA")
    try:
        raw, _unparsed = parse_email(metadata)
    except ValueError as exc:
        raise fail(f"cannot parse METADATA: {exc}") from exc
    md_name = raw.get("name")
    md_version = raw.get("version")
    if not md_name or not md_version:
        raise fail("METADATA lacks Name or Version")
    if canonicalize_name(md_name) != fn_name:
        raise fail(f"METADATA Name {md_name!r} does not match the file name ({fn_name})")
    try:
        md_version_ok = Version(md_version) == fn_version
    except InvalidVersion:
        md_version_ok = False
    if not md_version_ok:
        raise fail(f"METADATA Version {md_version!r} does not match the file name ({fn_version})")
    requires_python = (raw.get("requires_python") or "").strip() or None

    # WHEEL: supported Wheel-Version and Tag lines equal to the file name tags.
    try:
        wheel = _parse_headers(zf.read(f"{dist_info}/WHEEL"))
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
    if wheel_tags != set(fn_tags):
        shown = ", ".join(sorted(str(t) for t in wheel_tags)) or "none"
        raise fail(f"WHEEL tags ({shown}) do not match the file name tags")
    is_pure = (wheel.get("Root-Is-Purelib") or "").strip().lower() == "true"

    # RECORD: every member listed, every entry present, digests and sizes correct.
    record_path = f"{dist_info}/RECORD"
    try:
        record_text = zf.read(record_path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"RECORD is not UTF-8: {exc}") from exc
    entries: dict[str, tuple[str, str]] = {}
    for row in csv.reader(io.StringIO(record_text)):
        if not row:
            continue
        if len(row) != 3:
            raise fail(f"malformed RECORD row {row!r}")
        rpath, rhash, rsize = row
        reason = _unsafe_reason(rpath)
        if reason is not None:
            raise fail(f"unsafe RECORD path {rpath!r}: {reason}")
        if rpath in entries:
            raise fail(f"RECORD lists {rpath!r} twice")
        entries[rpath] = (rhash, rsize)
    entries.pop(record_path, None)
    signatures = {f"{dist_info}/{sig}" for sig in _SIGNATURE_FILES}
    for name in files:
        if name == record_path or name in signatures:
            continue
        if name not in entries:
            raise fail(f"{name} is not listed in RECORD")
    file_set = set(files)
    for rpath, (rhash, rsize) in entries.items():
        if rpath not in file_set:
            raise fail(f"RECORD lists {rpath} but the wheel does not contain it")
        algorithm, sep, expected = rhash.partition("=")
        if not sep or not expected:
            raise fail(f"RECORD has no hash for {rpath}")
        if algorithm not in _RECORD_ALGORITHMS:
            raise fail(f"RECORD uses unsupported hash {algorithm!r} for {rpath}")
        if not rsize.isdigit():
            raise fail(f"RECORD has no valid size for {rpath}")
        digest, size = _hash_member(zf, rpath, algorithm)
        if digest != expected:
            raise fail(f"{algorithm} of {rpath} does not match RECORD")
        if size != int(rsize):
            raise fail(f"size of {rpath} is {size}, RECORD says {rsize}")

    return WheelInfo(
        path=path,
        name=fn_name,
        version=fn_version,
        tags=fn_tags,
        metadata=metadata,
        requires_python=requires_python,
        is_pure=is_pure,
    )


# --------------------------------------------------------------------------------------------
# install


class _TrackingDestination(installer.destinations.SchemeDictionaryDestination):
    """Remembers every file it writes so a failed install can be rolled back.

    Not a dataclass of its own: older ``installer`` releases define the base as a plain class.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.written: list[Path] = []

    def write_to_fs(
        self,
        scheme: installer.utils.Scheme,
        path: str,
        stream: BinaryIO,
        is_executable: bool,
    ) -> installer.records.RecordEntry:
        entry = super().write_to_fs(scheme, path, stream, is_executable)
        self.written.append(Path(os.path.abspath(Path(self.scheme_dict[scheme]) / path)))
        return entry


def _installed_dist_infos(site_packages: Path, name: NormalizedName) -> list[Path]:
    found = []
    if site_packages.is_dir():
        for candidate in sorted(site_packages.glob("*.dist-info")):
            stem = candidate.name[: -len(".dist-info")]
            if "-" in stem and canonicalize_name(stem.rsplit("-", 1)[0]) == name:
                found.append(candidate)
    return found


def _is_within(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _files_of_installed(
    dist_info: Path, site_packages: Path, roots: list[Path], *, wheel: str, log: Log
) -> list[Path]:
    """Files an installed distribution owns according to its RECORD (plus their .pyc)."""
    record = dist_info / "RECORD"
    if not record.is_file():
        raise _fail(
            wheel,
            f"cannot replace the installed {dist_info.name}: it has no RECORD",
            package=dist_info.name,
        )
    files: list[Path] = []
    with record.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if not row:
                continue
            target = Path(os.path.normpath(site_packages / row[0]))
            if not any(_is_within(target, root) for root in roots):
                log.warn(f"not removing {target}: outside {site_packages} (listed in {record})")
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
    extras = Path(
        os.path.abspath(
            extras_dir if extras_dir is not None else site_packages.with_name(
                site_packages.name + "-extras"
            )
        )
    )
    site_packages.mkdir(parents=True, exist_ok=True)
    schemes = {
        "purelib": str(site_packages),
        "platlib": str(site_packages),
        "scripts": str(extras / "bin"),
        "data": str(extras / "data"),
        "headers": str(extras / "include" / info.name),
    }
    destination = _TrackingDestination(
        scheme_dict=schemes,
        interpreter=SCRIPT_INTERPRETER,
        script_kind="posix",
        bytecode_optimization_levels=(),
    )

    stash_dir: Path | None = None
    stashed: list[tuple[Path, Path]] = []
    old_dirs: set[Path] = set()
    try:
        for dist_info in _installed_dist_infos(site_packages, info.name):
            log.info(f"removing installed {dist_info.name} before installing {path.name}")
            owned = _files_of_installed(
                dist_info, site_packages, [site_packages, extras], wheel=path.name, log=log
            )
            if stash_dir is None:
                stash_dir = Path(tempfile.mkdtemp(prefix=".wasixtasks-stash-", dir=site_packages))
            for target in [*owned, dist_info]:
                if not os.path.lexists(target):
                    continue
                if target.is_dir() and not target.is_symlink() and target != dist_info:
                    continue  # RECORD lists files; folders are pruned when empty
                kept = stash_dir / str(len(stashed))
                shutil.move(target, kept)
                stashed.append((target, kept))
                old_dirs.add(target.parent)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with installer.sources.WheelFile.open(path) as source:
                installer.install(
                    source, destination, {"INSTALLER": f"{INSTALLER_NAME}\n".encode()}
                )
        for warning in caught:
            log.warn(f"{path.name}: {warning.message}")
    except BaseException as exc:
        for written in reversed(destination.written):
            written.unlink(missing_ok=True)
        _prune_empty({p.parent for p in destination.written}, [site_packages, extras])
        for original, kept in reversed(stashed):
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(kept, original)
        if stash_dir is not None:
            shutil.rmtree(stash_dir, ignore_errors=True)
        if isinstance(exc, (installer.exceptions.InstallerError, ValueError, OSError)):
            raise _fail(path.name, f"cannot install: {exc}", package=info.name) from exc
        raise
    if stash_dir is not None:
        shutil.rmtree(stash_dir)
    _prune_empty(old_dirs - {site_packages}, [site_packages, extras])
    log.info(f"installed {path.name} into {site_packages} ({len(destination.written)} files)")
    return sorted(destination.written)


def _prune_empty(dirs: set[Path], roots: list[Path]) -> None:
    """Remove empty folders in ``dirs`` and their empty parents, never a root itself."""
    for start in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        current = start
        while current not in roots and any(_is_within(current, r) for r in roots):
            try:
                current.rmdir()
            except OSError:
                break
            current = current.parent


# --------------------------------------------------------------------------------------------
# deterministic rewrite


def _zip_timestamp() -> tuple[int, int, int, int, int, int]:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return _ZIP_EPOCH
    try:
        epoch = int(value)
    except ValueError as exc:
        raise WheelError(
            f"SOURCE_DATE_EPOCH is not an integer: {value!r}",
            step="wheel",
            hint="Set SOURCE_DATE_EPOCH to a Unix timestamp (seconds) or unset it.",
        ) from exc
    t = time.gmtime(epoch)
    stamp = (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
    if stamp < _ZIP_EPOCH:
        return _ZIP_EPOCH
    if t.tm_year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return stamp


def _expand_tags(python_tag: str, abi_tag: str, platform_tag: str, *, wheel: str) -> list[str]:
    for label, value in (("python", python_tag), ("abi", abi_tag), ("platform", platform_tag)):
        if not _TAG_PART.match(value):
            raise _fail(wheel, f"invalid {label} tag {value!r}")
    return [
        f"{py}-{abi}-{plat}"
        for py, abi, plat in itertools.product(
            python_tag.split("."), abi_tag.split("."), platform_tag.split(".")
        )
    ]


def _replace_tag_lines(wheel_file: bytes, tag_lines: list[str]) -> bytes:
    out: list[str] = []
    inserted = False
    for line in wheel_file.decode("utf-8").splitlines():
        if line.lower().startswith("tag:"):
            if not inserted:
                out.extend(f"Tag: {tag}" for tag in tag_lines)
                inserted = True
            continue
        out.append(line)
    if not inserted:
        while out and not out[-1]:
            out.pop()
        out.extend(f"Tag: {tag}" for tag in tag_lines)
    return ("\n".join(out) + "\n").encode("utf-8")


def _member_order(names: list[str], dist_info: str) -> list[str]:
    prefix = dist_info + "/"
    return sorted(names, key=lambda n: (n.startswith(prefix), n))


def _rewrite(
    path: Path, dest_dir: Path, tags: tuple[str, str, str] | None
) -> Path:
    """Shared implementation of :func:`retag_wheel` and :func:`normalize_wheel`."""
    inspect_wheel(path)
    parts = path.name[: -len(".whl")].split("-")
    head = parts[:-3]  # name, version and the optional build tag, spelled as in the input
    if tags is None:
        new_name = path.name
        tag_lines: list[str] | None = None
    else:
        tag_lines = _expand_tags(*tags, wheel=path.name)
        new_name = "-".join([*head, *tags]) + ".whl"
    stamp = _zip_timestamp()
    dest_dir.mkdir(parents=True, exist_ok=True)

    with zipfile.ZipFile(path) as zf:
        members = [zi for zi in zf.infolist() if not zi.is_dir()]
        dist_info = next(
            n.split("/", 1)[0] for n in zf.namelist() if n.split("/", 1)[0].endswith(".dist-info")
        )
        record_name = f"{dist_info}/RECORD"
        wheel_name = f"{dist_info}/WHEEL"
        skip = {record_name} | {f"{dist_info}/{sig}" for sig in _SIGNATURE_FILES}
        by_name = {zi.filename: zi for zi in members if zi.filename not in skip}

        fd, tmp_name = tempfile.mkstemp(prefix=f".{new_name}.", suffix=".partial", dir=dest_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as raw_out:
                with zipfile.ZipFile(raw_out, "w") as out:
                    record = io.StringIO()
                    writer = csv.writer(record, lineterminator="\n")
                    for name in _member_order(list(by_name), dist_info):
                        src = by_name[name]
                        data = zf.read(src)
                        if name == wheel_name and tag_lines is not None:
                            data = _replace_tag_lines(data, tag_lines)
                        mode = (src.external_attr >> 16) & 0o777
                        if src.create_system != 3 or mode == 0:
                            mode = 0o644
                        _write_member(out, name, data, mode, stamp)
                        digest = _b64_digest(hashlib.sha256(data).digest())
                        writer.writerow([name, f"sha256={digest}", str(len(data))])
                    writer.writerow([record_name, "", ""])
                    _write_member(out, record_name, record.getvalue().encode("utf-8"), 0o644, stamp)
                raw_out.flush()
                os.fsync(raw_out.fileno())
            os.chmod(tmp, 0o644)
            _inspect(tmp, new_name)
            os.replace(tmp, dest_dir / new_name)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return dest_dir / new_name


def _write_member(
    out: zipfile.ZipFile,
    name: str,
    data: bytes,
    mode: int,
    stamp: tuple[int, int, int, int, int, int],
) -> None:
    zi = zipfile.ZipInfo(name, date_time=stamp)
    zi.create_system = 3
    zi.external_attr = (stat.S_IFREG | mode) << 16
    out.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)


def retag_wheel(
    path: Path, *, python_tag: str, abi_tag: str, platform_tag: str, dest_dir: Path
) -> Path:
    """Write a copy of the wheel at ``path`` with new tags into ``dest_dir``; return its path.

    The file name and the ``Tag`` lines of ``WHEEL`` use the new tags (compressed tag sets such
    as ``py2.py3`` expand to one ``Tag`` line each); ``RECORD`` is regenerated and the archive
    is written deterministically (see the module docstring). The input must pass
    :func:`inspect_wheel`.
    """
    return _rewrite(path, dest_dir, (python_tag, abi_tag, platform_tag))


def normalize_wheel(path: Path, dest_dir: Path) -> Path:
    """Rewrite the wheel at ``path`` deterministically into ``dest_dir`` keeping its tags."""
    return _rewrite(path, dest_dir, None)

"""Write small, real wheel files by hand for tests (no build backend involved).

``make_wheel`` writes a wheel whose RECORD is correct unless a test asks for damage: every
knob below exists so a test can produce exactly one defect at a time.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

RecordRows = list[list[str]]


def record_hash(data: bytes) -> str:
    """``sha256=<urlsafe b64, no padding>`` as RECORD spells it."""
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def metadata_text(name: str, version: str, requires_python: str | None = None,
                  requires_dist: Sequence[str] = ()) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    if requires_python is not None:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {r}" for r in requires_dist]
    lines.append("Summary: a test wheel")
    return "\n".join(lines) + "\n\n"


def make_wheel(
    dest_dir: Path,
    *,
    name: str = "demo_pkg",
    version: str = "1.0",
    tag: str = "cp311-cp311-wasi_wasm32",
    files: Mapping[str, bytes] | None = None,
    requires_python: str | None = ">=3.11",
    metadata_name: str | None = None,
    metadata_version: str | None = None,
    wheel_tags: list[str] | None = None,
    root_is_purelib: bool | None = None,
    extra_dist_info: Mapping[str, bytes] | None = None,
    unrecorded: Mapping[str, bytes] | None = None,
    record_transform: Callable[[RecordRows], RecordRows] | None = None,
    modes: Mapping[str, int] | None = None,
    date_time: tuple[int, int, int, int, int, int] = (2020, 2, 2, 12, 0, 0),
    filename: str | None = None,
    requires_dist: Sequence[str] = (),
) -> Path:
    """Write ``<name>-<version>-<tag>.whl`` into ``dest_dir`` and return its path.

    ``files`` are the payload (default: ``<name>/__init__.py``); ``metadata_name`` /
    ``metadata_version`` override what METADATA declares; ``wheel_tags`` overrides the WHEEL
    Tag lines; ``unrecorded`` members are added to the zip but not to RECORD;
    ``record_transform`` edits the RECORD rows before they are written; ``modes`` sets Unix
    permission bits per member.
    """
    dist_info = f"{name}-{version}.dist-info"
    if files is None:
        files = {f"{name}/__init__.py": b"VALUE = 1\n"}
    if root_is_purelib is None:
        root_is_purelib = tag.endswith("-none-any")
    wheel = [
        "Wheel-Version: 1.0",
        "Generator: wheelfactory (tests)",
        f"Root-Is-Purelib: {'true' if root_is_purelib else 'false'}",
        *(f"Tag: {t}" for t in (wheel_tags if wheel_tags is not None else [tag])),
    ]
    members: dict[str, bytes] = dict(files)
    members[f"{dist_info}/METADATA"] = metadata_text(
        metadata_name or name, metadata_version or version, requires_python, requires_dist
    ).encode()
    members[f"{dist_info}/WHEEL"] = ("\n".join(wheel) + "\n").encode()
    for extra_name, data in (extra_dist_info or {}).items():
        members[f"{dist_info}/{extra_name}"] = data

    rows: RecordRows = [[path, record_hash(data), str(len(data))] for path, data in members.items()]
    rows.append([f"{dist_info}/RECORD", "", ""])
    if record_transform is not None:
        rows = record_transform(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    members[f"{dist_info}/RECORD"] = out.getvalue().encode()
    members.update(unrecorded or {})

    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / (filename or f"{name}-{version}-{tag}.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=date_time)
            info.external_attr = (0o100000 | (modes or {}).get(member, 0o644)) << 16
            info.create_system = 3
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def truncate(path: Path, keep: float = 0.5) -> Path:
    """Cut ``path`` to ``keep`` of its size, like an interrupted download."""
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}

"""Up-to-date stamps and the shared artifact cache.

A package is up to date when its stamp (``pkgs/<name>.stamp``) holds the hash of everything
that decides its output, its artifact is still the one the stamp recorded, and the stage
helper modules the build used are unchanged:

- the input hash: the recipe file, the source pin (or the override's fingerprint), the
  patches, the toolchain identity (zig and the drivers, or the user's wasix-clang tools), the
  input hashes of its dependencies (the toolchain packages and the target CPython included),
  and the source of the wasixtasks modules every build of its kind runs (pipeline, build
  environment, packing, checks);
- the helper modules recorded while it built (``@stage``): editing the CMake helper rebuilds
  the CMake packages and nothing else.

Every successful build is also stored in the artifact cache outside the checkout, by input
hash; another checkout on the same machine restores it instead of building (as ccache or
Bazel's disk cache do), which is what makes a second ``toolchain.setup`` take seconds.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..errors import BuildError
from ..fsutil import atomic_write, copy_file, sha256_file
from ..recipe import Kind, Recipe
from ..pins import source_pin

_COMMON = ("wasixtasks.stages.build", "wasixtasks.toolchain.env", "wasixtasks.archive",
           "wasixtasks.sysroot", "wasixtasks.pipelines.common", "wasixtasks.pipelines.buildinfo")
#: Modules every build of a kind runs (their source is part of the input hash).
KIND_LOGIC: dict[Kind, tuple[str, ...]] = {
    Kind.LIBRARY: _COMMON + ("wasixtasks.pipelines.library", "wasixtasks.stages.lib",
                             "wasixtasks.stages.pkgconfig"),
    Kind.TOOLCHAIN: _COMMON + ("wasixtasks.pipelines.library", "wasixtasks.stages.lib",
                               "wasixtasks.toolchain.root", "wasixtasks.toolchain.drivers"),
    Kind.WHEEL: _COMMON + ("wasixtasks.pipelines.wheel", "wasixtasks.stages.wheel",
                           "wasixtasks.wheels", "wasixtasks.crossenv", "wasixtasks.checks",
                           "wasixtasks.sbom", "wasixtasks.wasm",
                           "wasixtasks.wasm_reader"),
}

_module_hashes: dict[str, str] = {}


def module_hash(name: str) -> str:
    """sha256 of a wasixtasks module's source file (cached per process)."""
    if name not in _module_hashes:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            _module_hashes[name] = "missing"
        else:
            _module_hashes[name] = hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()
    return _module_hashes[name]


def logic_hashes(names: Iterable[str]) -> dict[str, str]:
    return {n: module_hash(n) for n in sorted(names)}


def input_hash(recipe: Recipe, cfg: Config, toolchain_identity: str,
               dep_hashes: Mapping[str, str]) -> str:
    h = hashlib.sha256()
    h.update(f"{recipe.kind.value}\n{toolchain_identity}\n".encode())
    for name, digest in logic_hashes(KIND_LOGIC[recipe.kind]).items():
        h.update(f"{name}={digest}\n".encode())
    h.update(recipe.file.read_bytes())
    h.update(source_pin(recipe, cfg).encode())
    for patch in recipe.patches:
        h.update(patch.name.encode() + b"\0" + patch.read_bytes())
    for dep in sorted(dep_hashes):
        h.update(f"{dep}={dep_hashes[dep]}\n".encode())
    if recipe.static_libs:
        h.update(b"static")
    return h.hexdigest()


@dataclass(frozen=True)
class Stamp:
    inputs: str
    artifact: str  # relative to the project root
    artifact_sha256: str
    logic: dict[str, str]
    #: what was built, when it differs from the pin (a substitute, an override)
    origin: str = ""

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=1, sort_keys=True)


def read_stamp(path: Path) -> Stamp | None:
    try:
        data = json.loads(path.read_text())
        logic = data.get("logic", {})
        if not isinstance(logic, dict):
            return None
        return Stamp(str(data["inputs"]), str(data["artifact"]), str(data["artifact_sha256"]),
                     {str(k): str(v) for k, v in logic.items()}, str(data.get("origin", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def is_current(stamp: Stamp | None, inputs: str, root: Path) -> Path | None:
    """The recorded artifact when ``stamp`` matches ``inputs``, the artifact is intact and
    the helper modules it used are unchanged; else None."""
    if stamp is None or stamp.inputs != inputs:
        return None
    if any(module_hash(m) != digest for m, digest in stamp.logic.items()):
        return None
    artifact = root / stamp.artifact
    if not artifact.is_file() or sha256_file(artifact) != stamp.artifact_sha256:
        return None
    return artifact


def make_stamp(cfg: Config, inputs: str, artifact: Path, used: Iterable[str],
               origin: str = "") -> Stamp:
    return Stamp(inputs, os.path.relpath(artifact, cfg.root), sha256_file(artifact),
                 logic_hashes(used), origin)


def write_stamp(path: Path, stamp: Stamp) -> None:
    atomic_write(path, stamp.to_json())


# --------------------------------------------------------------------------- artifact cache


def _entry(cfg: Config, name: str, inputs: str) -> Path:
    return cfg.layout.artifact_cache / name / inputs[:32]


def store(cfg: Config, name: str, stamp: Stamp, artifact: Path) -> None:
    """Keep a built artifact and its stamp in the shared cache (best effort: a full disk
    must not fail a build that succeeded)."""
    entry = _entry(cfg, name, stamp.inputs)
    try:
        copy_file(artifact, entry / artifact.name)
        atomic_write(entry / "stamp.json", stamp.to_json())
    except OSError:
        shutil.rmtree(entry, ignore_errors=True)


def restore(cfg: Config, name: str, inputs: str, dest_dir: Path) -> tuple[Path, Stamp] | None:
    """Copy the cached artifact of ``name`` with ``inputs`` into ``dest_dir``, if one is
    cached and was built by the same helper modules."""
    entry = _entry(cfg, name, inputs)
    stamp = read_stamp(entry / "stamp.json")
    if stamp is None or stamp.inputs != inputs:
        return None
    if any(module_hash(m) != digest for m, digest in stamp.logic.items()):
        return None
    cached = entry / Path(stamp.artifact).name
    if not cached.is_file() or sha256_file(cached) != stamp.artifact_sha256:
        return None
    return copy_file(cached, dest_dir / cached.name), stamp


# --------------------------------------------------------------------------- stale artifacts


def stamped_artifacts(cfg: Config) -> dict[Path, tuple[str, Stamp]]:
    """Every artifact a stamp vouches for: absolute path -> (package, stamp)."""
    out: dict[Path, tuple[str, Stamp]] = {}
    for path in sorted(cfg.pkgs_dir.glob("*.stamp")) if cfg.pkgs_dir.is_dir() else []:
        stamp = read_stamp(path)
        if stamp is not None:
            out[(cfg.root / stamp.artifact).resolve()] = (path.name.removesuffix(".stamp"), stamp)
    return out


def require_stamped(cfg: Config, artifact: Path, *, step: str,
                    known: dict[Path, tuple[str, Stamp]] | None = None) -> None:
    """Refuse an artifact no stamp vouches for: its package's last build failed or was
    interrupted (a build removes the stamp first and writes it last), or it was copied in
    by hand. Consumers (install, index, tests) call this before using an artifact."""
    stamped = stamped_artifacts(cfg) if known is None else known
    entry = stamped.get(artifact.resolve())
    if entry is not None and sha256_file(artifact) == entry[1].artifact_sha256:
        return
    name = artifact.name.removesuffix(".tar.xz").split("-", 1)[0]
    log = cfg.layout.package(name).log
    reason = ("it changed after it was built" if entry is not None
              else "no stamp vouches for it: the last build failed or was interrupted, or it "
                   "was not built here")
    raise BuildError(f"refusing the stale artifact {artifact.name}: {reason}", step=step,
                     log=log if log.is_file() else None,
                     hint="Rebuild it (`invoke build.lib NAME` / `invoke build.wheel NAME`).")


def require_all_stamped(cfg: Config, artifacts: Iterable[Path], *, step: str) -> None:
    """:func:`require_stamped` for each of ``artifacts`` (the stamps are read once)."""
    stamped = stamped_artifacts(cfg)
    for artifact in artifacts:
        require_stamped(cfg, artifact, step=step, known=stamped)

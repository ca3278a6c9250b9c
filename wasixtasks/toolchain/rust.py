"""Rust for WASIX side modules: the parts a Rust extension's build needs besides the C toolchain.

Used by ``wasixtasks.stages.rust`` (the ``rust-std`` recipe and ``rust.maturin``) and by the
link driver ``wasixtasks.toolchain.rustlink``. The pieces:

- the target and codegen flags of the standard library and of every crate (position
  independent code for side modules, atomics and shared memory for threads);
- stand-ins for the crates a lock file names that an offline directory source lacks (Debian's
  repack of the Rust source drops the ``windows-*`` crates, which only other targets build):
  cargo resolves the whole lock even for crates it never compiles;
- pyo3's build configuration for the target CPython (``PYO3_CONFIG_FILE``);
- the translation of rustc's link of a ``cdylib`` (wasm-ld arguments for a reactor module)
  into a ``wasix-cc -shared`` link of a side module.

Everything here is pure: no process is started and nothing but the given folder is written.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: rustc's target for WASIX code: wasm32 with threads (WASIX adds to WASI preview 1 what the
#: C library uses; Rust code reaches it through libc)
TARGET = "wasm32-wasip1-threads"

#: codegen flags of the standard library and every crate: side modules need PIC; threads need
#: atomics and bulk memory; the C library and start files come from wasix-cc, not rustc
CODEGEN_FLAGS: tuple[str, ...] = (
    "-Crelocation-model=pic",
    "-Ctarget-feature=+atomics,+bulk-memory,+mutable-globals",
    "-Clink-self-contained=no",
)

#: libraries the interpreter (the main module) carries whole: a side module imports them
PROVIDED_BY_INTERPRETER = frozenset({"c", "m", "pthread", "util", "rt", "dl"})

#: the placeholder Debian's crate packages and repacks write instead of a checksum
_NO_CHECKSUM = "Could not get crate checksum"


@dataclass(frozen=True)
class LockedCrate:
    """A registry crate of a ``Cargo.lock``."""

    name: str
    version: str
    checksum: str | None
    #: the lock's dependency entries (``name`` or ``name version``)
    dependencies: tuple[str, ...] = ()

    @property
    def folder(self) -> str:
        """Its folder name in a directory source (cargo vendor's layout)."""
        return f"{self.name}-{self.version}"


def locked_registry_crates(lock_text: str) -> list[LockedCrate]:
    """The registry crates of a lock file (path and git dependencies left out)."""
    doc = tomllib.loads(lock_text)
    out = []
    for pkg in doc.get("package", []):
        source = pkg.get("source")
        if not isinstance(source, str) or not source.startswith("registry+"):
            continue
        checksum = pkg.get("checksum")
        out.append(LockedCrate(str(pkg["name"]), str(pkg["version"]),
                               checksum if isinstance(checksum, str) and checksum != _NO_CHECKSUM
                               else None,
                               tuple(str(d) for d in pkg.get("dependencies", []))))
    return out


def missing_crates(lock_text: str, present: Iterable[str]) -> list[LockedCrate]:
    """The registry crates of a lock that a directory source (its folder names) lacks."""
    have = set(present)
    return [c for c in locked_registry_crates(lock_text) if c.folder not in have]


def requested_features(manifests: Iterable[Mapping[str, object]],
                       names: Iterable[str]) -> dict[str, set[str]]:
    """The features other crates' manifests ask of each of ``names`` (in any dependency
    table, target-specific ones included): what a stand-in must declare to resolve."""
    wanted: dict[str, set[str]] = {n: set() for n in names}

    def walk(node: object) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key in wanted and isinstance(value, Mapping):
                    feats = value.get("features", [])
                    if isinstance(feats, list):
                        wanted[key].update(str(f) for f in feats)
                elif isinstance(value, (Mapping, list)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for manifest in manifests:
        walk(manifest)
    return wanted


@dataclass(frozen=True)
class StandIn:
    """An empty crate that satisfies the resolver for a crate no build here compiles."""

    crate: LockedCrate
    features: frozenset[str] = field(default_factory=frozenset)

    def manifest(self) -> str:
        lines = ["[package]", f'name = "{self.crate.name}"', f'version = "{self.crate.version}"',
                 'edition = "2021"', "", "[lib]", 'path = "src/lib.rs"', "", "[features]"]
        lines += [f"{json.dumps(f)} = []" for f in sorted(self.features)]
        # the lock's own dependency entries, under a target no build matches: the lock
        # stays valid without their code being needed
        for dep in self.crate.dependencies:
            name, _, version = dep.partition(" ")
            lines += ["", f"[target.'cfg(any())'.dependencies.{name}]",
                      f'version = "={version}"' if version else 'version = "*"']
        return "\n".join(lines) + "\n"

    def write(self, source_dir: Path) -> Path:
        """Write it into a directory source; returns its folder."""
        folder = source_dir / self.crate.folder
        (folder / "src").mkdir(parents=True, exist_ok=True)
        (folder / "Cargo.toml").write_text(self.manifest())
        (folder / "src" / "lib.rs").write_text(
            "#![no_std]\n// wasixtasks stand-in: the lock names this crate, no WASIX build "
            "compiles it\n")
        # a directory source takes the package checksum from here; the lock's must match
        (folder / ".cargo-checksum.json").write_text(
            json.dumps({"files": {}, "package": self.crate.checksum}, sort_keys=True) + "\n")
        return folder


def pyo3_config(python_version: str, *, ext_suffix: str | None = None,
                abi3: bool = False) -> str:
    """pyo3's build configuration (``PYO3_CONFIG_FILE``) for the target CPython: an
    extension module for a 32-bit interpreter, linking no libpython (the interpreter
    provides the C API when it loads the module). maturin also needs ``ext_suffix``, the
    file name ending of the module it packs. ``abi3``: the stable ABI (a crate built with
    pyo3's ``abi3`` feature; its module is ``.abi3.so``)."""
    major, _, minor = python_version.partition(".")
    if not (major.isdigit() and minor.isdigit()):
        raise ValueError(f"not a Python version: {python_version!r}")
    return "\n".join([
        "implementation=CPython",
        f"version={major}.{minor}",
        "shared=true",
        f"abi3={'true' if abi3 else 'false'}",
        f"lib_name=python{major}.{minor}",
        "pointer_width=32",
        "build_flags=",
        "suppress_build_script_link_lines=false",
        *([f"ext_suffix={ext_suffix}"] if ext_suffix else []),
    ]) + "\n"


def drop_file_checksums(source_dir: Path) -> list[str]:
    """Empty the per-file checksums of every crate of a directory source (keeping the
    package checksum the lock compares), so patched crates are accepted; the tree itself is
    pinned by its archive's sha256 and the patches. Returns the crates changed."""
    changed = []
    for path in sorted(source_dir.glob("*/.cargo-checksum.json")):
        data = json.loads(path.read_text())
        if data.get("files"):
            data["files"] = {}
            path.write_text(json.dumps(data, sort_keys=True) + "\n")
            changed.append(path.parent.name)
    return changed


def encoded_rustflags(flags: Sequence[str]) -> str:
    """``CARGO_ENCODED_RUSTFLAGS``: the flags joined by the unit separator (flags with spaces
    survive, unlike ``RUSTFLAGS``)."""
    return "\x1f".join(flags)


#: wasm-ld options of rustc's link that take the next argument with them
_WITH_VALUE = frozenset({"-flavor", "-z", "-mllvm", "--max-memory", "--initial-memory",
                         "--stack-size"})


def side_module_link(rustc_args: Sequence[str]) -> tuple[str, list[str]]:
    """rustc's link of a ``cdylib`` (wasm-ld arguments for a reactor module: exported memory,
    a stack placed first, the C library linked in) as the arguments of a ``wasix-cc
    -shared`` link: its output, objects, rlibs, archives, search paths, libraries (less
    those the interpreter provides) and exports. Returns (output, arguments after
    ``-shared``, with ``-Bsymbolic`` and ``--no-export-dynamic``); raises ValueError when there
    is no ``-o``."""
    out: str | None = None
    inputs: list[str] = []
    keep: list[str] = []
    args = iter(rustc_args)
    for arg in args:
        if arg == "-o":
            out = next(args, None)
        elif arg == "-L":
            keep += ["-L", next(args, "")]
        elif arg.startswith("-L"):
            keep.append(arg)
        elif arg.startswith("-l"):
            lib = next(args, "") if arg == "-l" else arg[2:]
            if lib not in PROVIDED_BY_INTERPRETER:
                keep.append("-l" + lib)
        elif arg == "--export":
            keep.append("-Wl,--export=" + next(args, ""))
        elif arg.startswith("--export="):
            keep.append("-Wl," + arg)
        elif arg == "--gc-sections":
            keep.append("-Wl,--gc-sections")
        elif arg in _WITH_VALUE:
            next(args, None)
        elif not arg.startswith("-") and arg.endswith((".o", ".rlib", ".a")):
            inputs.append(arg)
        # everything else is the reactor's layout (--stack-first, --export-memory,
        # --import-memory, --shared-memory, --no-entry, -O3, ...): wasix-cc -shared sets
        # a side module's own
    if not out:
        raise ValueError("rustc's link has no -o")
    # -Bsymbolic: the module's own copies of what it links statically (OpenSSL in
    # cryptography) must not be bound to the interpreter's copies by the loader
    # --no-export-dynamic: wasm-ld exports every global symbol of a shared object by default
    # (thousands of Rust and OpenSSL names); only the exports rustc names (PyInit_) leave it
    return out, ["-o", out, *inputs, *keep, "-Wl,-Bsymbolic", "-Wl,--no-export-dynamic"]

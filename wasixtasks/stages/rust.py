"""Rust: the standard library for WASIX side modules, and Rust extension wheels (maturin).

Rust reaches WASIX as rustc's ``wasm32-wasip1-threads`` target with position-independent
code (``wasixtasks.toolchain.rust`` has the flags and the link translation). No registry here
ships a standard library built that way, so the ``rust-std`` recipe builds one with cargo's
``-Zbuild-std`` from Debian's source of the compiler's exact release; wheels then compile
against it (``--sysroot``) with the build machine's stable rustc, and their cdylib is linked
by ``wasix-cc -shared`` into a side module.

These helpers are functions (``rust.maturin(b)``) rather than methods of ``LibBuild`` and
``WheelBuild``: their module is then an input of the few packages that call them only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import BuildError, ToolchainError
from ..layout import PREFIX
from ..recipe import DebPackage, Debian, Resource
from ..run import run
from ..toolchain import rust
from .build import Build, stage
from .lib import LibBuild
from .wheel import WheelBuild

#: where a ``rust-std`` package installs the rlibs (below the prefix): the layout rustc
#: expects of a ``--sysroot``
RUSTLIB = f"lib/rustlib/{rust.TARGET}/lib"


#: where Debian's ``librust-*-dev`` packages keep a crate's source
DEBIAN_REGISTRY = "usr/share/cargo/registry"


def debian_crates(table: str, *, dest: str = "crates",
                  suites: Sequence[str] = ("trixie",)) -> tuple[Resource, ...]:
    """Resources for crate sources from Debian's ``librust-*-dev`` packages, one per line of
    ``table``: ``package version arch sha256 crate-folder...`` (Debian's patches are
    applied in them; their folders form a cargo directory source in ``dest``)."""
    out = []
    for line in table.splitlines():
        fields = line.split()
        if not fields or line.lstrip().startswith("#"):
            continue
        if len(fields) < 5:
            raise ValueError(f"crate line needs package, version, arch, sha256 and a "
                             f"folder: {line.strip()!r}")
        package, version, arch, sha256, *folders = fields
        out.append(Resource(DebPackage(package, version, sha256, arch=arch,
                                       suites=tuple(suites),
                                       subdirs=tuple(f"{DEBIAN_REGISTRY}/{f}"
                                                     for f in folders)), dest))
    return tuple(out)


def vendored_crates(source: Debian, folders: Sequence[str], *,
                    dest: str = "crates") -> Resource:
    """A resource for crates of the ``vendor/`` folder of a Debian source of rustc (crates
    Debian does not package, or packages patched for other targets)."""
    return Resource(Debian(source.package, source.version, source.sha256,
                           suites=source.suites,
                           subdirs=tuple(f"vendor/{f}" for f in folders)), dest)


#: modules whose code decides what a Rust build produces besides this one (flags, the link
#: translation, the linker cargo calls): inputs of every build that uses these helpers
_RUST_LOGIC = ("wasixtasks.toolchain.rust", "wasixtasks.toolchain.rustlink")


def _uses_rust_logic(b: Build) -> None:
    b._ctx.used_modules.update(_RUST_LOGIC)


def _fail(b: Build, message: str, hint: str | None = None) -> ToolchainError:
    return ToolchainError(message, package=b.name, step=b._ctx.log.step, log=b._ctx.log.path,
                          hint=hint)


def _output(b: Build, *argv: str | os.PathLike[str]) -> str:
    """The standard output of a host tool (logged like every other call)."""
    return run(list(argv), log=b._ctx.log, cwd=b.source_dir, env=b._ctx.env,
               capture=True).stdout


def _host_tool(b: Build, name: str) -> str:
    found = shutil.which(name, path=b._ctx.env.get("PATH"))
    if found is None:
        raise _fail(b, f"`{name}` is not installed: Rust packages need the build machine's "
                    "rustc and cargo", hint="Install Rust (rustup, or Debian's rustc and cargo "
                    "packages) so that `rustc` and `cargo` are on PATH.")
    return found


def rustc_release(b: Build) -> str:
    """The release of the build machine's rustc (``rustc -vV``)."""
    text = _output(b, _host_tool(b, "rustc"), "-vV")
    m = re.search(r"^release: (\S+)$", text, re.MULTILINE)
    if m is None:
        raise _fail(b, "`rustc -vV` printed no release line")
    return m.group(1)


def require_rustc(b: Build, release: str) -> None:
    """Fail unless the build machine's rustc is ``release``: a standard library is usable
    only by the compiler release it was built for (rustc refuses other releases' rlibs)."""
    found = rustc_release(b)
    if found != release:
        raise _fail(b, f"rustc {release} is needed (the standard library is built from its "
                    f"source), but the build machine's rustc is {found}",
                    hint=f"Install rustc {release} (`rustup toolchain install {release}` and "
                    f"`rustup default {release}`).")


def _linked_copy(src: Path, dest: Path) -> None:
    """A copy of the folder ``src`` made of hard links where the file system allows."""

    def link(s: str, d: str) -> object:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)
        return d

    def skip(folder: str, names: list[str]) -> set[str]:
        # the toolchain's own library source (replaced) and its documentation
        return {"src"} & set(names) if Path(folder) == src / "lib/rustlib" else (
            {"doc"} & set(names) if Path(folder) == src / "share" else set())

    shutil.copytree(src, dest, symlinks=True, copy_function=link, ignore=skip)


def _vendor_manifests(*folders: Path) -> list[dict[str, object]]:
    out = []
    for folder in folders:
        for manifest in sorted(folder.glob("*/Cargo.toml")):
            try:
                out.append(tomllib.loads(manifest.read_text()))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
    return out


def _cargo_home(b: Build, crates: Path) -> Path:
    """A private CARGO_HOME whose only registry is the directory source ``crates``."""
    home = b.source_dir / ".wasixtasks" / "cargo-home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(
        '[source.crates-io]\nreplace-with = "wasixtasks"\n\n'
        f"[source.wasixtasks]\ndirectory = {json.dumps(str(crates))}\n\n"
        "[net]\noffline = true\n")
    return home


@stage
def build_std(b: LibBuild, *, release: str) -> None:
    """Build the standard library (``std``, ``panic_abort``) for WASIX side modules from the
    source tree (``library/`` and the crates of ``vendor/`` its lock names), with the build
    machine's rustc, which must be ``release``; install the rlibs as a ``--sysroot``."""
    b.step("rust-std")
    _uses_rust_logic(b)
    require_rustc(b, release)
    host_root = Path(_output(b, _host_tool(b, "rustc"), "--print", "sysroot").strip())
    work = b.source_dir / ".wasixtasks"
    # -Zbuild-std takes the library's source from the compiler's own sysroot: a linked copy
    # of the toolchain with this source in that place (the user's toolchain is not touched)
    toolchain = work / "rust-toolchain"
    _linked_copy(host_root, toolchain)
    (toolchain / "lib/rustlib/src/rust").mkdir(parents=True)
    (toolchain / "lib/rustlib/src/rust/library").symlink_to(b.source_dir / "library")
    vendor = b.source_dir / "vendor"
    lock = (b.source_dir / "library/Cargo.lock").read_text()
    missing = rust.missing_crates(lock, (p.name for p in vendor.iterdir()))
    wanted = rust.requested_features(_vendor_manifests(b.source_dir / "library", vendor),
                                     {c.name for c in missing})
    for crate in missing:
        rust.StandIn(crate, frozenset(wanted[crate.name])).write(vendor)
        b._ctx.log.write(f"stand-in crate {crate.folder} (not in the source; never compiled)")
    rust.drop_file_checksums(vendor)
    crate_dir = work / "std-crate"
    (crate_dir / "src").mkdir(parents=True)
    (crate_dir / "Cargo.toml").write_text(
        '[package]\nname = "wasixtasks-std"\nversion = "0.0.0"\nedition = "2021"\n\n'
        '[lib]\ncrate-type = ["rlib"]\n\n[profile.release]\npanic = "abort"\n')
    (crate_dir / "src/lib.rs").write_text("// builds the standard library and nothing else\n")
    target_dir = work / "target"
    # bitcode in the rlibs: crates built with LTO (pydantic-core's release profile) need it
    flags = [*rust.CODEGEN_FLAGS, "-Cembed-bitcode=yes",
             f"--remap-path-prefix={b.source_dir}=/usr/src/rust"]
    b.run(toolchain / "bin/cargo", "build", "--release", "--offline", "--target", rust.TARGET,
          "-Zbuild-std=std,panic_abort", f"-j{b.jobs}", "--manifest-path",
          crate_dir / "Cargo.toml", "--target-dir", target_dir,
          env={"RUSTC_BOOTSTRAP": "1", "RUSTC": str(toolchain / "bin/rustc"),
               "CARGO_HOME": str(_cargo_home(b, vendor)),
               "CARGO_ENCODED_RUSTFLAGS": rust.encoded_rustflags(flags)})
    rlibs = sorted((target_dir / rust.TARGET / "release/deps").glob("*.rlib"))
    if not any(p.name.startswith("libstd-") for p in rlibs):
        raise BuildError("cargo built no libstd rlib", package=b.name, step="rust-std",
                         log=b._ctx.log.path)
    for rlib in rlibs:
        if not rlib.name.startswith("libwasixtasks_std"):
            b.install(rlib, f"{PREFIX}/{RUSTLIB}/{rlib.name}")


def _linker(b: WheelBuild) -> Path:
    """An executable cargo calls as the target's linker: rustc's cdylib link goes to
    ``wasix-cc -shared`` (``wasixtasks.toolchain.rustlink``), logged to the package's log."""
    cc = b.env_value("CC").split()
    if not cc:
        raise _fail(b, "the build environment has no CC")
    script = b.write("rust-link", "\n".join([
        f"#!{sys.executable}",
        "import sys",
        "from wasixtasks.toolchain.rustlink import main",
        f"sys.exit(main({cc!r}, {str(b._ctx.log.path)!r}, {b.name!r}, sys.argv[1:]))",
        ""]))
    script.chmod(0o755)
    return script


#: the build backend of pyo3 packages, a build-machine program (PyPI's binary wheel)
MATURIN = "maturin==1.16.0"


@stage
def maturin(b: WheelBuild, *, crates: str = "crates", std: str = "rust-std",
            host_requirements: Sequence[str] = (), features: Sequence[str] = (),
            abi3: bool = False, env: Mapping[str, str] | None = None) -> None:
    """A maturin (pyo3) package: ``pip wheel`` with cargo aimed at WASIX. ``crates`` is the
    folder of the source tree holding the crates (a cargo directory source, placed there
    by the recipe's ``resources``); the standard library comes from the ``std`` library
    recipe, which must be among the recipe's ``libs``. Cargo runs offline.

    maturin is a build-machine binary: the cross environment's pip, which installs a
    build's requirements for the target, would take its sdist. So the build runs without
    isolation on a private set of build-machine packages (``host_packages``: maturin and
    ``host_requirements``), as brotlicffi's does for cffi. ``abi3``: the crate uses pyo3's
    stable ABI (its module is ``.abi3.so``)."""
    _uses_rust_logic(b)
    rust_sysroot = b.sysroot / PREFIX.lstrip("/")
    if not (rust_sysroot / RUSTLIB).is_dir():
        raise _fail(b, f"no Rust standard library in the sysroot: add {std!r} to libs")
    crate_dir = b.source_dir / crates
    if not crate_dir.is_dir():
        raise _fail(b, f"no crate folder {crates!r} in the source: declare the crates as "
                    "resources")
    pyo3 = b.write("pyo3.cfg", rust.pyo3_config(
        b.target_python.version, abi3=abi3,
        ext_suffix=".abi3.so" if abi3 else b.target_python.ext_suffix))
    flags = [f"--sysroot={rust_sysroot}", *rust.CODEGEN_FLAGS,
             f"--remap-path-prefix={b.source_dir}=/usr/src/build"]
    triple = rust.TARGET.replace("-", "_")
    cargo_env = {
        "CARGO_HOME": str(_cargo_home(b, crate_dir)),
        "CARGO_NET_OFFLINE": "true",
        "CARGO_BUILD_TARGET": rust.TARGET,
        "CARGO_BUILD_JOBS": str(b.jobs),
        "CARGO_ENCODED_RUSTFLAGS": rust.encoded_rustflags(flags),
        f"CARGO_TARGET_{triple.upper()}_LINKER": str(_linker(b)),
        # the standard library is built without unwinding
        "CARGO_PROFILE_RELEASE_PANIC": "abort",
        "PYO3_CONFIG_FILE": str(pyo3),
        # C code of -sys crates: the WASIX compiler for the target, the machine's for
        # build scripts
        f"CC_{triple}": b.env_value("CC"), f"AR_{triple}": b.env_value("AR"),
        f"CFLAGS_{triple}": b.env_value("CFLAGS"), "HOST_CC": "cc", "HOST_AR": "ar",
        "HOST_CFLAGS": "",
    }
    if features:
        cargo_env["MATURIN_PEP517_ARGS"] = f"--features={','.join(features)}"
    _host_tool(b, "cargo")
    host = b.host_packages(MATURIN, *host_requirements)
    cargo_env["PATH"] = os.pathsep.join([str(host / "bin"), b.env_value("PATH")])
    cargo_env["PYTHONPATH"] = str(host)
    b.pip_wheel(isolation=False, env={**cargo_env, **(env or {})})

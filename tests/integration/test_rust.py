"""Rust packages through the CLI: ``rust-std`` (the standard library for WASIX side modules,
built by the machine's rustc 1.95.0 from Debian's source of that release), pydantic-core
(pyo3 through maturin, cargo offline on Debian's crate packages, linked by ``wasix-cc
-shared``) and cryptography (Debian's source with Debian's patches, our OpenSSL linked
statically, the stable ABI); then pydantic 2.10.6 and pyopenssl pip-installed with them from
the generated index and tested under Wasmer with the WASIX CPython. A rustc of another
release is a one-line error.

The sandbox shares the cache: rust-std is restored when cached (else built, about 80 s); the
two Rust wheels are built here (``--force``: about 100 s for pydantic-core with its release
profile's LTO, 150 s for cryptography), the pure wheels and cffi restored or built.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.sandbox import Result, clone_project, invoke, statuses
from wasixtasks.pipelines.stamps import read_stamp
from wasixtasks.sbom import component_properties, read_wheel_sbom
from wasixtasks.wasm import parse_module

pytestmark = pytest.mark.integration

#: the Rust wheels, built here
RUST = ("pydantic-core", "cryptography")
#: what their tests need from the index besides them
OTHERS = ("pydantic", "annotated-types", "typing-extensions", "pyopenssl", "cffi", "pycparser")
WHEEL = "pydantic_core-2.27.2-cp313-cp313-wasix_wasm32.whl"
CRYPTO = "cryptography-43.0.0-cp313-abi3-wasix_wasm32.whl"
MODULE = "pydantic_core/_pydantic_core.cpython-313-wasm32-wasi.so"
#: ``error: [<package> <step>] <message> (log: <path>)``
ERROR_LINE = re.compile(r"^error: \[(?P<package>[a-z0-9._-]+) (?P<step>[a-z0-9._-]+)\] "
                        r"(?P<message>.+) \(log: (?P<log>[^()]+)\)$")


def ok(result: Result) -> Result:
    assert result.returncode == 0, result.output
    return result


@dataclass
class Run:
    root: Path
    build: Result
    index: Result
    tests: dict[str, Result]

    @property
    def wheel(self) -> Path:
        return self.root / "artifacts" / WHEEL


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = clone_project(tmp_path_factory.mktemp("rust") / "project", recipes=RUST + OTHERS)
    build = invoke(root, "build.wheel", ",".join(RUST), "--force", "-j", "2")
    if build.returncode == 0:
        build = invoke(root, "build.wheel", ",".join(RUST + OTHERS), "-j", "2")
    index = invoke(root, "index.generate")
    names = ("pydantic-core", "pydantic", "cryptography", "pyopenssl")
    return Run(root, build, index, {n: invoke(root, "test.wheel", n) for n in names})


def test_the_standard_library_and_the_wheels_are_built(run: Run) -> None:
    ok(run.build)
    for name in RUST:
        assert (run.root / "pkgs" / f"{name}.stamp").is_file()
        stamp = read_stamp(run.root / "pkgs" / f"{name}.stamp")
        assert stamp is not None
        assert {"wasixtasks.stages.rust", "wasixtasks.toolchain.rust",
                "wasixtasks.toolchain.rustlink"} <= set(stamp.logic), stamp.logic
        # the wheel was built by the first (forced) run
        assert "\nwrote " in (run.root / "pkgs" / f"{name}.log").read_text()
    status = statuses(run.build.output)
    assert status["pydantic-core"] == "up to date" and status["cryptography"] == "up to date"
    assert run.wheel.is_file() and (run.root / "artifacts" / CRYPTO).is_file()


def test_the_crates_are_debians_placed_in_the_tree(run: Run) -> None:
    ok(run.build)
    log = (run.root / "pkgs" / "pydantic-core.log").read_text()
    assert "resource crates: Debian package librust-pyo3-dev 0.22.6-3" in log
    assert "resource crates: Debian rustc 1.85.1+dfsg1-1+deb13u1" in log
    # the lock and the radium patch apply on the tree with its resources
    assert "applied pydantic-core-0002-radium-import-its-atomic-trait-by-name.patch" in log


def test_the_extension_is_a_side_module_linked_by_wasix_cc(run: Run) -> None:
    ok(run.build)
    with zipfile.ZipFile(run.wheel) as zf:
        modules = [n for n in zf.namelist() if n.endswith(".so")]
        assert modules == [MODULE]
        mod = parse_module(zf.read(MODULE), origin=MODULE)
    assert mod.is_side_module and mod.dylink is not None
    assert mod.dylink.needed == ()  # the standard library is inside; libc is the interpreter's
    assert "PyInit__pydantic_core" in {e.name for e in mod.exports}
    links = [line for line in (run.root / "pkgs" / "pydantic-core.log").read_text().splitlines()
             if line.startswith("$ ") and "wasix-cc -shared" in line]
    assert len(links) == 1 and "-Wl,-Bsymbolic" in links[0], links
    sbom = read_wheel_sbom(run.wheel)
    assert sbom is not None
    assert [c["name"] for c in sbom["components"]] == ["rust-std"]
    assert component_properties(sbom["components"][0])["wasixtasks:linkage"] == "static"


def test_the_module_resolves_against_the_interpreter(run: Run) -> None:
    ok(run.build)
    result = ok(invoke(run.root, "check.symbols", "--path", str(run.wheel)))
    assert ("1 wasm side module(s) checked against python3.13.wasm, 0 unresolved import(s), "
            "0 with own symbols bound to the interpreter's copies") in result.output


def test_pydantic_installs_from_the_index_and_passes_under_wasmer(run: Run) -> None:
    ok(run.index)
    core = ok(run.tests["pydantic-core"]).output
    assert "pydantic-core test OK" in core
    assert re.search(r'json: \{"name":"tea","count":12,"when":"2026-12-03"', core)
    out = ok(run.tests["pydantic"]).output
    assert re.search(r"Successfully installed .*pydantic-2\.10\.6 pydantic-core-2\.27\.2", out)
    assert "pydantic 2.10.6 model: {'x': 3, 'y': 4.0, 'label': None}" in out
    assert "[pydantic] test passed: pydantic test OK" in out


def test_cryptography_from_debians_patched_source_with_our_openssl(run: Run) -> None:
    ok(run.build)
    log = (run.root / "pkgs" / "cryptography.log").read_text()
    assert "applied Debian's 6 patch(es) of python-cryptography 43.0.0-3+deb13u1" in log
    wheel = run.root / "artifacts" / CRYPTO
    with zipfile.ZipFile(wheel) as zf:
        member = "cryptography/hazmat/bindings/_rust.abi3.so"
        mod = parse_module(zf.read(member), origin=member)
        requires = [line for line in zf.read("cryptography-43.0.0.dist-info/METADATA")
                    .decode().splitlines() if line.startswith("Requires-Dist: cffi")]
    assert mod.is_side_module and mod.dylink is not None and mod.dylink.needed == ()
    # only what rustc exports (and the loader's entries) leave the module: not its OpenSSL
    exports = {e.name for e in mod.exports}
    assert "PyInit__rust" in exports, exports
    assert all(n.startswith(("PyInit_", "__wasm_", "__tls_", "__wasix_")) for n in exports), exports
    assert requires, "our patch 0002 restores the dependency on cffi"
    sbom = read_wheel_sbom(wheel)
    assert sbom is not None
    assert {c["name"]: component_properties(c)["wasixtasks:linkage"]
            for c in sbom["components"]} == {"openssl": "static", "rust-std": "static"}
    # OpenSSL's symbols are the module's own (-Bsymbolic), none bound to the interpreter's
    result = ok(invoke(run.root, "check.symbols", "--path", str(wheel)))
    assert "0 unresolved import(s), 0 with own symbols bound" in result.output


def test_pyopenssl_installs_from_the_index_and_passes_under_wasmer(run: Run) -> None:
    ok(run.index)
    out = ok(run.tests["cryptography"]).output
    assert re.search(r"cryptography 43\.0\.0 on OpenSSL 3\.5\.\d+", out), out
    assert "[cryptography] test passed: cryptography test OK" in out
    out = ok(run.tests["pyopenssl"]).output
    assert re.search(r"Successfully installed .*cryptography-43\.0\.0 .*pyopenssl-25\.1\.0", out)
    assert "[pyopenssl] test passed: pyopenssl test OK" in out


def test_a_rustc_of_another_release_is_a_one_line_error(tmp_path: Path) -> None:
    root = clone_project(tmp_path / "project", recipes=("rust-std",))
    recipe = root / "pkgs" / "rust_std.py"
    text = recipe.read_text()
    assert text.count('release="1.95.0"') == 1
    recipe.write_text(text.replace('release="1.95.0"', 'release="1.94.0"'))
    result = invoke(root, "build.lib", "rust-std", "-j", "2")
    assert result.returncode != 0
    m = ERROR_LINE.match(result.last_line)
    assert m is not None, result.output
    assert (m["package"], m["step"]) == ("rust-std", "rust-std")
    assert m["message"].startswith("1 package(s) failed: rustc 1.94.0 is needed (the standard "
                                   "library is built from its source), but the build "
                                   "machine's rustc is 1.95.0"), m["message"]
    assert Path(m["log"]).is_file()
    assert not (root / "artifacts" / "rust-std.tar.xz").exists()

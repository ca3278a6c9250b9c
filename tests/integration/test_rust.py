"""Rust packages through the CLI: ``rust-std`` (the standard library for WASIX side modules,
built by the machine's rustc 1.95.0 from Debian's source of that release) and pydantic-core
(pyo3 through maturin, cargo offline on Debian's crate packages, linked by ``wasix-cc
-shared``), then pydantic 2.10.6 pip-installed with it from the generated index and tested
under Wasmer with the WASIX CPython. A rustc of another release is a one-line error.

The sandbox shares the cache: rust-std is restored when cached (else built, about 80 s);
pydantic-core is built here (``--force``, about 100 s with its release profile's LTO).
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

#: pydantic, its core, and what else pydantic needs from the index
WHEELS = ("pydantic-core", "pydantic", "annotated-types", "typing-extensions")
WHEEL = "pydantic_core-2.27.2-cp313-cp313-wasix_wasm32.whl"
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
    test_core: Result
    test_pydantic: Result

    @property
    def wheel(self) -> Path:
        return self.root / "artifacts" / WHEEL


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = clone_project(tmp_path_factory.mktemp("rust") / "project", recipes=WHEELS)
    build = invoke(root, "build.wheel", ",".join(WHEELS), "--force", "-j", "2")
    index = invoke(root, "index.generate")
    return Run(root, build, index, invoke(root, "test.wheel", "pydantic-core"),
               invoke(root, "test.wheel", "pydantic"))


def test_the_standard_library_and_the_wheel_are_built(run: Run) -> None:
    status = statuses(ok(run.build).output)
    assert status["pydantic-core"] == "built" and status["pydantic"] == "built"
    assert status["rust-std"] in ("built", "restored")
    stamp = read_stamp(run.root / "pkgs" / "pydantic-core.stamp")
    assert stamp is not None and "wasixtasks.stages.rust" in stamp.logic
    assert run.wheel.is_file()


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
    core = ok(run.test_core).output
    assert "pydantic-core test OK" in core
    assert re.search(r'json: \{"name":"tea","count":12,"when":"2026-12-03"', core)
    out = ok(run.test_pydantic).output
    assert re.search(r"Successfully installed .*pydantic-2\.10\.6 pydantic-core-2\.27\.2", out)
    assert "pydantic 2.10.6 model: {'x': 3, 'y': 4.0, 'label': None}" in out
    assert "[pydantic] test passed: pydantic test OK" in out


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

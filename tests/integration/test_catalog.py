"""A CI-sized catalog built with `invoke build.all` on the self-built toolchain, and every
package's test run under Wasmer with `invoke test.all`: the toolchain self-test, the
libraries' C programs, the WASIX CPython's own script, and the wheels (numpy's C extensions,
markupsafe's _speedups, msgpack's _cmsgpack) imported by the WASIX CPython.

The sandbox holds the recipes of CATALOG and what they need (the toolchain, CPython and its
libraries), not the whole catalog: `nox -s catalog` builds everything. The packages that
other tests (or `toolchain.setup`) built are restored from the shared artifact cache; numpy
is built here the first time (a few minutes on 2 cores).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers.sandbox import Result, clone_project, invoke

pytestmark = pytest.mark.integration

#: The seven packages issue 6 rebuilt on the WASIX toolchain.
REBUILT = ["zlib", "xz", "libpng", "brotli", "markupsafe", "msgpack-python", "numpy"]
#: What the sandbox's `build.all` builds (with the closure of its dependencies).
CATALOG = [*REBUILT, "pandoc"]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, Result]:
    root = clone_project(tmp_path_factory.mktemp("catalog") / "project", recipes=CATALOG)
    built = invoke(root, "build.all", "-j", "2")
    tested = invoke(root, "test.all")
    return root, built, tested


def rows(table: str) -> dict[str, str]:
    """package -> result column of the `test.all` table."""
    out = {}
    for line in table.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in ("library", "wheel", "toolchain"):
            out[parts[0]] = parts[2] if parts[2] != "expected" else "expected failure"
    return out


def test_everything_builds(catalog: tuple[Path, Result, Result]) -> None:
    root, built, _ = catalog
    assert built.returncode == 0, built.output
    assert "0 failed, 0 skipped" in built.output
    # numpy's four lines (four recipes of one project) all keep their wheels
    for wheel in ("numpy-2.3.2", "numpy-2.4.6", "numpy-2.0.2", "numpy-1.26.4",
                  "markupsafe-3.0.2", "msgpack-1.1.0"):
        assert (root / "artifacts" / f"{wheel}-cp313-cp313-wasix_wasm32.whl").is_file()


def test_every_package_test_passes_under_wasmer(catalog: tuple[Path, Result, Result]) -> None:
    _, _, tested = catalog
    assert tested.returncode == 0, tested.output
    results = rows(tested.output)
    for name in [*REBUILT, "libcxx", "cpython", "bzip2", "libffi", "sqlite", "openssl"]:
        assert results.get(name) == "passed", tested.output


def test_numpy_test_runs_its_c_extensions_in_wasmer(catalog: tuple[Path, Result, Result]) -> None:
    root, _, _ = catalog
    result = invoke(root, "test.wheel", "numpy")
    assert result.returncode == 0, result.output
    for line in ("from /usr/local/lib/python3.13/site-packages/numpy/_core/"
                 "_multiarray_umath.cpython-313-wasm32-wasi.so",
                 "linalg: solve and eigvals", "fft: peak at bin 5", "random: normal",
                 "numpy test OK"):
        assert line in result.output, result.output


def test_numpy_only_get_include_mode_works_on_the_build_machine(
        catalog: tuple[Path, Result, Result], tmp_path: Path) -> None:
    """Packages cross-built against numpy (pandas, matplotlib) import the wasm32 numpy on the
    build machine for its headers: in that mode nothing but get_include() may load."""
    root, _, _ = catalog
    wheel = root / "artifacts" / "numpy-2.3.2-cp313-cp313-wasix_wasm32.whl"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp_path)
    probe = ("import sys, numpy; print(numpy.get_include()); "
             "print(sorted(m for m in sys.modules if m.startswith('numpy.')))")
    env = {**os.environ, "NUMPY_ONLY_GET_INCLUDE": "1", "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert Path(out[0]) == tmp_path / "numpy" / "_core" / "include"
    assert (Path(out[0]) / "numpy" / "arrayobject.h").is_file()
    assert "numpy._core" not in out[1], out  # no extension module was touched
    # without the variable the import really tries to load the wasm32 modules, and fails
    env.pop("NUMPY_ONLY_GET_INCLUDE")
    plain = subprocess.run([sys.executable, "-c", "import numpy"], env=env, cwd=tmp_path,
                           capture_output=True, text=True)
    assert plain.returncode != 0 and "numpy" in plain.stderr


def test_the_wheels_pass_both_checks(catalog: tuple[Path, Result, Result]) -> None:
    root, _, _ = catalog
    symbols = invoke(root, "check.symbols", str(root / "artifacts"))
    assert symbols.returncode == 0, symbols.output
    assert "0 unresolved import(s)" in symbols.last_line
    libs = invoke(root, "check.shared-libs", str(root / "artifacts"))
    assert libs.returncode == 0, libs.output
    assert libs.last_line.endswith("0 with missing libraries, 0 with thread-locals shared by threads")


def test_every_native_wheel_has_a_verified_sbom(catalog: tuple[Path, Result, Result]) -> None:
    root, _, _ = catalog
    result = invoke(root, "check.sbom")
    assert result.returncode == 0, result.output
    assert "numpy-2.3.2-cp313-cp313-wasix_wasm32.whl: SBOM verified: links no catalog library" \
        in result.output.splitlines(), result.output
    assert result.last_line.endswith("native wheel(s) checked, 0 SBOM problem(s)")


def test_test_all_of_one_kind(catalog: tuple[Path, Result, Result]) -> None:
    root, _, _ = catalog
    result = invoke(root, "test.all", "--kind", "library")
    assert result.returncode == 0, result.output
    kinds = {line.split()[1] for line in result.output.splitlines()
             if len(line.split()) >= 3 and line.split()[2] == "passed"}
    assert kinds == {"library"}, result.output
    assert rows(result.output).get("zlib") == "passed" and "numpy" not in rows(result.output)


def test_the_sandbox_holds_a_ci_sized_catalog(catalog: tuple[Path, Result, Result]) -> None:
    root, _, _ = catalog
    held = {p.stem for p in (root / "pkgs").glob("*.py")}
    assert {"numpy", "cpython", "sqlite", "libcxx", "pandoc"} <= held, held
    # (icu is in it now: sqlite links it, and CPython links sqlite)
    assert not {"arrow", "pillow", "pandas"} & held, held


def test_pandoc_stays_in_the_catalog_as_blocked(catalog: tuple[Path, Result, Result]) -> None:
    _, built, tested = catalog
    assert "not built (blocked): pandoc: a Haskell program" in built.output
    assert rows(tested.output).get("pandoc") == "blocked"

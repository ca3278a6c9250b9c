"""Real wheel builds through the CLI: markupsafe and msgpack with the stand-in toolchain, the
same markupsafe build through a simulated wasix-clang environment (tests/helpers/simwasix.py),
``check.shared-libs`` on hand-made side modules, and wheel builds that must fail cleanly.

Every project is a sandbox copy (tests/helpers/sandbox.py) sharing the installed stand-in
toolchain and the download cache; each real build runs once per module (module fixtures).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.tags import Tag
from packaging.utils import parse_wheel_filename
from packaging.version import Version

from tests.helpers.sandbox import REPO, Result, clone_project, invoke
from tests.helpers.simwasix import SIM_VERSION, find_host_python, make_sim_wasix
from tests.helpers.wheelfactory import make_wheel
from wasixtasks.wasm import WasmModule, parse_module, read_module
from wasixtasks.wheels import inspect_wheel

pytestmark = pytest.mark.integration

STANDIN_BIN = REPO / ".toolchain" / "bin"
STANDIN_SUFFIX = ".cpython-311-wasm32-wasi.so"
MARKUPSAFE_SHA256 = "ee55d3edf80167e48ea11a923c7386f4669df67d7994554387f84e7d8b0a2bf0"

#: Module-init functions of the Python C API: single-phase (PyModule_Create) or multi-phase.
MODULE_INIT_API = {"PyModule_Create2", "PyModuleDef_Init"}


@dataclass(frozen=True)
class Expected:
    recipe: str
    wheel: str
    extension: str  # member path of the extension module, without the suffix
    project: str
    version: str


PACKAGES = {
    "markupsafe": Expected(
        "markupsafe", "MarkupSafe-3.0.2-cp311-cp311-wasi_wasm32.whl", "markupsafe/_speedups",
        "markupsafe", "3.0.2",
    ),
    "msgpack-python": Expected(
        "msgpack-python", "msgpack-1.1.0-cp311-cp311-wasi_wasm32.whl", "msgpack/_cmsgpack",
        "msgpack", "1.1.0",
    ),
}

#: ``error: [<package> <step>] <message> (log: <path>)``
ERROR_LINE = re.compile(
    r"^error: \[(?P<package>[a-z0-9._-]+) (?P<step>[a-z0-9._-]+)\] (?P<message>.+) "
    r"\(log: (?P<log>[^()]+)\)$"
)


def ok(result: Result) -> Result:
    assert result.returncode == 0, result.output
    return result


def wheels_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.whl")) if folder.is_dir() else []


def tag_lines(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        (wheel_file,) = [n for n in zf.namelist() if n.endswith(".dist-info/WHEEL")]
        text = zf.read(wheel_file).decode()
    return [line.strip() for line in text.splitlines() if line.startswith("Tag:")]


def shared_objects(wheel: Path) -> dict[str, WasmModule]:
    with zipfile.ZipFile(wheel) as zf:
        return {
            name: parse_module(zf.read(name), origin=f"{wheel.name}!{name}")
            for name in zf.namelist()
            if name.endswith(".so")
        }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_toml_key(root: Path, key: str, value: str) -> None:
    """Replace a top-level ``key = ...`` line of the sandbox's wasixtasks.local.toml."""
    local = root / "wasixtasks.local.toml"
    lines = local.read_text().splitlines()
    new = f'{key} = "{value}"'
    assert any(line.startswith(f"{key} =") for line in lines), local.read_text()
    local.write_text("\n".join(new if line.startswith(f"{key} =") else line for line in lines) + "\n")


def add_override(root: Path, name: str, folder: Path) -> None:
    """``[overrides] name = folder`` in the sandbox's wasixtasks.local.toml."""
    local = root / "wasixtasks.local.toml"
    text = local.read_text()
    headers = re.findall(r"^\[([^\]]+)\]\s*$", text, flags=re.MULTILINE)
    entry = f'{name} = "{folder}"\n'
    if headers and headers[-1] == "overrides":
        text = text.rstrip("\n") + "\n" + entry
    else:
        assert "overrides" not in headers, text
        text = text.rstrip("\n") + "\n\n[overrides]\n" + entry
    local.write_text(text)


# --------------------------------------------------------------------------- stand-in builds


@dataclass
class StandinBuilds:
    root: Path
    results: dict[str, Result]

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    def wheel(self, recipe: str) -> Path:
        return self.artifacts / PACKAGES[recipe].wheel


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> StandinBuilds:
    root = clone_project(tmp_path_factory.mktemp("standin") / "project", recipes=list(PACKAGES))
    results = {name: invoke(root, "build.wheel", name) for name in PACKAGES}
    return StandinBuilds(root, results)


def test_standin_builds_succeed(standin: StandinBuilds) -> None:
    for name, result in standin.results.items():
        ok(result)
        assert "1 built, 0 up to date, 0 failed, 0 skipped" in result.output, result.output
        assert f"wrote artifacts/{PACKAGES[name].wheel}" in result.output, result.output


def test_standin_artifacts_hold_exactly_one_wheel_each(standin: StandinBuilds) -> None:
    assert [w.name for w in wheels_in(standin.artifacts)] == sorted(
        e.wheel for e in PACKAGES.values()
    )


@pytest.mark.parametrize("recipe", list(PACKAGES))
def test_standin_wheel_is_valid_and_tagged(standin: StandinBuilds, recipe: str) -> None:
    exp = PACKAGES[recipe]
    wheel = standin.wheel(recipe)
    info = inspect_wheel(wheel)
    assert info.name == exp.project
    assert info.version == Version(exp.version)
    assert info.tags == frozenset({Tag("cp311", "cp311", "wasi_wasm32")})
    assert not info.is_pure
    assert tag_lines(wheel) == ["Tag: cp311-cp311-wasi_wasm32"]


@pytest.mark.parametrize("recipe", list(PACKAGES))
def test_standin_extension_is_a_wasm_side_module(standin: StandinBuilds, recipe: str) -> None:
    exp = PACKAGES[recipe]
    modules = shared_objects(standin.wheel(recipe))
    member = exp.extension + STANDIN_SUFFIX
    assert list(modules) == [member]
    mod = modules[member]
    assert mod.dylink is not None, "no dylink.0 section: not a side module"
    assert "dylink.0" in mod.custom_sections
    init = "PyInit_" + exp.extension.rsplit("/", 1)[1]
    assert init in mod.exported_functions()
    env_imports = mod.imported_functions("env")
    assert env_imports & MODULE_INIT_API, sorted(env_imports)
    # every function it imports comes from the interpreter it is loaded into
    assert {i.module for i in mod.imports if i.kind == "func"} <= {"env", "GOT.func", "GOT.mem"}


def test_standin_check_shared_libs_passes(standin: StandinBuilds) -> None:
    result = ok(invoke(standin.root, "check.shared-libs", str(standin.artifacts)))
    for exp in PACKAGES.values():
        assert f"{exp.wheel}!{exp.extension}{STANDIN_SUFFIX}: needs no shared library" in result.output
    assert result.last_line == "2 wasm shared object(s) checked, 0 with missing libraries"


def test_install_wheels_writes_a_correct_record_and_refuses_a_bad_wheel(
    standin: StandinBuilds, tmp_path: Path
) -> None:
    site = tmp_path / "site-packages"
    wheel = standin.wheel("markupsafe")
    result = ok(invoke(standin.root, "install.wheels", "--dest", str(site), "--wheel", str(wheel)))
    assert f"installed {wheel.name}" in result.output
    record = (site / "MarkupSafe-3.0.2.dist-info" / "RECORD").read_text().splitlines()
    listed = {line.split(",")[0]: line.split(",")[1] for line in record}
    so = "markupsafe/_speedups.cpython-311-wasm32-wasi.so"
    digest = hashlib.sha256((site / so).read_bytes()).digest()

    assert listed[so] == "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert (site / "MarkupSafe-3.0.2.dist-info" / "INSTALLER").read_text().strip() == "wasixtasks"
    # a truncated copy of the same wheel is refused, and nothing of it is installed
    bad = tmp_path / wheel.name.replace("MarkupSafe", "Broken_Pkg")
    bad.write_bytes(wheel.read_bytes()[:2000])
    refused = invoke(standin.root, "install.wheels", "--dest", str(tmp_path / "other"), "--wheel", str(bad))
    assert refused.returncode != 0
    assert refused.last_line.startswith("error: ") and "not a valid wheel" in refused.last_line
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())


def test_standin_second_build_is_up_to_date(standin: StandinBuilds) -> None:
    ok(standin.results["markupsafe"])
    wheel = standin.wheel("markupsafe")
    before = (sha256(wheel), wheel.stat().st_mtime_ns)
    result = ok(invoke(standin.root, "build.wheel", "markupsafe"))
    assert "nothing to do: all 1 package(s) are up to date" in result.output
    assert "building" not in result.output
    assert (sha256(wheel), wheel.stat().st_mtime_ns) == before


# --------------------------------------------------------------------------- simulated wasix


@dataclass
class WasixRun:
    sim: Path
    env: dict[str, str]
    root: Path
    doctor: Result
    build: Result


@pytest.fixture(scope="module")
def wasix(tmp_path_factory: pytest.TempPathFactory) -> WasixRun:
    base = tmp_path_factory.mktemp("wasix")
    env = make_sim_wasix(base / "sim")
    # crossenv needs a build-machine Python of the target's version (see wasixtasks.crossenv)
    host = find_host_python(SIM_VERSION)
    if host is None:
        pytest.fail(f"no working python{SIM_VERSION} on this machine; the wasix build needs one")
    env["PATH"] = os.pathsep.join([env["PATH"], str(host.parent)])
    root = clone_project(base / "project", recipes=["markupsafe"])
    # the wasix cross environment must not land in the shared .toolchain/
    set_toml_key(root, "toolchain-dir", str(base / "toolchain"))
    doctor = invoke(root, "toolchain.doctor", env=env)
    build = invoke(root, "build.wheel", "markupsafe", env=env)
    return WasixRun(base / "sim", env, root, doctor, build)


def test_wasix_doctor_reports_the_wasix_profile(wasix: WasixRun) -> None:
    out = ok(wasix.doctor).output
    assert "profile: wasix (configured: auto)" in out
    assert f"CC      {wasix.env['CC']}  [ok]" in out
    assert f"sysroot {wasix.env['WASIX_SYSROOT']}" in out
    assert "CPython 3.13 (cp313)" in out
    assert "wheel tag platform: wasix_wasm32" in out
    assert "status: ready" in out


def test_wasix_build_makes_a_cp313_wasix_wheel(wasix: WasixRun) -> None:
    ok(wasix.build)
    (wheel,) = wheels_in(wasix.root / "artifacts")
    # The case of the project part is setuptools' choice (newer ones write "markupsafe").
    assert wheel.name.lower() == "markupsafe-3.0.2-cp313-cp313-wasix_wasm32.whl"
    name, version, _build, tags = parse_wheel_filename(wheel.name)
    assert (name, version, tags) == ("markupsafe", Version("3.0.2"),
                                     frozenset({Tag("cp313", "cp313", "wasix_wasm32")}))
    info = inspect_wheel(wheel)
    assert info.tags == tags
    assert tag_lines(wheel) == ["Tag: cp313-cp313-wasix_wasm32"]

    data = sorted((Path(wasix.env["WASIXTASKS_WASIX_PYTHON"]) / "lib/python3.13").glob("_sysconfigdata_*.py"))
    ext_suffix = re.search(r"'EXT_SUFFIX': '([^']+)'", data[0].read_text())
    assert ext_suffix is not None and ext_suffix.group(1) == ".cpython-313-wasm32-wasi.so"
    modules = shared_objects(wheel)
    member = "markupsafe/_speedups" + ext_suffix.group(1)
    assert list(modules) == [member]
    assert modules[member].dylink is not None
    assert "dylink.0" in modules[member].custom_sections
    assert "PyInit__speedups" in modules[member].exported_functions()
    assert modules[member].imported_functions("env") & MODULE_INIT_API


def test_wasix_build_went_through_the_wasix_tools(wasix: WasixRun) -> None:
    ok(wasix.build)
    calls = (wasix.sim / "wasix-clang" / "calls.log").read_text().splitlines()
    compiles = [c for c in calls if c.startswith("wasix-clang ") and "_speedups.c" in c]
    links = [c for c in calls if c.startswith("wasix-clang ") and "-shared" in c and "_speedups" in c]
    assert compiles, calls
    assert links, calls
    assert "/include/python3.13" in compiles[0], compiles
    log = (wasix.root / "pkgs" / "markupsafe.log").read_text()
    assert "cross-wasix-3.13" in log
    assert "cross-stand-in" not in log
    # this Python is 3.11: crossenv had to run under a build-machine Python 3.13
    assert "(the target is CPython 3.13)" in log


# --------------------------------------------------------------------------- check.shared-libs


@dataclass
class SideModules:
    root: Path
    ext: Path
    libbar: Path
    wheel_a: Path  # ext only
    wheel_b: Path  # ext + libbar.so


EXT_SO = "ext" + STANDIN_SUFFIX


@pytest.fixture(scope="module")
def side_modules(tmp_path_factory: pytest.TempPathFactory) -> SideModules:
    base = tmp_path_factory.mktemp("solibs")
    src = base / "src"
    src.mkdir()
    (src / "bar.c").write_text('__attribute__((visibility("default"))) int bar(void) { return 42; }\n')
    (src / "ext.c").write_text(
        "int bar(void);\n"
        '__attribute__((visibility("default"))) int ext_value(void) { return bar() + 1; }\n'
    )
    cc = str(STANDIN_BIN / "wasi-cc")
    subprocess.run([cc, "-shared", "-o", "libbar.so", "bar.c"], cwd=src, check=True)
    subprocess.run([cc, "-shared", "-o", EXT_SO, "ext.c", f"-L{src}", "-lbar"], cwd=src, check=True)
    ext_bytes = (src / EXT_SO).read_bytes()
    bar_bytes = (src / "libbar.so").read_bytes()
    wheel_a = make_wheel(base / "a", files={
        "demo_pkg/__init__.py": b"", f"demo_pkg/{EXT_SO}": ext_bytes,
    })
    wheel_b = make_wheel(base / "b", files={
        "demo_pkg/__init__.py": b"", f"demo_pkg/{EXT_SO}": ext_bytes,
        "demo_pkg/libbar.so": bar_bytes,
    })
    root = clone_project(base / "project", recipes=[])
    return SideModules(root, src / EXT_SO, src / "libbar.so", wheel_a, wheel_b)


def test_side_modules_record_the_needed_library(side_modules: SideModules) -> None:
    ext, bar = read_module(side_modules.ext), read_module(side_modules.libbar)
    assert ext.dylink is not None and bar.dylink is not None
    assert ext.dylink.needed == ("libbar.so",)
    assert bar.dylink.needed == ()
    assert "bar" in bar.exported_functions()
    assert "bar" in ext.imported_functions("env")


def test_shared_libs_fails_when_a_needed_library_is_missing(side_modules: SideModules) -> None:
    result = invoke(side_modules.root, "check.shared-libs", str(side_modules.wheel_a.parent))
    assert result.returncode == 12, result.output
    where = f"{side_modules.wheel_a.name}!demo_pkg/{EXT_SO}"
    assert f"{where}: needs libbar.so [MISSING]" in result.output
    last = result.last_line
    assert last.startswith("error: [shared-libs] "), last
    assert where in last and "libbar.so" in last, last


def test_shared_libs_passes_when_the_library_is_bundled(side_modules: SideModules) -> None:
    result = ok(invoke(side_modules.root, "check.shared-libs", str(side_modules.wheel_b.parent)))
    assert f"{side_modules.wheel_b.name}!demo_pkg/{EXT_SO}: needs libbar.so [bundled]" in result.output
    assert f"{side_modules.wheel_b.name}!demo_pkg/libbar.so: needs no shared library" in result.output
    assert result.last_line == "2 wasm shared object(s) checked, 0 with missing libraries"


def test_shared_libs_passes_when_the_library_is_allowed(side_modules: SideModules) -> None:
    result = ok(invoke(side_modules.root, "check.shared-libs", str(side_modules.wheel_a.parent), "--allow", "libbar.so"))
    assert f"{side_modules.wheel_a.name}!demo_pkg/{EXT_SO}: needs libbar.so [allowed]" in result.output
    assert result.last_line == "1 wasm shared object(s) checked, 0 with missing libraries"


# --------------------------------------------------------------------------- bad inputs

RECIPE_HEAD = '''\
"""markupsafe, broken on purpose by tests/integration/test_wheel_builds.py."""

import shutil

from wasixtasks.recipe import Sdist, wheel
from wasixtasks.stages.wheel import WheelBuild


@wheel(version="{version}", source=Sdist("markupsafe", sha256="{sha256}"), dist_name="MarkupSafe")
def markupsafe(b: WheelBuild) -> None:
'''

BODIES = {
    "bad-sha256": "    b.setuptools()\n",
    "no-wheel": (
        "    b.setuptools()\n"
        "    for path in list(b.out_dir.iterdir()):\n"
        "        path.unlink()\n"
    ),
    "two-wheels": (
        "    b.setuptools()\n"
        "    (first,) = b.out_dir.glob('*.whl')\n"
        "    name, version, rest = first.name.split('-', 2)\n"
        "    shutil.copy2(first, b.out_dir / f'{name}-{version}-1-{rest}')\n"
    ),
    "wrong-version": "    b.setuptools()\n",
    # -v: pip shows the backend's output, so the log holds markupsafe's fallback message
    "pure-fallback": "    b.pip_wheel('-v', env={'CC': 'false'})\n",
}


def _override_with_sdist(root: Path) -> None:
    """[overrides] markupsafe = the extracted 3.0.2 sdist (the recipe pins 3.0.1)."""
    (sdist,) = (REPO / ".cache" / "wasixtasks" / "sha256" / MARKUPSAFE_SHA256).glob("*.tar.gz")
    dest = root.parent / "markupsafe-override"
    with tarfile.open(sdist) as tf:
        tf.extractall(dest, filter="data")
    (top,) = dest.iterdir()
    add_override(root, "markupsafe", top)


@dataclass(frozen=True)
class BadCase:
    version: str
    sha256: str
    step: str
    message: str  # regular expression the error message must match
    log_shows: str  # text the log must hold: proof the failure is the intended one
    setup: Callable[[Path], None] | None = None


WRONG_SHA256 = "0" * 64
BAD_CASES = {
    "bad-sha256": BadCase(
        "3.0.2", WRONG_SHA256, "prepare",
        rf"sha256 mismatch for markupsafe-3\.0\.2\.tar\.gz: expected {WRONG_SHA256}, "
        rf"got {MARKUPSAFE_SHA256}",
        "markupsafe-3.0.2.tar.gz",
    ),
    "no-wheel": BadCase(
        "3.0.2", MARKUPSAFE_SHA256, "check", r"the build produced no wheel",
        "Successfully built MarkupSafe",
    ),
    "two-wheels": BadCase(
        "3.0.2", MARKUPSAFE_SHA256, "check",
        r"the build produced 2 wheels \(\S+-3\.0\.2-1-cp311-cp311-\S+\.whl, "
        r"\S+-3\.0\.2-cp311-cp311-\S+\.whl\); expected exactly one",
        "Successfully built MarkupSafe",
    ),
    "wrong-version": BadCase(
        "3.0.1", MARKUPSAFE_SHA256, "check",
        r"\S+-3\.0\.2-cp311-cp311-\S+\.whl: version 3\.0\.2, but the recipe pins 3\.0\.1",
        "SOURCE OVERRIDE", _override_with_sdist,
    ),
    "pure-fallback": BadCase(
        "3.0.2", MARKUPSAFE_SHA256, "check",
        r"(?i:markupsafe)-3\.0\.2-py3-none-any\.whl is a pure-Python wheel, but markupsafe has "
        r"native code",
        "WARNING: The C extension could not be compiled",
    ),
}


@dataclass
class BadRun:
    root: Path
    result: Result
    artifacts_before: dict[str, str]
    cache_before: set[str]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory: pytest.TempPathFactory, standin: StandinBuilds) -> dict[str, BadRun]:
    """Each broken recipe built once in its own sandbox whose artifacts/ already holds the
    good markupsafe wheel (a previous release that a failed build must not touch)."""
    good = standin.wheel("markupsafe")
    cache = REPO / ".cache" / "wasixtasks"
    runs: dict[str, BadRun] = {}
    for case_id, case in BAD_CASES.items():
        root = clone_project(tmp_path_factory.mktemp(case_id) / "project", recipes=[])
        (root / "pkgs" / "markupsafe.py").write_text(
            RECIPE_HEAD.format(version=case.version, sha256=case.sha256) + BODIES[case_id]
        )
        if case.setup is not None:
            case.setup(root)
        (root / "artifacts").mkdir()
        if good.is_file():
            shutil.copy2(good, root / "artifacts" / good.name)
        before = {p.name: sha256(p) for p in (root / "artifacts").iterdir()}
        cache_before = {p.name for p in cache.iterdir()} if cache.is_dir() else set()
        result = invoke(root, "build.wheel", "markupsafe")
        runs[case_id] = BadRun(root, result, before, cache_before)
    return runs


@pytest.mark.parametrize("case_id", list(BAD_CASES))
def test_bad_wheel_build_fails_cleanly(bad_runs: dict[str, BadRun], case_id: str) -> None:
    case, run = BAD_CASES[case_id], bad_runs[case_id]
    root, result = run.root, run.result
    assert result.returncode != 0, result.output
    m = ERROR_LINE.match(result.last_line)
    assert m, result.last_line
    assert (m["package"], m["step"]) == ("markupsafe", case.step), result.last_line
    assert re.search(case.message, m["message"]), m["message"]
    log = Path(m["log"])
    assert log == root / "pkgs" / "markupsafe.log"
    assert case.log_shows in log.read_text()
    # nothing half-written: artifacts/ as before, no partial folders, no stamp
    assert run.artifacts_before, "the good wheel was not pre-placed"
    assert {p.name: sha256(p) for p in (root / "artifacts").iterdir()} == run.artifacts_before
    assert sorted(p.name for p in (root / "pkgs").glob("*.partial*")) == []
    assert not (root / "pkgs" / "markupsafe.stamp").exists()
    assert sorted(p.name for p in (root / "pkgs").rglob("*.whl")) == []


def test_bad_sha256_leaves_nothing_in_the_cache(bad_runs: dict[str, BadRun]) -> None:
    run = bad_runs["bad-sha256"]
    assert run.result.returncode != 0, run.result.output
    cache = REPO / ".cache" / "wasixtasks"
    # nothing is cached under the wrong hash, not even a partial download
    wrong = cache / "sha256" / WRONG_SHA256
    assert not wrong.exists()
    new = {p.name for p in cache.iterdir()} - run.cache_before
    assert sorted(n for n in new if "partial" in n and "markupsafe" in n) == []
    assert not (run.root / "pkgs" / "markupsafe.source").exists()

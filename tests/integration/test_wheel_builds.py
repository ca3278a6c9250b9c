"""Real wheel builds through the CLI with the WASIX toolchain: markupsafe and msgpack-python
built, checked, installed and tested under Wasmer with the WASIX CPython 3.13;
``check.shared-libs`` on side modules compiled by the real ``wasix-cc -shared``; and wheel
builds that must fail cleanly.

Every project is a sandbox copy (tests/helpers/sandbox.py) sharing the cache, so the
toolchain and the target CPython are restored from the artifact cache (built once by
``invoke toolchain.setup``); the wheels themselves are built here (``--force``), once per
module (module fixtures).
"""

from __future__ import annotations

import base64
import hashlib
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

from tests.helpers.project import engine_of, leftovers
from tests.helpers.sandbox import REPO, Result, clone_project, invoke, statuses
from tests.helpers.wheelfactory import make_wheel
from wasixtasks.config import load_config
from wasixtasks.errors import BuildsFailed, CheckError
from wasixtasks.wasm import WasmModule, parse_module, read_module
from wasixtasks.wheels import inspect_wheel

pytestmark = pytest.mark.integration

TAG = Tag("cp313", "cp313", "wasix_wasm32")
EXT_SUFFIX = ".cpython-313-wasm32-wasi.so"
SITE = "/usr/local/lib/python3.13/site-packages"
MARKUPSAFE_SHA256 = "ee55d3edf80167e48ea11a923c7386f4669df67d7994554387f84e7d8b0a2bf0"
#: what the invoke process prints when it aborts at exit after running Wasmer
EXIT_ABORT = "FATAL: exception not rethrown"

#: Module-init functions of the Python C API: single-phase (PyModule_Create) or multi-phase.
MODULE_INIT_API = {"PyModule_Create2", "PyModuleDef_Init"}


@dataclass(frozen=True)
class Expected:
    recipe: str
    wheel: str
    extension: str  # member path of the extension module, without the suffix
    project: str
    version: str
    test_lines: tuple[str, ...]  # lines the package's test prints from inside Wasmer


PACKAGES = {
    "markupsafe": Expected(
        "markupsafe", "markupsafe-3.0.2-cp313-cp313-wasix_wasm32.whl", "markupsafe/_speedups",
        "markupsafe", "3.0.2",
        (f"markupsafe 3.0.2 speedups from {SITE}/markupsafe/_speedups{EXT_SUFFIX}",
         "escaped: &lt;a href=&#34;x&#34;&gt;Tom &amp; &#34;Jerry&#34;&lt;/a&gt;",
         "markupsafe test OK"),
    ),
    "msgpack-python": Expected(
        "msgpack-python", "msgpack-1.1.0-cp313-cp313-wasix_wasm32.whl", "msgpack/_cmsgpack",
        "msgpack", "1.1.0",
        (f"msgpack (1, 1, 0) from {SITE}/msgpack/_cmsgpack{EXT_SUFFIX}",
         "msgpack test OK"),
    ),
}

#: ``error: [<package> <step>] <message> (log: <path>)``
ERROR_LINE = re.compile(
    r"^error: \[(?P<package>[a-z0-9._-]+) (?P<step>[a-z0-9._-]+)\] (?P<message>.+) "
    r"\(log: (?P<log>[^()]+)\)$"
)


def ok(result: Result) -> Result:
    if EXIT_ABORT in result.output:
        pytest.fail(f"the command aborted at exit after running Wasmer (exit {result.returncode}"
                    f"); see wasixtasks/toolchain/runtime.py:\n{result.output}")
    assert result.returncode == 0, result.output
    return result


def wheels_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.whl")) if folder.is_dir() else []


def wheel_file(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/WHEEL")]
        return zf.read(name).decode().splitlines()


def shared_objects(wheel: Path) -> dict[str, WasmModule]:
    with zipfile.ZipFile(wheel) as zf:
        return {
            name: parse_module(zf.read(name), origin=f"{wheel.name}!{name}")
            for name in zf.namelist()
            if name.endswith(".so")
        }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()



def add_override(root: Path, name: str, folder: Path) -> None:
    """``[overrides] name = folder`` at the end of the sandbox's wasixtasks.local.toml."""
    local = root / "wasixtasks.local.toml"
    text = local.read_text()
    assert "[overrides]" not in text, text
    local.write_text(text.rstrip("\n") + f'\n\n[overrides]\n{name} = "{folder}"\n')


# --------------------------------------------------------------------------- real builds


@dataclass
class Builds:
    root: Path
    result: Result

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    def wheel(self, recipe: str) -> Path:
        return self.artifacts / PACKAGES[recipe].wheel


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    root = clone_project(tmp_path_factory.mktemp("wheels") / "project")
    # --force: the wheels are built here even when the shared artifact cache holds them
    result = invoke(root, "build.wheel", ",".join(PACKAGES), "--force", "-j", "2")
    return Builds(root, result)


def test_builds_succeed(builds: Builds) -> None:
    result = ok(builds.result)
    status = statuses(result.output)
    assert {name: status[name] for name in PACKAGES} == {name: "built" for name in PACKAGES}
    # the toolchain, the target CPython and its libraries come from the cache (or are built)
    assert set(status.values()) <= {"built", "restored"}, status
    for exp in PACKAGES.values():
        assert f"[{exp.recipe}] wrote {exp.wheel}" in result.output
        assert (builds.root / "pkgs" / f"{exp.recipe}.stamp").is_file()
    assert leftovers(builds.root) == []


def test_artifacts_hold_exactly_one_wheel_each(builds: Builds) -> None:
    ok(builds.result)
    assert [w.name for w in wheels_in(builds.artifacts)] == sorted(
        e.wheel for e in PACKAGES.values())


@pytest.mark.parametrize("recipe", list(PACKAGES))
def test_wheel_is_valid_and_tagged(builds: Builds, recipe: str) -> None:
    exp = PACKAGES[recipe]
    wheel = builds.wheel(recipe)
    # normalized file name: lower-case project, the target interpreter's tags
    assert wheel.name == wheel.name.lower()
    assert parse_wheel_filename(wheel.name) == (exp.project, Version(exp.version), (),
                                                frozenset({TAG}))
    info = inspect_wheel(wheel)
    assert info.name == exp.project
    assert info.version == Version(exp.version)
    assert info.tags == frozenset({TAG})
    assert not info.is_pure
    lines = wheel_file(wheel)
    assert [line for line in lines if line.startswith("Tag:")] == ["Tag: cp313-cp313-wasix_wasm32"]
    assert "Root-Is-Purelib: false" in lines


def test_the_target_python_has_the_expected_ext_suffix(builds: Builds) -> None:
    ok(builds.result)
    py = engine_of(load_config(builds.root)).target_python(needed_by="test")
    assert py is not None
    assert (py.version, py.tag, py.ext_suffix) == ("3.13", "cp313", EXT_SUFFIX)


@pytest.mark.parametrize("recipe", list(PACKAGES))
def test_extension_is_a_wasm_side_module(builds: Builds, recipe: str) -> None:
    exp = PACKAGES[recipe]
    modules = shared_objects(builds.wheel(recipe))
    member = exp.extension + EXT_SUFFIX
    assert list(modules) == [member]
    mod = modules[member]
    assert mod.dylink is not None, "no dylink.0 section: not a side module"
    assert mod.is_side_module and "dylink.0" in mod.custom_sections
    assert mod.dylink.needed == ()
    init = "PyInit_" + exp.extension.rsplit("/", 1)[1]
    assert init in mod.exported_functions()
    assert mod.imported_functions("env") & MODULE_INIT_API, sorted(mod.imported_functions("env"))
    # everything it imports comes from the interpreter it is loaded into (or the linker)
    assert {i.module for i in mod.imports} <= {"env", "GOT.func", "GOT.mem"}


@pytest.mark.parametrize("recipe", list(PACKAGES))
def test_package_test_passes_under_wasmer(builds: Builds, recipe: str) -> None:
    exp = PACKAGES[recipe]
    result = ok(invoke(builds.root, "test.wheel", recipe))
    lines = result.output.splitlines()
    # pip, running inside the WASIX CPython, installed the wheel from the published index
    # (dist/ published first: it held exactly artifacts/' wheels afterwards) ...
    assert "Looking in indexes: file:///index/simple" in lines, result.output
    installed = re.compile(rf"^Successfully installed {exp.project}-{exp.version}$", re.I)
    assert any(installed.match(line) for line in lines), result.output
    published = builds.root / "dist" / "packages" / exp.wheel
    assert published.read_bytes() == (builds.artifacts / exp.wheel).read_bytes()
    # ... and the test script printed these from inside Wasmer, the C extension loaded from
    # where pip put it
    for line in exp.test_lines:
        assert line in lines, result.output
    log = builds.root / "pkgs" / f"{recipe}.test.log"
    assert result.last_line == f"[{recipe}] test passed: {exp.test_lines[-1]} (log: {log})"
    text = log.read_text()
    assert "exit 0 (exited)" in text
    assert re.search(rf"pip installed {exp.project}-{exp.version} from the index", text, re.I)


#: Where OpenSSL's shared objects sit in its tarball (artifacts/ holds it: CPython links it).
OPENSSL_LIBDIR = "usr/local/lib/wasm32-wasi"


def test_check_shared_libs_passes_on_the_artifacts(builds: Builds) -> None:
    result = ok(invoke(builds.root, "check.shared-libs", str(builds.artifacts)))
    for exp in PACKAGES.values():
        assert f"{exp.wheel}!{exp.extension}{EXT_SUFFIX}: needs no shared library" in result.output
    # and OpenSSL's two, from the tarball of a library CPython links (libssl needs libcrypto)
    assert (f"openssl.tar.xz!{OPENSSL_LIBDIR}/libssl.so.3: needs libcrypto.so.3 [bundled]"
            in result.output.splitlines())
    # the two wheels', OpenSSL's two, ICU's four, sqlite's and cpython's libsqlite3.so.0 (the
    # tarballs of the libraries CPython links, restored into artifacts/)
    assert result.last_line == ("10 wasm shared object(s) checked, 0 with missing libraries, 0 with "
                                "thread-locals shared by threads")


def test_check_symbols_passes_on_the_artifacts(builds: Builds) -> None:
    result = ok(invoke(builds.root, "check.symbols", str(builds.artifacts)))
    assert result.output.splitlines() == [
        "10 wasm side module(s) checked against python3.13.wasm, 0 unresolved import(s), "
        "0 with own symbols bound to the interpreter's copies"]


def test_install_wheels_writes_a_correct_record_and_refuses_a_bad_wheel(
    builds: Builds, tmp_path: Path
) -> None:
    site = tmp_path / "site-packages"
    wheel = builds.wheel("markupsafe")
    result = ok(invoke(builds.root, "install.wheels", "--dest", str(site), "--wheel", str(wheel)))
    assert f"installed {wheel.name}" in result.output
    dist_info = site / "markupsafe-3.0.2.dist-info"
    rows = [line.split(",") for line in (dist_info / "RECORD").read_text().splitlines()]
    listed = {row[0]: row[1] for row in rows}
    so = f"markupsafe/_speedups{EXT_SUFFIX}"
    assert (site / so).read_bytes()[:4] == b"\x00asm"
    for path, digest in listed.items():
        if path.endswith("RECORD"):
            assert digest == ""
            continue
        data = (site / path).read_bytes()
        assert digest == "sha256=" + base64.urlsafe_b64encode(
            hashlib.sha256(data).digest()).rstrip(b"=").decode(), path
    assert so in listed and "markupsafe/__init__.py" in listed
    assert (dist_info / "INSTALLER").read_text().strip() == "wasixtasks"
    # a truncated copy of the same wheel is refused, and nothing of it is installed
    bad = tmp_path / wheel.name.replace("markupsafe", "broken_pkg")
    bad.write_bytes(wheel.read_bytes()[:2000])
    other = tmp_path / "other"
    refused = invoke(builds.root, "install.wheels", "--dest", str(other), "--wheel", str(bad))
    assert refused.returncode != 0
    assert refused.last_line.startswith("error: "), refused.output
    assert f"not a valid wheel (zip) file: {bad}" in refused.last_line
    assert not other.exists() or not any(other.iterdir())


def test_second_build_is_up_to_date(builds: Builds) -> None:
    ok(builds.result)
    wheel = builds.wheel("markupsafe")
    before = (sha256(wheel), wheel.stat().st_mtime_ns)
    result = ok(invoke(builds.root, "build.wheel", "markupsafe"))
    assert "nothing to do: all" in result.output
    assert statuses(result.output)["markupsafe"] == "up to date"
    assert "building" not in result.output
    assert (sha256(wheel), wheel.stat().st_mtime_ns) == before


# --------------------------------------------------------------------------- check.shared-libs


@dataclass
class SideModules:
    root: Path
    ext: Path
    libbar: Path
    wheel_a: Path  # ext only
    wheel_b: Path  # ext + libbar.so


EXT_SO = "ext" + EXT_SUFFIX


@pytest.fixture(scope="module")
def side_modules(tmp_path_factory: pytest.TempPathFactory, builds: Builds) -> SideModules:
    """libbar.so and an extension linked with -lbar, compiled by the real ``wasix-cc
    -shared`` of the cached toolchain (the builds restored it into that sandbox)."""
    ok(builds.result)
    root = engine_of(load_config(builds.root)).compiler_root(needed_by="test")
    cc = str(root.bin / "wasix-cc")
    base = tmp_path_factory.mktemp("solibs")
    src = base / "src"
    src.mkdir()
    (src / "bar.c").write_text('__attribute__((visibility("default"))) int bar(void) { return 42; }\n')
    (src / "ext.c").write_text(
        "int bar(void);\n"
        '__attribute__((visibility("default"))) int ext_value(void) { return bar() + 1; }\n'
    )
    subprocess.run([cc, "-shared", "-o", "libbar.so", "bar.c"], cwd=src, check=True, timeout=300)
    subprocess.run([cc, "-shared", "-o", EXT_SO, "ext.c", f"-L{src}", "-lbar"], cwd=src,
                   check=True, timeout=300)
    ext_bytes = (src / EXT_SO).read_bytes()
    bar_bytes = (src / "libbar.so").read_bytes()
    wheel_a = make_wheel(base / "a", name="demo_pkg", tag=str(TAG), requires_python=">=3.13",
                         files={"demo_pkg/__init__.py": b"", f"demo_pkg/{EXT_SO}": ext_bytes})
    wheel_b = make_wheel(base / "b", name="demo_pkg", tag=str(TAG), requires_python=">=3.13",
                         files={"demo_pkg/__init__.py": b"", f"demo_pkg/{EXT_SO}": ext_bytes,
                                "demo_pkg/libbar.so": bar_bytes})
    return SideModules(builds.root, src / EXT_SO, src / "libbar.so", wheel_a, wheel_b)


def test_side_modules_record_the_needed_library(side_modules: SideModules) -> None:
    ext, bar = read_module(side_modules.ext), read_module(side_modules.libbar)
    assert ext.dylink is not None and bar.dylink is not None
    assert ext.dylink.needed == ("libbar.so",)
    assert bar.dylink.needed == ()
    assert "bar" in bar.exported_functions()
    assert "bar" in ext.imported_functions("env")
    assert side_modules.wheel_a.name == "demo_pkg-1.0-cp313-cp313-wasix_wasm32.whl"


def test_shared_libs_fails_when_a_needed_library_is_missing(side_modules: SideModules) -> None:
    result = invoke(side_modules.root, "check.shared-libs", str(side_modules.wheel_a.parent))
    assert result.returncode == CheckError.exit_code, result.output
    where = f"{side_modules.wheel_a.name}!demo_pkg/{EXT_SO}"
    assert f"{where}: needs libbar.so [MISSING]" in result.output.splitlines()
    assert "1 wasm shared object(s) checked, 1 with missing libraries" in result.output
    assert result.last_line == (f"error: [shared-libs] {where} needs libbar.so, which is neither "
                                "bundled (in its wheel, next to it in its tarball or folder) "
                                "nor allowed")
    # the symbols it would have supplied are unresolved too
    symbols = invoke(side_modules.root, "check.symbols", str(side_modules.wheel_a))
    assert symbols.returncode == CheckError.exit_code, symbols.output
    assert symbols.last_line == f"error: [symbols] {where} imports env.bar, which nothing exports"


def test_shared_libs_passes_when_the_library_is_bundled(side_modules: SideModules) -> None:
    result = ok(invoke(side_modules.root, "check.shared-libs", str(side_modules.wheel_b.parent)))
    name = side_modules.wheel_b.name
    assert f"{name}!demo_pkg/{EXT_SO}: needs libbar.so [bundled]" in result.output
    assert f"{name}!demo_pkg/libbar.so: needs no shared library" in result.output
    assert result.last_line == ("2 wasm shared object(s) checked, 0 with missing libraries, 0 with "
                                "thread-locals shared by threads")
    # and the bundled library supplies `bar` at load time
    symbols = ok(invoke(side_modules.root, "check.symbols", str(side_modules.wheel_b)))
    assert symbols.last_line == ("2 wasm side module(s) checked against python3.13.wasm, "
                                 "0 unresolved import(s), 0 with own symbols bound to the "
                                 "interpreter's copies")


def test_shared_libs_passes_when_the_library_is_allowed(side_modules: SideModules) -> None:
    result = ok(invoke(side_modules.root, "check.shared-libs", str(side_modules.wheel_a.parent),
                       "--allow", "libbar.so"))
    name = side_modules.wheel_a.name
    assert f"{name}!demo_pkg/{EXT_SO}: needs libbar.so [allowed]" in result.output
    assert result.last_line == ("1 wasm shared object(s) checked, 0 with missing libraries, 0 with "
                                "thread-locals shared by threads")


# --------------------------------------------------------------------------- bad builds

RECIPE_HEAD = '''\
"""markupsafe, broken on purpose by tests/integration/test_wheel_builds.py."""

import shutil

from wasixtasks.recipe import Sdist, wheel
from wasixtasks.stages.wheel import WheelBuild


@wheel(version="{version}", source=Sdist("markupsafe", sha256="{sha256}"),
       dist_name="MarkupSafe", native=True)
def markupsafe(b: WheelBuild) -> None:
'''

BODIES = {
    "bad-sha256": "    b.setuptools()\n",
    "no-wheel": (
        "    b.setuptools()\n"
        "    for path in list(b._ctx.out_dir.iterdir()):\n"
        "        path.unlink()\n"
    ),
    "two-wheels": (
        "    b.setuptools()\n"
        "    (first,) = b._ctx.out_dir.glob('*.whl')\n"
        "    name, version, rest = first.name.split('-', 2)\n"
        "    shutil.copy2(first, b._ctx.out_dir / f'{name}-{version}-1-{rest}')\n"
    ),
    "wrong-version": "    b.setuptools()\n",
    # -v: pip shows the backend's output, so the log holds markupsafe's fallback message
    "pure-fallback": "    b.pip_wheel('-v', env={'CC': 'false'})\n",
}


def cached_sdist() -> Path:
    """The markupsafe 3.0.2 sdist in the shared download cache (the builds fetched it)."""
    cache = load_config(REPO).cache_dir
    path = cache / "sha256" / MARKUPSAFE_SHA256 / "markupsafe-3.0.2.tar.gz"
    assert path.is_file(), f"{path} is missing: the markupsafe build fetches it"
    return path


def override_with_sdist(root: Path) -> dict[str, str]:
    """[overrides] markupsafe = the extracted 3.0.2 sdist (the recipe pins 3.0.1)."""
    dest = root.parent / "markupsafe-override"
    with tarfile.open(cached_sdist()) as tf:
        tf.extractall(dest, filter="data")
    (top,) = dest.iterdir()
    add_override(root, "markupsafe", top)
    return {}


def sdist_on_find_links(root: Path) -> dict[str, str]:
    """A find-links folder holding the 3.0.2 sdist: pip's sources offer it whatever the
    network, so the wrong pin meets the real file (and PyPI's copy is the same file)."""
    folder = root.parent / "find-links"
    folder.mkdir()
    shutil.copy2(cached_sdist(), folder / "markupsafe-3.0.2.tar.gz")
    return {"PIP_FIND_LINKS": str(folder)}


@dataclass(frozen=True)
class BadCase:
    version: str
    sha256: str
    step: str
    message: str  # regular expression the error message must match, whole
    log_shows: str  # text the log must hold: proof the failure is the intended one
    setup: Callable[[Path], dict[str, str]] | None = None


WRONG_SHA256 = "0" * 64
PIP_WHEEL = r"markupsafe-3\.0\.2-cp313-cp313-\S+\.whl"
BAD_CASES = {
    "bad-sha256": BadCase(
        "3.0.2", WRONG_SHA256, "prepare",
        rf"sha256 mismatch for markupsafe-3\.0\.2\.tar\.gz: expected {WRONG_SHA256}, "
        rf"got {MARKUPSAFE_SHA256}",
        "markupsafe-3.0.2.tar.gz", sdist_on_find_links,
    ),
    "no-wheel": BadCase(
        "3.0.2", MARKUPSAFE_SHA256, "check", r"the build produced no wheel",
        "Successfully built MarkupSafe",
    ),
    "two-wheels": BadCase(
        "3.0.2", MARKUPSAFE_SHA256, "check",
        r"the build produced 2 wheels \(markupsafe-3\.0\.2-1-cp313-cp313-\S+\.whl, "
        rf"{PIP_WHEEL}\); expected exactly one",
        "Successfully built MarkupSafe",
    ),
    "wrong-version": BadCase(
        "3.0.1", MARKUPSAFE_SHA256, "check",
        rf"{PIP_WHEEL}: version 3\.0\.2, but the recipe pins 3\.0\.1",
        "SOURCE OVERRIDE", override_with_sdist,
    ),
    "pure-fallback": BadCase(
        "3.0.2", MARKUPSAFE_SHA256, "check",
        r"markupsafe-3\.0\.2-py3-none-any\.whl is a pure-Python wheel, but the recipe says "
        r"native=True: the extension build failed or was skipped \(see the log\); drop "
        r"native=True if the package is pure Python",
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
def bad_runs(tmp_path_factory: pytest.TempPathFactory, builds: Builds) -> dict[str, BadRun]:
    """Each broken recipe built once in its own sandbox whose artifacts/ already holds the
    good markupsafe wheel (a previous release that a failed build must not touch)."""
    good = builds.wheel("markupsafe")
    assert good.is_file(), builds.result.output
    downloads = load_config(REPO).cache_dir / "sha256"
    runs: dict[str, BadRun] = {}
    for case_id, case in BAD_CASES.items():
        root = clone_project(tmp_path_factory.mktemp(case_id) / "project")
        (root / "pkgs" / "markupsafe.py").write_text(
            RECIPE_HEAD.format(version=case.version, sha256=case.sha256) + BODIES[case_id]
        )
        env = case.setup(root) if case.setup is not None else {}
        (root / "artifacts").mkdir()
        shutil.copy2(good, root / "artifacts" / good.name)
        before = {p.name: sha256(p) for p in (root / "artifacts").iterdir()}
        cache_before = {p.name for p in downloads.iterdir()} if downloads.is_dir() else set()
        result = invoke(root, "build.wheel", "markupsafe", env=env)
        runs[case_id] = BadRun(root, result, before, cache_before)
    return runs


@pytest.mark.parametrize("case_id", list(BAD_CASES))
def test_bad_wheel_build_fails_cleanly(bad_runs: dict[str, BadRun], case_id: str) -> None:
    case, run = BAD_CASES[case_id], bad_runs[case_id]
    root, result = run.root, run.result
    assert result.returncode == BuildsFailed.exit_code, result.output
    m = ERROR_LINE.match(result.last_line)
    assert m, result.last_line
    assert (m["package"], m["step"]) == ("markupsafe", case.step), result.last_line
    assert re.fullmatch(rf"1 package\(s\) failed: {case.message}", m["message"]), m["message"]
    log = Path(m["log"])
    assert log == root / "pkgs" / "markupsafe.log"
    assert case.log_shows in log.read_text()
    # nothing half-written: artifacts/ as before (the toolchain's restored artifacts aside),
    # no partial folders, no stamp, no wheel anywhere under pkgs/
    after = {p.name: sha256(p) for p in (root / "artifacts").iterdir() if p.suffix == ".whl"}
    assert after == run.artifacts_before
    assert leftovers(root) == []
    assert not (root / "pkgs" / "markupsafe.stamp").exists()
    assert sorted(p.name for p in (root / "pkgs").rglob("*.whl")) == []


def test_bad_sha256_leaves_nothing_in_the_cache(bad_runs: dict[str, BadRun]) -> None:
    run = bad_runs["bad-sha256"]
    assert run.result.returncode != 0, run.result.output
    downloads = load_config(REPO).cache_dir / "sha256"
    # nothing is cached under the wrong hash, not even a partial download
    wrong = downloads / WRONG_SHA256
    assert not wrong.exists() or list(wrong.iterdir()) == []
    new = {p.name for p in downloads.iterdir()} - run.cache_before
    assert sorted(n for n in new if "markupsafe" in n or "partial" in n) == []
    assert not (run.root / "pkgs" / "markupsafe.source").exists()

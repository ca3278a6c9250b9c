"""Package tests under Wasmer (the seed's convention: a plain program or script that exits 0;
a ``*-broken`` test is expected to fail; a skipped test says why).

- Libraries (and the toolchain): a C or C++ program compiled against the installed library
  with its pkg-config flags, run as a WASIX main module.
- Wheels: installed as a user of the index installs them: pip (``wasixtasks.targetpip``)
  runs inside the WASIX CPython under Wasmer and installs the package's version from the
  generated index (``dist/``, published first when it does not hold exactly the wheels of
  artifacts/), then the package's script runs in that interpreter (``PYTHONHOME=/usr/local``,
  the standard library as ``/usr/local/lib/python3XY.zip``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

from .errors import RecipeError, ToolchainError, WasixError
from .fsutil import fresh_dir
from .pipelines.common import Engine
from .pipelines.stamps import require_stamped, stamped_artifacts
from .publish import current_index
from .index import PACKAGES_DIR
from .layout import PREFIX
from .recipe import Kind, Recipe, Test
from .run import Log, run
from .symbols import check_symbols
from .sysroot import install_one, library_closure, require_artifact
from .toolchain.env import build_env
from .toolchain.model import TargetPython
from .toolchain.runtime import Content, RunResult, map_tree, run_wasm
from .targetpip import PIP_VERSION, target_pip
from .wheels import install_wheel, wheel_project, wheels_of

CXX_SUFFIXES = (".cc", ".cpp", ".cxx", ".C")


@dataclass(frozen=True)
class TestResult:
    name: str
    kind: str
    #: passed, failed, expected failure, unexpected pass, skipped, blocked (not built here)
    status: str
    seconds: float = 0.0
    detail: str = ""
    log: Path | None = None
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "expected failure", "skipped", "blocked")


def _test_of(recipe: Recipe) -> Test:
    if recipe.test is None:
        raise RecipeError(f"`{recipe.name}` declares no test", package=recipe.name, step="test")
    return recipe.test


def _python_failure(stderr: str) -> str:
    """``module: Exception: message`` from a Python traceback (its last frame and line)."""
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    exc = next((ln for ln in reversed(lines) if re.match(r"^[A-Za-z_.]+(Error|Exception|Exit)\b", ln)),
               lines[-1] if lines else "no output")
    frames = re.findall(r'File "([^"]+)", line (\d+)', stderr)
    where = f"{frames[-1][0]}:{frames[-1][1]}: " if frames else ""
    return f"{where}{exc}"


#: How Wasmer reports a side module's unresolved symbol: the import succeeds (the symbol is
#: bound to a stub) and the process aborts when the symbol is first used; CPython never gets
#: to raise its ImportError.
MISSING_SYMBOL = re.compile(r"Dynamically-linked symbol not found or has bad type: (\S+)")


def _missing_symbol(result: RunResult, py: TargetPython, site: Path) -> str | None:
    """For a run Wasmer aborted on an unresolved symbol: which installed module needs it,
    said as the ImportError CPython would have raised."""
    found = MISSING_SYMBOL.search(result.stderr) if result.reason == "trap" else None
    if found is None or py.python_wasm is None:
        return None
    symbol = found.group(1)
    report = check_symbols(site, py.python_wasm)
    users = sorted({u.where for u in report.unresolved if u.name == symbol})
    if not users:
        return None
    path = Path(users[0]).relative_to(site)
    module = ".".join([*path.parent.parts, path.name.split(".", 1)[0]])
    return (f"ImportError: {module} ({path.as_posix()}): undefined symbol {symbol} "
            "(Wasmer's dynamic linker imported it with a stub that aborts when called, instead "
            "of failing the import)")


def _judge(recipe: Recipe, test: Test, result: RunResult, log: Log, started: float,
           python: bool, explain: str | None = None) -> TestResult:
    log.write(f"exit {result.exit_code} ({result.reason}) in {result.seconds:.1f}s\n"
              f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}")
    passed = result.ok and test.expect in result.stdout
    if result.ok and not passed:
        detail = f"output lacks {test.expect!r}"
    elif explain is not None:
        detail = explain
    elif not result.ok:
        detail = (_python_failure(result.stderr) if python and result.reason == "exited"
                  else f"exit {result.exit_code} ({result.reason}): "
                       f"{(result.stderr.strip().splitlines() or ['no output'])[-1]}")
    else:
        detail = (result.stdout.strip().splitlines() or [""])[-1]
    if test.broken:
        status = "unexpected pass" if passed else "expected failure"
    else:
        status = "passed" if passed else "failed"
    return TestResult(recipe.name, recipe.kind.value, status, time.monotonic() - started, detail,
                      log.path, result.stdout)


def _begin(engine: Engine, name: str, step: str) -> tuple[Recipe, Test, Log, float]:
    """A test's recipe, its declaration and a fresh test log (``pkgs/<name>.test.log``)."""
    recipe = engine.registry.get(name)
    log = Log(name, engine.cfg.layout.package(name).test_log)
    log.open(truncate=True)
    log.enter(step)
    return recipe, _test_of(recipe), log, time.monotonic()


def _target_python(engine: Engine, name: str) -> TargetPython:
    py = engine.target_python(needed_by=name)
    if py is None:
        raise ToolchainError("no target CPython to run Python tests with", package=name,
                             step="test", hint="Run `invoke toolchain.doctor`.")
    return py


def test_library(engine: Engine, name: str) -> TestResult:
    """Compile the library's (or toolchain's) test program against it and run it."""
    recipe, test, log, started = _begin(engine, name, "test")
    paths = engine.cfg.layout.package(name)
    toolchain = engine.compiler_toolchain(needed_by=name)
    work = fresh_dir(paths.test)
    sysroot = work / "sysroot"
    libs = [*test.libs, *([name] if recipe.kind is Kind.LIBRARY else [])]
    stamped = stamped_artifacts(engine.cfg)
    for lib in dict.fromkeys([d for n in libs for d in
                              [*library_closure(engine.registry, engine.registry.get(n)), n]]):
        archive = require_artifact(engine.cfg.layout, lib, needed_by=name, step="test")
        require_stamped(engine.cfg, archive, step="test", known=stamped)
        install_one(archive, sysroot, lib)
    env = build_env(toolchain, sysroot, build_dir=work)
    flags: list[str] = []
    if test.pkg_config:
        flags = run(["pkg-config", "--static", "--cflags", "--libs", *test.pkg_config],
                    log=log, env=env, capture=True).stdout.split()
    program = recipe.file.parent / test.program
    compiler = env["CXX" if program.suffix in CXX_SUFFIXES else "CC"]
    module = work / "test.wasm"
    run([compiler, "-O2", str(program), *flags, "-o", str(module)], log=log, env=env, cwd=work)
    log.enter("run")
    # the programs the libraries installed, where they were installed: a smoke program may
    # run them (posix_spawn) as a user of the package would
    programs: dict[str, Content] = {}
    for folder in ("bin", "sbin"):
        host = sysroot / PREFIX.lstrip("/") / folder
        if host.is_dir():
            programs.update(map_tree(host, f"{PREFIX}/{folder}"))
    result = run_wasm(module, [], files=programs, network=test.network, timeout=600,
                      cache_dir=engine.cfg.layout.wasmer_cache)
    return _judge(recipe, test, result, log, started, python=False)


def _wheel_of(engine: Engine, recipe: Recipe) -> Path:
    found = wheels_of(engine.cfg.artifacts_dir, recipe.project, recipe.version)
    if not found:
        raise WasixError(f"no wheel of {recipe.project} {recipe.version} in "
                         f"{engine.cfg.artifacts_dir}",
                         package=recipe.name, step="test",
                         hint=f"Run `invoke build.wheel {recipe.name}` first.")
    return found[-1]


def python_files(py: TargetPython, site: Path) -> dict[str, Path]:
    """The files a WASIX CPython needs inside the sandbox, and a site-packages."""
    if py.python_wasm is None or py.stdlib_zip is None:
        raise ToolchainError(f"the target CPython at {py.prefix} has no python.wasm or "
                             "standard library zip to run", step="test",
                             hint="Run `invoke toolchain.setup`.")
    return {f"/usr/local/lib/{py.stdlib_zip.name}": py.stdlib_zip,
            **{f"/usr/local/lib/{lib.name}": lib for lib in py.runtime_libs},
            **map_tree(site, f"/usr/local/lib/python{py.version}/site-packages")}  # type: ignore[dict-item]


def _run_python(engine: Engine, recipe: Recipe, test: Test, py: TargetPython, site: Path,
                log: Log, started: float) -> TestResult:
    log.enter("run")
    assert py.python_wasm is not None
    result = run_wasm(py.python_wasm, ["test.py"], files=python_files(py, site),
                      workspace={"test.py": recipe.file.parent / test.program},
                      env={"PYTHONHOME": "/usr/local", "PYTHONDONTWRITEBYTECODE": "1",
                           "HOME": "/workspace"},
                      network=test.network, timeout=900,
                      cache_dir=engine.cfg.layout.wasmer_cache)
    return _judge(recipe, test, result, log, started, python=True,
                  explain=_missing_symbol(result, py, site))


def test_python(engine: Engine, name: str) -> TestResult:
    """The target CPython's own test: a script run with an empty site-packages."""
    recipe, test, log, started = _begin(engine, name, "test")
    py = _target_python(engine, name)
    site = fresh_dir(engine.cfg.layout.package(name).test) / "site-packages"
    site.mkdir()
    return _run_python(engine, recipe, test, py, site, log, started)


#: the sandbox's view of the generated index and of pip
INDEX_GUEST = "/index"
PIP_GUEST = "/opt/target-pip"
INSTALL_THEN_TEST = Path(__file__).parent / "resources" / "install-then-test.py"
#: pip's line naming what it installed
INSTALLED = re.compile(r"^Successfully installed (.+)$", re.M)


def test_wheel(engine: Engine, name: str) -> TestResult:
    """pip-install the package from the generated index inside the WASIX CPython, then run
    its test script there, under Wasmer."""
    recipe, test, log, started = _begin(engine, name, "index")
    py = _target_python(engine, name)
    wheel = _wheel_of(engine, recipe)
    require_stamped(engine.cfg, wheel, step="test")
    dist, published = current_index(engine.cfg)
    if published is not None:
        log.info(f"published {dist} again first ({published.files} wheels): it did not hold "
                 "exactly the wheels of artifacts/")
    pip = target_pip(engine.cfg, log)
    # the recipe's own version (another recipe may build another line of the project), and
    # what its test needs besides
    requirements = [f"{recipe.project}=={recipe.version}", *test.requires]
    log.enter("install")
    log.info(f"pip {PIP_VERSION} in the target CPython: pip install {' '.join(requirements)} "
             f"--index-url file://{INDEX_GUEST}/simple (the sandbox's view of {dist})")
    site = fresh_dir(engine.cfg.layout.package(name).test) / "site-packages"
    site.mkdir()
    assert py.python_wasm is not None
    result = run_wasm(
        py.python_wasm,
        ["install-then-test.py", f"{PIP_GUEST}", f"file://{INDEX_GUEST}/simple", "test.py",
         *requirements],
        files={**python_files(py, site), **map_tree(pip / "pip", f"{PIP_GUEST}/pip"),
               **map_tree(dist, INDEX_GUEST)},
        workspace={"install-then-test.py": INSTALL_THEN_TEST,
                   "test.py": recipe.file.parent / test.program},
        # plain tracebacks: the failure line quotes one
        env={"PYTHONHOME": "/usr/local", "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/workspace",
             "PYTHON_COLORS": "0"},
        network=test.network, timeout=900, cache_dir=engine.cfg.layout.wasmer_cache)
    installed = INSTALLED.search(result.stdout)
    if installed is not None:
        log.info(f"pip installed {installed.group(1)} from the index")
    explain = None
    if result.reason == "trap":
        # what pip installed, unpacked here too, to name the module a missing symbol breaks;
        # a trap during the install itself leaves no list: then the package's own wheel
        wheels = (_published_wheels(dist, installed.group(1).split()) if installed is not None
                  else [dist / PACKAGES_DIR / wheel.name])
        for wheel_file in wheels:
            install_wheel(wheel_file, site, log=log)
        explain = _missing_symbol(result, py, site)
    return _judge(recipe, test, result, log, started, python=True, explain=explain)


def _published_wheels(dist: Path, installed: list[str]) -> list[Path]:
    """The wheels of the index pip reported as ``name-version`` (names normalized)."""
    wanted = {(canonicalize_name(n), Version(v))
              for n, _, v in (i.rpartition("-") for i in installed)}
    return [w for w in sorted((dist / PACKAGES_DIR).glob("*.whl")) if wheel_project(w) in wanted]


def run_test(engine: Engine, name: str) -> TestResult:
    """A package's test; a test declared with ``skip=`` is reported with its reason."""
    recipe = engine.registry.get(name)
    test = _test_of(recipe)
    if test.skip:
        return TestResult(name, recipe.kind.value, "skipped", detail=test.skip)
    if recipe.provides_python:
        return test_python(engine, name)
    return (test_wheel if recipe.kind is Kind.WHEEL else test_library)(engine, name)


def table(results: list[TestResult]) -> str:
    width = max([len(r.name) for r in results] + [7])
    lines = [f"{'package':<{width}}  {'kind':<9}  {'result':<16}  {'time':>6}  detail"]
    for r in results:
        t = f"{r.seconds:5.1f}s" if r.seconds else ""
        lines.append(f"{r.name:<{width}}  {r.kind:<9}  {r.status:<16}  {t:>6}  {r.detail}".rstrip())
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(lines)

"""The issue's acceptance for unresolved symbols, on a real wheel built with the WASIX toolchain:

    "A wheel whose extension needs a symbol the interpreter does not export fails
    `check.symbols` naming the module and the symbol, and fails `test.wheel` with one line
    naming package, module and the Python exception."

A tiny setuptools project (one C extension, ``<package>/_core.c``) is packed as an sdist into
a mirror folder of a sandbox (tests/helpers/sandbox.py) and built by a wheel recipe added to
the sandbox. In ``demo-missing`` a function of the extension calls
``wasixtasks_missing_symbol()``, which nothing defines: the side module links anyway (its
undefined symbols become imports), and the failure can only show when the module is loaded
into the WASIX CPython. ``demo-control`` is the same project without that call: it passes
both commands.

Two more demos carry their own copy of something the interpreter links too (zlib's
``zlibVersion`` and ``z_errmsg``) and reach it through a function pointer and a data load, as
a statically linked library does: ``demo-interposed`` is linked as every side module is, and
Wasmer's loader binds those references to the interpreter's copies (check.symbols reports
it); ``demo-bound`` is linked with ``-Wl,-Bsymbolic`` and uses its own.

What `test.wheel` reports follows what Wasmer does: its dynamic linker does not fail the
``dlopen`` (no ImportError is raised); it binds the symbol to a stub, and the first call
aborts the whole program with a WASI error naming the symbol. Wasmer's message names neither
the extension module nor a Python exception: wasixtasks.testing maps the symbol back to the
module that imports it (as check.symbols does), and the assertion on that line pins today's
wording.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.project import engine_of, sha256_bytes, tarball_bytes
from tests.helpers.sandbox import Result, clone_project, invoke
from wasixtasks.config import load_config
from wasixtasks.errors import CheckError
from wasixtasks.toolchain.runtime import TRAP_EXIT
from wasixtasks.wasm import WasmModule, parse_module, read_module

pytestmark = pytest.mark.integration

MISSING = "wasixtasks_missing_symbol"
EXT_SUFFIX = ".cpython-313-wasm32-wasi.so"
TAG = "cp313-cp313-wasix_wasm32"
SITE = "/usr/local/lib/python3.13/site-packages"
#: what the invoke process prints when it aborts at exit after running Wasmer
EXIT_ABORT = "FATAL: exception not rethrown"

SETUP_PY = """\
from setuptools import Extension, setup

setup(ext_modules=[Extension("{package}._core", ["{package}/_core.c"])])
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{project}"
version = "1.0"
description = "a C extension for tests/integration/test_symbols_wasm.py"
requires-python = ">=3.10"

[tool.setuptools]
packages = ["{package}"]
"""

CORE_C = """\
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define CALL_MISSING {call_missing}
#if CALL_MISSING
/* defined nowhere: neither the interpreter nor any library exports it */
int wasixtasks_missing_symbol(void);
#define EXTRA() wasixtasks_missing_symbol()
#else
#define EXTRA() 0
#endif

#define OWN_COPY {own_copy}
#if OWN_COPY
/* names the interpreter exports too (CPython links zlib): this module's own definitions */
const char *zlibVersion(void) {{ return "demo's zlibVersion"; }}
const char *z_errmsg[10] = {{"demo's z_errmsg"}};

static PyObject *own(PyObject *self, PyObject *args) {{
    /* through the GOT: the function's address and the array's, as a static library's
       callers and tables reach them */
    const char *(*volatile version)(void) = zlibVersion;
    return Py_BuildValue("(ss)", version(), z_errmsg[0]);
}}
#define OWN_METHOD {{"own", own, METH_NOARGS, "Its own symbols, as bound by the loader."}},
#else
#define OWN_METHOD
#endif

static PyObject *answer(PyObject *self, PyObject *args) {{
    return PyLong_FromLong(42 + EXTRA());
}}

static PyMethodDef methods[] = {{
    {{"answer", answer, METH_NOARGS, "The answer."}},
    OWN_METHOD
    {{NULL, NULL, 0, NULL}},
}};

static struct PyModuleDef module = {{PyModuleDef_HEAD_INIT, "_core", NULL, -1, methods}};

PyMODINIT_FUNC PyInit__core(void) {{ return PyModule_Create(&module); }}
"""

TEST_SCRIPT = """\
\"\"\"{project} under the WASIX CPython: import the extension and call it.\"\"\"

from {package} import _core

print("{package} from", _core.__file__)
print("answer", _core.answer())
assert _core.answer() == 42
if hasattr(_core, "own"):
    print("own", _core.own())
print("{project} test OK")
"""

RECIPE = '''\
"""{project}: a test recipe of tests/integration/test_symbols_wasm.py."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="1.0",
    source=Sdist("{project}", sha256="{sha256}"),
    native=True,
    test=Test("tests/{package}.py", expect="{project} test OK"),
)
def {package}(b: WheelBuild) -> None:
    with b.flags(ldflags={ldflags!r}):
        b.setuptools()
'''


@dataclass(frozen=True)
class Demo:
    project: str
    call_missing: bool = False
    own_copy: bool = False  # defines zlibVersion and z_errmsg itself
    bsymbolic: bool = False  # linked with -Wl,-Bsymbolic

    @property
    def package(self) -> str:
        return self.project.replace("-", "_")

    @property
    def ldflags(self) -> list[str]:
        return ["-Wl,-Bsymbolic"] if self.bsymbolic else []

    @property
    def wheel(self) -> str:
        return f"{self.package}-1.0-{TAG}.whl"

    @property
    def member(self) -> str:
        """The extension module inside the wheel."""
        return f"{self.package}/_core{EXT_SUFFIX}"

    def sdist(self) -> bytes:
        core = CORE_C.format(call_missing=int(self.call_missing), own_copy=int(self.own_copy))
        fields = {"project": self.project, "package": self.package}
        return tarball_bytes(f"{self.package}-1.0", {
            "PKG-INFO": f"Metadata-Version: 2.1\nName: {self.project}\nVersion: 1.0\n",
            "pyproject.toml": PYPROJECT.format(**fields),
            "setup.py": SETUP_PY.format(**fields),
            f"{self.package}/__init__.py": "",
            f"{self.package}/_core.c": core,
        })


MISSING_DEMO = Demo("demo-missing", call_missing=True)
CONTROL = Demo("demo-control")
INTERPOSED = Demo("demo-interposed", own_copy=True)
BOUND = Demo("demo-bound", own_copy=True, bsymbolic=True)
DEMOS = (MISSING_DEMO, CONTROL, INTERPOSED, BOUND)


def add_mirror(root: Path, folder: Path) -> None:
    """Append ``folder`` to the ``mirror = [...]`` list of the sandbox's local config."""
    local = root / "wasixtasks.local.toml"
    lines = local.read_text().splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith("mirror = [")]
    assert lines[index].endswith("]"), lines[index]
    lines[index] = f"{lines[index][:-1]}, {json.dumps(str(folder))}]".replace("[, ", "[")
    local.write_text("\n".join(lines) + "\n")


@dataclass
class Sandbox:
    root: Path
    build: Result

    @property
    def artifacts(self) -> Path:
        return self.root / "artifacts"

    def wheel(self, demo: Demo) -> Path:
        return self.artifacts / demo.wheel


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    root = clone_project(tmp_path_factory.mktemp("symbols") / "project")
    mirror = root / "mirror"
    mirror.mkdir()
    add_mirror(root, mirror)
    for demo in DEMOS:
        data = demo.sdist()
        (mirror / f"{demo.package}-1.0.tar.gz").write_bytes(data)
        (root / "pkgs" / f"{demo.package}.py").write_text(
            RECIPE.format(project=demo.project, package=demo.package, sha256=sha256_bytes(data),
                          ldflags=demo.ldflags))
        (root / "pkgs" / "tests" / f"{demo.package}.py").write_text(
            TEST_SCRIPT.format(project=demo.project, package=demo.package))
    # --force: really build them, even when the shared artifact cache has them from a past run
    build = invoke(root, "build.wheel", ",".join(d.project for d in DEMOS), "--force")
    return Sandbox(root, build)


def no_exit_abort(result: Result) -> Result:
    """Fail with a clear message when the invoke process aborted at exit after running Wasmer
    (an intermittent crash of the runtime's threads at interpreter shutdown)."""
    if EXIT_ABORT in result.output:
        pytest.fail(f"the command aborted at exit after running Wasmer (exit {result.returncode}"
                    f"); see wasixtasks/toolchain/runtime.py:\n{result.output}")
    return result


def extension(sandbox: Sandbox, demo: Demo) -> WasmModule:
    with zipfile.ZipFile(sandbox.wheel(demo)) as zf:
        return parse_module(zf.read(demo.member), origin=f"{demo.wheel}!{demo.member}")


def test_both_wheels_build_and_link(sandbox: Sandbox) -> None:
    result = sandbox.build
    assert result.returncode == 0, result.output
    for demo in DEMOS:
        assert f"[{demo.project}] using {sandbox.root / 'mirror' / (demo.package + '-1.0.tar.gz')}" \
            f" from the mirror folder" in result.output
        assert f"[{demo.project}] wrote {demo.wheel}" in result.output
        assert re.search(rf"^{re.escape(demo.project)}\s+built\s", result.output, re.MULTILINE), \
            result.output
    assert sorted(p.name for p in sandbox.artifacts.glob("*.whl")) == sorted(d.wheel for d in DEMOS)


def test_the_extension_imports_what_the_interpreter_lacks(sandbox: Sandbox) -> None:
    assert sandbox.build.returncode == 0, sandbox.build.output
    py = engine_of(load_config(sandbox.root)).target_python(needed_by="test")
    assert py is not None and py.python_wasm is not None
    interpreter = set(read_module(py.python_wasm).exported_functions())
    missing, control = extension(sandbox, MISSING_DEMO), extension(sandbox, CONTROL)
    for mod in (missing, control):
        assert mod.is_side_module
        assert "PyInit__core" in mod.exported_functions()
        # the C API it calls comes from the interpreter
        assert {"PyModule_Create2", "PyLong_FromLong"} <= mod.imported_functions("env")
        assert {"PyModule_Create2", "PyLong_FromLong"} <= interpreter
    assert MISSING in missing.imported_functions("env")
    assert MISSING not in control.imported_functions("env")
    assert MISSING not in interpreter


def test_check_symbols_names_the_module_and_the_symbol(sandbox: Sandbox) -> None:
    result = invoke(sandbox.root, "check.symbols", str(sandbox.artifacts))
    assert result.returncode == CheckError.exit_code == 12, result.output
    where = f"{MISSING_DEMO.wheel}!{MISSING_DEMO.member}"
    assert (f"{where}: func env.{MISSING} is not exported by the interpreter, the module or "
            "its needed libraries") in result.output.splitlines()
    # the four demo modules, OpenSSL's two, ICU's four, sqlite's, and the copy of it the cpython
    # tarball installs beside python.wasm (their tarballs are in artifacts/: CPython links them)
    assert ("12 wasm side module(s) checked against python3.13.wasm, 1 unresolved import(s), "
            "1 with own symbols bound to the interpreter's copies" in result.output.splitlines())
    assert CONTROL.package not in result.output
    assert result.last_line == f"error: [symbols] {where} imports env.{MISSING}, which nothing exports"


def test_check_symbols_allows_a_listed_symbol(sandbox: Sandbox) -> None:
    result = invoke(sandbox.root, "check.symbols", str(sandbox.wheel(MISSING_DEMO)),
                    "--allow", "wasixtasks_missing_*")
    assert result.returncode == 0, result.output
    assert result.last_line == ("1 wasm side module(s) checked against python3.13.wasm, "
                                "0 unresolved import(s), 0 with own symbols bound to the "
                                "interpreter's copies")


def test_check_symbols_passes_the_control(sandbox: Sandbox) -> None:
    result = invoke(sandbox.root, "check.symbols", str(sandbox.wheel(CONTROL)))
    assert result.returncode == 0, result.output
    assert result.output.splitlines() == [
        "1 wasm side module(s) checked against python3.13.wasm, 0 unresolved import(s), "
        "0 with own symbols bound to the interpreter's copies"]


def test_test_wheel_fails_in_one_line(sandbox: Sandbox) -> None:
    """Package, module and the exception, in the last line. Wasmer aborts the process when
    an unresolved symbol is first called (CPython never raises): the line says which
    installed module needs the symbol, found with the symbol check, as an ImportError."""
    result = no_exit_abort(invoke(sandbox.root, "test.wheel", MISSING_DEMO.project))
    assert result.returncode == CheckError.exit_code, result.output
    log = sandbox.root / "pkgs" / f"{MISSING_DEMO.project}.test.log"
    assert result.last_line == (
        f"error: [{MISSING_DEMO.project} test] test failed: ImportError: "
        f"{MISSING_DEMO.package}._core ({MISSING_DEMO.member}): undefined symbol {MISSING} "
        "(Wasmer's dynamic linker imported it with a stub that aborts when called, instead of "
        f"failing the import) (log: {log})")
    # the loader's own words are in the log, and what the sandbox wrote before the trap is
    # kept: pip's lines, and the script's line after the import (the module loaded; the
    # call that needs the missing symbol trapped)
    text = log.read_text()
    assert f"exit {TRAP_EXIT} (trap)" in text
    assert f"Dynamically-linked symbol not found or has bad type: {MISSING}" in text
    assert "pip 26.3 in the target CPython: pip install demo-missing==" in text
    stdout = text.split("--- stdout ---", 1)[1].split("--- stderr ---", 1)[0]
    assert re.search(r"Successfully installed demo[-_]missing-", stdout), text
    assert f"{MISSING_DEMO.package} from /usr/local/lib/python3.13/site-packages/" in stdout


def test_test_wheel_passes_the_control(sandbox: Sandbox) -> None:
    result = no_exit_abort(invoke(sandbox.root, "test.wheel", CONTROL.project))
    assert result.returncode == 0, result.output
    lines = result.output.splitlines()
    assert f"{CONTROL.package} from {SITE}/{CONTROL.member}" in lines
    assert "answer 42" in lines
    assert result.last_line.startswith(f"[{CONTROL.project}] test passed: {CONTROL.project} test OK")


def test_check_symbols_reports_own_symbols_bound_to_the_interpreter(sandbox: Sandbox) -> None:
    module = extension(sandbox, INTERPOSED)
    # the module defines both names and still imports them through the GOT
    assert {"zlibVersion", "z_errmsg"} <= {e.name for e in module.exports}
    got = {(i.module, i.name) for i in module.imports}
    assert {("GOT.func", "zlibVersion"), ("GOT.mem", "z_errmsg")} <= got
    result = invoke(sandbox.root, "check.symbols", str(sandbox.wheel(INTERPOSED)))
    assert result.returncode == CheckError.exit_code, result.output
    where = f"{INTERPOSED.wheel}!{INTERPOSED.member}"
    assert (f"{where}: 2 symbol(s) it defines are reached through the GOT and bound to the "
            "interpreter's copies (z_errmsg, zlibVersion); link it with -Wl,-Bsymbolic"
            in result.output.splitlines())
    assert result.last_line == (
        f"error: [symbols] {where} defines 2 symbol(s) the interpreter exports too (first: "
        "z_errmsg), and the loader would bind its references to the interpreter's copies")


def test_check_symbols_passes_the_module_linked_with_bsymbolic(sandbox: Sandbox) -> None:
    got = {(i.module, i.name) for i in extension(sandbox, BOUND).imports}
    assert not {("GOT.func", "zlibVersion"), ("GOT.mem", "z_errmsg")} & got
    result = invoke(sandbox.root, "check.symbols", str(sandbox.wheel(BOUND)))
    assert result.returncode == 0, result.output


def own_line(demo: Demo, sandbox: Sandbox) -> str:
    result = no_exit_abort(invoke(sandbox.root, "test.wheel", demo.project))
    assert result.returncode == 0, result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("own ")]
    return line


def test_wasmer_binds_the_module_references_to_the_interpreters_copies(sandbox: Sandbox) -> None:
    """What the check is for: under Wasmer the interposed module calls the interpreter's
    zlibVersion (zlib's version string) and reads the interpreter's z_errmsg (zlib's first
    message), not its own; linked with -Bsymbolic it gets its own."""
    assert own_line(INTERPOSED, sandbox) == "own ('1.3.1', 'need dictionary')"
    assert own_line(BOUND, sandbox) == "own (\"demo's zlibVersion\", \"demo's z_errmsg\")"

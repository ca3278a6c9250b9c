"""wasixtasks/run.py is the one place that starts processes (echo, log, typed errors): every
other module of the package, its subpackages included, goes through ``run()``. No shell,
ever.

The same rule makes the unit tests process-free: a test replaces ``wasixtasks.run.run`` (or
the module's reference to it) with a fake, and only tests/unit/test_run.py starts real
children."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import wasixtasks

PACKAGE = Path(wasixtasks.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
#: The only module allowed to start processes.
EXEMPT = {PACKAGE / "run.py"}
#: Subpackages whose modules must be checked like the top-level ones (at least these).
SUBPACKAGES = {"commands", "pipelines", "resources", "stages", "tasks", "toolchain"}

#: Modules whose import means "I start processes myself".
PROCESS_MODULES = {"subprocess", "pty", "multiprocessing"}
#: Functions of ``os`` (and ``asyncio``) that start processes.
PROCESS_CALLS = {
    "os": {"system", "popen", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv",
           "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe", "spawnv",
           "spawnve", "spawnvp", "spawnvpe", "spawnl", "spawnle", "spawnlp", "spawnlpe"},
    "asyncio": {"create_subprocess_exec", "create_subprocess_shell"},
}


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def restricted() -> list[Path]:
    return [p for p in SOURCES if p not in EXEMPT]


def process_uses(tree: ast.AST) -> list[str]:
    found: list[str] = []
    os_aliases = {"os": "os", "asyncio": "asyncio"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in PROCESS_MODULES:
                    found.append(f"line {node.lineno}: import {alias.name}")
                if top in PROCESS_CALLS:
                    os_aliases[alias.asname or top] = top
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            if node.level == 0 and module in PROCESS_MODULES:
                found.append(f"line {node.lineno}: from {node.module} import ...")
            if node.level == 0 and module in PROCESS_CALLS:
                for alias in node.names:
                    if alias.name in PROCESS_CALLS[module]:
                        found.append(f"line {node.lineno}: from {module} import {alias.name}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = os_aliases.get(node.value.id)
            if owner and node.attr in PROCESS_CALLS[owner]:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "__import__" and node.args and isinstance(node.args[0], ast.Constant):
                if str(node.args[0].value).split(".")[0] in PROCESS_MODULES:
                    found.append(f"line {node.lineno}: __import__({node.args[0].value!r})")
    return found


def test_the_package_is_where_we_think() -> None:
    assert (PACKAGE / "run.py") in SOURCES
    assert len(restricted()) == len(SOURCES) - 1
    # the subpackages are scanned too
    found = {p.relative_to(PACKAGE).parts[0] for p in SOURCES if len(p.relative_to(PACKAGE).parts) > 1}
    assert SUBPACKAGES <= found
    for module in ("debian.py", "pyindex.py", "sources.py", "jobs.py", "pipelines/stamps.py",
                   "toolchain/runtime.py", "stages/build.py", "commands/build.py"):
        assert PACKAGE / module in restricted(), module


def test_modules_that_need_tools_call_run() -> None:
    """apt-get (Debian backups) and `pip config list` (pip's indexes) go through run()."""
    for module in ("debian.py", "pyindex.py", "stages/build.py"):
        tree = ast.parse((PACKAGE / module).read_text())
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module == "run":
                imported |= {alias.name for alias in node.names}
        assert "run" in imported, module


@pytest.mark.parametrize("path", restricted(), ids=rel)
def test_only_run_py_starts_processes(path: Path) -> None:
    uses = process_uses(ast.parse(path.read_text(), filename=str(path)))
    assert uses == [], f"{rel(path)} starts processes itself; use wasixtasks.run.run(): {uses}"


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_no_shell_true(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.keyword) and node.arg == "shell"
        and not (isinstance(node.value, ast.Constant) and node.value.value is False)
    ]
    assert bad == [], f"{rel(path)}: shell= on line(s) {bad}"


def test_the_checker_catches_each_form() -> None:
    samples = {
        "import subprocess": 1,
        "import subprocess as sp": 1,
        "from subprocess import run": 1,
        "import os\nos.system('ls')": 1,
        "import os as o\no.popen('ls')": 1,
        "from os import system": 1,
        "import asyncio\nasyncio.create_subprocess_exec('ls')": 1,
        "__import__('subprocess')": 1,
        "import os\nos.path.join('a')": 0,
        "from . import subprocess_helpers": 0,
    }
    for code, expected in samples.items():
        assert len(process_uses(ast.parse(code))) == expected, code


UNIT_TESTS = sorted(Path(__file__).parent.glob("test_*.py"))


def process_calls(tree: ast.AST) -> list[str]:
    """Calls that start a process: ``subprocess.X(...)`` (and names imported from it), the
    process functions of ``os``. A test may import subprocess to *forbid* it
    (``monkeypatch.setattr(subprocess, "Popen", refuse)``): that is no call."""
    modules: dict[str, str] = {}
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in PROCESS_MODULES or top in PROCESS_CALLS:
                    modules[alias.asname or top] = top
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            module = (node.module or "").split(".")[0]
            for alias in node.names:
                if module in PROCESS_MODULES or alias.name in PROCESS_CALLS.get(module, ()):
                    functions.add(alias.asname or alias.name)
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in functions:
            found.append(f"line {node.lineno}: {func.id}(...)")
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = modules.get(func.value.id)
            if owner in PROCESS_MODULES or (owner in PROCESS_CALLS and func.attr in PROCESS_CALLS[owner]):
                found.append(f"line {node.lineno}: {func.value.id}.{func.attr}(...)")
    return found


def test_the_test_checker_catches_each_form() -> None:
    samples = {
        "import subprocess\nsubprocess.run(['ls'])": 1,
        "import subprocess as sp\nsp.Popen(['ls'])": 1,
        "from subprocess import check_output\ncheck_output(['ls'])": 1,
        "import os\nos.system('ls')": 1,
        "import subprocess\nmonkeypatch.setattr(subprocess, 'Popen', refuse)": 0,
        "monkeypatch.setattr('wasixtasks.run.subprocess.Popen', refuse)": 0,
        "import os\nos.path.join('a')": 0,
    }
    for code, expected in samples.items():
        assert len(process_calls(ast.parse(code))) == expected, code


@pytest.mark.parametrize("path", UNIT_TESTS, ids=lambda p: p.name)
def test_unit_tests_start_no_processes_themselves(path: Path) -> None:
    """Unit tests fake the tools; tests that run processes live in tests/integration
    (test_run.py starts its children through ``run()``, the subject of its tests)."""
    calls = process_calls(ast.parse(path.read_text(), filename=str(path)))
    assert calls == [], f"tests/unit/{path.name} starts processes: {calls}"


def test_run_py_is_the_one_that_does() -> None:
    assert process_uses(ast.parse((PACKAGE / "run.py").read_text()))

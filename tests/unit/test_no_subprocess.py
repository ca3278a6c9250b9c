"""wasixtasks/run.py is the one place that starts processes (echo, log, typed errors); the
stand-in wrappers in wasixtasks/resources/ are separate programs and exempt. No shell, ever."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import wasixtasks

PACKAGE = Path(wasixtasks.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))
EXEMPT = {PACKAGE / "run.py"}
EXEMPT_DIRS = (PACKAGE / "resources",)

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
    return [p for p in SOURCES if p not in EXEMPT and not any(p.is_relative_to(d) for d in EXEMPT_DIRS)]


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
    assert len(restricted()) >= 10


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


def test_run_py_is_the_one_that_does() -> None:
    assert process_uses(ast.parse((PACKAGE / "run.py").read_text()))

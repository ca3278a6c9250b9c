"""Each library's bad cases, on its real recipe, end in one line naming package, step and log:

- a patch that no longer applies: a patch whose context is not in one of the library's own
  files is added next to the recipe's, then `invoke sources.prepare NAME`;
- a missing host tool: `invoke build.lib NAME --force` with a PATH that lacks one: the first
  tool the recipe declares (checked before its build starts), else `make` for recipes built
  with make (autotools, plain make, perl Configure). A CMake recipe that declares no tool
  runs only cmake and ninja, which are the project's own Python dependencies (the
  toolchain's environment puts them first on PATH): it has no host tool to miss, and is
  not in that case's list.

The CI-sized set covers perl Configure (openssl), autotools with declared tools (libffi),
CMake (brotli: the patch case) and plain make (bzip2). ``WASIXTASKS_CATALOG=all`` (``nox -s catalog``) takes
every library recipe. Dependencies are restored from the artifact cache (or built), so the
run fails where the named library's own build fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.helpers.project import patch_text
from tests.helpers.sandbox import REPO, Result, clone_project, invoke
from wasixtasks.config import load_config
from wasixtasks.recipe import Kind
from wasixtasks.registry import Registry

pytestmark = pytest.mark.integration

ERROR_LINE = re.compile(r"^error: \[(?P<package>[a-z0-9._+-]+) (?P<step>[a-z0-9._ +-]+)\] "
                        r"(?P<message>.+) \(log: (?P<log>[^()]+)\)$")
CI_SET = ["openssl", "libffi", "brotli", "bzip2"]


REGISTRY = Registry.load(load_config(REPO))


def _libraries() -> list[str]:
    names = [r.name for r in REGISTRY if r.kind is Kind.LIBRARY and not r.blocked]
    if os.environ.get("WASIXTASKS_CATALOG") == "all":
        return names
    return [n for n in CI_SET if n in names]


LIBRARIES = _libraries()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clone_project(tmp_path_factory.mktemp("bad-cases") / "project")


def one_line_error(result: Result, name: str) -> re.Match[str]:
    assert result.returncode != 0, result.output
    found = ERROR_LINE.match(result.last_line)
    assert found is not None, result.output[-3000:]
    assert found.group("package") == name, result.last_line
    assert Path(found.group("log")).is_file(), result.last_line
    return found


def _text_file(source: Path) -> Path:
    """A text file at the top of the library's source (or of its one folder, when the
    recipe takes a subfolder of a bigger tarball: mariadb-connector-c's libmariadb/; else of
    its first folder that has one: rust-std's library/), to write a stale patch against."""
    folders = [source]
    top = sorted(p for p in source.iterdir() if p.name != ".git")
    folders += [p for p in top if p.is_dir() and not p.is_symlink()]
    for folder in folders:
        for pattern in ("CMakeLists.txt", "configure.ac", "configure.in", "Makefile.in",
                        "Makefile", "README*", "LICENSE*", "COPYING*", "*.txt", "*.in", "*.md",
                        "Cargo.toml"):
            for path in sorted(folder.glob(pattern)):
                if path.is_file() and not path.is_symlink():
                    try:
                        if path.read_text().strip():
                            return path
                    except UnicodeDecodeError:
                        continue
    raise AssertionError(f"no text file at the top of {source}")


@pytest.mark.parametrize("name", LIBRARIES)
def test_a_patch_that_no_longer_applies(root: Path, name: str) -> None:
    fetched = invoke(root, "sources.fetch", name)
    assert fetched.returncode == 0, fetched.output
    target = _text_file(root / "pkgs" / f"{name}.source")
    rel = target.relative_to(root / "pkgs" / f"{name}.source").as_posix()
    patch = root / "patches" / f"{name}-9999-stale-context.patch"
    patch.write_text(patch_text(rel, "a line this release no longer has",
                                "a line the patch wanted", subject="A stale change"))
    try:
        result = invoke(root, "sources.prepare", name)
    finally:
        patch.unlink()
    found = one_line_error(result, name)
    assert found.group("step") == "prepare", result.last_line
    assert f"patch {patch.name} does not apply" in found.group("message")
    assert not (root / "pkgs" / f"{name}.prepared.partial").exists()


def _path_without(tool: str, dest: Path) -> str:
    """A PATH of links to every program of the current PATH but ``tool``."""
    dest.mkdir(parents=True, exist_ok=True)
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(folder):
            continue
        for entry in sorted(os.listdir(folder)):
            link = dest / entry
            if entry == tool or os.path.lexists(link):
                continue
            path = os.path.join(folder, entry)
            if os.path.isfile(path) and os.access(path, os.X_OK):
                link.symlink_to(path)
    return str(dest)


def _hidden_tool(name: str) -> tuple[str, str | None] | None:
    """The tool to hide, and the step whose one line must name it (None: any step)."""
    recipe = REGISTRY.get(name)
    if recipe.host_tools:
        return recipe.host_tools[0], "host-tools"
    return None if "b.cmake(" in recipe.file.read_text() else ("make", None)


@pytest.mark.parametrize("name", [n for n in LIBRARIES if _hidden_tool(n) is not None])
def test_a_missing_host_tool(root: Path, tmp_path: Path, name: str) -> None:
    hidden = _hidden_tool(name)
    assert hidden is not None
    tool, step = hidden
    path = _path_without(tool, tmp_path / "bin")
    result = invoke(root, "build.lib", name, "--force", env={"PATH": path})
    found = one_line_error(result, name)
    if step is not None:
        assert found.group("step") == step, result.last_line
    assert tool in found.group("message"), result.last_line
    assert not (root / "pkgs" / f"{name}.stamp").exists()

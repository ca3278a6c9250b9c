"""The meson, CMake and plain-make library helpers, on tiny C libraries, built for real with
the WASIX toolchain (restored from the shared cache into a sandbox, tests/helpers/sandbox.py).

The issue's acceptance: "A meson library recipe with boolean and list options configures; a
CMake one with a list define does." Each tiny project checks in its own build files that the
typed values arrived the way the build system spells them (meson: a boolean and an array
option; CMake: a ``;``-separated list and a BOOL) and stops the configure step otherwise, so a
wrong rendering cannot pass unnoticed; a recipe handing the wrong values shows that these
checks bite. The values are also compiled into the library, and each library's test program,
compiled with its pkg-config flags and run under Wasmer, prints them back.
"""

from __future__ import annotations

import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers.project import URL_BASE, write_tarball
from tests.helpers.sandbox import Result, clone_project, invoke, statuses

pytestmark = pytest.mark.integration

WASM_MAGIC = b"\x00asm\x01\x00\x00\x00"
LIBDIR = "usr/local/lib/wasm32-wasi"
#: what the invoke process prints when it aborts at exit after running Wasmer
EXIT_ABORT = "FATAL: exception not rethrown"
ERROR_LINE = re.compile(
    r"^error: \[(?P<package>\S+) (?P<step>[^\]]+)\] (?P<message>.+) \(log: (?P<log>[^()]+)\)$"
)

# --------------------------------------------------------------------------- meson

MESON_OPTIONS = """\
option('with_extra', type: 'boolean', value: false, description: 'a boolean option')
option('features', type: 'array', value: [], description: 'an array option')
"""

MESON_BUILD = """\
project('mesondemo', 'c', version: '0.3')
if not get_option('with_extra')
  error('with_extra did not arrive as true')
endif
features = get_option('features')
if features != ['alpha', 'beta']
  error('features arrived as [' + ', '.join(features) + '], not [alpha, beta]')
endif
conf = configuration_data()
conf.set_quoted('DEMO_FEATURES', ','.join(features))
conf.set10('DEMO_EXTRA', get_option('with_extra'))
configure_file(output: 'demo_config.h', configuration: conf)
lib = static_library('mesondemo', 'demo.c', install: true)
install_headers('demo.h', subdir: 'mesondemo')
import('pkgconfig').generate(lib, description: 'meson helper test', subdirs: 'mesondemo')
"""

MESON_C = """\
#include "demo_config.h"
#include "demo.h"

const char *demo_values(void) { return "features=" DEMO_FEATURES; }
int demo_answer(void) { return 40 + 2 * DEMO_EXTRA; }
"""

# --------------------------------------------------------------------------- CMake

CMAKELISTS = """\
cmake_minimum_required(VERSION 3.20)
project(cmakedemo VERSION 0.2 LANGUAGES C)
include(GNUInstallDirs)
set(DEMO_LIST "" CACHE STRING "a list define")
option(DEMO_FLAG "a boolean define" OFF)
if(NOT "${DEMO_LIST}" STREQUAL "a;b")
  message(FATAL_ERROR "DEMO_LIST arrived as '${DEMO_LIST}', not 'a;b'")
endif()
if(NOT DEMO_FLAG)
  message(FATAL_ERROR "DEMO_FLAG did not arrive as ON")
endif()
list(LENGTH DEMO_LIST items)
list(JOIN DEMO_LIST "+" joined)
add_library(cmakedemo STATIC demo.c)
target_compile_definitions(cmakedemo PRIVATE "DEMO_ITEMS=${items}" "DEMO_JOINED=\\"${joined}\\"")
install(TARGETS cmakedemo ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES demo.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} RENAME cmakedemo.h)
configure_file(cmakedemo.pc.in cmakedemo.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/cmakedemo.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
"""

# CMake projects often write .pc files with expanded paths; the library stage rewrites them.
CMAKE_PC_IN = """\
prefix=@CMAKE_INSTALL_PREFIX@
libdir=@CMAKE_INSTALL_FULL_LIBDIR@
includedir=@CMAKE_INSTALL_FULL_INCLUDEDIR@

Name: cmakedemo
Description: CMake helper test
Version: @PROJECT_VERSION@
Libs: -L@CMAKE_INSTALL_FULL_LIBDIR@ -lcmakedemo
Cflags: -I@CMAKE_INSTALL_FULL_INCLUDEDIR@
"""

CMAKE_C = """\
#include "demo.h"

const char *demo_values(void) { return "list=" DEMO_JOINED; }
int demo_answer(void) { return 40 + DEMO_ITEMS; }
"""

# --------------------------------------------------------------------------- plain make

MAKEFILE = """\
libmakedemo.a: demo.o
\t$(AR) rcs $@ $^
demo.o: demo.c demo.h
\t$(CC) $(CPPFLAGS) $(CFLAGS) -c demo.c -o demo.o
install: libmakedemo.a
\tmkdir -p $(DESTDIR)/usr/local/lib/wasm32-wasi $(DESTDIR)/usr/local/include
\tcp libmakedemo.a $(DESTDIR)/usr/local/lib/wasm32-wasi/
\tcp demo.h $(DESTDIR)/usr/local/include/makedemo.h
"""

MAKE_C = """\
#include "demo.h"

const char *demo_values(void) { return "make=plain"; }
int demo_answer(void) { return 42; }
"""

DEMO_H = "const char *demo_values(void);\nint demo_answer(void);\n"

#: the test program every library's recipe declares: prints what the library was built with
TEST_PROGRAM = """\
#include <stdio.h>
#include <string.h>
#include <{header}>

int main(void) {{
    printf("{name}: %s answer=%d\\n", demo_values(), demo_answer());
    if (demo_answer() != 42 || strcmp(demo_values(), "{values}") != 0)
        return 1;
    puts("{name} OK");
    return 0;
}}
"""


@dataclass(frozen=True)
class Demo:
    name: str
    version: str
    files: dict[str, str]
    body: str  # the recipe function's body
    header: str  # what a consumer includes
    values: str  # what demo_values() returns when the options arrived
    pc: str  # the installed .pc file
    archive: str  # the installed static library


DEMOS = {
    "mesondemo": Demo(
        "mesondemo", "0.3",
        {"meson.build": MESON_BUILD, "meson.options": MESON_OPTIONS, "demo.c": MESON_C,
         "demo.h": DEMO_H},
        'b.meson({"with_extra": True, "features": ["alpha", "beta"]})',
        "demo.h", "features=alpha,beta", "mesondemo.pc", "libmesondemo.a",
    ),
    "cmakedemo": Demo(
        "cmakedemo", "0.2",
        {"CMakeLists.txt": CMAKELISTS, "cmakedemo.pc.in": CMAKE_PC_IN, "demo.c": CMAKE_C,
         "demo.h": DEMO_H},
        'b.cmake({"DEMO_LIST": ["a", "b"], "DEMO_FLAG": True})',
        "cmakedemo.h", "list=a+b", "cmakedemo.pc", "libcmakedemo.a",
    ),
    "makedemo": Demo(
        "makedemo", "0.1",
        {"Makefile": MAKEFILE, "demo.c": MAKE_C, "demo.h": DEMO_H},
        'b.make()\n    b.make_install()\n'
        '    b.write_pc("makedemo", libs="-lmakedemo", description="plain make helper test")',
        "makedemo.h", "make=plain", "makedemo.pc", "libmakedemo.a",
    ),
}

@dataclass(frozen=True)
class Refused:
    """A recipe handing values the build files refuse."""

    source: str  # the demo whose tarball it builds
    body: str
    step: str
    message: str  # the one-line error's message (after the tool's exit status)
    log_shows: str  # the refusal as the log has it


REFUSED = {
    "mesonbad": Refused(
        "mesondemo", 'b.meson({"with_extra": True, "features": ["alpha"]})', "meson setup",
        "`meson` exited with 1: meson.build:7:2: ERROR: Problem encountered: features arrived "
        "as [alpha], not [alpha, beta]",
        "features arrived as [alpha], not [alpha, beta]",
    ),
    # a list spelled the way a shell user might: CMake sees one item, not two
    "cmakebad": Refused(
        "cmakedemo", 'b.cmake({"DEMO_LIST": "a,b", "DEMO_FLAG": True})', "cmake configure",
        # CMake puts the text of message(FATAL_ERROR) on the next line: the error keeps it
        "`cmake` exited with 1: CMake Error at CMakeLists.txt:7 (message): DEMO_LIST arrived "
        "as 'a,b', not 'a;b'",
        "CMake Error at CMakeLists.txt:7 (message):\n  DEMO_LIST arrived as 'a,b', not 'a;b'\n",
    ),
}


def recipe_text(name: str, demo: Demo, sha: str, body: str, *, test: bool) -> str:
    test_arg = (f", test=Test('tests/{name}.c', pkg_config=({demo.pc[:-3]!r},), "
                f"expect='{name} OK')") if test else ""
    return (
        f'"""{name}: a stage-helper test recipe (tests/integration/test_stage_helpers.py)."""\n\n'
        "from wasixtasks.recipe import Test, Url, library\n"
        "from wasixtasks.stages import LibBuild\n\n\n"
        f"@library(version={demo.version!r}, name={name!r}, "
        f"source=Url('{URL_BASE}/{demo.name}-{demo.version}.tar.gz', sha256={sha!r}){test_arg})\n"
        f"def build_{name}(b: LibBuild) -> None:\n"
        f"    {body}\n"
    )


def add_mirror(root: Path, folder: Path) -> None:
    """Append ``folder`` to the ``mirror = [...]`` list of the sandbox's local config."""
    local = root / "wasixtasks.local.toml"
    lines = local.read_text().splitlines()
    (index,) = [i for i, line in enumerate(lines) if line.startswith("mirror = [")]
    assert lines[index].endswith("]"), lines[index]
    lines[index] = f"{lines[index][:-1]}, {json.dumps(str(folder))}]".replace("[, ", "[")
    local.write_text("\n".join(lines) + "\n")


@dataclass
class Built:
    root: Path
    result: Result
    refused: dict[str, Result]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = clone_project(tmp_path_factory.mktemp("helpers") / "project")
    (root / "mirror").mkdir()
    add_mirror(root, root / "mirror")
    shas = {}
    for name, demo in DEMOS.items():
        shas[name] = write_tarball(root, f"{name}-{demo.version}.tar.gz", demo.files)
        (root / "pkgs" / f"{name}.py").write_text(
            recipe_text(name, demo, shas[name], demo.body, test=True))
        (root / "pkgs" / "tests" / f"{name}.c").write_text(
            TEST_PROGRAM.format(name=name, header=demo.header, values=demo.values))
    for name, bad in REFUSED.items():
        (root / "pkgs" / f"{name}.py").write_text(
            recipe_text(name, DEMOS[bad.source], shas[bad.source], bad.body, test=False))
    # --force: a real build even when the shared artifact cache holds these from an earlier run
    result = invoke(root, "build.lib", ",".join(DEMOS), "-j", "2", "--force")
    refused = {name: invoke(root, "build.lib", name) for name in REFUSED}
    return Built(root, result, refused)


def files_of(root: Path, name: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    with tarfile.open(root / "artifacts" / f"{name}.tar.xz") as tf:
        for member in tf.getmembers():
            fh = tf.extractfile(member) if member.isfile() else None
            if fh is not None:
                out[member.name] = fh.read()
    return out


def ar_members(archive: bytes) -> dict[str, bytes]:
    """The members of a System V / GNU ``ar`` archive (names without the trailing ``/``)."""
    assert archive.startswith(b"!<arch>\n")
    out: dict[str, bytes] = {}
    pos, long_names = 8, b""
    while pos + 60 <= len(archive):
        header = archive[pos:pos + 60]
        name, size = header[:16].decode().strip(), int(header[48:58].decode().strip())
        data = archive[pos + 60:pos + 60 + size]
        if name == "//":
            long_names = data
        elif name.startswith("/") and name[1:].isdigit():
            offset = int(name[1:])
            name = long_names[offset:long_names.index(b"/\n", offset)].decode()
        if name not in ("/", "//", "/SYM64/"):
            out[name.rstrip("/")] = data
        pos += 60 + size + (size % 2)
    return out



def test_the_three_helpers_build(built: Built) -> None:
    result = built.result
    assert result.returncode == 0, result.output
    status = statuses(result.output)
    # the toolchain packages are restored from the shared cache (or built, if it is cold)
    assert {name: status[name] for name in DEMOS} == {name: "built" for name in DEMOS}, status
    assert set(status.values()) <= {"built", "restored"}, status
    for name in DEMOS:
        assert (built.root / "artifacts" / f"{name}.tar.xz").is_file()
        assert (built.root / "pkgs" / f"{name}.stamp").is_file()
    assert not list((built.root / "pkgs").glob("*.partial*"))


def test_the_typed_values_reached_meson_and_cmake(built: Built) -> None:
    assert built.result.returncode == 0, built.result.output
    meson_log = (built.root / "pkgs" / "mesondemo.log").read_text()
    assert "-Dwith_extra=true" in meson_log and "-Dfeatures=alpha,beta" in meson_log
    cmake_log = (built.root / "pkgs" / "cmakedemo.log").read_text()
    assert "-DDEMO_LIST:STRING=a;b" in cmake_log and "-DDEMO_FLAG:BOOL=ON" in cmake_log


@pytest.mark.parametrize("name", list(REFUSED))
def test_wrong_values_stop_the_configure_step(built: Built, name: str) -> None:
    bad, result = REFUSED[name], built.refused[name]
    assert result.returncode != 0, result.output
    m = ERROR_LINE.match(result.last_line)
    assert m, result.output
    assert (m["package"], m["step"]) == (name, bad.step), result.last_line
    assert m["message"] == f"1 package(s) failed: {bad.message}", result.last_line
    assert Path(m["log"]) == built.root / "pkgs" / f"{name}.log"
    assert bad.log_shows in Path(m["log"]).read_text()
    assert not (built.root / "artifacts" / f"{name}.tar.xz").exists()
    assert not (built.root / "pkgs" / f"{name}.lib").exists()
    assert not list((built.root / "pkgs").glob(f"{name}.*partial*"))
    assert not (built.root / "pkgs" / f"{name}.stamp").exists()


@pytest.mark.parametrize("name", list(DEMOS))
def test_artifact_holds_a_static_library_of_wasm_objects(built: Built, name: str) -> None:
    demo = DEMOS[name]
    files = files_of(built.root, name)
    archive = files[f"{LIBDIR}/{demo.archive}"]
    members = ar_members(archive)
    # one object (CMake names it demo.c.obj on WASI, the others demo.o / libmesondemo.a.p/...)
    (member,) = members
    assert "demo" in member, sorted(members)
    obj = members[member]
    assert obj.startswith(WASM_MAGIC), f"{name}: {member} is not a wasm object"
    # the option values were compiled in
    assert demo.values.encode() in obj
    assert b"demo_answer" in obj and b"demo_values" in obj
    header = f"usr/local/include/{'mesondemo/' if name == 'mesondemo' else ''}{demo.header}"
    assert files[header].decode() == DEMO_H
    assert all(not n.endswith(".la") for n in files)


@pytest.mark.parametrize("name", list(DEMOS))
def test_pc_file_follows_the_seed_convention(built: Built, name: str) -> None:
    demo = DEMOS[name]
    text = files_of(built.root, name)[f"{LIBDIR}/pkgconfig/{demo.pc}"].decode()
    fields = {line.partition(": ")[0]: line.partition(": ")[2]
              for line in text.splitlines() if ": " in line}
    variables = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and
                     ": " not in line)
    # the seed's convention, whatever the build system wrote (CMake's file has expanded paths)
    assert variables == {"prefix": "/usr/local", "exec_prefix": "${prefix}",
                         "libdir": "${exec_prefix}/lib/wasm32-wasi",
                         "includedir": "${prefix}/include"}, text
    assert fields["Libs"] == f"-L${{libdir}} -l{demo.archive[3:-2]}", text
    assert fields["Cflags"] == ("-I${includedir}/mesondemo" if name == "mesondemo"
                                else "-I${includedir}"), text
    assert fields["Version"] == demo.version, text
    assert str(built.root) not in text and "/tmp/" not in text


@pytest.mark.parametrize("name", list(DEMOS))
def test_test_program_links_through_pkg_config_and_runs_under_wasmer(built: Built,
                                                                     name: str) -> None:
    result = invoke(built.root, "test.lib", name)
    if EXIT_ABORT in result.output:
        pytest.fail(f"the command aborted at exit after running Wasmer (exit {result.returncode}"
                    f"); see wasixtasks/toolchain/runtime.py:\n{result.output}")
    assert result.returncode == 0, result.output
    assert f"{name}: {DEMOS[name].values} answer=42" in result.output
    assert f"[{name}] test passed: {name} OK" in result.output


def test_second_run_is_up_to_date(built: Built) -> None:
    assert built.result.returncode == 0, built.result.output
    result = invoke(built.root, "build.lib", ",".join(DEMOS))
    assert result.returncode == 0, result.output
    assert "nothing to do: all" in result.output
    assert "building" not in result.output

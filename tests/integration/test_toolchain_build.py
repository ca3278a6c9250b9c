"""The self-built WASIX toolchain: its self-test under Wasmer, the cache outside the checkout,
and what makes it rebuild.

`nox -s tests` runs `invoke toolchain.setup` before the tests, so the toolchain packages are
in the shared cache; every sandbox here restores them from it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import wasixtasks
from tests.helpers.sandbox import Result, cli_env, clone_project, invoke, statuses

pytestmark = pytest.mark.integration

TOOLCHAIN = ["wasix-libc", "compiler-rt", "libcxx"]



def listed_current(output: str) -> dict[str, bool]:
    """package -> whether `invoke list` says it is up to date."""
    out = {}
    for line in output.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 4:
            out[parts[0]] = "up to date" in line
    return out


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """A second checkout: `toolchain.setup` there finds everything in the shared cache."""
    root = clone_project(tmp_path_factory.mktemp("tc") / "project")
    return root, invoke(root, "toolchain.setup")


def test_setup_in_a_second_checkout_restores_from_the_cache(checkout: tuple[Path, Result]) -> None:
    root, result = checkout
    assert result.returncode == 0, result.output
    status = statuses(result.output)
    assert {*TOOLCHAIN, "cpython", "zlib", "xz", "bzip2", "libffi", "sqlite",
            "openssl"} <= set(status)
    assert set(status.values()) == {"restored"}, status
    assert "compiler: " in result.output and "target CPython 3.13" in result.output
    assert ".cpython-313-wasm32-wasi.so" in result.output
    for name in TOOLCHAIN:
        assert (root / "artifacts" / f"{name}.tar.xz").is_file()


def test_doctor_reports_a_ready_toolchain(checkout: tuple[Path, Result]) -> None:
    root, _ = checkout
    result = invoke(root, "toolchain.doctor")
    assert result.returncode == 0, result.output
    assert "profile: self-built" in result.output
    assert "compiler" in result.output and "[ok]" in result.output
    assert result.last_line == "status: ready"


def test_toolchain_self_test_runs_under_wasmer(checkout: tuple[Path, Result]) -> None:
    root, _ = checkout
    result = invoke(root, "test.lib", "libcxx")
    assert result.returncode == 0, result.output
    for line in ("pthread: ok", "setjmp: ok", "c++ exception: ok", "socket: ok"):
        assert line in result.output, result.output
    assert "[libcxx] test passed" in result.output


def compile_c(root: Path, folder: Path, sources: dict[str, str], *commands: list[str]) -> None:
    """Write ``sources`` into ``folder`` and run the checkout's wasix-cc (the compiler
    `toolchain.doctor` names) there once per command, with -O1."""
    doctor = invoke(root, "toolchain.doctor").output
    (compiler,) = [line.split()[1] for line in doctor.splitlines()
                   if line.split()[:1] == ["compiler"]]
    cc = str(Path(compiler) / "bin" / "wasix-cc")
    for name, text in sources.items():
        (folder / name).write_text(text)
    for args in commands:
        subprocess.run([cc, "-O1", *args], cwd=folder, check=True, capture_output=True)


#: A side module with a thread-local, and a program that loads it and reads it from the
#: loading thread and from two threads started afterwards, both alive at once.
SIDE_TLS = """\
static _Thread_local int counter = 7;
int *tls_addr(void) { return &counter; }
int tls_bump(void) { return ++counter; }
"""
MAIN_TLS = """\
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
static int *(*addr)(void);
static int (*bump)(void);
static pthread_barrier_t both;
static void *thread(void *arg) {
    int *p = addr();
    int before = *p, after = bump();
    pthread_barrier_wait(&both); /* the other thread is alive now too */
    printf("thread %d: %lu %d %d\\n", (int)(size_t)arg, (unsigned long)p, before, after);
    return NULL;
}
int main(void) {
    void *h = dlopen("/workspace/libtls.so", RTLD_NOW);
    if (!h) { printf("dlopen: %s\\n", dlerror()); return 1; }
    addr = (int *(*)(void))dlsym(h, "tls_addr");
    bump = (int (*)(void))dlsym(h, "tls_bump");
    int before = *addr();
    bump();
    printf("main: %lu %d %d\\n", (unsigned long)addr(), before, bump());
    pthread_barrier_init(&both, NULL, 2);
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, thread, (void *)(size_t)i);
    for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
    printf("main again: %lu %d\\n", (unsigned long)addr(), *addr());
    return 0;
}
"""


def test_side_module_thread_locals_are_per_thread(checkout: tuple[Path, Result],
                                                  tmp_path: Path) -> None:
    """Wasmer gives a thread started after a dlopen its own copy of the side module's
    thread-locals only through the module's __wasix_init_tls (wasix-libc's scrt1.o, which
    wasix-cc links into -shared outputs); without it those threads all read address 0."""
    from wasixtasks.checks import check_shared_libs
    from wasixtasks.toolchain.runtime import run_wasm

    root, _ = checkout
    compile_c(root, tmp_path, {"tls.c": SIDE_TLS, "main.c": MAIN_TLS},
              ["-shared", "tls.c", "-o", "libtls.so"], ["main.c", "-o", "main.wasm"])
    (module,) = check_shared_libs(tmp_path / "libtls.so", ()).modules
    assert (module.tls_size, module.tls_init, module.tls_unset) == (4, True, False)

    result = run_wasm(tmp_path / "main.wasm", workspace={"libtls.so": tmp_path / "libtls.so"})
    assert result.exit_code == 0, result
    lines = dict(line.split(": ") for line in result.stdout.splitlines())
    seen = {who: [int(v) for v in text.split()] for who, text in lines.items()}
    assert seen["main"][1:] == [7, 9] and seen["main again"] == [seen["main"][0], 9], seen
    # each thread starts from the initial value in a block of its own
    assert seen["thread 0"][1:] == seen["thread 1"][1:] == [7, 8], seen
    addresses = {seen[w][0] for w in ("main", "thread 0", "thread 1")}
    assert len(addresses) == 3 and 0 not in addresses, seen


#: A shared library with a function and a data symbol, and a program linked against it.
SHARED_LIB = """\
int foo_counter = 40;
int foo(void) { return ++foo_counter + 1; }
"""
MAIN_NEEDS = """\
#include <stdio.h>
extern int foo(void);
extern int foo_counter;
int main(void) {
    int got = foo();
    printf("foo() = %d, counter %d\\n", got, foo_counter);
    return got == 42 && foo_counter == 41 ? 0 : 1;
}
"""


def test_a_program_linked_against_a_shared_library_loads_it_at_start(
        checkout: tuple[Path, Result], tmp_path: Path) -> None:
    """wasix-cc links a program against a side module (``-lfoo`` finding libfoo.so): the
    program records it as needed, and Wasmer loads it when the program starts, from /lib,
    /usr/lib or /usr/local/lib but not from the sysroot's lib/wasm32-wasi. (What CPython
    linked against a shared libsqlite3 would rely on.)"""
    from wasixtasks.toolchain.runtime import run_wasm
    from wasixtasks.wasm import read_module

    root, _ = checkout
    compile_c(root, tmp_path, {"foo.c": SHARED_LIB, "main.c": MAIN_NEEDS},
              ["-shared", "foo.c", "-o", "libfoo.so"], ["main.c", "-L.", "-lfoo", "-o", "main.wasm"])
    program = read_module(tmp_path / "main.wasm")
    assert program.dylink is not None and program.dylink.needed == ("libfoo.so",)
    for folder in ("/lib", "/usr/lib", "/usr/local/lib"):
        result = run_wasm(tmp_path / "main.wasm",
                          files={f"{folder}/libfoo.so": tmp_path / "libfoo.so"})
        assert result.ok and result.stdout == "foo() = 42, counter 41\n", (folder, result)
    result = run_wasm(tmp_path / "main.wasm",
                      files={"/usr/local/lib/wasm32-wasi/libfoo.so": tmp_path / "libfoo.so"})
    assert not result.ok and "libfoo.so" in result.stderr, result


def test_a_changed_wasix_libc_pin_invalidates_the_toolchain(checkout: tuple[Path, Result],
                                                            tmp_path: Path) -> None:
    root = clone_project(tmp_path / "project")
    recipe = root / "pkgs" / "wasix_libc.py"
    text = recipe.read_text()
    # another pin (the hash decides; nothing is fetched by `list`)
    recipe.write_text(text.replace("34178a6272804f90448b5bd08dc7bcf0d85438e3",
                                   "e4e5cfc" + "0" * 33))
    before = invoke(checkout[0], "list")
    after = invoke(root, "list")
    assert before.returncode == 0 and after.returncode == 0, after.output
    assert all(listed_current(before.output)[n] for n in [*TOOLCHAIN, "cpython", "zlib"])
    now = listed_current(after.output)
    # wasix-libc and everything built with it: the whole toolchain and every package
    assert not any(now[n] for n in [*TOOLCHAIN, "cpython", "zlib", "xz", "sqlite"]), after.output
    doctor = invoke(root, "toolchain.doctor")
    assert "not built for these recipes" in doctor.output
    assert doctor.returncode == 9


def test_a_changed_driver_flag_invalidates_everything(checkout: tuple[Path, Result],
                                                      tmp_path: Path) -> None:
    """A copy of the wasixtasks package with one compiler flag changed: every package,
    toolchain first, is out of date."""
    package = tmp_path / "lib" / "wasixtasks"
    shutil.copytree(Path(wasixtasks.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    drivers = package / "toolchain" / "drivers.py"
    text = drivers.read_text()
    assert '"-fno-trapping-math",' in text
    drivers.write_text(text.replace('"-fno-trapping-math",', '"-fno-trapping-math", "-O1",'))
    root = checkout[0]
    env = cli_env(root, {"PYTHONPATH": str(tmp_path / "lib")})
    code = ("import wasixtasks, sys; print('lib', wasixtasks.__file__); "
            "from invoke import Program; from wasixtasks.tasks import namespace; "
            "Program(namespace=namespace()).run(['invoke', 'list'])")
    # cwd: the sandbox (with `-c`, the working folder comes first on sys.path)
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.returncode == 0, proc.stdout
    assert f"lib {package}/__init__.py" in proc.stdout
    now = listed_current(proc.stdout.split("\n", 1)[1])
    assert not any(now[n] for n in [*TOOLCHAIN, "cpython", "zlib"]), proc.stdout
    unchanged = invoke(root, "list")
    assert all(listed_current(unchanged.output)[n] for n in [*TOOLCHAIN, "cpython"])

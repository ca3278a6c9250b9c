"""`invoke check.signatures` on side modules compiled by the WASIX toolchain: a method table,
an attribute table, type slots and a static type object shaped like CPython's (no Python.h needed), where some
functions have the signature CPython calls them with and some do not (the bug class that traps
under WebAssembly: "indirect call type mismatch")."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.helpers.sandbox import REPO, cli_argv, cli_env
from wasixtasks.config import load_config
from wasixtasks.pipelines.common import Engine
from wasixtasks.registry import Registry
from wasixtasks.signatures import check_signatures

pytestmark = pytest.mark.integration

SOURCE = """\
typedef struct { const char *name; void *meth; int flags; const char *doc; } MethodDef;
typedef struct { const char *name; void *get; void *set; const char *doc; void *closure; } GetSet;
typedef struct { int slot; void *pfunc; } Slot;
typedef struct { const char *name; int basicsize, itemsize; unsigned flags; Slot *slots; } Spec;

static void *noargs_ok(void *self, void *unused) { return self; }
static void *noargs_BAD(void *self) { return self; }
static void *fast(void *self, void *const *args, long nargs) { return nargs ? args[0] : self; }
static void *getter_BAD(void *self) { return self; }
static int setter_ok(void *self, void *value, void *closure) { return value == closure; }
static void clear_BAD(void *self) { (void)self; }
static void dealloc_ok(void *self) { (void)self; }
/* defined by another module (CPython's Py_GenericAlias in regex's table): only its address */
extern void *defined_elsewhere(void *cls, void *arg);

static MethodDef methods[] = {
    {"ok", (void *)noargs_ok, 0x4, "fine"},        /* METH_NOARGS */
    {"bad", (void *)noargs_BAD, 0x4, 0},
    {"fast", (void *)fast, 0x80, 0},               /* METH_FASTCALL */
    {"__class_getitem__", (void *)defined_elsewhere, 0x8 | 0x10, 0},  /* METH_O|METH_CLASS */
    {0, 0, 0, 0},
};
static GetSet getset[] = {{"attr", (void *)getter_BAD, (void *)setter_ok, 0, 0}, {0, 0, 0, 0, 0}};
static Slot slots[] = {
    {52, (void *)dealloc_ok}, {51, (void *)clear_BAD}, {64, methods}, {73, getset}, {0, 0},
};
Spec demo_spec = {"demo.Thing", 8, 0, 0, slots};

/* a static PyTypeObject as 52 words: refcount (immortal), tp_name, tp_basicsize, tp_dealloc,
   tp_clear (+96) and tp_init (+148) */
static int init_BAD(void *self, void *args) { return self != args; }
void *demo_static_type[52] = {[0] = (void *)0x3FFFFFFF, [3] = "demo.Static", [4] = (void *)16,
                              [6] = (void *)dealloc_ok, [24] = (void *)clear_BAD,
                              [37] = (void *)init_BAD};
"""


def compile_side_module(tmp_path: Path, source: str) -> Path:
    cfg = load_config(REPO)
    registry = Registry.load(cfg)
    cc = Engine.load(cfg, registry).toolchain_for(registry.get("zlib")).tools["CC"]
    (tmp_path / "demo.c").write_text(source)
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", "demo.so", "demo.c"], cwd=tmp_path,
                   check=True, timeout=300)
    return tmp_path / "demo.so"


def test_mismatched_functions_are_named(tmp_path: Path) -> None:
    report = check_signatures(compile_side_module(tmp_path, SOURCE))
    assert report.unreadable == []
    assert report.totals() == (4, 1, 5)   # methods, attributes, function slots and fields
    assert [m.line() for _, m in report.mismatches] == [
        "PyMethodDef bad(): noargs_BAD is (i32) -> (i32), CPython calls it as "
        "(i32, i32) -> (i32)",
        "PyGetSetDef attr (getter): getter_BAD is (i32) -> (i32), CPython calls it as "
        "(i32, i32) -> (i32)",
        "PyType_Slot tp_clear: clear_BAD is (i32) -> (), CPython calls it as (i32) -> (i32)",
        "PyTypeObject demo.Static.tp_clear: clear_BAD is (i32) -> (), CPython calls it as "
        "(i32) -> (i32)",
        "PyTypeObject demo.Static.tp_init: init_BAD is (i32, i32) -> (i32), CPython calls it "
        "as (i32, i32, i32) -> (i32)",
    ]


def test_fixed_signatures_pass_and_the_task_says_so(tmp_path: Path) -> None:
    fixed = (SOURCE.replace("noargs_BAD(void *self)", "noargs_BAD(void *self, void *u)")
             .replace("getter_BAD(void *self)", "getter_BAD(void *self, void *c)")
             .replace("static void clear_BAD(void *self) { (void)self; }",
                      "static int clear_BAD(void *self) { (void)self; return 0; }")
             .replace("init_BAD(void *self, void *args)", "init_BAD(void *self, void *args, void *k)"))
    module = compile_side_module(tmp_path, fixed)
    assert check_signatures(module).mismatches == []
    ok = subprocess.run(cli_argv("check.signatures", str(module)), env=cli_env(REPO),
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ("1 wasm module(s): 4 methods, 1 attributes, 5 slots checked, "
            "0 signature mismatch(es)") in ok.stdout


def test_the_task_fails_with_one_line_naming_the_function(tmp_path: Path) -> None:
    module = compile_side_module(tmp_path, SOURCE)
    bad = subprocess.run(cli_argv("check.signatures", str(module)), env=cli_env(REPO),
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0
    last = bad.stderr.strip().splitlines()[-1]
    assert last.startswith("error: [signatures] ") and "noargs_BAD" in last, bad.stderr


def test_a_known_mismatch_can_be_allowed_by_pattern(tmp_path: Path) -> None:
    module = compile_side_module(tmp_path, SOURCE)
    allow = "*demo.so!noargs_BAD,*demo.so!getter_BAD,*demo.so!clear_BAD,*demo.so!init_BAD"
    ok = subprocess.run(cli_argv("check.signatures", str(module), "--allow", allow),
                        env=cli_env(REPO), capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 signature mismatch(es) (5 more allowed)" in ok.stdout
    assert ok.stdout.count("(allowed)") == 5

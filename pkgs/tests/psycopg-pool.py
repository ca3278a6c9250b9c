"""psycopg-pool under the WASIX CPython, without psycopg: the pool package imports psycopg
(not a Requires-Dist of it: users install psycopg[pool]), and psycopg needs libpq, which no
recipe provides yet. The test checks what can be checked: the installed distribution, its
dependency, every module compiles, and the import fails on the missing psycopg."""

import importlib
import importlib.metadata
import importlib.util
import sys

import typing_extensions

dist = importlib.metadata.distribution("psycopg-pool")
assert dist.version == "3.2.6", dist.version
spec = importlib.util.find_spec("psycopg_pool")
assert spec is not None and spec.submodule_search_locations
print("psycopg-pool", dist.version, "at", spec.submodule_search_locations[0])
print("requires:", dist.requires, "typing_extensions from", typing_extensions.__file__)

modules = [f for f in dist.files if f.suffix == ".py"]
for f in modules:
    compile(f.read_text(), str(f), "exec")
assert len(modules) >= 10, modules
print("modules compiled:", len(modules))

try:
    importlib.import_module("psycopg_pool")
except ImportError as exc:
    print("expected error without psycopg:", repr(exc))
    assert "psycopg" in str(exc), exc
else:
    print("psycopg_pool imported (psycopg is installed):", sys.modules["psycopg"].__file__)
print("psycopg-pool test OK")

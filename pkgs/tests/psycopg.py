"""psycopg under the WASIX CPython, without libpq: no postgresql recipe provides a WASIX
libpq.so yet, so the test only imports the package and checks the error psycopg raises when
it finds no libpq (its pure-Python implementation loads libpq through ctypes)."""

import ctypes.util
import importlib.metadata
import os
import sys

dist = importlib.metadata.distribution("psycopg")
print("psycopg", dist.version, "installed; libpq found by ctypes:", ctypes.util.find_library("pq"))
assert dist.version == "3.2.9"

try:
    import psycopg  # noqa: F401
except ImportError as exc:
    message = str(exc)
    print("expected error:", message.replace("\n", " | "))
    assert message.startswith("no pq wrapper available"), message
    assert "'python' implementation: libpq library not found" in message, message
else:
    raise AssertionError("psycopg imported without libpq: " + repr(psycopg))

for name in [m for m in sys.modules if m == "psycopg" or m.startswith("psycopg.")]:
    del sys.modules[name]
os.environ["PSYCOPG_IMPL"] = "python"
try:
    import psycopg  # noqa: F401,F811
except ImportError as exc:
    print("with PSYCOPG_IMPL=python:", exc)
    assert "requested psycopg 'python' implementation: libpq library not found" in str(exc)
else:
    raise AssertionError("psycopg imported without libpq")
print("psycopg test OK")

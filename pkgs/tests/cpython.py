"""The WASIX CPython itself: what its standard library gets from WASIX and the libraries."""

import bz2
import ctypes
import gc
import lzma
import mmap
import operator
import socket
import sqlite3
import sys
import sysconfig
import threading
import zlib

print("python", sys.version.split()[0], sys.platform, sysconfig.get_platform(),
      sysconfig.get_config_var("EXT_SUFFIX"))
assert sysconfig.get_platform() == "wasix-wasm32"

results = []
threads = [threading.Thread(target=lambda n=n: results.append(n * n)) for n in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert sorted(results) == [0, 1, 4, 9]
print("threads: 4 joined")

data = b"wasix " * 1000
assert zlib.decompress(zlib.compress(data)) == data
assert lzma.decompress(lzma.compress(data)) == data
assert bz2.decompress(bz2.compress(data)) == data
print("zlib, lzma, bz2: round trips")

db = sqlite3.connect(":memory:")
db.execute("create table t(v)")
db.executemany("insert into t values (?)", [(i,) for i in range(10)])
assert db.execute("select sum(v) from t").fetchone() == (45,)
print("sqlite3", sqlite3.sqlite_version, "sum 45")

libc = ctypes.CDLL(None)
assert libc.strlen(b"wasix") == 5
print("ctypes (libffi): strlen('wasix') = 5")

with mmap.mmap(-1, 4096) as m:
    m.write(b"mapped")
    assert m[:6] == b"mapped"
print("mmap: anonymous map")

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print("socket:", s.family.name, s.type.name)
s.close()
# a reference cycle through operator.methodcaller: the collector calls its tp_clear, whose
# signature must match the slot's (WebAssembly traps on a mismatched indirect call)
gc.collect()
held = {}  # a dict joins the collector's list only when it first holds a tracked object,
caller = operator.methodcaller("get", held)
held["caller"] = caller  # so here, after the methodcaller: its tp_clear runs first
del held, caller
print("gc: collected a cycle through operator.methodcaller,", gc.collect(), "objects")

print("cpython test OK")

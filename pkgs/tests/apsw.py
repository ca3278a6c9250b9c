"""apsw under the WASIX CPython: SQL through the C extension over our sqlite, the shared
libsqlite3.so.0 the interpreter loaded at start (one SQLite in the process, with ICU): an
in-memory database, a Python scalar and aggregate function, blob I/O, a virtual table
implemented in Python, a session changeset, ICU case mapping, and memory that the standard
library's sqlite3 allocates seen by apsw's counter."""

import apsw
import apsw.ext

assert apsw.__file__.endswith(".so"), apsw.__file__
print("apsw", apsw.apsw_version(), "SQLite", apsw.sqlite_lib_version(), "from", apsw.__file__)
options = set(apsw.compile_options)
assert "THREADSAFE=1" in options and "ENABLE_FTS5" in options, sorted(options)

# (called before any connection exists, as documented: the METH_NOARGS function the patch
# fixes; it wraps SQLite's mutexes to detect objects used across fork())
if hasattr(apsw, "fork_checker"):
    apsw.fork_checker()
con = apsw.Connection(":memory:")
con.execute("create table t(id integer primary key, name text, score real, data blob)")
with con:  # a transaction
    con.executemany("insert into t(name, score, data) values(?, ?, ?)",
                    [(f"row{i}", i * 1.5, bytes([i]) * i) for i in range(1, 101)])
assert con.execute("select count(*), sum(score) from t").fetchall() == [(100, 7575.0)]
assert con.execute("select name from t where id = ?", (42,)).get == "row42"
print("create/insert/select in a transaction: OK")


# a Python scalar function and an aggregate, called by SQLite's C code
def reverse(text):
    return text[::-1]


con.create_scalar_function("reverse", reverse, 1, deterministic=True)
assert con.execute("select reverse(name) from t where id = 7").get == "7wor"


class Product:
    def __init__(self):
        self.value = 1

    def step(self, x):
        self.value *= x

    def final(self):
        return self.value


con.create_aggregate_function("product", Product)
assert con.execute("select product(id) from t where id <= 6").get == 720
try:
    con.execute("select reverse(123)").get
except TypeError as exc:
    print("an exception raised in a Python function reaches the caller:", type(exc).__name__)
print("Python scalar and aggregate functions: OK")

# blob I/O: incremental reads and writes into a zeroblob
con.execute("insert into t(id, name, data) values(1000, 'blob', zeroblob(4096))")
blob = con.blob_open("main", "t", "data", 1000, True)
assert blob.length() == 4096
blob.write(b"wasix" * 100)
blob.seek(0)
assert blob.read(10) == b"wasixwasix" and blob.tell() == 10
blob.seek(4090)
blob.write(b"end!!!")
blob.close()
data = con.execute("select data from t where id = 1000").get
assert data.startswith(b"wasix") and data.endswith(b"end!!!") and len(data) == 4096
print("blob I/O (open, write, seek, read, tell): OK")


# a virtual table whose rows come from a Python generator
def squares(start, stop):
    for n in range(start, stop):
        yield {"n": n, "square": n * n}


squares.columns = ("n", "square")
squares.column_access = apsw.ext.VTColumnAccess.By_Name
apsw.ext.make_virtual_module(con, "squares", squares)
rows = con.execute("select n, square from squares(3, 8) where square > 20").fetchall()
assert rows == [(5, 25), (6, 36), (7, 49)], rows
print("virtual table in Python:", rows)

# the session extension (compiled into our sqlite): a changeset of an update
session = apsw.Session(con, "main")
session.attach("t")
con.execute("update t set score = -1 where id in (1, 2, 3)")
changeset = session.changeset()
changes = [(c.op, c.name) for c in apsw.Changeset.iter(changeset)]  # valid while iterating
assert changes == [("UPDATE", "t")] * 3, changes
print("session changeset:", len(changeset), "bytes,", len(changes), "updates")

# errors come back as exceptions with SQLite's message
try:
    con.execute("select * from missing_table")
except apsw.SQLError as exc:
    print("SQL error:", exc)
else:
    raise AssertionError("a query on a missing table succeeded")
con.close()

# the library the interpreter loaded for _sqlite3, not a second copy: both modules count
# the same allocations, and ICU is in it
import sqlite3  # noqa: E402

con = apsw.Connection(":memory:")
assert con.execute("select upper('straße')").fetchall() == [("STRASSE",)]
before = apsw.memory_used()
other = sqlite3.connect(":memory:")
other.execute("create table big(x)")
other.execute("insert into big with recursive n(i) as (select 1 union all select i + 1 "
              "from n where i < 2000) select randomblob(1000) from n")
grown = apsw.memory_used() - before
assert grown > 1_000_000, grown
print(f"one SQLite per process: apsw saw sqlite3's {grown} bytes; ICU upper('straße') = STRASSE")
other.close()
con.close()
print("apsw test OK")

"""psycopg-binary under Wasmer: psycopg (our pure wheel) picks the binary implementation
(psycopg-c's C code as psycopg_binary) over the statically linked libpq; libpq calls
(version, conninfo parsing, escaping, a failed connection), SQL composition, and
dumpers/loaders of the C Transformer, no server needed."""

import datetime
import decimal
import uuid

import psycopg
import psycopg_binary
from psycopg import pq, sql
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import Format

print("psycopg", psycopg.__version__, "psycopg_binary", psycopg_binary.__version__)
assert pq.__impl__ == "binary", pq.__impl__
assert pq.__build_version__ >= 180000, pq.__build_version__
assert pq.version() >= 180000, pq.version()
assert Transformer.__module__.startswith("psycopg_binary"), Transformer.__module__
print("pq implementation", pq.__impl__, "libpq", pq.version(), "Transformer", Transformer)

# conninfo parsing and defaults through libpq (PQconninfoParse, PQconndefaults)
opts = {o.keyword: o.val for o in pq.Conninfo.parse(b"host=db.example port=5433 dbname=x")}
assert opts[b"host"] == b"db.example" and opts[b"port"] == b"5433", opts
assert any(o.keyword == b"sslmode" for o in pq.Conninfo.get_defaults())
try:
    pq.Conninfo.parse(b"host=x nonsense")
except psycopg.OperationalError as exc:
    print("bad conninfo refused:", str(exc).strip())
else:
    raise AssertionError("bad conninfo was accepted")

# escaping that needs no connection: PQescapeBytea, libpq's connection-less escape (the
# old "escape" format for a string literal without standard_conforming_strings)
esc = pq.Escaping()
assert esc.escape_bytea(b"\x00ab\xff") == b"\\\\000ab\\\\377", esc.escape_bytea(b"\x00ab\xff")
assert esc.unescape_bytea(b"\\x0061") == b"\x00a"

# a connection attempt to a port where nothing listens fails in libpq (the sandbox has no
# network here, so the connect() itself fails)
try:
    psycopg.connect("host=127.0.0.1 port=9 dbname=test user=u connect_timeout=5")
except psycopg.OperationalError as exc:
    message = str(exc)
    print("connect failed:", message.strip().splitlines()[0])
    assert '127.0.0.1' in message and "port 9 failed" in message, message
else:
    raise AssertionError("connected to a server that should not exist")

# SQL composition (quoting of identifiers and literals without a connection)
query = sql.SQL("SELECT {fields} FROM {table} WHERE {col} = {value}").format(
    fields=sql.SQL(", ").join([sql.Identifier("id"), sql.Identifier("Mixed Case")]),
    table=sql.Identifier("public", "my table"),
    col=sql.Identifier("name"),
    value=sql.Literal("O'Reilly"),
)
text = query.as_string(None)
assert text == ('SELECT "id", "Mixed Case" FROM "public"."my table" WHERE "name" = '
                "'O''Reilly'"), text
print("composed:", text)

# dumpers and loaders of the C Transformer, text and binary, without a server
tx = Transformer()
cases = [
    (42, "int8", b"42"),
    (-7.25, "float8", b"-7.25"),
    (True, "bool", b"t"),
    ("héllo", "text", "héllo".encode()),
    (decimal.Decimal("123.4500"), "numeric", b"123.4500"),
    (datetime.date(2025, 1, 31), "date", b"2025-01-31"),
    # (dumped as 32 hex digits, which PostgreSQL accepts)
    (uuid.UUID("12345678-1234-5678-1234-567812345678"), "uuid",
     b"12345678123456781234567812345678"),
]
types = psycopg.postgres.types
for value, name, dumped in cases:
    dumper = tx.get_dumper(value, PyFormat.TEXT)
    out = dumper.dump(value)
    assert bytes(out) == dumped, (value, bytes(out), dumped)
    loader = tx.get_loader(types[name].oid, Format.TEXT)
    back = loader.load(dumped)
    assert back == value, (name, back, value)
    # the binary format round trip as well
    bdumper = tx.get_dumper(value, PyFormat.BINARY)
    bloader = tx.get_loader(bdumper.oid or types[name].oid, Format.BINARY)
    assert bloader.load(bdumper.dump(value)) == value, (name, "binary")
# bytea: without a connection the text dumper escapes as libpq's PQescapeBytea does; the
# loader reads the server's hex output
assert bytes(tx.get_dumper(b"\x00\x01", PyFormat.TEXT).dump(b"\x00\x01")) == b"\\\\000\\\\001"
assert tx.get_loader(types["bytea"].oid, Format.TEXT).load(b"\\x0001") == b"\x00\x01"
print("C dumpers/loaders:", ", ".join(name for _, name, _ in cases))
lit = tx.as_literal("it's")
assert lit == b"'it''s'", lit
assert tx.as_literal(None) == b"NULL"
assert tx.as_literal([1, 2, 3]) == b"'{1,2,3}'::int2[]", tx.as_literal([1, 2, 3])
# a text array and an int array through the C loaders
int_array = tx.get_loader(types["int4"].array_oid, Format.TEXT)
assert int_array.load(b"{1,2,NULL,4}") == [1, 2, None, 4]
print("psycopg-binary test OK")

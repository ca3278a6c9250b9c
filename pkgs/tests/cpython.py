"""The WASIX CPython itself: what its standard library gets from WASIX and the libraries."""

import bz2
import ctypes
import gc
import hashlib
import lzma
import mmap
import operator
import os
import socket
import sqlite3
import ssl
import sys
import sysconfig
import tempfile
import threading
import zlib

#: A self-signed certificate for "localhost" and its P-256 key, made for this test only with
#: `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500 -nodes
#: -subj /CN=localhost -addext subjectAltName=DNS:localhost`; it protects nothing.
TEST_CERT = """\
-----BEGIN CERTIFICATE-----
MIIBlDCCATugAwIBAgIUYHd4FZs0HOeTB6znPmjs3FEpBjEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjE2NTYxOVoYDzIxMjYxMTA4
MTY1NjE5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASM6rX83fMlFVbhuhluFcea3nvBWSBH8GHAuHdIeoib5p/Jr+bj4VLx
I5+C+dNM3FO4KHZ8kGHVCmGU5WUsyES7o2kwZzAdBgNVHQ4EFgQUv/s3Sv08XjpG
aw6hE+idczdFHmkwHwYDVR0jBBgwFoAUv/s3Sv08XjpGaw6hE+idczdFHmkwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglsb2NhbGhvc3QwCgYIKoZIzj0EAwID
RwAwRAIgZjm8D/he3wgfG1Itl1A0UB3SKZUHgHwDOl97hSNeSIwCIDhHPABZlpwC
/uzMUcAbFTn2E9qe39zVgterAo43MINN
-----END CERTIFICATE-----
"""
TEST_KEY = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxG1fjSLS2s7qjwl8
qqIrlcUA35760coNOWeUSMnRr+mhRANCAASM6rX83fMlFVbhuhluFcea3nvBWSBH
8GHAuHdIeoib5p/Jr+bj4VLxI5+C+dNM3FO4KHZ8kGHVCmGU5WUsyES7
-----END PRIVATE KEY-----
"""

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
copy = sqlite3.connect(":memory:")
copy.deserialize(db.serialize())  # the serialize API configure was told the library has
assert copy.execute("select sum(v) from t").fetchone() == (45,)
# the shared libsqlite3 (loaded from /usr/local/lib) carries ICU: Unicode case mapping and
# locale collations ('ö' sorts with 'o' in German, after 'z' in Swedish)
assert db.execute("select upper('straße')").fetchone() == ("STRASSE",)
db.execute("select icu_load_collation('de_DE', 'german'), icu_load_collation('sv_SE', 'swedish')")
db.execute("create table w(word)")
db.executemany("insert into w values (?)", [("zebra",), ("öl",), ("ost",)])
order = {c: [w for (w,) in db.execute(f"select word from w order by word collate {c}")]
         for c in ("german", "swedish")}
assert order == {"german": ["öl", "ost", "zebra"], "swedish": ["ost", "zebra", "öl"]}, order
print("sqlite3", sqlite3.sqlite_version, "sum 45; ICU upper and collations", order)

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

# ssl and hashlib over OpenSSL: digests, then a TLS 1.3 handshake between two SSLObjects
# over memory BIOs (the server with the test certificate, the client verifying it)
assert hashlib.sha256.__name__ == "openssl_sha256", hashlib.sha256
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf")
assert hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000).hex().startswith("0a382535")
with tempfile.TemporaryDirectory() as tmp:
    certfile, keyfile = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    with open(certfile, "w") as f:
        f.write(TEST_CERT)
    with open(keyfile, "w") as f:
        f.write(TEST_KEY)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(certfile, keyfile)
    client_ctx = ssl.create_default_context(cafile=certfile)
bios = [ssl.MemoryBIO() for _ in range(4)]  # client in/out, server in/out
client = client_ctx.wrap_bio(bios[0], bios[1], server_hostname="localhost")
server = server_ctx.wrap_bio(bios[2], bios[3], server_side=True)
for _ in range(10):
    done = 0
    for side in (client, server):
        try:
            side.do_handshake()
            done += 1
        except ssl.SSLWantReadError:
            pass
    bios[2].write(bios[1].read())  # client to server
    bios[0].write(bios[3].read())  # server to client
    if done == 2:
        break
else:
    raise AssertionError("the TLS handshake did not finish")
client.write(b"over TLS")
bios[2].write(bios[1].read())
assert server.read() == b"over TLS"
print(ssl.OPENSSL_VERSION + ":", client.version(), client.cipher()[0],
      "handshake verified", client.getpeercert()["subject"])

print("cpython test OK")

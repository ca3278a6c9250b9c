"""certifi under the WASIX CPython: the CA bundle is inside the installed package, readable,
and loads into an ssl context when the interpreter has the ssl module."""

import os

import certifi

path = certifi.where()
print("certifi", certifi.__version__, "bundle at", path)
assert os.path.isfile(path), path
pem = certifi.contents()
count = pem.count("-----BEGIN CERTIFICATE-----")
assert count > 100, count
assert "ISRG Root X1" in pem
print("certificates in the bundle:", count)
try:
    import ssl
except ImportError as exc:
    print("no ssl module in this interpreter:", exc)
else:
    ctx = ssl.create_default_context(cafile=path)
    stats = ctx.cert_store_stats()
    assert stats["x509_ca"] == count, stats
    print("ssl context loaded", stats["x509_ca"], "CA certificates")
print("certifi test OK")

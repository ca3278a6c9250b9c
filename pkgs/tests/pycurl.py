"""pycurl under Wasmer: libcurl (static, with OpenSSL, zlib and brotli) through the _pycurl
extension: version info, a file:// transfer into a buffer and through callbacks, easy
options and info, error reporting, and the multi interface. No network."""

import io
import os
import tempfile

import pycurl

print(pycurl.version)
info = pycurl.version_info()
# (age, version, version_num, host, features, ssl_version, ssl_version_num, libz_version,
#  protocols, ...)
assert info[1] == "8.14.1", info[1]
assert info[5].startswith("OpenSSL/3."), info[5]
assert info[7], "no zlib version"
protocols = set(info[8])
assert {"file", "http", "https"} <= protocols, protocols
features = info[4]
assert features & pycurl.VERSION_SSL and features & pycurl.VERSION_LIBZ
assert features & pycurl.VERSION_BROTLI
print("libcurl", info[1], info[5], "zlib", info[7], len(protocols), "protocols")

# a file:// transfer of a file this test writes, into a BytesIO
payload = b"".join(b"line %d of the pycurl file transfer test\n" % i for i in range(500))
folder = tempfile.mkdtemp()
path = os.path.join(folder, "data.txt")
with open(path, "wb") as f:
    f.write(payload)
url = "file://" + path

buf = io.BytesIO()
c = pycurl.Curl()
c.setopt(pycurl.URL, url)
c.setopt(pycurl.WRITEDATA, buf)
c.setopt(pycurl.NOSIGNAL, 1)
c.perform()
assert buf.getvalue() == payload
size = c.getinfo(pycurl.SIZE_DOWNLOAD)
assert size == len(payload), size
assert c.getinfo(pycurl.EFFECTIVE_URL) == url
assert c.getinfo(pycurl.RESPONSE_CODE) == 0  # file:// has no response code
print("file:// transfer", int(size), "bytes")

# the same handle again, reset, with a byte range and Python callbacks (C calling Python)
chunks: list[bytes] = []
progress: list[tuple[int, int]] = []
c.reset()
c.setopt(pycurl.URL, url)
c.setopt(pycurl.RANGE, "100-199")
c.setopt(pycurl.WRITEFUNCTION, chunks.append)
c.setopt(pycurl.NOPROGRESS, 0)
c.setopt(pycurl.XFERINFOFUNCTION, lambda dt, dn, ut, un: progress.append((dt, dn)) or 0)
c.perform()
assert b"".join(chunks) == payload[100:200], b"".join(chunks)[:40]
assert progress, "no progress callback"
print("range 100-199 through WRITEFUNCTION:", len(b"".join(chunks)), "bytes")

# a header-only request (NOBODY) still reports the size
c.reset()
c.setopt(pycurl.URL, url)
c.setopt(pycurl.NOBODY, 1)
c.perform()
assert c.getinfo(pycurl.CONTENT_LENGTH_DOWNLOAD) == len(payload)

# errors come back as pycurl.error with libcurl's code and message
c.reset()
c.setopt(pycurl.URL, "file://" + os.path.join(folder, "missing.txt"))
c.setopt(pycurl.WRITEDATA, io.BytesIO())
try:
    c.perform()
except pycurl.error as exc:
    code, message = exc.args
    assert code == pycurl.E_FILE_COULDNT_READ_FILE, exc.args
    print("missing file:", code, message)
else:
    raise AssertionError("a missing file was read")
try:
    c.setopt(pycurl.URL, "no-such-scheme://x")
    c.perform()
except pycurl.error as exc:
    assert exc.args[0] == pycurl.E_UNSUPPORTED_PROTOCOL, exc.args
else:
    raise AssertionError("an unknown scheme was accepted")
# bad option values are refused by pycurl's C code before libcurl sees them
try:
    c.setopt(pycurl.URL, 42)
except TypeError:
    pass
else:
    raise AssertionError("a non-string URL was accepted")
c.close()

# the multi interface: three transfers driven together
multi = pycurl.CurlMulti()
handles = []
for start in (0, 1000, 2000):
    h = pycurl.Curl()
    h.buffer = io.BytesIO()  # type: ignore[attr-defined]
    h.setopt(pycurl.URL, url)
    h.setopt(pycurl.RANGE, f"{start}-{start + 499}")
    h.setopt(pycurl.WRITEDATA, h.buffer)  # type: ignore[attr-defined]
    multi.add_handle(h)
    handles.append((start, h))
running = len(handles)
rounds = 0
while running:
    ret, running = multi.perform()
    while ret == pycurl.E_CALL_MULTI_PERFORM:
        ret, running = multi.perform()
    if running:
        multi.select(1.0)
    rounds += 1
    assert rounds < 1000, "the multi transfers do not finish"
queued, ok, failed = multi.info_read()
assert queued == 0 and len(ok) == 3 and not failed, (queued, ok, failed)
for start, h in handles:
    assert h.buffer.getvalue() == payload[start:start + 500]  # type: ignore[attr-defined]
    multi.remove_handle(h)
    h.close()
multi.close()
print("CurlMulti: 3 transfers in", rounds, "rounds")

# share handle (C-level locking between easy handles)
share = pycurl.CurlShare()
share.setopt(pycurl.SH_SHARE, pycurl.LOCK_DATA_DNS)
share.close()

print("pycurl test OK")

"""pycurl under Wasmer: libcurl (static, with OpenSSL, zlib and brotli) through the _pycurl
extension: version info, a file:// transfer into a buffer and through callbacks, easy
options and info, error reporting, the multi interface, and HTTP and HTTPS (a certificate
verified against a CA file) from servers in this process on 127.0.0.1: CPython's
http.server, and its ssl on a thread, so two OpenSSL copies work side by side (the
interpreter's and the one linked into the module)."""

import http.server
import io
import os
import socket
import ssl
import tempfile
import threading

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

# HTTP and HTTPS from this process: CPython's server (the interpreter's OpenSSL) on a thread,
# libcurl's client (the module's own OpenSSL) verifying the certificate against a CA file
KEY = b"""-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQKfOgzO4hACNrgW7
SoOLhf9yX2PtNrnOTjsB5aw40hWhRANCAAQ8JSpIf3x83rP1ttvJ4pEuHJrZ5T3D
azKlzpSS2iivNxJO1yQ/YAtzOdgFpceaFkdvf2gybWL27hnQjVi1UYzx
-----END PRIVATE KEY-----
"""
# self-signed, CN and subjectAltName localhost and 127.0.0.1, valid until 2126
CERT = b"""-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUKC8y9PgrKw4k5vn8+3dnYlLhcTEwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTIwMjE0NTkzMVoYDzIxMjYxMTA4
MTQ1OTMxWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQ8JSpIf3x83rP1ttvJ4pEuHJrZ5T3DazKlzpSS2iivNxJO1yQ/YAtz
OdgFpceaFkdvf2gybWL27hnQjVi1UYzxo28wbTAdBgNVHQ4EFgQUYW24OAtOlIVr
5Q4LWivPCGI0l1owHwYDVR0jBBgwFoAUYW24OAtOlIVr5Q4LWivPCGI0l1owDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSQAwRgIhAO9rX4tk+xBhcyI6VsO8MtdtjEuWGoXGkEVmyJNdMiPcAiEA
/20WMi/82FoLUzBIQjxH3UIOqKMH8BVD5YjwHk5Tnf0=
-----END CERTIFICATE-----
"""
key_file, cert_file = os.path.join(folder, "key.pem"), os.path.join(folder, "cert.pem")
with open(key_file, "wb") as f:
    f.write(KEY)
with open(cert_file, "wb") as f:
    f.write(CERT)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"GET " + self.path.encode() + b" over http"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def tls_server(requests: int) -> tuple[int, dict[int, str]]:
    """A TLS server for ``requests`` connections on a thread: CPython's ssl over memory BIOs
    on accepted sockets (Wasmer's sockets refuse getsockopt(SO_TYPE), which wrap_socket
    asks). Answers one GET per connection; what went wrong per connection is collected."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    errors: dict[int, str] = {}  # connection number -> what went wrong

    def one(conn: socket.socket) -> None:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = context.wrap_bio(incoming, outgoing, server_side=True)

        def flush() -> None:
            if data := outgoing.read():
                conn.sendall(data)

        def until_done(step):  # type: ignore[no-untyped-def]
            while True:
                try:
                    return step()
                except ssl.SSLWantReadError:
                    flush()
                    data = conn.recv(65536)
                    if not data:
                        raise EOFError("the client closed the connection")
                    incoming.write(data)

        until_done(tls.do_handshake)
        request = b""
        while b"\r\n\r\n" not in request:
            request += until_done(lambda: tls.read(65536))
        path = request.split(b" ")[1]
        body = b"GET " + path + b" over https"
        tls.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                  % (len(body), body))
        flush()

    def serve() -> None:
        for number in range(requests):
            conn, _ = listener.accept()
            try:
                one(conn)
            except (ssl.SSLError, EOFError, OSError) as exc:
                errors[number] = f"{type(exc).__name__}: {exc}"
            finally:
                conn.close()
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1], errors


def get(url: str, **options: object) -> tuple[pycurl.Curl, bytes]:
    buf = io.BytesIO()
    c = pycurl.Curl()
    c.setopt(pycurl.URL, url)
    c.setopt(pycurl.WRITEDATA, buf)
    c.setopt(pycurl.NOSIGNAL, 1)
    c.setopt(pycurl.TIMEOUT, 30)
    for name, value in options.items():
        c.setopt(getattr(pycurl, name), value)
    c.perform()
    return c, buf.getvalue()


http_server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=http_server.serve_forever, daemon=True).start()
c, body = get(f"http://127.0.0.1:{http_server.server_address[1]}/hello?x=1")
assert c.getinfo(pycurl.RESPONSE_CODE) == 200 and body == b"GET /hello?x=1 over http", body
c.close()
http_server.shutdown()
print("http from 127.0.0.1:", body.decode())

tls_port, tls_errors = tls_server(requests=2)
c, body = get(f"https://127.0.0.1:{tls_port}/hello?x=1", CAINFO=cert_file)
assert c.getinfo(pycurl.RESPONSE_CODE) == 200 and body == b"GET /hello?x=1 over https", body
assert c.getinfo(pycurl.SSL_VERIFYRESULT) == 0
c.close()
print("https from 127.0.0.1:", body.decode(), "(certificate verified)")

# a verified certificate whose public key is not the pinned one is refused after the handshake
try:
    get(f"https://127.0.0.1:{tls_port}/", CAINFO=cert_file,
        PINNEDPUBLICKEY="sha256//" + "A" * 43 + "=")
except pycurl.error as exc:
    assert exc.args[0] == pycurl.E_SSL_PINNEDPUBKEYNOTMATCH, exc.args
    print("wrong public key pin refused:", exc.args[1])
else:
    raise AssertionError("a certificate with another public key was accepted")
assert 0 not in tls_errors, tls_errors  # the first connection went through cleanly

print("pycurl test OK")

"""urllib3 under the WASIX CPython, without a network: URL parsing, headers, retries and
timeouts, multipart bodies, and a pool that is set up but never connects."""

import urllib3
from urllib3.fields import RequestField
from urllib3.filepost import encode_multipart_formdata
from urllib3.util import Retry, Timeout, parse_url

print("urllib3", urllib3.__version__, "from", urllib3.__file__)
url = parse_url("HTTPS://user:pw@Example.COM:8443/a/../b/%7e?q=1#frag")
assert (url.scheme, url.auth, url.host, url.port, url.query, url.fragment) == \
    ("https", "user:pw", "example.com", 8443, "q=1", "frag"), url
assert url.path == "/b/%7E", url.path  # dot segments removed, percent-encoding normalized
print("parsed:", url.url)

headers = urllib3.HTTPHeaderDict()
headers.add("Set-Cookie", "a=1")
headers.add("set-cookie", "b=2")
headers["Content-Type"] = "text/plain"
assert headers["SET-COOKIE"] == "a=1, b=2" and headers.getlist("set-cookie") == ["a=1", "b=2"]

retry = Retry(total=3, backoff_factor=0.5, status_forcelist=[503])
retry = retry.increment(method="GET", url="/x")
assert retry.total == 2 and retry.is_retry("GET", 503) and not retry.is_retry("GET", 404)
timeout = Timeout(connect=2.0, read=7.0)
assert (timeout.connect_timeout, timeout.read_timeout) == (2.0, 7.0)
print("headers, retries and timeouts")

field = RequestField("file", b"\x00payload", filename="a.bin")
field.make_multipart(content_type="application/octet-stream")
body, content_type = encode_multipart_formdata([("name", "wasix"), field], boundary="xyz")
assert content_type == "multipart/form-data; boundary=xyz"
assert b'name="name"\r\n\r\nwasix\r\n' in body and b'filename="a.bin"' in body
print("multipart body:", len(body), "bytes")

pool = urllib3.PoolManager(num_pools=2, retries=False)
conn_pool = pool.connection_from_url("http://example.invalid:8080/")
assert isinstance(conn_pool, urllib3.HTTPConnectionPool) and conn_pool.port == 8080
print("pool for", conn_pool.host, conn_pool.port, "(no connection made)")
print("urllib3 test OK")

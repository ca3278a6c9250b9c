"""requests under the WASIX CPython, without a network: sessions, prepared requests (URL,
params, headers, JSON and multipart bodies, auth), cookies, and responses decoded with
charset_normalizer; nothing is sent."""

import json

import certifi
import charset_normalizer
import idna
import requests
import urllib3
from requests.auth import HTTPBasicAuth

print("requests", requests.__version__, "from", requests.__file__)
print("with urllib3", urllib3.__version__, "idna", idna.__version__, "charset_normalizer",
      charset_normalizer.__version__, "certifi", certifi.__version__)
assert requests.utils.DEFAULT_CA_BUNDLE_PATH == certifi.where()

session = requests.Session()
session.headers["User-Agent"] = "wasix-test"
session.cookies.set("sid", "abc123", domain="example.org")
req = requests.Request("POST", "https://example.org/api/items", params={"q": "grüß", "n": 2},
                       json={"name": "wasix", "tags": ["a", "b"]}, auth=HTTPBasicAuth("u", "p"))
prep = session.prepare_request(req)
assert prep.url == "https://example.org/api/items?q=gr%C3%BC%C3%9F&n=2", prep.url
assert prep.headers["Content-Type"] == "application/json"
assert prep.headers["Authorization"] == "Basic dTpw"
assert prep.headers["Cookie"] == "sid=abc123" and prep.headers["User-Agent"] == "wasix-test"
assert json.loads(prep.body) == {"name": "wasix", "tags": ["a", "b"]}
print("prepared:", prep.method, prep.url, len(prep.body), "byte JSON body")

idn = requests.Request("GET", "http://bücher.example/x").prepare()
assert idn.url == "http://xn--bcher-kva.example/x", idn.url
files = requests.Request("POST", "http://example.org/up", files={"f": ("a.txt", b"hello")},
                         data={"k": "v"}).prepare()
assert files.headers["Content-Type"].startswith("multipart/form-data; boundary=")
assert b'filename="a.txt"' in files.body and b"hello" in files.body
print("IDNA host:", idn.url, "multipart:", len(files.body), "bytes")

resp = requests.Response()
resp.status_code = 404
text = ("Привет, мир! Это проверка определения кодировки для русского текста, который "
        "достаточно длинный.")
resp._content = text.encode("cp1251")
resp.headers["Content-Type"] = "text/plain"  # no charset: requests asks charset_normalizer
resp.url = prep.url
assert resp.apparent_encoding.lower() in ("windows-1251", "cp1251"), resp.apparent_encoding
resp.encoding = resp.apparent_encoding
assert resp.text == text
try:
    resp.raise_for_status()
except requests.HTTPError as exc:
    print("expected error:", exc)
else:
    raise AssertionError("no HTTPError for 404")
print("response decoded as", resp.apparent_encoding)
print("requests test OK")

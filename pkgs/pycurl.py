"""pycurl: setuptools + C (the _pycurl extension) over libcurl, linked statically with
curl's own libraries (OpenSSL, zlib, brotli)."""

import os

from wasixtasks.layout import PREFIX
from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="7.45.6",
    source=Sdist("pycurl", sha256="2b73e66b22719ea48ac08a93fc88e57ef36d46d03cb09d972063c9aa86bb74e6"),
    # libcurl is a static archive only; OpenSSL also ships side modules, whose unversioned
    # links its recipe removed, so -lssl and -lcrypto find the archives
    libs=["curl", "openssl", "zlib", "brotli"],
    static_libs=True,
    native=True,
    test=Test("tests/pycurl.py", expect="pycurl test OK", network=True),
)
def pycurl(b: WheelBuild) -> None:
    # setup.py asks curl-config for everything (version, flags, libraries, SSL backend).
    # The sysroot's curl-config names the target layout (/usr/local): a copy whose prefix
    # is this sysroot's gives -I/-L flags into it (the seed's PYCURL_CURL_CONFIG), with
    # --libs naming the archives curl was linked with and --ssl-backends saying OpenSSL
    installed = b.sysroot / PREFIX.lstrip("/") / "bin" / "curl-config"
    text = installed.read_text()
    needle = f"prefix='{PREFIX}'\n"
    if needle not in text:
        raise RuntimeError(f"{installed}: no `{needle.strip()}` line to point at the sysroot")
    config = b.write("curl-config", text.replace(needle, f"prefix='{b.sysroot}{PREFIX}'\n", 1))
    os.chmod(config, 0o755)
    # -Bsymbolic: curl's OpenSSL is this module's own, not the interpreter's copy (which the
    # loader would bind its GOT entries to: TLS would fail to initialise)
    with b.flags(ldflags=["-Wl,-Bsymbolic"]):
        b.setuptools(env={"PYCURL_CURL_CONFIG": str(config)})

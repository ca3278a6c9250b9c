"""zlib: the compression library everything else links."""

from wasixtasks.recipe import Smoke, Url, library
from wasixtasks.stages.lib import LibBuild


@library(
    version="1.3.1",
    # The catalog's wasix build tracks zlib's develop branch (5a82f71) for its newer CMake;
    # we pin the 1.3.1 release tarball and use zlib's own configure script instead.
    source=Url(
        "https://zlib.net/fossils/zlib-1.3.1.tar.gz",
        sha256="9a93b2b7dfdac77ceba5a558a580e74667dd6fede4585b91eefb60f03b72df23",
    ),
    smoke=Smoke("smoke/zlib.c", pkg_config=("zlib",), expect="roundtrip OK"),
)
def zlib(b: LibBuild) -> None:
    # zlib's configure is hand-written: it rejects --host; CHOST names the cross target.
    b.configure("--static", autotools=False, env={"CHOST": "wasm32-wasi"})
    b.make("libz.a")
    b.make_install()

"""zlib: the compression library everything else links."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="1.3.1",
    source=Url(
        "https://zlib.net/fossils/zlib-1.3.1.tar.gz",
        sha256="9a93b2b7dfdac77ceba5a558a580e74667dd6fede4585b91eefb60f03b72df23",
        # Debian repacks 1.3.1 without contrib/ (a declared substitute, announced in builds)
        backup=Debian("zlib", "1:1.3.dfsg+really1.3.1-1",
                      sha256="60dd315c07f616887caa029408308a018ace66e3d142726a97db164b3b8f69fb"),
    ),
    catalog_version="develop@5a82f71",
    version_note="the catalog tracks zlib's moving develop branch; 1.3.1 is its last release",
    test=Test("tests/zlib.c", pkg_config=("zlib",), expect="roundtrip OK"),
)
def zlib(b: LibBuild) -> None:
    # zlib's configure is hand-written: it rejects --host; CHOST names the cross target
    b.configure("--static", autotools=False, env={"CHOST": "wasm32-wasi"})
    b.make("libz.a")
    b.make_install()

"""oniguruma: regular expressions library (autotools, from the GitHub tag: autoreconf).

The seed's catalog spells it "onigurama"."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="6.9.10",
    source=Url(
        "https://github.com/kkos/oniguruma/archive/refs/tags/v6.9.10.tar.gz",
        sha256="ad92309d0d13eebc27f6592e875f3efbfa3dda2bf6da5952e00f0a2120c921a8",
        # Debian's orig is GitHub's tag archive itself (byte-identical)
        backup=Debian("libonig", "6.9.10-1"),
    ),
    host_tools=["autoreconf", "automake", "libtoolize"],
    test=Test("tests/oniguruma.c", pkg_config=("oniguruma",), expect="search OK"),
)
def oniguruma(b: LibBuild) -> None:
    # a tag archive: configure is generated here (the seed: autoreconf)
    b.run("autoreconf", "-fi")
    b.autotools()

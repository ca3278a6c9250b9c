"""libpng: PNG reference library; links zlib."""

from wasixtasks.recipe import Smoke, Url, library
from wasixtasks.stages.lib import LibBuild


@library(
    version="1.6.50",
    source=Url(
        "https://download.sourceforge.net/libpng/libpng-1.6.50.tar.xz",
        sha256="4df396518620a7aa3651443e87d1b2862e4e88cad135a8b93423e01706232307",
    ),
    libs=["zlib"],
    smoke=Smoke("smoke/libpng.c", pkg_config=("libpng16",), expect="roundtrip OK"),
)
def libpng(b: LibBuild) -> None:
    # wasi-libc's setjmp.h needs wasm exception handling, which the toolchains do not enable
    # by default; libpng then reports errors through its error callbacks only.
    b.add_flags(cppflags=("-DPNG_NO_SETJMP",))
    b.autotools("--disable-tools", "--disable-tests")

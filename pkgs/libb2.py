"""libb2: the BLAKE2 library (autotools, from the GitHub tag: configure is generated here)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="0.98.1",
    source=Url(
        "https://github.com/BLAKE2/libb2/archive/refs/tags/v0.98.1.tar.gz",
        sha256="10053dbc2fa342516b780a6bbf6e7b2a2360b8d49c5ac426936bf3df82526732",
        # Debian's orig is GitHub's tag archive itself (byte-identical)
        backup=Debian("libb2", "0.98.1-1.1"),
    ),
    host_tools=["autoreconf", "automake", "libtoolize"],
    test=Test("tests/libb2.c", pkg_config=("libb2",), expect="test vector OK"),
)
def libb2(b: LibBuild) -> None:
    # a tag archive: no configure script yet
    b.run("autoreconf", "-fi")
    # the portable C implementation: no -march=native, no x86 SIMD variants, no OpenMP
    b.configure("--disable-native", "--disable-fat", "--disable-openmp")
    # configure replaces CFLAGS by its -O3: give make the build's flags (file prefix maps)
    # and that -O3 after them
    b.make(vars={"CFLAGS": f"{b.env_value('CFLAGS')} -O3"})
    b.make_install()

"""giflib: GIF reading and writing (plain Makefile; a hand-written giflib.pc, as the seed's)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="5.2.2",
    source=Url(
        "https://downloads.sourceforge.net/project/giflib/giflib-5.2.2.tar.gz",
        sha256="be7ffbd057cadebe2aa144542fd90c6838c6a083b5e8a9048b8ee3b66b29d5fb",
        # Debian's orig is the release tarball itself (byte-identical)
        backup=Debian("giflib", "5.2.2-1+deb13u1"),
    ),
    test=Test("tests/giflib.c", pkg_config=("giflib",), expect="roundtrip OK"),
)
def giflib(b: LibBuild) -> None:
    # only the library: the Makefile's `all` also builds the tools, the shared object and the
    # documentation (xmlto, ImageMagick); its own CFLAGS are replaced on the command line
    b.make("libgif.a", vars={
        "CC": b.env_value("CC"), "AR": b.env_value("AR"),
        "CFLAGS": f"-std=gnu99 -Wall {b.env_value('CFLAGS')}",
    })
    b.install("gif_lib.h", f"{b.includedir}/gif_lib.h")
    b.install("libgif.a", f"{b.libdir}/libgif.a")
    b.write_pc("giflib", libs="-lgif", description="Library for manipulating GIF files")

"""bzip2: libbz2 (plain Makefile; a .pc file is written, as upstream ships none)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="1.0.8",
    source=Url(
        "https://sourceware.org/pub/bzip2/bzip2-1.0.8.tar.gz",
        sha256="ab5a03176ee106d3f0fa90e381da478ddae405918153cca248e682cd0c4a2269",
        backup=Debian("bzip2", "1.0.8-6"),
    ),
    test=Test("tests/bzip2.c", pkg_config=("bzip2",), expect="roundtrip OK"),
)
def bzip2(b: LibBuild) -> None:
    # the Makefile sets its own CC/CFLAGS: override them on the command line
    b.make("libbz2.a", vars={
        "CC": b.env_value("CC"), "AR": b.env_value("AR"), "RANLIB": b.env_value("RANLIB"),
        "CFLAGS": f"{b.env_value('CFLAGS')} -D_FILE_OFFSET_BITS=64",
    })
    b.install("bzlib.h", f"{b.includedir}/bzlib.h")
    b.install("libbz2.a", f"{b.libdir}/libbz2.a")
    b.write_pc("bzip2", libs="-lbz2", description="bzip2 compression library")

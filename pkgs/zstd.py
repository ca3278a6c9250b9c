"""zstd: Zstandard compression (plain make of lib/; the static library with threads)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="1.5.7",
    source=Url(
        "https://github.com/facebook/zstd/releases/download/v1.5.7/zstd-1.5.7.tar.gz",
        # the upstream file's published sha256; the upstream host cannot be reached here,
        # so no build on this machine has checked it: what is built is the repack below
        sha256="eb33e51f49a15e023950cd7825ca74a4a2b43db8354825ac24fc1b7ee09e6fa3",
        # Debian's +dfsg repack of 1.5.7 (some upstream files removed): a declared
        # substitute, verified by its own sha256 and announced on every build
        backup=Debian("libzstd", "1.5.7+dfsg-1",
                      sha256="0c092ef267edce57ba7f3f2645c861f72eaf5e76273c6c3632869423464b90a5"),
    ),
    test=Test("tests/zstd.c", pkg_config=("libzstd",), expect="roundtrip OK"),
)
def zstd(b: LibBuild) -> None:
    # `-mt`: the static library with ZSTD_MULTITHREAD (WASIX has pthreads)
    b.make("libzstd.a-mt", cwd="lib")
    # LIBDIR at install, as the seed; MT=1 puts -pthread into libzstd.pc's Libs and Cflags
    b.make_install("install-includes", "install-pc", target="install-static", cwd="lib",
                   vars={"PREFIX": b.prefix, "LIBDIR": b.libdir, "MT": "1"})

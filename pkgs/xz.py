"""xz: liblzma (with threads) and nothing else."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="5.8.1",
    source=Url(
        "https://github.com/tukaani-project/xz/releases/download/v5.8.1/xz-5.8.1.tar.xz",
        sha256="0b54f79df85912504de0b14aec7971e3f964491af1812d83447005807513cd9e",
        backup=Debian("xz-utils", "5.8.1-1+deb13u1"),
    ),
    test=Test("tests/xz.c", pkg_config=("liblzma",), expect="roundtrip OK"),
)
def xz(b: LibBuild) -> None:
    b.autotools(
        # multi-threaded encoding and decoding with POSIX threads
        "--enable-threads=posix",
        # the command line tools are not what the wheels need
        "--disable-xz", "--disable-xzdec", "--disable-lzmadec", "--disable-lzmainfo",
        "--disable-lzma-links", "--disable-scripts", "--disable-doc", "--disable-nls",
    )

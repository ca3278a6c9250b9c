"""xz: liblzma only (the command line tools need process APIs WASI lacks)."""

from wasixtasks.recipe import Smoke, Url, library
from wasixtasks.stages.lib import LibBuild


@library(
    version="5.8.1",
    source=Url(
        "https://github.com/tukaani-project/xz/releases/download/v5.8.1/xz-5.8.1.tar.xz",
        sha256="0b54f79df85912504de0b14aec7971e3f964491af1812d83447005807513cd9e",
    ),
    smoke=Smoke("smoke/xz.c", pkg_config=("liblzma",), expect="roundtrip OK"),
)
def xz(b: LibBuild) -> None:
    b.autotools(
        # threads need pthread_sigmask, which wasi-libc does not declare
        "--disable-threads",
        # the CLI tools need geteuid/pipe/fchown
        "--disable-xz", "--disable-xzdec", "--disable-lzmadec", "--disable-lzmainfo",
        "--disable-lzma-links", "--disable-scripts", "--disable-doc", "--disable-nls",
    )

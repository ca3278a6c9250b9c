"""libtiff: TIFF reading and writing (autotools, from the GitLab tag: configure generated here),
with zlib (Deflate) and the built-in codecs."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="4.7.0",
    source=Url(
        "https://gitlab.com/libtiff/libtiff/-/archive/v4.7.0/libtiff-v4.7.0.tar.bz2",
        sha256="2b8b5c4e79cb2a4651796602e45d6179b7f18bc283feab417b8e881ef7e81862",
        # Debian's orig is GitLab's tag archive itself (byte-identical)
        backup=Debian("tiff", "4.7.0-3+deb13u3"),
    ),
    libs=["zlib"],
    host_tools=["autoreconf", "automake", "libtoolize"],
    test=Test("tests/libtiff.c", pkg_config=("libtiff-4",), expect="roundtrip OK"),
)
def libtiff(b: LibBuild) -> None:
    # autogen.sh would also download config.guess/config.sub: autoreconf is enough
    b.run("autoreconf", "-fi")
    b.autotools(
        "--disable-tools", "--disable-tests", "--disable-contrib", "--disable-docs",
        "--disable-sphinx",
        # zlib only, as the seed's default sysroot; the other codec libraries are not declared
        "--enable-zlib", "--disable-libdeflate", "--disable-jpeg", "--disable-old-jpeg",
        "--disable-jbig", "--disable-lerc", "--disable-lzma", "--disable-zstd",
        "--disable-webp", "--disable-opengl",
    )

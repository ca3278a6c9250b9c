"""libwebp: WebP encoding and decoding (autotools release tarball): libwebp, libsharpyuv,
libwebpdemux, libwebpmux and libwebpdecoder, static; the tools read PNG and TIFF."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="1.5.0",
    source=Url(
        "https://storage.googleapis.com/downloads.webmproject.org/releases/webp/"
        "libwebp-1.5.0.tar.gz",
        sha256="7d6fab70cf844bf6769077bd5d7a74893f8ffd4dfb42861745750c63c2a5c92c",
        # Debian's orig is the release tarball itself (byte-identical)
        backup=Debian("libwebp", "1.5.0-0.1"),
    ),
    libs=["libpng", "libtiff"],
    test=Test("tests/libwebp.c", pkg_config=("libwebp", "libwebpdemux"),
              expect="roundtrip OK"),
)
def libwebp(b: LibBuild) -> None:
    b.autotools(
        # every library: the decoder-only one, demux and mux (animation, metadata)
        "--enable-libwebpdecoder", "--enable-libwebpdemux", "--enable-libwebpmux",
        # WASIX has pthreads: multi-threaded encoding
        "--enable-threading",
        # the tools (cwebp, dwebp, img2webp, webpinfo, webpmux) read and write PNG and TIFF
        # with the declared libraries; no JPEG, GIF, OpenGL or SDL
        "--enable-png", "--enable-tiff", "--disable-jpeg", "--disable-gif", "--disable-gl",
        "--disable-sdl", "--disable-wic",
        # no x86 or ARM SIMD code for wasm32
        "--disable-sse2", "--disable-sse4.1", "--disable-neon", "--disable-neon-rtcd",
        # configure would take the build machine's libpng-config (host flags): an empty
        # cached answer makes it find png.h and -lpng in the sysroot like -ltiff
        "ac_cv_path_LIBPNG_CONFIG=",
        # its -lpng and -ltiff checks add no dependencies: the static archives need zlib
        "LIBS=-lz",
    )

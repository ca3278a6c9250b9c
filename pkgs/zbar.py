"""zbar: bar code reader library (autotools, from the GitHub tag: configure generated here),
the library only (no video, X, GTK, Qt, Python, Java or ImageMagick), static plus a versioned
shared object (the seed ships libzbar.so for pyzbar, which loads it with ctypes). Our patches:
autoreconf without autopoint; the image scanner's backward pixel steps as signed offsets
(the unsigned wrap-around made every zbar_scan_image trap on wasm32)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="0.23.93",
    source=Url(
        "https://github.com/mchehab/zbar/archive/refs/tags/0.23.93.tar.gz",
        sha256="212dfab527894b8bcbcc7cd1d43d63f5604a07473d31a5f02889e372614ebe28",
        # Debian's orig is GitHub's tag archive itself (byte-identical)
        backup=Debian("zbar", "0.23.93-8"),
    ),
    host_tools=["autoreconf", "automake", "libtoolize"],
    test=Test("tests/zbar.c", pkg_config=("zbar",), expect="decode OK"),
)
def zbar(b: LibBuild) -> None:
    # a tag archive: configure is generated here (our first patch spares autopoint)
    b.run("autoreconf", "-fi")
    b.autotools(
        # the decoding library alone: no camera input (video), windows (X, Xv, XShm), GUI
        # widgets, language bindings, image-file reader (zbarimg needs ImageMagick) or
        # D-Bus; libjpeg is only used to convert camera frames
        "--disable-video", "--without-x", "--without-xshm", "--without-xv", "--without-gtk",
        "--without-qt", "--without-qt6", "--without-python", "--without-java",
        "--without-imagemagick", "--without-graphicsmagick", "--without-dbus",
        "--without-jpeg", "--without-npapi", "--without-gir",
        "--disable-doc", "--disable-nls",
    )
    # libtool knows no shared libraries for wasm32-wasi (the seed edits its archive command
    # into configure); the side module is linked here from the whole PIC archive instead,
    # with libtool's Linux names for version-info 3:0:3: libzbar.so.0.3.0, soname
    # libzbar.so.0. No unversioned link: `-lzbar` in a PIE main module would take the side
    # module (wasm-ld prefers .so)
    b.run(b.env_value("CC"), "-shared", "-o", "libzbar.so.0.3.0", "-Wl,--soname=libzbar.so.0",
          "-Wl,--whole-archive", "zbar/.libs/libzbar.a", "-Wl,--no-whole-archive")
    b.install("libzbar.so.0.3.0", f"{b.libdir}/libzbar.so.0.3.0", mode=0o755)
    b.symlink("libzbar.so.0.3.0", f"{b.libdir}/libzbar.so.0")
    # the README, NEWS, licence and other top-level documents; bin/ stays empty
    b.remove(f"{b.prefix}/share/doc", f"{b.prefix}/bin")

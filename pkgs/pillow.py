"""Pillow: setuptools with its own build backend; the C codecs link libjpeg-turbo, libtiff,
libwebp, openjpeg and zlib statically (PNG and GIF are Pillow's own code over zlib). The
sysroot is the catalog's seven libraries; the wheel's SBOM says which five were linked."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="11.3.0",
    source=Sdist("pillow", sha256="3828ee7586cd0b2091b6209e5ad53e20d0649bbe87164a459d0676e035e8f523"),
    # the catalog's seven (the seed's pillow sysroot). Pillow reads and writes PNG and GIF
    # with its own code and never looks for libpng or giflib: its SBOM names both as in the
    # sysroot, not linked (CycloneDX scope "excluded"), read from the wheel's own modules
    libs=["libjpeg-turbo", "libtiff", "libwebp", "openjpeg", "zlib", "libpng", "giflib"],
    # libjpeg-turbo ships side modules too: only its archive may be linked (the recipe
    # removed the unversioned libjpeg.so, so -ljpeg finds libjpeg.a)
    static_libs=True,
    native=True,
    test=Test("tests/pillow.py", expect="pillow test OK"),
)
def pillow(b: WheelBuild) -> None:
    # (the patch gives sixteen C methods the (self, arg) signature CPython calls them with:
    # wasm traps on a mismatched indirect call where native ABIs ignore the extra argument)
    # libwebp's encoder calls libsharpyuv, which Pillow links only on iOS: without it the
    # side module would import SharpYuv* from nowhere (wasm-ld makes undefined symbols
    # imports) and fail to load; archives are searched whatever their position.
    # -Bsymbolic: zlib's symbols bind to this module's copy, not the interpreter's
    with b.flags(ldflags=["-lsharpyuv", "-Wl,-Bsymbolic"]):
        b.setuptools(config_settings={
            # no guessing of /usr/include, /usr/local, ...: the build machine's libraries
            # must not be found; the sysroot comes through pkg-config and -I/-L flags
            "platform-guessing": "disable",
            # the declared codecs are required (a missing one fails instead of being
            # skipped); what has no library here is disabled outright
            "jpeg2000": "enable", "tiff": "enable", "webp": "enable",
            "freetype": "disable", "lcms": "disable", "imagequant": "disable",
            "xcb": "disable", "avif": "disable", "raqm": "disable",
            # build_ext's own compile threads: the job slots this package got
            "parallel": str(b.jobs),
        })

"""lxml: setuptools + Cython (the sdist's generated C is compiled), over libxml2 and libxslt
linked statically."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="6.0.0",
    source=Sdist("lxml", sha256="032e65120339d44cdc3efc326c9f660f5f7205f3a535c1fdbf898b29ea01fb72"),
    # setup.py adds -lz to every link when it does not build libxml2 itself, although
    # libxml2 2.15 reads no compressed files: zlib is there only to satisfy that -lz
    libs=["libxml2", "libxslt", "zlib"],
    # the libraries also ship side modules (libxml2.so.16, ...): the recipes removed their
    # unversioned links, so -lxml2, -lxslt and -lexslt find the archives
    static_libs=True,
    native=True,
    test=Test("tests/lxml.py", expect="lxml test OK"),
)
def lxml(b: WheelBuild) -> None:
    # setup.py finds both libraries with pkg-config (the sysroot's .pc files); its own
    # "static" modes would download and build libxml2 and libxslt, which is not wanted
    b.setuptools()

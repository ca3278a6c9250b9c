"""pyzbar: pure Python over libzbar, which it loads with ctypes at run time. The wheel
bundles our zbar recipe's side module (libzbar.so.0) inside the package, and our patch makes
pyzbar load that file by path first: ctypes.util.find_library() finds nothing on WASIX."""

import shutil

from wasixtasks.layout import LIBDIR
from wasixtasks.recipe import Debian, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="0.1.9",
    # PyPI has no sdist of pyzbar (only wheels): Debian's orig, the GitHub release's tree
    source=Debian("pyzbar", "0.1.9-3",
                  sha256="6b84ec4c1f36df590c65b610a7757ef8829f202a7df210d2891e6592a8bee8bb"),
    # at run time, not at build time: the side module is copied into the wheel
    libs=["zbar"],
    test=Test("tests/pyzbar.py", expect="pyzbar test OK"),
)
def pyzbar(b: WheelBuild) -> None:
    # the library (soname libzbar.so.0, no dependencies but the C library) goes next to
    # zbar_library.py; the patched setup.py ships it as package data and tags the wheel
    # for the platform (it is wasm code, not pure Python)
    shutil.copyfile(b.sysroot / LIBDIR.lstrip("/") / "libzbar.so.0",
                    b.source_dir / "pyzbar" / "libzbar.so.0")
    b.setuptools()

"""python-crc32c (google-crc32c on PyPI): setuptools with one C extension (_crc32c) over our
google-crc32c library, linked statically."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    name="python-crc32c",
    version="1.7.1",
    source=Sdist("google_crc32c",
                 sha256="2bff2305f98846f3e825dbeec9ee406f89da7962accdb29356e4eadc251bd472"),
    dist_name="google-crc32c",
    libs=["google-crc32c"],
    # the library also ships libcrc32c.so.1: its recipe removed the unversioned link, so
    # -lcrc32c finds the archive (C++ code that needs nothing of the C++ runtime)
    static_libs=True,
    native=True,
    test=Test("tests/python-crc32c.py", expect="python-crc32c test OK"),
)
def python_crc32c(b: WheelBuild) -> None:
    # CRC32C_INSTALL_PREFIX stays unset: setup.py would add <prefix>/lib (not our
    # lib/wasm32-wasi, which the seed patches in) and the same folder as a runtime path.
    # Without it setup.py links plain -lcrc32c, found through the sysroot's -I/-L flags of
    # the build environment, so no patch is needed. CRC32C_PURE_PYTHON=0 (set, but false)
    # makes a failed C build an error instead of a silent pure-Python wheel
    b.setuptools(env={"CRC32C_PURE_PYTHON": "0"})

"""msgpack-python: setuptools + Cython extension (_cmsgpack)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    name="msgpack-python",
    version="1.1.0",
    source=Sdist("msgpack", sha256="dd432ccc2c72b914e4cb77afce64aab761c1137cc698be3984eee260bcb2896e"),
    dist_name="msgpack",
    native=True,
    test=Test("tests/msgpack.py", expect="test OK"),
)
def msgpack_python(b: WheelBuild) -> None:
    b.setuptools()

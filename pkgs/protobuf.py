"""protobuf: Google's Protocol Buffers runtime; setuptools with one C extension, upb's
Python binding (google._upb._message: python/*.c over the upb runtime in upb/**.c and
utf8_range), which the package imports instead of its pure-Python fallback."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="6.31.1",
    source=Sdist("protobuf",
                 sha256="d8cac4c982f0b957a4dc73a80e2ea24fab08e679c0de9deb835f4a12d69aca9a"),
    # without _message the package silently runs its pure-Python implementation: a wheel
    # without the extension is a failed build, not a smaller one
    native=True,
    catalog_version="31.1",
    version_note="31.1 is the protobuf release the catalog names; 6.31.1 is the version of "
    "its Python package (the PyPI sdist built here)",
    test=Test("tests/protobuf.py", expect="protobuf test OK"),
)
def protobuf(b: WheelBuild) -> None:
    # The seed ran bazel (//python/dist:source_wheel, protoc built with a host toolchain)
    # to make this sdist from the repository, then built the C wheel from it with
    # setuptools. The PyPI sdist is that bazel output: what needs protoc is already
    # generated in it (the well-known types' *_pb2.py, descriptor.upb*.c), and its setup.py
    # compiles the same single extension, google._upb._message, from the same sources
    # (python/, upb/, utf8_range/), so the result is the seed's module and bazel is not
    # needed. The patches: upb's error exits use setjmp/longjmp (the compiler lowers
    # only those, by name, to wasm exceptions, not the sigsetjmp upb picks under
    # _POSIX_C_SOURCE), and three METH_NOARGS methods get the (self, NULL) signature
    # CPython calls them with, since wasm traps on a mismatched indirect call
    b.setuptools()

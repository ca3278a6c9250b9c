"""cffi: setuptools with one C extension (_cffi_backend) that calls C through libffi."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="1.17.1",
    source=Sdist("cffi", sha256="1c39c6016c32bc48dd54561950ebd6836e1670f2ae46128f67cf49e789c52824"),
    # libffi is a static archive only (its autotools build makes no shared object): the
    # extension module carries its own copy, so nothing but libc is needed at run time
    libs=["libffi"],
    static_libs=True,
    native=True,
    test=Test("tests/cffi.py", expect="cffi test OK"),
)
def cffi(b: WheelBuild) -> None:
    # setup.py asks pkg-config for libffi, which finds the sysroot's libffi.pc; the patch
    # makes ffi.callback() use libffi's closure API, the only one WebAssembly can have.
    # The interpreter links libffi too (ctypes): -Bsymbolic binds this module's libffi
    # symbols to its own copy, not the interpreter's (check.symbols reports the difference)
    with b.flags(ldflags=["-Wl,-Bsymbolic"]):
        b.setuptools()

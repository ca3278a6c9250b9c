"""pandas: meson-python over Cython (the .pyx files are cythonized at build time) and C/C++
extensions, compiled against the numpy headers of our own wasm32 numpy wheel."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2.3.2",
    source=Sdist("pandas", sha256="ab7b58f8f82706890924ccdfb5f48002b83d2b5a3845976a9fb705d36c34dcdb"),
    # the build requirement numpy>=2.0 is installed from our wheel (the engine offers it to
    # pip, pinned); Cython, meson-python and versioneer are build-machine tools that pip
    # takes as pure-Python wheels
    build_wheels=["numpy"],
    native=True,
    test=Test("tests/pandas.py", expect="pandas test OK"),
)
def pandas(b: WheelBuild) -> None:
    b.meson(env={
        # pandas/meson.build asks `numpy.get_include()` of the cross Python, whose numpy is
        # that wasm32 wheel: this import mode (our numpy patch 0003) answers without loading
        # any wasm module, so the headers are the wasm32 ones (NPY_SIZEOF_LONG 4)
        "NUMPY_ONLY_GET_INCLUDE": "1",
    })

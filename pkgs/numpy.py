"""numpy: meson-python; two source patches teach it about wasm32 outside Emscripten, a third
adds the NUMPY_ONLY_GET_INCLUDE import mode that cross builds of its users need."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2.3.2",
    source=Sdist("numpy", sha256="e0486a11ec30cdecb53f184d496d1c6a20786c81e55e41640270130056f8ee48"),
    native=True,
    catalog_version="main (2.4.0.dev0)",
    version_note="the catalog builds numpy's main branch (2.4.0.dev0, not on PyPI); 2.3.2 is "
    "the seed's numpy2-3-2 line",
    test=Test("tests/numpy.py", expect="numpy test OK"),
)
def numpy(b: WheelBuild) -> None:
    b.meson({
        # no BLAS/LAPACK for wasm32: numpy's bundled lapack-lite is used
        "blas": "none",
        "lapack": "none",
        # SIMD dispatch, highway and SVML are x86/arm only
        "disable-optimization": True,
        "disable-highway": True,
        "disable-svml": True,
        "cpu-baseline": "none",
        "cpu-dispatch": "none",
    })

"""numpy: meson-python; two source patches teach it about wasm32-wasi."""

from wasixtasks.recipe import Sdist, wheel
from wasixtasks.stages.wheel import WheelBuild


@wheel(
    version="2.3.2",
    source=Sdist("numpy", sha256="e0486a11ec30cdecb53f184d496d1c6a20786c81e55e41640270130056f8ee48"),
)
def numpy(b: WheelBuild) -> None:
    b.meson(
        [
            # no BLAS/LAPACK for wasm32: numpy's bundled lapack-lite is used
            "-Dblas=none",
            "-Dlapack=none",
            # WASI has no threads
            "-Ddisable-threading=true",
            # SIMD dispatch, highway and SVML are x86/arm only
            "-Ddisable-optimization=true",
            "-Ddisable-highway=true",
            "-Ddisable-svml=true",
            "-Dcpu-baseline=none",
            "-Dcpu-dispatch=none",
        ]
    )

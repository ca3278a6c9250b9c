"""numpy, numpy2-4-6, numpy2-0-2, numpy1: meson-python; source patches teach the older lines
about wasm32 outside Emscripten (2.4 knows it), and every line gets the NUMPY_ONLY_GET_INCLUDE
import mode that cross builds of its users need. Packages built against numpy use `numpy`
(2.3.2, the seed's numpy2-3-2 line); the index carries every line."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2.3.2",
    source=Sdist("numpy", sha256="e0486a11ec30cdecb53f184d496d1c6a20786c81e55e41640270130056f8ee48"),
    native=True,
    test=Test("tests/numpy.py", expect="numpy test OK"),
)
def numpy(b: WheelBuild) -> None:
    options: dict[str, str | bool] = {
        # no BLAS/LAPACK for wasm32: numpy's bundled lapack-lite is used
        "blas": "none",
        "lapack": "none",
        # SIMD dispatch, highway and SVML are x86/arm only
        "disable-optimization": True,
        "disable-svml": True,
        "cpu-baseline": "none",
        "cpu-dispatch": "none",
    }
    if not b.version.startswith("1."):  # numpy 1.x has no highway
        options["disable-highway"] = True
    b.meson(options)


# The seed's other lines, each its own recipe (pip picks the newest from the index unless a
# version is asked for; packages built against numpy use `numpy` above)
wheel(
    name="numpy2-4-6",
    dist_name="numpy",
    version="2.4.6",
    source=Sdist("numpy", sha256="f3a3570c4a2a16746ac2c31a7c7c7b0c186b95ce902e33db6f28094ed7387dda"),
    native=True,
    catalog_version="main (2.4.0.dev0)",
    version_note="the catalog builds numpy's main branch (2.4.0.dev0, never published); 2.4.6 "
    "is the newest 2.x release here",
    test=Test("tests/numpy.py", expect="numpy test OK"),
)(numpy)

wheel(
    name="numpy2-0-2",
    dist_name="numpy",
    version="2.0.2",
    source=Sdist("numpy", sha256="883c987dee1880e2a864ab0dc9892292582510604156762362d9326444636e78"),
    native=True,
    test=Test("tests/numpy.py", expect="numpy test OK"),
)(numpy)

wheel(
    name="numpy1",
    dist_name="numpy",
    version="1.26.4",
    source=Sdist("numpy", sha256="2a02aba9ed12e4ac4eb3ea9421c420301a0c6460d9830d74a9df87efa4912010"),
    native=True,
    catalog_version="1.26.5",
    version_note="the catalog's 1.26.5 was never released; 1.26.4 is the last 1.26 release",
    test=Test("tests/numpy.py", expect="numpy test OK"),
)(numpy)

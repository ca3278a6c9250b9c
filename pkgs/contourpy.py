"""contourpy: contour lines and filled contours of 2-D grids (meson-python, C++ over
pybind11, the threaded algorithm on std::thread); numpy at run time only."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="1.3.3",
    source=Sdist("contourpy", sha256="083e12155b210502d0bca491432bb04d56dc3432f95a979b429f2848c3dbe880"),
    native=True,
    test=Test("tests/contourpy.py", expect="contourpy test OK"),
)
def contourpy(b: WheelBuild) -> None:
    # pybind11 (headers) comes from the isolated build environment: meson finds it with its
    # pybind11-config script, and no numpy is needed to build (pybind11 passes arrays through
    # the buffer protocol). The extension is built with hidden visibility (its meson.build
    # says so), which keeps C++ throws inside the side module (see pkgs/kiwisolver.py)
    b.meson()

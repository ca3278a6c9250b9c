"""matplotlib: meson-python, C++ extensions over pybind11 (Agg, ft2font, path, image, tri,
qhull), linked statically with FreeType and qhull from this catalog."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.10.6",
    source=Sdist("matplotlib", sha256="ec01b645840dd1996df21ee37f208cd8ba57644779fa20464010638013d3203c"),
    # the meson build would download FreeType 2.6.1 and qhull 2020.2 (subproject wraps),
    # which cannot be downloaded here: the system copies, from our recipes, are linked
    libs=["freetype", "qhull"],
    static_libs=True,
    native=True,
    test=Test("tests/matplotlib.py", expect="matplotlib test OK"),
)
def matplotlib(b: WheelBuild) -> None:
    # (the patch casts the Agg buffers' unsigned sizes to py::ssize_t: on wasm32 that is a
    # 32-bit long, and the braced initializers reject the narrowing)
    # numpy is no build requirement of matplotlib 3.10 (pybind11 handles its arrays); the
    # run-time dependencies (numpy, contourpy, kiwisolver, fonttools, ...) come from the index.
    # Hidden visibility keeps the C++ calls inside each side module direct, so C++
    # exceptions (pybind11's error translation) can be caught (see pkgs/kiwisolver.py)
    with b.flags(cflags=["-fvisibility=hidden"], cxxflags=["-fvisibility=hidden"]):
        b.meson({
            "system-freetype": True, "system-qhull": True,
            # no macOS backend; the Tk backend's _tkagg loads Tk at run time only
            "macosx": False,
            # no link-time optimization: side modules are linked from plain objects
            "b_lto": False,
        })

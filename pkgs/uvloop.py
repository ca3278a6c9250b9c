"""uvloop: setuptools + Cython (the sdist's generated loop.c) over our libuv, linked
statically (build_ext --use-system-libuv instead of the vendored copy)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="0.21.0",
    source=Sdist("uvloop", sha256="3bf12b0fda68447806a7ad847bfa591613177275d35b6724b1ee573faa3704e3"),
    # libuv is a static archive only (its recipe installs no side module)
    libs=["libuv"],
    static_libs=True,
    native=True,
    test=Test("tests/uvloop.py", expect="uvloop test OK", network=True),
)
def uvloop(b: WheelBuild) -> None:
    # build_ext's own option (the catalog's `--use-system-libuv`), given the way setuptools
    # reads command options under PEP 517: from setup.cfg. It links -luv from the sysroot
    # instead of configuring and building the vendored libuv with the build machine's tools
    with open(b.source_dir / "setup.cfg", "a") as cfg:
        cfg.write("\n[build_ext]\nuse_system_libuv = 1\n")
    b.setuptools()

"""shapely: setuptools + Cython over geos's C API (libgeos_c) and numpy's C API. geos is
linked statically (the seed kept libgeos_c.so at run time), into shapely.lib only: our patch
makes the two Cython modules take GEOS from it (see the recipe)."""

from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2.1.1",
    source=Sdist("shapely", sha256="500621967f2ffe9642454808009044c21e5b35db89ce69f8a2042c2ffd0e2772"),
    libs=["geos"],
    # setup.py and the Cython modules include numpy's headers: those of our numpy wheel
    # (the engine offers it to pip, pinned)
    build_wheels=["numpy"],
    # geos ships side modules too; the recipe removed their unversioned links, so
    # -lgeos_c and -lgeos find the archives
    static_libs=True,
    native=True,
    test=Test("tests/shapely.py", expect="shapely test OK"),
)
def shapely(b: WheelBuild) -> None:
    sysroot = b.sysroot
    env = {
        # setup.py imports numpy for get_include() with the cross Python, where the wasm
        # wheel's extension modules cannot load: numpy-0003's mode imports nothing else
        "NUMPY_ONLY_GET_INCLUDE": "1",
        # both set: setup.py links -lgeos_c from here instead of asking geos-config (the
        # sysroot's geos-config prints the target layout's paths, without the sysroot)
        "GEOS_INCLUDE_PATH": str(sysroot / INCLUDEDIR.lstrip("/")),
        "GEOS_LIBRARY_PATH": str(sysroot / LIBDIR.lstrip("/")),
    }
    # One copy of GEOS and of the C++ runtime in the process: with a copy in each of the
    # three extension modules, the dynamic linker binds every module's weak C++ functions
    # (templates, inline code: wasm-ld imports them as well as defining them) to the first
    # loaded copy, which then runs against another copy's locale data (untrimmed WKT,
    # std::fixed through an ostringstream, came out empty). Our patch: with this
    # variable, shapely.lib carries the whole GEOS C API, and _geos and _geometry_helpers
    # import their GEOS functions from it (`import shapely` always loads shapely.lib first).
    env["SHAPELY_GEOS_IN_LIB_ONLY"] = "1"
    # libgeos_c.a calls into libgeos.a, which is C++ with exceptions: a C link (distutils
    # links with CC) gets no C++ runtime, so libc++, libc++abi and libunwind (the wasm
    # exception personality and landing-pad context) are named here. Archives are searched
    # whatever their position, and only shapely.lib has references that take members of
    # these four.
    with b.flags(ldflags=["-lgeos", "-lc++", "-lc++abi", "-lunwind"]):
        b.setuptools(env=env)

"""shapely: setuptools + Cython over geos's C API (libgeos_c) and numpy's C API. geos is
linked statically (the seed kept libgeos_c.so at run time), into shapely.lib only: our patch
makes the two Cython modules take GEOS from it (see the recipe)."""

import shutil
from pathlib import Path

from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild

NUMPY = "2.3.2"


@wheel(
    version="2.1.1",
    source=Sdist("shapely", sha256="500621967f2ffe9642454808009044c21e5b35db89ce69f8a2042c2ffd0e2772"),
    libs=["geos"],
    # setup.py and the Cython modules include numpy's headers: those of our numpy wheel
    build_wheels=["numpy"],
    # geos ships side modules too; the recipe removed their unversioned links, so
    # -lgeos_c and -lgeos find the archives
    static_libs=True,
    native=True,
    test=Test("tests/shapely.py", expect="shapely test OK"),
)
def shapely(b: WheelBuild) -> None:
    # The cross pip that fills the isolated build environment knows the target as
    # `unknown_wasm32` (crossenv's platform), so it skips our `wasix_wasm32` numpy wheel in
    # artifacts/ and would build numpy's newest sdist instead. Offer it under the tag that
    # pip accepts (only the file name differs) and pin it.
    found = sorted(Path(b.env_value("PIP_FIND_LINKS")).glob(f"numpy-{NUMPY}-*-wasix_wasm32.whl"))
    links = b.source_dir / ".wasixtasks" / "wheels"
    links.mkdir(parents=True, exist_ok=True)
    for whl in found:
        shutil.copyfile(whl, links / whl.name.replace("wasix_wasm32", "unknown_wasm32"))
    pin = b.write("constraints.txt", f"numpy=={NUMPY}\n")
    sysroot = b.sysroot
    env = {
        "PIP_FIND_LINKS": str(links), "PIP_CONSTRAINT": str(pin), "PIP_ONLY_BINARY": "numpy",
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

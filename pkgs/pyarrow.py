"""pyarrow, pyarrow19-0-1: Apache Arrow's Python bindings (setup.py driving CMake + Cython)
over our static Arrow C++ libraries (pkgs/arrow.py). pyarrow builds one shared object of its
own, libarrow_python, which takes the whole of Arrow's archives (static_libs) and is bundled
in the wheel; the Cython modules (lib, _compute, _csv, _json, _fs, _feather) import Arrow's
functions from it and find it through their run path $ORIGIN. Components our Arrow build
lacks (Acero, Dataset, Parquet, ORC, Flight, Gandiva, Substrait, the cloud filesystems, CUDA)
are off.

The 19.0.1 line (pyarrow19-0-1, over arrow19-0-1) is the same build of the older sdist."""

import shlex
from pathlib import Path

from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild

CYTHON = "3.1.2"

#: PYARROW_WITH_<X> switches: every optional component off (our Arrow has compute, CSV,
#: JSON, filesystem and IPC only, which pyarrow always builds)
_OFF = ("ACERO", "DATASET", "PARQUET", "PARQUET_ENCRYPTION", "ORC", "FLIGHT", "GANDIVA",
        "SUBSTRAIT", "CUDA", "AZURE", "GCS", "S3", "HDFS")


def _toolchain_file(b: WheelBuild) -> Path:
    """A CMake toolchain file for setup.py's own `cmake` run (WheelBuild has no cmake helper):
    the build environment's WASIX drivers, Arrow's CMake package only from the sysroot."""
    root = b.sysroot.as_posix()
    return b.write("toolchain.cmake", "\n".join([
        "set(CMAKE_SYSTEM_NAME WASI)",
        "set(CMAKE_SYSTEM_VERSION 1)",
        "set(CMAKE_SYSTEM_PROCESSOR wasm32)",
        "set(UNIX 1)",
        f'set(CMAKE_C_COMPILER "{b.env_value("CC")}")',
        f'set(CMAKE_CXX_COMPILER "{b.env_value("CXX")}")',
        f'set(CMAKE_AR "{b.env_value("AR")}" CACHE FILEPATH "")',
        f'set(CMAKE_RANLIB "{b.env_value("RANLIB")}" CACHE FILEPATH "")',
        f'set(CMAKE_FIND_ROOT_PATH "{root}/usr/local" "{root}")',
        "set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)",
        "set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)",
        # Python's and numpy's headers are where the cross Python reports them (its target
        # CPython, the isolated build environment's wasm32 numpy): not in the sysroot
        "set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)",
        'set(CMAKE_LIBRARY_ARCHITECTURE "wasm32-wasi")',
        "set(CMAKE_POSITION_INDEPENDENT_CODE ON)",
        "",
    ]))


@wheel(
    version="21.0.0",
    source=Sdist("pyarrow", sha256="5051f2dccf0e283ff56335760cbc8622cf52264d67e359d5569541ac11b6d5bc"),
    libs=["arrow"],
    # numpy>=1.25 (headers) is installed from our wheel (offered by the engine); Cython,
    # setuptools and setuptools_scm are build-machine tools that pip takes as pure-Python
    # wheels
    build_wheels=["numpy"],
    static_libs=True,
    native=True,
    # numpy and pandas are optional for pyarrow: the test installs them to exercise the
    # conversions (pip takes the newest numpy line, 2.4.6, while pyarrow and pandas were
    # compiled against 2.3.2: numpy keeps its C API compatible with newer releases)
    test=Test("tests/pyarrow.py", requires=("pandas",), expect="pyarrow test OK"),
)
def pyarrow(b: WheelBuild) -> None:
    numpy_env = {
        # CMake's FindPython asks `numpy.get_include()` of the cross Python, whose numpy is
        # our wasm32 wheel (the engine offers it to pip, pinned): this import mode (our
        # numpy patch 0003) answers without loading any wasm module, so the headers are the
        # wasm32 ones
        "NUMPY_ONLY_GET_INCLUDE": "1",
    }
    lib = b.sysroot / LIBDIR.lstrip("/")
    # libarrow_python is pyarrow's only SHARED target (the Cython modules are MODULEs): it
    # takes every member of Arrow's archives, since the Cython modules call Arrow functions
    # that pyarrow's own C++ never references, and import them from it at run time
    # (Arrow 19 has compute inside libarrow.a; 21 splits it into libarrow_compute.a)
    archives = [str(lib / a) for a in ("libarrow_compute.a", "libarrow.a") if (lib / a).exists()]
    whole = " ".join(["-Wl,--whole-archive", *archives, "-Wl,--no-whole-archive"])
    # Cython 3.2 and later reject a `with nogil:` block of pyarrow 21's table.pxi (a Python
    # comparison without the GIL); the catalog's Cython, which pyarrow 21 was released with
    cython_pin = b.write("cython-constraints.txt", f"cython=={CYTHON}\n")
    env = {
        **numpy_env,
        "PIP_CONSTRAINT": f"{b.env_value('PIP_CONSTRAINT')} {cython_pin}",
        # setuptools_scm would describe the enclosing git repository (its root is `..`):
        # the release's version
        "SETUPTOOLS_SCM_PRETEND_VERSION": b.version,
        "PYARROW_CMAKE_GENERATOR": "Ninja",
        "PYARROW_PARALLEL": str(b.jobs),
        "PYARROW_BUILD_VERBOSE": "1",
        "PYARROW_BUNDLE_ARROW_CPP": "0",  # nothing to bundle: Arrow is static
        # Arrow's headers: CMake gives them to libarrow_python only (Arrow is its PRIVATE
        # dependency when static), but the Cython modules include them too; CMake does not
        # read CPPFLAGS, and setup.py passes this variable to every C++ compile
        "PYARROW_CXXFLAGS": f"-I{b.sysroot / INCLUDEDIR.lstrip('/')}",
        "PYARROW_CMAKE_OPTIONS": shlex.join([
            f"-DCMAKE_TOOLCHAIN_FILE={_toolchain_file(b)}",
            # The Cython modules need libarrow_python.so (bundled beside them); pyarrow gives
            # its targets the run path $ORIGIN, which CMake's (empty) WASI platform drops for
            # want of a run-path flag: wasm-ld's -rpath writes dylink.0's RUNTIME_PATH
            "-DCMAKE_USER_MAKE_RULES_OVERRIDE=" + str(b.write("rpath.cmake", "".join(
                f'set(CMAKE_SHARED_LIBRARY_RUNTIME_{lang}_FLAG "-Wl,-rpath,")\n'
                f'set(CMAKE_SHARED_LIBRARY_RUNTIME_{lang}_FLAG_SEP ":")\n'
                for lang in ("C", "CXX")))),
            # (pyarrow sets these two only where CMake's UNIX holds after the platform files)
            "-DCMAKE_INSTALL_RPATH=$ORIGIN", "-DCMAKE_BUILD_WITH_INSTALL_RPATH=ON",
            f"-DCMAKE_SHARED_LINKER_FLAGS={whole}",
            # libarrow_python.so exports libunwind's thread-local `__wasm_lpad_context` (the
            # landing-pad context of wasm exceptions) as a plain data symbol; a Cython module
            # linked against it would bind its TLS references there ("relocation
            # R_WASM_MEMORY_ADDR_TLS_SLEB cannot be used against non-TLS symbol"). Taking
            # libunwind's own definition first, before any object or shared object, keeps
            # each module's copy thread-local (the driver appends -lunwind only at the end)
            "-DCMAKE_MODULE_LINKER_FLAGS=-Wl,--undefined=__wasm_lpad_context -lunwind",
            # FindPython does not ask a cross build's interpreter where its headers are
            f"-DPython3_INCLUDE_DIR={b.target_python.include_dir}",
            # Arrow's flag setup (shared with pyarrow) stops at "Unknown system processor"
            # for wasm32 unless told the CPU flag; no SIMD levels, as Arrow was built
            "-DARROW_CPU_FLAG=wasm32",
            "-DARROW_SIMD_LEVEL=NONE", "-DARROW_RUNTIME_SIMD_LEVEL=NONE",
        ]),
        **{f"PYARROW_WITH_{c}": "0" for c in _OFF},
    }
    b.setuptools(env=env)


# The 19.0.1 line, over arrow19-0-1: pyarrow 19's CMakeLists and setup.py take the same
# switches and its table.pxi has the same `with nogil:` line, so the same build serves it.
# Its wheel sits beside 21.0.0's in artifacts/ and in the index (pip picks 21.0.0 unless
# asked for `pyarrow==19.0.1`).
wheel(
    name="pyarrow19-0-1",
    dist_name="pyarrow",
    version="19.0.1",
    source=Sdist("pyarrow", sha256="3bf266b485df66a400f282ac0b6d1b500b9d2ae73314a153dbe97d6d5cc8a99e"),
    libs=["arrow19-0-1"],
    build_wheels=["numpy"],
    static_libs=True,
    native=True,
    # numpy and pandas are optional for pyarrow: the test installs them to exercise the
    # conversions (pip takes the newest numpy line, 2.4.6, while pyarrow and pandas were
    # compiled against 2.3.2: numpy keeps its C API compatible with newer releases)
    test=Test("tests/pyarrow.py", requires=("pandas",), expect="pyarrow test OK"),
)(pyarrow)

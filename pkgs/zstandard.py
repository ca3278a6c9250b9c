"""zstandard: Python bindings to Zstandard; setuptools with one C extension (backend_c) that
compiles the bundled single-file zstd 1.5.7 (zstd/zstd.c, multithreaded)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild

@wheel(
    version="0.25.0",
    source=Sdist("zstandard",
                 sha256="7713e1179d162cf5c7906da876ec2ccb9c3a9dcbdffef0cc7f70c3667a205f0b"),
    # pyproject.toml lists cffi as a build requirement (for the optional cffi backend):
    # pip's isolated build environment installs requirements for the target, so our cffi
    # wheel is offered (by the engine, pinned) instead of letting pip cross-build cffi's sdist. setup.py
    # only reads cffi.__version__ from it (pure Python, fine on the build machine); the cffi
    # backend itself is switched off
    build_wheels=["cffi"],
    native=True,
    catalog_version="0.25.0@103f151",
    version_note="the catalog pins commit 103f151 (an unreleased fix after 0.25.0); no git "
    "mirror of python-zstandard is reachable here, so the 0.25.0 release sdist is built",
    test=Test("tests/zstandard.py", expect="zstandard test OK"),
)
def zstandard(b: WheelBuild) -> None:
    # (the patches give forty METH_NOARGS methods and one tp_init the signatures CPython
    # calls them with: wasm traps on a mismatched indirect call where native ABIs do not)
    # The bundled zstd is kept, as the seed does: setup.py's --system-zstd wants a library
    # matching the bindings exactly, and the bundled copy carries a backport (ZDICT_QSORT)
    # that our zstd 1.5.7 lacks. Its zstd.c defines ZSTD_MULTITHREAD (WASIX has pthreads).
    # --no-cffi-backend: make_cffi.py would need cffi's _cffi_backend on the build machine
    # (it calls cffi.FFI()), and the C backend is the one zstandard imports by default.
    # --global-option reaches every setup.py run (requirements, metadata, wheel), since
    # setup.py reads the flag from sys.argv each time
    b.setuptools(
        config_settings={"--global-option": "--no-cffi-backend"},
    )

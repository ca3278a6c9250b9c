"""brotlicffi: Brotli through cffi's out-of-line API mode; setuptools compiles the vendored
brotli (build_clib) and the C module cffi generates (_brotlicffi), linked together."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild

# The build-machine packages the build runs (cffi generates the C source; setuptools and
# wheel drive the build). cffi is the catalog's version, so the generated module matches
# the _cffi_backend of our cffi wheel that it runs against
HOST_REQUIREMENTS = ("cffi==1.17.1", "pycparser==2.22", "setuptools==80.9.0", "wheel==0.45.1")


@wheel(
    version="1.1.0.0",
    source=Sdist("brotlicffi",
                 sha256="b77827a689905143f87915310b93b273ab17888fd43ef350d4832c4a71083c13"),
    # at run time: Requires-Dist cffi, installed from our index (our wasm32 cffi wheel)
    native=True,
    test=Test("tests/brotlicffi.py", expect="brotlicffi test OK"),
)
def brotlicffi(b: WheelBuild) -> None:
    # setup.py's cffi_modules runs src/brotlicffi/_build.py on the build machine: cffi.FFI()
    # imports _cffi_backend, so a *build-machine* cffi is needed to write the C source. In
    # pip's isolated build environment the cross pip installs requirements for the target
    # (our cffi wheel: its _cffi_backend is wasm32 and cannot load here), pip replaces
    # PYTHONPATH, and crossenv's own build-python site-packages (where `build-pip install
    # cffi` would go) is shared by every build. So the build runs without isolation, on a
    # private set of build-machine packages installed here by the build machine's CPython
    # of the target's version and put on PYTHONPATH (crossenv's python keeps it after its
    # own entries). setup.py then imports host cffi and setuptools from there, while the
    # crossenv patches still make the extension a wasm32 module for the target CPython.
    # `build-python` is crossenv's build-machine interpreter (on PATH in the build
    # environment); --target leaves its own site-packages untouched
    host = b.host_packages(*HOST_REQUIREMENTS)
    # with `wheel` importable, setup.py tags the wheel abi3 (cp313-abi3, as the catalog)
    b.pip_wheel(isolation=False, env={"PYTHONPATH": str(host)})

"""kiwisolver: the Cassowary constraint solver (setuptools, one C++ extension over cppy's
helper headers); its C++ exceptions are wasm exceptions, as the toolchain compiles them."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="1.4.9",
    source=Sdist("kiwisolver", sha256="c3b22c26c6fd6811b0ae8363b95ca8ce4ea3c202d3d0975b2914310ceb1bcc4d"),
    native=True,
    test=Test("tests/kiwisolver.py", expect="kiwisolver test OK"),
)
def kiwisolver(b: WheelBuild) -> None:
    # cppy (headers only) and setuptools-scm come from the isolated build environment; the
    # solver's errors (UnsatisfiableConstraint, ...) are C++ throws turned into Python
    # exceptions, which needs the toolchain's exception handling and libc++abi.
    # Hidden visibility: the solver is header-only inline C++, and a side module calls its
    # default-visibility inline and template functions through imports of its own exports,
    # which Wasmer binds through stubs a wasm exception cannot cross: the throw in
    # SolverImpl::addConstraint escaped every catch ("uncaught exception"). Hidden, they are
    # direct calls; PyInit__cext stays exported (PyMODINIT_FUNC says visibility default).
    # (the patch gives 21 methods and getters and the 4 tp_clear slots the signatures CPython
    # calls them with: wasm traps on a mismatched indirect call)
    with b.flags(cflags=["-fvisibility=hidden"], cxxflags=["-fvisibility=hidden"]):
        b.setuptools()

"""Cython: setuptools; the compiler compiles its own hot modules (Scanning, Parsing, Code,
Visitor, Plex, ...) into extension modules, as CPython wheels of it do."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.1.2",
    source=Sdist("cython", sha256="6bbf7a953fa6762dfecdec015e3b054ba51c0121a45ad851fa130f63f5331381"),
    dist_name="Cython",
    # setup.py falls back to a pure-Python Cython when it cannot compile itself
    native=True,
    test=Test("tests/cython.py", expect="cython test OK"),
)
def cython(b: WheelBuild) -> None:
    # setup.py runs the source tree's own Cython on the build machine to turn its modules
    # into C, which the cross compiler then builds: no Cython has to exist for the target
    b.setuptools()

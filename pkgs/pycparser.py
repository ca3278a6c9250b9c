"""pycparser: a C99 parser in pure Python (setuptools)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pycparser",
    version="2.22",
    source=Sdist("pycparser", sha256="491c8be9c040f5390f5bf44a5b07752bd07f56edf992381b05c701439eec10f6"),
    test=Test("tests/pycparser.py", expect="pycparser test OK"),
)

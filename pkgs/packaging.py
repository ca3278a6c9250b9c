"""packaging: versions, specifiers, markers and tags (PEP 440/508/425); pure Python (flit)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "packaging",
    version="25.0",
    source=Sdist("packaging", sha256="d443872c98d677bf60f6a1f2f8c1cb748e8fe762d2bf9d3148b5599295b0fc4f"),
    test=Test("tests/packaging.py", expect="packaging test OK"),
)

"""idna: internationalized domain names (IDNA 2008, UTS 46); pure Python (flit)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "idna",
    version="3.10",
    source=Sdist("idna", sha256="12f65c9b470abda6dc35cf8e63cc574b1c52b11df2c86030af0ac09b01b13ea9"),
    test=Test("tests/idna.py", expect="idna test OK"),
)

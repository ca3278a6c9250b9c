"""pyparsing: PEG-style parser combinators; pure Python (flit)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pyparsing",
    version="3.2.3",
    source=Sdist("pyparsing", sha256="b9c13f1ab8b3b542f72e28f634bad4de758ab3ce4546e4301970ad6fa77c38be"),
    test=Test("tests/pyparsing.py", expect="pyparsing test OK"),
)

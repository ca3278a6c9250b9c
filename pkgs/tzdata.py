"""tzdata: the IANA time zone database as a Python package (zoneinfo's fallback); pure data."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "tzdata",
    version="2025.2",
    source=Sdist("tzdata", sha256="b60a638fcc0daffadf82fe0f57e53d06bdec2f36c4df66280ae79bce6bd6f2b9"),
    test=Test("tests/tzdata.py", expect="tzdata test OK"),
)

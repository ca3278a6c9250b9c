"""cycler: composable style cycles (matplotlib); pure Python (setuptools)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "cycler",
    version="0.12.1",
    source=Sdist("cycler", sha256="88bb128f02ba341da8ef447245a9e138fae777f6a23943da4540077d3601eb1c"),
    test=Test("tests/cycler.py", expect="cycler test OK"),
)

"""six: Python 2 and 3 compatibility helpers; pure Python (setuptools)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "six",
    version="1.17.0",
    source=Sdist("six", sha256="ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81"),
    test=Test("tests/six.py", expect="six test OK"),
)

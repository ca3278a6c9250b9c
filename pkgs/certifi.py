"""certifi: Mozilla's CA bundle as a Python package; pure Python (setuptools).

The catalog writes the version 2025.08.03; PyPI's release is 2025.8.3 (the same version under
PEP 440 normalization).
"""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "certifi",
    version="2025.8.3",
    source=Sdist("certifi", sha256="e564105f78ded564e3ae7c923924435e1daa7463faeab5bb932bc53ffae63407"),
    test=Test("tests/certifi.py", expect="certifi test OK"),
)

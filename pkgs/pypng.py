"""pypng: PNG encoder and decoder in pure Python (setuptools)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="0.20220715.0",
    source=Sdist("pypng", sha256="739c433ba96f078315de54c0db975aee537cbc3e1d0ae4ed9aab0ca1e427e2c1"),
    native=False,
    catalog_version="0.20250521.0",
    version_note="the catalog builds 0.20250521.0 from the upstream repository, a version "
    "never released on PyPI; 0.20220715.0 is PyPI's latest",
    test=Test("tests/pypng.py", expect="pypng test OK"),
)
def pypng(b: WheelBuild) -> None:
    b.pip_wheel()

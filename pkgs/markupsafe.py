"""MarkupSafe: setuptools with one C extension (_speedups)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.0.2",
    source=Sdist("markupsafe", sha256="ee55d3edf80167e48ea11a923c7386f4669df67d7994554387f84e7d8b0a2bf0"),
    dist_name="MarkupSafe",
    native=True,
    test=Test("tests/markupsafe.py", expect="test OK"),
)
def markupsafe(b: WheelBuild) -> None:
    # markupsafe silently builds a pure wheel when the C compile fails; the stage's
    # check turns that fallback into an error because the recipe is native.
    b.setuptools()

"""pytz: Olson time zones for Python; pure Python (setuptools) with its tz database."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2025.2",
    source=Sdist("pytz", sha256="360b9e3dbb49a209c21ad61809c7fb453643e048b38924c765813546746e81c3"),
    native=False,
    version_note="built from the sdist as released, with the compiled tz database (2025b) it "
    "ships: the seed's prepare step runs upstream's `make build` in the git repository, which "
    "compiles zic with a host clang and regenerates that database from the IANA sources",
    test=Test("tests/pytz.py", expect="pytz test OK"),
)
def pytz(b: WheelBuild) -> None:
    b.pip_wheel()

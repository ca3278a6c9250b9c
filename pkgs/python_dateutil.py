"""python-dateutil (the seed's dateutil): date parsing, relativedelta, rrule and tz; pure
Python (setuptools)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    name="python-dateutil",
    version="2.9.0",
    source=Sdist("python-dateutil",
                 sha256="78e73e19c63f5b20ffa567001531680d939dc042bf7850431877645523c66709"),
    native=False,
    version_note="built from the sdist as released, with the zoneinfo tarball it bundles (tz "
    "2024a): the seed's prepare step regenerates that tarball with updatezinfo.py, which "
    "downloads tzdata2024a.tar.gz from IANA and compiles it with a host zic; neither is offered "
    "by a registry here",
    test=Test("tests/python-dateutil.py", expect="python-dateutil test OK"),
)
def python_dateutil(b: WheelBuild) -> None:
    b.pip_wheel()

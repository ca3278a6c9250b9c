"""urllib3: HTTP client; pure Python (hatchling)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "urllib3",
    version="2.5.0",
    source=Sdist("urllib3", sha256="3fc47733c7e419d4bc3f6b3dc2b4f890bb743906a30d56ba4a5bfa4bbff92760"),
    test=Test("tests/urllib3.py", expect="urllib3 test OK"),
)

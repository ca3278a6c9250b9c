"""requests: HTTP for humans; pure Python (setuptools).

Its Requires-Dist (charset_normalizer, idna, urllib3, certifi) are recipes of their own; the
test installs their wheels from artifacts/ with it.
"""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "requests",
    version="2.32.4",
    source=Sdist("requests", sha256="27d0316682c8a29834d3264820024b62a36942083d52caf2f14c0591336d3422"),
    test=Test("tests/requests.py", expect="requests test OK"),
)

"""typing_extensions: backports of new typing features; pure Python (flit).

The seed spells it `typing_extensions`; the recipe uses the normalized project name.
"""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "typing-extensions",
    version="4.14.1",
    source=Sdist("typing_extensions",
                 sha256="38b39f4aeeab64884ce9f74c94263ef78f3c22467c8724005483154c26648d36"),
    test=Test("tests/typing-extensions.py", expect="typing-extensions test OK"),
)

"""pypandoc: a Python wrapper around the pandoc program; pure Python (poetry-core).

The seed marks it DONT_INSTALL (pypandoc_binary, which bundles pandoc.wasm, takes its place);
pandoc itself is a blocked recipe here, so the wheel is built and tested without it.
"""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "pypandoc",
    version="1.15",
    source=Sdist("pypandoc", sha256="ea25beebe712ae41d63f7410c08741a3cab0e420f6703f95bc9b3a749192ce13"),
    test=Test("tests/pypandoc.py", expect="pypandoc test OK"),
)

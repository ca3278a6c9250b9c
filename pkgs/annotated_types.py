"""annotated-types: reusable constraint types for typing.Annotated; pure Python (hatchling)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "annotated-types",
    version="0.7.0",
    source=Sdist("annotated_types", sha256="aff07c09a53a08bc8cfccb9c85b05f1aa9a2a6f23728d790723543408344ce89"),
    test=Test("tests/annotated-types.py", expect="annotated-types test OK"),
)

"""typing-inspection: runtime inspection of type annotations (pydantic); pure Python (hatchling)."""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "typing-inspection",
    version="0.4.1",
    source=Sdist("typing_inspection", sha256="6ae134cc0203c33377d43188d4064e9b357dba58cff3185f22924610e70a9d28"),
    test=Test("tests/typing-inspection.py", expect="typing-inspection test OK"),
)

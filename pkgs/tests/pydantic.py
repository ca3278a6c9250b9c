"""pydantic under the WASIX CPython, on our pydantic-core wheel: a model validates and
coerces input, rejects bad input with pydantic-core's errors, and round-trips JSON."""

import pydantic


class Point(pydantic.BaseModel):
    x: int
    y: float = 0.0
    label: str | None = None


p = Point(x="3", y=4)
assert (p.x, p.y, p.label) == (3, 4.0, None), p
assert Point.model_validate_json(p.model_dump_json()) == p
try:
    Point(x="not a number")
except pydantic.ValidationError as exc:
    assert exc.errors()[0]["type"] == "int_parsing", exc.errors()
else:
    raise AssertionError("a bad int was accepted")
print("pydantic", pydantic.VERSION, "model:", p.model_dump())
print("pydantic test OK")

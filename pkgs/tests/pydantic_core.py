"""pydantic-core under the WASIX CPython, without pydantic: its Rust validators parse JSON
(serde and jiter code), coerce strings, check constraints, and report errors as
ValidationError; its serializer writes JSON back."""

import pydantic_core
from pydantic_core import SchemaSerializer, SchemaValidator, ValidationError, core_schema

schema = core_schema.typed_dict_schema({
    "name": core_schema.typed_dict_field(core_schema.str_schema(min_length=1)),
    "count": core_schema.typed_dict_field(core_schema.int_schema(ge=0)),
    "when": core_schema.typed_dict_field(core_schema.date_schema()),
    "tags": core_schema.typed_dict_field(core_schema.list_schema(core_schema.str_schema())),
})
v = SchemaValidator(schema)
got = v.validate_json('{"name": "tea", "count": "12", "when": "2026-12-03", "tags": ["a", "b"]}')
assert got["count"] == 12 and str(got["when"]) == "2026-12-03" and got["tags"] == ["a", "b"], got
try:
    v.validate_python({"name": "", "count": -1, "when": "not a date", "tags": []})
except ValidationError as exc:
    kinds = sorted(e["type"] for e in exc.errors())
    assert kinds == ["date_from_datetime_parsing", "greater_than_equal", "string_too_short"], kinds
else:
    raise AssertionError("bad input was accepted")
out = SchemaSerializer(schema).to_json(got)
assert v.validate_json(out) == got, out
print("pydantic_core", pydantic_core.__version__, "json:", out.decode())
print("pydantic-core test OK")

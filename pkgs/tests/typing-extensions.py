"""typing_extensions under the WASIX CPython: a few backports used at run time."""

import typing_extensions as te
from typing_extensions import (Annotated, Literal, NotRequired, Protocol, ReadOnly, TypedDict,
                               TypeIs, get_args, get_origin, get_type_hints, runtime_checkable)

print("typing_extensions from", te.__file__)


class Movie(TypedDict):
    title: str
    year: NotRequired[int]
    rating: ReadOnly[float]


assert Movie.__required_keys__ == frozenset({"title", "rating"})
assert Movie.__optional_keys__ == frozenset({"year"})
assert Movie.__readonly_keys__ == frozenset({"rating"})
print("TypedDict keys: required", sorted(Movie.__required_keys__))


@runtime_checkable
class Closer(Protocol):
    def close(self) -> None: ...


assert isinstance(open(__file__), Closer) and not isinstance(1, Closer)


def is_str(x: object) -> TypeIs[str]:
    return isinstance(x, str)


hints = get_type_hints(is_str)
assert get_origin(hints["return"]) is TypeIs
Size = Annotated[int, "bytes"]
assert get_args(Size) == (int, "bytes")
assert get_args(Literal["a", "b"]) == ("a", "b")
assert te.deprecated("use g")(lambda: 1).__deprecated__ == "use g"
print("Protocol, TypeIs, Annotated, Literal, deprecated")
print("typing-extensions test OK")

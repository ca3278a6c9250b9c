"""annotated-types under the WASIX CPython: constraint objects read back from Annotated."""

from typing import Annotated, get_args

import annotated_types as at

print("annotated_types", at.__version__, "from", at.__file__)
Age = Annotated[int, at.Ge(0), at.Lt(150)]
_, *constraints = get_args(Age)
assert constraints == [at.Ge(0), at.Lt(150)]
interval = at.Interval(gt=1, le=10)
parts = list(interval)
assert parts == [at.Gt(1), at.Le(10)], parts
assert list(at.Len(2, 5)) == [at.MinLen(2), at.MaxLen(5)]


def check(value, annotation):
    _, *cons = get_args(annotation)
    for c in cons:
        for part in (list(c) if isinstance(c, at.GroupedMetadata) else [c]):
            if isinstance(part, at.Ge) and not value >= part.ge:
                return False
            if isinstance(part, at.Lt) and not value < part.lt:
                return False
            if isinstance(part, at.Predicate) and not part.func(value):
                return False
    return True


assert check(30, Age) and not check(-1, Age) and not check(200, Age)
Even = Annotated[int, at.Predicate(lambda x: x % 2 == 0)]
assert check(4, Even) and not check(3, Even)
print("constraints:", constraints, "interval:", parts)
print("annotated-types test OK")

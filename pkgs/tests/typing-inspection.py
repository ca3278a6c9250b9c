"""typing-inspection under the WASIX CPython: typing objects and annotations inspected."""

from typing import Annotated, ClassVar, Final, Literal, Optional, Union

from typing_inspection import typing_objects
from typing_inspection.introspection import (AnnotationSource, inspect_annotation,
                                             is_union_origin)
import typing_inspection

print("typing_inspection from", typing_inspection.__file__)
assert typing_objects.is_literal(Literal)
assert typing_objects.is_annotated(Annotated)
assert typing_objects.is_classvar(ClassVar)
assert is_union_origin(Union) and is_union_origin(type(int | str))

info = inspect_annotation(Final[Annotated[int, "meta"]], annotation_source=AnnotationSource.CLASS)
assert info.type is int and info.qualifiers == {"final"} and info.metadata == ["meta"], info
print("Final[Annotated[int, 'meta']]:", info.type.__name__, sorted(info.qualifiers), info.metadata)
info = inspect_annotation(ClassVar[Optional[str]], annotation_source=AnnotationSource.CLASS)
assert info.qualifiers == {"class_var"} and info.type == Optional[str]
print("ClassVar[Optional[str]]:", sorted(info.qualifiers), info.type)
print("typing-inspection test OK")

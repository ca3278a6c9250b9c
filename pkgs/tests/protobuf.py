"""protobuf under the WASIX CPython: the upb C extension (google._upb._message) builds a
message class at run time from a FileDescriptorProto (no protoc), and serializes, parses,
prints and reads it back; a truncated message and a broken descriptor raise the Python
errors (upb leaves both through setjmp/longjmp)."""

import google.protobuf
from google.protobuf import (descriptor_pb2, descriptor_pool, json_format, message,
                             message_factory, text_format, timestamp_pb2)
from google.protobuf.internal import api_implementation

print("protobuf", google.protobuf.__version__, "implementation:", api_implementation.Type())
assert api_implementation.Type() == "upb", api_implementation.Type()
from google._upb import _message  # noqa: E402

assert _message.__file__.endswith(".so"), _message.__file__
print("C extension:", _message.__file__)

F = descriptor_pb2.FieldDescriptorProto
fdp = descriptor_pb2.FileDescriptorProto(name="wasix/test.proto", package="wasix",
                                         syntax="proto3")
color = fdp.enum_type.add(name="Color")
for i, name in enumerate(["COLOR_UNSET", "RED", "GREEN"]):
    color.value.add(name=name, number=i)
inner = fdp.message_type.add(name="Inner")
inner.field.add(name="name", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
inner.field.add(name="value", number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
outer = fdp.message_type.add(name="Outer")
outer.field.add(name="id", number=1, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
outer.field.add(name="numbers", number=2, type=F.TYPE_SINT32, label=F.LABEL_REPEATED)
outer.field.add(name="inner", number=3, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                type_name=".wasix.Inner")
outer.field.add(name="items", number=4, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED,
                type_name=".wasix.Inner")
outer.field.add(name="color", number=5, type=F.TYPE_ENUM, label=F.LABEL_OPTIONAL,
                type_name=".wasix.Color")
outer.field.add(name="ratio", number=6, type=F.TYPE_DOUBLE, label=F.LABEL_OPTIONAL)
outer.field.add(name="tags", number=7, type=F.TYPE_STRING, label=F.LABEL_REPEATED)
outer.field.add(name="blob", number=15, type=F.TYPE_BYTES, label=F.LABEL_OPTIONAL)

pool = descriptor_pool.DescriptorPool()
pool.Add(fdp)
desc = pool.FindMessageTypeByName("wasix.Outer")
Outer = message_factory.GetMessageClass(desc)
Inner = message_factory.GetMessageClass(pool.FindMessageTypeByName("wasix.Inner"))
print("class from descriptor:", desc.full_name, [f.name for f in desc.fields])

m = Outer(id=-(2**40), color=2, ratio=0.25)
m.numbers.extend([3, -1, 4, -1, 5])
m.numbers.append(-926)
m.inner.name = "gr\u00fc\u00df"
m.inner.value = 7
for i in range(3):
    m.items.add(name=f"item{i}", value=i * i)
m.items.append(Inner(name="last", value=-1))
m.tags.extend(["a", "b"])
m.blob = bytes(range(200))
assert m.HasField("inner") and len(m.items) == 4 and m.items[3].name == "last"

data = m.SerializeToString()
back = Outer()
back.ParseFromString(data)
assert back == m, (back, m)
assert list(back.numbers) == [3, -1, 4, -1, 5, -926] and back.items[2].value == 4
assert back.inner.name == "gr\u00fc\u00df" and back.blob == bytes(range(200))
print("binary round trip:", len(data), "bytes, ByteSize", m.ByteSize())

text = text_format.MessageToString(m)
assert text_format.Parse(text, Outer()) == m
print("text_format round trip:", len(text), "characters")

js = json_format.MessageToJson(m)
assert json_format.Parse(js, Outer()) == m
assert json_format.MessageToDict(m)["color"] == "GREEN"
print("json_format round trip:", len(js), "characters")

# the methods CPython calls with (self, NULL): reverse(), clear(), Clear()
back.numbers.reverse()
assert list(back.numbers) == [-926, 5, -1, 4, -1, 3]
back.items.clear()
back.tags.clear()
assert len(back.items) == 0 and len(back.tags) == 0
back.Clear()
assert back == Outer() and back.ByteSize() == 0
print("reverse/clear/Clear ok")

try:
    Outer.FromString(data[:-5])
except message.DecodeError as e:
    print("truncated message:", type(e).__name__, e)
else:
    raise AssertionError("a truncated message parsed")

bad = descriptor_pb2.FileDescriptorProto(name="wasix/bad.proto", package="wasix")
bad.message_type.add(name="Bad").field.add(
    name="x", number=1, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL, type_name=".wasix.Nope")
try:
    pool.Add(bad)  # upb builds the file here and refuses it
    pool.FindMessageTypeByName("wasix.Bad")
except (TypeError, KeyError) as e:
    print("bad descriptor:", type(e).__name__, str(e).splitlines()[0])
else:
    raise AssertionError("a descriptor with an unknown type was accepted")

ts = timestamp_pb2.Timestamp()
ts.FromJsonString("2026-12-02T12:34:56.789Z")
assert ts.ToJsonString() == "2026-12-02T12:34:56.789Z" and ts.seconds == 1796214896
print("well-known type:", ts.ToJsonString())
print("protobuf test OK")

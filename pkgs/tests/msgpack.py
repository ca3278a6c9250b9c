"""msgpack under the WASIX CPython: packing and unpacking go through the C `_cmsgpack`."""

import msgpack
from msgpack import _cmsgpack

assert _cmsgpack.__file__.endswith(".so"), _cmsgpack.__file__
assert msgpack.Packer is _cmsgpack.Packer, "the pure-Python fallback is used"
print("msgpack", msgpack.version, "from", _cmsgpack.__file__)

data = {"name": "wasix", "numbers": list(range(100)), "nested": {"pi": 3.14159, "ok": True},
        "blob": bytes(range(256)), "text": "gr\u00fc\u00df"}
packed = msgpack.packb(data)
assert msgpack.unpackb(packed) == data
unpacker = msgpack.Unpacker()
unpacker.feed(packed + packed)
assert list(unpacker) == [data, data]
print("round trip:", len(packed), "bytes, streamed twice")
print("msgpack test OK")

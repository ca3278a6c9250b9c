"""python-crc32c (google_crc32c) under the WASIX CPython: CRC-32C through the C extension
over the google-crc32c library (statically linked), checked against known vectors and the
package's own pure-Python implementation."""

import warnings

warnings.simplefilter("error", RuntimeWarning)  # the pure-Python fallback warns: fail on it

import google_crc32c  # noqa: E402
from google_crc32c import _crc32c, python  # noqa: E402

assert google_crc32c.implementation == "c", google_crc32c.implementation
assert _crc32c.__file__.endswith(".so"), _crc32c.__file__
print("google_crc32c implementation", google_crc32c.implementation, "from", _crc32c.__file__)

# check value and the RFC 3720 (iSCSI) vectors
vectors = {
    b"123456789": 0xE3069283,
    b"": 0,
    bytes(32): 0x8A9136AA,
    b"\xff" * 32: 0x62A8AB43,
    bytes(range(32)): 0x46DD794E,
    bytes(range(31, -1, -1)): 0x113FDB5C,
}
for data, want in vectors.items():
    assert google_crc32c.value(data) == want, (data, hex(google_crc32c.value(data)))
print("known CRC-32C vectors:", len(vectors), "OK")

# extend(): a running CRC over pieces equals the one-shot value
data = bytes((i * 7 + 3) % 256 for i in range(100000))
crc = 0
for start in range(0, len(data), 4099):
    crc = google_crc32c.extend(crc, data[start:start + 4099])
assert crc == google_crc32c.value(data) == python.value(data), hex(crc)
# and the Checksum helper (hashlib-like)
helper = google_crc32c.Checksum()
for start in range(0, len(data), 10000):
    helper.update(data[start:start + 10000])
assert int.from_bytes(helper.digest(), "big") == crc
assert helper.copy().hexdigest() == helper.hexdigest()
print(f"extend over pieces, Checksum: 0x{crc:08x} (same as the pure-Python value)")

# a larger buffer at several offsets (the library's aligned and unaligned paths)
big = bytes((i * 31 + 11) & 0xFF for i in range(1 << 20))
for offset in range(8):
    one_shot = google_crc32c.value(big[offset:])
    split = google_crc32c.extend(google_crc32c.value(big[offset:offset + 777]), big[offset + 777:])
    assert one_shot == split, (offset, hex(one_shot), hex(split))
print("1 MiB at 8 offsets, one shot and split: OK")
print("python-crc32c test OK")

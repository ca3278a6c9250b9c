"""brotlicffi under the WASIX CPython: compression through the cffi-generated C module
(_brotlicffi, with the vendored brotli) and our cffi wheel's _cffi_backend."""

import os

import _cffi_backend
import brotlicffi
from brotlicffi import _brotlicffi

assert _brotlicffi.__file__.endswith(".so"), _brotlicffi.__file__
assert _cffi_backend.__file__.endswith(".so"), _cffi_backend.__file__
print("brotlicffi", brotlicffi.__version__, "module", _brotlicffi.__file__)
assert type(_brotlicffi.ffi).__module__ == "_cffi_backend"  # the compiled FFI object

# one-shot round trips: text at several qualities and modes, random data, empty input
text = b"".join(b"%d bottles of beer on the wall, %d bottles of beer.\n" % (i, i)
                for i in range(99, 0, -1)) * 20
for quality in (0, 5, 11):
    packed = brotlicffi.compress(text, quality=quality, mode=brotlicffi.MODE_TEXT)
    assert brotlicffi.decompress(packed) == text
    print(f"quality {quality}: {len(text)} -> {len(packed)} bytes")
noise = os.urandom(100000)
assert brotlicffi.decompress(brotlicffi.compress(noise, mode=brotlicffi.MODE_GENERIC)) == noise
assert brotlicffi.decompress(brotlicffi.compress(b"")) == b""
try:
    brotlicffi.decompress(b"this is not brotli data at all")
except brotlicffi.error as exc:
    print("garbage refused:", exc)
else:
    raise AssertionError("garbage was decompressed")

# streaming: a Compressor fed in pieces (process/flush/finish), a Decompressor fed in pieces
compressor = brotlicffi.Compressor(quality=6, lgwin=18)
parts = []
for start in range(0, len(text), 3000):
    parts.append(compressor.process(text[start:start + 3000]))
    if start % 30000 == 0:
        parts.append(compressor.flush())
parts.append(compressor.finish())
stream = b"".join(parts)
decompressor = brotlicffi.Decompressor()
out = b"".join(decompressor.process(stream[i:i + 777]) for i in range(0, len(stream), 777))
assert out == text and decompressor.is_finished()
# a truncated stream is not finished
partial = brotlicffi.Decompressor()
partial.process(stream[:len(stream) // 2])
assert not partial.is_finished()
print(f"streaming: {len(parts)} compressor outputs, {len(stream)} bytes, round trip OK")
print("brotlicffi test OK")

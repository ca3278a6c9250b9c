"""zstandard under the WASIX CPython: one-shot, streaming, dictionaries and multi-threaded
compression through the C backend (backend_c, with the bundled zstd)."""

import io
import os

import zstandard as zstd
from zstandard import backend_c

assert zstd.backend == "cext", zstd.backend
assert backend_c.__file__.endswith(".so"), backend_c.__file__
print("zstandard", zstd.__version__, "zstd", zstd.ZSTD_VERSION, "backend", backend_c.__file__)

# one-shot round trips at several levels; the frame records the content size
data = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\n" % i
                for i in range(20000))
for level in (1, 3, 19):
    frame = zstd.ZstdCompressor(level=level).compress(data)
    assert zstd.frame_content_size(frame) == len(data)
    assert zstd.ZstdDecompressor().decompress(frame) == data
    print(f"level {level}: {len(data)} -> {len(frame)} bytes")
assert zstd.decompress(zstd.compress(b"")) == b""
try:
    zstd.ZstdDecompressor().decompress(b"\x28\xb5\x2f\xfd" + b"garbage" * 4)
except zstd.ZstdError as exc:
    print("garbage frame refused:", exc)
else:
    raise AssertionError("a corrupt frame was accepted")

# streaming: a writer into a BytesIO, then a reader and a chunked decompressobj
sink = io.BytesIO()
cctx = zstd.ZstdCompressor(level=5, write_checksum=True)
with cctx.stream_writer(sink, closefd=False) as writer:
    for start in range(0, len(data), 7777):
        writer.write(data[start:start + 7777])
stream_frame = sink.getvalue()
with zstd.ZstdDecompressor().stream_reader(io.BytesIO(stream_frame)) as reader:
    assert reader.read() == data
dobj = zstd.ZstdDecompressor().decompressobj()
out = b"".join(dobj.decompress(stream_frame[i:i + 1000])
               for i in range(0, len(stream_frame), 1000))
assert out == data
chunks = list(zstd.ZstdDecompressor().read_to_iter(io.BytesIO(stream_frame), read_size=4096))
assert b"".join(chunks) == data and len(chunks) > 1
# METH_NOARGS methods (called by CPython with two arguments: wasm checks the signature)
assert cctx.memory_size() > 0 and cctx.frame_progression()[0] >= len(data)
assert zstd.ZstdDecompressor().memory_size() > 0
with zstd.ZstdDecompressor().stream_reader(io.BytesIO(stream_frame)) as reader:
    reader.read(100)
    assert reader.tell() == 100 and reader.readable() and not reader.writable()
    assert len(reader.readall()) == len(data) - 100
chunker = zstd.ZstdCompressor().chunker(chunk_size=4096)
chunked = b"".join([*chunker.compress(data[:50000]), *chunker.finish()])
assert zstd.ZstdDecompressor().decompressobj().decompress(chunked) == data[:50000]
print("streaming: writer, reader, decompressobj, read_to_iter:", len(chunks), "chunks")

# dictionary training on small samples, then compression with the dictionary
samples = [(b'{"id": %d, "user": "user%04d", "status": "%s", "tags": ["a", "b"]}'
            % (i, i * 7 % 1000, [b"active", b"idle", b"gone"][i % 3])) for i in range(2000)]
dictionary = zstd.train_dictionary(4096, samples)
assert dictionary.dict_id() != 0 and len(dictionary.as_bytes()) <= 4096
with_dict = zstd.ZstdCompressor(dict_data=dictionary)
plain = zstd.ZstdCompressor()
with_size = sum(len(with_dict.compress(s)) for s in samples[:200])
without = sum(len(plain.compress(s)) for s in samples[:200])
assert with_size < without, (with_size, without)
frame = with_dict.compress(samples[5])
assert zstd.get_frame_parameters(frame).dict_id == dictionary.dict_id()
assert zstd.ZstdDecompressor(dict_data=dictionary).decompress(frame) == samples[5]
print(f"dictionary {dictionary.dict_id()}: 200 samples {without} -> {with_size} bytes")

# multi-threaded compression: zstd's worker threads (pthreads under WASIX)
big = os.urandom(256 * 1024) * 2 + data * 4
mt = zstd.ZstdCompressor(level=3, threads=2)
frame = mt.compress(big)
assert zstd.ZstdDecompressor().decompress(frame) == big
sink = io.BytesIO()
with mt.stream_writer(sink, closefd=False) as writer:
    writer.write(big)
assert zstd.ZstdDecompressor().decompress(sink.getvalue(), max_output_size=len(big)) == big
# many independent frames compressed with 2 threads
batch = zstd.ZstdCompressor(level=1).multi_compress_to_buffer(samples[:64], threads=2)
assert [zstd.decompress(f.tobytes()) for f in batch] == samples[:64]
print(f"threads=2: {len(big)} -> {len(frame)} bytes, streaming and multi_compress_to_buffer OK")
print("zstandard test OK")

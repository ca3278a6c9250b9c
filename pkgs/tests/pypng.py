"""pypng under the WASIX CPython: write PNGs (greyscale, RGBA, palette) to memory and read
them back, through the zlib module."""

import io

import png

print("pypng", png.__version__, "from", png.__file__)
grey = [[(x * y) % 256 for x in range(32)] for y in range(16)]
buf = io.BytesIO()
png.Writer(32, 16, greyscale=True, bitdepth=8).write(buf, grey)
data = buf.getvalue()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
w, h, rows, info = png.Reader(bytes=data).read()
assert (w, h, info["greyscale"], info["bitdepth"]) == (32, 16, True, 8)
assert [list(r) for r in rows] == grey
print("greyscale 32x16:", len(data), "bytes, round trip")

rgba = [[v for x in range(8) for v in (x * 32, 255 - x * 32, y * 60, 128)] for y in range(4)]
buf = io.BytesIO()
png.from_array(rgba, "RGBA").write(buf)
w, h, pixels, info = png.Reader(bytes=buf.getvalue()).asRGBA8()
assert (w, h, info["alpha"]) == (8, 4, True) and [list(r) for r in pixels] == rgba
palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
buf = io.BytesIO()
png.Writer(3, 1, palette=palette, bitdepth=2).write(buf, [[0, 1, 2]])
w, h, pixels, info = png.Reader(bytes=buf.getvalue()).asRGB8()
assert [list(r) for r in pixels] == [[255, 0, 0, 0, 255, 0, 0, 0, 255]]
print("RGBA 8x4 and a 2-bit palette image: round trips")
print("pypng test OK")

"""contourpy under the WASIX CPython: contour lines and filled contours of z = x^2 + y^2 with
each C++ algorithm (serial, threaded with 2 threads, mpl2014, mpl2005), checked against the
circles they must trace."""

import math

import numpy as np

import contourpy
from contourpy import FillType, LineType, contour_generator

print("contourpy", contourpy.__version__, "from", contourpy.__file__)

n = 41
x = np.linspace(-2.0, 2.0, n)
y = np.linspace(-2.0, 2.0, n)
X, Y = np.meshgrid(x, y)
Z = X**2 + Y**2


def area(points: np.ndarray) -> float:
    px, py = points[:, 0], points[:, 1]
    return 0.5 * float(np.sum(px * np.roll(py, -1) - np.roll(px, -1) * py))


# contour lines of level 1: one closed circle of radius 1
for name in ("serial", "threaded", "mpl2014", "mpl2005"):
    kw = {"thread_count": 2} if name == "threaded" else {}
    if name == "threaded":
        kw["chunk_count"] = 4
    # SeparateCode: the line type every algorithm supports (points, and Path codes)
    cg = contour_generator(x, y, Z, name=name, line_type=LineType.SeparateCode, **kw)
    lines, codes = cg.lines(1.0)
    assert all(c[0] == 1 and len(c) == len(p) for p, c in zip(lines, codes))  # 1 = MOVETO
    pts = np.concatenate(lines)
    r = np.hypot(pts[:, 0], pts[:, 1])
    assert pts.ndim == 2 and pts.shape[1] == 2 and len(pts) > 40, (name, pts.shape)
    assert np.all(np.abs(r - 1.0) < 0.01), (name, r.min(), r.max())
    if name != "threaded":  # chunked generators return a line per chunk
        assert len(lines) == 1 and np.allclose(lines[0][0], lines[0][-1]), (name, len(lines))
    print(f"{name}: {len(lines)} line(s), {len(pts)} points, radius {r.min():.4f}..{r.max():.4f}")

# filled contour 1 <= z <= 2: an annulus between radii 1 and sqrt(2), area about pi
cg = contour_generator(x, y, Z, name="serial", fill_type=FillType.OuterCode)
points, codes = cg.filled(1.0, 2.0)
assert len(points) == 1 and len(codes) == 1
p, c = points[0], codes[0]
assert p.dtype == np.float64 and c.dtype == np.uint8 and len(p) == len(c)
starts = np.flatnonzero(c == 1)  # MOVETO: the outer boundary and the hole
assert len(starts) == 2 and c[-1] == 79, (starts, c[-1])  # 79 = CLOSEPOLY
rings = np.split(p, starts[1:])
areas = sorted(abs(area(ring)) for ring in rings)
print("filled rings, areas:", [round(a, 4) for a in areas])
assert abs(areas[0] - math.pi) < 0.02 and abs(areas[1] - 2 * math.pi) < 0.04
assert abs((areas[1] - areas[0]) - math.pi) < 0.04

# the threaded filled contour (two threads) traces the same annulus in chunks
cg = contour_generator(x, y, Z, name="threaded", fill_type=FillType.OuterOffset,
                       thread_count=2, chunk_count=2)
points, offsets = cg.filled(1.0, 2.0)
total = 0.0  # outer boundaries run anticlockwise, holes clockwise: the signed sum is the area
for pp, oo in zip(points, offsets):
    for ring in np.split(pp, oo[1:-1]):
        total += area(ring)
print("threaded filled: chunks", len(points), "signed area", round(total, 4))
assert abs(abs(total) - math.pi) < 0.04

# a masked grid: no line crosses the masked corner
Zm = np.ma.array(Z, mask=(X > 1.0) & (Y > 1.0))
lines = contour_generator(x, y, Zm, name="serial", line_type=LineType.Separate).lines(3.0)
pts = np.concatenate(lines)
assert not np.any((pts[:, 0] > 1.05) & (pts[:, 1] > 1.05))
assert contourpy.max_threads() >= 1

# a C++ std::invalid_argument comes back through pybind11 as ValueError
try:
    contour_generator(x, y, Z, name="serial").filled(2.0, 1.0)
except ValueError as exc:
    print("ValueError:", exc)
else:
    raise AssertionError("filled(2, 1) accepted")
print("contourpy test OK")

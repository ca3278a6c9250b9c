"""shapely under Wasmer: geometry operations through the GEOS C API linked into the
extension modules, vectorized ufuncs over numpy arrays, and GEOS's C++ exceptions."""

import math

import numpy as np

import shapely
from shapely import wkb, wkt
from shapely.errors import GEOSException
from shapely.geometry import LineString, Point, Polygon, box

print("shapely", shapely.__version__, "GEOS", shapely.geos_version_string)
assert shapely.geos_version >= (3, 13, 0), shapely.geos_version

# buffer: a disc of radius 1 approximated by 4 * 64 segments, area close to pi
disc = Point(0, 0).buffer(1.0, quad_segs=64)
assert disc.geom_type == "Polygon"
assert abs(disc.area - math.pi) < 1e-3, disc.area
assert abs(disc.length - 2 * math.pi) < 1e-3, disc.length
print("buffer area", round(disc.area, 5))

# area, length, overlay operations of two squares overlapping by a quarter
a = box(0, 0, 2, 2)
b = box(1, 1, 3, 3)
assert a.area == 4.0 and a.length == 8.0
inter = a.intersection(b)
assert inter.equals(box(1, 1, 2, 2)), inter.wkt
assert inter.area == 1.0
union = a.union(b)
assert union.area == 7.0, union.area
assert a.symmetric_difference(b).area == 6.0
assert a.difference(b).area == 3.0
assert LineString([(0, 0), (3, 4)]).length == 5.0
assert a.contains(Point(1, 1)) and not a.contains(Point(5, 5))
assert a.distance(Point(5, 2)) == 3.0
print("overlay", inter.wkt, "union area", union.area)

# WKT and WKB round trips (writer and reader are GEOS's)
poly = Polygon([(0, 0), (4, 0), (4, 3), (0, 3)], holes=[[(1, 1), (2, 1), (2, 2), (1, 2)]])
text = shapely.to_wkt(poly, rounding_precision=3)
assert text.startswith("POLYGON ((0 0, 4 0"), text
assert wkt.loads(text).equals(poly)
blob = wkb.dumps(poly)
assert isinstance(blob, bytes) and blob[0] == 1  # little-endian WKB
again = wkb.loads(blob)
assert again.equals(poly) and again.area == 11.0
hexed = shapely.to_wkb(poly, hex=True)
assert shapely.from_wkb(hexed).equals(poly)
print("wkt/wkb round trip", len(blob), "bytes")

# vectorized: ufuncs over numpy arrays of coordinates and geometries
xy = np.array([[0.5, 0.5], [1.5, 1.5], [2.5, 2.5], [5.0, 5.0]])
pts = shapely.points(xy)
assert pts.shape == (4,) and pts.dtype == object
inside = shapely.contains_xy(a, xy[:, 0], xy[:, 1])
assert inside.tolist() == [True, True, False, False], inside
assert shapely.contains(b, pts).tolist() == [False, True, True, False]
dist = shapely.distance(pts, Point(0, 0))
assert np.allclose(dist, np.hypot(xy[:, 0], xy[:, 1]))
areas = shapely.area(shapely.buffer(pts, 1.0, quad_segs=16))
assert areas.shape == (4,) and np.allclose(areas, areas[0])
coords = shapely.get_coordinates(pts)
assert np.array_equal(coords, xy)
tree = shapely.STRtree(pts)
hits = tree.query(box(0, 0, 2, 2))
assert sorted(hits.tolist()) == [0, 1], hits
print("vectorized", inside.tolist(), "strtree", sorted(hits.tolist()))

# GEOS reports bad input by throwing C++ exceptions, which its C API catches: this only
# works when the wasm exception handling and the unwinder linked in are right
try:
    wkt.loads("POLYGON ((0 0, 1 1")
except GEOSException as exc:
    print("bad WKT refused:", str(exc).splitlines()[0])
else:
    raise AssertionError("bad WKT was accepted")
bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
assert not bowtie.is_valid
assert "Self-intersection" in shapely.is_valid_reason(bowtie)
assert shapely.make_valid(bowtie).area == 2.0

# untrimmed WKT goes through an ostringstream (std::fixed): it came out empty when each
# extension module carried its own libc++ (the recipe's reason for one copy)
assert shapely.to_wkt(Point(1.5, 2.5), trim=False, rounding_precision=3) == "POINT (1.500 2.500)"
# GEOS's WKB reader throws from an inline method: caught by the C API, reported as an error
try:
    wkb.loads(b"\x01\x01\x00")
except GEOSException as exc:
    print("truncated WKB refused:", str(exc).splitlines()[0])
else:
    raise AssertionError("truncated WKB was accepted")

print("shapely test OK")

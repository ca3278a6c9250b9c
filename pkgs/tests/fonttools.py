"""fonttools under the WASIX CPython: a TrueType font built in memory (two glyphs drawn with
a pen), compiled, read back, measured, and subset as matplotlib does for PDF embedding."""

import io

import fontTools
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont

print("fontTools", fontTools.version, "from", fontTools.__file__)


def box(x0, y0, x1, y1):
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    return pen.glyph()


fb = FontBuilder(1000, isTTF=True)
fb.setupGlyphOrder([".notdef", "A", "B"])
fb.setupCharacterMap({ord("A"): "A", ord("B"): "B"})
fb.setupGlyf({".notdef": box(50, 0, 450, 700), "A": box(100, 0, 500, 700),
              "B": box(100, 0, 550, 720)})
fb.setupHorizontalMetrics({".notdef": (500, 50), "A": (600, 100), "B": (650, 100)})
fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({"familyName": "WasixTest", "styleName": "Regular"})
fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
fb.setupPost()
buf = io.BytesIO()
fb.save(buf)
data = buf.getvalue()
assert data[:4] == b"\x00\x01\x00\x00", data[:4]
print("font:", len(data), "bytes")

font = TTFont(io.BytesIO(data))
assert font.getGlyphOrder() == [".notdef", "A", "B"]
assert font.getBestCmap() == {65: "A", 66: "B"}
assert font["hmtx"]["B"] == (650, 100)
assert font["name"].getDebugName(1) == "WasixTest"
glyphs = font.getGlyphSet()
bp = BoundsPen(glyphs)
glyphs["B"].draw(bp)
assert bp.bounds == (100, 0, 550, 720), bp.bounds
assert font["head"].unitsPerEm == 1000 and font["maxp"].numGlyphs == 3

# subsetting to "B" only (matplotlib's PDF and PS backends embed subsets this way)
options = Options()
options.glyph_names = True
sub = Subsetter(options)
sub.populate(text="B")
sub.subset(font)
out = io.BytesIO()
font.save(out)
small = TTFont(io.BytesIO(out.getvalue()))
assert small.getGlyphOrder() == [".notdef", "B"], small.getGlyphOrder()
assert small.getBestCmap() == {66: "B"}
print("subset:", len(out.getvalue()), "bytes, glyphs", small.getGlyphOrder())

# the XML dump and its reading back
xml = io.StringIO()
small.saveXML(xml, tables=["hmtx"])
assert '<mtx name="B" width="650" lsb="100"/>' in xml.getvalue()
print("fonttools test OK")

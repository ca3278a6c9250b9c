"""Pillow under the WASIX CPython: images made in memory go through every linked codec
(libjpeg-turbo, libtiff, libwebp, openjpeg, zlib) and Pillow's own PNG and GIF code."""

import io

from PIL import Image, ImageChops, ImageDraw, ImageFilter, features
from PIL import _imaging

assert _imaging.__file__.endswith(".so"), _imaging.__file__
print("Pillow", Image.__version__, "from", _imaging.__file__)

codecs = {"zlib": "zlib", "jpg": "libjpeg-turbo", "libtiff": "libtiff", "webp": "libwebp",
          "jpg_2000": "openjpeg"}
for name, lib in codecs.items():
    assert features.check(name), f"{name} ({lib}) is not built in"
assert features.check_feature("libjpeg_turbo")
print("codecs:", ", ".join(f"{lib} {features.version(name)}" for name, lib in codecs.items()))

# a 96x64 RGB test picture: gradients, shapes, a blur (no flat colours only)
img = Image.new("RGB", (96, 64))
img.putdata([(x * 2, y * 4, (x + y) % 256) for y in range(64) for x in range(96)])
draw = ImageDraw.Draw(img)
draw.ellipse((10, 8, 50, 48), fill=(250, 30, 30), outline=(0, 0, 0), width=2)
draw.rectangle((55, 10, 90, 40), fill=(20, 200, 60))
draw.line((0, 63, 95, 0), fill=(255, 255, 255), width=3)
img = img.filter(ImageFilter.GaussianBlur(0.7))


def roundtrip(image: Image.Image, fmt: str, **options: object) -> tuple[Image.Image, int]:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    size = buf.tell()
    buf.seek(0)
    out = Image.open(buf)
    assert out.format == fmt, (out.format, fmt)
    out.load()
    return out, size


def max_diff(a: Image.Image, b: Image.Image) -> int:
    extrema = ImageChops.difference(a, b).getextrema()
    bands = [extrema] if isinstance(extrema[0], int) else extrema  # one band: (lo, hi)
    return max(hi for _, hi in bands)


def mean_diff(a: Image.Image, b: Image.Image) -> float:
    diff = ImageChops.difference(a, b).convert("L")
    return sum(i * n for i, n in enumerate(diff.histogram())) / (a.width * a.height)


# PNG (zlib): lossless, RGB, RGBA and palette
png, size = roundtrip(img, "PNG", optimize=True)
assert png.mode == "RGB" and max_diff(png, img) == 0
rgba = img.copy()
rgba.putalpha(Image.linear_gradient("L").resize(img.size))
png_a, _ = roundtrip(rgba, "PNG")
assert png_a.mode == "RGBA" and list(png_a.getdata()) == list(rgba.getdata())
print("PNG: RGB and RGBA lossless,", size, "bytes")

# JPEG (libjpeg-turbo): lossy within bounds, greyscale, progressive, quality ordering
jpg, size = roundtrip(img, "JPEG", quality=90)
assert jpg.mode == "RGB" and jpg.size == img.size and mean_diff(jpg, img) < 8, mean_diff(jpg, img)
_, small = roundtrip(img, "JPEG", quality=20)
assert small < size, (small, size)
grey, _ = roundtrip(img.convert("L"), "JPEG", progressive=True)
assert grey.mode == "L" and grey.info.get("progressive") == 1
buf = io.BytesIO()
img.save(buf, "JPEG")
draft = Image.open(buf)
draft.draft("RGB", (48, 32))  # libjpeg's DCT scaling: decoded at half size
assert draft.size == (48, 32), draft.size
print(f"JPEG: q90 {size} bytes (mean error {mean_diff(jpg, img):.2f}), q20 {small} bytes, "
      "progressive greyscale, DCT-scaled draft")

# TIFF (libtiff): lossless with Deflate, LZW and PackBits; a two-page file
for compression in ("tiff_deflate", "tiff_lzw", "packbits", "raw"):
    tif, size = roundtrip(img, "TIFF", compression=compression)
    assert max_diff(tif, img) == 0, compression
    # libtiff writes Deflate with the registered (Adobe) tag value
    expected = "tiff_adobe_deflate" if compression == "tiff_deflate" else compression
    assert tif.info["compression"] == expected, tif.info["compression"]
buf = io.BytesIO()
img.save(buf, "TIFF", save_all=True, append_images=[img.convert("L")],
         compression="tiff_deflate")
buf.seek(0)
pages = Image.open(buf)
assert pages.n_frames == 2
pages.seek(1)
assert pages.mode == "L" and max_diff(pages.convert("L"), img.convert("L")) == 0
print("TIFF: deflate, LZW, PackBits, raw lossless; 2 pages")

# WebP (libwebp): lossless exact, lossy within bounds, an animation
webp, size = roundtrip(rgba, "WEBP", lossless=True, exact=True)
assert webp.mode == "RGBA" and list(webp.getdata()) == list(rgba.getdata())
lossy, lsize = roundtrip(img, "WEBP", quality=80)
assert mean_diff(lossy.convert("RGB"), img) < 6, mean_diff(lossy.convert("RGB"), img)
frames = [img, img.rotate(90, expand=False), img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
anim, _ = roundtrip(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100,
                    lossless=True)
assert anim.n_frames == 3 and getattr(anim, "is_animated", False)
anim.seek(2)
assert max_diff(anim.convert("RGB"), frames[2]) == 0
print(f"WebP: lossless RGBA exact ({size} bytes), lossy q80 {lsize} bytes, 3-frame animation")

# GIF (Pillow's own LZW): palette image round trip, an animation
pal = img.quantize(colors=64)
gif, size = roundtrip(pal, "GIF")
assert gif.mode == "P" and max_diff(gif.convert("RGB"), pal.convert("RGB")) == 0
agif, _ = roundtrip(pal, "GIF", save_all=True, duration=50, loop=0,
                   append_images=[f.quantize(colors=64) for f in frames[1:]])
assert agif.n_frames == 3 and agif.info["loop"] == 0
print("GIF: 64-colour palette lossless,", size, "bytes; 3-frame animation")

# JPEG 2000 (openjpeg): lossless J2K and JP2, lossy with a rate
for fmt, kind in (("JPEG2000", "j2k"), ("JPEG2000", "jp2")):
    j2k, size = roundtrip(img, fmt, irreversible=False, no_jp2=(kind == "j2k"))
    assert j2k.mode == "RGB" and max_diff(j2k, img) == 0, kind
lossy_j2k, lsize = roundtrip(img, "JPEG2000", quality_mode="rates", quality_layers=[10],
                             irreversible=True)
assert lsize < size and mean_diff(lossy_j2k, img) < 8, (lsize, mean_diff(lossy_j2k, img))
print(f"JPEG 2000: J2K and JP2 lossless ({size} bytes), lossy 10:1 {lsize} bytes")

# conversions between formats through the same image
chain = img
for fmt in ("PNG", "TIFF", "WEBP", "GIF", "JPEG"):
    options = {"lossless": True} if fmt == "WEBP" else {}
    chain, _ = roundtrip(chain.convert("RGB"), fmt, **options)
assert chain.size == img.size and chain.mode == "RGB"
cmyk, _ = roundtrip(img.convert("CMYK"), "JPEG", quality=95)
assert cmyk.mode == "CMYK"
bogus = io.BytesIO(b"\xff\xd8\xff\xe0 not really a JPEG" + bytes(64))
try:
    Image.open(bogus).load()
except (OSError, SyntaxError) as exc:
    print("garbage JPEG refused:", type(exc).__name__)
else:
    raise AssertionError("a corrupt JPEG was accepted")
print("pillow test OK")

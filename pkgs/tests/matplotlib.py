"""matplotlib under the WASIX CPython: a figure drawn by the Agg backend (its C++ renderer),
with a text label (FreeType and the bundled DejaVu font), a contour plot (contourpy), a
Delaunay triangulation and a tricontour (qhull and matplotlib's _tri), laid out by the
constrained layout engine (kiwisolver), saved as PNG in memory and read back."""

import io

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mimage  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.tri as mtri  # noqa: E402
from matplotlib import ft2font  # noqa: E402
from matplotlib.font_manager import FontProperties, findfont  # noqa: E402

print("matplotlib", matplotlib.__version__, "from", matplotlib.__file__)
print("freetype", ft2font.__freetype_version__, "(", ft2font.__freetype_build_type__, ")")

# FreeType through ft2font: the bundled DejaVu Sans, a string laid out and rasterized
path = findfont(FontProperties(family="DejaVu Sans"))
assert path.endswith("DejaVuSans.ttf"), path
font = ft2font.FT2Font(path)
font.set_size(24, 72)
font.set_text("Wasix", 0.0)
font.draw_glyphs_to_bitmap()
img = font.get_image()
print("ft2font:", font.family_name, "bitmap", img.shape, "ink", int(np.asarray(img).sum()))
assert font.family_name == "DejaVu Sans" and np.asarray(img).max() > 200

# a C++ exception through pybind11: FreeType refuses bytes that are no font. (Known
# limitation, not checked here: once another C++ side module is loaded (kiwisolver, by
# pyplot), the message can be lost ("Caught an unknown exception!" or empty), because every
# side module carries its own copy of libc++/libc++abi and their exported symbols are bound
# across modules at load time; see the matplotlib recipe's report)
try:
    ft2font.FT2Font(io.BytesIO(b"this is not a font" * 8))
except RuntimeError as exc:
    print("not a font:", repr(str(exc)))
else:
    raise AssertionError("FT2Font accepted junk")

fig, axes = plt.subplots(1, 3, figsize=(9, 3), dpi=80, layout="constrained")  # kiwisolver
x = np.linspace(0, 2 * np.pi, 200)
axes[0].plot(x, np.sin(x), color="tab:red", linewidth=3, label="sin")
axes[0].text(1.0, -0.5, "Agg + FreeType", fontsize=12)
axes[0].legend()
axes[0].set_title("line")

# contour and filled contour (contourpy)
gx, gy = np.meshgrid(np.linspace(-2, 2, 50), np.linspace(-2, 2, 50))
gz = np.exp(-(gx**2 + gy**2))
cs = axes[1].contourf(gx, gy, gz, levels=6, cmap="viridis")
lines = axes[1].contour(gx, gy, gz, levels=[0.5], colors="k")
seg = lines.allsegs[0][0]
r = np.hypot(seg[:, 0], seg[:, 1])
assert np.allclose(r, np.sqrt(np.log(2)), atol=0.02), (r.min(), r.max())
axes[1].set_title("contour")

# Delaunay triangulation (qhull) and a tricontour (matplotlib's _tri)
rng = np.random.default_rng(0)
px, py = rng.uniform(-1, 1, 60), rng.uniform(-1, 1, 60)
tri = mtri.Triangulation(px, py)
assert tri.triangles.shape[1] == 3 and len(tri.triangles) > 60
print("delaunay:", len(tri.triangles), "triangles,", len(tri.edges), "edges")
finder = tri.get_trifinder()
assert finder(0.0, 0.0) >= 0 and finder(5.0, 5.0) == -1
axes[2].tricontourf(tri, px**2 + py**2, levels=5, cmap="plasma")
axes[2].triplot(tri, color="w", linewidth=0.5)
axes[2].set_title("tricontour")

# the Agg renderer's pixels through the buffer protocol (the patched shape and strides)
fig.canvas.draw()
rgba = np.asarray(fig.canvas.buffer_rgba())
assert rgba.shape == (240, 720, 4) and rgba.strides == (720 * 4, 4, 1), (rgba.shape, rgba.strides)

buf = io.BytesIO()
fig.savefig(buf, format="png")
data = buf.getvalue()
print("PNG:", len(data), "bytes")
assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
buf.seek(0)
pixels = mimage.imread(buf, format="png")
print("image:", pixels.shape, pixels.dtype)
assert pixels.shape == (240, 720, 4)
rgb = pixels[..., :3]
not_white = np.any(rgb < 0.95, axis=-1)
assert not_white.mean() > 0.2, not_white.mean()
# the red line (tab:red is #d62728) is there
red = (rgb[..., 0] > 0.75) & (rgb[..., 1] < 0.25) & (rgb[..., 2] < 0.25)
assert red.sum() > 100, red.sum()
# the label's text is drawn: dark pixels in the left panel
assert (rgb[:, :240].sum(axis=-1) < 0.6).sum() > 50
plt.close(fig)
print("matplotlib test OK")

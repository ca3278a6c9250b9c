"""cycler under the WASIX CPython: adding, multiplying and cycling style cycles."""

import itertools

import cycler
from cycler import cycler as cy

print("cycler", cycler.__version__, "from", cycler.__file__)
colors = cy(color=["r", "g", "b"])
styles = cy(linestyle=["-", "--", ":"])
added = colors + styles
assert len(added) == 3 and added.keys == {"color", "linestyle"}
assert list(added)[1] == {"color": "g", "linestyle": "--"}
product = colors * cy(lw=[1, 2])
assert len(product) == 6 and list(product)[:2] == [{"color": "r", "lw": 1}, {"color": "r", "lw": 2}]
assert product.by_key()["lw"] == [1, 2, 1, 2, 1, 2]
endless = list(itertools.islice(colors(), 5))
assert [d["color"] for d in endless] == ["r", "g", "b", "r", "g"]
assert (colors[::-1]).by_key() == {"color": ["b", "g", "r"]}
print("added:", added)
print("product of", len(product), "styles, cycled:", [d["color"] for d in endless])
print("cycler test OK")

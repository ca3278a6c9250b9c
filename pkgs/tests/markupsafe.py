"""markupsafe under the WASIX CPython: the C `_speedups` module is the one escaping."""

import markupsafe
from markupsafe import Markup, escape

speedups = __import__("markupsafe._speedups", fromlist=["_escape_inner"])
assert speedups.__file__.endswith(".so"), speedups.__file__
assert markupsafe._escape_inner is speedups._escape_inner, "the pure-Python escape is used"
print("markupsafe", markupsafe.__version__ if hasattr(markupsafe, "__version__") else "",
      "speedups from", speedups.__file__)

html = escape('<a href="x">Tom & "Jerry"</a>')
assert html == "&lt;a href=&#34;x&#34;&gt;Tom &amp; &#34;Jerry&#34;&lt;/a&gt;", html
assert isinstance(html, Markup)
assert Markup("<b>%s</b>") % "<i>" == "<b>&lt;i&gt;</b>"
print("escaped:", html)
print("markupsafe test OK")

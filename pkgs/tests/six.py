"""six under the WASIX CPython: the moved-module table and the metaclass helpers."""

import six

print("six", six.__version__, "from", six.__file__)
assert six.PY3 and not six.PY2
assert six.moves.urllib.parse.quote("a b/c") == "a%20b/c"
assert list(six.moves.range(3)) == [0, 1, 2]
from six.moves import configparser, queue  # lazy module aliases

q = queue.Queue()
q.put(1)
assert q.get() == 1
assert configparser.ConfigParser is __import__("configparser").ConfigParser
print("moves: urllib.parse, range, queue, configparser")


class Meta(type):
    pass


@six.add_metaclass(Meta)
class A:
    pass


class B(six.with_metaclass(Meta, object)):
    pass


assert type(A) is Meta and type(B) is Meta
assert six.ensure_str(b"gr\xc3\xbc\xc3\x9f") == "gr\u00fc\u00df"
assert six.ensure_binary("gr\u00fc\u00df") == b"gr\xc3\xbc\xc3\x9f"
print("metaclasses and ensure_str/ensure_binary")
print("six test OK")

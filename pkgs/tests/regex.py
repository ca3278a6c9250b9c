"""regex under the WASIX CPython: every match goes through the C engine (_regex)."""

import regex
from regex import _regex

assert _regex.__file__.endswith(".so"), _regex.__file__
print("regex", regex.__version__, "engine from", _regex.__file__)

# compile/match/sub/findall with Unicode properties and scripts (tables in _regex_unicode.c)
words = regex.compile(r"\p{Lu}\p{Ll}+")
assert words.findall("Grüße aus Zürich und Ελλάδα, Ωmega") == ["Grüße", "Zürich", "Ελλάδα", "Ωmega"]
assert regex.findall(r"\p{Script=Greek}+", "abc αβγ def δε") == ["αβγ", "δε"]
assert regex.findall(r"\p{Han}", "漢字 and かな") == ["漢", "字"]
m = regex.match(r"(?P<year>\d{4})-(?P<month>\d\d)", "2025-07-31")
assert m is not None and m["year"] == "2025" and m.span("month") == (5, 7)
assert regex.sub(r"(\w+)@(\w+)", r"\2 at \1", "user@host and me@there") == "host at user and there at me"
# full Unicode case folding: ß matches SS only with FULLCASE
assert regex.match(r"(?fi)strasse", "STRAßE") is not None
assert regex.match(r"(?i)strasse", "STRAßE") is None
# set operations, variable-width lookbehind, possessive quantifiers, atomic groups
assert regex.findall(r"(?V1)[\p{L}--[a-z]]+", "abcÄÖxyzÉ") == ["ÄÖ", "É"]
assert regex.findall(r"(?<=\d{1,3}x)\w", "12xa 7xb xc") == ["a", "b"]
assert regex.match(r"a++a", "aaaa") is None
# repeated captures and grapheme clusters; the no-argument methods and the getters of the
# C types (CPython passes them an extra argument, which wasm checks: see the patch)
m = regex.match(r"(?:(\w)-)+", "a-b-c-")
assert m is not None and m.captures(1) == ["a", "b", "c"]
m = regex.match(r"(?P<w>\w)(?:,(?P<w>\w))*", "x,y,z")
assert m is not None and m.capturesdict() == {"w": ["x", "y", "z"]}
assert m.allcaptures() == (["x,y,z"], ["x", "y", "z"]), m.allcaptures()
assert m.allspans() == ([(0, 5)], [(0, 1), (2, 3), (4, 5)]), m.allspans()
assert m.lastgroup == "w" and m.regs[0] == (0, 5) and m.string == "x,y,z"
pattern = regex.compile(r"(?P<year>\d+)-(?P<day>\d+)")
assert pattern.groupindex == {"year": 1, "day": 2}
import pickle  # noqa: E402  (Pattern.__reduce__ reads the _pickled_data getter)
assert pickle.loads(pickle.dumps(pattern)).match("2025-31")["day"] == "31"
assert regex.findall(r"\X", "e\u0301a") == ["e\u0301", "a"]
print("Unicode classes, scripts, case folding, set ops, lookbehind, captures, pickle: OK")

# fuzzy matching: at most one error (substitution, insertion or deletion)
m = regex.search(r"(?:hello){e<=1}", "say helo world")
assert m is not None and m.group() in ("helo", "helo ") and m.fuzzy_counts[2] <= 1, m
m = regex.fullmatch(r"(?b)(?:colour){s<=1,i<=1,d<=1}", "color")
assert m is not None and m.fuzzy_counts == (0, 0, 1), m.fuzzy_counts
assert regex.fullmatch(r"(?:wasmer){e<=1}", "wasmxyz") is None
best = regex.search(r"(?b)(?:python){e<=2}", "pithon pyhton python")
assert best is not None and best.group() == "python", best
print("fuzzy matching:", m.fuzzy_counts, best.group())

# the C splitter and timeouts
assert regex.split(r"[,;]\s*", "a, b;c ,d") == ["a", "b", "c ", "d"]
assert list(regex.splititer(r"\s+", "x y  z")) == ["x", "y", "z"]
# a pattern that backtracks exponentially in naive engines: regex either cuts it short
# or stops it at the timeout (checked inside the C matching loop)
try:
    assert regex.search(r"(a+)+$", "a" * 40 + "b", timeout=2.0) is None
    print("(a+)+$ on 40 a's: no match, without runaway backtracking")
except TimeoutError:
    print("(a+)+$ on 40 a's: interrupted by the timeout")
print("regex test OK")

"""pyparsing under the WASIX CPython: an arithmetic grammar with operator precedence."""

import pyparsing as pp

print("pyparsing", pp.__version__, "from", pp.__file__)
integer = pp.common.integer
ident = pp.common.identifier
expr = pp.infix_notation(integer | ident, [
    (pp.one_of("* /"), 2, pp.OpAssoc.LEFT),
    (pp.one_of("+ -"), 2, pp.OpAssoc.LEFT),
])
parsed = expr.parse_string("1 + 2 * x - 3", parse_all=True).as_list()
assert parsed == [[1, "+", [2, "*", "x"], "-", 3]], parsed
print("parsed:", parsed)


def evaluate(node, env):
    if isinstance(node, int):
        return node
    if isinstance(node, str):
        return env[node]
    value = evaluate(node[0], env)
    for op, rhs in zip(node[1::2], node[2::2]):
        r = evaluate(rhs, env)
        value = {"+": value + r, "-": value - r, "*": value * r, "/": value / r}[op]
    return value


assert evaluate(parsed[0], {"x": 5}) == 8
greeting = pp.Word(pp.alphas)("word") + pp.Suppress(",") + pp.Word(pp.alphas)("who") + "!"
result = greeting.parse_string("Hello, World!")
assert result["word"] == "Hello" and result["who"] == "World"
try:
    integer.parse_string("abc")
except pp.ParseException as exc:
    print("expected error:", exc)
else:
    raise AssertionError("no ParseException")
print("pyparsing test OK")

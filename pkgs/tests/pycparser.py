"""pycparser under the WASIX CPython: parse C, walk the AST, print it back as C and parse
that again."""

import pycparser
from pycparser import c_ast, c_generator, c_parser

print("pycparser", pycparser.__version__, "from", pycparser.__file__)
source = r"""
typedef struct point { int x, y; } point_t;
static int dist2(const point_t *p) { return p->x * p->x + p->y * p->y; }
int main(void) {
    point_t pts[2] = {{1, 2}, {3, 4}};
    int total = 0;
    for (int i = 0; i < 2; i++) total += dist2(&pts[i]);
    return total == 30 ? 0 : 1;
}
"""
ast = c_parser.CParser().parse(source, filename="<test>")


class Visitor(c_ast.NodeVisitor):
    def __init__(self):
        self.funcs, self.calls = [], []

    def visit_FuncDef(self, node):
        self.funcs.append(node.decl.name)
        self.generic_visit(node)

    def visit_FuncCall(self, node):
        self.calls.append(node.name.name)
        self.generic_visit(node)


v = Visitor()
v.visit(ast)
assert v.funcs == ["dist2", "main"] and v.calls == ["dist2"], (v.funcs, v.calls)
print("functions:", v.funcs, "calls:", v.calls)
text = c_generator.CGenerator().visit(ast)
assert "for (int i = 0; i < 2; i++)" in text and "typedef struct point" in text
again = c_parser.CParser().parse(text)
assert c_generator.CGenerator().visit(again) == text
print("regenerated C round-trips:", len(text), "characters")
try:
    c_parser.CParser().parse("int f( {", filename="bad.c")
except c_parser.ParseError as exc:
    print("expected error:", exc)
else:
    raise AssertionError("no ParseError")
print("pycparser test OK")

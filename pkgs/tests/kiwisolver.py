"""kiwisolver under the WASIX CPython: a small layout solved with strengths, edit variables,
and the C++ solver's errors raised as Python exceptions."""

import kiwisolver
from kiwisolver import Solver, UnsatisfiableConstraint, Variable

print("kiwisolver", kiwisolver.__version__, "from", kiwisolver.__file__)

left, width, right = Variable("left"), Variable("width"), Variable("right")
s = Solver()
s.addConstraint(left >= 0)
s.addConstraint(right == left + width)
s.addConstraint(right <= 100)
s.addConstraint((width == 40) | "strong")
s.addConstraint((left == 80) | "weak")  # conflicts with right <= 100: the weak one yields
s.updateVariables()
print("left, width, right =", left.value(), width.value(), right.value())
assert (left.value(), width.value(), right.value()) == (60.0, 40.0, 100.0)

# an edit variable: a suggested value with medium strength moves the layout
s.addEditVariable(left, "medium")
s.suggestValue(left, 10)
s.updateVariables()
assert (left.value(), right.value()) == (10.0, 50.0), (left.value(), right.value())

# required constraints that contradict each other: the C++ throw becomes a Python exception
try:
    s.addConstraint(width == 70)
    s.addConstraint(width <= 50)
except UnsatisfiableConstraint as exc:
    print("unsatisfiable:", type(exc).__name__)
else:
    raise AssertionError("UnsatisfiableConstraint not raised")

x = Variable("x")
expr = 2 * x + 3
s2 = Solver()
s2.addConstraint(expr == 11)
s2.updateVariables()
assert x.value() == 4.0 and s2.hasConstraint(expr == 11) is False
print("x =", x.value())
print("kiwisolver test OK")

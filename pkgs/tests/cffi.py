"""cffi under the WASIX CPython: C calls and Python callbacks go through libffi
(_cffi_backend's ABI mode; nothing is compiled at run time)."""

import _cffi_backend
import cffi

assert _cffi_backend.__file__.endswith(".so"), _cffi_backend.__file__
print("cffi", cffi.__version__, "backend from", _cffi_backend.__file__)

ffi = cffi.FFI()
ffi.cdef("""
    size_t strlen(const char *);
    int snprintf(char *, size_t, const char *, ...);
    void qsort(void *, size_t, size_t, int (*)(const void *, const void *));
    double ldexp(double, int);
    long long llabs(long long);
    long strtol(const char *, char **, int);
    struct point { int x; double y; char name[8]; };
""")

# memory, structs, casts: no libffi involved
p = ffi.new("struct point *", {"x": 7, "y": 2.5, "name": b"wasix"})
assert (p.x, p.y, ffi.string(p.name)) == (7, 2.5, b"wasix")
assert ffi.sizeof("struct point") == 24 and ffi.alignof("double") == 8, ffi.sizeof(p[0])
assert ffi.sizeof("void *") == 4 and ffi.sizeof("long") == 4   # wasm32: ILP32
arr = ffi.new("int[]", [5, 3, 9, 1])
assert ffi.cast("int", ffi.cast("char", 300)) == 44 and len(arr) == 4
buf = ffi.buffer(arr)
assert len(buf) == 16 and bytes(buf[:4]) == (5).to_bytes(4, "little")
print("ffi.new, struct, cast, buffer: OK")

# calls into the interpreter's own libc (dlopen(NULL): the main module exports all of it)
libc = ffi.dlopen(None)
assert libc.strlen(b"hello wasix") == 11
assert libc.ldexp(0.75, 4) == 12.0
assert libc.llabs(-(2**40)) == 2**40
end = ffi.new("char **")
assert libc.strtol(b"12345xyz", end, 10) == 12345 and ffi.string(end[0]) == b"xyz"
# variadic functions: the WASIX libffi has no variadic calls (its ffi_prep_cif_machdep_var
# answers FFI_BAD_ABI outside Emscripten), so cffi refuses them cleanly instead of calling
# snprintf with the wrong wasm signature (which would trap)
out = ffi.new("char[64]")
try:
    libc.snprintf(out, 64, b"%d", ffi.cast("int", 42))
except SystemError as exc:
    print("variadic snprintf refused (no varargs in the WASIX libffi):", exc)
else:
    raise AssertionError("variadic calls work now: test them instead")
print("dlopen(None): strlen, ldexp, llabs, strtol with an out-pointer: OK")

# a Python callback called by C: a libffi closure (a new function-table entry on WASIX)
calls = []


@ffi.callback("int(const void *, const void *)")
def compare(a, b):
    x, y = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
    calls.append((x, y))
    return (x > y) - (x < y)


values = ffi.new("int[]", [42, -7, 19, 0, 3, 1000, -50])
libc.qsort(values, len(values), ffi.sizeof("int"), compare)
assert list(values) == [-50, -7, 0, 3, 19, 42, 1000], list(values)
assert calls, "the callback was never called"
print("qsort with a Python callback:", list(values), "after", len(calls), "calls")

# an exception in a callback: onerror sees it, the declared error value comes back
errors = []


@ffi.callback("int(int)", error=-1, onerror=lambda kind, value, tb: errors.append(kind))
def fails(x):
    raise ValueError(x)


assert fails(5) == -1 and errors == [ValueError], errors
print("callback exception -> onerror, error value -1: OK")
print("cffi test OK")

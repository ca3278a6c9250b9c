"""Check the C signatures CPython calls a side module's functions with.

WebAssembly checks the type of every indirect call: where a native ABI ignores an argument the
callee does not declare, wasm traps ("indirect call type mismatch"). CPython calls a
``METH_NOARGS`` method with ``(self, NULL)``, a getter with ``(self, closure)``, ``tp_clear``
expecting an ``int``; extension modules written for native platforms often declare fewer
parameters or another result, and the first call traps at run time. This check finds those
functions before anything runs, from the module alone:

* ``__wasm_apply_data_relocs`` (every side module has it) says which words of the module's
  data hold a data address (``__memory_base + X``) and which a function (``__table_base + I``,
  or a ``GOT.func`` import);
* ``__wasm_init_memory`` says where each passive data segment lands, so the plain words (a
  method's flags, a type slot's id) can be read;
* NULL-terminated arrays of ``PyMethodDef`` (name, function, flags, doc), ``PyGetSetDef``
  (name, getter, setter, doc, closure), ``PyType_Slot`` and ``PyModuleDef_Slot`` (id,
  function), static ``PyTypeObject`` structs and ``PyModuleDef`` are recognized in that
  data, and each function's wasm type is compared with the one CPython calls it with.

wasm32 sizes: pointers, ``int``, ``Py_ssize_t`` and ``Py_hash_t`` are all ``i32``. Modules the
analysis cannot read (another relocation pattern, no passive segments) are reported as such,
never as clean. Not seen: tables that code fills at run time, such as C++ tables whose
initializers need a cast (C++ dynamic initialization: kiwisolver's type slots) and the ones
pybind11 builds (which match by construction).
"""

from __future__ import annotations

import string
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .checks import is_shared_object, targets
from .errors import CheckError
from .wasm import is_wasm
from .wasm_reader import Reader

I32 = 0x7F
_FUNC, _TABLE, _MEMORY, _GLOBAL, _TAG = 0, 1, 2, 3, 4

#: METH_* calling conventions -> number of i32 parameters (result: one i32).
METH_VARARGS, METH_KEYWORDS, METH_NOARGS, METH_O = 0x1, 0x2, 0x4, 0x8
METH_CLASS, METH_STATIC, METH_COEXIST, METH_FASTCALL, METH_METHOD = 0x10, 0x20, 0x40, 0x80, 0x200
_CONVENTIONS = {
    METH_VARARGS: 2, METH_VARARGS | METH_KEYWORDS: 3, METH_NOARGS: 2, METH_O: 2,
    METH_FASTCALL: 3, METH_FASTCALL | METH_KEYWORDS: 4,
    METH_METHOD | METH_FASTCALL | METH_KEYWORDS: 5,
}
_MODIFIERS = METH_CLASS | METH_STATIC | METH_COEXIST

#: (params, results) as counts of i32
Sig = tuple[int, int]
_UNARY, _BINARY, _TERNARY, _DESTRUCTOR = (1, 1), (2, 1), (3, 1), (1, 0)
#: PyType_Slot ids (typeslots.h) whose value is a function -> its C signature.
SLOT_SIGNATURES: dict[int, tuple[str, Sig]] = {
    1: ("bf_getbuffer", _TERNARY), 2: ("bf_releasebuffer", (2, 0)),
    3: ("mp_ass_subscript", _TERNARY), 4: ("mp_length", _UNARY), 5: ("mp_subscript", _BINARY),
    **{n: (name, _UNARY) for n, name in (
        (6, "nb_absolute"), (9, "nb_bool"), (11, "nb_float"), (13, "nb_index"), (26, "nb_int"),
        (27, "nb_invert"), (30, "nb_negative"), (32, "nb_positive"))},
    **{n: (name, _BINARY) for n, name in (
        (7, "nb_add"), (8, "nb_and"), (10, "nb_divmod"), (12, "nb_floor_divide"),
        (14, "nb_inplace_add"), (15, "nb_inplace_and"), (16, "nb_inplace_floor_divide"),
        (17, "nb_inplace_lshift"), (18, "nb_inplace_multiply"), (19, "nb_inplace_or"),
        (21, "nb_inplace_remainder"), (22, "nb_inplace_rshift"), (23, "nb_inplace_subtract"),
        (24, "nb_inplace_true_divide"), (25, "nb_inplace_xor"), (28, "nb_lshift"),
        (29, "nb_multiply"), (31, "nb_or"), (34, "nb_remainder"), (35, "nb_rshift"),
        (36, "nb_subtract"), (37, "nb_true_divide"), (38, "nb_xor"),
        (75, "nb_matrix_multiply"), (76, "nb_inplace_matrix_multiply"),
        (40, "sq_concat"), (41, "sq_contains"), (42, "sq_inplace_concat"),
        (43, "sq_inplace_repeat"), (44, "sq_item"), (46, "sq_repeat"), (47, "tp_alloc"),
        (57, "tp_getattr"), (58, "tp_getattro"))},
    20: ("nb_inplace_power", _TERNARY), 33: ("nb_power", _TERNARY),
    39: ("sq_ass_item", _TERNARY), 45: ("sq_length", _UNARY),
    50: ("tp_call", _TERNARY), 51: ("tp_clear", _UNARY), 52: ("tp_dealloc", _DESTRUCTOR),
    53: ("tp_del", _DESTRUCTOR), 54: ("tp_descr_get", _TERNARY), 55: ("tp_descr_set", _TERNARY),
    59: ("tp_hash", _UNARY), 60: ("tp_init", _TERNARY), 61: ("tp_is_gc", _UNARY),
    62: ("tp_iter", _UNARY), 63: ("tp_iternext", _UNARY), 65: ("tp_new", _TERNARY),
    66: ("tp_repr", _UNARY), 67: ("tp_richcompare", _TERNARY), 68: ("tp_setattr", _TERNARY),
    69: ("tp_setattro", _TERNARY), 70: ("tp_str", _UNARY), 71: ("tp_traverse", _TERNARY),
    74: ("tp_free", _DESTRUCTOR), 77: ("am_await", _UNARY), 78: ("am_aiter", _UNARY),
    79: ("am_anext", _UNARY), 80: ("tp_finalize", _DESTRUCTOR), 81: ("am_send", _TERNARY),
    82: ("tp_vectorcall", (4, 1)),
}
#: PyModuleDef_Slot ids whose value is a function (multi-phase init).
MODULE_SLOT_SIGNATURES: dict[int, tuple[str, Sig]] = {
    1: ("Py_mod_create", _BINARY), 2: ("Py_mod_exec", _UNARY),
}
#: Static PyTypeObject (3.13, wasm32): offset -> (field, signature) of its function fields,
#: and the offsets that hold data pointers (or NULL).
TYPE_FUNCTIONS: dict[int, tuple[str, Sig]] = {
    24: ("tp_dealloc", _DESTRUCTOR), 32: ("tp_getattr", _BINARY), 36: ("tp_setattr", _TERNARY),
    44: ("tp_repr", _UNARY), 60: ("tp_hash", _UNARY), 64: ("tp_call", _TERNARY),
    68: ("tp_str", _UNARY), 72: ("tp_getattro", _BINARY), 76: ("tp_setattro", _TERNARY),
    92: ("tp_traverse", _TERNARY), 96: ("tp_clear", _UNARY), 100: ("tp_richcompare", _TERNARY),
    108: ("tp_iter", _UNARY), 112: ("tp_iternext", _UNARY), 136: ("tp_descr_get", _TERNARY),
    140: ("tp_descr_set", _TERNARY), 148: ("tp_init", _TERNARY), 152: ("tp_alloc", _BINARY),
    156: ("tp_new", _TERNARY), 160: ("tp_free", _DESTRUCTOR), 164: ("tp_is_gc", _UNARY),
    188: ("tp_del", _DESTRUCTOR), 196: ("tp_finalize", _DESTRUCTOR),
    200: ("tp_vectorcall", (4, 1)),
}
TYPE_DATA = (40, 48, 52, 56, 80, 88, 116, 120, 124, 128)
TYPE_PLAIN = (16, 20, 28, 84, 104, 144)
#: The reference count of a statically initialized object in CPython 3.12+ (32-bit).
IMMORTAL_REFCNT = 0x3FFFFFFF
#: PyType_Slot ids whose value is data (a base type, a docstring, a table, a token).
DATA_SLOTS = frozenset({48, 49, 56, 64, 72, 73, 83})
MAX_SLOT = 83
#: Larger than any real object's tp_basicsize: a PyType_Spec candidate beyond it is not one.
MAX_BASICSIZE = 1 << 20
#: PyModuleDef's function members: offset on wasm32 -> (name, signature).
MODULE_DEF_FUNCTIONS: dict[int, tuple[str, Sig]] = {
    40: ("m_traverse", _TERNARY), 44: ("m_clear", _UNARY), 48: ("m_free", _DESTRUCTOR),
}


#: A function pointer to a function another module defines and this one never calls.
EXTERNAL = -1


class Unreadable(Exception):
    """The module does not have the shape this analysis reads."""


@dataclass(frozen=True)
class FuncType:
    params: tuple[int, ...]
    results: tuple[int, ...]

    def matches(self, sig: Sig) -> bool:
        return (self.params == (I32,) * sig[0]) and (self.results == (I32,) * sig[1])

    def __str__(self) -> str:
        def names(ts: tuple[int, ...]) -> str:
            return ", ".join({0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64"}.get(t, hex(t))
                             for t in ts)
        return f"({names(self.params)}) -> ({names(self.results)})"


def describe(sig: Sig) -> str:
    return str(FuncType((I32,) * sig[0], (I32,) * sig[1]))


@dataclass(frozen=True)
class Mismatch:
    """A function CPython will call with another signature than its own."""

    table: str          # "PyMethodDef", "PyGetSetDef", "PyType_Slot", "PyModuleDef_Slot"
    entry: str          # the method, attribute or slot name
    function: str       # the function's name (name section) or "func[N]"
    expected: str
    actual: str

    def line(self) -> str:
        return (f"{self.table} {self.entry}: {self.function} is {self.actual}, "
                f"CPython calls it as {self.expected}")


@dataclass
class Report:
    """What the analysis of one module found."""

    methods: int = 0
    getsets: int = 0
    slots: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)


@dataclass
class _Module:
    types: list[FuncType] = field(default_factory=list)
    func_types: list[int] = field(default_factory=list)      # type index per function index
    imported_funcs: int = 0
    import_names: dict[str, int] = field(default_factory=dict)  # imported function -> index
    globals_imported: list[tuple[str, str]] = field(default_factory=list)
    exports: dict[str, tuple[int, int]] = field(default_factory=dict)
    start: int | None = None
    elements: list[int] = field(default_factory=list)        # table slot (from base) -> func
    bodies: dict[int, bytes] = field(default_factory=dict)
    segments: list[bytes | None] = field(default_factory=list)  # passive segments' bytes
    names: dict[int, str] = field(default_factory=dict)


def _const_expr(r: Reader) -> None:
    while r.byte() != 0x0B:
        pass


def _parse(data: bytes, origin: str) -> _Module:
    m = _Module()
    r = Reader(data, base=0, origin=origin, what="module")
    r.skip(8)
    while not r.at_end():
        sid = r.byte()
        size = r.u32()
        body = Reader(r.raw(size), base=0, origin=origin, what=f"section {sid}")
        if sid == 1:
            for _ in range(body.u32()):
                if body.byte() != 0x60:
                    raise Unreadable("a type that is not a function type")
                params = tuple(body.byte() for _ in range(body.u32()))
                results = tuple(body.byte() for _ in range(body.u32()))
                m.types.append(FuncType(params, results))
        elif sid == 2:
            for _ in range(body.u32()):
                mod, name, kind = body.name(), body.name(), body.byte()
                if kind == _FUNC:
                    m.func_types.append(body.u32())
                    m.import_names.setdefault(name, m.imported_funcs)
                    m.imported_funcs += 1
                elif kind == _TABLE:
                    body.byte()
                    flags = body.byte()
                    body.u32()
                    if flags & 1:
                        body.u32()
                elif kind == _MEMORY:
                    flags = body.byte()
                    body.u32()
                    if flags & 1:
                        body.u32()
                elif kind == _GLOBAL:
                    body.byte()
                    body.byte()
                    m.globals_imported.append((mod, name))
                elif kind == _TAG:
                    body.byte()
                    body.u32()
                else:
                    raise Unreadable(f"import kind {kind}")
        elif sid == 3:
            m.func_types += [body.u32() for _ in range(body.u32())]
        elif sid == 7:
            for _ in range(body.u32()):
                name, kind, index = body.name(), body.byte(), body.u32()
                m.exports[name] = (kind, index)
        elif sid == 8:
            m.start = body.u32()
        elif sid == 9:
            for _ in range(body.u32()):
                flags = body.u32()
                if flags != 0:
                    raise Unreadable(f"element segment flags {flags}")
                _const_expr(body)
                m.elements += [body.u32() for _ in range(body.u32())]
        elif sid == 10:
            for i in range(body.u32()):
                n = body.u32()
                index = m.imported_funcs + i
                m.bodies[index] = body.raw(n)
        elif sid == 11:
            for _ in range(body.u32()):
                flags = body.u32()
                if flags == 1:
                    m.segments.append(body.raw(body.u32()))
                else:
                    if flags == 2:
                        body.u32()
                    _const_expr(body)
                    body.raw(body.u32())
                    m.segments.append(None)
        elif sid == 0:
            name = body.name()
            if name == "name":
                _names(body, m)
    return m


def _names(r: Reader, m: _Module) -> None:
    while not r.at_end():
        kind = r.byte()
        sub = Reader(r.raw(r.u32()), base=0, origin=r.origin, what="name subsection")
        if kind == 1:
            for _ in range(sub.u32()):
                index = sub.u32()
                m.names[index] = sub.name()


def _skip_leb(r: Reader) -> None:
    while r.byte() & 0x80:
        pass


def _code(body: bytes, origin: str) -> Iterator[tuple[int, tuple[int, ...]]]:
    """(opcode, immediates) of a function body; the immediates are decoded for the few
    instructions the linker's generated functions are made of (i32.const, global.get, stores,
    memory.init) and skipped for the rest of the MVP, bulk-memory and atomics sets. Anything
    else (SIMD, reference types, ...) ends the analysis (Unreadable)."""
    r = Reader(body, base=0, origin=origin, what="function body")
    for _ in range(r.u32()):  # locals
        r.u32()
        r.byte()
    while not r.at_end():
        op = r.byte()
        if op == 0x41:                                   # i32.const
            yield op, (r.s33(),)
        elif op in (0x20, 0x21, 0x22, 0x23, 0x24, 0x0C, 0x0D, 0x10):  # locals, globals, br, call
            yield op, (r.u32(),)
        elif 0x28 <= op <= 0x3E:                         # loads and stores: align, offset
            yield op, (r.u32(), r.u32())
        elif op in (0x02, 0x03, 0x04):                   # block, loop, if: a block type
            r.s33()
            yield op, ()
        elif op == 0x0E:                                 # br_table
            for _ in range(r.u32() + 1):
                r.u32()
            yield op, ()
        elif op == 0x11:                                 # call_indirect
            r.u32()
            r.u32()
            yield op, ()
        elif op == 0x42:                                 # i64.const
            _skip_leb(r)
            yield op, ()
        elif op in (0x43, 0x44):                         # f32/f64.const
            r.raw(4 if op == 0x43 else 8)
            yield op, ()
        elif op in (0x3F, 0x40):                         # memory.size/grow
            r.byte()
            yield op, ()
        elif op in (0x00, 0x01, 0x05, 0x0B, 0x0F, 0x1A, 0x1B) or 0x45 <= op <= 0xC4:
            yield op, ()                                 # no immediates
        elif op == 0xFC:
            sub = r.u32()
            if sub <= 7:                                 # saturating truncations
                yield 0xFC00 + sub, ()
            elif sub == 8:                               # memory.init seg mem
                yield 0xFC08, (r.u32(), r.byte())
            elif sub == 9:                               # data.drop seg
                yield 0xFC09, (r.u32(),)
            elif sub == 10:                              # memory.copy mem mem
                r.byte()
                r.byte()
                yield 0xFC0A, ()
            elif sub == 11:                              # memory.fill mem
                r.byte()
                yield 0xFC0B, ()
            else:
                raise Unreadable(f"instruction 0xfc {sub}")
        elif op == 0xFE:                                 # atomics
            sub = r.u32()
            if sub == 3:                                 # atomic.fence
                r.byte()
            else:
                r.u32()
                r.u32()
            yield 0xFE00 + sub, ()
        else:
            raise Unreadable(f"instruction 0x{op:02x}")


@dataclass
class _Image:
    """The module's data as __wasm_init_memory lays it out, and its relocated words."""

    memory: dict[int, bytes]        # start address -> segment bytes
    data_ptrs: dict[int, int]       # address -> data address stored there
    func_ptrs: dict[int, int]       # address -> function index stored there

    def word(self, addr: int) -> int | None:
        for start, data in self.memory.items():
            if start <= addr and addr + 4 <= start + len(data):
                return int.from_bytes(data[addr - start:addr - start + 4], "little")
        return None

    def cstring(self, addr: int) -> str | None:
        for start, data in self.memory.items():
            if start <= addr < start + len(data):
                end = data.find(b"\0", addr - start)
                raw = data[addr - start:end] if end >= 0 else b""
                try:
                    text = raw.decode("ascii")
                except UnicodeDecodeError:
                    return None
                return text if text and all(c in _NAME_CHARS for c in text) else None
        return None

    def relocated(self, addr: int) -> bool:
        return addr in self.data_ptrs or addr in self.func_ptrs


_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_.")


def _init_memory(m: _Module, origin: str) -> int | None:
    """The function that copies the passive data segments into memory (``memory.init``):
    ``__wasm_init_memory`` by name, else the start function or one it calls (a module with
    C++ static constructors or TLS starts in ``__wasm_start``, which calls it)."""
    named = next((i for i, n in m.names.items() if n == "__wasm_init_memory"), None)
    if named is not None and named in m.bodies:
        return named
    if m.start is None or m.start not in m.bodies:
        return None
    called = [imm[0] for op, imm in _code(m.bodies[m.start], origin) if op == 0x10]
    for index in [m.start, *called]:
        if index in m.bodies and any(op == 0xFC08 for op, _ in _code(m.bodies[index], origin)):
            return index
    return None


def _image(m: _Module, origin: str) -> _Image | None:
    # the linker's function: exported for the dynamic loader, or named in the name section
    exported = m.exports.get("__wasm_apply_data_relocs")
    relocs = exported[1] if exported is not None and exported[0] == _FUNC else next(
        (i for i, n in m.names.items() if n == "__wasm_apply_data_relocs"), None)
    if relocs is None or relocs not in m.bodies:
        return None  # no word of its data holds an address: no table to check
    init = _init_memory(m, origin)
    if init is None:
        raise Unreadable("no __wasm_init_memory function (no passive data)")
    memory_base = table_base = -1
    got_funcs: dict[int, str] = {}
    for i, (mod, name) in enumerate(m.globals_imported):
        if (mod, name) == ("env", "__memory_base"):
            memory_base = i
        elif (mod, name) == ("env", "__table_base"):
            table_base = i
        elif mod == "GOT.func":
            got_funcs[i] = name
    # where the passive segments land: global.get mb; i32.const D; i32.add; ... memory.init
    memory: dict[int, bytes] = {}
    window: list[tuple[int, tuple[int, ...]]] = []
    for op, imm in _code(m.bodies[init], origin):
        window = (window + [(op, imm)])[-6:]
        # dest = __memory_base + D (either order); source offset; size; memory.init
        if op == 0xFC08 and len(window) == 6 and window[2][0] == 0x6A:
            pair = {window[0][0]: window[0][1], window[1][0]: window[1][1]}
            segment = m.segments[imm[0]] if imm[0] < len(m.segments) else None
            if pair.get(0x23) == (memory_base,) and 0x41 in pair and segment is not None:
                memory[pair[0x41][0]] = segment
    data_ptrs: dict[int, int] = {}
    func_ptrs: dict[int, int] = {}
    # a GOT.func entry names a function this module exports or imports (Py_GenericAlias, ...)
    funcs_by_name = {**m.import_names,
                     **{n: i for n, (k, i) in m.exports.items() if k == _FUNC}}
    ops = list(_code(m.bodies[relocs], origin))
    i = 0
    while i < len(ops):
        op, imm = ops[i]
        if op == 0x0B:
            i += 1
            continue
        # i32.const A; global.get mb; i32.add; VALUE; i32.store offset
        if not (op == 0x41 and ops[i + 1] == (0x23, (memory_base,)) and ops[i + 2][0] == 0x6A):
            raise Unreadable("an unexpected relocation pattern")
        addr = imm[0]
        value = ops[i + 3]
        if value[0] == 0x23 and value[1][0] in got_funcs and ops[i + 4][0] == 0x36:
            # a function of another module (CPython's Py_GenericAlias, ...), never called
            # here, has no index in this module: EXTERNAL (its own signature is not checked)
            name = got_funcs[value[1][0]]
            func_ptrs[addr + ops[i + 4][1][1]] = funcs_by_name.get(name, EXTERNAL)
            i += 5
        elif value[0] == 0x23 and ops[i + 4][0] == 0x41 and ops[i + 5][0] == 0x6A \
                and ops[i + 6][0] == 0x36:
            target = ops[i + 4][1][0]
            where = addr + ops[i + 6][1][1]
            if value[1][0] == memory_base:
                data_ptrs[where] = target
            elif value[1][0] == table_base and 0 <= target < len(m.elements):
                func_ptrs[where] = m.elements[target]
            i += 7
        elif value[0] == 0x23 and ops[i + 4][0] == 0x36:  # GOT.mem and other globals
            i += 5
        else:
            raise Unreadable("an unexpected relocation value")
    return _Image(memory, data_ptrs, func_ptrs)


def check_module(data: bytes, origin: str) -> Report:
    """The PyMethodDef, PyGetSetDef and PyType_Slot tables of one side module, checked."""
    try:
        m = _parse(data, origin)
        image = _image(m, origin)
    except (Unreadable, IndexError) as exc:
        raise Unreadable(f"{origin}: cannot analyse ({exc})") from None
    report = Report()
    if image is None:
        return report

    def ftype(index: int) -> FuncType:
        return m.types[m.func_types[index]]

    def fname(index: int) -> str:
        return m.names.get(index, f"func[{index}]")

    def compare(table: str, entry: str, index: int, sig: Sig) -> None:
        if index == EXTERNAL:
            return
        actual = ftype(index)
        if not actual.matches(sig):
            report.mismatches.append(Mismatch(table, entry, fname(index), describe(sig),
                                              str(actual)))

    for start, size in _arrays(image, stride=16, entry=lambda a: _method(image, a)):
        for a in range(start, start + size * 16, 16):
            name = image.cstring(image.data_ptrs[a])
            flags = image.word(a + 8) or 0
            report.methods += 1
            compare("PyMethodDef", f"{name}()", image.func_ptrs[a + 4],
                    (_CONVENTIONS[flags & ~_MODIFIERS], 1))
    for start, size in _arrays(image, stride=20, entry=lambda a: _getset(image, a)):
        for a in range(start, start + size * 20, 20):
            name = image.cstring(image.data_ptrs[a])
            report.getsets += 1
            if a + 4 in image.func_ptrs:
                compare("PyGetSetDef", f"{name} (getter)", image.func_ptrs[a + 4], _BINARY)
            if a + 8 in image.func_ptrs:
                compare("PyGetSetDef", f"{name} (setter)", image.func_ptrs[a + 8], _TERNARY)
    # slot arrays are {int id; void *value} like many C tables (OpenSSL's dispatch tables,
    # ...): only the ones a PyType_Spec or a PyModuleDef points to are read
    for table, start, signatures in _slot_arrays(image):
        a = start
        while not _terminator(image, a, 8):
            slot = image.word(a)
            if slot is None or (a + 4 in image.func_ptrs and slot not in signatures):
                break
            if a + 4 in image.func_ptrs:
                report.slots += 1
                name, sig = signatures[slot]
                compare(table, name, image.func_ptrs[a + 4], sig)
            a += 8
    for type_object in _static_types(image):
        tp_name = image.cstring(image.data_ptrs[type_object + 12])
        for off, (name, sig) in TYPE_FUNCTIONS.items():
            if type_object + off in image.func_ptrs:
                report.slots += 1
                compare("PyTypeObject", f"{tp_name}.{name}", image.func_ptrs[type_object + off],
                        sig)
    for module_def in _module_defs(image):
        for off, (name, sig) in MODULE_DEF_FUNCTIONS.items():
            if module_def + off in image.func_ptrs:
                report.slots += 1
                compare("PyModuleDef", name, image.func_ptrs[module_def + off], sig)
    return report


def _method(image: _Image, a: int) -> bool:
    flags = image.word(a + 8)
    return (a in image.data_ptrs and image.cstring(image.data_ptrs[a]) is not None
            and a + 4 in image.func_ptrs and flags is not None
            and flags & ~_MODIFIERS in _CONVENTIONS and not image.relocated(a + 8)
            and (a + 12 in image.data_ptrs or image.word(a + 12) == 0))


def _getset(image: _Image, a: int) -> bool:
    has_func = a + 4 in image.func_ptrs or a + 8 in image.func_ptrs
    return (a in image.data_ptrs and image.cstring(image.data_ptrs[a]) is not None and has_func
            and a + 4 in image.func_ptrs  # a getter: setter-only attributes do not occur
            and all(a + off in image.func_ptrs or image.word(a + off) == 0 for off in (4, 8))
            and not _method(image, a)
            and all(a + off in image.data_ptrs or image.word(a + off) == 0 for off in (12, 16)))


def _module_defs(image: _Image) -> Iterator[int]:
    """PyModuleDef structs: PyModuleDef_HEAD_INIT's immortal reference count (+0), m_name
    (+20) a name, m_size (+28) plain, m_methods and m_slots (+32, +36) NULL or data, one of
    them set, m_traverse, m_clear and m_free (+40, +44, +48) NULL or functions."""
    for a in sorted(image.data_ptrs):
        base = a - 20
        if (image.word(base) == IMMORTAL_REFCNT and image.cstring(image.data_ptrs[a]) is not None
                and not image.relocated(base + 28)
                and all(base + off in image.data_ptrs or image.word(base + off) == 0
                        for off in (32, 36))
                and (base + 32 in image.data_ptrs or base + 36 in image.data_ptrs)
                and all(base + off in image.func_ptrs or image.word(base + off) == 0
                        for off in MODULE_DEF_FUNCTIONS)):
            yield base


def _static_types(image: _Image) -> Iterator[int]:
    """Static PyTypeObject structs: PyVarObject_HEAD_INIT's immortal reference count (+0),
    tp_name (+12) a name, a non-zero tp_basicsize, the plain fields unrelocated, the data
    fields data or NULL, the function fields functions or NULL, at least two of them set."""
    for a in sorted(image.data_ptrs):
        base = a - 12
        if (image.word(base) == IMMORTAL_REFCNT and image.cstring(image.data_ptrs[a]) is not None
                and (image.word(base + 16) or 0) > 0
                and not any(image.relocated(base + off) for off in TYPE_PLAIN)
                and all(base + off in image.data_ptrs or image.word(base + off) == 0
                        for off in TYPE_DATA)
                and all(base + off in image.func_ptrs or image.word(base + off) == 0
                        for off in TYPE_FUNCTIONS)
                and sum(base + off in image.func_ptrs for off in TYPE_FUNCTIONS) >= 2):
            yield base


def _slot_arrays(image: _Image) -> Iterator[tuple[str, int, dict[int, tuple[str, Sig]]]]:
    """(table, first address, signatures) of the slot arrays a PyType_Spec (name +0, slots
    +16) or a PyModuleDef (m_slots +36) points to."""
    seen: set[int] = set()
    for a, target in sorted(image.data_ptrs.items()):
        if target in seen:
            continue
        spec = a - 16
        basicsize, itemsize = image.word(spec + 4), image.word(spec + 8)
        if (spec in image.data_ptrs and image.cstring(image.data_ptrs[spec]) is not None
                and not any(image.relocated(spec + off) for off in (4, 8, 12))
                and basicsize is not None and 0 < basicsize <= MAX_BASICSIZE
                and itemsize is not None and itemsize <= MAX_BASICSIZE
                and _valid_slots(image, target)):
            seen.add(target)
            yield "PyType_Slot", target, SLOT_SIGNATURES
    for module_def in _module_defs(image):
        slots = image.data_ptrs.get(module_def + 36)
        if slots is not None and slots not in seen:
            seen.add(slots)
            yield "PyModuleDef_Slot", slots, MODULE_SLOT_SIGNATURES


def _valid_slots(image: _Image, a: int) -> bool:
    """A whole PyType_Slot array: known ids, each with a function or data (as the id says),
    up to the {0, NULL} terminator."""
    for _ in range(MAX_SLOT + 1):
        if _terminator(image, a, 8):
            return True
        slot = image.word(a)
        if slot is None or image.relocated(a) or not (
                (slot in SLOT_SIGNATURES and a + 4 in image.func_ptrs)
                or (slot in DATA_SLOTS and (a + 4 in image.data_ptrs or image.word(a + 4) == 0))):
            return False
        a += 8
    return False


def _terminator(image: _Image, a: int, stride: int) -> bool:
    return all(not image.relocated(a + off) and image.word(a + off) == 0
               for off in range(0, stride, 4))


def _arrays(image: _Image, *, stride: int,
            entry: Callable[[int], bool]) -> Iterator[tuple[int, int]]:
    """(first address, entries) of each run of entries followed by an all-zero, unrelocated
    terminator: how CPython's tables end."""
    seen: set[int] = set()
    for a in sorted(image.data_ptrs.keys() | {p - 4 for p in image.func_ptrs}):
        if a in seen or not entry(a):
            continue
        start = a
        while entry(start - stride):
            start -= stride
        end = start
        while entry(end):
            seen.add(end)
            end += stride
        if _terminator(image, end, stride):
            yield start, (end - start) // stride


@dataclass
class SignatureReport:
    """``check_signatures`` over a path: per module, what was checked and found."""

    modules: list[tuple[str, Report]] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def mismatches(self) -> list[tuple[str, Mismatch]]:
        return [(where, m) for where, r in self.modules for m in r.mismatches]

    def totals(self) -> tuple[int, int, int]:
        return (sum(r.methods for _, r in self.modules), sum(r.getsets for _, r in self.modules),
                sum(r.slots for _, r in self.modules))


def check_signatures(target: Path) -> SignatureReport:
    """Every wasm shared object under ``target`` (a folder, wheel, library tarball or .so)."""
    report = SignatureReport()

    def one(where: str, data: bytes) -> None:
        if not is_wasm(data[:8]):
            raise CheckError(f"{where} is not a WebAssembly module", step="signatures")
        try:
            report.modules.append((where, check_module(data, where)))
        except Unreadable as exc:
            report.unreadable.append(str(exc))

    with targets(target, step="signatures") as found:
        try:
            for wheel in found.wheels:
                with zipfile.ZipFile(wheel) as zf:
                    for member in sorted(zf.namelist()):
                        if is_shared_object(member):
                            one(f"{wheel.name}!{member}", zf.read(member))
        except zipfile.BadZipFile as exc:
            raise CheckError(f"not a valid wheel: {exc}", step="signatures") from exc
        for so, where in found.loose:
            one(where, so.read_bytes())
    return report

"""Build WebAssembly binary modules byte by byte for tests (no toolchain involved).

The low-level encoders (``uleb``, ``name``, ``vec``, ``section``, ...) follow the binary
format of the core spec; ``dylink0`` and ``side_module`` put them together into the shape of
a ``wasm-ld -shared`` output: a ``dylink.0`` section (with its NEEDED libraries) and exported
functions such as ``PyInit_<module>``.
"""

from __future__ import annotations

from collections.abc import Iterable

HEADER = b"\x00asm\x01\x00\x00\x00"
I32 = 0x7F
I64 = 0x7E
FUNCREF = 0x70

#: Export kinds of the export section.
KIND_FUNC = 0x00
KIND_TABLE = 0x01
KIND_MEMORY = 0x02
KIND_GLOBAL = 0x03
KIND_TAG = 0x04

#: dylink.0 subsection ids (tool-conventions DynamicLinking.md).
DYLINK_MEM_INFO = 1
DYLINK_NEEDED = 2
DYLINK_EXPORT_INFO = 3
DYLINK_IMPORT_INFO = 4


def uleb(n: int) -> bytes:
    """Minimal unsigned LEB128."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def padded_uleb(n: int, width: int = 5) -> bytes:
    """Non-minimal unsigned LEB128 of exactly ``width`` bytes, as LLVM writes for relocations."""
    out = bytearray()
    for i in range(width):
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if i < width - 1 else b)
    assert n == 0
    return bytes(out)


def name(s: str | bytes) -> bytes:
    raw = s.encode() if isinstance(s, str) else s
    return uleb(len(raw)) + raw


def vec(items: list[bytes]) -> bytes:
    return uleb(len(items)) + b"".join(items)


def section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + uleb(len(payload)) + payload


def custom(section_name: str, payload: bytes) -> bytes:
    return section(0, name(section_name) + payload)


def module(*sections: bytes) -> bytes:
    return HEADER + b"".join(sections)


def imp(mod: str, field: str, desc: bytes) -> bytes:
    return name(mod) + name(field) + desc


def func_desc(typeidx: int = 0) -> bytes:
    return b"\x00" + uleb(typeidx)


def exp(export_name: str, kind: int, index: int = 0) -> bytes:
    return name(export_name) + bytes([kind]) + uleb(index)


def subsection(kind: int, payload: bytes) -> bytes:
    return bytes([kind]) + uleb(len(payload)) + payload


TYPE_SECTION = section(1, vec([b"\x60\x00\x00"]))  # one type: () -> ()


def dylink0(needed: Iterable[str] = (), *, mem_size: int = 0, mem_align: int = 0) -> bytes:
    """A ``dylink.0`` custom section: memory info, then the NEEDED libraries (if any)."""
    libs = list(needed)
    payload = subsection(DYLINK_MEM_INFO, uleb(mem_size) + uleb(mem_align) + uleb(0) + uleb(0))
    if libs:
        payload += subsection(DYLINK_NEEDED, vec([name(lib) for lib in libs]))
    return custom("dylink.0", payload)


def export_section(functions: Iterable[str] = (), *, memory: bool = False) -> bytes:
    """An export section with the given function names (and a memory export if asked)."""
    entries = [exp(fn, KIND_FUNC, i) for i, fn in enumerate(functions)]
    if memory:
        entries.append(exp("memory", KIND_MEMORY))
    return section(7, vec(entries))


def name_section(functions: Iterable[tuple[int, str]]) -> bytes:
    """A ``name`` custom section: a module name subsection, then the function names
    (index, name), as wasm-ld writes them."""
    entries = [uleb(index) + name(fn) for index, fn in functions]
    return custom("name", subsection(0, name("demo")) + subsection(1, vec(entries)))


def side_module(
    needed: Iterable[str] = (),
    exports: Iterable[str] = (),
    *,
    dylink: bool = True,
    defined: Iterable[str] | None = None,
) -> bytes:
    """A module shaped like a wasm side module: ``dylink.0`` first (unless ``dylink`` is
    False), a type section, an export section exporting ``exports`` as functions, and, when
    ``defined`` is given, a ``name`` section naming them as its functions."""
    parts = [dylink0(needed)] if dylink else []
    parts.append(TYPE_SECTION)
    parts.append(export_section(exports))
    if defined is not None:
        parts.append(name_section(enumerate(defined)))
    return module(*parts)


def sleb(n: int) -> bytes:
    """Signed LEB128 (the immediates of ``i32.const`` and ``i64.const``)."""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def global_entry(valtype: int, init: bytes, *, mutable: bool = False) -> bytes:
    """One global of a global section: type, mutability, initializer (``end`` added)."""
    return bytes([valtype, 1 if mutable else 0]) + init + b"\x0b"


def tls_side_module(tls_size: int, *, init_tls: bool) -> bytes:
    """A side module shaped like wasm-ld's ``-shared --shared-memory`` output: one imported
    global (``__memory_base``) before its own ``__tls_base``, ``__tls_size`` and
    ``__tls_align``, all exported, and ``__wasix_init_tls`` exported when ``init_tls``."""
    imports = section(2, vec([imp("env", "__memory_base", bytes([0x03, 0x7F, 0x00]))]))
    globals_ = section(6, vec([
        global_entry(0x7F, b"\x41" + sleb(0), mutable=True),
        global_entry(0x7F, b"\x41" + sleb(tls_size)),
        global_entry(0x7F, b"\x41" + sleb(4)),
    ]))
    entries = [exp("__tls_base", KIND_GLOBAL, 1), exp("__tls_size", KIND_GLOBAL, 2),
               exp("__tls_align", KIND_GLOBAL, 3), exp("PyInit_x", KIND_FUNC, 0)]
    if init_tls:
        entries.append(exp("__wasix_init_tls", KIND_FUNC, 1))
    return module(dylink0(), TYPE_SECTION, imports, globals_, section(7, vec(entries)))

"""A small reader for WebAssembly binary modules (binary format version 1).

wasixtasks checks every ``.so`` it builds before publishing it: that it is a wasm side module
(``wasm-ld -shared --experimental-pic`` output with a ``dylink.0`` section), which libraries it
needs, and which functions it imports and exports. Those checks must run on any machine,
including ones without wasm-tools or wabt installed, so the project carries its own reader
instead of shelling out to ``wasm-objdump`` or ``wasm-tools print``.

The reader decodes only what the checks need: the import section, the export section, the
names of custom sections, the ``dylink.0`` (or legacy ``dylink``) section, the global
section's constant initial values (for ``__tls_size``) and, when asked
(:func:`defined_function_names`), the function names of the ``name`` section. Every other
section is skipped by its size without being read, so multi-megabyte modules (numpy's) are
cheap; :func:`read_module` seeks past skipped sections instead of loading the whole file.

Every malformed input raises :class:`~wasixtasks.errors.WasmFormatError` naming the origin
(usually the file path) and the byte offset of the problem. The reader never reads past the
buffer or past the section it is decoding.

The byte-level decoding (bounded LEB128, file and byte sources) is in ``wasm_reader``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .wasm_reader import SECTION_NAMES, BytesSource, FileSource, Reader, Source, format_error

__all__ = [
    "DylinkInfo",
    "Export",
    "Import",
    "WasmModule",
    "defined_function_names",
    "parse_module_and_names",
    "is_wasm",
    "parse_module",
    "read_module",
]

WASM_MAGIC = b"\x00asm"
WASM_VERSION = b"\x01\x00\x00\x00"
_HEADER_SIZE = 8

_SECTION_CUSTOM = 0
_SECTION_IMPORT = 2
_SECTION_GLOBAL = 6
_SECTION_EXPORT = 7

_NAME_SECTION = "name"
_NAME_SUBSECTION_FUNCTIONS = 1

#: External kinds as used by import descriptors and export descriptors.
_EXTERNAL_KINDS = {0x00: "func", 0x01: "table", 0x02: "memory", 0x03: "global", 0x04: "tag"}

_DYLINK_SECTION = "dylink.0"
_LEGACY_DYLINK_SECTION = "dylink"

WASM_DYLINK_MEM_INFO = 1
WASM_DYLINK_NEEDED = 2
WASM_DYLINK_EXPORT_INFO = 3
WASM_DYLINK_IMPORT_INFO = 4

# Limits flag bits (core spec, threads, memory64 and custom-page-sizes proposals).
_LIMITS_HAS_MAX = 0x01
_LIMITS_SHARED = 0x02
_LIMITS_64 = 0x04
_LIMITS_PAGE_SIZE = 0x08
_MEMORY_LIMIT_FLAGS = _LIMITS_HAS_MAX | _LIMITS_SHARED | _LIMITS_64 | _LIMITS_PAGE_SIZE
_TABLE_LIMIT_FLAGS = _LIMITS_HAS_MAX | _LIMITS_64

# Reference types written as `0x64 heaptype` (ref ht) and `0x63 heaptype` (ref null ht).
_REF = 0x64
_REF_NULL = 0x63
#: Reference types written as one byte: funcref, externref and the GC, exception-handling
#: and stack-switching abbreviations.
_SHORT_REF_TYPES = frozenset(
    {0x70, 0x6F, 0x6E, 0x6D, 0x6C, 0x6B, 0x6A, 0x69, 0x68, 0x71, 0x72, 0x73, 0x74, 0x75}
)
#: i32, i64, f32, f64, v128.
_NUMERIC_TYPES = frozenset({0x7F, 0x7E, 0x7D, 0x7C, 0x7B})


@dataclass(frozen=True)
class Import:
    """One entry of the import section."""

    module: str
    name: str
    kind: str  # "func", "table", "memory", "global" or "tag"


@dataclass(frozen=True)
class Export:
    """One entry of the export section."""

    name: str
    kind: str  # "func", "table", "memory", "global" or "tag"


@dataclass(frozen=True)
class DylinkInfo:
    """The content of a ``dylink.0`` (or legacy ``dylink``) custom section."""

    mem_size: int
    mem_align: int
    table_size: int
    table_align: int
    needed: tuple[str, ...]
    export_info: tuple[tuple[str, int], ...]  # (name, flags)
    import_info: tuple[tuple[str, str, int], ...]  # (module, field, flags)


@dataclass(frozen=True)
class WasmModule:
    """What the checks need to know about a module."""

    imports: tuple[Import, ...]
    exports: tuple[Export, ...]
    dylink: DylinkInfo | None
    custom_sections: tuple[str, ...]
    #: the initial value of each exported global whose initializer is one ``i32.const`` or
    #: ``i64.const`` (``__tls_size``: the bytes of thread-locals each thread needs)
    global_values: tuple[tuple[str, int], ...] = ()

    def global_value(self, name: str) -> int | None:
        """The constant initial value of the exported global ``name``, if it has one."""
        return dict(self.global_values).get(name)

    @property
    def is_side_module(self) -> bool:
        """True when the module has a ``dylink.0`` or legacy ``dylink`` section."""
        return self.dylink is not None

    def exported_functions(self) -> set[str]:
        """Names of the exported functions."""
        return {e.name for e in self.exports if e.kind == "func"}

    def imported_functions(self, module: str | None = None) -> set[str]:
        """Names of the imported functions, only those from ``module`` when it is given."""
        return {
            i.name
            for i in self.imports
            if i.kind == "func" and (module is None or i.module == module)
        }


def is_wasm(data: bytes) -> bool:
    """True when ``data`` starts with the wasm magic number and binary format version 1."""
    return len(data) >= _HEADER_SIZE and data[:_HEADER_SIZE] == WASM_MAGIC + WASM_VERSION


def parse_module(data: bytes, *, origin: str = "<bytes>") -> WasmModule:
    """Read the imports, exports and dynamic-linking information of a wasm module.

    ``origin`` names the input in error messages (a file path, usually).
    """
    return _parse(BytesSource(bytes(data)), origin)[0]


def read_module(path: Path) -> WasmModule:
    """Like :func:`parse_module` for a file; sections that are not needed are never read."""
    with open(path, "rb") as f:
        return _parse(FileSource(f, str(path)), str(path))[0]


def _parse(src: Source, origin: str, *,
           function_names: bool = False) -> tuple[WasmModule, frozenset[str] | None]:
    """The module, and with ``function_names`` the names of the functions it defines (None:
    not asked, or no function names in its ``name`` section)."""
    size = src.size
    header = src.read(0, min(size, _HEADER_SIZE))
    if len(header) < 4 or header[:4] != WASM_MAGIC:
        if WASM_MAGIC.startswith(header):
            raise format_error(origin, "truncated header (file too short to be wasm)", len(header))
        raise format_error(
            origin, f"bad magic number {header[:4].hex(' ')} (expected 00 61 73 6d)", 0
        )
    if len(header) < _HEADER_SIZE:
        raise format_error(origin, "truncated header (no complete version field)", len(header))
    if header[4:8] != WASM_VERSION:
        version = int.from_bytes(header[4:8], "little")
        note = ""
        if header[6:8] == b"\x01\x00":  # the layer field of a component
            note = " (a component-model binary, not a core module)"
        raise format_error(origin, f"unsupported binary format version 0x{version:x}{note}", 4)

    imports: tuple[Import, ...] | None = None
    exports: tuple[Export, ...] | None = None
    global_exports: dict[str, int] = {}
    constants: tuple[int | None, ...] = ()
    dylink: DylinkInfo | None = None
    customs: list[str] = []
    #: where the ``name`` section's payload is, when function names are asked for
    names_at: tuple[int, int] | None = None

    pos = _HEADER_SIZE
    while pos < size:
        # A section header is an id byte and a u32 size: at most 6 bytes.
        head = Reader(src.read(pos, min(6, size - pos)), base=pos, origin=origin, what="data")
        section_id = head.byte()
        length = head.u32()
        body_start = head.offset
        body_end = body_start + length
        label = SECTION_NAMES.get(section_id, f"unknown (id {section_id})")
        if body_end > size:
            raise format_error(
                origin,
                f"{label} section of {length} bytes runs past the end of the data "
                f"({size - body_start} bytes left)",
                pos,
            )

        if section_id == _SECTION_CUSTOM:
            name, payload_start = _custom_section_name(src, origin, body_start, body_end)
            customs.append(name)
            if name in (_DYLINK_SECTION, _LEGACY_DYLINK_SECTION):
                if dylink is not None:
                    raise format_error(origin, f"second dynamic-linking section {name!r}", pos)
                body = Reader(
                    src.read(payload_start, body_end - payload_start),
                    base=payload_start,
                    origin=origin,
                    what=f"{name!r} section",
                )
                dylink = _dylink(body) if name == _DYLINK_SECTION else _legacy_dylink(body)
            elif name == _NAME_SECTION and function_names:
                names_at = (payload_start, body_end)
        elif section_id == _SECTION_IMPORT:
            if imports is not None:
                raise format_error(origin, "second import section", pos)
            imports = _imports(_body(src, origin, body_start, length, "import section"))
        elif section_id == _SECTION_EXPORT:
            if exports is not None:
                raise format_error(origin, "second export section", pos)
            exports, global_exports = _exports(
                _body(src, origin, body_start, length, "export section"))
        elif section_id == _SECTION_GLOBAL:
            constants = _global_constants(_body(src, origin, body_start, length,
                                                "global section"))
        pos = body_end

    imported_globals = sum(1 for i in imports or () if i.kind == "global")
    values: list[tuple[str, int]] = []
    for name, index in sorted(global_exports.items()):
        defined = index - imported_globals
        if 0 <= defined < len(constants) and (value := constants[defined]) is not None:
            values.append((name, value))

    names = None
    if names_at is not None:  # the import section comes first: its functions are known now
        start, end = names_at
        names = _function_names(_body(src, origin, start, end - start, "'name' section"),
                                sum(1 for i in imports or () if i.kind == "func"))
    module = WasmModule(
        imports=imports or (),
        exports=exports or (),
        dylink=dylink,
        custom_sections=tuple(customs),
        global_values=tuple(values),
    )
    return module, names


def parse_module_and_names(data: bytes, *, origin: str = "<bytes>"
                           ) -> tuple[WasmModule, frozenset[str] | None]:
    """:func:`parse_module` and :func:`defined_function_names` in one pass."""
    return _parse(BytesSource(bytes(data)), origin, function_names=True)


def defined_function_names(data: bytes, *, origin: str = "<bytes>") -> frozenset[str] | None:
    """The names the ``name`` section gives the functions a module defines (not its imports);
    None when the module has no function names (linked with ``--strip-all``).

    wasm-ld keeps the names of every function it linked in, static archives' included: what a
    wheel's SBOM reads to tell the archives a build linked from those it only had at hand.
    """
    return _parse(BytesSource(bytes(data)), origin, function_names=True)[1]


def _function_names(r: Reader, imported: int) -> frozenset[str] | None:
    """The function-names subsection of a ``name`` section, less the imported functions."""
    while not r.at_end():
        kind = r.byte()
        size = r.u32()
        if kind != _NAME_SUBSECTION_FUNCTIONS:
            r.skip(size)
            continue
        out: set[str] = set()
        for _ in range(r.u32()):
            index = r.u32()
            name = r.name()
            if index >= imported:
                out.add(name)
        return frozenset(out)
    return None


def _body(src: Source, origin: str, start: int, length: int, what: str) -> Reader:
    return Reader(src.read(start, length), base=start, origin=origin, what=what)


def _custom_section_name(src: Source, origin: str, start: int, end: int) -> tuple[str, int]:
    """Name of the custom section whose body is ``start:end``, and where its payload starts.

    Reads only the name, not the payload: custom sections (DWARF) can be large.
    """
    head = Reader(
        src.read(start, min(5, end - start)), base=start, origin=origin, what="custom section"
    )
    n = head.u32()
    name_start = head.offset
    if n > end - name_start:
        raise format_error(
            origin,
            f"custom section name of {n} bytes runs past the end of its section",
            start,
        )
    name_reader = Reader(
        src.read(start, name_start - start + n), base=start, origin=origin, what="custom section"
    )
    return name_reader.name(), name_start + n


def _limits(r: Reader, allowed_flags: int, what: str) -> None:
    """Skip a limits structure (table or memory type), checking its flag bits."""
    at = r.offset
    flags = r.byte()
    if flags & ~allowed_flags:
        raise r.fail(f"invalid {what} limits flags 0x{flags:02x}", at)
    read = r.u64 if flags & _LIMITS_64 else r.u32
    read()  # minimum
    if flags & _LIMITS_HAS_MAX:
        read()  # maximum
    if flags & _LIMITS_PAGE_SIZE:
        r.u32()  # log2 of the page size


def _ref_type(r: Reader, b: int, at: int) -> None:
    """Finish reading a reference type whose first byte ``b`` was read already."""
    if b in (_REF, _REF_NULL):
        r.s33()  # heap type
    elif b not in _SHORT_REF_TYPES:
        raise r.fail(f"invalid reference type 0x{b:02x}", at)


def _global_type(r: Reader) -> None:
    """Skip a global type (value type, mutability), checking the mutability flag."""
    at = r.offset
    b = r.byte()
    if b not in _NUMERIC_TYPES:
        _ref_type(r, b, at)
    m_at = r.offset
    if r.byte() not in (0, 1):
        raise r.fail("invalid global mutability flag", m_at)


def _imports(r: Reader) -> tuple[Import, ...]:
    count = r.u32()
    out: list[Import] = []
    for _ in range(count):
        module = r.name()
        name = r.name()
        at = r.offset
        kind = r.byte()
        if kind == 0x00:  # func: type index
            r.u32()
        elif kind == 0x01:  # table: reftype, limits
            b_at = r.offset
            _ref_type(r, r.byte(), b_at)
            _limits(r, _TABLE_LIMIT_FLAGS, "table")
        elif kind == 0x02:  # memory: limits
            _limits(r, _MEMORY_LIMIT_FLAGS, "memory")
        elif kind == 0x03:  # global: valtype, mutability
            _global_type(r)
        elif kind == 0x04:  # tag: attribute, type index
            a_at = r.offset
            if r.byte() != 0:
                raise r.fail("invalid tag attribute (expected 0x00)", a_at)
            r.u32()
        else:
            raise r.fail(f"unknown import kind 0x{kind:02x} for {module}.{name}", at)
        out.append(Import(module, name, _EXTERNAL_KINDS[kind]))
    r.expect_end()
    return tuple(out)


def _exports(r: Reader) -> tuple[tuple[Export, ...], dict[str, int]]:
    """The exports, and the global index of each exported global."""
    count = r.u32()
    out: list[Export] = []
    globals_: dict[str, int] = {}
    for _ in range(count):
        name = r.name()
        at = r.offset
        kind = r.byte()
        if kind not in _EXTERNAL_KINDS:
            raise r.fail(f"unknown export kind 0x{kind:02x} for {name}", at)
        index = r.u32()
        if kind == 0x03:
            globals_[name] = index
        out.append(Export(name, _EXTERNAL_KINDS[kind]))
    r.expect_end()
    return tuple(out), globals_


def _sleb(r: Reader, bits: int) -> int:
    """A signed LEB128 number of at most ``bits`` bits (``i32.const``, ``i64.const``)."""
    start = r.offset
    result = shift = 0
    for _ in range((bits + 6) // 7):
        b = r.byte()
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result - (1 << shift) if b & 0x40 else result
    raise r.fail(f"LEB128 number longer than {(bits + 6) // 7} bytes", start)


#: Constant-expression instructions without immediates: the extended-const arithmetic.
_CONST_ARITHMETIC = frozenset({0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E})


def _global_constants(r: Reader) -> tuple[int | None, ...]:
    """For each defined global: its initial value when the initializer is a single integer
    constant, else None (skipping the other constant instructions)."""
    count = r.u32()
    out: list[int | None] = []
    for _ in range(count):
        _global_type(r)
        values: list[int | None] = []
        while True:
            op_at = r.offset
            op = r.byte()
            if op == 0x0B:  # end
                break
            if op == 0x41:
                values.append(_sleb(r, 32))
            elif op == 0x42:
                values.append(_sleb(r, 64))
            elif op in (0x43, 0x44):  # f32.const, f64.const
                r.skip(4 if op == 0x43 else 8)
                values.append(None)
            elif op in (0x23, 0xD2):  # global.get, ref.func
                r.u32()
                values.append(None)
            elif op == 0xD0:  # ref.null heap type
                r.s33()
                values.append(None)
            elif op in _CONST_ARITHMETIC:
                values.append(None)
            elif op == 0xFD and r.u32() == 12:  # v128.const
                r.skip(16)
                values.append(None)
            else:
                raise r.fail(f"unexpected instruction 0x{op:02x} in a global's initializer",
                             op_at)
        out.append(values[0] if len(values) == 1 else None)
    r.expect_end()
    return tuple(out)


def _dylink(r: Reader) -> DylinkInfo:
    """Decode a ``dylink.0`` section body (tool-conventions DynamicLinking.md)."""
    mem_size = mem_align = table_size = table_align = 0
    needed: list[str] = []
    export_info: list[tuple[str, int]] = []
    import_info: list[tuple[str, str, int]] = []
    while not r.at_end():
        at = r.offset
        kind = r.byte()
        length = r.u32()
        if length > r.remaining:
            raise r.fail(
                f"dylink.0 subsection {kind} of {length} bytes runs past the end of the "
                f"section ({r.remaining} bytes left)",
                at,
            )
        sub = Reader(
            r.raw(length),
            base=r.offset - length,
            origin=r.origin,
            what=f"dylink.0 subsection {kind}",
        )
        if kind == WASM_DYLINK_MEM_INFO:
            mem_size = sub.u32()
            mem_align = sub.u32()
            table_size = sub.u32()
            table_align = sub.u32()
        elif kind == WASM_DYLINK_NEEDED:
            needed.extend(sub.name() for _ in range(sub.u32()))
        elif kind == WASM_DYLINK_EXPORT_INFO:
            for _ in range(sub.u32()):
                name = sub.name()
                export_info.append((name, sub.u32()))
        elif kind == WASM_DYLINK_IMPORT_INFO:
            for _ in range(sub.u32()):
                module = sub.name()
                field = sub.name()
                import_info.append((module, field, sub.u32()))
        else:
            continue  # unknown subsection: skipped by its length
        sub.expect_end()
    return DylinkInfo(
        mem_size=mem_size,
        mem_align=mem_align,
        table_size=table_size,
        table_align=table_align,
        needed=tuple(needed),
        export_info=tuple(export_info),
        import_info=tuple(import_info),
    )


def _legacy_dylink(r: Reader) -> DylinkInfo:
    """Decode the pre-2021 ``dylink`` section: four u32s, then the needed libraries."""
    mem_size, mem_align, table_size, table_align = r.u32(), r.u32(), r.u32(), r.u32()
    needed = tuple(r.name() for _ in range(r.u32()))
    r.expect_end()
    return DylinkInfo(mem_size, mem_align, table_size, table_align, needed, (), ())

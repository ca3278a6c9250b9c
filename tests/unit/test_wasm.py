"""Tests of wasixtasks.wasm: modules are built byte by byte here (real modules built by the
WASIX toolchain are read in the integration tests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.wasmbytes import (
    FUNCREF,
    HEADER,
    I32,
    I64,
    TYPE_SECTION,
    custom,
    exp,
    func_desc,
    global_entry,
    imp,
    module,
    name,
    name_section,
    padded_uleb,
    section,
    sleb,
    subsection,
    tls_side_module,
    uleb,
    vec,
)
from wasixtasks.errors import WasmFormatError
from wasixtasks.wasm import (
    DylinkInfo,
    Export,
    Import,
    WasmModule,
    defined_function_names,
    is_wasm,
    parse_module,
    read_module,
)

# --- encoding helpers (the generic ones live in tests/helpers/wasmbytes.py) -----------------


def table_desc(minimum: int = 1, maximum: int | None = None) -> bytes:
    limits = b"\x00" + uleb(minimum) if maximum is None else b"\x01" + uleb(minimum) + uleb(maximum)
    return b"\x01" + bytes([FUNCREF]) + limits


def memory_desc(flags: int, *numbers: int, wide: bool = False) -> bytes:
    enc = (lambda n: padded_uleb(n, 10)) if wide else uleb
    return b"\x02" + bytes([flags]) + b"".join(enc(n) for n in numbers)


def global_desc(valtype: int = I32, mutable: bool = True) -> bytes:
    return b"\x03" + bytes([valtype, int(mutable)])


def tag_desc(typeidx: int = 0) -> bytes:
    return b"\x04\x00" + uleb(typeidx)


def plain_imports() -> bytes:
    return section(
        2,
        vec(
            [
                imp("env", "malloc", func_desc()),
                imp("env", "memory", memory_desc(0x00, 1)),
                imp("env", "__indirect_function_table", table_desc(0)),
                imp("env", "__stack_pointer", global_desc()),
                imp("GOT.mem", "errno", global_desc()),
                imp("GOT.func", "free", global_desc()),
                imp("wasi_snapshot_preview1", "fd_write", func_desc()),
                imp("env", "__cpp_exception", tag_desc()),
            ]
        ),
    )


def plain_exports() -> bytes:
    return section(
        7,
        vec(
            [
                exp("PyInit__foo", 0),
                exp("helper", 0, 1),
                exp("memory", 2),
                exp("__stack_pointer", 3),
                exp("table", 1),
                exp("exc", 4),
            ]
        ),
    )


def assert_format_error(data: bytes, *, origin: str = "pkg/lib/_foo.so") -> WasmFormatError:
    with pytest.raises(WasmFormatError) as info:
        parse_module(data, origin=origin)
    message = info.value.message
    assert origin in message
    assert re.search(r"byte offset \d+", message), message
    return info.value


def error_offset(err: WasmFormatError) -> int:
    match = re.search(r"byte offset (\d+)", err.message)
    assert match
    return int(match.group(1))


# --- well-formed modules -------------------------------------------------------------------


def test_is_wasm() -> None:
    assert is_wasm(HEADER)
    assert is_wasm(module(TYPE_SECTION))
    assert not is_wasm(b"")
    assert not is_wasm(b"\x00asm")
    assert not is_wasm(b"\x7fELF\x02\x01\x01\x00")
    assert not is_wasm(b"\x00asm\x0d\x00\x01\x00")  # a component, not a core module


def test_empty_module() -> None:
    m = parse_module(HEADER)
    assert m == WasmModule(imports=(), exports=(), dylink=None, custom_sections=())
    assert not m.is_side_module
    assert m.exported_functions() == set()
    assert m.imported_functions() == set()


def test_plain_module_imports_and_exports() -> None:
    data = module(
        TYPE_SECTION,
        plain_imports(),
        section(3, vec([uleb(0), uleb(0)])),  # function section
        plain_exports(),
        section(10, b"\x02\x02\x00\x0b\x02\x00\x0b"),  # code section, never decoded
        custom("producers", b"\x00"),
    )
    m = parse_module(data)
    assert m.imports == (
        Import("env", "malloc", "func"),
        Import("env", "memory", "memory"),
        Import("env", "__indirect_function_table", "table"),
        Import("env", "__stack_pointer", "global"),
        Import("GOT.mem", "errno", "global"),
        Import("GOT.func", "free", "global"),
        Import("wasi_snapshot_preview1", "fd_write", "func"),
        Import("env", "__cpp_exception", "tag"),
    )
    assert m.exports == (
        Export("PyInit__foo", "func"),
        Export("helper", "func"),
        Export("memory", "memory"),
        Export("__stack_pointer", "global"),
        Export("table", "table"),
        Export("exc", "tag"),
    )
    assert m.dylink is None
    assert not m.is_side_module
    assert m.custom_sections == ("producers",)
    assert m.exported_functions() == {"PyInit__foo", "helper"}
    assert m.imported_functions() == {"malloc", "fd_write"}
    assert m.imported_functions("env") == {"malloc"}
    assert m.imported_functions("wasi_snapshot_preview1") == {"fd_write"}
    assert m.imported_functions("GOT.mem") == set()


def test_other_sections_are_not_decoded() -> None:
    # Garbage in sections the reader does not need must not matter, whatever their id.
    junk = b"\xff" * 40
    data = module(
        section(1, junk),
        section(3, junk),
        plain_imports(),
        section(10, junk),
        section(11, junk),
        section(0x2A, junk),
        plain_exports(),
    )
    m = parse_module(data)
    assert len(m.imports) == 8
    assert len(m.exports) == 6


@pytest.mark.parametrize(
    ("flags", "numbers", "wide"),
    [
        (0x00, (1,), False),  # min
        (0x01, (1, 2), False),  # min, max
        (0x03, (1, 16384), False),  # shared
        (0x04, (2**40,), True),  # memory64, min past 32 bits
        (0x05, (1, 2**63), True),  # memory64 with max
        (0x07, (1, 2), True),  # memory64, shared, max
        (0x08, (1, 0), False),  # custom page size: min, log2(page size)
        (0x09, (1, 2, 16), False),  # custom page size with max
    ],
)
def test_memory_limit_flags(flags: int, numbers: tuple[int, ...], wide: bool) -> None:
    data = module(
        section(2, vec([imp("env", "memory", memory_desc(flags, *numbers, wide=wide))])),
        section(7, vec([exp("f", 0)])),
    )
    m = parse_module(data)
    assert m.imports == (Import("env", "memory", "memory"),)
    assert m.exports == (Export("f", "func"),)


def test_table_and_global_reference_types() -> None:
    ref_null_func = bytes([0x63]) + b"\x70"  # (ref null func), heap type as s33
    ref_typeidx = bytes([0x64]) + padded_uleb(3)  # (ref 3), padded s33
    data = module(
        section(
            2,
            vec(
                [
                    imp("env", "t64", b"\x01\x6f\x05" + uleb(1) + uleb(2)),  # table64 externref
                    imp("env", "t", b"\x01" + ref_null_func + b"\x00\x01"),
                    imp("env", "g1", b"\x03" + ref_typeidx + b"\x00"),
                    imp("env", "g2", global_desc(0x7B, mutable=False)),  # v128
                    imp("env", "g3", global_desc(I64)),
                ]
            ),
        )
    )
    m = parse_module(data)
    assert [i.kind for i in m.imports] == ["table", "table", "global", "global", "global"]


def test_padded_leb128_is_accepted() -> None:
    payload = vec([imp("env", "f", b"\x00" + padded_uleb(0))])
    data = HEADER + b"\x02" + padded_uleb(len(payload)) + payload
    data += b"\x07" + padded_uleb(len(vec([exp("g", 0)]))) + vec([exp("g", 0)])
    m = parse_module(data)
    assert m.imported_functions() == {"f"}
    assert m.exported_functions() == {"g"}


def test_largest_u32_leb128() -> None:
    # 0xFFFFFFFF as a type index: 5 bytes, the last one 0x0f.
    data = module(section(2, vec([imp("env", "f", b"\x00\xff\xff\xff\xff\x0f")])))
    assert parse_module(data).imported_functions() == {"f"}


def side_module_dylink() -> bytes:
    return custom(
        "dylink.0",
        subsection(1, uleb(1234) + uleb(4) + uleb(7) + uleb(0))
        + subsection(2, vec([name("libz.so"), name("libfoo.so")]))
        + subsection(0x7E, b"\x01\x02\x03 unknown subsection, skipped")
        + subsection(3, vec([name("PyInit__foo") + uleb(0), name("weak_sym") + uleb(0x11)]))
        + subsection(4, vec([name("env") + name("optional_fn") + uleb(0x1)])),
    )


def test_side_module_dylink0() -> None:
    data = module(
        side_module_dylink(),
        TYPE_SECTION,
        plain_imports(),
        plain_exports(),
        custom("name", b"\x00\x00"),
        custom("producers", b"\x00"),
    )
    m = parse_module(data)
    assert m.is_side_module
    assert m.dylink == DylinkInfo(
        mem_size=1234,
        mem_align=4,
        table_size=7,
        table_align=0,
        needed=("libz.so", "libfoo.so"),
        export_info=(("PyInit__foo", 0), ("weak_sym", 0x11)),
        import_info=(("env", "optional_fn", 1),),
    )
    assert m.custom_sections == ("dylink.0", "name", "producers")
    assert m.exported_functions() == {"PyInit__foo", "helper"}
    assert "malloc" in m.imported_functions("env")


def test_dylink0_without_mem_info() -> None:
    m = parse_module(module(custom("dylink.0", subsection(2, vec([name("libc.so")])))))
    assert m.dylink == DylinkInfo(0, 0, 0, 0, ("libc.so",), (), ())


def test_empty_dylink0_is_still_a_side_module() -> None:
    m = parse_module(module(custom("dylink.0", b"")))
    assert m.is_side_module
    assert m.dylink == DylinkInfo(0, 0, 0, 0, (), (), ())


def test_legacy_dylink_section() -> None:
    payload = uleb(65536) + uleb(3) + uleb(2) + uleb(1) + vec([name("libz.so"), name("libm.so")])
    m = parse_module(module(custom("dylink", payload), plain_imports()))
    assert m.is_side_module
    assert m.dylink == DylinkInfo(
        mem_size=65536,
        mem_align=3,
        table_size=2,
        table_align=1,
        needed=("libz.so", "libm.so"),
        export_info=(),
        import_info=(),
    )
    assert m.custom_sections == ("dylink",)


def test_unicode_names() -> None:
    data = module(
        section(2, vec([imp("énv", "ƒ", func_desc())])),
        section(7, vec([exp("ü", 0)])),
    )
    m = parse_module(data)
    assert m.imports == (Import("énv", "ƒ", "func"),)
    assert m.exports == (Export("ü", "func"),)


def test_defined_function_names_leave_out_the_imports() -> None:
    imports = section(2, vec([imp("env", "malloc", func_desc()), imp("env", "g", b"\x03\x7f\x00"),
                              imp("env", "free", func_desc())]))
    # functions 0 and 1 are the imports (globals do not count); wasm-ld names them too
    names = name_section([(0, "malloc"), (1, "free"), (2, "png_read_info"), (3, "main")])
    data = module(TYPE_SECTION, imports, names)
    assert defined_function_names(data) == frozenset({"png_read_info", "main"})
    # other subsections (locals, 2) before the function names are skipped
    other = custom("name", subsection(2, b"\x00") + subsection(1, vec([uleb(0) + name("f")])))
    assert defined_function_names(module(TYPE_SECTION, other)) == frozenset({"f"})


def test_a_module_without_function_names_says_so() -> None:
    assert defined_function_names(module(TYPE_SECTION)) is None
    assert defined_function_names(module(custom("name", subsection(0, name("m"))))) is None


def test_defined_function_names_of_a_bad_module_raise() -> None:
    with pytest.raises(WasmFormatError, match="truncated"):
        defined_function_names(module(custom("name", subsection(1, vec([uleb(0)])))))
    with pytest.raises(WasmFormatError, match="bad magic"):
        defined_function_names(b"\x7fELF\x02\x01\x01\x00")


def test_read_module_matches_parse_module(tmp_path: Path) -> None:
    data = module(
        side_module_dylink(),
        plain_imports(),
        custom(".debug_info", b"\x00" * 1_000_000),  # skipped by seeking
        plain_exports(),
        custom("producers", b"\x00"),
    )
    path = tmp_path / "_foo.so"
    path.write_bytes(data)
    m = read_module(path)
    assert m == parse_module(data)
    assert m.custom_sections == ("dylink.0", ".debug_info", "producers")


def test_read_module_error_names_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.so"
    path.write_bytes(module(plain_imports())[:-3])
    with pytest.raises(WasmFormatError) as info:
        read_module(path)
    assert str(path) in info.value.message
    assert "byte offset" in info.value.message


# --- malformed input -----------------------------------------------------------------------


def test_bad_magic() -> None:
    err = assert_format_error(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8)
    assert "magic" in err.message
    assert error_offset(err) == 0


def test_bad_version() -> None:
    err = assert_format_error(b"\x00asm\x02\x00\x00\x00")
    assert "version" in err.message
    assert error_offset(err) == 4


def test_component_is_rejected() -> None:
    err = assert_format_error(b"\x00asm\x0d\x00\x01\x00")
    assert "component" in err.message


@pytest.mark.parametrize("data", [b"", b"\x00as", b"\x00asm", b"\x00asm\x01\x00"])
def test_truncated_header(data: bytes) -> None:
    err = assert_format_error(data)
    assert "truncated" in err.message


def test_truncated_section() -> None:
    # The import section's size is right but the entry inside it claims a longer name.
    body = uleb(1) + uleb(3) + b"env" + uleb(50) + b"short"
    err = assert_format_error(module(section(2, body)))
    assert "unexpected end of import section" in err.message


def test_truncated_section_header() -> None:
    # The data ends in the middle of a section's size.
    err = assert_format_error(HEADER + b"\x02\x80\x80")
    assert "truncated LEB128" in err.message
    assert error_offset(err) == 11


def test_section_size_past_end() -> None:
    data = HEADER + b"\x0a" + uleb(100) + b"\x00" * 10
    err = assert_format_error(data)
    assert "past the end" in err.message
    assert error_offset(err) == 8


def test_last_section_cut_short() -> None:
    data = module(TYPE_SECTION, plain_imports())[:-1]
    err = assert_format_error(data)
    assert "import section" in err.message
    assert "past the end" in err.message
    assert error_offset(err) == len(HEADER) + len(TYPE_SECTION)


@pytest.mark.parametrize(
    "leb",
    [
        b"\x80\x80\x80\x80\x80\x00",  # six bytes for a u32
        b"\xff\xff\xff\xff\x1f",  # 33 bits
        b"\xff\xff\xff\xff\x7f",  # 35 bits
    ],
)
def test_leb128_overflow(leb: bytes) -> None:
    data = module(section(2, vec([imp("env", "f", b"\x00" + leb)])))
    err = assert_format_error(data)
    assert "LEB128" in err.message
    # The offset is where the number starts: header, section id + size, count, names, kind.
    assert error_offset(err) == len(HEADER) + 2 + 1 + 4 + 2 + 1


def test_leb128_overflow_in_section_size() -> None:
    err = assert_format_error(HEADER + b"\x01\xff\xff\xff\xff\x7f" + b"\x00" * 8)
    assert "does not fit in 32 bits" in err.message
    assert error_offset(err) == 9


def test_memory64_leb128_overflow() -> None:
    # Eleven bytes for a u64 minimum.
    desc = b"\x02\x04" + b"\x80" * 10 + b"\x00"
    err = assert_format_error(module(section(2, vec([imp("env", "memory", desc)]))))
    assert "LEB128" in err.message


@pytest.mark.parametrize(
    "data",
    [
        module(section(2, vec([name("env") + name(b"\xff\xfe") + func_desc()]))),
        module(section(2, vec([name(b"\xc3") + name("f") + func_desc()]))),
        module(section(7, vec([name(b"ok\xed\xa0\x80") + b"\x00\x00"]))),  # surrogate
        module(section(0, name(b"\xff\xff") + b"payload")),
    ],
    ids=["import-field", "import-module-cut", "export-surrogate", "custom-name"],
)
def test_bad_utf8_name(data: bytes) -> None:
    err = assert_format_error(data)
    assert "UTF-8" in err.message


def test_unknown_import_kind() -> None:
    err = assert_format_error(module(section(2, vec([imp("env", "x", b"\x07\x00")]))))
    assert "import kind 0x07" in err.message


def test_unknown_export_kind() -> None:
    err = assert_format_error(module(section(7, vec([exp("x", 9)]))))
    assert "export kind 0x09" in err.message


@pytest.mark.parametrize("flags", [0x10, 0x80])
def test_bad_memory_limit_flags(flags: int) -> None:
    err = assert_format_error(module(section(2, vec([imp("env", "m", memory_desc(flags, 1))]))))
    assert "limits flags" in err.message


def test_shared_table_is_rejected() -> None:
    desc = b"\x01" + bytes([FUNCREF]) + b"\x03" + uleb(1) + uleb(2)
    err = assert_format_error(module(section(2, vec([imp("env", "t", desc)]))))
    assert "table limits flags" in err.message


def test_bad_global_type_and_mutability() -> None:
    err = assert_format_error(module(section(2, vec([imp("env", "g", b"\x03\x01\x00")]))))
    assert "reference type" in err.message
    err = assert_format_error(module(section(2, vec([imp("env", "g", b"\x03\x7f\x02")]))))
    assert "mutability" in err.message


def test_trailing_bytes_in_import_section() -> None:
    body = vec([imp("env", "f", func_desc())]) + b"\x00\x00"
    err = assert_format_error(module(section(2, body)))
    assert "2 unexpected trailing bytes in import section" in err.message


def test_duplicate_import_section() -> None:
    err = assert_format_error(module(plain_imports(), plain_imports()))
    assert "second import section" in err.message


def test_custom_section_name_past_section_end() -> None:
    err = assert_format_error(module(section(0, uleb(20) + b"dylink.0")))
    assert "custom section name" in err.message


def test_dylink_subsection_past_section_end() -> None:
    payload = subsection(2, vec([name("libz.so")]))[:-2]
    err = assert_format_error(module(custom("dylink.0", payload)))
    assert "dylink.0 subsection 2" in err.message
    assert "past the end" in err.message


def test_dylink_subsection_with_trailing_bytes() -> None:
    payload = subsection(1, uleb(1) + uleb(2) + uleb(3) + uleb(4) + b"\x00")
    err = assert_format_error(module(custom("dylink.0", payload)))
    assert "trailing bytes in dylink.0 subsection 1" in err.message


def test_dylink_needed_count_too_large() -> None:
    payload = subsection(2, uleb(3) + name("libz.so"))
    err = assert_format_error(module(custom("dylink.0", payload)))
    assert "unexpected end of dylink.0 subsection 2" in err.message


def test_truncated_legacy_dylink() -> None:
    err = assert_format_error(module(custom("dylink", uleb(1) + uleb(2))))
    assert "'dylink' section" in err.message


def test_two_dylink_sections() -> None:
    err = assert_format_error(module(side_module_dylink(), custom("dylink", b"\x00" * 5)))
    assert "second dynamic-linking section" in err.message



# --- exported globals' constant values (__tls_size) ------------------------------------------


def test_exported_global_values_count_imported_globals_first() -> None:
    m = parse_module(tls_side_module(45080, init_tls=True))
    # index 1 is the first defined global: the imported __memory_base is index 0
    assert m.global_value("__tls_base") == 0
    assert m.global_value("__tls_size") == 45080
    assert m.global_value("__tls_align") == 4
    assert m.global_value("PyInit_x") is None  # a function, not a global
    assert m.global_value("__nothing") is None


def test_global_initializers_other_than_one_integer_constant_have_no_value() -> None:
    globals_ = section(6, vec([
        global_entry(0x7E, b"\x42" + sleb(-5)),  # i64.const -5
        global_entry(0x7F, b"\x23\x00"),  # global.get 0
        global_entry(0x7F, b"\x41" + sleb(8) + b"\x41" + sleb(8) + b"\x6a"),  # 8 + 8
        global_entry(0x7C, b"\x44" + bytes(8)),  # f64.const 0
        global_entry(0x70, b"\xd0\x70", mutable=True),  # ref.null func
        global_entry(0x7F, b"\x41" + sleb(-1)),
    ]))
    exports = section(7, vec([exp(f"g{i}", 0x03, i) for i in range(6)]))
    m = parse_module(module(TYPE_SECTION, globals_, exports))
    assert [m.global_value(f"g{i}") for i in range(6)] == [-5, None, None, None, None, -1]


def test_an_unknown_instruction_in_a_global_initializer_is_a_format_error() -> None:
    globals_ = section(6, vec([global_entry(0x7F, b"\x20\x00")]))  # local.get
    with pytest.raises(WasmFormatError, match="unexpected instruction 0x20 in a global"):
        parse_module(module(TYPE_SECTION, globals_))

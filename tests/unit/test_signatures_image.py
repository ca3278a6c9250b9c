"""Where check.signatures finds a side module's data: the function that copies the passive
segments (``memory.init``) is ``__wasm_init_memory``, which is the start function of a plain
module but is called by ``__wasm_start`` in a module that also applies global relocations
(protobuf's upb module): both are followed, by name or through the start function's calls."""

from __future__ import annotations

from wasixtasks.signatures import _init_memory, _Module

# function bodies: no locals, then code
CALL_1_CALL_2 = bytes([0, 0x10, 1, 0x10, 2, 0x0B])          # call 1; call 2; end
GLOBAL_RELOCS = bytes([0, 0x0B])                               # end
INIT_MEMORY = bytes([0, 0x41, 0, 0x41, 0, 0x41, 4, 0xFC, 0x08, 0, 0, 0x0B])  # memory.init 0


def test_the_start_function_is_the_init_function() -> None:
    m = _Module(start=0, bodies={0: INIT_MEMORY})
    assert _init_memory(m, "demo.so") == 0


def test_an_init_function_called_by_wasm_start() -> None:
    m = _Module(start=0, bodies={0: CALL_1_CALL_2, 1: GLOBAL_RELOCS, 2: INIT_MEMORY})
    assert _init_memory(m, "demo.so") == 2


def test_the_init_function_by_name() -> None:
    m = _Module(start=0, bodies={0: CALL_1_CALL_2, 1: GLOBAL_RELOCS, 2: INIT_MEMORY,
                                 3: INIT_MEMORY}, names={3: "__wasm_init_memory"})
    assert _init_memory(m, "demo.so") == 3


def test_no_passive_data() -> None:
    assert _init_memory(_Module(), "demo.so") is None
    assert _init_memory(_Module(start=0, bodies={0: GLOBAL_RELOCS}), "demo.so") is None

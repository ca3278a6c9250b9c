"""The byte-level reader under ``wasixtasks.wasm``: bounded LEB128 decoding and the two
sources it reads from (bytes in memory, or a file it seeks in, so skipped sections of a
multi-megabyte module are never loaded).

LEB128 numbers follow the spec: at most ``ceil(N / 7)`` bytes for an N-bit number and no
value bits beyond N. Padded (non-minimal) encodings within that length are valid and are
accepted; LLVM writes them in places it may patch later.
"""

from __future__ import annotations

import os
from typing import BinaryIO, Protocol

from .errors import WasmFormatError

#: Names of section ids, for error messages only.
SECTION_NAMES = {
    0: "custom",
    1: "type",
    2: "import",
    3: "function",
    4: "table",
    5: "memory",
    6: "global",
    7: "export",
    8: "start",
    9: "element",
    10: "code",
    11: "data",
    12: "data count",
    13: "tag",
}


class Reader:
    """Decodes values from ``buf``, a slice of the input that starts at offset ``base``.

    The reader never goes past ``buf``; running out raises ``WasmFormatError`` saying
    ``unexpected end of <what>``.
    """

    __slots__ = ("base", "buf", "origin", "pos", "what")

    def __init__(self, buf: bytes, *, base: int, origin: str, what: str) -> None:
        self.buf = buf
        self.base = base
        self.origin = origin
        self.what = what
        self.pos = 0

    @property
    def offset(self) -> int:
        """Absolute offset (in the whole input) of the next byte to read."""
        return self.base + self.pos

    @property
    def remaining(self) -> int:
        return len(self.buf) - self.pos

    def at_end(self) -> bool:
        return self.pos >= len(self.buf)

    def fail(self, message: str, offset: int | None = None) -> WasmFormatError:
        return format_error(self.origin, message, self.offset if offset is None else offset)

    def byte(self) -> int:
        if self.pos >= len(self.buf):
            raise self.fail(f"unexpected end of {self.what}")
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def raw(self, n: int) -> bytes:
        if n > len(self.buf) - self.pos:
            raise self.fail(
                f"unexpected end of {self.what} (need {n} bytes, {self.remaining} left)"
            )
        start = self.pos
        self.pos += n
        return self.buf[start : self.pos]

    def skip(self, n: int) -> None:
        self.raw(n)

    def uleb(self, bits: int) -> int:
        """An unsigned LEB128 number of at most ``bits`` bits."""
        start = self.offset
        max_bytes = (bits + 6) // 7
        last_bits = bits - 7 * (max_bytes - 1)  # value bits in the last allowed byte
        result = 0
        shift = 0
        for i in range(max_bytes):
            if self.pos >= len(self.buf):
                raise self.fail(f"truncated LEB128 number (unexpected end of {self.what})")
            b = self.buf[self.pos]
            self.pos += 1
            if i == max_bytes - 1:
                if b & 0x80:
                    raise self.fail(f"LEB128 number longer than {max_bytes} bytes", start)
                if b >> last_bits:
                    raise self.fail(f"LEB128 number does not fit in {bits} bits", start)
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
        raise AssertionError("unreachable")  # pragma: no cover

    def u32(self) -> int:
        return self.uleb(32)

    def u64(self) -> int:
        return self.uleb(64)

    def s33(self) -> int:
        """A signed LEB128 number of at most 33 bits (a heap type or type index)."""
        start = self.offset
        result = 0
        shift = 0
        for i in range(5):
            if self.pos >= len(self.buf):
                raise self.fail(f"truncated LEB128 number (unexpected end of {self.what})")
            b = self.buf[self.pos]
            self.pos += 1
            if i == 4:
                if b & 0x80:
                    raise self.fail("LEB128 number longer than 5 bytes", start)
                # Bit 4 is the sign bit of the 33-bit value; bits 5 and 6 must repeat it.
                if b & 0x70 not in (0x00, 0x70):
                    raise self.fail("LEB128 number does not fit in 33 bits", start)
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                if b & 0x40:
                    result -= 1 << shift
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    def name(self) -> str:
        start = self.offset
        n = self.u32()
        data = self.raw(n)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(
                f"name is not valid UTF-8 ({exc.reason} at name byte {exc.start})", start
            ) from None

    def expect_end(self) -> None:
        if self.pos != len(self.buf):
            raise self.fail(f"{self.remaining} unexpected trailing bytes in {self.what}")


def format_error(origin: str, message: str, offset: int) -> WasmFormatError:
    return WasmFormatError(f"{origin}: {message} at byte offset {offset} (0x{offset:x})")


class Source(Protocol):
    """Random access to the input, so skipped sections need not be read at all."""

    @property
    def size(self) -> int: ...

    def read(self, offset: int, length: int) -> bytes: ...


class BytesSource:
    def __init__(self, data: bytes) -> None:
        self._data = data

    @property
    def size(self) -> int:
        return len(self._data)

    def read(self, offset: int, length: int) -> bytes:
        return self._data[offset : offset + length]


class FileSource:
    def __init__(self, f: BinaryIO, origin: str) -> None:
        self._f = f
        self._origin = origin
        self._size = os.fstat(f.fileno()).st_size

    @property
    def size(self) -> int:
        return self._size

    def read(self, offset: int, length: int) -> bytes:
        self._f.seek(offset)
        data = self._f.read(length)
        if len(data) != length:
            # Only possible when the file shrinks while it is being read.
            raise format_error(self._origin, "file ended early while reading", offset + len(data))
        return data

"""pyzbar under Wasmer: libzbar (the side module bundled in the package, loaded by ctypes)
decodes bar codes drawn here into 8-bit grey images: EAN-13, Interleaved 2 of 5 and
Code 128, a symbol-type filter, and a blank image that holds none."""

import ctypes.util
import os

import pyzbar
from pyzbar import zbar_library
from pyzbar.pyzbar import ZBarSymbol, decode

print("pyzbar", pyzbar.__version__)
# the library this process loaded is the package's own copy (find_library finds none)
print("find_library('zbar'):", ctypes.util.find_library("zbar"))
bundled = os.path.join(os.path.dirname(zbar_library.__file__), zbar_library.BUNDLED)
assert os.path.isfile(bundled), bundled
libzbar, _deps = zbar_library.load()
assert libzbar._name == bundled, libzbar._name
# zbar 0.23's zbar_version() takes (major, minor, patch): pyzbar's wrapper declares the
# two-argument form of older zbars (unused by pyzbar itself; on wasm a call with the wrong
# parameter count would trap), so it is called with its real prototype here
version = libzbar.zbar_version
version.restype = ctypes.c_int
version.argtypes = [ctypes.POINTER(ctypes.c_uint)] * 3
major, minor, patch = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
assert version(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch)) == 0
print("libzbar", f"{major.value}.{minor.value}.{patch.value}", "from", libzbar._name)
assert (major.value, minor.value, patch.value) == (0, 23, 93)

MODULE = 3   # pixels per narrow element
HEIGHT = 50
QUIET = 12   # white modules on each side


def image(modules: list[int]) -> tuple[bytes, int, int]:
    """A grey image (black bars on white) of one row of modules, repeated HEIGHT times."""
    row = bytes(0 if m else 255 for m in modules for _ in range(MODULE))
    return row * HEIGHT, len(row), HEIGHT


def runs(pattern: str) -> list[int]:
    return [c == "1" for c in pattern]  # type: ignore[misc]


# EAN-13: left half in L or G codes (the first digit picks which), right half in R codes
L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011",
           "0110001", "0101111", "0111011", "0110111", "0001011"]
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
          "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]


def invert(code: str) -> str:
    return code.translate(str.maketrans("01", "10"))


def ean13(digits: str) -> list[int]:
    bits = "0" * QUIET + "101"
    for i, d in enumerate(digits[1:7]):
        code = L_CODES[int(d)]
        bits += code if PARITY[int(digits[0])][i] == "L" else invert(code)[::-1]
    bits += "01010"
    bits += "".join(invert(L_CODES[int(d)]) for d in digits[7:])
    return runs(bits + "101" + "0" * QUIET)


def ean_check_digit(first12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str(-total % 10)


# Interleaved 2 of 5: digit pairs, the first digit's pattern in the bars, the second's in
# the spaces (n = 1 module, w = 3)
I25 = ["nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn"]


def i25(digits: str) -> list[int]:
    out = [0] * QUIET + runs("1010")
    for a, b in zip(digits[::2], digits[1::2]):
        for bar, space in zip(I25[int(a)], I25[int(b)]):
            out += [1] * (3 if bar == "w" else 1) + [0] * (3 if space == "w" else 1)
    return out + [1, 1, 1, 0, 1] + [0] * QUIET


number = "400638133393"
number += ean_check_digit(number)
found = decode(image(ean13(number)))
print("EAN-13:", found)
assert len(found) == 1, found
symbol = found[0]
assert symbol.type == "EAN13" and symbol.data == number.encode(), symbol
assert symbol.rect.width > 0 and symbol.rect.height > 0 and len(symbol.polygon) >= 2

# ZBar needs I2/5 of at least 6 digits (its default minimum length)
found = decode(image(i25("12345670")), symbols=[ZBarSymbol.I25])
print("I2/5:", found)
assert [(s.type, s.data) for s in found] == [("I25", b"12345670")], found

# a symbol filter that excludes the code finds nothing, a blank image neither
assert decode(image(ean13(number)), symbols=[ZBarSymbol.QRCODE]) == []
assert decode((bytes([255]) * 200 * 40, 200, 40)) == []
# two codes side by side in one image, read in one scan
left, right = image(ean13(number)), image(i25("998877"))
width = left[1] + right[1]
both = b"".join(left[0][y * left[1]:(y + 1) * left[1]] + right[0][y * right[1]:(y + 1) * right[1]]
                for y in range(HEIGHT))
kinds = sorted((s.type, s.data) for s in decode((both, width, HEIGHT)))
print("two codes:", kinds)
assert kinds == [("EAN13", number.encode()), ("I25", b"998877")], kinds

# a malformed image is refused by pyzbar's checks before libzbar sees it
try:
    decode((b"\x00" * 10, 20, 20))
except Exception as exc:
    print("short pixel buffer refused:", type(exc).__name__, exc)
else:
    raise AssertionError("a 10-byte buffer for a 20x20 image was accepted")

print("pyzbar test OK")

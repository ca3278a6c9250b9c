"""qrcode under the WASIX CPython, without PIL: encode data, read the module matrix back
(finder patterns, size for the version) and draw it as text."""

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, MODE_NUMBER, optimal_data_chunks

print("qrcode from", qrcode.__file__)
qr = qrcode.QRCode(version=None, error_correction=ERROR_CORRECT_M, border=2)
qr.add_data("https://wasix.org/ WASIX QR test 0123456789")
qr.make(fit=True)
size = 17 + 4 * qr.version
matrix = qr.get_matrix()
assert len(matrix) == size + 2 * 2 and all(len(row) == len(matrix) for row in matrix)
assert qr.modules_count == size
finder = [[qr.modules[r][c] for c in range(7)] for r in range(7)]
assert finder[0] == [True] * 7 and finder[1] == [True] + [False] * 5 + [True]
assert finder[3] == [True, False, True, True, True, False, True]
dark = sum(map(sum, qr.modules))
print(f"version {qr.version}: {size}x{size} modules, {dark} dark")

modes = [chunk.mode for chunk in optimal_data_chunks(b"HELLO WORLD 12345678901234567890xyz")]
assert MODE_ALPHA_NUM in modes and MODE_NUMBER in modes and MODE_8BIT_BYTE in modes, modes
small = qrcode.QRCode(version=1, border=1)
small.add_data("WASIX")
small.make(fit=False)
out = io.StringIO()
small.print_ascii(out=out, tty=False)
text = out.getvalue().splitlines()
assert len(text) == (21 + 2) // 2 + 1 and "\u2588" in out.getvalue(), text
for row in small.get_matrix():
    print("".join("##" if dark else "  " for dark in row))
print("qrcode test OK")

"""idna under the WASIX CPython: IDNA 2008 encoding and decoding, UTS 46 mapping."""

import idna

print("idna", idna.__version__ if hasattr(idna, "__version__") else "", "from", idna.__file__)
assert idna.encode("ドメイン.テスト") == b"xn--eckwd4c7c.xn--zckzah"
assert idna.decode(b"xn--eckwd4c7c.xn--zckzah") == "ドメイン.テスト"
assert idna.encode("Königsgäßchen.example", uts46=True) == b"xn--knigsgchen-b4a3dun.example"
assert "faß.de".encode("idna") == b"fass.de"  # the stdlib's IDNA 2003 codec maps ß
assert idna.encode("faß.de") == b"xn--fa-hia.de"  # IDNA 2008 keeps it
print("encoded and decoded: ドメイン.テスト, Königsgäßchen, faß.de")
try:
    idna.encode("a..b")
except idna.IDNAError as exc:
    print("expected error:", exc)
else:
    raise AssertionError("an empty label was accepted")
print("idna test OK")

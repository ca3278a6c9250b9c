"""pycryptodomex under the WASIX CPython: hashes, AES-GCM, ChaCha20-Poly1305 and RSA through its C
modules (plain wasm side modules that Crypto.Util._raw_api dlopens with ctypes or cffi)."""

import Cryptodome
from Cryptodome.Cipher import AES, ChaCha20_Poly1305
from Cryptodome.Hash import SHA3_256, SHA256, SHAKE128
from Cryptodome.PublicKey import RSA
from Cryptodome.Random import get_random_bytes
from Cryptodome.Signature import pss
from Cryptodome.Util import _raw_api

import importlib.util

# the modules are found as extension modules (the .abi3.so suffix) and dlopened
raw_aes = importlib.util.find_spec("Cryptodome.Cipher._raw_aes")
assert raw_aes is not None and raw_aes.origin.endswith(".so"), raw_aes
assert _raw_api.backend in ("ctypes", "cffi"), _raw_api.backend
print("Cryptodome", Cryptodome.__version__, "raw modules through", _raw_api.backend, "e.g.", raw_aes.origin)

# hash vectors (FIPS 180-2 "abc", FIPS 202)
assert SHA256.new(b"abc").hexdigest() == \
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
h = SHA256.new()
for _ in range(1000):
    h.update(b"a" * 1000)
assert h.hexdigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
assert SHA3_256.new(b"abc").hexdigest() == \
    "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
assert SHA3_256.new(b"").hexdigest() == \
    "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
assert SHAKE128.new(b"").read(16).hex() == "7f9c2ba4e88f827d616045507605853e"
print("SHA-256 (incl. one million 'a'), SHA3-256, SHAKE128 vectors: OK")

# AES-GCM: the NIST test case 2 vector, then a random round trip and a tampered message
gcm = AES.new(bytes(16), AES.MODE_GCM, nonce=bytes(12))
ct, tag = gcm.encrypt_and_digest(bytes(16))
assert ct.hex() == "0388dace60b6a392f328c2b971b2fe78", ct.hex()
assert tag.hex() == "ab6e47d42cec13bdf53a67b21257bddf", tag.hex()
key, nonce = get_random_bytes(32), get_random_bytes(12)
message = b"attack at dawn, " * 40
enc = AES.new(key, AES.MODE_GCM, nonce=nonce)
enc.update(b"header")
ct, tag = enc.encrypt_and_digest(message)
dec = AES.new(key, AES.MODE_GCM, nonce=nonce)
dec.update(b"header")
assert dec.decrypt_and_verify(ct, tag) == message
tampered = bytearray(ct)
tampered[100] ^= 1
try:
    dec = AES.new(key, AES.MODE_GCM, nonce=nonce)
    dec.update(b"header")
    dec.decrypt_and_verify(bytes(tampered), tag)
except ValueError as exc:
    print("AES-256-GCM: NIST vector, round trip; tampered ciphertext refused:", exc)
else:
    raise AssertionError("a tampered GCM ciphertext was accepted")
# other modes through their own C modules
cbc = AES.new(key, AES.MODE_CBC, iv=bytes(16))
assert AES.new(key, AES.MODE_CBC, iv=bytes(16)).decrypt(cbc.encrypt(bytes(64))) == bytes(64)
ctr = AES.new(key, AES.MODE_CTR, nonce=b"12345678").encrypt(b"x" * 33)
assert AES.new(key, AES.MODE_CTR, nonce=b"12345678").decrypt(ctr) == b"x" * 33

# ChaCha20-Poly1305: RFC 8439 section 2.8.2, then a tampered tag
key = bytes(range(0x80, 0xa0))
nonce = bytes.fromhex("070000004041424344454647")
aad = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
plain = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
         b"for the future, sunscreen would be it.")
cc = ChaCha20_Poly1305.new(key=key, nonce=nonce)
cc.update(aad)
ct, tag = cc.encrypt_and_digest(plain)
assert ct[:16].hex() == "d31a8d34648e60db7b86afbc53ef7ec2", ct[:16].hex()
assert tag.hex() == "1ae10b594f09e26a7e902ecbd0600691", tag.hex()
cc = ChaCha20_Poly1305.new(key=key, nonce=nonce)
cc.update(aad)
assert cc.decrypt_and_verify(ct, tag) == plain
try:
    cc = ChaCha20_Poly1305.new(key=key, nonce=nonce)
    cc.update(aad)
    cc.decrypt_and_verify(ct, bytes(16))
except ValueError:
    print("ChaCha20-Poly1305: RFC 8439 vector, round trip; wrong tag refused")
else:
    raise AssertionError("a wrong Poly1305 tag was accepted")

# RSA: 1024-bit key generation (Miller-Rabin over the C modexp), PSS sign/verify, export
rsa = RSA.generate(1024)
assert rsa.size_in_bits() == 1024 and rsa.has_private()
digest = SHA256.new(b"signed under wasmer")
signature = pss.new(rsa).sign(digest)
pss.new(rsa.public_key()).verify(digest, signature)
try:
    pss.new(rsa.public_key()).verify(SHA256.new(b"something else"), signature)
except ValueError:
    pass
else:
    raise AssertionError("an RSA signature verified for the wrong message")
again = RSA.import_key(rsa.export_key("PEM"))
assert again.n == rsa.n and again.d == rsa.d
print("RSA-1024: keygen, PSS sign/verify, wrong message refused, PEM round trip")
print("pycryptodomex test OK")

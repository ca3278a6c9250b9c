"""cryptography under the WASIX CPython: its Rust module (X.509, ASN.1, hashes through
OpenSSL) and the cffi module inside it: an Ed25519 and an RSA key, a signed and verified
message, AES-GCM, a self-signed certificate parsed back, and a wrong signature refused."""

import datetime

from cryptography import __version__, x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.bindings._rust import openssl as rust_openssl
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

ed = ed25519.Ed25519PrivateKey.generate()
sig = ed.sign(b"wasix")
ed.public_key().verify(sig, b"wasix")
try:
    ed.public_key().verify(sig, b"other")
except InvalidSignature:
    pass
else:
    raise AssertionError("a wrong signature was accepted")

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
key.public_key().verify(key.sign(b"data", pss, hashes.SHA256()), b"data", pss, hashes.SHA256())

aes = AESGCM(AESGCM.generate_key(bit_length=256))
nonce = b"\0" * 12
assert aes.decrypt(nonce, aes.encrypt(nonce, b"secret", b"ad"), b"ad") == b"secret"

name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wasix.test")])
now = datetime.datetime(2026, 12, 3, tzinfo=datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(7).not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
back = x509.load_pem_x509_certificate(cert.public_bytes(serialization.Encoding.PEM))
assert back.subject == name and back.serial_number == 7, back
digest = hashes.Hash(hashes.SHA256())
digest.update(b"abc")
assert digest.finalize().hex().startswith("ba7816bf")
print("cryptography", __version__, "on", rust_openssl.openssl_version_text())
print("cryptography test OK")

"""pyopenssl under the WASIX CPython, on our cryptography wheel: a key pair, a
self-signed certificate, and its PEM round trip."""

from OpenSSL import crypto

key = crypto.PKey()
key.generate_key(crypto.TYPE_RSA, 2048)
cert = crypto.X509()
cert.get_subject().CN = "wasix"
cert.set_serial_number(1)
cert.gmtime_adj_notBefore(0)
cert.gmtime_adj_notAfter(3600)
cert.set_issuer(cert.get_subject())
cert.set_pubkey(key)
cert.sign(key, "sha256")
pem = crypto.dump_certificate(crypto.FILETYPE_PEM, cert)
again = crypto.load_certificate(crypto.FILETYPE_PEM, pem)
assert again.get_subject().CN == "wasix"
print("pyopenssl: self-signed certificate,", len(pem), "bytes of PEM")
print("pyopenssl test OK")

"""qrcode (the seed's python-qrcode): QR code generator; pure Python (poetry-core).

PIL and pypng are optional image back ends; the test builds the module matrix and draws it
as text without either.
"""

from wasixtasks.recipe import Sdist, Test, pure_wheel

pure_wheel(
    "qrcode",
    version="8.2",
    source=Sdist("qrcode", sha256="35c3f2a4172b33136ab9f6b3ef1c00260dd2f66f858f24d88418a015f446506c"),
    test=Test("tests/qrcode.py", expect="qrcode test OK"),
)

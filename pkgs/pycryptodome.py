"""pycryptodome: cryptographic primitives (the ``Crypto`` package); setuptools with about
fifty small C modules built against the limited API (abi3). They are plain C libraries with a
dummy PyInit: Crypto.Util._raw_api dlopens them through cffi when it is installed, else
through ctypes (built into the WASIX CPython, over libffi)."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.23.0",
    source=Sdist("pycryptodome",
                 sha256="447700a657182d60338bab09fdb27518f8856aecd80ae4c6bdddb67ff5da44ef"),
    native=True,
    test=Test("tests/pycryptodome.py", expect="pycryptodome test OK"),
)
def pycryptodome(b: WheelBuild) -> None:
    # setup.py probes the compiler by building small programs (compiler_opt.py): with the
    # WASIX compiler there is no cpuid.h or intrin.h, and -msse2/-maes/-mpclmul are refused
    # for wasm32, so the AES-NI and CLMUL modules are dropped and the portable C is used.
    # Every module is py_limited_api and bdist_wheel asks for cp37-abi3: the pipeline keeps
    # the abi3 ABI tag but writes the target's interpreter tag (cp313-abi3-wasix_wasm32),
    # since only this CPython has been shown to load these modules
    b.setuptools()

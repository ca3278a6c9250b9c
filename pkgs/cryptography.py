"""cryptography: pyca's cryptographic recipes, a Rust extension (pyo3, maturin, the stable
ABI) over OpenSSL, with a cffi-generated module compiled into it; what pyopenssl needs.

Source: Debian's python-cryptography 43.0.0-3+deb13u1, the orig with Debian's patches (their
series applied as dpkg-source does): they move it to the asn1 0.20 and pyo3 0.22 crates Debian
packages (the PyPI sdist wants asn1 0.16, which no Debian suite has) and carry a security fix
(CVE-2026-26007). The catalog's 45.0.4 (prebuilt in the seed) needs pyo3 0.25 and asn1 0.21,
which Debian does not package either. Our patches: 0001 the lock resolved against the crates
below (35 of trixie's crate packages), 0002 the runtime dependency on cffi that Debian's
packaging drops (its separate cffi-backend package has no metadata; pip needs it).

OpenSSL is our library, linked statically into the module (``OPENSSL_STATIC``); the side
module is linked with ``-Bsymbolic`` so its OpenSSL is not bound to the interpreter's copy.
The build script runs ``_cffi_src/build_openssl.py`` with the cross environment's Python over
a build-machine cffi (``PYO3_PYTHON``), which also answers the question for Python's include
folders with the target CPython's.
"""

from wasixtasks.recipe import Debian, Test, wheel
from wasixtasks.stages import WheelBuild, rust

#: Debian trixie's crate packages: package, version, arch, sha256 of the .deb, crate folder
CRATES = """
librust-asn1-derive-dev              0.20.0-1    amd64 11f3c56bb2cfad1b747399d12eb5d6aec5aa8239ddc51a4a45a87f8a116c3f6c asn1_derive-0.20.0
librust-asn1-dev                     0.20.0-1    amd64 bc8baacd4ab593b6fcb75b61c013af0d8c5449bdc8e0620776b1acbd80bba464 asn1-0.20.0
librust-autocfg-dev                  1.1.0-1+b2  amd64 4030a14590a15e9b89282510ba79172625e925fc40021aac94fa6e1292ed6deb autocfg-1.1.0
librust-base64-dev                   0.22.1-1    amd64 daf0379fbad693e7b7663293baeab6ea98a9ce62830e7c780c59c096451f2c2d base64-0.22.1
librust-bitflags-dev                 2.8.0-1     amd64 17e80c4df904141bab83edfff2150b853f35f921236ca428722305683d72d971 bitflags-2.8.0
librust-cc-dev                       1.2.19-1    amd64 4f03624faad1e0a87a7ad138d7d9127ec312fab4fe39563fef48c377424a7405 cc-1.2.19
librust-cfg-if-dev                   1.0.0-1+b2  amd64 11e7fb67741e2edd0e72df2b279e90f3260bb20f0ed1def2ad4bbcf59d2d5cd9 cfg-if-1.0.0
librust-foreign-types-0.3-dev        0.3.2-2     amd64 fc7d4cd2f747e918a45aa19b7dd99714c3eb3d90f7a61853cfde94677938b5fa foreign-types-0.3.2
librust-foreign-types-shared-0.1-dev 0.1.1-2     amd64 56171c8f23fb5c3209198b2c6d1405d647cb7297bf298befec64566758d456ce foreign-types-shared-0.1.1
librust-heck-dev                     0.4.1-1+b2  amd64 612bbb9eaf0b1b7de51b3accfdca2922c1834ff06e2746bea7dd3b13faba488c heck-0.4.1
librust-indoc-dev                    2.0.5-1     amd64 e0ff17d8510d933730f284968137a35b295fae6171a2106ecee6448aa2833bf9 indoc-2.0.5
librust-itoa-dev                     1.0.14-1    amd64 a4163899be891473d6cb38f0c141242f5dee93c050f31be42fab6ad225c176c8 itoa-1.0.14
librust-libc-dev                     0.2.169-1   amd64 00769b8df5eba68c45a86523b679dccbd9046123b551288133a72220f831f4d0 libc-0.2.169
librust-memoffset-dev                0.8.0-1     amd64 b56f6118831d3992b0b0d92623ddc3b7e42f953aedb7c026f03149da020ff7b4 memoffset-0.8.0
librust-once-cell-dev                1.20.2-1    amd64 18d883a4c6a0e523cb01290d1662a3b04b52d59b6e43b9799b3c20be8b4f6985 once_cell-1.20.2
librust-openssl-dev                  0.10.72-1   amd64 e678133f91a24bc1eb0911b34b19f51c2ee76292c2c6e8727f61c331c7b38842 openssl-0.10.72
librust-openssl-macros-dev           0.1.1-1     amd64 59f9d3b3589a5fb355984e8b950c1b97ea92b630fee7096aac7a8744b101779d openssl-macros-0.1.1
librust-openssl-sys-dev              0.9.107-1   amd64 99d495baa7e452544b451dce0db68aa6d069a6d467d86e66346035924631bc5a openssl-sys-0.9.107
librust-pem-dev                      3.0.4-1     amd64 524fd373da2834a82a07de4f4f2825616d233e2a1c7c1c696850c718e133758f pem-3.0.4
librust-pkg-config-dev               0.3.31-1    amd64 6b0b3cd7aa81951365f2e340744ed2f0d0a26971b8fedcaebbe0bcc6d4944a71 pkg-config-0.3.31
librust-portable-atomic-dev          1.10.0-3    amd64 f5b2d90ddb83f9e79434495ca9d4b866d31f838571b69e6f83bd1f709ea086af portable-atomic-1.10.0
librust-proc-macro2-dev              1.0.92-1+b1 amd64 c7c7dd7cdc8f16934fbcfd4d9f4de7d65aa457cdcc0e7fe59ecc8a56c665b502 proc-macro2-1.0.92
librust-pyo3-build-config-dev        0.22.6-1    amd64 a03f8fc39da881c76a56be17d28f2b3ad3cba33b9f5398876e3f39c7890c3902 pyo3-build-config-0.22.6
librust-pyo3-dev                     0.22.6-3    amd64 b761de4104be622bb1617d9e2ef54f8db52eb86995ec33a30f7607e43d40878a pyo3-0.22.6
librust-pyo3-ffi-dev                 0.22.6-2    amd64 9988e3c7d2503c05c6130473bd1ef2944dc9625401b25146f17fb273358ee060 pyo3-ffi-0.22.6
librust-pyo3-macros-backend-dev      0.22.6-1    amd64 0597b2d4de7bd2d8e218064f80cadc23f36fa094cb4394e14ec214177060d01f pyo3-macros-backend-0.22.6
librust-pyo3-macros-dev              0.22.6-1    amd64 5ea06a88229f4527c79464e4e7fcaf1e6aa46bb208ce1a01bccb024a8c9a2923 pyo3-macros-0.22.6
librust-quote-dev                    1.0.40-1    amd64 ce439fa5fb54fdd2d1f614737b1de55d159de5b8b8878c17aa86d90e881d4f1f quote-1.0.40
librust-self-cell-dev                1.1.0-1     amd64 b4828ca0c5d66c9e9a4b84480d95fc2e46d7558fd57f3438c2d3f60cce21cf36 self_cell-1.1.0
librust-shlex-dev                    1.3.0-1     amd64 757dcf41be3b0b798a73241c96eae34a709b6b110228d3542ce70db88ed1638c shlex-1.3.0
librust-syn-dev                      2.0.98-1    amd64 ef704aecf33a713f92dfef724fc10d747649ae6e7a90c31afe54aa2a1a3db71e syn-2.0.98
librust-target-lexicon-dev           0.12.14-1   amd64 d2e32e3debcfb0366d892f2c1612862f3bf288b102611f69dbade082a2fc8402 target-lexicon-0.12.14
librust-unicode-ident-dev            1.0.13-1    amd64 afb26e7dfc91de355a433683493f361a2a415a3ca5831efa2fea35d42c0c1e43 unicode-ident-1.0.13
librust-unindent-dev                 0.2.3-1     amd64 59acce562bcfd8c5e07f37b0174c6c558606f75a374be7c3b803541bcf467817 unindent-0.2.3
librust-vcpkg-dev                    0.2.8-1+b2  amd64 56d5a42de3d6bc471f668cda3cde35b29207bb052778297809e23f5f18ca0775 vcpkg-0.2.8
"""


@wheel(
    version="43.0.0",
    source=Debian("python-cryptography", "43.0.0-3+deb13u1", suites=("trixie",),
                  sha256="b88075ada2d51aa9f18283532c9f60e72170041bba88d7f37e49cbb10275299e",
                  debian_sha256="d87dee5c6d424f6d21ef1692f8b18fd1237134ba4af8216f0e72787b43b55d1e"),
    catalog_version="45.0.4",
    version_note="45.0.4 (prebuilt in the seed) needs pyo3 0.25 and asn1 0.21, in no Debian "
                 "suite; Debian's 43.0.0 (with its patches) builds on the crates Debian has",
    libs=("rust-std", "openssl"),
    native=True,
    resources=rust.debian_crates(CRATES),
    host_tools=("rustc", "cargo", "patch"),
    test=Test("tests/cryptography.py", expect="cryptography test OK"),
)
def cryptography(b: WheelBuild) -> None:
    openssl = b.sysroot / b.prefix.lstrip("/")
    rust.maturin(b, abi3=True,
                 host_requirements=("cffi==1.17.1", "pycparser==2.22", "setuptools==80.9.0"),
                 env={"OPENSSL_DIR": str(openssl), "OPENSSL_STATIC": "1",
                      "OPENSSL_LIB_DIR": str(b.sysroot / b.libdir.lstrip("/")),
                      "OPENSSL_INCLUDE_DIR": str(b.sysroot / b.includedir.lstrip("/")),
                      "PYO3_PYTHON": "python"})

"""pydantic-core: pydantic's validation core, a Rust extension (pyo3, built by maturin) and
the first Rust package the project builds (README: "Rust packages").

Version: 2.27.2, the core of pydantic 2.10.6, not the 2.33.2 the catalog's pydantic 2.11.7
needs: that one needs pyo3 0.24 and jiter 0.9, which no Debian suite packages (trixie has
pyo3 0.22, forky 0.28), and cargo runs offline here on Debian's crates. The sdist's
Cargo.lock names versions of the public crate registry that Debian does not have; our patch
0001 replaces it by the lock resolved against the crates below (75 crates). Patch 0002 is for the radium crate: its
glob import of ``core::sync::atomic::*`` clashes with the ``Atomic`` newer Rust adds there.
"""

from wasixtasks.recipe import Debian, Sdist, Test, wheel
from wasixtasks.stages import WheelBuild, rust

#: Debian trixie's crate packages: package, version, arch, sha256 of the .deb, crate folder
CRATES = """
librust-ahash-dev                 0.8.11-9    all   43ea647ddd38e1e8687f5cdd8f872a7e83104f82e3fdce944e9f112483fc88e4 ahash-0.8.11
librust-aho-corasick-dev          1.1.3-1     amd64 d1277c6e5f8b8266ec85163b0fcc0314e23a2f41e61acef9e1a5ddf228bdad44 aho-corasick-1.1.3
librust-autocfg-dev               1.1.0-1+b2  amd64 4030a14590a15e9b89282510ba79172625e925fc40021aac94fa6e1292ed6deb autocfg-1.1.0
librust-base64-dev                0.22.1-1    amd64 daf0379fbad693e7b7663293baeab6ea98a9ce62830e7c780c59c096451f2c2d base64-0.22.1
librust-bitvec-dev                1.0.1-1+b3  amd64 a83b8d6d4b471b3c776beaf79845878a5cebddad22129c6e36de6a6914157ab4 bitvec-1.0.1
librust-cc-dev                    1.2.19-1    amd64 4f03624faad1e0a87a7ad138d7d9127ec312fab4fe39563fef48c377424a7405 cc-1.2.19
librust-cfg-if-dev                1.0.0-1+b2  amd64 11e7fb67741e2edd0e72df2b279e90f3260bb20f0ed1def2ad4bbcf59d2d5cd9 cfg-if-1.0.0
librust-enum-dispatch-dev         0.3.13-1    amd64 0bfaab049e50f22688afa8eafec28f69f150aa47256ccdb83e3e55cbbf8d537c enum_dispatch-0.3.13
librust-equivalent-dev            1.0.1-1+b2  amd64 2518f6e6cf05d4c42bc34e3546bc67427f9eb5579b12a16c2f82f03ca0af460d equivalent-1.0.1
librust-form-urlencoded-dev       1.2.1-1+b2  amd64 4d2596b1abb46614cad05d4479fa3462182b98b5ecafa792bff4ac59b313e934 form_urlencoded-1.2.1
librust-funty-dev                 2.0.0-1+b2  amd64 cd4ebca02505a5eb2c9ac5bf0bbe79e93a83f6c983cce6f3848fcdbeeeee9395 funty-2.0.0
librust-hashbrown-dev             0.14.5-5    amd64 8922ff046303a15a7ffa88f94606885f05ec61c147b20a37c9cf88fbeb6555b2 hashbrown-0.14.5
librust-heck-dev                  0.4.1-1+b2  amd64 612bbb9eaf0b1b7de51b3accfdca2922c1834ff06e2746bea7dd3b13faba488c heck-0.4.1
librust-hex-dev                   0.4.3-2     amd64 01b68aedaa70eb26f1fda56d425b9a93ae224f8b3a6f0fb2c49d5ace9751515d hex-0.4.3
librust-idna-adapter-dev          1.1.0-1+b2  amd64 fdcbdd8b38f111cafd7733b372a9069bce7a788f88f7da19dd30af918e538613 idna_adapter-1.1.0
librust-idna-dev                  1.0.3-2     amd64 56d917fae30cc8f8f4256c19c0cc25e4d0b8500ba16e02292b5c2465955584a2 idna-1.0.3
librust-idna-mapping-dev          1.0.0-1+b1  amd64 dfe000c09d891b3a09a5f59d5c07a4cb0513d34f9299ddf2ee81a858efca9061 idna_mapping-1.0.0
librust-indexmap-dev              2.7.0-1     amd64 388ef032779b551af5353a80068c61a87372c06cfdd3d7b197bd4c61bfec4a09 indexmap-2.7.0
librust-indoc-dev                 2.0.5-1     amd64 e0ff17d8510d933730f284968137a35b295fae6171a2106ecee6448aa2833bf9 indoc-2.0.5
librust-itoa-dev                  1.0.14-1    amd64 a4163899be891473d6cb38f0c141242f5dee93c050f31be42fab6ad225c176c8 itoa-1.0.14
librust-jiter-dev                 0.7.1-1     amd64 526aff57c4b5a5163505c33831fc54754397f037f627348a6659f853dc908ec9 jiter-0.7.1
librust-lexical-parse-float-dev   0.8.5-1+b3  amd64 5e5a27a207874d4f004b7bf7849ad43cffba8b09875bab421d4c2cd2735c22ab lexical-parse-float-0.8.5
librust-lexical-parse-integer-dev 0.8.6-1+b3  amd64 5466049ae7103d5664a3bbfac7499ab6a6f380397ec665cb527f1e7d8c402ffa lexical-parse-integer-0.8.6
librust-lexical-util-dev          0.8.5-1+b3  amd64 2571d21cfd451038172a2e91b30613cc8e34ea9dbd18a5e34520de5c9e1025b0 lexical-util-0.8.5
librust-libc-dev                  0.2.169-1   amd64 00769b8df5eba68c45a86523b679dccbd9046123b551288133a72220f831f4d0 libc-0.2.169
librust-memchr-dev                2.7.4-1     amd64 ac11a7479b256ec5a396c9efe8c8d1c7273b880b68e72b8ddd73618741f1a7fd memchr-2.7.4
librust-memoffset-dev             0.8.0-1     amd64 b56f6118831d3992b0b0d92623ddc3b7e42f953aedb7c026f03149da020ff7b4 memoffset-0.8.0
librust-num-bigint-dev            0.4.6-1     amd64 5d841e0004767dcd03dd288b69aa053ff42c549fa0e38f2bfd15293b5e8f0a49 num-bigint-0.4.6
librust-num-integer-dev           0.1.46-1+b2 amd64 706f9165b0c472e68ae6361eb9e8f20d76580115181ecf637d632b138a4c3924 num-integer-0.1.46
librust-num-traits-dev            0.2.19-2    amd64 e591ccaf03084b900a277924e145606e289fcb2c2dffd69fc9c414d0c89cde0c num-traits-0.2.19
librust-once-cell-dev             1.20.2-1    amd64 18d883a4c6a0e523cb01290d1662a3b04b52d59b6e43b9799b3c20be8b4f6985 once_cell-1.20.2
librust-percent-encoding-dev      2.3.1-1     amd64 e81cf7a0ad8feb74a4eebca803143e594a84f7b36100f1bf244e8ebfdc8227c0 percent-encoding-2.3.1
librust-portable-atomic-dev       1.10.0-3    amd64 f5b2d90ddb83f9e79434495ca9d4b866d31f838571b69e6f83bd1f709ea086af portable-atomic-1.10.0
librust-proc-macro2-dev           1.0.92-1+b1 amd64 c7c7dd7cdc8f16934fbcfd4d9f4de7d65aa457cdcc0e7fe59ecc8a56c665b502 proc-macro2-1.0.92
librust-pyo3-build-config-dev     0.22.6-1    amd64 a03f8fc39da881c76a56be17d28f2b3ad3cba33b9f5398876e3f39c7890c3902 pyo3-build-config-0.22.6
librust-pyo3-dev                  0.22.6-3    amd64 b761de4104be622bb1617d9e2ef54f8db52eb86995ec33a30f7607e43d40878a pyo3-0.22.6
librust-pyo3-ffi-dev              0.22.6-2    amd64 9988e3c7d2503c05c6130473bd1ef2944dc9625401b25146f17fb273358ee060 pyo3-ffi-0.22.6
librust-pyo3-macros-backend-dev   0.22.6-1    amd64 0597b2d4de7bd2d8e218064f80cadc23f36fa094cb4394e14ec214177060d01f pyo3-macros-backend-0.22.6
librust-pyo3-macros-dev           0.22.6-1    amd64 5ea06a88229f4527c79464e4e7fcaf1e6aa46bb208ce1a01bccb024a8c9a2923 pyo3-macros-0.22.6
librust-python3-dll-a-dev         0.2.10-1    amd64 16c8638914e43f6a9348e2d5a4c900660c8185fb45464578de1fd9c831db1778 python3-dll-a-0.2.10
librust-quote-dev                 1.0.40-1    amd64 ce439fa5fb54fdd2d1f614737b1de55d159de5b8b8878c17aa86d90e881d4f1f quote-1.0.40
librust-radium-dev                1.1.0-1     amd64 2ae2da8f42dd89642006eae8b79ed3c70be5e82511854d5a8f54678898cfd8c4 radium-1.1.0
librust-regex-automata-dev        0.4.9-2     amd64 e5a344ed160b27d92337b0dd300a33cd66b000fac1264f93d96ababa7091f459 regex-automata-0.4.9
librust-regex-dev                 1.11.1-2    amd64 628a25f7400d081681b712ac1a6522d1ff0de1f0f615c9c33a24eec5782b0066 regex-1.11.1
librust-regex-syntax-dev          0.8.5-1     amd64 0454062c459cc9213350095cbf29aa2e12f06c5f0f09e699df5fd8ca28073b8f regex-syntax-0.8.5
librust-rustversion-dev           1.0.14-1+b2 amd64 f261337bf8f86c0f591b5b2c653f8a9ae7fb629ee4d0f31162db71a9d1332e6f rustversion-1.0.14
librust-ryu-dev                   1.0.19-1    amd64 1343d2ded49c0d214ca3899b3f17963e07407ceb8579f79481600e317b8f4f16 ryu-1.0.19
librust-serde-derive-dev          1.0.217-1   amd64 b28c7026d65f8349e1995b5eb1b1f1073a4067b7e6a3c1b1d428944126af7293 serde_derive-1.0.217
librust-serde-dev                 1.0.217-1   amd64 e33cf5268a0c0709f12a9a25787fa44a927b1b8558f02c903048c7233cae39dd serde-1.0.217
librust-serde-json-dev            1.0.139-1   amd64 57a10142537b4f1ec783c3a79f52182b37f77e3d77b65437da4ddce096e1e104 serde_json-1.0.139
librust-shlex-dev                 1.3.0-1     amd64 757dcf41be3b0b798a73241c96eae34a709b6b110228d3542ce70db88ed1638c shlex-1.3.0
librust-smallvec-dev              1.13.2-1    amd64 75764c3f222a54c1e93aa1840dae5738b7409b1b2a14683c24c1519126b5d771 smallvec-1.13.2
librust-speedate-dev              0.15.0-1    amd64 870eda9af2e5960fcf385d0ca15388e0c0e09b4c015d9bc44dfb62a75472548c speedate-0.15.0
librust-static-assertions-dev     1.1.0-1+b2  amd64 db2f821d72bae5b3b6f1917043e24d1d38cdcc917e8f3d2aa8fd41c16647d279 static_assertions-1.1.0
librust-strum-dev                 0.26.3-2    amd64 801c6d857576b941bddebb605567987cdf8680c446d777228de731b8005298dc strum-0.26.3
librust-strum-macros-dev          0.26.4-1    amd64 69f0ca92ab0d040094578551931960e2fd48ff38e4f18d7bc42ba3af17f34260 strum_macros-0.26.4
librust-syn-dev                   2.0.98-1    amd64 ef704aecf33a713f92dfef724fc10d747649ae6e7a90c31afe54aa2a1a3db71e syn-2.0.98
librust-tap-dev                   1.0.1-1+b2  amd64 98515243c694a222343b06158e8d9f9669fb47dab68a6c553706bf8e4b24cfea tap-1.0.1
librust-target-lexicon-dev        0.12.14-1   amd64 d2e32e3debcfb0366d892f2c1612862f3bf288b102611f69dbade082a2fc8402 target-lexicon-0.12.14
librust-tinyvec-dev               1.6.0-2+b2  amd64 52fd76e6675b2d3c7792d96a750c491359310dbdb78a6e9f2de910dcf55c8f8f tinyvec-1.6.0
librust-tinyvec-macros-dev        0.1.0-1+b2  amd64 94833676279ae7be9b0e516af17af24f6dd95f66fc201d3d8d585fb67701c62f tinyvec_macros-0.1.0
librust-unicode-bidi-dev          0.3.17-1    amd64 1c90134cfdc915c194e14de7f58d6cfd0b4cc8049d36cd4cabf2b3bd7fd96e4a unicode-bidi-0.3.17
librust-unicode-ident-dev         1.0.13-1    amd64 afb26e7dfc91de355a433683493f361a2a415a3ca5831efa2fea35d42c0c1e43 unicode-ident-1.0.13
librust-unicode-joining-type-dev  1.0.0-1+b1  amd64 ace746dbe24ac72583f487d86f41965fc46abe6d88b6e149fbebd85dce85aba9 unicode-joining-type-1.0.0
librust-unicode-normalization-dev 0.1.24-1    amd64 183b1525da1d87759af26645f1e526208a3f09c6b8102b63fbdb34d66bd3fca0 unicode-normalization-0.1.24
librust-unindent-dev              0.2.3-1     amd64 59acce562bcfd8c5e07f37b0174c6c558606f75a374be7c3b803541bcf467817 unindent-0.2.3
librust-url-dev                   2.5.4-3     amd64 212dd246f356c171478004bf03fed286c1ce60805fcd717251b0f522870c2901 url-2.5.4
librust-utf8-iter-dev             1.0.4-1+b1  amd64 04a3732a6800061eb31ae4e89e8e58019d9752674b3ca3c351f4beb921739e4a utf8_iter-1.0.4
librust-version-check-dev         0.9.5-1     amd64 65d5ad9df1f2a4abb9b65de460c397383904626b7e869ebec6cc4f43cbfc0878 version_check-0.9.5
librust-wyz-dev                   0.5.1-1+b2  amd64 46a5481f518df51495b2b33b1536c0eb10b3f534ca7cea3f3527cfde82e4554e wyz-0.5.1
librust-zerocopy-derive-dev       0.7.34-1    amd64 69cd9bb4f1a8a7358be73ebeec43a0f013b6227d8408f6f2979eb9d5e782ddab zerocopy-derive-0.7.34
librust-zerocopy-dev              0.7.34-1    amd64 e23ebe89a804d33fd54eb05f70cc34261439a824544d8544321f7f70e1974020 zerocopy-0.7.34
"""

#: Debian's getrandom 0.2.15 drops its WASI backend's dependency and Debian has uuid 1.10 only:
#: these three come unpatched from the vendor/ folder of trixie's rustc source
RUSTC_TRIXIE = Debian("rustc", "1.85.1+dfsg1-1+deb13u1", suites=("trixie",),
                      sha256="97153151aeee78416f595a4200b17c3713d271960f3bad91a44f2afaf0bb7799")
VENDORED = ("getrandom-0.2.15", "uuid-1.11.0", "wasi-0.11.0+wasi-snapshot-preview1")


@wheel(
    name="pydantic-core",
    version="2.27.2",
    source=Sdist("pydantic_core",
                 sha256="eb026e5a4c1fee05726072337ff51d1efb6f59090b7da90d30ea58625b1ffb39"),
    libs=("rust-std",),
    native=True,
    resources=(*rust.debian_crates(CRATES), rust.vendored_crates(RUSTC_TRIXIE, VENDORED)),
    host_tools=("rustc", "cargo"),
    test=Test("tests/pydantic_core.py", expect="pydantic-core test OK"),
)
def pydantic_core(b: WheelBuild) -> None:
    # build.rs runs generate_self_schema.py (imports typing_extensions) with $PYTHON: the
    # cross environment's build-machine interpreter, over the private packages
    rust.maturin(b, host_requirements=("typing-extensions==4.14.1",),
                 env={"PYTHON": "build-python"})

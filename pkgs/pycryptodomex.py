"""pycryptodomex: pycryptodome's code under its own top-level package ``Cryptodome`` (so it
can sit beside the old PyCrypto's ``Crypto``); same setuptools build of abi3 C modules."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.23.0",
    source=Sdist("pycryptodomex",
                 sha256="71909758f010c82bc99b0abf4ea12012c98962fbf0583c2164f8b84533c2e4da"),
    native=True,
    test=Test("tests/pycryptodomex.py", expect="pycryptodomex test OK"),
)
def pycryptodomex(b: WheelBuild) -> None:
    # setup.py switches to the Cryptodome namespace (and the project name pycryptodomex)
    # when a `.separate_namespace` file exists; the catalog's prepare step creates it, but
    # this sdist already carries it. Checked here so that a source without it fails loudly
    # instead of building a second `Crypto` package
    if not (b.source_dir / ".separate_namespace").is_file():
        raise FileNotFoundError(f"{b.source_dir}/.separate_namespace is missing: the build "
                                "would produce the `Crypto` namespace of pycryptodome")
    # the rest as pycryptodome (see pkgs/pycryptodome.py): the portable C modules, tagged
    # cp313-abi3-wasix_wasm32, with the same patch exporting their placeholder PyInit
    b.setuptools()

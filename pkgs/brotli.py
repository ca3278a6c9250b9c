"""brotli: Google's compression library (CMake)."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="1.1.0",
    source=Url(
        "https://github.com/google/brotli/archive/refs/tags/v1.1.0.tar.gz",
        sha256="e720a6ca29428b803f4ad165371771f5398faba397edf6778837a18599ea13ff",
        # Debian ships GitHub's API tarball of the same commit (other top folder)
        backup=Debian("brotli", "1.1.0-2+deb13u1",
                      sha256="10973f4b4199eafa1d5735ef661ddb2ec2f97319ee9fd1824d4aabe08cff5265"),
    ),
    test=Test("tests/brotli.c", pkg_config=("libbrotlienc", "libbrotlidec"),
              expect="roundtrip OK"),
)
def brotli(b: LibBuild) -> None:
    b.cmake({"BROTLI_DISABLE_TESTS": True})

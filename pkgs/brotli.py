"""brotli: Google's compression library (CMake)."""

from wasixtasks.recipe import Smoke, Url, library
from wasixtasks.stages.lib import LibBuild


@library(
    version="1.1.0",
    source=Url(
        "https://github.com/google/brotli/archive/refs/tags/v1.1.0.tar.gz",
        sha256="e720a6ca29428b803f4ad165371771f5398faba397edf6778837a18599ea13ff",
    ),
    smoke=Smoke(
        "smoke/brotli.c", pkg_config=("libbrotlienc", "libbrotlidec"), expect="roundtrip OK"
    ),
)
def brotli(b: LibBuild) -> None:
    b.cmake({"BROTLI_DISABLE_TESTS": True})

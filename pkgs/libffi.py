"""libffi: the WASIX fork, with a wasm32 backend (ctypes, cffi)."""

from wasixtasks.recipe import Git, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="main@09cbf7d",
    source=Git("https://github.com/wasix-org/libffi",
               commit="09cbf7d66d232a01dbb0c88fd5ae65fa9c15f7c7", mirror_name="libffi-wasix"),
    host_tools=["autoreconf", "automake", "libtoolize"],
    test=Test("tests/libffi.c", pkg_config=("libffi",), expect="ffi_call OK"),
)
def libffi(b: LibBuild) -> None:
    # a git checkout: configure is generated here
    b.run("autoreconf", "-fi")
    b.autotools("--disable-docs", "--disable-raw-api", "--disable-multi-os-directory")

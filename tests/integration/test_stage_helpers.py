"""The meson and plain-make library helpers, on tiny C libraries, with the real stand-in
toolchain (the four real recipes cover configure scripts, autotools and CMake)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from tests.helpers.project import make_project, write_recipe, write_tarball
from tests.helpers.sandbox import REPO, Result, invoke

pytestmark = pytest.mark.integration

DEMO_C = "int demo_answer(void) { return 42; }\n"
DEMO_H = "int demo_answer(void);\n"

MESON_BUILD = """\
project('mesondemo', 'c', version: '0.3')
lib = static_library('mesondemo', 'demo.c', install: true)
install_headers('demo.h', subdir: 'mesondemo')
import('pkgconfig').generate(lib, description: 'meson helper test')
"""

MAKEFILE = """\
libmakedemo.a: demo.o
\t$(AR) rcs $@ $^
demo.o: demo.c
\t$(CC) $(CPPFLAGS) $(CFLAGS) -c demo.c -o demo.o
install: libmakedemo.a
\tmkdir -p $(DESTDIR)/usr/local/lib/wasm32-wasi/pkgconfig $(DESTDIR)/usr/local/include
\tcp libmakedemo.a $(DESTDIR)/usr/local/lib/wasm32-wasi/
\tcp demo.h $(DESTDIR)/usr/local/include/makedemo.h
\tcp makedemo.pc $(DESTDIR)/usr/local/lib/wasm32-wasi/pkgconfig/
"""

# Written the way many hand-made .pc files are: expanded paths; the stage rewrites them.
MAKEDEMO_PC = """\
prefix=/usr/local
libdir=/usr/local/lib/wasm32-wasi
includedir=/usr/local/include

Name: makedemo
Description: plain make helper test
Version: 0.1
Libs: -L/usr/local/lib/wasm32-wasi -lmakedemo
Cflags: -I/usr/local/include
"""


def _recipe(name: str, sha: str, version: str, body: str) -> str:
    return (
        "from wasixtasks.recipe import Url, library\n"
        "from wasixtasks.stages.lib import LibBuild\n\n\n"
        f"@library(version={version!r}, source=Url('https://example.invalid/{name}-{version}.tar.gz', "
        f"sha256={sha!r}))\n"
        f"def {name}(b: LibBuild) -> None:\n"
        f"    {body}\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    root = make_project(tmp_path_factory.mktemp("helpers"), fake_toolchain=False)
    (root / "wasixtasks.local.toml").write_text(
        f'toolchain-dir = "{REPO / ".toolchain"}"\ncache-dir = "{REPO / ".cache" / "wasixtasks"}"\n'
    )
    sha = write_tarball(root, "mesondemo-0.3.tar.gz",
                        {"meson.build": MESON_BUILD, "demo.c": DEMO_C, "demo.h": DEMO_H})
    write_recipe(root, "mesondemo", _recipe("mesondemo", sha, "0.3", "b.meson()"))
    sha = write_tarball(root, "makedemo-0.1.tar.gz",
                        {"Makefile": MAKEFILE, "demo.c": DEMO_C, "demo.h": DEMO_H,
                         "makedemo.pc": MAKEDEMO_PC})
    write_recipe(root, "makedemo", _recipe("makedemo", sha, "0.1", "b.make()\n    b.make_install()"))
    return root, invoke(root, "build.all", "-j", "2")


def _files(root: Path, name: str) -> dict[str, bytes]:
    with tarfile.open(root / "artifacts" / f"{name}.tar.xz") as tf:
        return {m.name: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}  # type: ignore[union-attr]


def test_both_helpers_build(built: tuple[Path, Result]) -> None:
    _, result = built
    assert result.returncode == 0, result.output
    assert "2 built, 0 up to date, 0 failed, 0 skipped" in result.output


def test_meson_helper_installs_static_wasm_library_and_pc(built: tuple[Path, Result]) -> None:
    root, _ = built
    files = _files(root, "mesondemo")
    archive = files["usr/local/lib/wasm32-wasi/libmesondemo.a"]
    assert archive.startswith(b"!<arch>\n") and b"\x00asm" in archive
    assert "usr/local/include/mesondemo/demo.h" in files
    pc = files["usr/local/lib/wasm32-wasi/pkgconfig/mesondemo.pc"].decode()
    for line in ("prefix=/usr/local", "exec_prefix=${prefix}",
                 "libdir=${exec_prefix}/lib/wasm32-wasi", "includedir=${prefix}/include"):
        assert line in pc.splitlines(), pc
    assert str(root) not in pc


def test_make_helper_and_pc_rewrite(built: tuple[Path, Result]) -> None:
    root, _ = built
    files = _files(root, "makedemo")
    assert b"\x00asm" in files["usr/local/lib/wasm32-wasi/libmakedemo.a"]
    pc = files["usr/local/lib/wasm32-wasi/pkgconfig/makedemo.pc"].decode().splitlines()
    # the expanded paths were rewritten to the seed's variables
    assert "exec_prefix=${prefix}" in pc
    assert "libdir=${exec_prefix}/lib/wasm32-wasi" in pc
    assert "includedir=${prefix}/include" in pc
    assert "Libs: -L${libdir} -lmakedemo" in pc
    assert "Cflags: -I${includedir}" in pc

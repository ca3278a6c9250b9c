"""cpython: the WASIX CPython 3.13 the wheels are built for and their tests run with.

Cross-built from the official release source with a build-machine CPython 3.13; extension
modules are loaded with dlopen (dynload_shlib), threads are real pthreads, and the standard
library's own C modules are built into python.wasm (zlib, lzma, bz2, ctypes, sqlite3, and
ssl and hashlib over a static OpenSSL, from the catalog's library recipes). ``_sqlite3`` links
the sqlite recipe's shared object (``libsqlite3.so.0``, ICU inside), as the seed's CPython
does: python.wasm needs it at start, and the install puts it where Wasmer's loader looks,
``/usr/local/lib``. The install holds python.wasm, that library, the headers, the sysconfig
data (for crossenv) and the standard library as one zip (the runtime's PYTHONHOME).
"""

import zipfile
from pathlib import Path

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild

#: configure's answers for what it cannot probe when cross-compiling (or gets wrong: WASIX
#: has no raw packet sockets; memfd_create is declared but not implemented)
CONFIG_SITE = """\
ac_cv_file__dev_ptmx=no
ac_cv_file__dev_ptc=no
ac_cv_buggy_getaddrinfo=no
ax_cv_c_float_words_bigendian=no
ac_cv_func_memfd_create=no
ac_cv_header_netpacket_packet_h=no
""" + "".join(
    # _sqlite3 links the shared libsqlite3 (LIBSQLITE3_LIBS below), but configure's checks
    # link `-lsqlite3`, the static archive, which needs ICU's archives and libc++ besides:
    # the answers for the functions our sqlite build has (serialize on, load_extension off).
    # A wrong answer fails the link of python.wasm, not silently
    f"ac_cv_lib_sqlite3_sqlite3_{func}={answer}\n"
    for func, answer in [
        ("bind_double", "yes"), ("column_decltype", "yes"), ("column_double", "yes"),
        ("complete", "yes"), ("progress_handler", "yes"), ("result_double", "yes"),
        ("set_authorizer", "yes"), ("trace_v2", "yes"), ("value_double", "yes"),
        ("serialize", "yes"), ("load_extension", "no"),
    ])
#: The shared library ``_sqlite3`` links (the sqlite recipe's soname).
SQLITE_SO = "libsqlite3.so.0"
#: Parts of the standard library a WASIX runtime cannot use (GUI, test suite, pip bootstrap).
STDLIB_SKIP = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "__pycache__",
               "pydoc_data"}


def stdlib_zip(lib: Path, sysconfigdata: Path, out: Path) -> None:
    """The standard library as a stored zip with sorted members and fixed times."""
    files = sorted(p for p in lib.rglob("*.py")
                   if not STDLIB_SKIP.intersection(p.relative_to(lib).parts[:-1]))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for path in [*files, sysconfigdata]:
            name = path.relative_to(lib).as_posix() if path.is_relative_to(lib) else path.name
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


@library(
    version="3.13.15",
    source=Url(
        "https://www.python.org/ftp/python/3.13.15/Python-3.13.15.tar.xz",
        sha256="1e66a7945a48390ee4c2a4268a0e4185884059a13c4aab6d148aa208deea4a76",
        backup=Debian("python3.13", "3.13.15-1"),
    ),
    libs=["zlib", "xz", "bzip2", "libffi", "sqlite", "openssl"],
    provides_python=True,
    test=Test("tests/cpython.py", expect="cpython test OK"),
    catalog_version="feat/dl@e3245fc",
    version_note="built from the official 3.13.15 release (the catalog's wasix-org fork "
    "branch is not obtainable); dlopen, threads and the wasix platform tag come from "
    "configure answers and our patches (patches/cpython-*.patch)",
)
def cpython(b: LibBuild) -> None:
    site = b.write("config.site", CONFIG_SITE)
    b.configure(
        "--build=x86_64-pc-linux-gnu",
        f"--with-build-python={b.build_python('3.13')}",
        "--without-ensurepip", "--disable-ipv6", "--without-pymalloc",
        "--disable-test-modules",
        # _ssl and _hashlib: OpenSSL's headers from this build's sysroot (its archives are
        # on the library path already; without this, configure looks on the build machine)
        f"--with-openssl={b.sysroot}{b.prefix}",
        cwd="_build",
        env={"CONFIG_SITE": str(site), "OPT": "-DNDEBUG -O2 -Wall",
             # the shared libsqlite3 by its soname's file (the static archive would bring
             # ICU's code and 30 MB of data into python.wasm)
             "LIBSQLITE3_CFLAGS": f"-I{b.sysroot}{b.includedir}",
             "LIBSQLITE3_LIBS": f"-l:{SQLITE_SO}"},
    )
    # python.wasm and the sysconfig data; `make all` would also run the build python on
    # this release's standard library, which only the same patch release can do
    b.make("python.wasm", "pybuilddir.txt", cwd="_build")
    build = b.source_dir / "_build"
    builddir = (build / "pybuilddir.txt").read_text().strip()
    (sysconfig,) = sorted((build / builddir).glob("_sysconfigdata_*.py"))
    b.scrub_paths(sysconfig)  # build folders in it get fixed names (it is zipped below too)
    version = "3.13"
    b.install(build / "python.wasm", f"{b.prefix}/bin/python{version}.wasm", mode=0o755)
    # the shared library python.wasm needs, at the path Wasmer loads it from (not the
    # libdir a build links with)
    b.install(b.sysroot / b.libdir.lstrip("/") / SQLITE_SO, f"{b.prefix}/lib/{SQLITE_SO}",
              mode=0o755)
    b.install(sysconfig, f"{b.prefix}/lib/python{version}/{sysconfig.name}")
    for header in sorted((b.source_dir / "Include").rglob("*.h")):
        rel = header.relative_to(b.source_dir / "Include").as_posix()
        b.install(header, f"{b.includedir}/python{version}/{rel}")
    b.install(build / "pyconfig.h", f"{b.includedir}/python{version}/pyconfig.h")
    for pc in ("python-3.13.pc", "python-3.13-embed.pc"):
        b.install(build / "Misc" / pc.replace("-3.13", ""), f"{b.libdir}/pkgconfig/{pc}")
    out = b.installed(f"{b.prefix}/lib/python{version.replace('.', '')}.zip")
    stdlib_zip(b.source_dir / "Lib", sysconfig, out)

"""postgresql: libpq, PostgreSQL's client library, and the headers (autotools): the static
archive plus the versioned shared object the seed ships (psycopg loads libpq.so), with the
libpgcommon/libpgport archives a static link of libpq needs. No server, no programs."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="18.6",
    # Debian's orig of PostgreSQL 18.6 (the upstream release tarball as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("postgresql-18", "18.6-3",
                  sha256="555610c24d53e4316da5b7d3fc25c279d96856d5e0e23ee308c328c5fa881d9f"),
    # bison and flex: the 18.x release tarball ships gram.y and scan.l without their
    # generated C files
    host_tools=["perl", "bison", "flex"],
    catalog_version="17.5",
    version_note="no PostgreSQL 17 source can be had here: Debian trixie lists postgresql-17 "
    "17.12, but its orig is not downloadable from the archive reached here, and no other "
    "registry holds 17.x; postgresql-18 18.6 (Debian forky) is the nearest obtainable "
    "release. libpq keeps its ABI (libpq.so.5) and speaks the same protocol to older servers",
    test=Test("tests/postgresql.c", pkg_config=("libpq",), expect="libpq OK", network=True),
)
def postgresql(b: LibBuild) -> None:
    b.configure(
        # configure knows no wasm system; Linux's template gives the shared-library rules
        # (wasm-ld takes -shared and -soname)
        "--with-template=linux",
        # as in the seed: no ICU, readline or zlib (the server and psql use them, not libpq)
        "--without-icu", "--without-readline", "--without-zlib",
        # an installed library has no run path to carry
        "--disable-rpath",
        # libpq needs no other library: no sysroot -I/-L, which libpq.pc's Libs.private
        # would otherwise record. The compiler and its flags are compiled into libpgcommon
        # (pg_config's data) and pg_config.h: the driver by name (first on PATH), no flags
        # naming this build's folders
        "CC=wasix-cc", "CFLAGS=-O2", "CPPFLAGS=", "LDFLAGS=",
    )
    # only the client side: the headers, the frontend helper archives, libpq
    for folder in ("src/include", "src/common", "src/port", "src/interfaces/libpq"):
        b.make(cwd=folder)
    for folder in ("src/include", "src/common", "src/port", "src/interfaces/libpq"):
        b.make_install(cwd=folder)
    # no unversioned development link: `-lpq` in a PIE main module would take the side
    # module (wasm-ld prefers .so) and need it at run time; consumers link libpq.a
    b.remove(f"{b.libdir}/libpq.so")
    # a static libpq needs the helper archives libpq.so was linked with: they define the
    # encoding functions under their public names (pg_encoding_to_char ...), the plain
    # libpgcommon.a only under *_private ones (mb/pg_wchar.h). libpq.pc names the plain
    # archives, which a static link of libpq.a cannot use
    b.substitute(f"{b.libdir}/pkgconfig/libpq.pc", "-lpgcommon -lpgport",
                 "-lpgcommon_shlib -lpgport_shlib")

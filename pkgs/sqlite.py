"""sqlite: the SQL database engine (autosetup configure; tclsh builds the amalgamation), with
ICU collations and Unicode case folding from our icu recipe linked in statically, as a static
archive plus the versioned shared object the seed ships (CPython's ``_sqlite3`` and apsw use
``libsqlite3.so.0``, so the 30 MB of ICU data lives in one file, loaded once)."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild
from wasixtasks.wasm import read_module

#: ICU's archives and the C++ runtime they need (icu-i18n's static link line, without the
#: -L of this build's sysroot, which LDFLAGS carries already and sqlite3.pc must not)
ICU_LIBS = "-licui18n -licuuc -licudata -lc++ -lc++abi -lunwind"


@library(
    version="3.53.4",
    # Debian's orig is sqlite's full source tree (the amalgamation is generated with tclsh)
    source=Debian("sqlite3", "3.53.4-2",
                  sha256="05366adc8ee80c6b1faa71285b49d133c2121238ca58934b077fdeb95934abd4"),
    libs=["icu"],
    host_tools=["tclsh", "cc"],
    catalog_version="3.50.4",
    version_note="3.50.4 cannot be had here; Debian forky/sid's 3.53.4 is the nearest release",
    test=Test("tests/sqlite.c", pkg_config=("sqlite3",), expect="query OK"),
)
def sqlite(b: LibBuild) -> None:
    # autosetup takes literal paths, not ${prefix}
    b.configure(
        "--host=wasm32-wasi", f"--libdir={b.libdir}", f"--includedir={b.includedir}",
        "--enable-shared", "--enable-static", "--soname=legacy",
        "--disable-tcl", "--disable-readline", "--enable-all", "--disable-load-extension",
        f"--with-icu-ldflags={ICU_LIBS}", "--icu-collations",
        autotools=False, layout=False,
        # host programs (lemon, mkkeywordhash) are built with the build machine's compiler
        env={"BUILD_CC": "cc"},
    )
    # libsqlite3.so exports the SQLite API only. A side module exports every symbol by
    # default, ICU's and the C++ runtime's included, and the process loading it at start
    # would resolve other modules' symbols to those copies. wasm-ld has no version scripts:
    # the first link exports everything, its sqlite3* names become the export list of the
    # second (-Bsymbolic: the copies inside bind to themselves, so they need no export).
    # Link flags go on the command line: the Makefile has configure's LDFLAGS baked in
    link = "LDFLAGS.libsqlite3.os-specific"
    b.make("libsqlite3.a", "so", vars={link: "-Wl,-Bsymbolic"})
    first = read_module(b.source_dir / "libsqlite3.so")
    api = sorted({e.name for e in first.exports if e.name.startswith("sqlite3")})
    exports = b.write("libsqlite3.exports", "".join(f"--export={n}\n" for n in api))
    (b.source_dir / "libsqlite3.so").unlink()
    b.make("so", vars={link: f"-Wl,-Bsymbolic -Wl,--no-export-dynamic -Wl,@{exports}"})
    b.make_install("install-headers", "install-pc", "install-dll", target="install-lib")
    # no unversioned development link: `-lsqlite3` in a PIE main module would take the side
    # module (wasm-ld prefers .so) and need it at run time; consumers that want the shared
    # object (cpython, apsw) link libsqlite3.so.0 by name
    b.remove(f"{b.libdir}/libsqlite3.so")

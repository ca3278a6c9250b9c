"""sqlite: the SQL database engine (autosetup configure; tclsh builds the amalgamation)."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="3.53.4",
    # Debian's orig is sqlite's full source tree (the amalgamation is generated with tclsh)
    source=Debian("sqlite3", "3.53.4-2",
                  sha256="05366adc8ee80c6b1faa71285b49d133c2121238ca58934b077fdeb95934abd4"),
    host_tools=["tclsh", "cc"],
    catalog_version="3.50.4",
    version_note="3.50.4 cannot be had here; Debian forky/sid's 3.53.4 is the nearest "
    "release (ICU collations left out until the icu recipe exists)",
    test=Test("tests/sqlite.c", pkg_config=("sqlite3",), expect="query OK"),
)
def sqlite(b: LibBuild) -> None:
    # autosetup takes literal paths, not ${prefix}
    b.configure(
        "--host=wasm32-wasi", f"--libdir={b.libdir}", f"--includedir={b.includedir}",
        "--disable-shared", "--enable-static", "--disable-tcl", "--disable-readline",
        "--enable-all", "--disable-load-extension",
        autotools=False, layout=False,
        # host programs (lemon, mkkeywordhash) are built with the build machine's compiler
        env={"BUILD_CC": "cc"},
    )
    b.make("libsqlite3.a")
    b.make_install("install-headers", "install-pc", target="install-lib")

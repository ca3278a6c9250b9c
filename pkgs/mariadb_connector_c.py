"""mariadb-connector-c: the MariaDB/MySQL client library libmariadb (CMake), static only as in
the seed, with TLS (OpenSSL), zlib and zstd compression, every client plugin built in, and
the MySQL names (libmysqlclient, <mysql.h>, mysqlclient.pc) for MySQL-era consumers such as
mysqlclient. Our patch leaves out getlogin(), which WASIX's C library declares but lacks."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="3.3.19",
    # Connector/C has no Debian source package of its own: MariaDB's server source carries
    # it as libmariadb/, the only folder taken from this archive
    source=Debian("mariadb", "1:10.11.18-0+deb12u1",
                  sha256="a46852c68075be7c31c7b33fee233c5b5a00c8c28117f5204d124e4f2fd56fa8",
                  suites=("bookworm",), subdirs=("libmariadb",)),
    libs=["openssl", "zlib", "zstd"],
    catalog_version="3.4.6",
    version_note="3.4.6 cannot be had here: no registry holds Connector/C releases, and the "
    "orig of MariaDB 11.8.9 (trixie, bundling Connector/C 3.4.x) is listed but not "
    "downloadable from the archive reached here; MariaDB 10.11.18 (bookworm) bundles 3.3.19, "
    "the newest Connector/C obtainable",
    test=Test("tests/mariadb-connector-c.c", pkg_config=("libmariadb",), expect="client OK"),
)
def mariadb_connector_c(b: LibBuild) -> None:
    lib = b.libdir[len(b.prefix) + 1:]
    plugins = ("DIALOG", "CLIENT_ED25519", "CACHING_SHA2_PASSWORD", "SHA256_PASSWORD",
               "MYSQL_CLEAR_PASSWORD", "ZSTD")
    b.cmake({
        # its own install variables, not GNUInstallDirs: the seed's layout, headers in
        # include/mariadb as everywhere else
        "INSTALL_LIBDIR": lib, "INSTALL_PCDIR": f"{lib}/pkgconfig",
        "INSTALL_INCLUDEDIR": "include/mariadb", "INSTALL_MANDIR": "share/man",
        "INSTALL_PLUGINDIR": f"{lib}/mariadb/plugin",
        # TLS with OpenSSL, the declared zlib (not the bundled copy); no remote_io plugin
        # (curl), no test suite
        "WITH_SSL": "OPENSSL", "WITH_EXTERNAL_ZLIB": True, "WITH_CURL": False,
        "WITH_UNIT_TESTS": False,
        # libmysqlclient.a links, as the seed (MySQL compatibility)
        "WITH_MYSQLCOMPAT": True,
        # plugins default to loadable modules (dlopen from the plugin folder): built into
        # the library instead, as in the seed; GSSAPI has no library here
        **{f"CLIENT_PLUGIN_{p}": "STATIC" for p in plugins},
        "CLIENT_PLUGIN_AUTH_GSSAPI_CLIENT": "OFF",
        # a standalone build adds -Werror for clang; defining this variable leaves it out
        "CMAKE_COMPILE_WARNING_AS_ERROR": False,
        # project() unsets the toolchain file's UNIX: without it no pthread/libm search, no
        # libmysqlclient links, no mariadb_config, no .pc file
        "UNIX": True,
    }, source="libmariadb")
    pc = f"{b.libdir}/pkgconfig/libmariadb.pc"
    # its .pc writes the folders with a trailing slash, and Libs.private as `-l` glued to the
    # absolute archive paths CMake found in the package sysroot: the libraries are named by
    # their own .pc files instead
    b.substitute(pc, "/lib/wasm32-wasi/\n", "/lib/wasm32-wasi\n")
    b.substitute(pc, "/include/mariadb/\n", "/include/mariadb\n")
    b.substitute(pc, r"Libs\.private: .*", "Requires.private: libssl libcrypto zlib libzstd",
                 regex=True)
    # static only, as the seed: the shared library CMake always builds (and its libmysqlclient
    # links) goes, and so does mariadb_config, a wasm program that records the build's paths
    b.remove(f"{b.libdir}/libmariadb.so", f"{b.libdir}/libmysqlclient*.so",
             f"{b.prefix}/bin")
    # MySQL names, as the seed: `pkg-config mysqlclient` (what mysqlclient asks for first)
    # and <mysql/mysql.h> beside the libmysqlclient.a links made above
    b.write_pc("mysqlclient", libs="-lmysqlclient", cflags="-I${includedir}/mariadb",
               description="MariaDB Connector/C under its MySQL client library name",
               requires_private=("libssl", "libcrypto", "zlib", "libzstd"))
    b.symlink("mariadb", f"{b.includedir}/mysql")

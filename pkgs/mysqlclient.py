"""mysqlclient (MySQLdb): setuptools + C (MySQLdb._mysql) over MariaDB Connector/C under its
MySQL name (libmysqlclient), linked statically with its TLS and compression libraries."""

import os
import subprocess

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="2.2.7",
    source=Sdist("mysqlclient", sha256="24ae22b59416d5fcce7e99c9d37548350b4565baac82f95e149cac6ce4163845"),
    # the connector is a static archive (with every auth plugin built in); it calls
    # OpenSSL (whose side modules have no unversioned links, so -lssl finds the archive),
    # zlib and zstd
    libs=["mariadb-connector-c", "openssl", "zlib", "zstd"],
    static_libs=True,
    native=True,
    test=Test("tests/mysqlclient.py", expect="mysqlclient test OK"),
)
def mysqlclient(b: WheelBuild) -> None:
    # setup.py asks `pkg-config --libs` (shared linking: -lmysqlclient alone) unless both
    # variables are set; its `--static` mode would also link the module as C++. The
    # static flags of the sysroot's mysqlclient.pc name the connector's own libraries.
    env = {**os.environ, **{k: b.env_value(k) for k in ("PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR")}}

    def pkg_config(*args: str) -> str:
        return subprocess.run(["pkg-config", "--static", *args, "mysqlclient"], env=env,
                              check=True, capture_output=True, text=True).stdout.strip()

    # -Bsymbolic: the connector's OpenSSL is this module's own, not the interpreter's copy
    # (which the loader would bind its GOT entries to: TLS would fail to initialise)
    with b.flags(ldflags=["-Wl,-Bsymbolic"]):
        b.setuptools(env={"MYSQLCLIENT_CFLAGS": pkg_config("--cflags"),
                          "MYSQLCLIENT_LDFLAGS": pkg_config("--libs")})

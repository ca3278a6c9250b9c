"""psycopg-c: psycopg 3's C implementation (psycopg_c._psycopg and psycopg_c.pq, Cython
output compiled from the sdist) over libpq, linked statically. Used by the pure psycopg
package when installed beside it (psycopg.pq.__impl__ == "c"). Our patches: WASI's
<endian.h> in the byte-order block; psycopg_c.pq loads although the WASIX CPython has no
ssl module."""

import os

from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.2.9",
    source=Sdist("psycopg-c", sha256="8c9f654f20c6c56bddc4543a3caab236741ee94b6732ab7090b95605502210e2"),
    dist_name="psycopg-c",
    # libpq also ships a side module (libpq.so.5) without an unversioned link: -lpq finds
    # the archive
    libs=["postgresql"],
    static_libs=True,
    native=True,
    # psycopg-c does not require psycopg (psycopg[c] pulls it, not the other
    # way): the test installs the pure psycopg from the index with it
    test=Test("tests/psycopg-c.py", requires=("psycopg==3.2.9",), expect="psycopg-c test OK"),
)
def psycopg_c(b: WheelBuild) -> None:
    # setup.py runs `pg_config --includedir` and `--libdir` (first on PATH). The libpq
    # recipe installs no pg_config (a wasm program could not run here anyway): a
    # stand-in answers those two with this sysroot's folders, as the seed's mock does
    bindir = b.source_dir / ".wasixtasks" / "bin"
    pg_config = b.write("bin/pg_config", f"""#!/bin/sh
# pg_config stand-in for psycopg_c's setup.py (wasixtasks recipe pkgs/psycopg_c.py)
case "$1" in
  --includedir) echo '{b.sysroot}{INCLUDEDIR}' ;;
  --libdir) echo '{b.sysroot}{LIBDIR}' ;;
  --version) echo 'PostgreSQL 18.6' ;;
  *) echo "pg_config stand-in: $1 is not answered" >&2; exit 1 ;;
esac
""")
    os.chmod(pg_config, 0o755)
    # the static libpq needs its helper archives (libpq.pc's Libs.private)
    with b.flags(ldflags=["-lpgcommon_shlib", "-lpgport_shlib"]):
        b.setuptools(env={"PATH": f"{bindir}{os.pathsep}{b.env_value('PATH')}"})

"""psycopg-binary: the same C implementation as psycopg-c under the package name
psycopg_binary (psycopg tries psycopg_c, then psycopg_binary). PyPI has no sdist of
psycopg-binary: upstream makes it from its git tree with tools/build/copy_to_binary.py,
which renames the package. Here the same renaming is done on the psycopg-c sdist (its
Cython output is compiled, as for psycopg-c). Our patches are psycopg-c's (same files)."""

import os
import re
import shutil
from pathlib import Path

from wasixtasks.layout import INCLUDEDIR, LIBDIR
from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild


@wheel(
    version="3.2.9",
    source=Sdist("psycopg-c", sha256="8c9f654f20c6c56bddc4543a3caab236741ee94b6732ab7090b95605502210e2"),
    dist_name="psycopg-binary",
    # libpq also ships a side module (libpq.so.5) without an unversioned link: -lpq finds
    # the archive
    libs=["postgresql"],
    static_libs=True,
    native=True,
    # psycopg-binary does not require psycopg (psycopg[binary] pulls it, not the other
    # way): the test installs the pure psycopg from the index with it
    test=Test("tests/psycopg-binary.py", requires=("psycopg==3.2.9",),
              expect="psycopg-binary test OK"),
)
def psycopg_binary(b: WheelBuild) -> None:
    src = b.source_dir
    # copy_to_binary.py's renaming: the package folder, and every mention of the package
    # and distribution names in the build files and sources (the generated C included:
    # module names, qualified names and the C identifiers derived from them)
    (src / "psycopg_c").rename(src / "psycopg_binary")
    shutil.rmtree(src / "psycopg_c.egg-info", ignore_errors=True)
    # setup.cfg: the distribution name only (its package data already lists psycopg_binary)
    cfg = src / "setup.cfg"
    cfg.write_text(cfg.read_text().replace("name = psycopg-c\n", "name = psycopg-binary\n", 1))
    texts = [src / "setup.py", src / "PKG-INFO", src / "README.rst",
             *sorted(p for p in (src / "psycopg_binary").rglob("*") if p.is_file())]
    for path in texts:  # (bytes: the generated C quotes non-UTF-8 text)
        data = path.read_bytes()
        new = re.sub(rb"psycopg([_-])c\b", lambda m: b"psycopg" + m.group(1) + b"binary", data)
        new = new.replace(b"psycopg_c_", b"psycopg_binary_")  # C identifiers of the modules
        if new != data:
            path.write_bytes(new)
    # pq.pyx's `__impl__ = 'c'` is 'binary' in this distribution (psycopg reports it as
    # pq.__impl__): the one assignment of the module's init, in the generated C
    pq_c = src / "psycopg_binary" / "pq.c"
    init = b"PyDict_SetItem(__pyx_d, __pyx_n_s_impl, __pyx_n_u_c) < 0"
    if pq_c.read_bytes().count(init) != 1:
        raise RuntimeError(f"{pq_c}: no single `__impl__ = 'c'` assignment to rename")
    helper = (b'#include "Python.h"\n'
              b"static int set_impl_binary(PyObject *d) {\n"
              b'  PyObject *v = PyUnicode_InternFromString("binary");\n'
              b'  int r = v ? PyDict_SetItemString(d, "__impl__", v) : -1;\n'
              b"  Py_XDECREF(v);\n  return r;\n}\n")
    code = pq_c.read_bytes().replace(init, b"set_impl_binary(__pyx_d) < 0")
    pq_c.write_bytes(code.replace(b'#include "Python.h"\n', helper, 1))
    leftover = [str(p) for p in texts if re.search(rb"psycopg[_-]c(\b|_)", p.read_bytes())]
    if leftover:
        raise RuntimeError(f"psycopg_c is still named in {', '.join(leftover)}")
    # setup.py runs `pg_config --includedir` and `--libdir` (first on PATH). The libpq
    # recipe installs no pg_config (a wasm program could not run here anyway): a
    # stand-in answers those two with this sysroot's folders, as the seed's mock does
    pg_config = b.write("bin/pg_config", f"""#!/bin/sh
# pg_config stand-in for psycopg's setup.py (wasixtasks recipe pkgs/psycopg_binary.py)
case "$1" in
  --includedir) echo '{b.sysroot}{INCLUDEDIR}' ;;
  --libdir) echo '{b.sysroot}{LIBDIR}' ;;
  --version) echo 'PostgreSQL 18.6' ;;
  *) echo "pg_config stand-in: $1 is not answered" >&2; exit 1 ;;
esac
""")
    os.chmod(pg_config, 0o755)
    bindir = Path(pg_config).parent
    # the static libpq needs its helper archives (libpq.pc's Libs.private)
    with b.flags(ldflags=["-lpgcommon_shlib", "-lpgport_shlib"]):
        b.setuptools(env={"PATH": f"{bindir}{os.pathsep}{b.env_value('PATH')}"})

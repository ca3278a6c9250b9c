"""apsw: Another Python SQLite Wrapper; setuptools with one C extension over our sqlite
library (3.53.4, ICU inside), linked as the shared object the WASIX CPython loads at start
(``libsqlite3.so.0``, for its own ``_sqlite3``): one SQLite in the process, and no second copy
of ICU's 30 MB of data in the wheel."""

from wasixtasks.recipe import Sdist, Test, wheel
from wasixtasks.stages import WheelBuild

# setup.py reads [build] options from setup.apsw. The sdist's copy downloads the SQLite
# release matching apsw (fetch) and compiles it in with every extension; instead the build
# uses our sqlite library as it was compiled (see pkgs/sqlite.py, `--enable-all`), and apsw
# must be told what that library has, since its wrappers are compiled in by these macros:
# the session extension and pre-update hook are there, load_extension is omitted, column
# metadata is not enabled (so Cursor.description_full is absent)
SETUP_APSW = """\
[build]
fetch = False
enable_all_extensions = False
enable = session,preupdate_hook
omit = load_extension
"""


@wheel(
    version="3.50.4.0",
    source=Sdist("apsw", sha256="a817c387ce2f4030ab7c3064cf21e9957911155f24f226c3ad4938df3a155e11"),
    # apsw 3.50.4.0 accepts any SQLite from 3.50 on at compile time (an #error below
    # 3.50.0) and makes no version check at run time: our 3.53.4 is used as it is
    libs=["sqlite"],
    native=True,
    test=Test("tests/apsw.py", expect="apsw test OK"),
)
def apsw(b: WheelBuild) -> None:
    # (the patch gives apsw.fork_checker() the (self, ignored) signature CPython calls it
    # with: wasm traps on a mismatched indirect call where native ABIs do not care)
    (b.source_dir / "setup.apsw").write_text(SETUP_APSW)
    # No amalgamation in the tree: setup.py links -lsqlite3, found through the sysroot's
    # -I/-L flags of the build environment. That would take the static archive (the sysroot
    # has no unversioned libsqlite3.so); the shared object named first defines every sqlite3_
    # symbol, so the archive adds nothing. The wheel needs libsqlite3.so.0, which the
    # interpreter has loaded already (check.shared-libs counts it as the interpreter's)
    with b.flags(ldflags=["-l:libsqlite3.so.0"]):
        b.setuptools()

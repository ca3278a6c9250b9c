"""dropbear: a small SSH server and client (autotools release tarball); the seed builds
dropbear, dbclient, dropbearkey and dropbearconvert with the bundled libtomcrypt/libtommath,
no PAM and no login records.

WASIX has no fork() in builds with wasm exception handling (wasix-libc declares it only for
asyncify builds), so this build is what dropbear offers without it: the server runs in inetd
mode only (`dropbear -i`: one connection on stdin/stdout, no listener that forks a child per
connection), and the session's command and shell children, scp's and the client's proxy
command start with vfork(), which wasix-libc provides on setjmp/longjmp. Our patch makes
daemon() (`dbclient -f`) fail with ENOSYS instead of calling fork().
"""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild

#: dropbear's compile-time options (localoptions.h in the build folder)
LOCAL_OPTIONS = """\
/* wasixtasks: WASIX has no fork() with wasm exceptions */
#define NON_INETD_MODE 0
#define INETD_MODE 1
#define USE_VFORK 1
/* no setresgid()/setresuid() in WASIX */
#define DROPBEAR_SVR_DROP_PRIVS 0
#define DROPBEAR_SVR_LOCALSTREAMFWD 0
"""


@library(
    version="2025.89",
    # Debian's orig of dropbear 2025.89 (the release tarball as Debian received it; the
    # upstream file's own sha256 cannot be checked here)
    source=Debian("dropbear", "2025.89-1~deb13u1",
                  sha256="0d1f7ca711cfc336dc8a85e672cab9cfd8223a02fe2da0a4a7aeb58c9e113634"),
    catalog_version="2025.88",
    version_note="2025.88 cannot be had here (Debian has 2025.89 and 2026.94, no other "
    "registry holds it); 2025.89 is the next release, a bug-fix one",
    libs=["zlib"],
    test=Test("tests/dropbear.c", expect="dropbear OK"),
)
def dropbear(b: LibBuild) -> None:
    (b.source_dir / "localoptions.h").write_text(LOCAL_OPTIONS)
    b.autotools("--enable-bundled-libtom", "--disable-pam",
                "--disable-lastlog", "--disable-utmp", "--disable-utmpx", "--disable-wtmp",
                "--disable-wtmpx", "--disable-loginfunc", "--disable-pututline",
                "--disable-pututxline", "--disable-harden")

"""dropbear: a small SSH server and client (autotools release tarball); the seed builds
dropbear, dbclient, dropbearkey and dropbearconvert with the bundled libtomcrypt/libtommath,
no PAM and no login records. Not built here: see the reason below.

What was tried (configure passes with --enable-bundled-libtom, --disable-pam, the utmp/wtmp/
lastlog switches off, --disable-harden, --disable-static, and -DDROPBEAR_SVR_DROP_PRIVS=0
-DDROPBEAR_SVR_LOCALSTREAMFWD=0 because WASIX has no setresgid()): make stops at fork().
tests/dropbear.c is the smoke program for when it builds: it runs the installed programs
with posix_spawn, which also needs the test harness to map the package's bin/ and sbin/.
"""

from wasixtasks.recipe import Debian, blocked

blocked(
    "dropbear",
    version="2025.89",
    # Debian's orig of dropbear 2025.89 (the release tarball as Debian received it; the
    # upstream file's own sha256 cannot be checked here)
    source=Debian("dropbear", "2025.89-1~deb13u1",
                  sha256="0d1f7ca711cfc336dc8a85e672cab9cfd8223a02fe2da0a4a7aeb58c9e113634"),
    catalog_version="2025.88",
    version_note="2025.88 cannot be had here (Debian has 2025.89 and 2026.94, no other "
    "registry holds it); 2025.89 is the next release, a bug-fix one",
    reason="needs fork(): the server forks a child per connection (svr-main.c), daemon() "
    "and the client's askpass helper fork too, and wasix-libc declares fork() only for "
    "builds without wasm exception handling (<unistd.h>: fork needs asyncify), while this "
    "toolchain compiles with -fwasm-exceptions; vfork() alone (USE_VFORK) covers only the "
    "command and shell children",
)

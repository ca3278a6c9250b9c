"""openssh: the OpenSSH client programs (autotools release tarball) over our OpenSSL and
zlib. The seed's catalog lists it as a submodule without a recipe; this one builds what
runs without fork(): ssh, scp, sftp, ssh-keygen and ssh-keyscan (no sshd, ssh-agent or
helpers: the server forks per connection and re-execs, and so do the agent and helpers).

Our patches: getrrsetbyname() answers "failed" where the C library has no resolver (WASIX
has no <resolv.h>: SSHFP lookups find nothing), and fork() fails with ENOSYS where WASIX
has none (builds with wasm exception handling), so what forks (ProxyCommand,
ControlMaster, askpass, scp's and sftp's ssh child) fails through its own error paths.
"""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild

PROGRAMS = ("ssh", "scp", "sftp", "ssh-keygen", "ssh-keyscan")


@library(
    # the catalog's version: Debian files this orig as 10.0p1, but the tarball is the
    # portable release whose version.h says "p2" (`ssh -V`: OpenSSH_10.0p2); the upstream
    # file's own sha256 cannot be checked here
    version="10.0p2",
    source=Debian("openssh", "1:10.0p1-7+deb13u4",
                  sha256="021a2e709a0edf4250b1256bd5a9e500411a90dddabea830ed59cef90eb9d85c"),
    libs=["openssl", "zlib"],
    host_tools=["autoreconf"],
    test=Test("tests/openssh.c", expect="openssh OK"),
)
def openssh(b: LibBuild) -> None:
    # the prepared tree's timestamps say configure.ac is newer than configure
    b.run("autoreconf", "-fi")
    b.configure(
        "--without-pam", "--without-retpoline", "--without-hardening",
        "--without-stackprotect", "--disable-strip", "--disable-lastlog", "--disable-utmp",
        "--disable-utmpx", "--disable-wtmp", "--disable-wtmpx",
        # no struct cmsghdr in WASIX's <sys/socket.h>: no descriptor passing
        "ac_cv_have_control_in_msghdr=no", "ac_cv_have_accrights_in_msghdr=no",
        # wasix-libc has <ifaddrs.h> but no getifaddrs(): `Match localnetwork` says so
        "ac_cv_header_ifaddrs_h=no",
    )
    b.make(*PROGRAMS)
    for program in PROGRAMS:
        b.install(program, f"{b.prefix}/bin/{program}", mode=0o755)

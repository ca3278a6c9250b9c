"""openssh: the OpenSSH client and server programs (autotools release tarball). Not built
here: see the reason below.

What was tried: Debian's orig of 10.0p1 configures for wasm32-wasi with the WASIX toolchain;
make stops in openbsd-compat (getrrsetbyname.h includes <resolv.h>).
"""

from wasixtasks.recipe import Debian, blocked

blocked(
    "openssh",
    version="10.0p1",
    # Debian's orig of openssh 10.0p1 (the upstream portable release as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("openssh", "1:10.0p1-7+deb13u4",
                  sha256="021a2e709a0edf4250b1256bd5a9e500411a90dddabea830ed59cef90eb9d85c"),
    catalog_version="10.0p2",
    version_note="10.0p2 cannot be had here (Debian trixie has 10.0p1 with its patches, no "
    "other registry holds 10.0p2); 10.0p1 is the release before it",
    reason="wasix-libc has no <resolv.h> and no res_query() (openbsd-compat's "
    "getrrsetbyname, used for SSHFP DNS records, needs both), and sshd forks per "
    "connection: wasix-libc declares fork() only for builds without wasm exception "
    "handling, while this toolchain compiles with -fwasm-exceptions",
)

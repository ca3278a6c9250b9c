"""util-linux: only libuuid (autotools release tarball), static, as in the seed. Our patch
gives up libuuid's clock file lock on WASI (its C library has no flock()): time-based UUIDs
then take a random clock sequence, as when the clock file cannot be opened."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="2.41.5",
    # Debian's orig of util-linux 2.41.5 (the release tarball as Debian received it; the
    # upstream file's own sha256 cannot be checked here)
    source=Debian("util-linux", "2.41.5-0+deb13u1",
                  sha256="f586e35d320ff537aab3ffeca37e9ecd482ccbe013590db4429a414d8aa6a728"),
    catalog_version="2.41.1",
    version_note="2.41.1 cannot be had here (Debian has 2.41.5 and 2.42.x, no other registry "
    "holds it); 2.41.5 is the nearest release, four bug-fix releases later in the same series",
    test=Test("tests/util-linux.c", pkg_config=("uuid",), expect="uuid OK"),
)
def util_linux(b: LibBuild) -> None:
    b.autotools(
        # libuuid and nothing else
        "--disable-all-programs", "--enable-libuuid",
        "--disable-nls", "--disable-asciidoc", "--disable-poman", "--disable-bash-completion",
        "--without-python", "--without-systemd", "--without-udev", "--without-tinfo",
        "--without-ncurses", "--without-ncursesw", "--without-readline", "--without-cap-ng",
        "--without-btrfs", "--without-econf", "--without-selinux", "--without-audit",
        # WASIX has <net/if.h> but no SIOCGIFCONF/SIOCGIFHWADDR interface ioctls: without
        # the header, gen_uuid's MAC address lookup is left out (instead of a patch, as the
        # seed has) and time-based UUIDs get a random node id with the multicast bit, as
        # RFC 9562 says for hosts without one
        "ac_cv_header_net_if_h=no",
    )
    # the one man page of the whole suite installed with every program disabled
    b.remove(f"{b.prefix}/share/man/man5/terminal-colors.d.5")

"""ncurses: terminal handling and curses (autotools), static, with .pc files; no programs,
no terminal database installed: a few common terminal descriptions are compiled in."""

from wasixtasks.recipe import Debian, Test, library
from wasixtasks.stages import LibBuild


@library(
    version="6.5+20250216",
    # Debian's orig of ncurses 6.5-20250216 (the upstream snapshot as Debian received it;
    # the upstream file's own sha256 cannot be checked here)
    source=Debian("ncurses", "6.5+20250216-2",
                  sha256="b37baafa436e7133bb12a185cb8f60e1599b1947e9f0181c76f3190acf28b6eb"),
    host_tools=["tic", "cc"],
    catalog_version="6.4.20230225",
    version_note="the 6.4-20230225 snapshot cannot be had here (Debian has 6.4-20221231, "
    "6.5-20250216 and 6.6 snapshots); 6.5-20250216 (Debian trixie) is the nearest release",
    test=Test("tests/ncurses.c", pkg_config=("ncursesw",), expect="terminfo OK"),
)
def ncurses(b: LibBuild) -> None:
    b.autotools(
        "--without-progs", "--without-tests", "--without-manpages", "--without-ada",
        "--without-cxx-binding", "--without-debug", "--enable-widec",
        # .pc files (a literal folder: the option takes no ${exec_prefix})
        "--enable-pc-files", f"--with-pkg-config-libdir={b.libdir}/pkgconfig",
        # no terminal database in the sandbox: these entries are compiled into the library
        # (with the build machine's tic); no database is installed
        "--with-fallbacks=xterm-256color,xterm,vt100,linux,dumb", "--disable-db-install",
        "--disable-home-terminfo",
        # host programs of the build (make_hash, make_keys) use the build machine's compiler
        "--with-build-cc=cc",
        # ncurses needs no other library, and its .pc files would record the package
        # sysroot's -I and -L flags
        "CPPFLAGS=", "LDFLAGS=",
        # configure picks `ar -curvU` first: U writes each member's real time into the
        # archives, so two builds differ; without it the archiver writes zero times
        "cf_cv_ar_flags=-curv",
    )
    # the headers are in include/ncursesw, but curses.h includes <ncursesw/ncurses_dll.h>:
    # Cflags has -I for both. The pipeline's .pc rewrite would turn the literal parent
    # folder into ${includedir}, which here means the subfolder: name it through ${prefix}
    for pc in ("ncursesw", "formw", "menuw", "panelw"):
        b.substitute(f"{b.libdir}/pkgconfig/{pc}.pc", "-I/usr/local/include",
                     "-I${prefix}/include")

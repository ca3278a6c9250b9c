"""readline: GNU line editing and history (autotools release tarball), static, on ncurses."""

from wasixtasks.recipe import Debian, Test, Url, library
from wasixtasks.stages import LibBuild


@library(
    version="8.2",
    source=Url(
        "https://ftp.gnu.org/gnu/readline/readline-8.2.tar.gz",
        sha256="3feb7171f16a84ee82ca18a36d7b9be109a52c04f492a053331d7d1095007c35",
        # Debian's orig is the release tarball itself (byte-identical)
        backup=Debian("readline", "8.2-6"),
    ),
    libs=["ncurses"],
    test=Test("tests/readline.c", pkg_config=("readline", "ncursesw"), expect="history OK"),
)
def readline(b: LibBuild) -> None:
    b.autotools(
        # the terminal library is ncurses' wide-character build (its terminfo part included)
        "--with-curses", "bash_cv_termcap_lib=libncursesw",
        "--disable-install-examples",
    )
    # configure names the narrow-character ncurses module for any ncurses library
    b.substitute(f"{b.libdir}/pkgconfig/readline.pc", "Requires.private: ncurses\n",
                 "Requires.private: ncursesw\n")
    # the README/CHANGES/INSTALL copies and the info manuals; the man pages stay
    b.remove(f"{b.prefix}/share/doc/readline", f"{b.prefix}/share/info")

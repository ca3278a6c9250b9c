/* ncurses test: without a terminal database in the sandbox, use the terminfo entries built
 * into the library (the fallbacks): set up "xterm-256color" and "dumb" with setupterm, read
 * capabilities (colors, columns, clear screen, cursor addressing) and expand a parameterized
 * one with tparm; then run curses on a virtual screen: newterm on a memory stream, draw into
 * a window and read the characters back. */
#include <stdio.h>
#include <string.h>
#include <curses.h>
#include <term.h>

int main(void) {
    printf("%s\n", curses_version());
    int err = 0;
    if (setupterm("xterm-256color", fileno(stdout), &err) != OK) {
        printf("setupterm(xterm-256color) failed: %d\n", err);
        return 1;
    }
    int colors = tigetnum("colors"), cols = tigetnum("cols");
    const char *cup = tigetstr("cup"), *clear = tigetstr("clear");
    if (cup == NULL || cup == (char *)-1 || clear == NULL || clear == (char *)-1) {
        printf("xterm-256color: no cup/clear\n");
        return 2;
    }
    const char *moved = tiparm(cup, 4, 9);
    printf("xterm-256color: colors %d, cols %d, cup(4,9) = \\E%s\n", colors, cols, moved + 1);
    if (colors != 256 || cols != 80 || strcmp(moved, "\033[5;10H") != 0) return 3;
    del_curterm(cur_term);

    if (setupterm("dumb", fileno(stdout), &err) != OK) { printf("dumb failed\n"); return 4; }
    printf("dumb: cols %d, auto margins %d\n", tigetnum("cols"), tigetflag("am"));
    if (tigetnum("cols") != 80 || tigetflag("am") != 1) return 5;
    del_curterm(cur_term);

    if (setupterm("no-such-terminal", fileno(stdout), &err) == OK) {
        printf("unknown terminal accepted\n");
        return 6;
    }
    printf("unknown terminal refused (%d)\n", err);

    char buf[8192];
    FILE *out = fmemopen(buf, sizeof buf, "w");
    FILE *in = fopen("/dev/null", "r");
    SCREEN *scr = newterm("xterm-256color", out, in ? in : stdin);
    if (scr == NULL) { printf("newterm failed\n"); return 7; }
    WINDOW *w = newwin(5, 20, 2, 3);
    box(w, 0, 0);
    mvwaddstr(w, 2, 2, "hello wasix");
    wrefresh(w);
    char back[16] = {0};
    mvwinnstr(w, 2, 2, back, 11);
    chtype corner = mvwinch(w, 0, 0) & A_CHARTEXT;
    int nrows = LINES, ncols = COLS;
    delwin(w);
    endwin();
    delscreen(scr);
    fclose(out);
    printf("virtual screen %dx%d: window text '%s', corner %s\n", ncols, nrows, back,
           corner == (ACS_ULCORNER & A_CHARTEXT) ? "ok" : "wrong");
    if (strcmp(back, "hello wasix") != 0) return 8;
    printf("ncurses terminfo OK\n");
    return 0;
}

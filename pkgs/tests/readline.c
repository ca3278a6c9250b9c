/* readline test: read two lines through readline() from a file (not a terminal; the
 * terminal description is ncurses' built-in "dumb" entry), the second one edited on the way
 * (Ctrl-A to the start, insert, Ctrl-E); add them to the history, search it, expand history
 * references (!!, !e), and tokenize a line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/history.h>
#include <readline/readline.h>

int main(void) {
    printf("readline %s (0x%04x)\n", rl_library_version, rl_readline_version);
    setenv("TERM", "dumb", 1);
    /* line 1 plain; line 2: type "world", Ctrl-A to the start, insert "hello ", Ctrl-E */
    static const char input[] = "echo first line\nworld\001hello \005\n";
    /* readline reads the file descriptor itself: a real file, not a memory stream */
    FILE *w = fopen("keys.txt", "w");
    if (w == NULL || fwrite(input, 1, strlen(input), w) != strlen(input) || fclose(w) != 0) {
        printf("cannot write keys.txt\n");
        return 7;
    }
    FILE *in = fopen("keys.txt", "r");
    char outbuf[4096];
    FILE *out = fmemopen(outbuf, sizeof outbuf, "w");
    rl_instream = in;
    rl_outstream = out;
    using_history();

    char *a = readline("> ");
    char *b = readline("> ");
    fclose(out);
    printf("line 1: '%s'\nline 2: '%s'\n", a ? a : "(null)", b ? b : "(null)");
    if (a == NULL || b == NULL || strcmp(a, "echo first line") != 0 ||
        strcmp(b, "hello world") != 0)
        return 1;
    add_history(a);
    add_history(b);
    free(a);
    free(b);

    HIST_ENTRY *h = history_get(history_base + 1);
    printf("history: %d entries, second '%s'\n", history_length, h ? h->line : "?");
    if (history_length != 2 || h == NULL || strcmp(h->line, "hello world") != 0) return 2;
    history_set_pos(history_length);
    int found = history_search("first", -1);
    printf("search 'first' backwards: entry offset %d\n", found);
    if (found < 0) return 3;

    char *expanded = NULL;
    int r = history_expand("!! again", &expanded);
    printf("expand '!! again' -> '%s' (%d)\n", expanded, r);
    if (r != 1 || strcmp(expanded, "hello world again") != 0) return 4;
    free(expanded);
    r = history_expand("!e | wc", &expanded);
    printf("expand '!e | wc' -> '%s' (%d)\n", expanded, r);
    if (r != 1 || strcmp(expanded, "echo first line | wc") != 0) return 5;
    free(expanded);

    char **words = history_tokenize("cp 'a file' b\\ c dest");
    int n = 0;
    while (words && words[n]) n++;
    printf("tokenize: %d words, second [%s]\n", n, n > 1 ? words[1] : "?");
    if (n != 4 || strcmp(words[1], "'a file'") != 0) return 6;
    for (int i = 0; i < n; i++) free(words[i]);
    free(words);
    fclose(in);
    printf("readline history OK\n");
    return 0;
}

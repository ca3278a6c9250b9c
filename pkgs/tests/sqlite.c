/* sqlite test: create a table, insert rows in a transaction, run an aggregate query; then
 * the ICU extension compiled in: Unicode case mapping, an ICU regular expression, and
 * locale collations loaded with icu_load_collation (German puts 'ö' with 'o', Swedish after
 * 'z'). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* the row's columns joined with '|' (rows appended with ';') */
static int row(void *out, int n, char **values, char **names) {
    (void)names;
    char *s = out;
    for (int i = 0; i < n; i++) {
        if (i) strncat(s, "|", 255 - strlen(s));
        strncat(s, values[i] ? values[i] : "NULL", 255 - strlen(s));
    }
    strncat(s, ";", 255 - strlen(s));
    return 0;
}

static int query(sqlite3 *db, const char *sql, const char *want) {
    char out[256] = "";
    char *err = NULL;
    if (sqlite3_exec(db, sql, row, out, &err) != SQLITE_OK) {
        printf("%s: %s\n", sql, err);
        return 1;
    }
    if (strcmp(out, want) != 0) {
        printf("%s: got '%s', want '%s'\n", sql, out, want);
        return 1;
    }
    printf("%s -> %s\n", sql, out);
    return 0;
}

int main(void) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
    const char *sql =
        "CREATE TABLE t(k TEXT, v INTEGER);"
        "BEGIN; INSERT INTO t VALUES ('a', 1), ('b', 2), ('a', 3); COMMIT;"
        "CREATE TABLE w(word TEXT); INSERT INTO w VALUES ('zebra'), ('\xc3\xb6l'), ('ost');"
        "SELECT icu_load_collation('de_DE', 'german'), icu_load_collation('sv_SE', 'swedish');";
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) { printf("%s\n", err); return 2; }
    int bad = 0;
    bad += query(db, "SELECT k, SUM(v) FROM t GROUP BY k ORDER BY 2 DESC LIMIT 1", "a|4;");
    bad += query(db, "SELECT upper('stra\xc3\x9f" "e'), lower('\xc3\x84\xc3\x96\xc3\x9c')",
                 "STRASSE|\xc3\xa4\xc3\xb6\xc3\xbc;");
    bad += query(db, "SELECT 'Gr\xc3\xbc\xc3\x9f" "e 42' REGEXP '^\\p{L}+ \\d+$'", "1;");
    bad += query(db, "SELECT group_concat(word, ',') FROM "
                     "(SELECT word FROM w ORDER BY word COLLATE german)",
                 "\xc3\xb6l,ost,zebra;");
    bad += query(db, "SELECT group_concat(word, ',') FROM "
                     "(SELECT word FROM w ORDER BY word COLLATE swedish)",
                 "ost,zebra,\xc3\xb6l;");
    if (bad) return 3;
    printf("sqlite %s with ICU: query OK\n", sqlite3_libversion());
    sqlite3_close(db);
    return 0;
}

/* sqlite test: create a table, insert rows in a transaction, run an aggregate query. */
#include <sqlite3.h>
#include <stdio.h>

static int row(void *out, int n, char **values, char **names) {
    (void)n; (void)names;
    snprintf((char *)out, 64, "%s %s", values[0], values[1]);
    return 0;
}

int main(void) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
    const char *sql =
        "CREATE TABLE t(k TEXT, v INTEGER);"
        "BEGIN; INSERT INTO t VALUES ('a', 1), ('b', 2), ('a', 3); COMMIT;";
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) { printf("%s\n", err); return 2; }
    char out[64] = "";
    if (sqlite3_exec(db, "SELECT k, SUM(v) FROM t GROUP BY k ORDER BY 2 DESC LIMIT 1",
                     row, out, &err) != SQLITE_OK) { printf("%s\n", err); return 3; }
    printf("sqlite %s: top group '%s', query OK\n", sqlite3_libversion(), out);
    sqlite3_close(db);
    return 0;
}

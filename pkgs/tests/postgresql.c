/* postgresql test: libpq's version, a conninfo string parsed, a connection attempt to a
 * loopback port where no server listens (it must fail with CONNECTION_BAD and say the
 * connection was refused), and string escaping through that connection object. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(...) do { printf(__VA_ARGS__); printf("\n"); return 1; } while (0)

static int conninfo_check(void) {
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(
        "host=db.example port=6543 dbname='my db' user=alice connect_timeout=7", &err);
    if (opts == NULL) FAIL("PQconninfoParse: %s", err ? err : "out of memory");
    int found = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (o->val == NULL) continue;
        found += (!strcmp(o->keyword, "host") && !strcmp(o->val, "db.example"))
            + (!strcmp(o->keyword, "port") && !strcmp(o->val, "6543"))
            + (!strcmp(o->keyword, "dbname") && !strcmp(o->val, "my db"))
            + (!strcmp(o->keyword, "user") && !strcmp(o->val, "alice"));
    }
    PQconninfoFree(opts);
    if (found != 4) FAIL("conninfo: %d of 4 values", found);
    if (PQconninfoParse("host=x bogus=1", &err) != NULL || err == NULL)
        FAIL("an unknown keyword was accepted");
    printf("conninfo: 4 values parsed; unknown keyword refused: %s", err);
    PQfreemem(err);
    return 0;
}

int main(void) {
    int v = PQlibVersion();
    printf("PQlibVersion %d (%d.%d), thread-safe %d\n", v, v / 10000, v % 10000, PQisthreadsafe());
    if (v < 100000) FAIL("unexpected version");
    if (conninfo_check()) return 1;

    /* port 1 on the loopback interface: nothing listens there */
    PGconn *conn = PQconnectdb("host=127.0.0.1 port=1 dbname=test user=test connect_timeout=10");
    if (conn == NULL) FAIL("PQconnectdb returned NULL");
    const char *msg = PQerrorMessage(conn);
    printf("status %s: %s", PQstatus(conn) == CONNECTION_BAD ? "CONNECTION_BAD" : "?", msg);
    if (PQstatus(conn) != CONNECTION_BAD) FAIL("a connection to port 1 did not fail");
    /* libpq's own words for a failed connection to that address. The cause depends on the
     * runtime: a native kernel refuses (ECONNREFUSED); Wasmer's host networking accepts the
     * connect to a closed loopback port and then reports end of file, which libpq words as
     * "server closed the connection unexpectedly" */
    if (strstr(msg, "connection to server at \"127.0.0.1\", port 1 failed") == NULL ||
        (strstr(msg, "Connection refused") == NULL &&
         strstr(msg, "server closed the connection unexpectedly") == NULL))
        FAIL("unexpected error message");

    /* escaping needs only the connection object (default client encoding, standard strings) */
    char *lit = PQescapeLiteral(conn, "it's", 4);
    char *ident = PQescapeIdentifier(conn, "Weird \"name\"", 12);
    size_t n = 0;
    unsigned char *bytea = PQescapeByteaConn(conn, (const unsigned char *)"\x01\xff", 2, &n);
    if (lit == NULL || strcmp(lit, "'it''s'") != 0) FAIL("PQescapeLiteral: %s", lit);
    if (ident == NULL || strcmp(ident, "\"Weird \"\"name\"\"\"") != 0) FAIL("PQescapeIdentifier: %s", ident);
    /* no server version known: the pre-9.0 escape format, backslashes doubled */
    if (bytea == NULL || strcmp((char *)bytea, "\\\\001\\\\377") != 0)
        FAIL("PQescapeByteaConn: %s", bytea);
    printf("escaped: %s %s %s\n", lit, ident, bytea);
    PQfreemem(lit); PQfreemem(ident); PQfreemem(bytea);
    PQfinish(conn);
    printf("libpq OK\n");
    return 0;
}

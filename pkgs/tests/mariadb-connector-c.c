/* mariadb-connector-c smoke test: client versions, the TLS library built in, string
 * escaping, and a connection attempt to a port with no server that must fail with the
 * client's "can't connect" error (Connector/C reports a failed TCP connect as
 * CR_CONNECTION_ERROR 2002; CR_CONN_HOST_ERROR 2003 is accepted too), through its socket
 * code and error reporting. */
#include <stdio.h>
#include <string.h>
#include <mysql.h>
#include <errmsg.h>

int main(void) {
    if (mysql_library_init(0, NULL, NULL) != 0) {
        printf("mysql_library_init failed\n");
        return 1;
    }
    printf("client %s (%lu)\n", mysql_get_client_info(), mysql_get_client_version());

    const char *tls = NULL;
    const char *package = NULL;
    mariadb_get_infov(NULL, MARIADB_TLS_LIBRARY, &tls);
    mariadb_get_infov(NULL, MARIADB_CLIENT_VERSION, &package);
    printf("connector %s, TLS library %s\n", MARIADB_PACKAGE_VERSION, tls ? tls : "none");
    if (tls == NULL || strstr(tls, "OpenSSL") == NULL) {
        printf("no OpenSSL in the client\n");
        return 1;
    }

    MYSQL *db = mysql_init(NULL);
    if (db == NULL) {
        printf("mysql_init failed\n");
        return 1;
    }
    char escaped[64];
    const char *raw = "it's \"quoted\"\n";
    unsigned long n = mysql_real_escape_string(db, escaped, raw, (unsigned long)strlen(raw));
    if (strcmp(escaped, "it\\'s \\\"quoted\\\"\\n") != 0 || n != strlen(escaped)) {
        printf("escaping gave '%s'\n", escaped);
        return 1;
    }

    unsigned int timeout = 5;
    mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    /* port 9 (discard): no database server listens there */
    if (mysql_real_connect(db, "127.0.0.1", "user", "secret", "test", 9, NULL, 0) != NULL) {
        printf("connected to a server that should not exist\n");
        return 1;
    }
    unsigned int err = mysql_errno(db);
    printf("connect: %u %s\n", err, mysql_error(db));
    if (err != CR_CONN_HOST_ERROR && err != CR_CONNECTION_ERROR) {
        printf("unexpected error %u\n", err);
        return 1;
    }
    mysql_close(db);
    mysql_library_end();
    printf("client OK\n");
    return 0;
}

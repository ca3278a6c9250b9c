/* util-linux test (libuuid): generate random (v4), time-based (v1), time-ordered (v7) and
 * name-based (v3, v5) UUIDs, check their version and RFC 4122 variant bits, unparse and parse
 * them back, check the v3/v5 values of the RFC's DNS example, the time of a v1 UUID, that
 * random ones differ, and that malformed strings are refused. */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <uuid.h>  /* uuid.pc: -I${includedir}/uuid */

static int check(const char *what, const uuid_t u, int version) {
    char s[UUID_STR_LEN];
    uuid_t back;
    uuid_unparse_lower(u, s);
    int v = uuid_type(u), var = uuid_variant(u);
    int ok = v == version && var == UUID_VARIANT_DCE && (u[8] & 0xc0) == 0x80 &&
             (u[6] >> 4) == version && uuid_parse(s, back) == 0 && uuid_compare(u, back) == 0;
    printf("%-6s %s version %d variant %d %s\n", what, s, v, var, ok ? "ok" : "WRONG");
    return ok;
}

int main(void) {
    int ok = 1;
    uuid_t a, b;
    uuid_generate_random(a);
    uuid_generate_random(b);
    ok &= check("v4", a, 4);
    ok &= check("v4", b, 4);
    if (uuid_compare(a, b) == 0) { printf("two random UUIDs are equal\n"); ok = 0; }

    uuid_t t;
    uuid_generate_time(t);
    ok &= check("v1", t, 1);
    struct timeval tv;
    time_t when = uuid_time(t, &tv), now = time(NULL);
    printf("       v1 time %lld, now %lld\n", (long long)when, (long long)now);
    if (when < now - 60 || when > now + 60) { printf("v1 time is off\n"); ok = 0; }

    uuid_t s7;
    uuid_generate_time_v7(s7);
    ok &= check("v7", s7, 7);

    /* RFC 4122 / 9562 name-based examples: "www.example.com" in the DNS namespace */
    uuid_t n3, n5;
    const char *name = "www.example.com";
    uuid_generate_md5(n3, *uuid_get_template("dns"), name, strlen(name));
    uuid_generate_sha1(n5, *uuid_get_template("dns"), name, strlen(name));
    ok &= check("v3", n3, 3);
    ok &= check("v5", n5, 5);
    char s3[UUID_STR_LEN], s5[UUID_STR_LEN];
    uuid_unparse_lower(n3, s3);
    uuid_unparse_lower(n5, s5);
    if (strcmp(s3, "5df41881-3aed-3515-88a7-2f4a814cf09e") != 0 ||
        strcmp(s5, "2ed6657d-e927-568b-95e1-2665a8aea6a2") != 0) {
        printf("name-based UUIDs differ from the known values\n");
        ok = 0;
    }

    uuid_t p;
    static const char *bad[] = {"", "not-a-uuid", "5df41881-3aed-3515-88a7-2f4a814cf09",
                                "5df41881x3aed-3515-88a7-2f4a814cf09e",
                                "5df41881-3aed-3515-88a7-2f4a814cf0gz"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (uuid_parse(bad[i], p) == 0) { printf("accepted '%s'\n", bad[i]); ok = 0; }
    printf("       %zu malformed strings refused\n", sizeof bad / sizeof *bad);
    uuid_clear(p);
    if (!uuid_is_null(p)) ok = 0;

    if (!ok) return 1;
    printf("libuuid uuid OK\n");
    return 0;
}

/* libb2 test: BLAKE2b-512 and BLAKE2s-256 of "abc" against the test vectors of RFC 7693
 * (Appendices A and B), once in one call and once through init/update/final. */
#include <blake2.h>
#include <stdio.h>
#include <string.h>

static const char *B2B_ABC =
    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923";
static const char *B2S_ABC =
    "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";

static void hex(const uint8_t *d, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

int main(void) {
    uint8_t b[BLAKE2B_OUTBYTES], s[BLAKE2S_OUTBYTES], b2[BLAKE2B_OUTBYTES];
    char bh[2 * BLAKE2B_OUTBYTES + 1], sh[2 * BLAKE2S_OUTBYTES + 1];
    if (blake2b(b, "abc", NULL, sizeof b, 3, 0) != 0) return 1;
    if (blake2s(s, "abc", NULL, sizeof s, 3, 0) != 0) return 2;
    hex(b, sizeof b, bh);
    hex(s, sizeof s, sh);
    printf("BLAKE2b-512(\"abc\") = %s\n", bh);
    printf("BLAKE2s-256(\"abc\") = %s\n", sh);
    if (strcmp(bh, B2B_ABC) != 0) { printf("BLAKE2b mismatch\n"); return 3; }
    if (strcmp(sh, B2S_ABC) != 0) { printf("BLAKE2s mismatch\n"); return 4; }

    blake2b_state st;
    if (blake2b_init(&st, sizeof b2) != 0) return 5;
    blake2b_update(&st, (const uint8_t *)"a", 1);
    blake2b_update(&st, (const uint8_t *)"bc", 2);
    if (blake2b_final(&st, b2, sizeof b2) != 0) return 6;
    if (memcmp(b, b2, sizeof b) != 0) { printf("incremental BLAKE2b differs\n"); return 7; }
    printf("libb2: one-shot and incremental BLAKE2b agree, test vector OK\n");
    return 0;
}

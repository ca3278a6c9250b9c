/* google-crc32c test, through its C API: the CRC-32C check value of "123456789", the RFC 3720
 * (iSCSI) test vectors (32 bytes of zeros, of 0xff, ascending, descending, and the 48-byte
 * SCSI read command), crc32c_extend over pieces giving the one-shot value, and a 1 MiB buffer
 * checked against a bitwise reference implementation, from every alignment. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <crc32c/crc32c.h>

static uint32_t reference(const uint8_t *p, size_t n) {
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static int check(const char *what, uint32_t got, uint32_t want) {
    printf("%-28s 0x%08x %s\n", what, got, got == want ? "ok" : "WRONG");
    return got == want;
}

int main(void) {
    int ok = 1;
    uint8_t buf[48];
    ok &= check("\"123456789\"", crc32c_value((const uint8_t *)"123456789", 9), 0xe3069283u);
    ok &= check("empty", crc32c_value((const uint8_t *)"", 0), 0);

    memset(buf, 0, 32);
    ok &= check("32 x 0x00", crc32c_value(buf, 32), 0x8a9136aau);
    memset(buf, 0xff, 32);
    ok &= check("32 x 0xff", crc32c_value(buf, 32), 0x62a8ab43u);
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)i;
    ok &= check("0x00..0x1f", crc32c_value(buf, 32), 0x46dd794eu);
    for (int i = 0; i < 32; i++) buf[i] = (uint8_t)(31 - i);
    ok &= check("0x1f..0x00", crc32c_value(buf, 32), 0x113fdb5cu);
    static const uint8_t scsi[48] = {
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    ok &= check("iSCSI read command", crc32c_value(scsi, sizeof scsi), 0xd9963a56u);

    /* extend: the value of "123456789" built from three pieces */
    uint32_t c = crc32c_extend(0, (const uint8_t *)"123", 3);
    c = crc32c_extend(c, (const uint8_t *)"4567", 4);
    c = crc32c_extend(c, (const uint8_t *)"89", 2);
    ok &= check("extend 123|4567|89", c, 0xe3069283u);

    /* a large buffer, every start alignment, against the bitwise reference */
    size_t n = 1 << 20;
    uint8_t *big = malloc(n + 8);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n + 8; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        big[i] = (uint8_t)x;
    }
    int aligned = 1;
    for (int off = 0; off < 8; off++)
        aligned &= crc32c_value(big + off, n - (size_t)off * 977) ==
                   reference(big + off, n - (size_t)off * 977);
    printf("1 MiB at offsets 0..7         %s\n", aligned ? "ok" : "WRONG");
    ok &= aligned;
    free(big);

    if (!ok) return 1;
    printf("crc32c test vectors OK\n");
    return 0;
}

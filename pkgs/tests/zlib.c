/* Smoke test: compress and uncompress a buffer with the installed zlib. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(void) {
    const char *text = "wasixtasks zlib smoke test, wasixtasks zlib smoke test";
    unsigned char packed[256], unpacked[256];
    uLongf packed_len = sizeof packed, unpacked_len = sizeof unpacked;
    uLong len = (uLong)strlen(text) + 1;
    if (compress(packed, &packed_len, (const Bytef *)text, len) != Z_OK) return 1;
    if (uncompress(unpacked, &unpacked_len, packed, packed_len) != Z_OK) return 2;
    if (unpacked_len != len || memcmp(text, unpacked, len) != 0) return 3;
    printf("zlib %s: %lu -> %lu -> %lu bytes, roundtrip OK\n", zlibVersion(),
           (unsigned long)len, (unsigned long)packed_len, (unsigned long)unpacked_len);
    return 0;
}

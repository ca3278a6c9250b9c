/* bzip2 test: compress and decompress a buffer with the installed libbz2. */
#include <bzlib.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    char text[4096], packed[8192], unpacked[4096];
    for (int i = 0; i < (int)sizeof text; i++) text[i] = "wasixtasks bzip2 "[i % 17];
    unsigned int packed_len = sizeof packed, unpacked_len = sizeof unpacked;
    if (BZ2_bzBuffToBuffCompress(packed, &packed_len, text, sizeof text, 9, 0, 0) != BZ_OK) return 1;
    if (BZ2_bzBuffToBuffDecompress(unpacked, &unpacked_len, packed, packed_len, 0, 0) != BZ_OK) return 2;
    if (unpacked_len != sizeof text || memcmp(text, unpacked, sizeof text) != 0) return 3;
    printf("bzip2 %s: %zu -> %u -> %u bytes, roundtrip OK\n", BZ2_bzlibVersion(), sizeof text,
           packed_len, unpacked_len);
    return 0;
}

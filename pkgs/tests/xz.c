/* Smoke test: one-shot xz encode and decode with the installed liblzma. */
#include <lzma.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    const char *text = "wasixtasks liblzma smoke test, wasixtasks liblzma smoke test";
    size_t len = strlen(text) + 1, packed_len = 0, in_pos = 0, out_len = 0;
    uint8_t packed[512], unpacked[512];
    uint64_t memlimit = UINT64_MAX;
    if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)text, len, packed,
                                &packed_len, sizeof packed) != LZMA_OK) return 1;
    if (lzma_stream_buffer_decode(&memlimit, 0, NULL, packed, &in_pos, packed_len, unpacked,
                                  &out_len, sizeof unpacked) != LZMA_OK) return 2;
    if (out_len != len || memcmp(text, unpacked, len) != 0) return 3;
    printf("liblzma %s: %zu -> %zu -> %zu bytes, roundtrip OK\n", lzma_version_string(), len,
           packed_len, out_len);
    return 0;
}

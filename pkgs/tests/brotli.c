/* Smoke test: compress and decompress a buffer with the installed brotli. */
#include <brotli/decode.h>
#include <brotli/encode.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    const char *text = "wasixtasks brotli smoke test, wasixtasks brotli smoke test";
    size_t len = strlen(text) + 1, packed_len = 512, out_len = 512;
    uint8_t packed[512], unpacked[512];
    if (!BrotliEncoderCompress(BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT,
                               len, (const uint8_t *)text, &packed_len, packed)) return 1;
    if (BrotliDecoderDecompress(packed_len, packed, &out_len, unpacked) !=
        BROTLI_DECODER_RESULT_SUCCESS) return 2;
    if (out_len != len || memcmp(text, unpacked, len) != 0) return 3;
    uint32_t v = BrotliDecoderVersion();
    printf("brotli %u.%u.%u: %zu -> %zu -> %zu bytes, roundtrip OK\n", v >> 24, (v >> 12) & 0xFFF,
           v & 0xFFF, len, packed_len, out_len);
    return 0;
}

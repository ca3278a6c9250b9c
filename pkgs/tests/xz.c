/* liblzma test: a multi-threaded xz stream encoder (4 threads) and a decoder, round trip. */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE (1 << 20)

static int code(lzma_stream *s, const uint8_t *in, size_t in_len, uint8_t *out, size_t cap,
                size_t *out_len) {
    s->next_in = in; s->avail_in = in_len; s->next_out = out; s->avail_out = cap;
    lzma_ret ret;
    while ((ret = lzma_code(s, LZMA_FINISH)) == LZMA_OK) {}
    *out_len = cap - s->avail_out;
    lzma_end(s);
    return ret == LZMA_STREAM_END ? 0 : (int)ret;
}

int main(void) {
    uint8_t *text = malloc(SIZE), *packed = malloc(SIZE), *back = malloc(SIZE);
    for (size_t i = 0; i < SIZE; i++) text[i] = "wasixtasks liblzma threads "[i % 27] ^ (uint8_t)(i >> 16);
    lzma_mt mt = {.threads = 4, .block_size = SIZE / 8, .preset = 1, .check = LZMA_CHECK_CRC64};
    lzma_stream enc = LZMA_STREAM_INIT, dec = LZMA_STREAM_INIT;
    size_t packed_len = 0, back_len = 0;
    if (lzma_stream_encoder_mt(&enc, &mt) != LZMA_OK) { printf("no threaded encoder\n"); return 1; }
    if (code(&enc, text, SIZE, packed, SIZE, &packed_len) != 0) return 2;
    if (lzma_stream_decoder(&dec, UINT64_MAX, 0) != LZMA_OK) return 3;
    if (code(&dec, packed, packed_len, back, SIZE, &back_len) != 0) return 4;
    if (back_len != SIZE || memcmp(text, back, SIZE) != 0) return 5;
    printf("liblzma %s: %d -> %zu -> %zu bytes with 4 encoder threads, roundtrip OK\n",
           lzma_version_string(), SIZE, packed_len, back_len);
    return 0;
}

/* zstd test: a one-shot compress/decompress round trip, then the streaming API
 * (ZSTD_compressStream2 with two worker threads, ZSTD_decompressStream in small pieces). */
#include <stdio.h>
#include <string.h>
#include <zstd.h>

#define N 200000

static unsigned char src[N], packed[N], back[N];

int main(void) {
    /* pseudo-random text over 12 letters with repeats: compressible, but not trivially */
    unsigned int seed = 12345;
    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        src[i] = (i >= 64 && (seed >> 28) < 5) ? src[i - 64] : (unsigned char)("wasixzstdtest"[(seed >> 16) % 12]);
    }

    size_t c = ZSTD_compress(packed, sizeof packed, src, N, 19);
    if (ZSTD_isError(c)) { printf("ZSTD_compress: %s\n", ZSTD_getErrorName(c)); return 1; }
    unsigned long long size = ZSTD_getFrameContentSize(packed, c);
    size_t d = ZSTD_decompress(back, sizeof back, packed, c);
    if (ZSTD_isError(d)) { printf("ZSTD_decompress: %s\n", ZSTD_getErrorName(d)); return 2; }
    if (d != N || size != N || memcmp(src, back, N) != 0) { printf("one-shot mismatch\n"); return 3; }
    printf("one-shot: %d -> %zu -> %zu bytes (level 19)\n", N, c, d);

    /* streaming compression with 2 worker threads (ZSTD_MULTITHREAD) */
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    size_t r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3);
    size_t w = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, 2);
    if (ZSTD_isError(r) || ZSTD_isError(w)) {
        printf("setParameter: %s\n", ZSTD_getErrorName(ZSTD_isError(w) ? w : r));
        return 4;
    }
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
    ZSTD_outBuffer out = {packed, sizeof packed, 0};
    for (size_t pos = 0; pos < N; pos += 30000) {
        size_t chunk = N - pos < 30000 ? N - pos : 30000;
        ZSTD_inBuffer in = {src + pos, chunk, 0};
        ZSTD_EndDirective mode = pos + chunk == N ? ZSTD_e_end : ZSTD_e_continue;
        size_t left;
        do {
            left = ZSTD_compressStream2(cctx, &out, &in, mode);
            if (ZSTD_isError(left)) { printf("compressStream2: %s\n", ZSTD_getErrorName(left)); return 5; }
        } while (mode == ZSTD_e_end ? left != 0 : in.pos != in.size);
    }
    ZSTD_freeCCtx(cctx);

    /* streaming decompression, 1000 compressed bytes at a time */
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_outBuffer dout = {back, sizeof back, 0};
    memset(back, 0, sizeof back);
    size_t last = 1;
    for (size_t pos = 0; pos < out.pos; pos += 1000) {
        ZSTD_inBuffer in = {(const char *)packed + pos, out.pos - pos < 1000 ? out.pos - pos : 1000, 0};
        while (in.pos < in.size) {
            last = ZSTD_decompressStream(dctx, &dout, &in);
            if (ZSTD_isError(last)) { printf("decompressStream: %s\n", ZSTD_getErrorName(last)); return 6; }
        }
    }
    ZSTD_freeDCtx(dctx);
    if (last != 0 || dout.pos != N || memcmp(src, back, N) != 0) { printf("streaming mismatch\n"); return 7; }
    printf("streaming: %d -> %zu -> %zu bytes (2 worker threads, checksum)\n", N, out.pos, dout.pos);
    printf("zstd %s: roundtrip OK\n", ZSTD_versionString());
    return 0;
}

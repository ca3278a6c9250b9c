/* libwebp test: make a 48x32 RGBA image (gradient with a varying alpha), encode it to WebP
 * lossless and lossy with the simple API, check the RIFF/WEBP header and WebPGetInfo /
 * WebPGetFeatures, decode both back: lossless must be exact, lossy close. Then wrap the
 * lossless one through the demux API and count frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>

#define W 48
#define H 32

int main(void) {
    uint8_t *rgba = malloc(W * H * 4);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = rgba + (y * W + x) * 4;
            p[0] = (uint8_t)(x * 5);
            p[1] = (uint8_t)(y * 7);
            p[2] = (uint8_t)((x + y) * 3);
            p[3] = (uint8_t)(255 - x * 2);
        }
    int v = WebPGetEncoderVersion(), dv = WebPGetDecoderVersion();
    printf("encoder %d.%d.%d, decoder %d.%d.%d\n", v >> 16, (v >> 8) & 0xff, v & 0xff,
           dv >> 16, (dv >> 8) & 0xff, dv & 0xff);

    uint8_t *lossless = NULL, *lossy = NULL;
    size_t nl = WebPEncodeLosslessRGBA(rgba, W, H, W * 4, &lossless);
    size_t ny = WebPEncodeRGBA(rgba, W, H, W * 4, 90.0f, &lossy);
    if (nl == 0 || ny == 0) { printf("encoding failed (%zu, %zu)\n", nl, ny); return 1; }
    if (memcmp(lossless, "RIFF", 4) || memcmp(lossless + 8, "WEBP", 4) ||
        memcmp(lossy, "RIFF", 4) || memcmp(lossy + 8, "WEBP", 4)) {
        printf("no RIFF/WEBP header\n");
        return 2;
    }
    printf("encoded %dx%d RGBA (%d bytes): lossless %zu bytes, lossy q90 %zu bytes\n",
           W, H, W * H * 4, nl, ny);

    int w = 0, h = 0;
    WebPBitstreamFeatures f;
    if (!WebPGetInfo(lossless, nl, &w, &h) || w != W || h != H ||
        WebPGetFeatures(lossless, nl, &f) != VP8_STATUS_OK || !f.has_alpha || f.format != 2) {
        printf("lossless info wrong: %dx%d\n", w, h);
        return 3;
    }
    if (WebPGetFeatures(lossy, ny, &f) != VP8_STATUS_OK || !f.has_alpha || f.format != 1) {
        printf("lossy features wrong (format %d, alpha %d)\n", f.format, f.has_alpha);
        return 4;
    }

    uint8_t *back = WebPDecodeRGBA(lossless, nl, &w, &h);
    if (back == NULL || w != W || h != H || memcmp(back, rgba, W * H * 4) != 0) {
        printf("lossless decode differs\n");
        return 5;
    }
    WebPFree(back);
    printf("lossless decode: %dx%d, every pixel identical\n", w, h);

    back = WebPDecodeRGBA(lossy, ny, &w, &h);
    if (back == NULL || w != W || h != H) { printf("lossy decode failed\n"); return 6; }
    int maxdiff = 0;
    long total = 0;
    for (int i = 0; i < W * H * 4; i++) {
        int d = abs((int)back[i] - (int)rgba[i]);
        total += d;
        if (d > maxdiff) maxdiff = d;
    }
    WebPFree(back);
    double mean = (double)total / (W * H * 4);
    printf("lossy decode: %dx%d, mean abs diff %.2f, max %d\n", w, h, mean, maxdiff);
    if (mean > 6.0) { printf("lossy decode too far off\n"); return 7; }

    /* garbage must be refused, not crash */
    uint8_t junk[64];
    memset(junk, 0x5a, sizeof junk);
    if (WebPDecodeRGBA(junk, sizeof junk, &w, &h) != NULL) { printf("junk decoded\n"); return 8; }
    printf("garbage input refused\n");

    WebPData data = {lossless, nl};
    WebPDemuxer *demux = WebPDemux(&data);
    if (demux == NULL) { printf("WebPDemux failed\n"); return 9; }
    uint32_t frames = WebPDemuxGetI(demux, WEBP_FF_FRAME_COUNT);
    uint32_t cw = WebPDemuxGetI(demux, WEBP_FF_CANVAS_WIDTH);
    WebPDemuxDelete(demux);
    if (frames != 1 || cw != W) { printf("demux: %u frames, width %u\n", frames, cw); return 10; }
    printf("demux: %u frame, canvas width %u\n", frames, cw);

    WebPFree(lossless);
    WebPFree(lossy);
    free(rgba);
    printf("libwebp roundtrip OK\n");
    return 0;
}

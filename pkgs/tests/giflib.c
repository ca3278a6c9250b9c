/* giflib test: encode an 8x6 image with a 4-colour palette into a GIF in memory, decode it
 * back with DGifSlurp and compare every pixel and the palette. */
#include <gif_lib.h>
#include <stdio.h>
#include <string.h>

#define W 8
#define H 6

struct buffer { unsigned char data[4096]; int size, pos; };

static int write_fn(GifFileType *gif, const GifByteType *data, int len) {
    struct buffer *b = gif->UserData;
    if (b->size + len > (int)sizeof b->data) return 0;
    memcpy(b->data + b->size, data, (size_t)len);
    b->size += len;
    return len;
}

static int read_fn(GifFileType *gif, GifByteType *data, int len) {
    struct buffer *b = gif->UserData;
    if (len > b->size - b->pos) len = b->size - b->pos;
    memcpy(data, b->data + b->pos, (size_t)len);
    b->pos += len;
    return len;
}

int main(void) {
    static struct buffer buf;
    GifColorType colors[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
    GifPixelType pixels[H][W];
    int err = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) pixels[y][x] = (GifPixelType)((x + 2 * y) % 4);

    GifFileType *out = EGifOpen(&buf, write_fn, &err);
    if (out == NULL) { printf("EGifOpen: %s\n", GifErrorString(err)); return 1; }
    ColorMapObject *map = GifMakeMapObject(4, colors);
    EGifSetGifVersion(out, true);
    if (EGifPutScreenDesc(out, W, H, 2, 0, map) == GIF_ERROR ||
        EGifPutImageDesc(out, 0, 0, W, H, false, NULL) == GIF_ERROR) {
        printf("encode: %s\n", GifErrorString(out->Error));
        return 2;
    }
    for (int y = 0; y < H; y++)
        if (EGifPutLine(out, pixels[y], W) == GIF_ERROR) {
            printf("EGifPutLine: %s\n", GifErrorString(out->Error));
            return 3;
        }
    GifFreeMapObject(map);
    if (EGifCloseFile(out, &err) == GIF_ERROR) { printf("close: %s\n", GifErrorString(err)); return 4; }
    if (buf.size < 6 || memcmp(buf.data, "GIF89a", 6) != 0) { printf("no GIF89a header\n"); return 5; }

    GifFileType *in = DGifOpen(&buf, read_fn, &err);
    if (in == NULL) { printf("DGifOpen: %s\n", GifErrorString(err)); return 6; }
    if (DGifSlurp(in) == GIF_ERROR) { printf("DGifSlurp: %s\n", GifErrorString(in->Error)); return 7; }
    if (in->SWidth != W || in->SHeight != H || in->ImageCount != 1) {
        printf("decoded %dx%d with %d images\n", in->SWidth, in->SHeight, in->ImageCount);
        return 8;
    }
    const SavedImage *img = &in->SavedImages[0];
    int differ = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            differ += img->RasterBits[y * W + x] != pixels[y][x];
    const ColorMapObject *cmap = in->SColorMap;
    if (differ || cmap == NULL || cmap->ColorCount != 4 ||
        memcmp(cmap->Colors, colors, sizeof colors) != 0) {
        printf("%d pixels differ (or the palette)\n", differ);
        return 9;
    }
    DGifCloseFile(in, &err);
    printf("giflib %d.%d.%d: %dx%d image, 4-colour palette, %d byte GIF89a, %d pixels "
           "compared, roundtrip OK\n", GIFLIB_MAJOR, GIFLIB_MINOR, GIFLIB_RELEASE, W, H,
           buf.size, W * H);
    return 0;
}

/* libtiff test: write a 3-page TIFF file (8-bit RGB with Deflate, LZW and PackBits, several
 * strips each) in the sandbox's file system, read it back with TIFFReadRGBAImage and by
 * strips, and compare every pixel; then read a tag through the directory API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#define W 40
#define H 30

static unsigned char px(int page, int y, int x, int c) {
    return (unsigned char)((x * 6 + y * 3 + c * 70 + page * 20) & 0xff);
}

int main(void) {
    static const char *path = "roundtrip.tif";
    static const uint16_t codecs[] = {COMPRESSION_ADOBE_DEFLATE, COMPRESSION_LZW,
                                      COMPRESSION_PACKBITS};
    static const char *names[] = {"Deflate", "LZW", "PackBits"};
    unsigned char row[W * 3];

    TIFF *out = TIFFOpen(path, "w");
    if (out == NULL) { printf("TIFFOpen for writing failed\n"); return 1; }
    for (int page = 0; page < 3; page++) {
        TIFFSetField(out, TIFFTAG_IMAGEWIDTH, W);
        TIFFSetField(out, TIFFTAG_IMAGELENGTH, H);
        TIFFSetField(out, TIFFTAG_SAMPLESPERPIXEL, 3);
        TIFFSetField(out, TIFFTAG_BITSPERSAMPLE, 8);
        TIFFSetField(out, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
        TIFFSetField(out, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(out, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
        TIFFSetField(out, TIFFTAG_ROWSPERSTRIP, 8);
        TIFFSetField(out, TIFFTAG_IMAGEDESCRIPTION, names[page]);
        if (TIFFSetField(out, TIFFTAG_COMPRESSION, codecs[page]) != 1 ||
            !TIFFIsCODECConfigured(codecs[page])) {
            printf("codec %s not available\n", names[page]);
            return 2;
        }
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++) row[x * 3 + c] = px(page, y, x, c);
            if (TIFFWriteScanline(out, row, (uint32_t)y, 0) < 0) { printf("write failed\n"); return 3; }
        }
        if (!TIFFWriteDirectory(out)) { printf("TIFFWriteDirectory failed\n"); return 4; }
    }
    TIFFClose(out);

    TIFF *in = TIFFOpen(path, "r");
    if (in == NULL) { printf("TIFFOpen for reading failed\n"); return 5; }
    int pages = TIFFNumberOfDirectories(in);
    uint32_t *rgba = malloc(W * H * sizeof *rgba);
    for (int page = 0; page < pages; page++) {
        uint32_t w = 0, h = 0;
        uint16_t comp = 0;
        char *desc = NULL;
        TIFFSetDirectory(in, (tdir_t)page);
        TIFFGetField(in, TIFFTAG_IMAGEWIDTH, &w);
        TIFFGetField(in, TIFFTAG_IMAGELENGTH, &h);
        TIFFGetField(in, TIFFTAG_COMPRESSION, &comp);
        TIFFGetField(in, TIFFTAG_IMAGEDESCRIPTION, &desc);
        if (w != W || h != H || comp != codecs[page]) { printf("page %d: %ux%u comp %u\n", page, w, h, comp); return 6; }
        if (!TIFFReadRGBAImageOriented(in, W, H, rgba, ORIENTATION_TOPLEFT, 0)) { printf("RGBA read failed\n"); return 7; }
        int differ = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                uint32_t p = rgba[y * W + x];
                differ += TIFFGetR(p) != px(page, y, x, 0) || TIFFGetG(p) != px(page, y, x, 1) ||
                          TIFFGetB(p) != px(page, y, x, 2) || TIFFGetA(p) != 255;
            }
        /* the raw strips, decoded by the codec */
        tstrip_t strips = TIFFNumberOfStrips(in);
        for (int y = 0; y < H; y++) {
            if (TIFFReadScanline(in, row, (uint32_t)y, 0) < 0) { printf("scanline read failed\n"); return 8; }
            for (int x = 0; x < W; x++)
                for (int c = 0; c < 3; c++) differ += row[x * 3 + c] != px(page, y, x, c);
        }
        printf("page %d: %ux%u RGB, %s in %u strips (\"%s\"), %d pixels differ\n", page, w, h,
               names[page], strips, desc ? desc : "", differ);
        if (differ) return 9;
    }
    free(rgba);
    TIFFClose(in);
    if (pages != 3) { printf("%d pages\n", pages); return 10; }
    printf("%s: 3 pages roundtrip OK\n", TIFFGetVersion() ? strtok(strdup(TIFFGetVersion()), "\n") : "libtiff");
    return 0;
}

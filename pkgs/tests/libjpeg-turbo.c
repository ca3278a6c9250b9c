/* libjpeg-turbo test: make a 64x48 RGB gradient, compress it to JPEG in memory with the
 * libjpeg API (quality 90) and decompress it; check the size and that the pixels are close.
 * Then feed libjpeg garbage: its error handler longjmps back (setjmp works on WASIX). Last,
 * the same round trip through the TurboJPEG 3 API. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <turbojpeg.h>

#define W 64
#define H 48

struct err { struct jpeg_error_mgr pub; jmp_buf jump; char msg[JMSG_LENGTH_MAX]; };

static void on_error(j_common_ptr cinfo) {
    struct err *e = (struct err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->msg);
    longjmp(e->jump, 1);
}

static double mean_error(const unsigned char *a, const unsigned char *b, size_t n, int *worst) {
    double sum = 0;
    *worst = 0;
    for (size_t i = 0; i < n; i++) {
        int d = abs((int)a[i] - (int)b[i]);
        sum += d;
        if (d > *worst) *worst = d;
    }
    return sum / (double)n;
}

int main(void) {
    static unsigned char rgb[H][W][3], back[H][W][3];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            rgb[y][x][0] = (unsigned char)(x * 4);
            rgb[y][x][1] = (unsigned char)(y * 5);
            rgb[y][x][2] = (unsigned char)(128 + (x - y) / 2);
        }

    /* compress */
    struct jpeg_compress_struct c;
    struct err cerr;
    unsigned char *jpeg = NULL;
    unsigned long jpeg_size = 0;
    c.err = jpeg_std_error(&cerr.pub);
    cerr.pub.error_exit = on_error;
    if (setjmp(cerr.jump)) { printf("compress error: %s\n", cerr.msg); return 1; }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &jpeg, &jpeg_size);
    c.image_width = W;
    c.image_height = H;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = rgb[c.next_scanline][0];
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);

    /* decompress */
    struct jpeg_decompress_struct d;
    struct err derr;
    d.err = jpeg_std_error(&derr.pub);
    derr.pub.error_exit = on_error;
    if (setjmp(derr.jump)) { printf("decompress error: %s\n", derr.msg); return 2; }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, jpeg, jpeg_size);
    jpeg_read_header(&d, TRUE);
    d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&d);
    if (d.output_width != W || d.output_height != H || d.output_components != 3) {
        printf("decoded %ux%u with %d components\n", d.output_width, d.output_height,
               d.output_components);
        return 3;
    }
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = back[d.output_scanline][0];
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    int worst;
    double mean = mean_error(&rgb[0][0][0], &back[0][0][0], sizeof rgb, &worst);
    printf("libjpeg API: %dx%d RGB -> %lu byte JPEG (q90) -> %dx%d, mean error %.2f, worst %d\n",
           W, H, jpeg_size, W, H, mean, worst);
    if (mean > 3.0 || worst > 40) { printf("pixels too far off\n"); return 4; }

    /* garbage: the error handler longjmps out of jpeg_read_header */
    static unsigned char junk[64];
    memset(junk, 0x5a, sizeof junk);
    struct jpeg_decompress_struct bad;
    struct err berr;
    bad.err = jpeg_std_error(&berr.pub);
    berr.pub.error_exit = on_error;
    int refused = 0;
    if (setjmp(berr.jump)) {
        refused = 1;
    } else {
        jpeg_create_decompress(&bad);
        jpeg_mem_src(&bad, junk, sizeof junk);
        jpeg_read_header(&bad, TRUE);
    }
    jpeg_destroy_decompress(&bad);
    if (!refused) { printf("garbage was accepted\n"); return 5; }
    printf("garbage refused through longjmp: %s\n", berr.msg);
    free(jpeg);

    /* TurboJPEG 3 API */
    tjhandle tc = tj3Init(TJINIT_COMPRESS), td = tj3Init(TJINIT_DECOMPRESS);
    unsigned char *tjpeg = NULL;
    size_t tsize = 0;
    tj3Set(tc, TJPARAM_QUALITY, 85);
    tj3Set(tc, TJPARAM_SUBSAMP, TJSAMP_444);
    if (tj3Compress8(tc, &rgb[0][0][0], W, 0, H, TJPF_RGB, &tjpeg, &tsize) != 0) {
        printf("tj3Compress8: %s\n", tj3GetErrorStr(tc));
        return 6;
    }
    memset(back, 0, sizeof back);
    if (tj3DecompressHeader(td, tjpeg, tsize) != 0 ||
        tj3Get(td, TJPARAM_JPEGWIDTH) != W || tj3Get(td, TJPARAM_JPEGHEIGHT) != H ||
        tj3Decompress8(td, tjpeg, tsize, &back[0][0][0], 0, TJPF_RGB) != 0) {
        printf("TurboJPEG decompress: %s\n", tj3GetErrorStr(td));
        return 7;
    }
    mean = mean_error(&rgb[0][0][0], &back[0][0][0], sizeof rgb, &worst);
    printf("TurboJPEG API: %zu byte JPEG (q85, 4:4:4) -> %dx%d, mean error %.2f, worst %d\n",
           tsize, W, H, mean, worst);
    if (mean > 3.0 || worst > 40) { printf("pixels too far off\n"); return 8; }
    tj3Free(tjpeg);
    tj3Destroy(tc);
    tj3Destroy(td);
    printf("libjpeg-turbo %d (libjpeg API %d): roundtrip OK\n", LIBJPEG_TURBO_VERSION_NUMBER,
           JPEG_LIB_VERSION);
    return 0;
}

/* libpng test: write a 4x4 grey PNG to memory with the low-level API, read it back with the
 * simplified png_image API and compare the pixels; then feed libpng a corrupted PNG: its
 * error handling longjmps back (setjmp/longjmp work on WASIX). */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buffer { unsigned char data[4096]; size_t size, pos; };

static void on_error(png_structp png, png_const_charp msg) {
    (void)png;
    printf("libpng error: %s\n", msg);
    exit(10);
}
static void write_fn(png_structp png, png_bytep data, size_t len) {
    struct buffer *b = png_get_io_ptr(png);
    if (b->size + len > sizeof b->data) on_error(png, "buffer full");
    memcpy(b->data + b->size, data, len);
    b->size += len;
}
static void flush_fn(png_structp png) { (void)png; }

int main(void) {
    static struct buffer buf;
    unsigned char pixels[4][4], back[4][4];
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) pixels[y][x] = (unsigned char)(y * 64 + x * 16);

    png_structp w = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, NULL);
    png_infop wi = png_create_info_struct(w);
    png_set_write_fn(w, &buf, write_fn, flush_fn);
    png_set_IHDR(w, wi, 4, 4, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(w, wi);
    for (int y = 0; y < 4; y++) png_write_row(w, pixels[y]);
    png_write_end(w, NULL);
    png_destroy_write_struct(&w, &wi);

    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, buf.data, buf.size)) return 4;
    image.format = PNG_FORMAT_GRAY;
    if (image.width != 4 || image.height != 4) return 5;
    if (!png_image_finish_read(&image, NULL, back, 0, NULL)) return 6;
    if (memcmp(pixels, back, sizeof pixels) != 0) return 7;

    /* a corrupted chunk: libpng reports it through setjmp/longjmp, the program goes on */
    buf.data[20] ^= 0xff;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (png_image_begin_read_from_memory(&image, buf.data, buf.size)) return 8;
    printf("libpng %s: 4x4 image, %zu byte PNG, corrupt PNG refused (%s), roundtrip OK\n",
           png_get_libpng_ver(NULL), buf.size, image.message);
    return 0;
}

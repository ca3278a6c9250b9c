/* Smoke test: write a 4x4 grey PNG to memory with libpng's low-level API, read it back and
 * compare the pixels. Built with PNG_NO_SETJMP, so errors end the program from the error
 * callback instead of longjmp-ing. */
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
static void read_fn(png_structp png, png_bytep data, size_t len) {
    struct buffer *b = png_get_io_ptr(png);
    if (b->pos + len > b->size) on_error(png, "read past end");
    memcpy(data, b->data + b->pos, len);
    b->pos += len;
}

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

    png_structp r = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, NULL);
    png_infop ri = png_create_info_struct(r);
    png_set_read_fn(r, &buf, read_fn);
    png_read_info(r, ri);
    if (png_get_image_width(r, ri) != 4 || png_get_image_height(r, ri) != 4) return 4;
    for (int y = 0; y < 4; y++) png_read_row(r, back[y], NULL);
    png_read_end(r, NULL);
    png_destroy_read_struct(&r, &ri, NULL);
    if (memcmp(pixels, back, sizeof pixels) != 0) return 5;
    printf("libpng %s: 4x4 image, %zu byte PNG, roundtrip OK\n", png_get_libpng_ver(NULL),
           buf.size);
    return 0;
}

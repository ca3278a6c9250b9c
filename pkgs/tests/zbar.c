/* zbar smoke test: draws an EAN-13 and an Interleaved 2 of 5 bar code into grey (Y800)
 * image buffers, decodes them with zbar_scan_image and compares the decoded text; a blank
 * image must give no symbol. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#define MODULE 3 /* pixels per module (narrow element) */
#define HEIGHT 60
#define QUIET 12 /* modules of white on each side */

/* a row of modules: 1 = bar (black), 0 = space (white) */
struct row {
    unsigned char m[256];
    int n;
};

static void put(struct row *r, const char *bits) {
    for (; *bits; bits++)
        r->m[r->n++] = *bits == '1';
}

static void put_run(struct row *r, int bar, int width) {
    while (width-- > 0)
        r->m[r->n++] = (unsigned char)bar;
}

/* EAN-13: the first digit chooses the L/G parity of the left half */
static const char *const ean_l[10] = {
    "0001101", "0011001", "0010011", "0111101", "0100011",
    "0110001", "0101111", "0111011", "0110111", "0001011",
};
static const char *const ean_parity[10] = {
    "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
    "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL",
};

static void ean13_row(struct row *r, const char *digits) {
    put_run(r, 0, QUIET);
    put(r, "101");
    for (int i = 1; i <= 6; i++) {
        const char *l = ean_l[digits[i] - '0'];
        char code[8];
        for (int k = 0; k < 7; k++) /* G = the R code (L inverted) reversed */
            code[k] = ean_parity[digits[0] - '0'][i - 1] == 'L' ? l[k]
                      : (l[6 - k] == '1' ? '0' : '1');
        code[7] = 0;
        put(r, code);
    }
    put(r, "01010");
    for (int i = 7; i <= 12; i++) {
        const char *l = ean_l[digits[i] - '0'];
        for (int k = 0; k < 7; k++) /* R = L inverted */
            r->m[r->n++] = l[k] == '0';
    }
    put(r, "101");
    put_run(r, 0, QUIET);
}

/* Interleaved 2 of 5: digit pairs, the first in the bars, the second in the spaces */
static const char *const i25[10] = {
    "nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn",
};

static void i25_row(struct row *r, const char *digits) {
    put_run(r, 0, QUIET);
    put(r, "1010"); /* start: narrow bar, space, bar, space */
    for (size_t i = 0; digits[i]; i += 2) {
        const char *bars = i25[digits[i] - '0'], *spaces = i25[digits[i + 1] - '0'];
        for (int k = 0; k < 5; k++) {
            put_run(r, 1, bars[k] == 'w' ? 3 : 1);
            put_run(r, 0, spaces[k] == 'w' ? 3 : 1);
        }
    }
    put_run(r, 1, 3); /* stop: wide bar, space, narrow bar */
    put_run(r, 0, 1);
    put_run(r, 1, 1);
    put_run(r, 0, QUIET);
}

/* scans one drawn row repeated HEIGHT times; the text of the first `want` symbol goes to
 * `out`; returns how many symbols were found (-1: error), 0 when none is a `want` (any
 * symbol counts for ZBAR_NONE) */
static int scan(zbar_image_scanner_t *scanner, const struct row *r, zbar_symbol_type_t want,
                char *out, size_t outlen) {
    int width = r->n * MODULE;
    unsigned char *pixels = malloc((size_t)width * HEIGHT);
    for (int y = 0; y < HEIGHT; y++)
        for (int x = 0; x < width; x++)
            pixels[y * width + x] = r->m[x / MODULE] ? 0 : 255;
    zbar_image_t *image = zbar_image_create();
    zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(image, (unsigned)width, HEIGHT);
    zbar_image_set_data(image, pixels, (unsigned long)width * HEIGHT, zbar_image_free_data);
    int n = zbar_scan_image(scanner, image);
    int found = 0;
    for (const zbar_symbol_t *s = zbar_image_first_symbol(image); s;
         s = zbar_symbol_next(s)) {
        printf("  %s: %s (quality %d)\n", zbar_get_symbol_name(zbar_symbol_get_type(s)),
               zbar_symbol_get_data(s), zbar_symbol_get_quality(s));
        if (zbar_symbol_get_type(s) == want && !found) {
            snprintf(out, outlen, "%s", zbar_symbol_get_data(s));
            found = 1;
        }
    }
    zbar_image_destroy(image);
    return n < 0 ? -1 : (found || want == ZBAR_NONE ? n : 0);
}

int main(void) {
    unsigned major = 0, minor = 0, patch = 0;
    zbar_version(&major, &minor, &patch);
    printf("zbar %u.%u.%u\n", major, minor, patch);

    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(scanner, ZBAR_I25, ZBAR_CFG_ENABLE, 1);

    /* EAN-13 with its check digit computed here */
    char ean[14] = "400638133393";
    int sum = 0;
    for (int i = 0; i < 12; i++)
        sum += (ean[i] - '0') * (i % 2 ? 3 : 1);
    ean[12] = (char)('0' + (10 - sum % 10) % 10);
    ean[13] = 0;
    struct row r = {.n = 0};
    ean13_row(&r, ean);
    char text[64] = "";
    if (scan(scanner, &r, ZBAR_EAN13, text, sizeof text) != 1 || strcmp(text, ean) != 0) {
        printf("EAN-13 %s not decoded (got '%s')\n", ean, text);
        return 1;
    }
    printf("EAN-13 %s decoded\n", text);

    const char *digits = "20250917";
    r.n = 0;
    i25_row(&r, digits);
    text[0] = 0;
    if (scan(scanner, &r, ZBAR_I25, text, sizeof text) != 1 || strcmp(text, digits) != 0) {
        printf("I25 %s not decoded (got '%s')\n", digits, text);
        return 1;
    }
    printf("I25 %s decoded\n", text);

    /* nothing to find in a blank image */
    r.n = 0;
    put_run(&r, 0, 120);
    if (scan(scanner, &r, ZBAR_NONE, text, sizeof text) != 0) {
        printf("a blank image gave a symbol\n");
        return 1;
    }
    zbar_image_scanner_destroy(scanner);
    printf("decode OK\n");
    return 0;
}

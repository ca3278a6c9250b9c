/* openjpeg test: make a 64x48 3-component 8-bit image, encode it losslessly (5-3 wavelet,
 * 3 resolutions) to a J2K codestream and to a JP2 file, both into memory through a user
 * stream; check the codestream and JP2 signatures, decode both back and compare every
 * sample. Then encode lossy (ratio 20) and check the decoded PSNR. Last, a
 * garbage codestream must be refused through the error callback. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openjpeg.h>

#define W 64
#define H 48
#define NC 3

struct mem { unsigned char *data; size_t len, cap, pos; };

static OPJ_SIZE_T mem_read(void *buf, OPJ_SIZE_T n, void *user) {
    struct mem *m = user;
    if (m->pos >= m->len) return (OPJ_SIZE_T)-1;
    if (n > m->len - m->pos) n = m->len - m->pos;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return n;
}
static OPJ_SIZE_T mem_write(void *buf, OPJ_SIZE_T n, void *user) {
    struct mem *m = user;
    if (m->pos + n > m->cap) {
        m->cap = (m->pos + n) * 2;
        m->data = realloc(m->data, m->cap);
    }
    memcpy(m->data + m->pos, buf, n);
    m->pos += n;
    if (m->pos > m->len) m->len = m->pos;
    return n;
}
static OPJ_OFF_T mem_skip(OPJ_OFF_T n, void *user) {
    struct mem *m = user;
    if (n < 0 && (size_t)-n > m->pos) return -1;
    m->pos += (size_t)n;
    return n;
}
static OPJ_BOOL mem_seek(OPJ_OFF_T n, void *user) {
    struct mem *m = user;
    if (n < 0) return OPJ_FALSE;
    m->pos = (size_t)n;
    return OPJ_TRUE;
}

static opj_stream_t *mem_stream(struct mem *m, OPJ_BOOL input) {
    opj_stream_t *s = opj_stream_create(4096, input);
    opj_stream_set_user_data(s, m, NULL);
    opj_stream_set_user_data_length(s, input ? m->len : 0);
    opj_stream_set_read_function(s, mem_read);
    opj_stream_set_write_function(s, mem_write);
    opj_stream_set_skip_function(s, mem_skip);
    opj_stream_set_seek_function(s, mem_seek);
    return s;
}

static int errors;
static void on_error(const char *msg, void *user) {
    (void)user;
    errors++;
    if (errors == 1) printf("error callback: %s", msg);
}
static void quiet(const char *msg, void *user) { (void)msg; (void)user; }

static int sample(int c, int y, int x) { return (x * 4 + y * 5 + c * 60) & 0xff; }

static opj_image_t *make_image(void) {
    opj_image_cmptparm_t p[NC];
    memset(p, 0, sizeof p);
    for (int c = 0; c < NC; c++) {
        p[c].dx = p[c].dy = 1;
        p[c].w = W; p[c].h = H; p[c].prec = 8; p[c].sgnd = 0;
    }
    opj_image_t *img = opj_image_create(NC, p, OPJ_CLRSPC_SRGB);
    img->x0 = img->y0 = 0; img->x1 = W; img->y1 = H;
    for (int c = 0; c < NC; c++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) img->comps[c].data[y * W + x] = sample(c, y, x);
    return img;
}

static int encode(OPJ_CODEC_FORMAT fmt, float rate, struct mem *out) {
    opj_cparameters_t cp;
    opj_set_default_encoder_parameters(&cp);
    cp.numresolution = 3;
    cp.tcp_numlayers = 1;
    cp.tcp_rates[0] = rate;  /* 0: lossless */
    cp.irreversible = rate > 0;
    cp.cp_disto_alloc = 1;
    opj_image_t *img = make_image();
    opj_codec_t *codec = opj_create_compress(fmt);
    opj_set_error_handler(codec, on_error, NULL);
    opj_set_warning_handler(codec, quiet, NULL);
    opj_set_info_handler(codec, quiet, NULL);
    memset(out, 0, sizeof *out);
    opj_stream_t *s = mem_stream(out, OPJ_FALSE);
    int ok = opj_setup_encoder(codec, &cp, img) && opj_start_compress(codec, img, s) &&
             opj_encode(codec, s) && opj_end_compress(codec, s);
    opj_stream_destroy(s);
    opj_destroy_codec(codec);
    opj_image_destroy(img);
    return ok;
}

static opj_image_t *decode(OPJ_CODEC_FORMAT fmt, struct mem *in) {
    opj_dparameters_t dp;
    opj_set_default_decoder_parameters(&dp);
    opj_codec_t *codec = opj_create_decompress(fmt);
    opj_set_error_handler(codec, on_error, NULL);
    opj_set_warning_handler(codec, quiet, NULL);
    opj_set_info_handler(codec, quiet, NULL);
    opj_codec_set_threads(codec, 2);
    in->pos = 0;
    opj_stream_t *s = mem_stream(in, OPJ_TRUE);
    opj_image_t *img = NULL;
    int ok = opj_setup_decoder(codec, &dp) && opj_read_header(s, codec, &img) &&
             opj_decode(codec, s, img) && opj_end_decompress(codec, s);
    opj_stream_destroy(s);
    opj_destroy_codec(codec);
    if (!ok) { opj_image_destroy(img); return NULL; }
    return img;
}

/* the largest absolute difference to the original, or -1 when the geometry differs;
 * the mean squared error in *mse */
static int compare(const opj_image_t *img, double *mse) {
    if (img->numcomps != NC || img->x1 - img->x0 != W || img->y1 - img->y0 != H) return -1;
    int maxd = 0;
    double sq = 0;
    for (int c = 0; c < NC; c++) {
        if (img->comps[c].w != W || img->comps[c].h != H || img->comps[c].prec != 8) return -1;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                int d = abs(img->comps[c].data[y * W + x] - sample(c, y, x));
                sq += (double)d * d;
                if (d > maxd) maxd = d;
            }
    }
    *mse = sq / (W * H * NC);
    return maxd;
}

int main(void) {
    printf("openjpeg %s\n", opj_version());
    static const unsigned char jp2_sig[] = {0, 0, 0, 12, 'j', 'P', ' ', ' '};
    struct { OPJ_CODEC_FORMAT fmt; const char *name; } kinds[] = {
        {OPJ_CODEC_J2K, "J2K"}, {OPJ_CODEC_JP2, "JP2"}};
    for (int k = 0; k < 2; k++) {
        struct mem m;
        if (!encode(kinds[k].fmt, 0, &m)) { printf("%s encode failed\n", kinds[k].name); return 1; }
        int sig_ok = kinds[k].fmt == OPJ_CODEC_J2K
                         ? m.len > 4 && m.data[0] == 0xff && m.data[1] == 0x4f  /* SOC */
                         : m.len > 8 && memcmp(m.data, jp2_sig, 8) == 0;
        if (!sig_ok) { printf("%s: wrong signature\n", kinds[k].name); return 2; }
        opj_image_t *img = decode(kinds[k].fmt, &m);
        if (img == NULL) { printf("%s decode failed\n", kinds[k].name); return 3; }
        double mse;
        int d = compare(img, &mse);
        printf("%s lossless: %dx%dx%d -> %zu bytes -> decoded, max diff %d\n", kinds[k].name,
               W, H, NC, m.len, d);
        if (d != 0) return 4;
        opj_image_destroy(img);
        free(m.data);
    }

    struct mem m;
    if (!encode(OPJ_CODEC_J2K, 20.0f, &m)) { printf("lossy encode failed\n"); return 5; }
    opj_image_t *img = decode(OPJ_CODEC_J2K, &m);
    double mse = 0;
    int d = img ? compare(img, &mse) : -1;
    double psnr = 10.0 * log10(255.0 * 255.0 / (mse > 0 ? mse : 1e-9));
    printf("J2K lossy ratio 20 (9-7 wavelet): %zu bytes, PSNR %.1f dB\n", m.len, psnr);
    if (d < 0 || psnr < 20.0 || m.len >= (size_t)(W * H * NC) / 10) return 6;
    opj_image_destroy(img);
    free(m.data);

    unsigned char junk[200];
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (unsigned char)(i * 37 + 11);
    junk[0] = 0xff; junk[1] = 0x4f; junk[2] = 0xff; junk[3] = 0x51;
    struct mem bad = {junk, sizeof junk, sizeof junk, 0};
    errors = 0;
    if (decode(OPJ_CODEC_J2K, &bad) != NULL || errors == 0) {
        printf("garbage codestream not refused\n");
        return 7;
    }
    printf("garbage codestream refused (%d error messages)\n", errors);
    printf("openjpeg roundtrip OK\n");
    return 0;
}

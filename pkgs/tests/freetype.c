/* freetype under Wasmer: no font file can be shipped with the test, so the library's
 * rasterizer and stroker work on outlines built here (a square with a square hole and a
 * triangle), and the font loader must refuse bytes that are no font. */
#include <stdio.h>
#include <string.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include FT_STROKER_H
#include FT_BBOX_H

#define CHECK(x) do { FT_Error e_ = (x); if (e_) { printf("FAIL %s: error %d\n", #x, e_); return 1; } } while (0)
#define EXPECT(c) do { if (!(c)) { printf("FAIL %s (line %d)\n", #c, __LINE__); return 1; } } while (0)

static void set_point(FT_Outline *o, int i, long x, long y) {
    o->points[i].x = x * 64;  /* 26.6 fixed point: whole pixels */
    o->points[i].y = y * 64;
    o->tags[i] = FT_CURVE_TAG_ON;
}

static long coverage(FT_Library lib, FT_Outline *o, int w, int h, int *full) {
    static unsigned char buf[64 * 64];
    FT_Bitmap bm;
    memset(buf, 0, sizeof buf);
    memset(&bm, 0, sizeof bm);
    bm.rows = h; bm.width = w; bm.pitch = w; bm.buffer = buf;
    bm.num_grays = 256; bm.pixel_mode = FT_PIXEL_MODE_GRAY;
    if (FT_Outline_Get_Bitmap(lib, o, &bm)) return -1;
    long sum = 0;
    *full = 0;
    for (int i = 0; i < w * h; i++) { sum += buf[i]; if (buf[i] == 255) (*full)++; }
    return sum;
}

int main(void) {
    FT_Library lib;
    FT_Int major, minor, patch;
    CHECK(FT_Init_FreeType(&lib));
    FT_Library_Version(lib, &major, &minor, &patch);
    printf("FreeType %d.%d.%d\n", major, minor, patch);
    EXPECT(major == FREETYPE_MAJOR && minor == FREETYPE_MINOR);

    /* a 40x40 square at (10,10) with a 20x20 hole (reversed contour), and a triangle */
    FT_Outline o;
    CHECK(FT_Outline_New(lib, 11, 3, &o));
    set_point(&o, 0, 10, 10); set_point(&o, 1, 50, 10); set_point(&o, 2, 50, 50); set_point(&o, 3, 10, 50);
    set_point(&o, 4, 20, 20); set_point(&o, 5, 20, 40); set_point(&o, 6, 40, 40); set_point(&o, 7, 40, 20);
    set_point(&o, 8, 52, 2); set_point(&o, 9, 62, 2); set_point(&o, 10, 52, 12);
    o.contours[0] = 3; o.contours[1] = 7; o.contours[2] = 10;
    CHECK(FT_Outline_Check(&o));
    EXPECT(FT_Outline_Get_Orientation(&o) != FT_ORIENTATION_NONE);

    FT_BBox cbox, bbox;
    FT_Outline_Get_CBox(&o, &cbox);
    CHECK(FT_Outline_Get_BBox(&o, &bbox));
    printf("cbox: %ld %ld %ld %ld (pixels)\n", cbox.xMin / 64, cbox.yMin / 64, cbox.xMax / 64, cbox.yMax / 64);
    EXPECT(cbox.xMin == 10 * 64 && cbox.yMin == 2 * 64 && cbox.xMax == 62 * 64 && cbox.yMax == 50 * 64);
    EXPECT(memcmp(&cbox, &bbox, sizeof cbox) == 0);

    /* anti-aliased rendering into a 64x64 gray bitmap: 1600 - 400 + 50 pixels of area */
    int full;
    long sum = coverage(lib, &o, 64, 64, &full);
    printf("rendered coverage: %ld/255 = %.1f pixels, %d fully covered\n", sum, sum / 255.0, full);
    EXPECT(sum > 0);
    double area = sum / 255.0;
    EXPECT(area > 1245 && area < 1255);
    EXPECT(full >= 1200 - 50 && full <= 1250);

    /* the outline moved 8 pixels left renders the same area */
    FT_Outline_Translate(&o, -8 * 64, 0);
    long moved = coverage(lib, &o, 64, 64, &full);
    EXPECT(moved == sum);

    /* the stroker: a 2-pixel-wide border around every contour */
    FT_Stroker stroker;
    CHECK(FT_Stroker_New(lib, &stroker));
    FT_Stroker_Set(stroker, 1 * 64, FT_STROKER_LINECAP_BUTT, FT_STROKER_LINEJOIN_MITER, 4 << 16);
    CHECK(FT_Stroker_ParseOutline(stroker, &o, 0));
    FT_UInt npoints, ncontours;
    CHECK(FT_Stroker_GetCounts(stroker, &npoints, &ncontours));
    printf("stroke: %u points, %u contours\n", npoints, ncontours);
    EXPECT(ncontours == 6);  /* inside and outside border of each contour */
    FT_Outline stroked;
    CHECK(FT_Outline_New(lib, npoints, ncontours, &stroked));
    stroked.n_points = 0; stroked.n_contours = 0;
    FT_Stroker_Export(stroker, &stroked);
    EXPECT(stroked.n_points == (short)npoints && stroked.n_contours == (short)ncontours);
    FT_BBox sbox;
    FT_Outline_Get_CBox(&stroked, &sbox);
    EXPECT(sbox.xMin <= 1 * 64 && sbox.xMax >= 55 * 64);
    long ring = coverage(lib, &stroked, 64, 64, &full);
    printf("stroked coverage: %.1f pixels\n", ring / 255.0);
    /* borders: 4 sides of 40 + 4 of 20 (2 px wide) and the triangle's ~34 px perimeter */
    EXPECT(ring / 255.0 > 300 && ring / 255.0 < 600);
    FT_Stroker_Done(stroker);

    /* bytes that are no font are refused */
    static const unsigned char junk[64] = "this is not a font file at all, just bytes";
    FT_Face face;
    FT_Error err = FT_New_Memory_Face(lib, junk, sizeof junk, 0, &face);
    /* (which error depends on the last driver that tried: a short buffer can end in a
     * stream error rather than Unknown_File_Format) */
    printf("junk face: error 0x%02x (%s)\n", err, FT_Error_String(err) ? FT_Error_String(err) : "-");
    EXPECT(err != 0);

    CHECK(FT_Outline_Done(lib, &stroked));
    CHECK(FT_Outline_Done(lib, &o));
    CHECK(FT_Done_FreeType(lib));
    printf("freetype test OK\n");
    return 0;
}

/* geos test, through the reentrant C API (libgeos_c over the C++ libgeos): read a 10x10
 * square from WKT, check its area, buffer it by 1 and check the area against the exact value
 * for the rounded corners (100 + 40 + pi, less the polygonal approximation), test predicates
 * and an intersection, write WKT back. Then invalid WKT: the C++ ParseException is thrown
 * inside libgeos, caught by libgeos_c and reported through our error handler (C++ exceptions
 * work on WASIX); the call returns NULL and the program goes on. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <geos_c.h>

static char last_error[512];
static int error_count;

static void on_error(const char *message, void *userdata) {
    (void)userdata;
    snprintf(last_error, sizeof last_error, "%s", message);
    error_count++;
}

int main(void) {
    printf("GEOS %s (C API %s)\n", GEOSversion(), GEOS_CAPI_VERSION);
    GEOSContextHandle_t ctx = GEOS_init_r();
    GEOSContext_setErrorMessageHandler_r(ctx, on_error, NULL);
    GEOSWKTReader *reader = GEOSWKTReader_create_r(ctx);
    GEOSWKTWriter *writer = GEOSWKTWriter_create_r(ctx);
    GEOSWKTWriter_setRoundingPrecision_r(ctx, writer, 2);

    GEOSGeometry *square = GEOSWKTReader_read_r(ctx, reader,
                                                "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))");
    if (square == NULL) { printf("WKT read failed: %s\n", last_error); return 1; }
    double area = 0;
    if (!GEOSArea_r(ctx, square, &area) || fabs(area - 100.0) > 1e-9) {
        printf("square area %f\n", area);
        return 2;
    }
    printf("square area %.1f, valid %d\n", area, GEOSisValid_r(ctx, square));

    GEOSGeometry *buffered = GEOSBuffer_r(ctx, square, 1.0, 16);
    double barea = 0, exact = 100.0 + 40.0 + M_PI;
    if (buffered == NULL || !GEOSArea_r(ctx, buffered, &barea) || barea > exact ||
        barea < exact - 0.01) {
        printf("buffer area %f, expected just under %f\n", barea, exact);
        return 3;
    }
    printf("buffer(1, 16 segments per quadrant) area %.4f (exact circle corners %.4f), "
           "%d points\n", barea, exact, GEOSGetNumCoordinates_r(ctx, buffered));

    GEOSGeometry *pt = GEOSWKTReader_read_r(ctx, reader, "POINT(10.5 10.5)");
    GEOSGeometry *far = GEOSWKTReader_read_r(ctx, reader, "POINT(10.9 10.9)");
    if (GEOSContains_r(ctx, buffered, pt) != 1 || GEOSContains_r(ctx, square, pt) != 0 ||
        GEOSContains_r(ctx, buffered, far) != 0) {
        printf("contains predicates wrong\n");
        return 4;
    }
    GEOSGeometry *other = GEOSWKTReader_read_r(ctx, reader,
                                               "POLYGON((5 5, 15 5, 15 15, 5 15, 5 5))");
    GEOSGeometry *inter = GEOSIntersection_r(ctx, square, other);
    double iarea = 0;
    GEOSArea_r(ctx, inter, &iarea);
    GEOSNormalize_r(ctx, inter);
    char *wkt = GEOSWKTWriter_write_r(ctx, writer, inter);
    printf("intersection %s, area %.1f\n", wkt, iarea);
    if (fabs(iarea - 25.0) > 1e-9) return 5;
    GEOSFree_r(ctx, wkt);

    /* invalid WKT: a C++ exception inside GEOS, turned into an error message */
    error_count = 0;
    GEOSGeometry *bad = GEOSWKTReader_read_r(ctx, reader, "POLYGON((0 0, 1 1, oops))");
    if (bad != NULL || error_count != 1 || strstr(last_error, "ParseException") == NULL) {
        printf("invalid WKT: geometry %p, %d errors, message '%s'\n", (void *)bad,
               error_count, last_error);
        return 6;
    }
    printf("invalid WKT refused: %s\n", last_error);
    /* an unclosed ring: the IllegalArgumentException of the LinearRing constructor */
    error_count = 0;
    bad = GEOSWKTReader_read_r(ctx, reader, "POLYGON((0 0, 1 0, 1 1, 0 1))");
    if (bad != NULL || error_count != 1) { printf("unclosed ring accepted\n"); return 7; }
    printf("unclosed ring refused: %s\n", last_error);
    /* and the context still works after the exceptions */
    GEOSGeometry *again = GEOSWKTReader_read_r(ctx, reader, "LINESTRING(0 0, 3 4)");
    double len = 0;
    if (again == NULL || !GEOSLength_r(ctx, again, &len) || fabs(len - 5.0) > 1e-12) {
        printf("reading after the exceptions failed\n");
        return 8;
    }
    printf("after the exceptions: line length %.1f\n", len);

    GEOSGeom_destroy_r(ctx, again);
    GEOSGeom_destroy_r(ctx, inter);
    GEOSGeom_destroy_r(ctx, other);
    GEOSGeom_destroy_r(ctx, far);
    GEOSGeom_destroy_r(ctx, pt);
    GEOSGeom_destroy_r(ctx, buffered);
    GEOSGeom_destroy_r(ctx, square);
    GEOSWKTWriter_destroy_r(ctx, writer);
    GEOSWKTReader_destroy_r(ctx, reader);
    GEOS_finish_r(ctx);
    printf("geos geometry OK\n");
    return 0;
}

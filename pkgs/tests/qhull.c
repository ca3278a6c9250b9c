/* qhull under Wasmer, through the reentrant library as matplotlib's _qhull uses it: the 2-D
 * convex hull and the Delaunay triangulation of a few points, and a flat input refused (qhull
 * reports errors by longjmp out of the computation). */
#include <stdio.h>
#include "libqhull_r/qhull_ra.h"

#define EXPECT(c) do { if (!(c)) { printf("FAIL %s (line %d)\n", #c, __LINE__); return 1; } } while (0)

static coordT points[] = {
    0.0, 0.0,  4.0, 0.0,  4.0, 3.0,  0.0, 3.0,  /* the hull: a 4x3 rectangle */
    1.0, 1.0,  2.5, 2.0,  3.1, 0.7,             /* inside */
};
#define NPOINTS 7

int main(void) {
    qhT qh_qh;
    qhT *qh = &qh_qh;
    facetT *facet;
    vertexT *vertex, **vertexp;
    int curlong, totlong;

    QHULL_LIB_CHECK
    /* convex hull: in 2-D its facets are the edges */
    qh_zero(qh, stderr);
    int exitcode = qh_new_qhull(qh, 2, NPOINTS, points, False, "qhull", NULL, stderr);
    EXPECT(exitcode == 0);
    qh_getarea(qh, qh->facet_list);  /* in 2-D: area and perimeter */
    int edges = 0, hull_area_ok;
    FORALLfacets { edges++; }
    printf("hull: %d edges, %d vertices, area %.3f, perimeter %.3f\n", edges, qh->num_vertices,
           qh->totvol, qh->totarea);
    EXPECT(edges == 4 && qh->num_vertices == 4);
    hull_area_ok = qh->totvol > 11.999 && qh->totvol < 12.001 && qh->totarea > 13.999 && qh->totarea < 14.001;
    FORALLvertices { EXPECT(qh_pointid(qh, vertex->point) < 4); }
    qh_freeqhull(qh, !qh_ALL);
    qh_memfreeshort(qh, &curlong, &totlong);
    EXPECT(curlong == 0 && totlong == 0);
    EXPECT(hull_area_ok);

    /* Delaunay triangulation with matplotlib's options: 2n - h - 2 = 8 triangles */
    qh_zero(qh, stderr);
    exitcode = qh_new_qhull(qh, 2, NPOINTS, points, False, "qhull d Qt Qbb Qz", NULL, stderr);
    EXPECT(exitcode == 0);
    int triangles = 0, corner_uses[NPOINTS] = {0};
    FORALLfacets {
        if (facet->upperdelaunay) continue;
        triangles++;
        int n = 0;
        FOREACHvertex_(facet->vertices) { corner_uses[qh_pointid(qh, vertex->point)]++; n++; }
        EXPECT(n == 3);
    }
    printf("delaunay: %d triangles; triangles per point:", triangles);
    for (int i = 0; i < NPOINTS; i++) printf(" %d", corner_uses[i]);
    printf("\n");
    EXPECT(triangles == 8);
    for (int i = 0; i < NPOINTS; i++) EXPECT(corner_uses[i] >= 1);
    int total = 0;
    for (int i = 0; i < NPOINTS; i++) total += corner_uses[i];
    EXPECT(total == 3 * triangles);
    qh_freeqhull(qh, !qh_ALL);
    qh_memfreeshort(qh, &curlong, &totlong);

    /* collinear points: no 2-D hull; the error comes back as an exit code (via longjmp) */
    coordT flat[] = {0, 0, 1, 1, 2, 2, 3, 3};
    qh_zero(qh, stderr);
    exitcode = qh_new_qhull(qh, 2, 4, flat, False, "qhull d Qt Qbb Qz", NULL, stderr);
    printf("collinear input: exit code %d\n", exitcode);
    EXPECT(exitcode == qh_ERRsingular || exitcode == qh_ERRinput || exitcode == qh_ERRprec);
    qh_freeqhull(qh, !qh_ALL);
    qh_memfreeshort(qh, &curlong, &totlong);

    printf("qhull test OK\n");
    return 0;
}

/* Tests of band areas by boundary integration (geo/geo_nested.h). Every
 * area is checked against a GEOS overlay of the same polygon and band, the
 * computation geo_nested replaces. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "common/xy_error.h"
#include "geo/geo_albers.h"
#include "geo/geo_hazard.h"
#include "geo/geo_nested.h"
#include "geo/geo_rings.h"

/* Rings of 10 and 30 km around Lushan: band 0 the disc, band 1 the ring. */
#define S_LAT 30.28
#define S_LON 102.96

static geo_footprint_t *s_rings(void)
{
    const double radii[] = {10.0, 30.0};
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_hazard_rings(&fp, S_LAT, S_LON, radii, 2, NULL, 0), 0);
    return fp;
}

static double s_overlay(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                        const geo_footprint_t *fp, size_t b)
{
    GEOSGeometry *x = GEOSIntersection_r(ctx, g, geo_footprint_geometry(fp, b));
    cr_assert_not_null(x);
    double a = -1;
    cr_assert_eq(geo_albers_area_km2(ctx, x, &a), 0);
    GEOSGeom_destroy_r(ctx, x);
    return a;
}

/* Band areas of the polygon in wkt by geo_nested against fp. When they are
 * computed (0 returned), each is checked against the overlay to 1e-9
 * relative. */
static int s_areas(const geo_footprint_t *fp, const char *wkt, double *area)
{
    GEOSContextHandle_t ctx = GEOS_init_r();
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx, r, wkt);
    cr_assert_not_null(g, "%s", wkt);
    geo_rings_t *rings = NULL;
    cr_assert_eq(geo_rings_from_geos(&rings, ctx, g), 0);
    geo_nested_t *nest = NULL;
    cr_assert_eq(geo_nested_new(&nest, fp), 0);
    int rc = geo_nested_areas(nest, rings, area);
    for (size_t b = 0; rc == 0 && b < geo_footprint_count(fp); b++) {
        double want = s_overlay(ctx, g, fp, b);
        cr_assert(fabs(area[b] - want) <= 1e-9 * fmax(want, 1.0),
                  "band %zu: %.12f km2, overlay %.12f km2", b, area[b], want);
    }
    geo_nested_destroy(&nest);
    cr_assert_null(nest);
    geo_rings_destroy(&rings);
    GEOSGeom_destroy_r(ctx, g);
    GEOSWKTReader_destroy_r(ctx, r);
    GEOS_finish_r(ctx);
    return rc;
}

Test(geo_nested, square_across_both_bands_gets_its_share_of_each)
{
    geo_footprint_t *fp = s_rings();
    double area[2] = {-1, -1};
    cr_assert_eq(s_areas(fp,
                         "POLYGON((102.80 30.20, 103.00 30.20, 103.00 30.40, "
                         "102.80 30.40, 102.80 30.20))",
                         area),
                 0);
    cr_assert(area[0] > 100 && area[1] > 100, "%f %f", area[0], area[1]);
    geo_footprint_destroy(&fp);
}

Test(geo_nested, clockwise_ring_gives_the_same_areas)
{
    geo_footprint_t *fp = s_rings();
    double ccw[2], cw[2];
    cr_assert_eq(s_areas(fp,
                         "POLYGON((102.80 30.20, 103.00 30.20, 103.00 30.40, "
                         "102.80 30.40, 102.80 30.20))",
                         ccw),
                 0);
    cr_assert_eq(s_areas(fp,
                         "POLYGON((102.80 30.20, 102.80 30.40, 103.00 30.40, "
                         "103.00 30.20, 102.80 30.20))",
                         cw),
                 0);
    cr_assert_float_eq(ccw[0], cw[0], 1e-9 * ccw[0]);
    cr_assert_float_eq(ccw[1], cw[1], 1e-9 * ccw[1]);
    geo_footprint_destroy(&fp);
}

Test(geo_nested, county_holding_every_ring_gets_the_whole_bands)
{
    geo_footprint_t *fp = s_rings();
    double area[2];
    cr_assert_eq(s_areas(fp,
                         "POLYGON((102.4 29.8, 103.5 29.8, 103.5 30.8, "
                         "102.4 30.8, 102.4 29.8))",
                         area),
                 0);
    for (size_t b = 0; b < 2; b++)
        cr_assert_float_eq(area[b], geo_footprint_area_km2(fp, b),
                           1e-9 * area[b]);
    geo_footprint_destroy(&fp);
}

Test(geo_nested, hole_around_the_inner_disc_is_left_out)
{
    geo_footprint_t *fp = s_rings();
    double area[2];
    /* the hole holds the whole 10 km disc and lies inside the 30 km one */
    cr_assert_eq(s_areas(fp,
                         "POLYGON((102.4 29.8, 103.5 29.8, 103.5 30.8, "
                         "102.4 30.8, 102.4 29.8),"
                         "(102.8 30.1, 102.8 30.45, 103.12 30.45, "
                         "103.12 30.1, 102.8 30.1))",
                         area),
                 0);
    cr_assert_eq(area[0], 0.0);
    cr_assert(area[1] > 0 && area[1] < geo_footprint_area_km2(fp, 1));
    geo_footprint_destroy(&fp);
}

Test(geo_nested, parts_of_a_multipolygon_add_up)
{
    geo_footprint_t *fp = s_rings();
    double area[2];
    cr_assert_eq(s_areas(fp,
                         "MULTIPOLYGON(((102.95 30.27, 102.97 30.27, "
                         "102.97 30.29, 102.95 30.29, 102.95 30.27)),"
                         "((103.10 30.20, 103.30 30.20, 103.30 30.35, "
                         "103.10 30.35, 103.10 30.20)))",
                         area),
                 0);
    cr_assert(area[0] > 3 && area[0] < 5, "%f", area[0]); /* ~2 x 2 km */
    cr_assert(area[1] > 100, "%f", area[1]);
    geo_footprint_destroy(&fp);
}

Test(geo_nested, county_far_away_gets_nothing)
{
    geo_footprint_t *fp = s_rings();
    double area[2] = {-1, -1};
    cr_assert_eq(
        s_areas(fp, "POLYGON((110 40, 111 40, 111 41, 110 41, 110 40))", area),
        0);
    cr_assert_eq(area[0], 0.0);
    cr_assert_eq(area[1], 0.0);
    geo_footprint_destroy(&fp);
}

Test(geo_nested, ring_through_ellipse_vertices_is_declined)
{
    geo_footprint_t *fp = s_rings();
    double lat, lon;
    const double *e = geo_footprint_ellipse(fp, 0, &lat, &lon);
    cr_assert_not_null(e);
    cr_assert_float_eq(lat, S_LAT, 1e-12);
    /* a county drawn on the inner circle's own vertices */
    GEOSContextHandle_t ctx = GEOS_init_r();
    GEOSCoordSequence *seq =
        GEOSCoordSeq_copyFromBuffer_r(ctx, e, GEO_FOOTPRINT_SEGMENTS + 1, 0, 0);
    GEOSGeometry *shell = GEOSGeom_createLinearRing_r(ctx, seq);
    GEOSGeometry *g = GEOSGeom_createPolygon_r(ctx, shell, NULL, 0);
    geo_rings_t *rings = NULL;
    cr_assert_eq(geo_rings_from_geos(&rings, ctx, g), 0);
    geo_nested_t *nest = NULL;
    cr_assert_eq(geo_nested_new(&nest, fp), 0);
    double area[2];
    cr_assert_eq(geo_nested_areas(nest, rings, area), XY_EAGAIN);
    geo_nested_destroy(&nest);
    geo_rings_destroy(&rings);
    GEOSGeom_destroy_r(ctx, g);
    GEOS_finish_r(ctx);
    geo_footprint_destroy(&fp);
}

Test(geo_nested, drawn_polygon_footprint_is_not_supported)
{
    const char *text = "{\"type\":\"Polygon\",\"coordinates\":[[[102,30],"
                       "[103,30],[103,31],[102,31],[102,30]]]}";
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_hazard_polygon(&fp, text, strlen(text), NULL, 0), 0);
    cr_assert_null(geo_footprint_ellipse(fp, 0, &(double){0}, &(double){0}));
    geo_nested_t *nest = NULL;
    cr_assert_eq(geo_nested_new(&nest, fp), XY_ENOTSUP);
    cr_assert_null(nest);
    geo_footprint_destroy(&fp);
}

Test(geo_rings, rings_keep_orientation_area_and_bounds)
{
    GEOSContextHandle_t ctx = GEOS_init_r();
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx);
    GEOSGeometry *g = GEOSWKTReader_read_r(
        ctx, r,
        "POLYGON((102 30, 102 31, 103 31, 103 30, 102 30),"
        "(102.2 30.2, 102.8 30.2, 102.8 30.8, 102.2 30.8, 102.2 30.2))");
    geo_rings_t *rings = NULL;
    cr_assert_eq(geo_rings_from_geos(&rings, ctx, g), 0);
    cr_assert_eq(geo_rings_count(rings), 2);
    geo_ring_t shell = geo_rings_get(rings, 0), hole = geo_rings_get(rings, 1);
    cr_assert_eq(shell.n, 5);
    cr_assert_eq(shell.side, -1, "clockwise shell: interior on the right");
    cr_assert_eq(hole.side, -1, "counter-clockwise hole: interior right");
    double want = 0;
    cr_assert_eq(geo_albers_area_km2(ctx, g, &want), 0);
    cr_assert_float_eq(geo_rings_area_km2(rings), want, 1e-9 * want);
    cr_assert_eq(geo_rings_bounds(rings)[0], 102.0);
    cr_assert_eq(geo_rings_bounds(rings)[3], 31.0);
    double x, y;
    geo_albers_forward(31.0, 102.0, &x, &y);
    cr_assert_eq(shell.xy[2], x);
    cr_assert_eq(shell.xy[3], y);
    geo_rings_destroy(&rings);
    cr_assert_null(rings);
    GEOSGeometry *pt = GEOSWKTReader_read_r(ctx, r, "POINT(102 30)");
    cr_assert_eq(geo_rings_from_geos(&rings, ctx, pt), XY_EGEOM);
    cr_assert_null(rings);
    GEOSGeom_destroy_r(ctx, pt);
    GEOSGeom_destroy_r(ctx, g);
    GEOSWKTReader_destroy_r(ctx, r);
    GEOS_finish_r(ctx);
}

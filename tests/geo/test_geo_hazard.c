/* Tests of drawn polygons and point-and-radius rings (geo/geo_hazard.h). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "common/xy_error.h"
#include "geo/geo_hazard.h"

Test(geo_hazard, drawn_polygon_becomes_a_one_band_footprint)
{
    const char *text =
        "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
        "\"Polygon\",\"coordinates\":[[[103.0,31.0],[103.5,31.0],"
        "[103.5,31.5],[103.0,31.5],[103.0,31.0]]]}}";
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    int rc = geo_hazard_polygon(&fp, text, strlen(text), err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(geo_footprint_kind(fp), GEO_HAZARD_POLYGON);
    cr_assert_eq(geo_footprint_count(fp), 1);
    cr_assert_eq(geo_footprint_level(fp, 0), 1);
    /* 0.5 x 0.5 degree at 31.25N: 55.6 km x 47.5 km */
    double want = 0.5 * 111.2 * 0.5 * 111.2 * cos(31.25 * M_PI / 180);
    cr_assert(fabs(geo_footprint_area_km2(fp, 0) - want) / want < 0.01,
              "%.1f vs %.1f", geo_footprint_area_km2(fp, 0), want);
    geo_footprint_destroy(&fp);
    cr_assert_null(fp);
}

Test(geo_hazard, self_intersecting_polygon_is_refused_with_the_reason)
{
    /* a bow tie */
    const char *text = "{\"type\":\"Polygon\",\"coordinates\":[[[100,30],"
                       "[101,31],[101,30],[100,31],[100,30]]]}";
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    int rc = geo_hazard_polygon(&fp, text, strlen(text), err, sizeof(err));
    cr_assert_eq(rc, XY_EGEOM, "%s", xy_errname(rc));
    cr_assert_null(fp);
    cr_assert_not_null(strstr(err, "Self-intersection"), "%s", err);
    cr_assert_not_null(strstr(err, "100.5"), "%s", err);
}

Test(geo_hazard, drawn_polygon_out_of_range_is_refused)
{
    const char *text = "{\"type\":\"Polygon\",\"coordinates\":[[[100,30],"
                       "[190,31],[101,30],[100,30]]]}";
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    int rc = geo_hazard_polygon(&fp, text, strlen(text), err, sizeof(err));
    cr_assert_eq(rc, XY_ECOORD, "%s", xy_errname(rc));
    cr_assert_not_null(strstr(err, "position 1"), "%s", err);
}

Test(geo_hazard, malformed_drawn_polygons_get_their_own_errors)
{
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    const char *open_ring = "{\"type\":\"Polygon\",\"coordinates\":[[[100,30],"
                            "[101,31],[101,30],[100,30.5]]]}";
    cr_assert_eq(
        geo_hazard_polygon(&fp, open_ring, strlen(open_ring), err, sizeof(err)),
        XY_EGEOM);
    cr_assert_not_null(strstr(err, "not closed"), "%s", err);
    const char *line = "{\"type\":\"LineString\",\"coordinates\":[[1,2],"
                       "[3,4]]}";
    cr_assert_eq(geo_hazard_polygon(&fp, line, strlen(line), err, sizeof(err)),
                 XY_ENOTSUP);
    const char *junk = "{\"type\":\"Polygon\",";
    cr_assert_eq(geo_hazard_polygon(&fp, junk, strlen(junk), err, sizeof(err)),
                 XY_EPARSE);
    cr_assert_not_null(strstr(err, "not JSON"), "%s", err);
    cr_assert_eq(geo_hazard_polygon(&fp, junk, GEO_HAZARD_MAX_TEXT + 1u, err,
                                    sizeof(err)),
                 XY_ETOOBIG);
    cr_assert_null(fp);
}

Test(geo_hazard, ring_areas_are_pi_r_squared_within_one_percent)
{
    const double radii[] = {5.0, 20.0, 50.0, 200.0};
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    int rc = geo_hazard_rings(&fp, 29.59, 102.08, radii, 4, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(geo_footprint_kind(fp), GEO_HAZARD_RINGS);
    cr_assert_eq(geo_footprint_count(fp), 4);
    double inner = 0;
    for (size_t i = 0; i < 4; i++) {
        double disc = M_PI * radii[i] * radii[i];
        double ring = disc - inner;
        double got = geo_footprint_area_km2(fp, i);
        cr_assert(fabs(got - ring) / ring < 0.01, "ring %zu: %.2f vs %.2f", i,
                  got, ring);
        cr_assert_eq(geo_footprint_level(fp, i), (int)i + 1);
        inner = disc;
    }
    geo_footprint_destroy(&fp);
}

Test(geo_hazard, bad_rings_are_refused)
{
    geo_footprint_t *fp = NULL;
    const double up[] = {10.0, 5.0}, zero[] = {0.0}, huge[] = {5000.0};
    cr_assert_eq(geo_hazard_rings(&fp, 95.0, 100.0, zero + 0, 0, NULL, 0),
                 XY_ECOORD);
    cr_assert_eq(geo_hazard_rings(&fp, 30.0, 100.0, up, 2, NULL, 0), XY_EINVAL);
    cr_assert_eq(geo_hazard_rings(&fp, 30.0, 100.0, zero, 1, NULL, 0),
                 XY_EINVAL);
    cr_assert_eq(geo_hazard_rings(&fp, 30.0, 100.0, huge, 1, NULL, 0),
                 XY_EINVAL);
    cr_assert_eq(geo_hazard_rings(&fp, 30.0, 100.0, up, 0, NULL, 0), XY_EINVAL);
    const double r[] = {100.0};
    cr_assert_eq(geo_hazard_rings(&fp, 0.0, 179.9, r, 1, NULL, 0), XY_ERANGE,
                 "a ring across the antimeridian");
    cr_assert_eq(geo_hazard_rings(&fp, 89.5, 0.0, r, 1, NULL, 0), XY_ERANGE,
                 "a ring over the pole");
    cr_assert_null(fp);
}

/* Tests of area-weighted population exposure (geo/geo_exposure.h). */
#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "geo/geo_albers.h"
#include "geo/geo_exposure.h"
#include "geo/geo_hazard.h"
#include "geo/geo_layer.h"
#include "geo/geo_quake.h"
#include "tests/support/xy_test.h"

static geo_layer_t *s_layer(void)
{
    geo_layer_t *layer = NULL;
    char err[256] = "";
    int rc = geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
    return layer;
}

/* The GeoJSON geometry of county `code` in the shipped file, as text. */
static char *s_county_geojson(int32_t code)
{
    json_t *root = json_load_file(GEO_LAYER_COUNTIES_PATH, 0, NULL);
    cr_assert_not_null(root);
    json_t *features = json_object_get(root, "features");
    char *text = NULL;
    for (size_t i = 0; i < json_array_size(features) && !text; i++) {
        json_t *f = json_array_get(features, i);
        json_t *c = json_object_get(json_object_get(f, "properties"), "code");
        if (json_integer_value(c) == code)
            text = json_dumps(json_object_get(f, "geometry"), JSON_COMPACT);
    }
    json_decref(root);
    cr_assert_not_null(text);
    return text;
}

Test(geo_exposure, rings_around_lushan_share_people_out_by_county)
{
    geo_layer_t *layer = s_layer();
    const double radii[] = {10.0, 30.0};
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_hazard_rings(&fp, 30.28, 102.96, radii, 2, NULL, 0), 0);

    geo_exposure_t *e = NULL;
    char err[256] = "";
    cr_assert_eq(geo_exposure_compute(layer, fp, &e, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(geo_exposure_bands(e), 2);
    cr_assert(geo_exposure_count(e) > 0);
    double sum = 0;
    size_t prev_band = 0;
    for (size_t i = 0; i < geo_exposure_count(e); i++) {
        const geo_exposure_row_t *r = geo_exposure_row(e, i);
        cr_assert(r->band >= prev_band, "rows ordered by band");
        prev_band = r->band;
        cr_assert(r->fraction > 0 && r->fraction <= 1.0);
        double pop = (double)geo_layer_population(layer, r->county);
        cr_assert_float_eq(r->population, pop * r->fraction, 1e-6);
        cr_assert_eq(r->code, geo_layer_code(layer, r->county));
        sum += r->population;
    }
    cr_assert_float_eq(sum, geo_exposure_total(e), 1e-6);
    cr_assert_float_eq(geo_exposure_band_population(e, 0) +
                           geo_exposure_band_population(e, 1),
                       geo_exposure_total(e), 1e-6);
    /* most of the inner 10 km disc lies in 芦山县 */
    const geo_exposure_row_t *top = NULL;
    for (size_t i = 0; i < geo_exposure_count(e); i++) {
        const geo_exposure_row_t *r = geo_exposure_row(e, i);
        if (r->band == 0 && (!top || r->area_km2 > top->area_km2))
            top = r;
    }
    cr_assert_not_null(top);
    cr_assert_str_eq(top->name, "芦山县");
    cr_assert(top->area_km2 > 0.5 * geo_footprint_area_km2(fp, 0));
    /* shares of the county areas add up to the ring areas */
    double area = 0;
    for (size_t i = 0; i < geo_exposure_count(e); i++)
        if (geo_exposure_row(e, i)->band == 1)
            area += geo_exposure_row(e, i)->area_km2;
    cr_assert(fabs(area - geo_footprint_area_km2(fp, 1)) <
                  0.001 * geo_footprint_area_km2(fp, 1),
              "%.2f vs %.2f", area, geo_footprint_area_km2(fp, 1));
    geo_exposure_destroy(&e);
    cr_assert_null(e);
    geo_footprint_destroy(&fp);
    geo_layer_destroy(&layer);
}

Test(geo_exposure, polygon_equal_to_a_county_exposes_its_population)
{
    geo_layer_t *layer = s_layer();
    size_t idx = 0;
    cr_assert_eq(geo_layer_find(layer, 540223, &idx), 0); /* 定日县 */
    char *text = s_county_geojson(540223);
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    int rc = geo_hazard_polygon(&fp, text, strlen(text), err, sizeof(err));
    free(text);
    cr_assert_eq(rc, 0, "%s", err);
    geo_exposure_t *e = NULL;
    cr_assert_eq(geo_exposure_compute(layer, fp, &e, NULL, 0), 0);
    int found = 0;
    for (size_t i = 0; i < geo_exposure_count(e); i++) {
        const geo_exposure_row_t *r = geo_exposure_row(e, i);
        if (r->code == 540223) {
            found = 1;
            cr_assert_float_eq(r->fraction, 1.0, 1e-9);
            cr_assert_float_eq(r->population, 58173.0, 1e-3);
        } else {
            /* neighbours touch along the shared border only */
            cr_assert(r->fraction < 1e-4, "county %d fraction %g", (int)r->code,
                      r->fraction);
        }
    }
    cr_assert(found);
    cr_assert_float_eq(geo_exposure_total(e), 58173.0, 5.0);
    geo_exposure_destroy(&e);
    geo_footprint_destroy(&fp);
    geo_layer_destroy(&layer);
}

typedef int (*s_compute_fn)(const geo_layer_t *, const geo_footprint_t *,
                            geo_exposure_t **, char *, size_t);

/* Computes the exposure of the bench event (Ms 7.0, 102.9E 30.3N, strike
 * 40) with the indexed path into *a and with other into *b. */
static void s_bench_pair(s_compute_fn other, geo_exposure_t **a,
                         geo_exposure_t **b)
{
    geo_layer_t *layer = s_layer();
    geo_quake_model_t *m = NULL;
    cr_assert_eq(geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                      GEO_QUAKE_PROVINCES_PATH, NULL, 0),
                 0);
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 7.0, 40.0, &fp), 0);
    cr_assert_eq(geo_exposure_compute(layer, fp, a, NULL, 0), 0);
    cr_assert_eq(other(layer, fp, b, NULL, 0), 0);
    cr_assert_eq(geo_exposure_count(*a), geo_exposure_count(*b));
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&m);
    geo_layer_destroy(&layer);
}

Test(geo_exposure, index_and_no_index_give_identical_rows)
{
    geo_exposure_t *a = NULL, *b = NULL;
    s_bench_pair(geo_exposure_compute_noindex, &a, &b);
    cr_assert(geo_exposure_count(a) > 20, "%zu rows", geo_exposure_count(a));
    for (size_t i = 0; i < geo_exposure_count(a); i++) {
        const geo_exposure_row_t *x = geo_exposure_row(a, i);
        const geo_exposure_row_t *y = geo_exposure_row(b, i);
        cr_assert_eq(x->band, y->band);
        cr_assert_eq(x->code, y->code);
        cr_assert_eq(x->population, y->population);
        cr_assert_eq(x->fraction, y->fraction);
    }
    cr_assert_eq(geo_exposure_total(a), geo_exposure_total(b));
    /* western Sichuan: millions of people in the VI+ area */
    cr_assert(geo_exposure_total(a) > 1e6, "%.0f", geo_exposure_total(a));
    geo_exposure_destroy(&a);
    geo_exposure_destroy(&b);
}

Test(geo_exposure, overlay_path_gives_the_same_rows)
{
    geo_exposure_t *a = NULL, *b = NULL;
    s_bench_pair(geo_exposure_compute_overlay, &a, &b);
    cr_assert(geo_exposure_overlays(b) > 20, "%zu", geo_exposure_overlays(b));
    for (size_t i = 0; i < geo_exposure_count(a); i++) {
        const geo_exposure_row_t *x = geo_exposure_row(a, i);
        const geo_exposure_row_t *y = geo_exposure_row(b, i);
        cr_assert_eq(x->band, y->band);
        cr_assert_eq(x->code, y->code);
        cr_assert_float_eq(x->area_km2, y->area_km2, 1e-9 * y->area_km2);
        cr_assert_float_eq(x->population, y->population,
                           1e-9 * y->population + 1e-9);
    }
    cr_assert_float_eq(geo_exposure_total(a), geo_exposure_total(b),
                       1e-9 * geo_exposure_total(b));
    geo_exposure_destroy(&a);
    geo_exposure_destroy(&b);
}

Test(geo_exposure, footprint_with_no_band_exposes_nobody)
{
    geo_layer_t *layer = s_layer();
    geo_quake_model_t *m = NULL;
    cr_assert_eq(geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                      GEO_QUAKE_PROVINCES_PATH, NULL, 0),
                 0);
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 4.0, 0, &fp), 0);
    geo_exposure_t *e = NULL;
    cr_assert_eq(geo_exposure_compute(layer, fp, &e, NULL, 0), 0);
    cr_assert_eq(geo_exposure_count(e), 0);
    cr_assert_eq(geo_exposure_total(e), 0.0);
    cr_assert_null(geo_exposure_row(e, 0));
    geo_exposure_destroy(&e);
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&m);
    geo_layer_destroy(&layer);
}

/* People of every county in every band by a plain GEOS overlay of each
 * pair (no index, no prepared geometry): bands x counties, caller frees. */
static double *s_plain(const geo_layer_t *layer, const geo_footprint_t *fp)
{
    size_t nc = geo_layer_count(layer), nb = geo_footprint_count(fp);
    double *pop = xcalloc(nb * nc, sizeof(double));
    GEOSContextHandle_t ctx = GEOS_init_r();
    for (size_t b = 0; b < nb; b++)
        for (size_t i = 0; i < nc; i++) {
            GEOSGeometry *x =
                GEOSIntersection_r(ctx, geo_layer_geometry(layer, i),
                                   geo_footprint_geometry(fp, b));
            cr_assert_not_null(x);
            double a = 0;
            cr_assert_eq(geo_albers_area_km2(ctx, x, &a), 0);
            GEOSGeom_destroy_r(ctx, x);
            double f = fmin(1.0, a / geo_layer_area_km2(layer, i));
            if (a > 0)
                pop[b * nc + i] = (double)geo_layer_population(layer, i) * f;
        }
    GEOS_finish_r(ctx);
    return pop;
}

/* Every county/band pair of e holds the plain overlay's people to 1e-6
 * relative, and e has a row exactly where the overlay finds area. */
static void s_agree_with_plain(const geo_layer_t *layer,
                               const geo_footprint_t *fp,
                               const geo_exposure_t *e)
{
    size_t nc = geo_layer_count(layer), nb = geo_footprint_count(fp);
    double *want = s_plain(layer, fp);
    double *got = xcalloc(nb * nc, sizeof(double));
    char *seen = xcalloc(nb * nc, 1);
    for (size_t i = 0; i < geo_exposure_count(e); i++) {
        const geo_exposure_row_t *r = geo_exposure_row(e, i);
        got[r->band * nc + r->county] = r->population;
        seen[r->band * nc + r->county] = 1;
    }
    size_t pairs = 0;
    for (size_t k = 0; k < nb * nc; k++) {
        int code = geo_layer_code(layer, k % nc);
        if (want[k] > 0) {
            pairs++;
            cr_assert(seen[k], "band %zu county %d missing", k / nc, code);
            cr_assert(fabs(got[k] - want[k]) <= 1e-6 * want[k],
                      "band %zu county %d: %.9f people, overlay %.9f", k / nc,
                      code, got[k], want[k]);
        } else if (seen[k]) {
            /* a county without census figure has a row but no people */
            cr_assert_eq(got[k], 0.0, "band %zu county %d", k / nc, code);
            cr_assert_eq(geo_layer_population(layer, k % nc), 0);
        }
    }
    cr_assert(pairs > 0);
    free(want);
    free(got);
    free(seen);
}

Test(geo_exposure, nested_path_agrees_with_overlay_of_every_pair)
{
    geo_layer_t *layer = s_layer();
    geo_quake_model_t *m = NULL;
    cr_assert_eq(geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                      GEO_QUAKE_PROVINCES_PATH, NULL, 0),
                 0);
    /* the bench event, and Dingri 2025 with its USGS strike */
    const double ev[2][4] = {{30.3, 102.9, 7.0, 40.0},
                             {28.639, 87.3608, 6.8, 187.0}};
    for (size_t k = 0; k < 2; k++) {
        geo_footprint_t *fp = NULL;
        cr_assert_eq(
            geo_quake_footprint(m, ev[k][0], ev[k][1], ev[k][2], ev[k][3], &fp),
            0);
        geo_exposure_t *e = NULL;
        cr_assert_eq(geo_exposure_compute(layer, fp, &e, NULL, 0), 0);
        cr_assert(geo_exposure_count(e) > 5);
        /* no county touches an ellipse: no GEOS overlay was needed */
        cr_assert_eq(geo_exposure_overlays(e), 0);
        s_agree_with_plain(layer, fp, e);
        geo_exposure_destroy(&e);
        geo_footprint_destroy(&fp);
    }
    geo_quake_model_destroy(&m);
    geo_layer_destroy(&layer);
}

/* Writes a two-county layer: county 1 drawn on the vertices of ellipse 0 of
 * fp, county 2 a square across both bands. */
static void s_write_layer(const char *path, const geo_footprint_t *fp)
{
    double lat, lon;
    const double *e = geo_footprint_ellipse(fp, 0, &lat, &lon);
    cr_assert_not_null(e);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"type\":\"FeatureCollection\",\"features\":["
               "{\"type\":\"Feature\",\"properties\":{\"code\":1,"
               "\"name\":\"disc\",\"pop2020\":1000},\"geometry\":"
               "{\"type\":\"Polygon\",\"coordinates\":[[");
    for (size_t j = 0; j <= GEO_FOOTPRINT_SEGMENTS; j++)
        fprintf(f, "%s[%.17g,%.17g]", j ? "," : "", e[2 * j], e[2 * j + 1]);
    fprintf(f, "]]}},{\"type\":\"Feature\",\"properties\":{\"code\":2,"
               "\"name\":\"square\",\"pop2020\":5000},\"geometry\":"
               "{\"type\":\"Polygon\",\"coordinates\":[[[102.8,30.2],"
               "[103,30.2],[103,30.4],[102.8,30.4],[102.8,30.2]]]}}]}");
    cr_assert_eq(fclose(f), 0);
}

Test(geo_exposure, county_on_an_ellipse_is_overlaid_by_geos)
{
    const double radii[] = {10.0, 30.0};
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_hazard_rings(&fp, 30.28, 102.96, radii, 2, NULL, 0), 0);
    char *dir = xy_test_mkdtemp();
    char path[512];
    snprintf(path, sizeof(path), "%s/layer.geojson", dir);
    s_write_layer(path, fp);
    geo_layer_t *layer = NULL;
    char err[256] = "";
    cr_assert_eq(geo_layer_load(&layer, path, err, sizeof(err)), 0, "%s", err);
    geo_exposure_t *e = NULL;
    cr_assert_eq(geo_exposure_compute(layer, fp, &e, NULL, 0), 0);
    /* the disc is declined by geo_nested: one overlay per band */
    cr_assert_eq(geo_exposure_overlays(e), 2, "%zu", geo_exposure_overlays(e));
    s_agree_with_plain(layer, fp, e);
    const geo_exposure_row_t *disc = geo_exposure_row(e, 0);
    cr_assert_eq(disc->code, 1);
    cr_assert_eq(disc->band, 0);
    cr_assert_float_eq(disc->fraction, 1.0, 1e-9);
    cr_assert_float_eq(disc->population, 1000.0, 1e-6);
    geo_exposure_destroy(&e);
    geo_layer_destroy(&layer);
    geo_footprint_destroy(&fp);
    xy_test_rmdir(&dir);
}

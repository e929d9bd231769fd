/* Tests of area-weighted population exposure (geo/geo_exposure.h). */
#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "geo/geo_exposure.h"
#include "geo/geo_hazard.h"
#include "geo/geo_layer.h"
#include "geo/geo_quake.h"

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

Test(geo_exposure, index_and_no_index_give_identical_rows)
{
    geo_layer_t *layer = s_layer();
    geo_quake_model_t *m = NULL;
    cr_assert_eq(geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                      GEO_QUAKE_PROVINCES_PATH, NULL, 0),
                 0);
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 7.0, 40.0, &fp), 0);
    geo_exposure_t *a = NULL, *b = NULL;
    cr_assert_eq(geo_exposure_compute(layer, fp, &a, NULL, 0), 0);
    cr_assert_eq(geo_exposure_compute_noindex(layer, fp, &b, NULL, 0), 0);
    cr_assert(geo_exposure_count(a) > 20, "%zu rows", geo_exposure_count(a));
    cr_assert_eq(geo_exposure_count(a), geo_exposure_count(b));
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
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&m);
    geo_layer_destroy(&layer);
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

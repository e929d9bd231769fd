/* Tests of the earthquake footprint (geo/geo_quake.h): the GB 18306-2015
 * elliptical attenuation model, its region rule, and the 2025-01-07 Dingri
 * earthquake against the intensity map published by the China Earthquake
 * Administration (maximum IX, VI-and-above about 23,000 km², Dingri and its
 * neighbours). */
#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "geo/geo_exposure.h"
#include "geo/geo_layer.h"
#include "geo/geo_quake.h"
#include "tests/support/xy_test.h"

#define S_DINGRI_MS 6.8 /* CEA surface-wave magnitude */

static geo_quake_model_t *s_model(void)
{
    geo_quake_model_t *m = NULL;
    char err[256] = "";
    int rc = geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                  GEO_QUAKE_PROVINCES_PATH, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
    return m;
}

/* Epicentre, magnitude and fault strike of the USGS event file. */
static void s_usgs_dingri(double *lat, double *lon, double *mag, double *strike)
{
    json_error_t jerr;
    json_t *root = json_load_file(
        XY_SHARED_DATA "/quake/usgs_us6000pi9w_dingri2025_detail.geojson", 0,
        &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *coords =
        json_object_get(json_object_get(root, "geometry"), "coordinates");
    json_t *props = json_object_get(root, "properties");
    *lon = json_number_value(json_array_get(coords, 0));
    *lat = json_number_value(json_array_get(coords, 1));
    *mag = json_number_value(json_object_get(props, "mag"));
    json_t *ff = json_array_get(
        json_object_get(json_object_get(props, "products"), "finite-fault"), 0);
    const char *s = json_string_value(
        json_object_get(json_object_get(ff, "properties"), "model-strike"));
    cr_assert_not_null(s);
    *strike = strtod(s, NULL);
    json_decref(root);
}

Test(geo_quake, dingri_2025_footprint_matches_the_published_intensity_map)
{
    double lat, lon, mag, strike;
    s_usgs_dingri(&lat, &lon, &mag, &strike);
    cr_assert_float_eq(lat, 28.639, 1e-9);
    cr_assert_float_eq(lon, 87.3608, 1e-9);
    cr_assert_float_eq(mag, 7.1, 1e-9); /* USGS Mww; the model needs Ms */
    cr_assert_float_eq(strike, 187.0, 1e-9);

    geo_quake_model_t *m = s_model();
    geo_quake_info_t info;
    cr_assert_eq(geo_quake_assess(m, lat, lon, S_DINGRI_MS, &info), 0);
    cr_assert_eq(info.region, GEO_QUAKE_TIBET);
    cr_assert_eq(info.prov_code, 540000);
    cr_assert(abs(info.level - 9) <= 1, "epicentral intensity %d", info.level);

    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_quake_footprint(m, lat, lon, S_DINGRI_MS, strike, &fp), 0);
    cr_assert_eq(geo_footprint_kind(fp), GEO_HAZARD_QUAKE);
    cr_assert_eq(geo_footprint_level(fp, 0), info.level);
    size_t n = geo_footprint_count(fp);
    cr_assert_eq(n, (size_t)(info.level - 6 + 1));
    cr_assert_eq(geo_footprint_level(fp, n - 1), 6);
    double vi_area = 0;
    for (size_t b = 0; b < n; b++)
        vi_area += geo_footprint_area_km2(fp, b);
    cr_assert(vi_area > 10000 && vi_area < 40000, "VI+ area %.0f km²", vi_area);

    geo_layer_t *layer = NULL;
    cr_assert_eq(geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, NULL, 0), 0);
    geo_exposure_t *e = NULL;
    cr_assert_eq(geo_exposure_compute(layer, fp, &e, NULL, 0), 0);
    int dingri_top = 0;
    const int32_t neighbours[] = {540225, 540226, 540224}; /* 拉孜 昂仁 萨迦 */
    int seen[3] = {0};
    for (size_t i = 0; i < geo_exposure_count(e); i++) {
        const geo_exposure_row_t *r = geo_exposure_row(e, i);
        if (r->code == 540223 && r->band == 0) {
            cr_assert_str_eq(r->name, "定日县");
            dingri_top = 1;
        }
        for (size_t k = 0; k < 3; k++)
            seen[k] |= r->code == neighbours[k];
        /* nothing far away: every affected county is in Tibet */
        cr_assert_eq(r->code / 10000, 54, "county %d", (int)r->code);
    }
    cr_assert(dingri_top, "定日县 is not in the highest band");
    for (size_t k = 0; k < 3; k++)
        cr_assert(seen[k], "county %d not affected", (int)neighbours[k]);
    double people = geo_exposure_total(e);
    /* the neighbourhood holds a few hundred thousand people at most */
    cr_assert(people > 50000 && people < 400000, "%.0f people", people);
    geo_exposure_destroy(&e);
    geo_layer_destroy(&layer);
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, model_reproduces_the_tabulated_epicentral_values)
{
    /* ATTENUATION.md: Qinghai-Tibet, long axis, R = 0 */
    geo_quake_model_t *m = s_model();
    const double ms[] = {8.0, 7.0, 6.8, 6.2}, want[] = {10.4, 9.1, 8.9, 8.1};
    for (size_t i = 0; i < 4; i++) {
        geo_quake_info_t info;
        cr_assert_eq(geo_quake_assess(m, 31.0, 103.4, ms[i], &info), 0);
        cr_assert_eq(info.region, GEO_QUAKE_TIBET);
        cr_assert_float_eq(info.i0, want[i], 0.05, "Ms %.1f gives %.2f", ms[i],
                           info.i0);
    }
    geo_quake_model_destroy(&m);
}

Test(geo_quake, isoseismal_radii_follow_the_formula)
{
    geo_quake_model_t *m = s_model();
    double a, b;
    geo_quake_radii_km(m, GEO_QUAKE_TIBET, 7.0, 6.0, &a, &b);
    /* 10^((6 - 6.4580 - 1.2746*7) / -4.4709) - 25 */
    cr_assert_float_eq(a, pow(10, (6 - 6.458 - 1.2746 * 7) / -4.4709) - 25,
                       1e-9);
    cr_assert_float_eq(b, pow(10, (6 - 3.3682 - 1.2746 * 7) / -3.3119) - 9,
                       1e-9);
    cr_assert(a > b && b > 0);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, region_rule_follows_the_provinces)
{
    geo_quake_model_t *m = s_model();
    geo_quake_info_t info;
    /* Urumqi: Tianshan */
    cr_assert_eq(geo_quake_assess(m, 43.8, 87.6, 6.0, &info), 0);
    cr_assert_eq(info.region, GEO_QUAKE_XINJIANG);
    /* Tangshan 1976 */
    cr_assert_eq(geo_quake_assess(m, 39.6, 118.2, 7.8, &info), 0);
    cr_assert_eq(info.region, GEO_QUAKE_EASTERN);
    cr_assert_eq(info.prov_code, 130000);
    /* Chengdu plain is east of the Longmenshan */
    cr_assert_eq(geo_quake_assess(m, 30.67, 104.07, 5.0, &info), 0);
    cr_assert_eq(info.region, GEO_QUAKE_CENTRAL);
    /* Luding 2022 */
    cr_assert_eq(geo_quake_assess(m, 29.59, 102.08, 6.8, &info), 0);
    cr_assert_eq(info.region, GEO_QUAKE_TIBET);
    /* Bohai Sea, 20 km off the coast of Hebei/Tianjin: nearest province */
    cr_assert_eq(geo_quake_assess(m, 38.9, 117.9, 5.0, &info), 0);
    cr_assert_eq(info.region, GEO_QUAKE_EASTERN);
    cr_assert_str_eq(geo_quake_region_name(GEO_QUAKE_TIBET), "Qinghai-Tibet");
    geo_quake_model_destroy(&m);
}

Test(geo_quake, epicentre_outside_china_is_refused)
{
    geo_quake_model_t *m = s_model();
    geo_footprint_t *fp = NULL;
    /* Kathmandu, Ulaanbaatar, Tokyo */
    cr_assert_eq(geo_quake_footprint(m, 27.7, 85.3, 7.0, 0, &fp), XY_EOUTSIDE);
    cr_assert_eq(geo_quake_footprint(m, 47.9, 106.9, 7.0, 0, &fp), XY_EOUTSIDE);
    cr_assert_eq(geo_quake_footprint(m, 35.7, 139.7, 7.0, 0, &fp), XY_EOUTSIDE);
    cr_assert_null(fp);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, bad_coordinates_and_magnitudes_are_refused)
{
    geo_quake_model_t *m = s_model();
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_quake_footprint(m, 91.0, 100.0, 7.0, 0, &fp), XY_ECOORD);
    cr_assert_eq(geo_quake_footprint(m, 30.0, -181.0, 7.0, 0, &fp), XY_ECOORD);
    cr_assert_eq(geo_quake_footprint(m, NAN, 100.0, 7.0, 0, &fp), XY_ECOORD);
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 9.5, 0, &fp), XY_ERANGE);
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, NAN, 0, &fp), XY_ERANGE);
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 7.0, INFINITY, &fp),
                 XY_EINVAL);
    cr_assert_null(fp);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, unknown_strike_gives_a_circle_of_the_same_area)
{
    geo_quake_model_t *m = s_model();
    geo_footprint_t *e = NULL, *c = NULL;
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 7.0, 40.0, &e), 0);
    cr_assert_eq(
        geo_quake_footprint(m, 30.3, 102.9, 7.0, GEO_QUAKE_STRIKE_UNKNOWN, &c),
        0);
    cr_assert_eq(geo_footprint_count(e), geo_footprint_count(c));
    for (size_t b = 0; b < geo_footprint_count(e); b++) {
        double ea = geo_footprint_area_km2(e, b);
        double ca = geo_footprint_area_km2(c, b);
        cr_assert(fabs(ea - ca) / ea < 0.005, "band %zu: %.1f vs %.1f", b, ea,
                  ca);
        double a, bb;
        geo_footprint_axes(c, b, &a, &bb);
        cr_assert_float_eq(a, bb, 1e-9);
    }
    /* the outer VI ellipse is about pi a b */
    double a, b, sum = 0;
    geo_footprint_axes(e, geo_footprint_count(e) - 1, &a, &b);
    for (size_t k = 0; k < geo_footprint_count(e); k++)
        sum += geo_footprint_area_km2(e, k);
    cr_assert(fabs(sum - M_PI * a * b) / sum < 0.01, "%.0f vs %.0f", sum,
              M_PI * a * b);
    geo_footprint_destroy(&e);
    geo_footprint_destroy(&c);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, small_event_has_no_band)
{
    geo_quake_model_t *m = s_model();
    geo_footprint_t *fp = NULL;
    cr_assert_eq(geo_quake_footprint(m, 30.3, 102.9, 4.0, 0, &fp), 0);
    cr_assert_eq(geo_footprint_count(fp), 0);
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, footprint_geojson_lists_every_band)
{
    geo_quake_model_t *m = s_model();
    geo_footprint_t *fp = NULL;
    char *text = NULL;
    cr_assert_eq(geo_quake_footprint(m, 28.639, 87.3608, 6.8, 187, &fp), 0);
    cr_assert_eq(geo_footprint_to_geojson(fp, &text), 0);
    json_t *root = json_loads(text, 0, NULL);
    cr_assert_not_null(root);
    json_t *features = json_object_get(root, "features");
    cr_assert_eq(json_array_size(features), geo_footprint_count(fp));
    json_t *p0 = json_object_get(json_array_get(features, 0), "properties");
    cr_assert_eq(json_integer_value(json_object_get(p0, "level")),
                 geo_footprint_level(fp, 0));
    json_decref(root);
    free(text);
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&m);
}

Test(geo_quake, bad_coefficient_file_names_the_line)
{
    char *dir = xy_test_mkdtemp();
    char path[512];
    snprintf(path, sizeof(path), "%s/coef.csv", dir);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("# comment\nregion_cn,region_en,axis,A,B,C,R0_km,sigma\n"
          "x,Qinghai-Tibet,long,6.4580,1.2746,-4.4709,25,0.6636\n"
          "x,Qinghai-Tibet,short,3.3682,abc,-3.3119,9,0.6636\n",
          f);
    fclose(f);
    geo_quake_model_t *m = NULL;
    char err[256] = "";
    int rc = geo_quake_model_load(&m, path, GEO_QUAKE_PROVINCES_PATH, err,
                                  sizeof(err));
    cr_assert_eq(rc, XY_EPARSE, "%s", xy_errname(rc));
    cr_assert_not_null(strstr(err, "coef.csv:4"), "%s", err);
    cr_assert_null(m);

    f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs("region_cn,region_en,axis,A,B,C,R0_km,sigma\n"
          "x,Qinghai-Tibet,long,6.4580,1.2746,-4.4709,25,0.6636\n",
          f);
    fclose(f);
    rc = geo_quake_model_load(&m, path, GEO_QUAKE_PROVINCES_PATH, err,
                              sizeof(err));
    cr_assert_eq(rc, XY_EMISSING, "%s", xy_errname(rc));
    cr_assert_not_null(strstr(err, "short"), "%s", err);
    xy_test_rmdir(&dir);
}

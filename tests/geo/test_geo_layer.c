/* Tests of the county layer (geo/geo_layer.h): loading the shipped 2021
 * county boundaries with their census population, lookups, and the errors a
 * bad file gets. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/xy_error.h"
#include "geo/geo_layer.h"
#include "tests/support/xy_test.h"

static char *s_write(const char *dir, const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

Test(geo_layer, loads_the_counties_and_finds_one_by_code)
{
    geo_layer_t *layer = NULL;
    char err[256] = "";
    int rc = geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);

    cr_assert_eq(geo_layer_count(layer), 2990);
    cr_assert_eq(geo_layer_population_total(layer), 1409878724LL);

    size_t i = 0;
    cr_assert_eq(geo_layer_find(layer, 540223, &i), 0);
    cr_assert_str_eq(geo_layer_name(layer, i), "定日县");
    cr_assert_str_eq(geo_layer_name_en(layer, i), "Dingri");
    cr_assert_eq(geo_layer_population(layer, i), 58173);
    cr_assert_eq(geo_layer_prov_code(layer, i), 540000);
    /* 13,882 km² on the generalised polygon (the census gives 13,929 km²
     * for the full-resolution boundary) */
    cr_assert_float_eq(geo_layer_area_km2(layer, i), 13882.2, 1.0);

    double x0, y0, x1, y1;
    geo_layer_bounds(layer, i, &x0, &y0, &x1, &y1);
    cr_assert(x0 < 87.3608 && 87.3608 < x1 && y0 < 28.639 && 28.639 < y1);
    cr_assert_not_null(geo_layer_geometry(layer, i));

    geo_layer_destroy(&layer);
    cr_assert_null(layer);
    geo_layer_destroy(&layer);
}

/* Planar area (km²) of a TopoJSON ring list, arcs already decoded. */
static double s_topo_ring(json_t *arcs_xy, json_t *ring)
{
    double sum = 0, x0 = 0, y0 = 0, px = 0, py = 0;
    size_t k = 0;
    for (size_t j = 0; j < json_array_size(ring); j++) {
        json_int_t a = json_integer_value(json_array_get(ring, j));
        json_t *arc = json_array_get(arcs_xy, (size_t)(a >= 0 ? a : ~a));
        size_t n = json_array_size(arc);
        for (size_t m = (j == 0 ? 0 : 1); m < n; m++) {
            json_t *pt = json_array_get(arc, a >= 0 ? m : n - 1 - m);
            double x = json_real_value(json_array_get(pt, 0)) / 1000.0;
            double y = json_real_value(json_array_get(pt, 1)) / 1000.0;
            if (k++ == 0) {
                x0 = x;
                y0 = y;
            } else {
                sum += (px - x0) * (y - y0) - (x - x0) * (py - y0);
            }
            px = x;
            py = y;
        }
    }
    return fabs(sum) / 2.0;
}

/* Decodes the quantised, delta-coded arcs into metres in place. */
static json_t *s_topo_arcs(json_t *topo)
{
    json_t *tr = json_object_get(topo, "transform");
    double sx =
        json_number_value(json_array_get(json_object_get(tr, "scale"), 0));
    double sy =
        json_number_value(json_array_get(json_object_get(tr, "scale"), 1));
    double tx =
        json_number_value(json_array_get(json_object_get(tr, "translate"), 0));
    double ty =
        json_number_value(json_array_get(json_object_get(tr, "translate"), 1));
    json_t *arcs = json_object_get(topo, "arcs"), *out = json_array();
    for (size_t i = 0; i < json_array_size(arcs); i++) {
        json_t *arc = json_array_get(arcs, i), *xy = json_array();
        json_int_t x = 0, y = 0;
        for (size_t m = 0; m < json_array_size(arc); m++) {
            json_t *d = json_array_get(arc, m);
            x += json_integer_value(json_array_get(d, 0));
            y += json_integer_value(json_array_get(d, 1));
            json_array_append_new(xy, json_pack("[ff]", (double)x * sx + tx,
                                                (double)y * sy + ty));
        }
        json_array_append_new(out, xy);
    }
    return out;
}

Test(geo_layer, county_areas_match_the_albers_original_of_the_boundaries)
{
    /* The WGS84 boundaries were derived from an Albers TopoJSON (same
     * parameters as geo_albers.h). Projecting them back and measuring must
     * give the planar areas of that original, county by county. */
    geo_layer_t *layer = NULL;
    cr_assert_eq(geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, NULL, 0), 0);
    json_error_t jerr;
    json_t *topo = json_load_file(
        XY_SHARED_DATA "/admin/china_counties_2021_aea.topojson", 0, &jerr);
    cr_assert_not_null(topo, "%s", jerr.text);
    json_t *arcs = s_topo_arcs(topo);
    json_t *geoms = json_object_get(
        json_object_get(json_object_get(topo, "objects"), "county"),
        "geometries");
    cr_assert_eq(json_array_size(geoms), geo_layer_count(layer));
    double worst = 0, total = 0, total_topo = 0;
    for (size_t g = 0; g < json_array_size(geoms); g++) {
        json_t *geom = json_array_get(geoms, g);
        json_t *props = json_object_get(geom, "properties");
        json_t *polys = json_object_get(geom, "arcs");
        int multi = strcmp(json_string_value(json_object_get(geom, "type")),
                           "MultiPolygon") == 0;
        double topo_area = 0;
        for (size_t p = 0; p < (multi ? json_array_size(polys) : 1); p++) {
            json_t *rings = multi ? json_array_get(polys, p) : polys;
            for (size_t r = 0; r < json_array_size(rings); r++) {
                double a = s_topo_ring(arcs, json_array_get(rings, r));
                topo_area += r == 0 ? a : -a;
            }
        }
        size_t i = 0;
        json_int_t code = json_integer_value(json_object_get(props, "CODE"));
        cr_assert_eq(geo_layer_find(layer, (int32_t)code, &i), 0);
        double ours = geo_layer_area_km2(layer, i);
        total += ours;
        total_topo += topo_area;
        if (topo_area > 100.0 && fabs(ours - topo_area) / topo_area > worst)
            worst = fabs(ours - topo_area) / topo_area;
    }
    /* 1e-4 degree rounding of the WGS84 copy is the only difference */
    cr_assert(worst < 0.002, "worst relative difference %.5f", worst);
    cr_assert(fabs(total - total_topo) / total_topo < 1e-4,
              "total %.0f km² against %.0f", total, total_topo);
    cr_assert(total > 9.4e6 && total < 9.8e6, "total %.0f km²", total);
    json_decref(arcs);
    json_decref(topo);
    geo_layer_destroy(&layer);
}

Test(geo_layer, locate_returns_the_county_under_a_point)
{
    geo_layer_t *layer = NULL;
    size_t i = 0;
    cr_assert_eq(geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, NULL, 0), 0);
    cr_assert_eq(geo_layer_locate(layer, 28.639, 87.3608, &i), 0);
    cr_assert_eq(geo_layer_code(layer, i), 540223);
    cr_assert_eq(geo_layer_locate(layer, 47.9, 106.9, &i), XY_ENOENT,
                 "Ulaanbaatar is not in a Chinese county");
    cr_assert_eq(geo_layer_locate(layer, 91.0, 100.0, &i), XY_ECOORD);
    cr_assert_eq(geo_layer_find(layer, 999999, &i), XY_ENOENT);
    geo_layer_destroy(&layer);
}

Test(geo_layer, county_without_census_figure_counts_zero)
{
    geo_layer_t *layer = NULL;
    size_t i = 0;
    cr_assert_eq(geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, NULL, 0), 0);
    cr_assert_eq(geo_layer_find(layer, 350527, &i), 0); /* 金门县 */
    cr_assert_eq(geo_layer_has_population(layer, i), 0);
    cr_assert_eq(geo_layer_population(layer, i), 0);
    geo_layer_destroy(&layer);
}

Test(geo_layer, missing_file_is_an_io_error_naming_the_path)
{
    geo_layer_t *layer = NULL;
    char err[256] = "";
    int rc = geo_layer_load(&layer, "/nonexistent/counties.geojson", err,
                            sizeof(err));
    cr_assert_eq(rc, XY_EIO);
    cr_assert_null(layer);
    cr_assert_not_null(strstr(err, "/nonexistent/counties.geojson"), "%s", err);
}

Test(geo_layer, bad_feature_is_refused_with_its_index)
{
    char *dir = xy_test_mkdtemp();
    const char *ok = "{\"type\":\"Feature\",\"properties\":{\"code\":1,"
                     "\"name\":\"A\",\"pop2020\":10},\"geometry\":{\"type\":"
                     "\"Polygon\",\"coordinates\":[[[100,30],[101,30],"
                     "[101,31],[100,30]]]}}";
    char text[2048];
    /* feature 1 has a latitude of 95 */
    snprintf(text, sizeof(text),
             "{\"type\":\"FeatureCollection\",\"features\":[%s,"
             "{\"type\":\"Feature\",\"properties\":{\"code\":2,\"name\":\"B\","
             "\"pop2020\":5},\"geometry\":{\"type\":\"Polygon\","
             "\"coordinates\":[[[100,30],[101,95],[101,31],[100,30]]]}}]}",
             ok);
    char *path = s_write(dir, "bad.geojson", text);
    geo_layer_t *layer = NULL;
    char err[256] = "";
    int rc = geo_layer_load(&layer, path, err, sizeof(err));
    cr_assert_eq(rc, XY_ECOORD, "%s", xy_errname(rc));
    cr_assert_null(layer);
    cr_assert_not_null(strstr(err, "feature 1"), "%s", err);
    cr_assert_not_null(strstr(err, "bad.geojson"), "%s", err);
    cr_assert_not_null(strstr(err, "position 1"), "%s", err);

    /* duplicate code */
    snprintf(text, sizeof(text),
             "{\"type\":\"FeatureCollection\",\"features\":[%s,%s]}", ok, ok);
    path = s_write(dir, "dup.geojson", text);
    rc = geo_layer_load(&layer, path, err, sizeof(err));
    cr_assert_eq(rc, XY_EEXIST, "%s", xy_errname(rc));
    cr_assert_not_null(strstr(err, "code 1"), "%s", err);

    /* a negative population */
    path = s_write(dir, "pop.geojson",
                   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                   "\"Feature\",\"properties\":{\"code\":3,\"name\":\"C\","
                   "\"pop2020\":-4},\"geometry\":null}]}");
    rc = geo_layer_load(&layer, path, err, sizeof(err));
    cr_assert_eq(rc, XY_EPARSE, "%s", xy_errname(rc));
    cr_assert_not_null(strstr(err, "feature 0"), "%s", err);
    cr_assert_not_null(strstr(err, "pop2020"), "%s", err);

    /* not JSON at all */
    path = s_write(dir, "junk.geojson", "{\"type\": [");
    rc = geo_layer_load(&layer, path, err, sizeof(err));
    cr_assert_eq(rc, XY_EPARSE);
    cr_assert_not_null(strstr(err, "junk.geojson"), "%s", err);

    /* a Point feature */
    path = s_write(dir, "point.geojson",
                   "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":"
                   "\"Feature\",\"properties\":{\"code\":3,\"name\":\"C\"},"
                   "\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}"
                   "]}");
    rc = geo_layer_load(&layer, path, err, sizeof(err));
    cr_assert_eq(rc, XY_ENOTSUP, "%s", xy_errname(rc));
    cr_assert_not_null(strstr(err, "Point"), "%s", err);
    cr_assert_null(layer);
    xy_test_rmdir(&dir);
}

Test(geo_layer, small_valid_file_loads_and_sums)
{
    char *dir = xy_test_mkdtemp();
    char *path = s_write(
        dir, "two.geojson",
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"code\":11,\"name\":\"A\","
        "\"pop2020\":100},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
        "[[[100,30],[101,30],[101,31],[100,31],[100,30]]]}},"
        "{\"type\":\"Feature\",\"properties\":{\"code\":12,\"name\":\"B\","
        "\"pop2020\":null},\"geometry\":{\"type\":\"MultiPolygon\","
        "\"coordinates\":[[[[102,30],[103,30],[103,31],[102,30]]]]}}]}");
    geo_layer_t *layer = NULL;
    char err[256] = "";
    cr_assert_eq(geo_layer_load(&layer, path, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(geo_layer_count(layer), 2);
    cr_assert_eq(geo_layer_population_total(layer), 100);
    /* one degree square at 30.5N: about 111.2 x 95.8 km */
    cr_assert_float_eq(geo_layer_area_km2(layer, 0), 10650.0, 120.0);
    cr_assert_eq(geo_layer_repaired(layer), 0);
    geo_layer_destroy(&layer);
    xy_test_rmdir(&dir);
}

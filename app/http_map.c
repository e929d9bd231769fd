/* GET /api/map (docs/api.md): the incident map as one GeoJSON
 * FeatureCollection in lon/lat, drawn from the shipped boundaries
 * (data/admin) with no tile server. Layers, in this order, named by
 * properties.layer: "province" (outlines), "county" (the counties of the
 * latest assessment's zones), "zone" (its zones with need and deployed
 * capacity; a zone is one county inside one band, and the published
 * assessment keeps no band geometry, so a zone is drawn with its county's
 * outline), "team" (points). Outlines are simplified once with
 * GEOSTopologyPreserveSimplify_r and kept for the daemon's life, so the
 * province layer stays far below 300 KB and later requests only pack
 * JSON. */
#include "app/http_api_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/dispatch_model.h"
#include "geo/geo_layer.h"

#include <geos_c.h>
#include <stdlib.h>
#include <string.h>

#define S_PROVINCES_PATH XY_DATA_DIR "/admin/china_provinces_wgs84.geojson"
#define S_PROVINCE_TOLERANCE 0.05 /* degrees (about 5 km) */
#define S_COUNTY_TOLERANCE 0.005  /* degrees (about 500 m) */
#define S_REAL_DIGITS 7           /* significant digits of coordinates */

struct api_map {
    GEOSContextHandle_t ctx;   /* for simplifying and writing */
    json_t *provinces;         /* simplified province features, or NULL */
    geo_layer_t *counties;     /* the county layer, or NULL */
    json_t *county_geom;       /* code -> simplified geometry */
    int provinces_rc;          /* why provinces did not load (once) */
    int counties_rc;           /* why counties did not load (once) */
};

/* GB/T 2260 province codes and names. */
static const struct {
    int code;
    const char *name;
} s_provinces[] = {
    {110000, "北京市"}, {120000, "天津市"}, {130000, "河北省"},
    {140000, "山西省"}, {150000, "内蒙古自治区"}, {210000, "辽宁省"},
    {220000, "吉林省"}, {230000, "黑龙江省"}, {310000, "上海市"},
    {320000, "江苏省"}, {330000, "浙江省"}, {340000, "安徽省"},
    {350000, "福建省"}, {360000, "江西省"}, {370000, "山东省"},
    {410000, "河南省"}, {420000, "湖北省"}, {430000, "湖南省"},
    {440000, "广东省"}, {450000, "广西壮族自治区"}, {460000, "海南省"},
    {500000, "重庆市"}, {510000, "四川省"}, {520000, "贵州省"},
    {530000, "云南省"}, {540000, "西藏自治区"}, {610000, "陕西省"},
    {620000, "甘肃省"}, {630000, "青海省"}, {640000, "宁夏回族自治区"},
    {650000, "新疆维吾尔自治区"}, {710000, "台湾省"},
    {810000, "香港特别行政区"}, {820000, "澳门特别行政区"},
};

static const char *s_province_name(int code)
{
    for (size_t i = 0; i < sizeof s_provinces / sizeof s_provinces[0]; i++)
        if (s_provinces[i].code == code)
            return s_provinces[i].name;
    return "";
}

void api_map_destroy(api_map_t **mp)
{
    if (!mp || !*mp)
        return;
    api_map_t *m = *mp;
    json_decref(m->provinces);
    json_decref(m->county_geom);
    geo_layer_destroy(&m->counties);
    if (m->ctx)
        GEOS_finish_r(m->ctx);
    free(m);
    *mp = NULL;
}

static api_map_t *s_map(app_http_t *h)
{
    if (!h->map) {
        h->map = xcalloc(1, sizeof *h->map);
        h->map->ctx = GEOS_init_r();
        h->map->county_geom = json_object();
    }
    return h->map;
}

/* The simplified GeoJSON geometry of g (borrowed), or NULL. */
static json_t *s_simplified(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                            double tolerance)
{
    GEOSGeometry *s = GEOSTopologyPreserveSimplify_r(ctx, g, tolerance);
    if (!s)
        return NULL;
    GEOSGeoJSONWriter *w = GEOSGeoJSONWriter_create_r(ctx);
    char *text = w ? GEOSGeoJSONWriter_writeGeometry_r(ctx, w, s, -1) : NULL;
    json_t *out = text ? json_loads(text, 0, NULL) : NULL;
    if (text)
        GEOSFree_r(ctx, text);
    if (w)
        GEOSGeoJSONWriter_destroy_r(ctx, w);
    GEOSGeom_destroy_r(ctx, s);
    return out;
}

/* One province feature of the shipped file, simplified. */
static json_t *s_province(GEOSContextHandle_t ctx, GEOSGeoJSONReader *r,
                          json_t *f)
{
    json_t *geom = json_object_get(f, "geometry");
    int code = (int)json_integer_value(
        json_object_get(json_object_get(f, "properties"), "code"));
    char *text = json_dumps(geom, JSON_COMPACT);
    GEOSGeometry *g = text ? GEOSGeoJSONReader_readGeometry_r(ctx, r, text)
                           : NULL;
    free(text);
    json_t *simple = g ? s_simplified(ctx, g, S_PROVINCE_TOLERANCE) : NULL;
    if (g)
        GEOSGeom_destroy_r(ctx, g);
    if (!simple)
        return NULL;
    return json_pack("{s:s, s:{s:s, s:i, s:s}, s:o}", "type", "Feature",
                     "properties", "layer", "province", "code", code, "name",
                     s_province_name(code), "geometry", simple);
}

static int s_load_provinces(api_map_t *m, const char *program)
{
    if (m->provinces || m->provinces_rc)
        return m->provinces_rc;
    json_error_t je;
    json_t *fc = json_load_file(S_PROVINCES_PATH, 0, &je);
    json_t *features = json_object_get(fc, "features"), *f;
    GEOSGeoJSONReader *r = GEOSGeoJSONReader_create_r(m->ctx);
    m->provinces = json_array();
    size_t i;
    json_array_foreach(features, i, f)
    {
        json_t *p = r ? s_province(m->ctx, r, f) : NULL;
        if (p)
            json_array_append_new(m->provinces, p);
    }
    if (r)
        GEOSGeoJSONReader_destroy_r(m->ctx, r);
    json_decref(fc);
    if (json_array_size(m->provinces) == 0) {
        fprintf(stderr, "%s: map: cannot read the provinces of %s%s%s\n",
                program, S_PROVINCES_PATH, fc ? "" : ": ",
                fc ? "" : je.text);
        json_decref(m->provinces);
        m->provinces = NULL;
        m->provinces_rc = XY_EIO;
    }
    return m->provinces_rc;
}

/* The simplified outline of county code (cached), or NULL. */
static json_t *s_county_geometry(api_map_t *m, int code, size_t *index,
                                 const char *program)
{
    if (!m->counties && !m->counties_rc) {
        char err[512];
        m->counties_rc = geo_layer_load(&m->counties,
                                        GEO_LAYER_COUNTIES_PATH, err,
                                        sizeof err);
        if (m->counties_rc)
            fprintf(stderr, "%s: map: %s\n", program, err);
    }
    if (!m->counties || geo_layer_find(m->counties, code, index))
        return NULL;
    char key[16];
    snprintf(key, sizeof key, "%d", code);
    json_t *g = json_object_get(m->county_geom, key);
    if (!g) {
        g = s_simplified(m->ctx, geo_layer_geometry(m->counties, *index),
                         S_COUNTY_TOLERANCE);
        if (!g)
            return NULL;
        json_object_set_new(m->county_geom, key, g);
    }
    return g;
}

static json_t *s_feature(const char *layer, json_t *props, json_t *geom)
{
    json_object_set_new(props, "layer", json_string(layer));
    return json_pack("{s:s, s:o, s:O}", "type", "Feature", "properties",
                     props, "geometry", geom ? geom : json_null());
}

/* Adds the county layer of the zone rows to features: each county once,
 * with the people exposed and the workers needed summed over its
 * zones. */
static void s_county_layer(api_map_t *m, json_t *rows, json_t *features,
                           const char *program)
{
    json_t *counties = json_object(), *row, *c;
    size_t i;
    json_array_foreach(rows, i, row)
    {
        char key[16];
        int code = (int)json_integer_value(json_object_get(row,
                                                           "county_code"));
        snprintf(key, sizeof key, "%d", code);
        c = json_object_get(counties, key);
        if (!c) {
            size_t idx = 0;
            json_t *g = s_county_geometry(m, code, &idx, program);
            c = json_pack("{s:i, s:s, s:I, s:I, s:I, s:O}", "code", code,
                          "name", g ? geo_layer_name(m->counties, idx) : "",
                          "population",
                          (json_int_t)(g ? geo_layer_population(m->counties,
                                                                idx)
                                         : 0),
                          "exposed", (json_int_t)0, "need", (json_int_t)0,
                          "geometry", g ? g : json_null());
            json_object_set_new(counties, key, c);
        }
        json_object_set_new(c, "exposed",
                            json_integer(json_integer_value(json_object_get(
                                             c, "exposed")) +
                                         json_integer_value(json_object_get(
                                             row, "exposed"))));
        json_object_set_new(c, "need",
                            json_integer(json_integer_value(json_object_get(
                                             c, "need")) +
                                         json_integer_value(json_object_get(
                                             row, "need_workers"))));
    }
    const char *key;
    json_object_foreach(counties, key, c)
    {
        json_t *g = json_incref(json_object_get(c, "geometry"));
        json_object_del(c, "geometry");
        json_array_append_new(features,
                              s_feature("county", json_copy(c), g));
        json_decref(g);
    }
    json_decref(counties);
}

/* Adds the zone layer of the zone rows to features, each zone drawn with
 * its county's outline (cached by s_county_layer). */
static void s_zone_layer(api_map_t *m, json_t *rows, json_t *features)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        char k[16];
        snprintf(k, sizeof k, "%d",
                 (int)json_integer_value(json_object_get(row, "county_code")));
        json_t *props = json_pack(
            "{s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "zone",
            json_object_get(row, "zone"), "name", json_object_get(row, "name"),
            "band", json_object_get(row, "band"), "intensity",
            json_object_get(row, "intensity"), "exposed",
            json_object_get(row, "exposed"), "workers_needed",
            json_object_get(row, "need_workers"), "deployed_capacity",
            json_object_get(row, "deployed_workers"));
        json_array_append_new(features,
                              s_feature("zone", props,
                                        json_object_get(m->county_geom, k)));
    }
}

typedef struct s_teams_read {
    const domain_model_t *m;
    json_t *out;
} s_teams_read_t;

static int s_teams_cb(view_txn_t *vt, void *arg)
{
    s_teams_read_t *r = arg;
    r->out = dispatch_team_list(vt, r->m, api_wall_ms(), false);
    return r->out ? 0 : XY_ECORRUPT;
}

/* Adds a point per team (last reported position, else home). */
static int s_team_layer(app_http_t *h, json_t *features,
                        http_response_t *resp)
{
    s_teams_read_t r = {app_model(h->app), NULL};
    if (api_read(h, s_teams_cb, &r, resp))
        return XY_ECORRUPT;
    size_t i;
    json_t *t;
    json_array_foreach(r.out, i, t)
    {
        json_t *at = json_object_get(t, "position");
        if (!at)
            at = json_object_get(t, "home");
        json_t *geom = json_pack(
            "{s:s, s:[f, f]}", "type", "Point", "coordinates",
            json_real_value(json_object_get(at, "lon")),
            json_real_value(json_object_get(at, "lat")));
        json_t *props = json_pack(
            "{s:O, s:O, s:O, s:O, s:b}", "id", json_object_get(t, "id"),
            "name", json_object_get(t, "name"), "level",
            json_object_get(t, "level"), "readiness",
            json_object_get(t, "readiness"), "reported",
            json_object_get(t, "position") != NULL);
        json_array_append_new(features, s_feature("team", props, geom));
        json_decref(geom);
    }
    json_decref(r.out);
    return 0;
}

void api_get_map(void *arg, const http_request_t *req,
                 http_response_t *resp)
{
    app_http_t *h = arg;
    api_map_t *m = s_map(h);
    const char *program = app_spec(h->app)->program;
    char v[64];
    domain_id_t incident;
    bool with_incident = http_query_get(req, "incident", v, sizeof v);
    if (with_incident && api_query_id(req, "incident", &incident, resp))
        return;
    if (s_load_provinces(m, program)) {
        api_error(resp, 500, XY_EIO, "", "the shipped province boundaries "
                  "cannot be read (see the daemon's log)");
        return;
    }
    json_t *features = json_copy(m->provinces); /* shares the features */
    json_t *rows = NULL;
    if (with_incident) {
        rows = api_zone_rows(h, &incident, resp);
        if (!rows && resp->status != 404) {
            json_decref(features);
            return;
        }
        /* No assessment yet: provinces and teams only. */
        json_decref(resp->json);
        resp->json = NULL;
        resp->status = 200;
        if (rows) {
            s_county_layer(m, rows, features, program);
            s_zone_layer(m, rows, features);
        }
        json_decref(rows);
        if (s_team_layer(h, features, resp)) {
            json_decref(features);
            return;
        }
    }
    resp->json = json_pack("{s:s, s:o}", "type", "FeatureCollection",
                           "features", features);
    resp->json_flags = JSON_REAL_PRECISION(S_REAL_DIGITS);
}

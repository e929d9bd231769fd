/* The county layer (geo_layer.h): GeoJSON in, GEOS polygons, Albers areas,
 * flat projected rings (geo_rings), a code index and a GEOS STRtree out. Each
 * feature is checked on its own and an error names the file and the feature
 * index. */
#include "geo/geo_layer.h"
#include "geo/geo.h"
#include "geo/geo_albers.h"
#include "geo/geo_file.h"
#include "geo/geo_rings.h"
#include "geo/geo_shape.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int32_t code; /* county code */
    size_t index; /* its position in the layer */
} s_code_t;

typedef struct {
    int32_t code;                     /* county code, e.g. 540223 */
    int32_t prov_code;                /* province code, 0 if absent */
    char name[GEO_LAYER_MAX_NAME];    /* Chinese name, UTF-8 */
    char name_en[GEO_LAYER_MAX_NAME]; /* romanised name, may be empty */
    int64_t pop;                      /* 2020 census population */
    int has_pop;                      /* pop2020 was given */
    double area_km2;                  /* Albers area of the polygon */
    double bbox[4];                   /* min lon, min lat, max lon, max lat */
    GEOSGeometry *geom;               /* polygon, owned, in ctx */
    geo_rings_t *rings;               /* its rings, flat, owned */
} s_county_t;

struct geo_layer {
    GEOSContextHandle_t ctx; /* owns geoms and tree */
    size_t n;                /* counties */
    s_county_t *c;           /* the counties, in file order */
    s_code_t *by_code;       /* codes sorted, with their indexes */
    GEOSSTRtree *tree;       /* items are &c[i] */
    int64_t pop_total;       /* sum of pop */
    size_t repaired;         /* polygons fixed with GEOSMakeValid_r */
};

static void s_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int s_string(const json_t *props, const char *key, int required,
                    char *dst, const char *path, size_t i, char *err,
                    size_t errlen)
{
    const json_t *v = json_object_get(props, key);
    dst[0] = '\0';
    if (!v && !required)
        return 0;
    if (!json_is_string(v) || (required && json_string_length(v) == 0)) {
        s_err(err, errlen, "%s: feature %zu: property %s is not a string", path,
              i, key);
        return XY_EPARSE;
    }
    if (json_string_length(v) >= GEO_LAYER_MAX_NAME) {
        s_err(err, errlen, "%s: feature %zu: property %s longer than %u bytes",
              path, i, key, GEO_LAYER_MAX_NAME - 1);
        return XY_ETOOBIG;
    }
    memcpy(dst, json_string_value(v), json_string_length(v) + 1);
    return 0;
}

static int s_props(s_county_t *c, const json_t *props, const char *path,
                   size_t i, char *err, size_t errlen)
{
    const json_t *code = json_object_get(props, "code");
    const json_t *prov = json_object_get(props, "prov_code");
    const json_t *pop = json_object_get(props, "pop2020");
    if (!json_is_object(props)) {
        s_err(err, errlen, "%s: feature %zu: no properties object", path, i);
        return XY_EPARSE;
    }
    if (!json_is_integer(code) || json_integer_value(code) < 1 ||
        json_integer_value(code) > 999999) {
        s_err(err, errlen,
              "%s: feature %zu: code is not an integer in "
              "1..999999",
              path, i);
        return XY_EPARSE;
    }
    c->code = (int32_t)json_integer_value(code);
    if (prov && (!json_is_integer(prov) || json_integer_value(prov) < 0 ||
                 json_integer_value(prov) > 999999)) {
        s_err(err, errlen,
              "%s: feature %zu (code %d): prov_code is not an "
              "integer in 0..999999",
              path, i, (int)c->code);
        return XY_EPARSE;
    }
    c->prov_code = prov ? (int32_t)json_integer_value(prov) : 0;
    if (pop && !json_is_null(pop) &&
        (!json_is_integer(pop) || json_integer_value(pop) < 0 ||
         json_integer_value(pop) > 100000000)) {
        s_err(err, errlen,
              "%s: feature %zu (code %d): pop2020 is not null or "
              "an integer in 0..100000000",
              path, i, (int)c->code);
        return XY_EPARSE;
    }
    c->has_pop = json_is_integer(pop);
    c->pop = c->has_pop ? (int64_t)json_integer_value(pop) : 0;
    int rc = s_string(props, "name", 1, c->name, path, i, err, errlen);
    if (rc == 0)
        rc = s_string(props, "name_en", 0, c->name_en, path, i, err, errlen);
    return rc;
}

/* Keeps the polygonal part of a repaired geometry. */
static GEOSGeometry *s_repair(GEOSContextHandle_t ctx, GEOSGeometry *g)
{
    GEOSGeometry *fixed = GEOSMakeValid_r(ctx, g);
    if (!fixed)
        return NULL;
    int t = GEOSGeomTypeId_r(ctx, fixed);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON)
        return fixed;
    /* a collection of polygons and stray lines: keep the polygons */
    int n = GEOSGetNumGeometries_r(ctx, fixed);
    GEOSGeometry **parts = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*parts));
    unsigned int k = 0;
    for (int j = 0; j < n; j++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx, fixed, j);
        if (p && GEOSGeomTypeId_r(ctx, p) == GEOS_POLYGON)
            parts[k++] = GEOSGeom_clone_r(ctx, p);
    }
    GEOSGeometry *out =
        GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, parts, k);
    free(parts);
    GEOSGeom_destroy_r(ctx, fixed);
    return out;
}

static int s_feature(geo_layer_t *self, s_county_t *c, const json_t *f,
                     const char *path, size_t i, char *err, size_t errlen)
{
    char msg[200];
    geo_shape_t *shape = NULL;
    if (!json_is_object(f)) {
        s_err(err, errlen, "%s: feature %zu: not an object", path, i);
        return XY_EPARSE;
    }
    int rc = s_props(c, json_object_get(f, "properties"), path, i, err, errlen);
    if (rc)
        return rc;
    rc = geo_shape_from_json(&shape, json_object_get(f, "geometry"), msg,
                             sizeof(msg));
    if (rc) {
        s_err(err, errlen, "%s: feature %zu (code %d): %s", path, i,
              (int)c->code, msg);
        return rc;
    }
    geo_shape_bounds(shape, &c->bbox[0], &c->bbox[1], &c->bbox[2], &c->bbox[3]);
    rc = geo_shape_to_geos(shape, self->ctx, &c->geom);
    geo_shape_destroy(&shape);
    if (rc == 0 && GEOSisValid_r(self->ctx, c->geom) != 1) {
        GEOSGeometry *fixed = s_repair(self->ctx, c->geom);
        GEOSGeom_destroy_r(self->ctx, c->geom);
        c->geom = fixed;
        self->repaired++;
        rc = fixed ? 0 : XY_EGEOM;
    }
    if (rc == 0)
        rc = geo_albers_area_km2(self->ctx, c->geom, &c->area_km2);
    if (rc == 0 && !(c->area_km2 > 0))
        rc = XY_EGEOM;
    if (rc == 0)
        rc = geo_rings_from_geos(&c->rings, self->ctx, c->geom);
    if (rc)
        s_err(err, errlen, "%s: feature %zu (code %d): unusable polygon", path,
              i, (int)c->code);
    return rc;
}

static int s_by_code(const void *a, const void *b)
{
    int32_t x = ((const s_code_t *)a)->code;
    int32_t y = ((const s_code_t *)b)->code;
    return (x > y) - (x < y);
}

static void s_nothing(void *item, void *arg)
{
    (void)item;
    (void)arg;
}

static int s_index(geo_layer_t *self, const char *path, char *err,
                   size_t errlen)
{
    self->by_code = xmalloc((self->n ? self->n : 1) * sizeof(s_code_t));
    for (size_t i = 0; i < self->n; i++) {
        self->by_code[i].code = self->c[i].code;
        self->by_code[i].index = i;
    }
    qsort(self->by_code, self->n, sizeof(s_code_t), s_by_code);
    for (size_t k = 1; k < self->n; k++) {
        const s_code_t *a = &self->by_code[k - 1], *b = &self->by_code[k];
        if (a->code == b->code) {
            s_err(err, errlen, "%s: features %zu and %zu share code %d", path,
                  a->index, b->index, (int)a->code);
            return XY_EEXIST;
        }
    }
    self->tree = GEOSSTRtree_create_r(self->ctx, 10);
    if (!self->tree)
        return XY_ENOMEM;
    for (size_t i = 0; i < self->n; i++)
        GEOSSTRtree_insert_r(self->ctx, self->tree, self->c[i].geom,
                             &self->c[i]);
    /* GEOS builds the tree on the first query; do it now, so later queries
     * from several threads only read it */
    if (self->n > 0)
        GEOSSTRtree_query_r(self->ctx, self->tree, self->c[0].geom, s_nothing,
                            NULL);
    return 0;
}

int geo_layer_load(geo_layer_t **out, const char *path, char *err,
                   size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    json_error_t jerr;
    json_t *root = NULL;
    geo_layer_t *self = NULL;
    *out = NULL;
    int rc = geo_file_read(path, GEO_LAYER_MAX_BYTES, &text, &len, err, errlen);
    if (rc)
        return rc;
    root = json_loadb(text, len, 0, &jerr);
    free(text);
    if (!root) {
        s_err(err, errlen, "%s: not JSON: %s (line %d column %d)", path,
              jerr.text, jerr.line, jerr.column);
        return XY_EPARSE;
    }
    const json_t *features = json_object_get(root, "features");
    const char *type = json_string_value(json_object_get(root, "type"));
    if (!type || strcmp(type, "FeatureCollection") != 0 ||
        !json_is_array(features)) {
        s_err(err, errlen, "%s: not a GeoJSON FeatureCollection", path);
        rc = XY_EPARSE;
        goto out;
    }
    if (json_array_size(features) > GEO_LAYER_MAX_FEATURES) {
        s_err(err, errlen, "%s: %zu features, more than %u", path,
              json_array_size(features), GEO_LAYER_MAX_FEATURES);
        rc = XY_ETOOBIG;
        goto out;
    }
    self = xcalloc(1, sizeof(*self));
    self->ctx = GEOS_init_r();
    if (!self->ctx) {
        rc = XY_ENOMEM;
        goto out;
    }
    self->c = xcalloc(json_array_size(features) + 1, sizeof(s_county_t));
    for (size_t i = 0; i < json_array_size(features); i++) {
        rc = s_feature(self, &self->c[i], json_array_get(features, i), path, i,
                       err, errlen);
        if (rc) {
            /* the failed county may hold a geometry already */
            if (self->c[i].geom)
                GEOSGeom_destroy_r(self->ctx, self->c[i].geom);
            geo_rings_destroy(&self->c[i].rings);
            goto out;
        }
        self->n++;
        self->pop_total += self->c[i].pop;
    }
    rc = s_index(self, path, err, errlen);
    if (rc)
        goto out;
    *out = self;
    self = NULL;
out:
    geo_layer_destroy(&self);
    json_decref(root);
    return rc;
}

void geo_layer_destroy(geo_layer_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    geo_layer_t *self = *self_p;
    if (self->tree)
        GEOSSTRtree_destroy_r(self->ctx, self->tree);
    for (size_t i = 0; i < self->n; i++) {
        GEOSGeom_destroy_r(self->ctx, self->c[i].geom);
        geo_rings_destroy(&self->c[i].rings);
    }
    if (self->ctx)
        GEOS_finish_r(self->ctx);
    free(self->c);
    free(self->by_code);
    free(self);
    *self_p = NULL;
}

size_t geo_layer_count(const geo_layer_t *self)
{
    return self->n;
}

int32_t geo_layer_code(const geo_layer_t *self, size_t i)
{
    return self->c[i].code;
}

int32_t geo_layer_prov_code(const geo_layer_t *self, size_t i)
{
    return self->c[i].prov_code;
}

const char *geo_layer_name(const geo_layer_t *self, size_t i)
{
    return self->c[i].name;
}

const char *geo_layer_name_en(const geo_layer_t *self, size_t i)
{
    return self->c[i].name_en;
}

int64_t geo_layer_population(const geo_layer_t *self, size_t i)
{
    return self->c[i].pop;
}

int geo_layer_has_population(const geo_layer_t *self, size_t i)
{
    return self->c[i].has_pop;
}

double geo_layer_area_km2(const geo_layer_t *self, size_t i)
{
    return self->c[i].area_km2;
}

void geo_layer_bounds(const geo_layer_t *self, size_t i, double *min_lon,
                      double *min_lat, double *max_lon, double *max_lat)
{
    *min_lon = self->c[i].bbox[0];
    *min_lat = self->c[i].bbox[1];
    *max_lon = self->c[i].bbox[2];
    *max_lat = self->c[i].bbox[3];
}

const GEOSGeometry *geo_layer_geometry(const geo_layer_t *self, size_t i)
{
    return self->c[i].geom;
}

const geo_rings_t *geo_layer_rings(const geo_layer_t *self, size_t i)
{
    return self->c[i].rings;
}

int64_t geo_layer_population_total(const geo_layer_t *self)
{
    return self->pop_total;
}

size_t geo_layer_repaired(const geo_layer_t *self)
{
    return self->repaired;
}

int geo_layer_find(const geo_layer_t *self, int32_t code, size_t *index)
{
    size_t lo = 0, hi = self->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int32_t c = self->by_code[mid].code;
        if (c == code) {
            *index = self->by_code[mid].index;
            return 0;
        }
        if (c < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return XY_ENOENT;
}

typedef struct {
    const geo_layer_t *layer;   /* searched */
    GEOSContextHandle_t ctx;    /* the caller's context */
    const GEOSGeometry *pt;     /* the point */
    void (*fn)(size_t, void *); /* geo_layer_query callback */
    void *arg;                  /* its argument */
    size_t found;               /* county index, or SIZE_MAX */
} s_query_t;

static void s_query_cb(void *item, void *arg)
{
    s_query_t *q = arg;
    q->fn((size_t)((const s_county_t *)item - q->layer->c), q->arg);
}

void geo_layer_query(const geo_layer_t *self, GEOSContextHandle_t ctx,
                     const GEOSGeometry *g, void (*fn)(size_t index, void *arg),
                     void *arg)
{
    s_query_t q = {.layer = self, .ctx = ctx, .fn = fn, .arg = arg};
    GEOSSTRtree_query_r(ctx, self->tree, g, s_query_cb, &q);
}

static void s_locate_cb(size_t i, void *arg)
{
    s_query_t *q = arg;
    if (q->found == SIZE_MAX &&
        GEOSIntersects_r(q->ctx, q->layer->c[i].geom, q->pt) == 1)
        q->found = i;
}

int geo_layer_locate(const geo_layer_t *self, double lat, double lon,
                     size_t *index)
{
    int rc = geo_check_point(lat, lon);
    if (rc)
        return rc;
    GEOSContextHandle_t ctx = GEOS_init_r();
    if (!ctx)
        return XY_ENOMEM;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx, lon, lat);
    s_query_t q = {.layer = self, .ctx = ctx, .pt = pt, .found = SIZE_MAX};
    rc = XY_ENOENT;
    if (pt) {
        geo_layer_query(self, ctx, pt, s_locate_cb, &q);
        GEOSGeom_destroy_r(ctx, pt);
    }
    if (q.found != SIZE_MAX) {
        *index = q.found;
        rc = 0;
    }
    GEOS_finish_r(ctx);
    return rc;
}

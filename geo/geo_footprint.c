/* Hazard footprints (geo_footprint.h): nested ellipses turned into bands,
 * band areas, GeoJSON output. Each band of nested ellipses is built directly
 * as "outer ring with the previous ring as a hole", which is exact and needs
 * no overlay; GEOSisValid_r then proves the nesting. */
#include "geo/geo_footprint.h"
#include "geo/geo.h"
#include "geo/geo_albers.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_NPTS (GEO_FOOTPRINT_SEGMENTS + 1) /* closed ring positions */

typedef struct {
    int level;               /* intensity, ring number or 1 */
    GEOSGeometry *geom;      /* band polygon, owned */
    double area_km2;         /* Albers area */
    double a_km;             /* outer semi-axis along strike */
    double b_km;             /* outer semi-axis across strike */
    int is_ellipse;          /* added by geo_footprint_add_ellipse */
    double lat, lon;         /* centre of the outer ellipse */
    double ring[2 * S_NPTS]; /* outer ellipse, lon/lat, closed */
} s_band_t;

struct geo_footprint {
    GEOSContextHandle_t ctx;                 /* owns every geometry below */
    geo_hazard_kind_t kind;                  /* what built it */
    size_t n;                                /* bands in use */
    s_band_t bands[GEO_FOOTPRINT_MAX_BANDS]; /* most severe first */
    double prev[2 * S_NPTS];                 /* previous ellipse, lon/lat */
    int has_prev;                            /* prev holds a ring */
};

int geo_footprint_new(geo_footprint_t **out, geo_hazard_kind_t kind)
{
    *out = NULL;
    GEOSContextHandle_t ctx = GEOS_init_r();
    if (!ctx)
        return XY_ENOMEM;
    geo_footprint_t *self = xcalloc(1, sizeof(*self));
    self->ctx = ctx;
    self->kind = kind;
    *out = self;
    return 0;
}

void geo_footprint_destroy(geo_footprint_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    geo_footprint_t *self = *self_p;
    for (size_t i = 0; i < self->n; i++)
        GEOSGeom_destroy_r(self->ctx, self->bands[i].geom);
    GEOS_finish_r(self->ctx);
    free(self);
    *self_p = NULL;
}

geo_hazard_kind_t geo_footprint_kind(const geo_footprint_t *self)
{
    return self->kind;
}

size_t geo_footprint_count(const geo_footprint_t *self)
{
    return self->n;
}

int geo_footprint_level(const geo_footprint_t *self, size_t i)
{
    return i < self->n ? self->bands[i].level : 0;
}

double geo_footprint_area_km2(const geo_footprint_t *self, size_t i)
{
    return i < self->n ? self->bands[i].area_km2 : 0.0;
}

void geo_footprint_axes(const geo_footprint_t *self, size_t i, double *a_km,
                        double *b_km)
{
    *a_km = i < self->n ? self->bands[i].a_km : 0.0;
    *b_km = i < self->n ? self->bands[i].b_km : 0.0;
}

const GEOSGeometry *geo_footprint_geometry(const geo_footprint_t *self,
                                           size_t i)
{
    return i < self->n ? self->bands[i].geom : NULL;
}

const double *geo_footprint_ellipse(const geo_footprint_t *self, size_t i,
                                    double *lat, double *lon)
{
    if (i >= self->n || !self->bands[i].is_ellipse)
        return NULL;
    *lat = self->bands[i].lat;
    *lon = self->bands[i].lon;
    return self->bands[i].ring;
}

GEOSContextHandle_t geo_footprint_context(const geo_footprint_t *self)
{
    return self->ctx;
}

static GEOSGeometry *s_ring(GEOSContextHandle_t ctx, const double *xy,
                            int reverse)
{
    double buf[2 * S_NPTS];
    for (size_t i = 0; i < S_NPTS; i++) {
        size_t j = reverse ? S_NPTS - 1 - i : i;
        buf[2 * i] = xy[2 * j];
        buf[2 * i + 1] = xy[2 * j + 1];
    }
    GEOSCoordSequence *seq =
        GEOSCoordSeq_copyFromBuffer_r(ctx, buf, S_NPTS, 0, 0);
    if (!seq)
        return NULL;
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx, seq);
    if (!ring)
        GEOSCoordSeq_destroy_r(ctx, seq);
    return ring;
}

/* Vertices of the ellipse, counter-clockwise in lon/lat, closed. */
static int s_ellipse(double lat, double lon, double a_km, double b_km,
                     double strike_deg, double *xy)
{
    const double step = 2.0 * M_PI / GEO_FOOTPRINT_SEGMENTS;
    /* inflate so the polygon's area equals the ellipse's (pi a b) */
    const double k = sqrt(step / sin(step));
    if (fabs(lat) + fmax(a_km, b_km) * k / 111.0 >= 89.0)
        return XY_ERANGE;
    for (size_t j = 0; j < GEO_FOOTPRINT_SEGMENTS; j++) {
        double t = step * (double)j;
        double u = a_km * k * cos(t), v = b_km * k * sin(t);
        double az = strike_deg - atan2(v, u) * 180.0 / M_PI;
        geo_destination(lat, lon, az, hypot(u, v), &xy[2 * j + 1], &xy[2 * j]);
        if (j > 0 && fabs(xy[2 * j] - xy[2 * j - 2]) > 180.0)
            return XY_ERANGE;
    }
    xy[2 * GEO_FOOTPRINT_SEGMENTS] = xy[0];
    xy[2 * GEO_FOOTPRINT_SEGMENTS + 1] = xy[1];
    if (fabs(xy[0] - xy[2 * GEO_FOOTPRINT_SEGMENTS - 2]) > 180.0)
        return XY_ERANGE;
    return 0;
}

static int s_push(geo_footprint_t *self, GEOSGeometry *geom, int level,
                  double a_km, double b_km)
{
    double area = 0;
    int rc = geo_albers_area_km2(self->ctx, geom, &area);
    if (rc) {
        GEOSGeom_destroy_r(self->ctx, geom);
        return rc;
    }
    s_band_t *b = &self->bands[self->n++];
    b->level = level;
    b->geom = geom;
    b->area_km2 = area;
    b->a_km = a_km;
    b->b_km = b_km;
    return 0;
}

int geo_footprint_add_ellipse(geo_footprint_t *self, double lat, double lon,
                              double a_km, double b_km, double strike_deg,
                              int level)
{
    double xy[2 * S_NPTS];
    if (self->n >= GEO_FOOTPRINT_MAX_BANDS)
        return XY_ETOOBIG;
    if (!(a_km > 0) || !(b_km > 0) || !isfinite(a_km) || !isfinite(b_km))
        return XY_EINVAL;
    int rc = s_ellipse(lat, lon, a_km, b_km, strike_deg, xy);
    if (rc)
        return rc;
    GEOSGeometry *shell = s_ring(self->ctx, xy, 0), *hole = NULL;
    if (!shell)
        return XY_EGEOM;
    if (self->has_prev) {
        hole = s_ring(self->ctx, self->prev, 1);
        if (!hole) {
            GEOSGeom_destroy_r(self->ctx, shell);
            return XY_EGEOM;
        }
    }
    GEOSGeometry *poly =
        GEOSGeom_createPolygon_r(self->ctx, shell, &hole, hole ? 1 : 0);
    if (!poly) {
        GEOSGeom_destroy_r(self->ctx, shell);
        if (hole)
            GEOSGeom_destroy_r(self->ctx, hole);
        return XY_EGEOM;
    }
    if (GEOSisValid_r(self->ctx, poly) != 1) {
        GEOSGeom_destroy_r(self->ctx, poly);
        return XY_EGEOM;
    }
    rc = s_push(self, poly, level, a_km, b_km);
    if (rc)
        return rc;
    s_band_t *b = &self->bands[self->n - 1];
    b->is_ellipse = 1;
    b->lat = lat;
    b->lon = lon;
    memcpy(b->ring, xy, sizeof(xy));
    memcpy(self->prev, xy, sizeof(xy));
    self->has_prev = 1;
    return 0;
}

int geo_footprint_add_geometry(geo_footprint_t *self, GEOSGeometry **geom,
                               int level)
{
    GEOSGeometry *g = *geom;
    *geom = NULL;
    if (self->n >= GEO_FOOTPRINT_MAX_BANDS) {
        GEOSGeom_destroy_r(self->ctx, g);
        return XY_ETOOBIG;
    }
    return s_push(self, g, level, 0.0, 0.0);
}

int geo_footprint_to_geojson(const geo_footprint_t *self, char **out)
{
    int rc = 0;
    *out = NULL;
    json_t *features = json_array();
    json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection",
                           "features", features);
    GEOSGeoJSONWriter *w = GEOSGeoJSONWriter_create_r(self->ctx);
    if (!fc || !w) {
        rc = XY_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < self->n; i++) {
        char *text = GEOSGeoJSONWriter_writeGeometry_r(self->ctx, w,
                                                       self->bands[i].geom, -1);
        json_t *geom = text ? json_loads(text, 0, NULL) : NULL;
        if (text)
            GEOSFree_r(self->ctx, text);
        if (!geom) {
            rc = XY_EGEOM;
            goto out;
        }
        json_array_append_new(features,
                              json_pack("{s:s, s:o, s:{s:I, s:i, s:f}}", "type",
                                        "Feature", "geometry", geom,
                                        "properties", "band", (json_int_t)i,
                                        "level", self->bands[i].level,
                                        "area_km2", self->bands[i].area_km2));
    }
    *out = json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (!*out)
        rc = XY_ENOMEM;
out:
    if (w)
        GEOSGeoJSONWriter_destroy_r(self->ctx, w);
    json_decref(fc);
    return rc;
}

/* Polygon sets from GeoJSON geometries (geo_shape.h): parsing with every
 * check a boundary from outside needs, point-in-polygon, edge distance and
 * conversion to GEOS. Rings are stored flat: one array of lon/lat pairs and
 * offset tables, so a shape is three allocations whatever its size. */
#include "geo/geo_shape.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct geo_shape {
    int multi;          /* 1 when read from a MultiPolygon */
    size_t n_polys;     /* polygons */
    size_t n_rings;     /* rings over all polygons */
    size_t n_points;    /* positions over all rings */
    size_t *poly_ring;  /* n_polys + 1 offsets into the rings */
    size_t *ring_point; /* n_rings + 1 offsets into the points */
    double *xy;         /* lon, lat pairs */
    double bbox[4];     /* min lon, min lat, max lon, max lat */
    size_t cap_polys;   /* allocated entries of poly_ring */
    size_t cap_rings;   /* allocated entries of ring_point */
    size_t cap_points;  /* allocated pairs of xy */
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

static void s_grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    *p = xrealloc(*p, n * elem);
    *cap = n;
}

static int s_position(geo_shape_t *s, const json_t *pos, size_t pi, size_t ri,
                      size_t k, char *err, size_t errlen)
{
    if (!json_is_array(pos) || json_array_size(pos) < 2 ||
        !json_is_number(json_array_get(pos, 0)) ||
        !json_is_number(json_array_get(pos, 1))) {
        s_err(err, errlen,
              "polygon %zu ring %zu position %zu: not an array of numbers", pi,
              ri, k);
        return XY_EPARSE;
    }
    double lon = json_number_value(json_array_get(pos, 0));
    double lat = json_number_value(json_array_get(pos, 1));
    if (!isfinite(lon) || !isfinite(lat) || lon < -180.0 || lon > 180.0 ||
        lat < -90.0 || lat > 90.0) {
        s_err(err, errlen,
              "polygon %zu ring %zu position %zu: (%g, %g) is not a "
              "longitude in [-180, 180] and a latitude in [-90, 90]",
              pi, ri, k, lon, lat);
        return XY_ECOORD;
    }
    if (s->n_points >= GEO_SHAPE_MAX_POINTS) {
        s_err(err, errlen, "more than %u positions", GEO_SHAPE_MAX_POINTS);
        return XY_ETOOBIG;
    }
    s_grow((void **)&s->xy, &s->cap_points, s->n_points + 1,
           2 * sizeof(double));
    s->xy[2 * s->n_points] = lon;
    s->xy[2 * s->n_points + 1] = lat;
    s->n_points++;
    s->bbox[0] = fmin(s->bbox[0], lon);
    s->bbox[1] = fmin(s->bbox[1], lat);
    s->bbox[2] = fmax(s->bbox[2], lon);
    s->bbox[3] = fmax(s->bbox[3], lat);
    return 0;
}

static int s_ring(geo_shape_t *s, const json_t *ring, size_t pi, size_t ri,
                  char *err, size_t errlen)
{
    if (!json_is_array(ring)) {
        s_err(err, errlen, "polygon %zu ring %zu: not an array", pi, ri);
        return XY_EPARSE;
    }
    size_t n = json_array_size(ring);
    if (n < 4) {
        s_err(err, errlen,
              "polygon %zu ring %zu: %zu positions, a ring needs at least 4",
              pi, ri, n);
        return XY_EGEOM;
    }
    if (s->n_rings >= GEO_SHAPE_MAX_RINGS) {
        s_err(err, errlen, "more than %u rings", GEO_SHAPE_MAX_RINGS);
        return XY_ETOOBIG;
    }
    size_t first = s->n_points;
    for (size_t k = 0; k < n; k++) {
        int rc = s_position(s, json_array_get(ring, k), pi, ri, k, err, errlen);
        if (rc)
            return rc;
    }
    const double *a = &s->xy[2 * first], *b = &s->xy[2 * (s->n_points - 1)];
    if (a[0] != b[0] || a[1] != b[1]) {
        s_err(err, errlen,
              "polygon %zu ring %zu: not closed (first position (%g, %g), "
              "last (%g, %g))",
              pi, ri, a[0], a[1], b[0], b[1]);
        return XY_EGEOM;
    }
    s_grow((void **)&s->ring_point, &s->cap_rings, s->n_rings + 2,
           sizeof(size_t));
    s->n_rings++;
    s->ring_point[s->n_rings] = s->n_points;
    return 0;
}

static int s_polygon(geo_shape_t *s, const json_t *poly, size_t pi, char *err,
                     size_t errlen)
{
    if (!json_is_array(poly) || json_array_size(poly) == 0) {
        s_err(err, errlen, "polygon %zu: not a non-empty array of rings", pi);
        return json_is_array(poly) ? XY_EGEOM : XY_EPARSE;
    }
    if (s->n_polys >= GEO_SHAPE_MAX_POLYGONS) {
        s_err(err, errlen, "more than %u polygons", GEO_SHAPE_MAX_POLYGONS);
        return XY_ETOOBIG;
    }
    for (size_t r = 0; r < json_array_size(poly); r++) {
        int rc = s_ring(s, json_array_get(poly, r), pi, r, err, errlen);
        if (rc)
            return rc;
    }
    s_grow((void **)&s->poly_ring, &s->cap_polys, s->n_polys + 2,
           sizeof(size_t));
    s->n_polys++;
    s->poly_ring[s->n_polys] = s->n_rings;
    return 0;
}

int geo_shape_from_json(geo_shape_t **out, const json_t *geom, char *err,
                        size_t errlen)
{
    int rc = 0;
    geo_shape_t *s = NULL;
    *out = NULL;
    const char *type = json_string_value(json_object_get(geom, "type"));
    const json_t *coords = json_object_get(geom, "coordinates");
    if (!json_is_object(geom) || !type) {
        s_err(err, errlen, "geometry is not an object with a \"type\"");
        return XY_EPARSE;
    }
    int multi = strcmp(type, "MultiPolygon") == 0;
    if (!multi && strcmp(type, "Polygon") != 0) {
        s_err(err, errlen,
              "geometry type \"%.32s\" is not supported (Polygon or "
              "MultiPolygon)",
              type);
        return XY_ENOTSUP;
    }
    if (!json_is_array(coords) || json_array_size(coords) == 0) {
        s_err(err, errlen, "%s has no \"coordinates\" array", type);
        return json_is_array(coords) ? XY_EGEOM : XY_EPARSE;
    }
    s = xcalloc(1, sizeof(*s));
    s->multi = multi;
    s->bbox[0] = s->bbox[1] = INFINITY;
    s->bbox[2] = s->bbox[3] = -INFINITY;
    s_grow((void **)&s->poly_ring, &s->cap_polys, 1, sizeof(size_t));
    s_grow((void **)&s->ring_point, &s->cap_rings, 1, sizeof(size_t));
    s->poly_ring[0] = 0;
    s->ring_point[0] = 0;
    if (multi) {
        for (size_t p = 0; p < json_array_size(coords); p++) {
            rc = s_polygon(s, json_array_get(coords, p), p, err, errlen);
            if (rc)
                goto out;
        }
    } else {
        rc = s_polygon(s, coords, 0, err, errlen);
        if (rc)
            goto out;
    }
    *out = s;
    s = NULL;
out:
    geo_shape_destroy(&s);
    return rc;
}

void geo_shape_destroy(geo_shape_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    geo_shape_t *s = *self_p;
    free(s->poly_ring);
    free(s->ring_point);
    free(s->xy);
    free(s);
    *self_p = NULL;
}

void geo_shape_bounds(const geo_shape_t *self, double *min_lon, double *min_lat,
                      double *max_lon, double *max_lat)
{
    *min_lon = self->bbox[0];
    *min_lat = self->bbox[1];
    *max_lon = self->bbox[2];
    *max_lat = self->bbox[3];
}

int geo_shape_contains(const geo_shape_t *self, double lat, double lon)
{
    if (lon < self->bbox[0] || lon > self->bbox[2] || lat < self->bbox[1] ||
        lat > self->bbox[3])
        return 0;
    int inside = 0;
    for (size_t r = 0; r < self->n_rings; r++) {
        size_t a = self->ring_point[r], b = self->ring_point[r + 1];
        for (size_t i = a + 1; i < b; i++) {
            double x1 = self->xy[2 * (i - 1)], y1 = self->xy[2 * (i - 1) + 1];
            double x2 = self->xy[2 * i], y2 = self->xy[2 * i + 1];
            if ((y1 > lat) != (y2 > lat) &&
                lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1))
                inside = !inside;
        }
    }
    return inside;
}

double geo_shape_edge_distance_km(const geo_shape_t *self, double lat,
                                  double lon)
{
    const double km = 111.19492664; /* km per degree on the mean sphere */
    double kx = km * cos(lat * M_PI / 180.0), best = INFINITY;
    for (size_t r = 0; r < self->n_rings; r++) {
        size_t a = self->ring_point[r], b = self->ring_point[r + 1];
        for (size_t i = a + 1; i < b; i++) {
            double x1 = (self->xy[2 * (i - 1)] - lon) * kx;
            double y1 = (self->xy[2 * (i - 1) + 1] - lat) * km;
            double x2 = (self->xy[2 * i] - lon) * kx;
            double y2 = (self->xy[2 * i + 1] - lat) * km;
            double dx = x2 - x1, dy = y2 - y1, len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? -(x1 * dx + y1 * dy) / len2 : 0;
            t = fmax(0.0, fmin(1.0, t));
            best = fmin(best, hypot(x1 + t * dx, y1 + t * dy));
        }
    }
    return best;
}

static GEOSGeometry *s_ring_geos(const geo_shape_t *s, GEOSContextHandle_t ctx,
                                 size_t r)
{
    size_t a = s->ring_point[r], n = s->ring_point[r + 1] - a;
    GEOSCoordSequence *seq = GEOSCoordSeq_copyFromBuffer_r(
        ctx, &s->xy[2 * a], (unsigned int)n, 0, 0);
    if (!seq)
        return NULL;
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(ctx, seq);
    if (!ring)
        GEOSCoordSeq_destroy_r(ctx, seq);
    return ring;
}

static GEOSGeometry *s_polygon_geos(const geo_shape_t *s,
                                    GEOSContextHandle_t ctx, size_t p)
{
    size_t r0 = s->poly_ring[p], nr = s->poly_ring[p + 1] - r0;
    GEOSGeometry *shell = s_ring_geos(s, ctx, r0), *poly = NULL;
    GEOSGeometry **holes = xcalloc(nr, sizeof(*holes));
    size_t nh = 0;
    if (!shell)
        goto out;
    for (nh = 0; nh + 1 < nr; nh++) {
        holes[nh] = s_ring_geos(s, ctx, r0 + 1 + nh);
        if (!holes[nh])
            goto out;
    }
    poly = GEOSGeom_createPolygon_r(ctx, shell, holes, (unsigned int)nh);
    if (poly) {
        shell = NULL;
        nh = 0;
    }
out:
    for (size_t i = 0; i < nh; i++)
        GEOSGeom_destroy_r(ctx, holes[i]);
    if (shell)
        GEOSGeom_destroy_r(ctx, shell);
    free(holes);
    return poly;
}

int geo_shape_to_geos(const geo_shape_t *self, GEOSContextHandle_t ctx,
                      GEOSGeometry **out)
{
    *out = NULL;
    if (!self->multi) {
        *out = s_polygon_geos(self, ctx, 0);
        return *out ? 0 : XY_EGEOM;
    }
    GEOSGeometry **polys = xcalloc(self->n_polys, sizeof(*polys));
    size_t n = 0;
    int rc = XY_EGEOM;
    for (n = 0; n < self->n_polys; n++) {
        polys[n] = s_polygon_geos(self, ctx, n);
        if (!polys[n])
            goto out;
    }
    *out = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, polys,
                                       (unsigned int)n);
    if (*out) {
        n = 0;
        rc = 0;
    }
out:
    for (size_t i = 0; i < n; i++)
        GEOSGeom_destroy_r(ctx, polys[i]);
    free(polys);
    return rc;
}

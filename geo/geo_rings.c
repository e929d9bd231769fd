/* Flat rings of a polygonal geometry (geo_rings.h). Every ring is copied
 * with GEOSCoordSeq_copyToBuffer_r into one lon/lat array and projected
 * once into a parallel Albers array; a ring's side comes from the sign of
 * its shoelace area and whether it is a shell or a hole. */
#include "geo/geo_rings.h"
#include "geo/geo_albers.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <math.h>
#include <stdlib.h>

struct geo_rings {
    size_t n_rings;  /* rings in use */
    size_t cap;      /* entries allocated in start and side */
    size_t *start;   /* n_rings + 1 offsets into the arrays, in positions */
    int *side;       /* per ring, see geo_ring_t */
    size_t n_points; /* positions in use */
    size_t cap_pts;  /* positions allocated */
    double *lonlat;  /* all rings, (lon, lat) pairs */
    double *xy;      /* all rings, Albers (x, y) km */
    double bbox[4];  /* min lon, min lat, max lon, max lat */
    double area_km2; /* Albers area, holes subtracted */
};

/* Twice the signed area of a ring of n (x, y) pairs, relative to its first
 * point (which keeps the products small). */
static double s_shoelace2(const double *p, size_t n)
{
    double sum = 0;
    for (size_t i = 1; i + 1 < n; i++)
        sum += (p[2 * i] - p[0]) * (p[2 * i + 3] - p[1]) -
               (p[2 * i + 2] - p[0]) * (p[2 * i + 1] - p[1]);
    return sum;
}

static int s_ring(geo_rings_t *self, GEOSContextHandle_t ctx,
                  const GEOSGeometry *ring, int hole)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n))
        return XY_EGEOM;
    if (n < 4) /* an empty or collapsed ring encloses nothing */
        return 0;
    if (self->n_points + n > self->cap_pts) {
        while (self->n_points + n > self->cap_pts)
            self->cap_pts = self->cap_pts ? 2 * self->cap_pts : 256;
        self->lonlat =
            xrealloc(self->lonlat, 2 * self->cap_pts * sizeof(double));
        self->xy = xrealloc(self->xy, 2 * self->cap_pts * sizeof(double));
    }
    if (self->n_rings + 2 > self->cap) {
        self->cap = self->cap ? 2 * self->cap : 8;
        self->start = xrealloc(self->start, self->cap * sizeof(size_t));
        self->side = xrealloc(self->side, self->cap * sizeof(int));
    }
    double *ll = &self->lonlat[2 * self->n_points];
    double *xy = &self->xy[2 * self->n_points];
    if (!GEOSCoordSeq_copyToBuffer_r(ctx, seq, ll, 0, 0))
        return XY_EGEOM;
    geo_albers_forward_n(ll, xy, n);
    for (unsigned int i = 0; i < n; i++) {
        self->bbox[0] = fmin(self->bbox[0], ll[2 * i]);
        self->bbox[1] = fmin(self->bbox[1], ll[2 * i + 1]);
        self->bbox[2] = fmax(self->bbox[2], ll[2 * i]);
        self->bbox[3] = fmax(self->bbox[3], ll[2 * i + 1]);
    }
    double a2 = s_shoelace2(xy, n);
    /* shells keep the polygon inside (left when counter-clockwise), holes
     * keep it outside */
    self->side[self->n_rings] = (a2 >= 0) == !hole ? 1 : -1;
    self->area_km2 += (hole ? -0.5 : 0.5) * fabs(a2);
    self->n_points += n;
    self->start[++self->n_rings] = self->n_points;
    return 0;
}

static int s_polygon(geo_rings_t *self, GEOSContextHandle_t ctx,
                     const GEOSGeometry *g)
{
    if (GEOSisEmpty_r(ctx, g) == 1)
        return 0;
    const GEOSGeometry *ext = GEOSGetExteriorRing_r(ctx, g);
    int nh = GEOSGetNumInteriorRings_r(ctx, g);
    if (!ext || nh < 0)
        return XY_EGEOM;
    int rc = s_ring(self, ctx, ext, 0);
    for (int i = 0; i < nh && rc == 0; i++) {
        const GEOSGeometry *r = GEOSGetInteriorRingN_r(ctx, g, i);
        rc = r ? s_ring(self, ctx, r, 1) : XY_EGEOM;
    }
    return rc;
}

int geo_rings_from_geos(geo_rings_t **out, GEOSContextHandle_t ctx,
                        const GEOSGeometry *g)
{
    *out = NULL;
    geo_rings_t *self = xcalloc(1, sizeof(*self));
    self->start = xcalloc(1, sizeof(size_t));
    self->bbox[0] = self->bbox[1] = INFINITY;
    self->bbox[2] = self->bbox[3] = -INFINITY;
    int rc = 0, type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        rc = s_polygon(self, ctx, g);
    } else if (type == GEOS_MULTIPOLYGON) {
        int n = GEOSGetNumGeometries_r(ctx, g);
        rc = n < 0 ? XY_EGEOM : 0;
        for (int i = 0; i < n && rc == 0; i++) {
            const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, g, i);
            rc = part ? s_polygon(self, ctx, part) : XY_EGEOM;
        }
    } else {
        rc = XY_EGEOM;
    }
    if (rc) {
        geo_rings_destroy(&self);
        return rc;
    }
    *out = self;
    return 0;
}

void geo_rings_destroy(geo_rings_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    geo_rings_t *self = *self_p;
    free(self->start);
    free(self->side);
    free(self->lonlat);
    free(self->xy);
    free(self);
    *self_p = NULL;
}

size_t geo_rings_count(const geo_rings_t *self)
{
    return self->n_rings;
}

geo_ring_t geo_rings_get(const geo_rings_t *self, size_t r)
{
    size_t s = self->start[r];
    geo_ring_t ring = {
        .n = self->start[r + 1] - s,
        .lonlat = &self->lonlat[2 * s],
        .xy = &self->xy[2 * s],
        .side = self->side[r],
    };
    return ring;
}

const double *geo_rings_bounds(const geo_rings_t *self)
{
    return self->bbox;
}

double geo_rings_area_km2(const geo_rings_t *self)
{
    return self->area_km2;
}

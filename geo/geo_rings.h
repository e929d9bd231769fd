/* The rings of a polygonal GEOS geometry copied out into flat arrays, with
 * every vertex also projected to Albers (geo_albers.h) and each ring's
 * orientation recorded. Part of geo/: the county layer builds one per county
 * at load, so geo_nested can integrate a county's boundary against nested
 * ellipses without calling GEOS or projecting again. Read-only once built. */
#ifndef XY_GEO_RINGS_H
#define XY_GEO_RINGS_H

#include <stddef.h>

#include <geos_c.h>

typedef struct geo_rings geo_rings_t;

/* One ring, borrowed from its geo_rings_t. */
typedef struct {
    size_t n;             /* positions, closed: the last equals the first */
    const double *lonlat; /* n (lon, lat) pairs, degrees */
    const double *xy;     /* the same n points in Albers, (x, y) km */
    int side;             /* +1: the polygon lies left of the ring as
                             stored; -1: right of it */
} geo_ring_t;

/* Copies the rings of g (Polygon or MultiPolygon, read in ctx, borrowed for
 * the call). On success *out is owned by the caller (geo_rings_destroy).
 * Returns 0, or XY_EGEOM when g is of another type or GEOS cannot read it. */
int geo_rings_from_geos(geo_rings_t **out, GEOSContextHandle_t ctx,
                        const GEOSGeometry *g);

/* Frees *self_p and nulls it; safe on NULL and twice. */
void geo_rings_destroy(geo_rings_t **self_p);

/* Number of rings (shells and holes of all polygons). */
size_t geo_rings_count(const geo_rings_t *self);

/* Ring r (r < count); its arrays live as long as self. */
geo_ring_t geo_rings_get(const geo_rings_t *self, size_t r);

/* Bounding box of all rings: min lon, min lat, max lon, max lat. */
const double *geo_rings_bounds(const geo_rings_t *self);

/* Area in km² (Albers shoelace, holes subtracted). */
double geo_rings_area_km2(const geo_rings_t *self);

#endif

/* A polygon set read from a GeoJSON geometry (Polygon or MultiPolygon): flat
 * arrays of rings in WGS84 degrees, checked for range, closure and size.
 * Part of geo/: the county layer, the province regions of the earthquake
 * model and drawn hazard polygons all come in through here, so every
 * boundary from outside meets the same checks and the same messages. A shape
 * answers point-in-polygon itself and turns into a GEOS geometry. */
#ifndef XY_GEO_SHAPE_H
#define XY_GEO_SHAPE_H

#include <stddef.h>

#include <geos_c.h>
#include <jansson.h>

/* Hard limits on one geometry from outside. */
#define GEO_SHAPE_MAX_POLYGONS 10000u /* polygons in a MultiPolygon */
#define GEO_SHAPE_MAX_RINGS 100000u   /* rings in all polygons */
#define GEO_SHAPE_MAX_POINTS 4000000u /* positions in all rings */

typedef struct geo_shape geo_shape_t;

/* Reads a GeoJSON geometry object (RFC 7946 Polygon or MultiPolygon; a third
 * coordinate is ignored). Checks that every position holds finite numbers
 * with longitude in [-180, 180] and latitude in [-90, 90], that each ring has
 * at least 4 positions and is closed, and the limits above. geom is
 * borrowed. On success *out is an owned shape (free with geo_shape_destroy).
 * Errors: XY_EPARSE (not a geometry object, wrong JSON types), XY_ENOTSUP
 * (another geometry type), XY_ECOORD (position out of range), XY_EGEOM (ring
 * too short or not closed), XY_ETOOBIG (a limit exceeded). When err is not
 * NULL a message naming the polygon, ring and position is written to it. */
int geo_shape_from_json(geo_shape_t **out, const json_t *geom, char *err,
                        size_t errlen);

/* Frees *self_p and sets it to NULL; safe on NULL and twice. */
void geo_shape_destroy(geo_shape_t **self_p);

/* Bounding box of all rings, degrees. */
void geo_shape_bounds(const geo_shape_t *self, double *min_lon, double *min_lat,
                      double *max_lon, double *max_lat);

/* 1 when (lat, lon) lies inside the shape (even-odd rule over all rings, so
 * holes are outside), 0 otherwise. Points on an edge may go either way. */
int geo_shape_contains(const geo_shape_t *self, double lat, double lon);

/* Approximate distance in km from (lat, lon) to the nearest ring edge, on a
 * local equirectangular plane (good to a fraction of a percent within a few
 * hundred km). */
double geo_shape_edge_distance_km(const geo_shape_t *self, double lat,
                                  double lon);

/* Builds the GEOS geometry of the shape in ctx: a Polygon when the shape
 * came from a Polygon, else a MultiPolygon. The caller owns *out and frees it
 * with GEOSGeom_destroy_r(ctx, ...). self is borrowed. Returns 0 or XY_EGEOM
 * when GEOS refuses the rings. */
int geo_shape_to_geos(const geo_shape_t *self, GEOSContextHandle_t ctx,
                      GEOSGeometry **out);

#endif

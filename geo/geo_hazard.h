/* Footprints of hazards other than earthquakes: a polygon drawn by a person
 * (GeoJSON text) and rings of given radii around a point (a chemical
 * release, an explosion, a landslide site). Part of geo/: both build a
 * geo_footprint_t that geo_exposure reads like an earthquake's. */
#ifndef XY_GEO_HAZARD_H
#define XY_GEO_HAZARD_H

#include <stddef.h>

#include "geo/geo_footprint.h"

#define GEO_HAZARD_MAX_TEXT (16u * 1024u * 1024u) /* drawn polygon, bytes */
#define GEO_HAZARD_MAX_RINGS 12u                  /* radii per point */
#define GEO_HAZARD_MAX_RADIUS_KM 1000.0           /* largest ring radius */

/* Builds a one-band footprint (level 1) from GeoJSON text of len bytes: a
 * Polygon or MultiPolygon geometry, or a Feature holding one. The polygon
 * must be valid in the OGC sense (GEOSisValid_r). *out is owned by the
 * caller. Errors: XY_ETOOBIG (text over GEO_HAZARD_MAX_TEXT or a shape
 * limit), XY_EPARSE (not JSON or not GeoJSON), XY_ENOTSUP (another geometry
 * type), XY_ECOORD (a position out of range), XY_EGEOM (ring not closed or
 * too short, self-intersection, ring crossing: err then holds GEOS's reason,
 * e.g. "Self-intersection[1 1]"). err may be NULL. */
int geo_hazard_polygon(geo_footprint_t **out, const char *text, size_t len,
                       char *err, size_t errlen);

/* Builds a footprint of n rings around (lat, lon): band i (ring number i+1,
 * innermost first) is the disc of radius radii_km[i] minus the previous
 * disc. Radii must be finite, strictly increasing, above 0 and at most
 * GEO_HAZARD_MAX_RADIUS_KM; 1 <= n <= GEO_HAZARD_MAX_RINGS. radii_km is
 * borrowed; *out is owned by the caller. Errors: XY_ECOORD (bad point),
 * XY_EINVAL (bad count or radius), XY_ERANGE (a disc would cross a pole or
 * the antimeridian). err may be NULL. */
int geo_hazard_rings(geo_footprint_t **out, double lat, double lon,
                     const double *radii_km, size_t n, char *err,
                     size_t errlen);

#endif

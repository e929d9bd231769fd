/* Exposure of one polygon to a footprint of nested ellipses, without an
 * overlay. Every quake footprint and every set of rings is such a
 * footprint: band i is ellipse i minus ellipse i - 1. The area of a county
 * in band i is the integral along the boundary of (county ∩ band i), which
 * is made of the pieces of the county's rings lying in band i and the
 * pieces of ellipses i and i - 1 lying in the county (Green's theorem; in
 * Albers coordinates, each piece a straight chord as in geo_albers). The
 * pieces come from the crossings of the county's edges with the ellipses'
 * edges, found through a per-ellipse angular index. Part of geo/:
 * geo_exposure uses it and falls back to a GEOS overlay whenever this
 * module declines. */
#ifndef XY_GEO_NESTED_H
#define XY_GEO_NESTED_H

#include "geo/geo_footprint.h"
#include "geo/geo_rings.h"

typedef struct geo_nested geo_nested_t;

/* Prepares fp (borrowed for the call only: the ellipses are copied). The
 * caller owns *out (geo_nested_destroy); one geo_nested_t serves one thread.
 * Returns 0; XY_ENOTSUP when fp has no band, a band that is not an ellipse
 * band (geo_footprint_ellipse) or an ellipse that is not star-shaped around
 * the centre of the innermost one in lon/lat. */
int geo_nested_new(geo_nested_t **out, const geo_footprint_t *fp);

/* Frees *self_p and nulls it; safe on NULL and twice. */
void geo_nested_destroy(geo_nested_t **self_p);

/* Number of bands (= ellipses). */
size_t geo_nested_count(const geo_nested_t *self);

/* Writes into area_km2[0 .. count - 1] the Albers area in km² of the
 * polygon `rings` (borrowed) inside each band. Returns 0, or XY_EAGAIN when
 * a ring passes within rounding of an ellipse vertex or edge or the
 * crossings do not close up: the numbers would not be trustworthy and the
 * caller is to overlay that polygon with GEOS instead. */
int geo_nested_areas(geo_nested_t *self, const geo_rings_t *rings,
                     double *area_km2);

#endif

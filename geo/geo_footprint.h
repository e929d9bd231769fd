/* A hazard footprint: an ordered list of bands, each a GEOS polygon with a
 * level and an area in km², most severe band first. An earthquake footprint
 * has one band per intensity (VI ring = ellipse VI minus ellipse VII, ...),
 * point-and-radius rings one band per ring, a drawn polygon one band. Part of
 * geo/: built by geo_quake and geo_hazard, read by geo_exposure. The
 * footprint owns its GEOS context and every geometry in it; once built it is
 * only read. */
#ifndef XY_GEO_FOOTPRINT_H
#define XY_GEO_FOOTPRINT_H

#include <stddef.h>

#include <geos_c.h>

/* Vertices of every ellipse and circle polygon. The radii are scaled so the
 * polygon has the area of the true ellipse (an inscribed 128-gon alone
 * would be 0.04 % short). */
#define GEO_FOOTPRINT_SEGMENTS 128
#define GEO_FOOTPRINT_MAX_BANDS 16u /* bands in one footprint */

typedef enum {
    GEO_HAZARD_QUAKE = 1,   /* elliptical intensity bands (geo_quake) */
    GEO_HAZARD_POLYGON = 2, /* one drawn polygon (geo_hazard) */
    GEO_HAZARD_RINGS = 3,   /* rings around a point (geo_hazard) */
} geo_hazard_kind_t;

typedef struct geo_footprint geo_footprint_t;

/* Frees the footprint, its geometries and its GEOS context; nulls *self_p.
 * Safe on NULL and twice. */
void geo_footprint_destroy(geo_footprint_t **self_p);

geo_hazard_kind_t geo_footprint_kind(const geo_footprint_t *self);

/* Number of bands (0 when the hazard reaches no band, e.g. an earthquake too
 * small for intensity VI). */
size_t geo_footprint_count(const geo_footprint_t *self);

/* Level of band i (i < count): the intensity for an earthquake (6 to 12),
 * the ring number counted from the centre for rings (1 = innermost), 1 for a
 * drawn polygon. */
int geo_footprint_level(const geo_footprint_t *self, size_t i);

/* Area of band i in km² (Albers equal-area, geo_albers.h). */
double geo_footprint_area_km2(const geo_footprint_t *self, size_t i);

/* Semi-axes in km of the outer boundary of band i along and across the
 * strike (equal for circles, 0 for a drawn polygon). */
void geo_footprint_axes(const geo_footprint_t *self, size_t i, double *a_km,
                        double *b_km);

/* Polygon of band i, borrowed: lives as long as the footprint. Read it only
 * with geo_footprint_context(self) on one thread at a time. */
const GEOSGeometry *geo_footprint_geometry(const geo_footprint_t *self,
                                           size_t i);

/* Outer ellipse of band i (i < count) as GEO_FOOTPRINT_SEGMENTS + 1
 * (lon, lat) pairs, closed and counter-clockwise, borrowed: lives as long as
 * the footprint. *lat and *lon get the ellipse's centre. NULL (and the
 * centre untouched) when band i was not added by geo_footprint_add_ellipse.
 * A footprint whose every band is an ellipse band has band i = ellipse i
 * minus ellipse i - 1, each ellipse inside the next (geo_nested.h). */
const double *geo_footprint_ellipse(const geo_footprint_t *self, size_t i,
                                    double *lat, double *lon);

/* The GEOS context that owns the footprint's geometries. */
GEOSContextHandle_t geo_footprint_context(const geo_footprint_t *self);

/* Writes into *out an owned NUL-terminated GeoJSON FeatureCollection, one
 * Feature per band with properties "band", "level" and "area_km2"; free it
 * with free(). Returns 0 or XY_EGEOM when GEOS cannot write a band. */
int geo_footprint_to_geojson(const geo_footprint_t *self, char **out);

/* --- for the builders in geo/ (geo_quake, geo_hazard) ------------------ */

/* A new empty footprint of the given kind with its own GEOS context; the
 * caller owns it. Returns 0 or XY_ENOMEM when GEOS cannot start. */
int geo_footprint_new(geo_footprint_t **out, geo_hazard_kind_t kind);

/* Appends the band "ellipse centred on (lat, lon) with semi-axes a_km along
 * azimuth strike_deg and b_km across it, minus the previous ellipse". Calls
 * go from the innermost ellipse outward, each containing the previous one.
 * The ellipse is drawn on the sphere: each vertex is the great-circle
 * destination from the centre at the vertex's distance and azimuth (a local
 * azimuthal-equidistant construction). Returns 0; XY_ERANGE when the
 * ellipse would cross a pole or the antimeridian; XY_EGEOM when it does not
 * contain the previous one; XY_ETOOBIG beyond GEO_FOOTPRINT_MAX_BANDS. */
int geo_footprint_add_ellipse(geo_footprint_t *self, double lat, double lon,
                              double a_km, double b_km, double strike_deg,
                              int level);

/* Appends a band made of geometry *geom (ownership taken, *geom nulled, in
 * the footprint's context). Returns 0 or XY_ETOOBIG / XY_EGEOM; the
 * geometry is freed on failure too. */
int geo_footprint_add_geometry(geo_footprint_t *self, GEOSGeometry **geom,
                               int level);

#endif

/* Population exposure: how many people of each county live in each band of
 * a hazard footprint, by area weighting (population x intersection area /
 * county area, areas in the Albers equal-area projection). Part of geo/:
 * the domain's assessment turns these rows into zones and tiers. Nested
 * ellipse footprints (earthquakes, rings) are measured by boundary
 * integration (geo_nested.h), other footprints and the rare county that
 * touches an ellipse within rounding by GEOS overlays. Three entry points
 * give the same rows to rounding: candidates from the layer's STRtree, every
 * county tried (the same code without the index), and GEOS overlays only
 * (the path of drawn polygons; kept as a reference for tests and
 * bench/assess). */
#ifndef XY_GEO_EXPOSURE_H
#define XY_GEO_EXPOSURE_H

#include <stddef.h>
#include <stdint.h>

#include "geo/geo_footprint.h"
#include "geo/geo_layer.h"

typedef struct geo_exposure geo_exposure_t;

/* One county in one band. */
typedef struct {
    size_t band;                   /* band index in the footprint */
    int level;                     /* band level (intensity, ring number) */
    size_t county;                 /* county index in the layer */
    int32_t code;                  /* county code */
    char name[GEO_LAYER_MAX_NAME]; /* county name (copied) */
    double area_km2;               /* area of the county inside the band */
    double fraction;               /* area_km2 / county area, 0..1 */
    double population;             /* county population x fraction */
} geo_exposure_row_t;

/* Computes the exposure of layer to every band of fp, using the layer's
 * STRtree, and geo_nested when fp is made of nested ellipses. Rows with a
 * positive intersection area only, ordered by band (footprint order, most
 * severe first) then county code. layer and fp are borrowed for the call only;
 * *out is owned by the caller (geo_exposure_destroy). Returns 0, XY_ENOMEM, or
 * XY_EGEOM when GEOS fails on a county (the county code is in err when err is
 * not NULL). */
int geo_exposure_compute(const geo_layer_t *layer, const geo_footprint_t *fp,
                         geo_exposure_t **out, char *err, size_t errlen);

/* The same computation with no index: every county against every band.
 * Same rows, same order, same numbers as geo_exposure_compute. */
int geo_exposure_compute_noindex(const geo_layer_t *layer,
                                 const geo_footprint_t *fp,
                                 geo_exposure_t **out, char *err,
                                 size_t errlen);

/* The same rows by GEOS alone: the STRtree, then per band and candidate a
 * prepared intersects / contains test and GEOSIntersection_r. Areas agree
 * with geo_exposure_compute to about 1e-12 relative, not bit for bit. */
int geo_exposure_compute_overlay(const geo_layer_t *layer,
                                 const geo_footprint_t *fp,
                                 geo_exposure_t **out, char *err,
                                 size_t errlen);

/* Frees *self_p and nulls it; safe on NULL and twice. */
void geo_exposure_destroy(geo_exposure_t **self_p);

/* Number of rows and row i (borrowed, lives as long as the exposure). */
size_t geo_exposure_count(const geo_exposure_t *self);
const geo_exposure_row_t *geo_exposure_row(const geo_exposure_t *self,
                                           size_t i);

/* Bands of the footprint the exposure was computed for, and the people in
 * band b (sum of its rows). */
size_t geo_exposure_bands(const geo_exposure_t *self);
double geo_exposure_band_population(const geo_exposure_t *self, size_t b);

/* People in all bands. */
double geo_exposure_total(const geo_exposure_t *self);

/* County/band pairs that needed a GEOS overlay (all crossing pairs on the
 * overlay path; on the nested path only slivers and declined counties). */
size_t geo_exposure_overlays(const geo_exposure_t *self);

#endif

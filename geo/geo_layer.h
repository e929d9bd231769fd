/* The county layer: China's 2,990 county-level units (2021 boundaries) with
 * their 2020 census population, as GEOS polygons under a GEOS STRtree, each
 * also as flat rings already projected to Albers (geo_rings.h).
 * Part of geo/: geo_exposure reads it to share hazard bands out among
 * counties. The layer owns its GEOS context and geometries; after
 * geo_layer_load it is read-only (its index is built before it is handed
 * out), so exposure computations on other threads may share it, each with
 * its own context. */
#ifndef XY_GEO_LAYER_H
#define XY_GEO_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include <geos_c.h>

#include "geo/geo_rings.h"

/* Shipped data (data/SOURCES.md). */
#define GEO_LAYER_COUNTIES_PATH                                                \
    XY_DATA_DIR "/admin/china_counties_2021_wgs84.geojson"

#define GEO_LAYER_MAX_BYTES (64u * 1024u * 1024u) /* file size cap */
#define GEO_LAYER_MAX_FEATURES 20000u             /* feature count cap */
#define GEO_LAYER_MAX_NAME 64u /* name bytes with NUL, UTF-8 */

typedef struct geo_layer geo_layer_t;

/* Loads a GeoJSON FeatureCollection of Polygon / MultiPolygon features with
 * properties code (integer 1..999999, unique), name (string), name_en and
 * prov_code (optional) and pop2020 (integer >= 0, or null when unknown:
 * counted as 0). An invalid county polygon is repaired with GEOSMakeValid_r
 * (geo_layer_repaired tells how many). On success *out is owned by the
 * caller (geo_layer_destroy). Errors: XY_EIO, XY_ETOOBIG (file over
 * GEO_LAYER_MAX_BYTES, more than GEO_LAYER_MAX_FEATURES features, a name
 * too long), XY_EPARSE (not JSON, not a FeatureCollection, bad property),
 * XY_EEXIST (duplicate code), the geo_shape_from_json errors for a bad
 * geometry, XY_ENOMEM. err (may be NULL) gets the path, the feature index
 * and what is wrong. */
int geo_layer_load(geo_layer_t **out, const char *path, char *err,
                   size_t errlen);

/* Frees the layer, its geometries, index and context; nulls *self_p. Safe
 * on NULL and twice. */
void geo_layer_destroy(geo_layer_t **self_p);

/* Number of counties. */
size_t geo_layer_count(const geo_layer_t *self);

/* Accessors of county i (i < count). Strings are borrowed and live as long
 * as the layer. */
int32_t geo_layer_code(const geo_layer_t *self, size_t i);
int32_t geo_layer_prov_code(const geo_layer_t *self, size_t i);
const char *geo_layer_name(const geo_layer_t *self, size_t i);
const char *geo_layer_name_en(const geo_layer_t *self, size_t i);
int64_t geo_layer_population(const geo_layer_t *self, size_t i);
int geo_layer_has_population(const geo_layer_t *self, size_t i);

/* Area in km² of county i measured on its polygon (geo_albers.h). */
double geo_layer_area_km2(const geo_layer_t *self, size_t i);

/* Bounding box of county i in degrees. */
void geo_layer_bounds(const geo_layer_t *self, size_t i, double *min_lon,
                      double *min_lat, double *max_lon, double *max_lat);

/* Polygon of county i, borrowed for the life of the layer; read-only. */
const GEOSGeometry *geo_layer_geometry(const geo_layer_t *self, size_t i);

/* Rings of county i, flat and projected (geo_rings.h), borrowed for the
 * life of the layer; read-only. */
const geo_rings_t *geo_layer_rings(const geo_layer_t *self, size_t i);

/* Sum of the populations of all counties. */
int64_t geo_layer_population_total(const geo_layer_t *self);

/* Number of county polygons repaired at load. */
size_t geo_layer_repaired(const geo_layer_t *self);

/* Index of the county with this code in *index. Returns 0 or XY_ENOENT. */
int geo_layer_find(const geo_layer_t *self, int32_t code, size_t *index);

/* Index of the county containing (lat, lon) in *index. Returns 0,
 * XY_ECOORD for a bad point, XY_ENOENT when no county holds it. */
int geo_layer_locate(const geo_layer_t *self, double lat, double lon,
                     size_t *index);

/* Calls fn(i, arg) for every county whose bounding box meets the bounding
 * box of g, using the STRtree; ctx is the caller's GEOS context (one per
 * thread), g is borrowed. The order of the calls is unspecified. */
void geo_layer_query(const geo_layer_t *self, GEOSContextHandle_t ctx,
                     const GEOSGeometry *g, void (*fn)(size_t index, void *arg),
                     void *arg);

#endif

/* Earthquake footprints from the elliptical intensity attenuation model of
 * GB 18306-2015 (coefficients of Yu Yanxiang et al. 2013, four regions,
 * long and short axis): I = A + B*Ms + C*lg(R + R0). The region is chosen
 * from the province that holds the epicentre (docs/geo.md gives the rule).
 * Part of geo/: the model is loaded once, is read-only afterwards (safe to
 * share between threads) and builds geo_footprint_t bands. */
#ifndef XY_GEO_QUAKE_H
#define XY_GEO_QUAKE_H

#include <math.h>
#include <stddef.h>

#include "geo/geo_footprint.h"

/* Shipped data (data/SOURCES.md). */
#define GEO_QUAKE_COEF_PATH XY_DATA_DIR "/quake/intensity_attenuation_china.csv"
#define GEO_QUAKE_PROVINCES_PATH                                               \
    XY_DATA_DIR "/admin/china_provinces_wgs84.geojson"

/* Strike to pass when the fault direction is not known: the footprint is
 * then the circle of the same area as the ellipse (radius sqrt(a b)). */
#define GEO_QUAKE_STRIKE_UNKNOWN NAN

#define GEO_QUAKE_MIN_MS 4.0     /* smallest magnitude accepted (Ms) */
#define GEO_QUAKE_MAX_MS 9.0     /* largest magnitude accepted (Ms) */
#define GEO_QUAKE_MIN_LEVEL 6    /* lowest intensity band (VI) */
#define GEO_QUAKE_MAX_LEVEL 12   /* top of the China intensity scale */
#define GEO_QUAKE_OFFSHORE_KM 50 /* epicentres this close to a province */

typedef enum {
    GEO_QUAKE_TIBET = 0,    /* 青藏区, Qinghai-Tibet */
    GEO_QUAKE_XINJIANG = 1, /* 新疆区, Xinjiang */
    GEO_QUAKE_EASTERN = 2,  /* 东部区, eastern strong-earthquake region */
    GEO_QUAKE_CENTRAL = 3,  /* 中部区, moderate-activity region */
    GEO_QUAKE_REGIONS = 4,
} geo_quake_region_t;

typedef struct geo_quake_model geo_quake_model_t;

/* What the model says about one event before any polygon is drawn. */
typedef struct {
    geo_quake_region_t region; /* attenuation region of the epicentre */
    int prov_code;             /* province holding (or nearest to) it */
    double i0;                 /* intensity at R = 0 on the long axis */
    int level;                 /* epicentral intensity: i0 rounded, <= 12 */
} geo_quake_info_t;

/* Loads the coefficients (CSV with header region_cn,region_en,axis,A,B,C,
 * R0_km,sigma; '#' lines are comments; all 4 regions x 2 axes required) and
 * the province boundaries (GeoJSON FeatureCollection, property "code").
 * On success *out is owned by the caller (geo_quake_model_destroy).
 * Errors: XY_EIO (cannot read), XY_ETOOBIG (file over its cap), XY_EPARSE
 * (bad CSV or JSON), XY_EMISSING (a region or axis missing), and the
 * geo_shape_from_json errors for a bad province; err (may be NULL) gets the
 * path, line or feature index and what is wrong. */
int geo_quake_model_load(geo_quake_model_t **out, const char *coef_path,
                         const char *provinces_path, char *err, size_t errlen);

/* Frees *self_p and nulls it; safe on NULL and twice. */
void geo_quake_model_destroy(geo_quake_model_t **self_p);

/* English name of a region ("Qinghai-Tibet", ...), "unknown" otherwise. */
const char *geo_quake_region_name(geo_quake_region_t region);

/* Semi-axes (km) of the isoseismal of intensity `intensity` for magnitude
 * ms in region: a along the long axis, b along the short one. A value <= 0
 * means the intensity is not reached on that axis. */
void geo_quake_radii_km(const geo_quake_model_t *self,
                        geo_quake_region_t region, double ms, double intensity,
                        double *a_km, double *b_km);

/* Region, province and epicentral intensity for an epicentre. Returns 0;
 * XY_ECOORD for coordinates out of range; XY_ERANGE for a magnitude outside
 * [GEO_QUAKE_MIN_MS, GEO_QUAKE_MAX_MS]; XY_EOUTSIDE when the epicentre is
 * neither in a province nor within GEO_QUAKE_OFFSHORE_KM of one. */
int geo_quake_assess(const geo_quake_model_t *self, double lat, double lon,
                     double ms, geo_quake_info_t *info);

/* Builds the footprint of an earthquake of surface-wave magnitude ms at
 * (lat, lon): one band per intensity from the epicentral intensity down to
 * VI, most severe first. Band k holds the places whose predicted intensity
 * rounds to k, i.e. lies in [k - 0.5, k + 0.5): its outer ellipse is the
 * isoseismal I = k - 0.5 (the top band reaches the epicentre; its radii are
 * at least 1 km). The long axis lies along strike_deg (degrees clockwise from
 * north, any finite value); GEO_QUAKE_STRIKE_UNKNOWN (NaN) draws the circle
 * of equal area. An event whose epicentral intensity is below VI gives a
 * footprint with no band. *out is owned by the caller. Errors: those of
 * geo_quake_assess, XY_EINVAL for an infinite strike, XY_ERANGE when a band
 * would cross a pole or the antimeridian. */
int geo_quake_footprint(const geo_quake_model_t *self, double lat, double lon,
                        double ms, double strike_deg, geo_footprint_t **out);

#endif

/* Drawn polygons and point-and-radius rings (geo_hazard.h). The drawn
 * polygon goes through geo_shape for its checks, then GEOS decides validity
 * and gives the reason a person can act on. */
#include "geo/geo_hazard.h"
#include "geo/geo.h"
#include "geo/geo_shape.h"
#include "common/xy_error.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

int geo_hazard_polygon(geo_footprint_t **out, const char *text, size_t len,
                       char *err, size_t errlen)
{
    int rc = 0;
    json_error_t jerr;
    json_t *root = NULL;
    geo_shape_t *shape = NULL;
    geo_footprint_t *fp = NULL;
    GEOSGeometry *g = NULL;
    *out = NULL;
    if (len > GEO_HAZARD_MAX_TEXT) {
        s_err(err, errlen, "drawn polygon: %zu bytes, more than %u", len,
              GEO_HAZARD_MAX_TEXT);
        return XY_ETOOBIG;
    }
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        s_err(err, errlen, "drawn polygon: not JSON: %s (line %d column %d)",
              jerr.text, jerr.line, jerr.column);
        return XY_EPARSE;
    }
    const json_t *geom = root;
    const char *type = json_string_value(json_object_get(root, "type"));
    if (type && strcmp(type, "Feature") == 0)
        geom = json_object_get(root, "geometry");
    char msg[200];
    rc = geo_shape_from_json(&shape, geom, msg, sizeof(msg));
    if (rc) {
        s_err(err, errlen, "drawn polygon: %s", msg);
        goto out;
    }
    rc = geo_footprint_new(&fp, GEO_HAZARD_POLYGON);
    if (rc)
        goto out;
    GEOSContextHandle_t ctx = geo_footprint_context(fp);
    rc = geo_shape_to_geos(shape, ctx, &g);
    if (rc) {
        s_err(err, errlen, "drawn polygon: rings refused by GEOS");
        goto out;
    }
    if (GEOSisValid_r(ctx, g) != 1) {
        char *why = GEOSisValidReason_r(ctx, g);
        s_err(err, errlen, "drawn polygon: invalid: %s",
              why ? why : "unknown reason");
        if (why)
            GEOSFree_r(ctx, why);
        rc = XY_EGEOM;
        goto out;
    }
    rc = geo_footprint_add_geometry(fp, &g, 1);
    if (rc)
        goto out;
    *out = fp;
    fp = NULL;
out:
    if (g)
        GEOSGeom_destroy_r(geo_footprint_context(fp), g);
    geo_footprint_destroy(&fp);
    geo_shape_destroy(&shape);
    json_decref(root);
    return rc;
}

int geo_hazard_rings(geo_footprint_t **out, double lat, double lon,
                     const double *radii_km, size_t n, char *err, size_t errlen)
{
    geo_footprint_t *fp = NULL;
    *out = NULL;
    if (geo_check_point(lat, lon)) {
        s_err(err, errlen,
              "rings: centre (%g, %g) is not a latitude in "
              "[-90, 90] and a longitude in [-180, 180]",
              lat, lon);
        return XY_ECOORD;
    }
    if (n == 0 || n > GEO_HAZARD_MAX_RINGS) {
        s_err(err, errlen, "rings: %zu radii, need 1 to %u", n,
              GEO_HAZARD_MAX_RINGS);
        return XY_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        double r = radii_km[i];
        if (!isfinite(r) || r <= 0 || r > GEO_HAZARD_MAX_RADIUS_KM ||
            (i > 0 && !(r > radii_km[i - 1]))) {
            s_err(err, errlen,
                  "rings: radius %zu (%g km) must be above 0, "
                  "at most %g km and above the previous one",
                  i, r, GEO_HAZARD_MAX_RADIUS_KM);
            return XY_EINVAL;
        }
    }
    int rc = geo_footprint_new(&fp, GEO_HAZARD_RINGS);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        rc = geo_footprint_add_ellipse(fp, lat, lon, radii_km[i], radii_km[i],
                                       0.0, (int)i + 1);
        if (rc) {
            s_err(err, errlen,
                  "rings: ring %zu (%g km) around (%g, %g) "
                  "cannot be drawn: %s",
                  i, radii_km[i], lat, lon, xy_strerror(rc));
            geo_footprint_destroy(&fp);
            return rc;
        }
    }
    *out = fp;
    return 0;
}

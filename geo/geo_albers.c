/* Albers equal-area conic on the WGS84 ellipsoid and polygon areas through
 * it (geo_albers.h). The constants of the projection are derived from its
 * parameters on every call to the area function (a handful of logarithms),
 * so there is no shared mutable state. */
#include "geo/geo_albers.h"
#include "common/xy_error.h"

#include <math.h>

#define S_A_KM 6378.137           /* WGS84 semi-major axis */
#define S_F (1.0 / 298.257223563) /* WGS84 flattening */
#define S_LAT0 36.0               /* latitude of origin */
#define S_LAT1 24.0               /* first standard parallel */
#define S_LAT2 48.0               /* second standard parallel */
#define S_LON0 104.5              /* central meridian */
#define S_DEG (M_PI / 180.0)      /* radians per degree */

typedef struct {
    double e;    /* first eccentricity */
    double e2;   /* its square */
    double n;    /* cone constant */
    double c;    /* Snyder's C */
    double rho0; /* radius of the origin parallel, km */
} s_params_t;

static double s_q(const s_params_t *p, double phi)
{
    double s = sin(phi), es = p->e * s;
    return (1.0 - p->e2) *
           (s / (1.0 - es * es) - log((1.0 - es) / (1.0 + es)) / (2.0 * p->e));
}

static double s_m(const s_params_t *p, double phi)
{
    double s = sin(phi);
    return cos(phi) / sqrt(1.0 - p->e2 * s * s);
}

static void s_params(s_params_t *p)
{
    p->e2 = 2.0 * S_F - S_F * S_F;
    p->e = sqrt(p->e2);
    double m1 = s_m(p, S_LAT1 * S_DEG), m2 = s_m(p, S_LAT2 * S_DEG);
    double q1 = s_q(p, S_LAT1 * S_DEG), q2 = s_q(p, S_LAT2 * S_DEG);
    double q0 = s_q(p, S_LAT0 * S_DEG);
    p->n = (m1 * m1 - m2 * m2) / (q2 - q1);
    p->c = m1 * m1 + p->n * q1;
    p->rho0 = S_A_KM * sqrt(p->c - p->n * q0) / p->n;
}

static void s_forward(const s_params_t *p, double lat, double lon, double *x,
                      double *y)
{
    double dl = lon - S_LON0;
    if (dl > 180.0)
        dl -= 360.0;
    else if (dl < -180.0)
        dl += 360.0;
    double rho = S_A_KM * sqrt(p->c - p->n * s_q(p, lat * S_DEG)) / p->n;
    double th = p->n * dl * S_DEG;
    *x = rho * sin(th);
    *y = p->rho0 - rho * cos(th);
}

void geo_albers_forward(double lat, double lon, double *x_km, double *y_km)
{
    s_params_t p;
    s_params(&p);
    s_forward(&p, lat, lon, x_km, y_km);
}

void geo_albers_forward_n(const double *lonlat, double *xy, size_t n)
{
    s_params_t p;
    s_params(&p);
    for (size_t i = 0; i < n; i++) {
        double lon = lonlat[2 * i], lat = lonlat[2 * i + 1];
        s_forward(&p, lat, lon, &xy[2 * i], &xy[2 * i + 1]);
    }
}

/* Shoelace area of one ring, absolute value, km². */
static int s_ring_area(GEOSContextHandle_t ctx, const s_params_t *p,
                       const GEOSGeometry *ring, double *out)
{
    const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(ctx, seq, &n))
        return XY_EGEOM;
    double sum = 0, x0 = 0, y0 = 0, px = 0, py = 0;
    for (unsigned int i = 0; i < n; i++) {
        double lon, lat, x, y;
        if (!GEOSCoordSeq_getXY_r(ctx, seq, i, &lon, &lat))
            return XY_EGEOM;
        s_forward(p, lat, lon, &x, &y);
        if (i == 0) {
            x0 = x;
            y0 = y;
        } else {
            /* relative to the first vertex keeps the products small */
            sum += (px - x0) * (y - y0) - (x - x0) * (py - y0);
        }
        px = x;
        py = y;
    }
    *out = fabs(sum) / 2.0;
    return 0;
}

static int s_polygon_area(GEOSContextHandle_t ctx, const s_params_t *p,
                          const GEOSGeometry *g, double *out)
{
    double shell = 0, hole = 0;
    const GEOSGeometry *ext = GEOSGetExteriorRing_r(ctx, g);
    if (!ext)
        return XY_EGEOM;
    int rc = s_ring_area(ctx, p, ext, &shell);
    if (rc)
        return rc;
    int nh = GEOSGetNumInteriorRings_r(ctx, g);
    if (nh < 0)
        return XY_EGEOM;
    for (int i = 0; i < nh; i++) {
        double a = 0;
        const GEOSGeometry *r = GEOSGetInteriorRingN_r(ctx, g, i);
        if (!r)
            return XY_EGEOM;
        rc = s_ring_area(ctx, p, r, &a);
        if (rc)
            return rc;
        hole += a;
    }
    *out = shell - hole;
    return 0;
}

static int s_area(GEOSContextHandle_t ctx, const s_params_t *p,
                  const GEOSGeometry *g, int depth, double *out)
{
    *out = 0;
    if (GEOSisEmpty_r(ctx, g) == 1)
        return 0;
    int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON)
        return s_polygon_area(ctx, p, g, out);
    if (type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
        return 0;
    /* overlay results nest one level at most; deeper is not ours */
    if (depth > 2)
        return XY_EGEOM;
    int n = GEOSGetNumGeometries_r(ctx, g);
    if (n < 0)
        return XY_EGEOM;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double a = 0;
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx, g, i);
        if (!part)
            return XY_EGEOM;
        int rc = s_area(ctx, p, part, depth + 1, &a);
        if (rc)
            return rc;
        sum += a;
    }
    *out = sum;
    return 0;
}

int geo_albers_area_km2(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                        double *out)
{
    s_params_t p;
    s_params(&p);
    return s_area(ctx, &p, g, 0, out);
}

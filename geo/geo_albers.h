/* Albers equal-area conic projection of the county data (WGS84 ellipsoid,
 * lat_0 = 36, lat_1 = 24, lat_2 = 48, lon_0 = 104.5, the projection the
 * boundary source was drawn in) and the area of GEOS polygons in km² through
 * it. Part of geo/: every area the layer reports (county, band, intersection)
 * is measured here, so fractions compare like with like. */
#ifndef XY_GEO_ALBERS_H
#define XY_GEO_ALBERS_H

#include <stddef.h>

#include <geos_c.h>

/* Projects a WGS84 point (degrees) to Albers x, y in kilometres (false
 * easting and northing 0). Inputs are trusted; the result is exact to the
 * series-free ellipsoidal formulas (Snyder 1987, eq. 14-1 to 14-6). */
void geo_albers_forward(double lat, double lon, double *x_km, double *y_km);

/* Projects n points at once: lonlat holds n (lon, lat) pairs in degrees,
 * xy receives n (x, y) pairs in km, the same numbers as geo_albers_forward
 * point by point (the projection constants are derived once). Both arrays
 * are the caller's; they may be the same array. */
void geo_albers_forward_n(const double *lonlat, double *xy, size_t n);

/* Writes into *out the area in km² of g (Polygon, MultiPolygon or a
 * collection of them; other types count 0), with each vertex projected by
 * geo_albers_forward and straight edges in the projected plane. Holes are
 * subtracted. g is borrowed. Returns 0, or XY_EGEOM when GEOS cannot read the
 * geometry. The projection is cut at lon_0 + 180 (75.5° W): a geometry that
 * spans that meridian gets a meaningless area. */
int geo_albers_area_km2(GEOSContextHandle_t ctx, const GEOSGeometry *g,
                        double *out);

#endif

/* Basic geodesy (geo.h): point validation, great-circle distance and
 * destination on a sphere of the mean Earth radius. */
#include "geo/geo.h"
#include "common/xy_error.h"

#include <math.h>

int geo_check_point(double lat, double lon)
{
    if (!isfinite(lat) || !isfinite(lon))
        return XY_ECOORD;
    if (lat < -90.0 || lat > 90.0 || lon < -180.0 || lon > 180.0)
        return XY_ECOORD;
    return 0;
}

double geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = M_PI / 180.0;
    double dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * GEO_EARTH_RADIUS_KM * asin(fmin(1.0, sqrt(a)));
}

void geo_destination(double lat, double lon, double az_deg, double dist_km,
                     double *lat_out, double *lon_out)
{
    const double r = M_PI / 180.0;
    double phi1 = lat * r, lam1 = lon * r, th = az_deg * r;
    double d = dist_km / GEO_EARTH_RADIUS_KM;
    double sphi2 = sin(phi1) * cos(d) + cos(phi1) * sin(d) * cos(th);
    double phi2 = asin(fmax(-1.0, fmin(1.0, sphi2)));
    double lam2 =
        lam1 + atan2(sin(th) * sin(d) * cos(phi1), cos(d) - sin(phi1) * sphi2);
    double lon2 = fmod(lam2 / r + 540.0, 360.0) - 180.0;

    *lat_out = phi2 / r;
    *lon_out = lon2;
}

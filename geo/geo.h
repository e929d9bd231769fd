/* Basic geodesy on WGS84 coordinates: validation, great-circle distance and
 * the destination point along a great circle. Part of geo/, which knows
 * nothing of events; the polygon, hazard and exposure modules build on it. */
#ifndef XY_GEO_H
#define XY_GEO_H

/* Returns 0 when lat is in [-90, 90] and lon in [-180, 180] and both are
 * finite, XY_ECOORD otherwise. */
int geo_check_point(double lat, double lon);

/* Great-circle distance in kilometres between two WGS84 points, on a sphere
 * of the mean Earth radius (6371.0088 km). */
double geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* Mean Earth radius used by geo_distance_km and geo_destination, km. */
#define GEO_EARTH_RADIUS_KM 6371.0088

/* Point reached from (lat, lon) after dist_km along the great circle that
 * leaves at azimuth az_deg (degrees clockwise from north), on the same sphere
 * as geo_distance_km. The longitude written to *lon_out is normalised into
 * [-180, 180]. Inputs are trusted (callers check them with geo_check_point);
 * nothing is allocated. */
void geo_destination(double lat, double lon, double az_deg, double dist_km,
                     double *lat_out, double *lon_out);

#endif

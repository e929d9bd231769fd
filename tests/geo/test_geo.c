/* Tests of basic geodesy (geo/geo.h) and the Albers projection
 * (geo/geo_albers.h). */
#include <criterion/criterion.h>

#include <math.h>

#include "common/xy_error.h"
#include "geo/geo.h"
#include "geo/geo_albers.h"

Test(geo, destination_then_distance_round_trips)
{
    double lat, lon;
    geo_destination(28.639, 87.3608, 187.0, 100.0, &lat, &lon);
    cr_assert(lat < 28.639, "heading south");
    cr_assert_float_eq(geo_distance_km(28.639, 87.3608, lat, lon), 100.0, 1e-6);
    geo_destination(0.0, 179.5, 90.0, GEO_EARTH_RADIUS_KM * M_PI / 180.0, &lat,
                    &lon);
    cr_assert_float_eq(lon, -179.5, 1e-6, "normalised across 180: %f", lon);
}

Test(geo, check_point_refuses_out_of_range)
{
    cr_assert_eq(geo_check_point(28.6, 87.4), 0);
    cr_assert_eq(geo_check_point(90.5, 87.4), XY_ECOORD);
    cr_assert_eq(geo_check_point(28.6, -180.5), XY_ECOORD);
    cr_assert_eq(geo_check_point(INFINITY, 0), XY_ECOORD);
}

Test(geo, albers_origin_maps_to_zero_and_scale_is_true_on_a_standard_parallel)
{
    double x, y;
    geo_albers_forward(36.0, 104.5, &x, &y);
    cr_assert_float_eq(x, 0.0, 1e-9);
    cr_assert_float_eq(y, 0.0, 1e-9);
    /* on a standard parallel the scale is true along it: one degree of
     * longitude at 24N on the WGS84 ellipsoid is 101.751 km */
    double x1, y1, x2, y2;
    geo_albers_forward(24.0, 104.0, &x1, &y1);
    geo_albers_forward(24.0, 105.0, &x2, &y2);
    cr_assert_float_eq(hypot(x2 - x1, y2 - y1), 101.751, 0.01);
}

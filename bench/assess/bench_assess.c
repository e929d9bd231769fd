/* Benchmark of impact assessment in geo/: the footprint of an Ms 7.0
 * earthquake in western Sichuan (102.9E 30.3N, strike 40 degrees along the
 * Longmenshan) and its exposure against all 2,990 counties. Measured in the
 * same run: (1) geo_exposure_compute, candidates from the STRtree; (2)
 * geo_exposure_compute_noindex, every county against every band through the
 * same per-pair code; (3) a plain baseline, GEOSIntersection_r on every
 * county/band pair with no index and no prepared geometry. Prints ms per
 * run (mean of the best of several rounds) and the ratios. */
#include "common/xy_error.h"
#include "geo/geo_albers.h"
#include "geo/geo_exposure.h"
#include "geo/geo_layer.h"
#include "geo/geo_quake.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 5     /* rounds per variant; the best round is reported */
#define RUNS 20      /* runs per round for (1) and (2) */
#define PLAIN_RUNS 2 /* runs per round for (3) */

static const double s_lat = 30.3, s_lon = 102.9, s_ms = 7.0, s_strike = 40;

static double s_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One assessment through the API; returns the people exposed. */
static double s_assess(const geo_layer_t *layer, const geo_quake_model_t *m,
                       int use_index)
{
    geo_footprint_t *fp = NULL;
    geo_exposure_t *e = NULL;
    double total = NAN;
    if (geo_quake_footprint(m, s_lat, s_lon, s_ms, s_strike, &fp))
        return NAN;
    int rc = use_index ? geo_exposure_compute(layer, fp, &e, NULL, 0)
                       : geo_exposure_compute_noindex(layer, fp, &e, NULL, 0);
    if (rc == 0)
        total = geo_exposure_total(e);
    geo_exposure_destroy(&e);
    geo_footprint_destroy(&fp);
    return total;
}

/* The plain baseline: overlay every pair, weight by area. */
static double s_plain(const geo_layer_t *layer, const geo_quake_model_t *m)
{
    geo_footprint_t *fp = NULL;
    double total = 0;
    if (geo_quake_footprint(m, s_lat, s_lon, s_ms, s_strike, &fp))
        return NAN;
    GEOSContextHandle_t ctx = GEOS_init_r();
    for (size_t b = 0; b < geo_footprint_count(fp); b++) {
        const GEOSGeometry *g = geo_footprint_geometry(fp, b);
        for (size_t i = 0; i < geo_layer_count(layer); i++) {
            GEOSGeometry *x =
                GEOSIntersection_r(ctx, geo_layer_geometry(layer, i), g);
            double a = 0;
            if (!x || geo_albers_area_km2(ctx, x, &a)) {
                total = NAN;
            } else {
                double f = fmin(1.0, a / geo_layer_area_km2(layer, i));
                total += (double)geo_layer_population(layer, i) * f;
            }
            if (x)
                GEOSGeom_destroy_r(ctx, x);
        }
    }
    GEOS_finish_r(ctx);
    geo_footprint_destroy(&fp);
    return total;
}

static double s_best_round(const geo_layer_t *layer, const geo_quake_model_t *m,
                           int variant, int runs, double *people)
{
    double best = INFINITY;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = s_now_ms();
        for (int k = 0; k < runs; k++)
            *people = variant == 2 ? s_plain(layer, m)
                                   : s_assess(layer, m, variant == 0);
        best = fmin(best, (s_now_ms() - t0) / runs);
    }
    return best;
}

int main(void)
{
    geo_layer_t *layer = NULL;
    geo_quake_model_t *m = NULL;
    geo_footprint_t *fp = NULL;
    char err[256] = "";
    int rc = geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, err, sizeof(err));
    if (rc == 0)
        rc = geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                  GEO_QUAKE_PROVINCES_PATH, err, sizeof(err));
    if (rc == 0)
        rc = geo_quake_footprint(m, s_lat, s_lon, s_ms, s_strike, &fp);
    if (rc) {
        fprintf(stderr, "bench_assess: %s %s\n", xy_errname(rc), err);
        geo_quake_model_destroy(&m);
        geo_layer_destroy(&layer);
        return 1;
    }
    double vi_area = 0;
    for (size_t b = 0; b < geo_footprint_count(fp); b++)
        vi_area += geo_footprint_area_km2(fp, b);
    printf("event: Ms %.1f at %.1fE %.1fN, strike %.0f deg; %zu bands "
           "(VI..%d), VI+ area %.0f km2; %zu counties\n",
           s_ms, s_lon, s_lat, s_strike, geo_footprint_count(fp),
           geo_footprint_level(fp, 0), vi_area, geo_layer_count(layer));
    geo_footprint_destroy(&fp);

    double p_idx = 0, p_all = 0, p_plain = 0;
    s_assess(layer, m, 1); /* warm-up */
    double t_idx = s_best_round(layer, m, 0, RUNS, &p_idx);
    double t_all = s_best_round(layer, m, 1, RUNS, &p_all);
    double t_plain = s_best_round(layer, m, 2, PLAIN_RUNS, &p_plain);

    printf("footprint + exposure, STRtree index      : %8.2f ms/run "
           "(people exposed %.0f)\n",
           t_idx, p_idx);
    printf("footprint + exposure, no index (same code): %8.2f ms/run "
           "(people exposed %.0f)\n",
           t_all, p_all);
    printf("footprint + plain overlay of every pair   : %8.2f ms/run "
           "(people exposed %.0f)\n",
           t_plain, p_plain);
    printf("ratio no-index / index     : %6.2fx\n", t_all / t_idx);
    printf("ratio plain overlay / index: %6.2fx\n", t_plain / t_idx);
    int same = p_idx == p_all && fabs(p_plain - p_idx) <= 1e-6 * p_idx;
    printf("results agree: %s\n", same ? "yes" : "NO");
    geo_quake_model_destroy(&m);
    geo_layer_destroy(&layer);
    return same ? 0 : 1;
}

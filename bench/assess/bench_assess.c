/* Benchmark of impact assessment in geo/: the footprint of an Ms 7.0
 * earthquake in western Sichuan (102.9E 30.3N, strike 40 degrees along the
 * Longmenshan) and its exposure against all 2,990 counties. Measured in the
 * same run, each including the footprint's construction ((0) alone):
 * (1) geo_exposure_compute: STRtree candidates, band areas by boundary
 *     integration against the nested ellipses (geo_nested);
 * (2) geo_exposure_compute_noindex: the same code on every county;
 * (3) geo_exposure_compute_overlay: STRtree, prepared predicates and a GEOS
 *     overlay per crossing county/band pair (the path drawn polygons take);
 * (4) the unindexed baseline: GEOSIntersection_r and its Albers area on
 *     every county/band pair, no index, no prepared geometry.
 * Prints ms per run (best of several rounds), the ratios, and checks that
 * (1) to (3) give the people of every county in every band within 1e-6
 * relative of (4). Exit status 1 when they do not. */
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "geo/geo_albers.h"
#include "geo/geo_exposure.h"
#include "geo/geo_layer.h"
#include "geo/geo_quake.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 5        /* rounds per variant; the best round is reported */
#define FAST_RUNS 200   /* runs per round for (1) and (2) */
#define OVERLAY_RUNS 20 /* runs per round for (3) */
#define PLAIN_RUNS 2    /* runs per round for (4) */
#define AGREE 1e-6      /* relative agreement required with (4) */

static const double s_lat = 30.3, s_lon = 102.9, s_ms = 7.0, s_strike = 40;

typedef struct {
    const geo_layer_t *layer;   /* counties */
    const geo_quake_model_t *m; /* earthquake model */
    double *pop;                /* bands x counties people, or NULL */
    size_t overlays;            /* GEOS overlays of the last run */
} s_bench_t;

static double s_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One assessment through the API (variant 1, 2 or 3); returns the people
 * exposed and, when b->pop is set, fills it. */
static double s_assess(s_bench_t *b, int variant)
{
    geo_footprint_t *fp = NULL;
    geo_exposure_t *e = NULL;
    double total = NAN;
    if (geo_quake_footprint(b->m, s_lat, s_lon, s_ms, s_strike, &fp))
        return NAN;
    int rc = variant == 1 ? geo_exposure_compute(b->layer, fp, &e, NULL, 0)
             : variant == 2
                 ? geo_exposure_compute_noindex(b->layer, fp, &e, NULL, 0)
                 : geo_exposure_compute_overlay(b->layer, fp, &e, NULL, 0);
    if (rc == 0) {
        total = geo_exposure_total(e);
        b->overlays = geo_exposure_overlays(e);
        for (size_t i = 0; b->pop && i < geo_exposure_count(e); i++) {
            const geo_exposure_row_t *r = geo_exposure_row(e, i);
            b->pop[r->band * geo_layer_count(b->layer) + r->county] =
                r->population;
        }
    }
    geo_exposure_destroy(&e);
    geo_footprint_destroy(&fp);
    return total;
}

/* Variant 0: the footprint alone. */
static double s_footprint(s_bench_t *b)
{
    geo_footprint_t *fp = NULL;
    if (geo_quake_footprint(b->m, s_lat, s_lon, s_ms, s_strike, &fp))
        return NAN;
    double area = geo_footprint_area_km2(fp, 0);
    geo_footprint_destroy(&fp);
    b->overlays = 0;
    return area;
}

/* Variant 4: overlay every pair, weight by area. */
static double s_plain(s_bench_t *b)
{
    const geo_layer_t *layer = b->layer;
    geo_footprint_t *fp = NULL;
    double total = 0;
    if (geo_quake_footprint(b->m, s_lat, s_lon, s_ms, s_strike, &fp))
        return NAN;
    GEOSContextHandle_t ctx = GEOS_init_r();
    b->overlays = 0;
    for (size_t k = 0; k < geo_footprint_count(fp); k++) {
        const GEOSGeometry *g = geo_footprint_geometry(fp, k);
        for (size_t i = 0; i < geo_layer_count(layer); i++) {
            GEOSGeometry *x =
                GEOSIntersection_r(ctx, geo_layer_geometry(layer, i), g);
            double a = 0, p = 0;
            b->overlays++;
            if (!x || geo_albers_area_km2(ctx, x, &a)) {
                total = NAN;
            } else {
                double f = fmin(1.0, a / geo_layer_area_km2(layer, i));
                p = a > 0 ? (double)geo_layer_population(layer, i) * f : 0;
                total += p;
            }
            if (b->pop)
                b->pop[k * geo_layer_count(layer) + i] = p;
            if (x)
                GEOSGeom_destroy_r(ctx, x);
        }
    }
    GEOS_finish_r(ctx);
    geo_footprint_destroy(&fp);
    return total;
}

static double s_best_round(s_bench_t *b, int variant, int runs, double *people)
{
    double best = INFINITY;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = s_now_ms();
        for (int k = 0; k < runs; k++)
            *people = variant == 0   ? s_footprint(b)
                      : variant == 4 ? s_plain(b)
                                     : s_assess(b, variant);
        best = fmin(best, (s_now_ms() - t0) / runs);
    }
    return best;
}

/* Largest relative difference of variant's people per county and band
 * from the baseline's; *rows gets the baseline's non-zero pairs, and a
 * pair present in one and not the other counts as a difference of 1. */
static double s_compare(s_bench_t *b, int variant, const double *base, size_t n,
                        size_t *rows)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        b->pop[i] = 0;
    s_assess(b, variant);
    *rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (base[i] > 0)
            (*rows)++;
        double d = fabs(b->pop[i] - base[i]);
        double rel = base[i] > 0 ? d / base[i] : (d > 0 ? 1.0 : 0.0);
        worst = fmax(worst, rel);
    }
    return worst;
}

/* Runs (4) once keeping its people per county and band, then checks (1)
 * to (3) against it. Returns 0 when all agree within AGREE. */
static int s_check_rows(s_bench_t *b, size_t nb, size_t nc)
{
    double *base = xcalloc(nb * nc, sizeof(double));
    b->pop = base;
    s_plain(b);
    b->pop = xcalloc(nb * nc, sizeof(double));
    int ok = 1;
    for (int v = 1; v <= 3; v++) {
        size_t rows = 0;
        double worst = s_compare(b, v, base, nb * nc, &rows);
        ok = ok && worst <= AGREE;
        printf("(%d) vs (4) per county and band: %zu rows, max relative "
               "difference %.2g: %s\n",
               v, rows, worst, worst <= AGREE ? "agree" : "DISAGREE");
    }
    free(b->pop);
    free(base);
    b->pop = NULL;
    return ok ? 0 : 1;
}

static int s_report(s_bench_t *b)
{
    geo_footprint_t *fp = NULL;
    if (geo_quake_footprint(b->m, s_lat, s_lon, s_ms, s_strike, &fp))
        return 1;
    size_t nb = geo_footprint_count(fp), nc = geo_layer_count(b->layer);
    double vi_area = 0;
    for (size_t k = 0; k < nb; k++)
        vi_area += geo_footprint_area_km2(fp, k);
    printf("event: Ms %.1f at %.1fE %.1fN, strike %.0f deg; %zu bands "
           "(VI..%d), VI+ area %.0f km2; %zu counties\n",
           s_ms, s_lon, s_lat, s_strike, nb, geo_footprint_level(fp, 0),
           vi_area, nc);
    printf("areas: Albers equal-area conic on the WGS84 ellipsoid, i.e. "
           "ellipsoidal areas\n       (the counterpart of PostGIS's geodesic "
           "ST_Area on geography; no planar variant)\n");
    geo_footprint_destroy(&fp);

    double p[5] = {0}, t[5] = {0};
    size_t ov[5] = {0};
    s_assess(b, 1); /* warm-up */
    t[0] = s_best_round(b, 0, FAST_RUNS, &p[0]);
    t[1] = s_best_round(b, 1, FAST_RUNS, &p[1]);
    ov[1] = b->overlays;
    t[2] = s_best_round(b, 2, FAST_RUNS, &p[2]);
    ov[2] = b->overlays;
    t[3] = s_best_round(b, 3, OVERLAY_RUNS, &p[3]);
    ov[3] = b->overlays;
    t[4] = s_best_round(b, 4, PLAIN_RUNS, &p[4]);
    ov[4] = b->overlays;
    static const char *name[5] = {
        "(0) footprint alone (4 ellipses, checks)",
        "(1) STRtree + boundary integration      ",
        "(2) same code, no index (every county)  ",
        "(3) STRtree + prepared GEOS overlays    ",
        "(4) GEOS overlay of every pair, no index",
    };
    printf("%s: %8.3f ms/run\n", name[0], t[0]);
    for (int v = 1; v <= 4; v++)
        printf("%s: %8.3f ms/run (people %.0f, GEOS overlays %zu)\n", name[v],
               t[v], p[v], ov[v]);
    printf("ratio (4) unindexed overlay / (1): %7.1fx  (target >= 20x)\n",
           t[4] / t[1]);
    printf("ratio (3) GEOS overlays / (1)    : %7.1fx\n", t[3] / t[1]);
    printf("ratio (2) no index / (1)         : %7.2fx\n", t[2] / t[1]);

    return s_check_rows(b, nb, nc);
}

int main(void)
{
    geo_layer_t *layer = NULL;
    geo_quake_model_t *m = NULL;
    char err[256] = "";
    int rc = geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, err, sizeof(err));
    if (rc == 0)
        rc = geo_quake_model_load(&m, GEO_QUAKE_COEF_PATH,
                                  GEO_QUAKE_PROVINCES_PATH, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "bench_assess: %s %s\n", xy_errname(rc), err);
        geo_quake_model_destroy(&m);
        geo_layer_destroy(&layer);
        return 1;
    }
    s_bench_t b = {.layer = layer, .m = m};
    rc = s_report(&b);
    geo_quake_model_destroy(&m);
    geo_layer_destroy(&layer);
    return rc;
}

/* Area-weighted population exposure (geo_exposure.h). Both entry points
 * feed county/band pairs to one function, s_pair, so they differ only in
 * which pairs they try; rows are sorted before the sums are taken, so the
 * totals are bit-for-bit the same. Each computation runs in its own GEOS
 * context: the layer and the footprint are only read. */
#include "geo/geo_exposure.h"
#include "geo/geo_albers.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct geo_exposure {
    size_t n;                                 /* rows in use */
    size_t cap;                               /* rows allocated */
    geo_exposure_row_t *rows;                 /* the rows */
    size_t n_bands;                           /* bands of the footprint */
    double band_pop[GEO_FOOTPRINT_MAX_BANDS]; /* people per band */
    double total;                             /* people in all bands */
};

typedef struct {
    GEOSContextHandle_t ctx;          /* this computation's context */
    const geo_layer_t *layer;         /* counties */
    size_t band;                      /* band being shared out */
    int level;                        /* its level */
    const GEOSGeometry *g;            /* its polygon */
    const GEOSPreparedGeometry *prep; /* the same, prepared */
    geo_exposure_t *e;                /* rows go here */
    int rc;                           /* first error */
    int32_t bad_code;                 /* county that failed */
} s_work_t;

static void s_append(s_work_t *w, size_t county, double area)
{
    geo_exposure_t *e = w->e;
    double county_area = geo_layer_area_km2(w->layer, county);
    double fraction = area / county_area;
    if (fraction > 1.0)
        fraction = 1.0;
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 64;
        e->rows = xrealloc(e->rows, e->cap * sizeof(*e->rows));
    }
    geo_exposure_row_t *r = &e->rows[e->n++];
    memset(r, 0, sizeof(*r));
    r->band = w->band;
    r->level = w->level;
    r->county = county;
    r->code = geo_layer_code(w->layer, county);
    snprintf(r->name, sizeof(r->name), "%s", geo_layer_name(w->layer, county));
    r->area_km2 = area;
    r->fraction = fraction;
    r->population = (double)geo_layer_population(w->layer, county) * fraction;
}

/* One county against the current band. */
static void s_pair(size_t county, void *arg)
{
    s_work_t *w = arg;
    if (w->rc)
        return;
    const GEOSGeometry *cg = geo_layer_geometry(w->layer, county);
    double area = 0;
    char hit = GEOSPreparedIntersects_r(w->ctx, w->prep, cg);
    if (hit == 0)
        return;
    if (hit == 1 && GEOSPreparedContains_r(w->ctx, w->prep, cg) == 1) {
        area = geo_layer_area_km2(w->layer, county);
    } else {
        GEOSGeometry *inter =
            hit == 1 ? GEOSIntersection_r(w->ctx, cg, w->g) : NULL;
        if (!inter || geo_albers_area_km2(w->ctx, inter, &area)) {
            w->rc = XY_EGEOM;
            w->bad_code = geo_layer_code(w->layer, county);
        }
        if (inter)
            GEOSGeom_destroy_r(w->ctx, inter);
        if (w->rc)
            return;
    }
    if (area > 0)
        s_append(w, county, area);
}

static int s_row_order(const void *a, const void *b)
{
    const geo_exposure_row_t *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    return (x->code > y->code) - (x->code < y->code);
}

static int s_compute(const geo_layer_t *layer, const geo_footprint_t *fp,
                     int use_index, geo_exposure_t **out, char *err,
                     size_t errlen)
{
    *out = NULL;
    GEOSContextHandle_t ctx = GEOS_init_r();
    if (!ctx)
        return XY_ENOMEM;
    geo_exposure_t *e = xcalloc(1, sizeof(*e));
    s_work_t w = {.ctx = ctx, .layer = layer, .e = e};
    e->n_bands = geo_footprint_count(fp);
    for (size_t b = 0; b < e->n_bands && !w.rc; b++) {
        w.band = b;
        w.level = geo_footprint_level(fp, b);
        w.g = geo_footprint_geometry(fp, b);
        w.prep = GEOSPrepare_r(ctx, w.g);
        if (!w.prep) {
            w.rc = XY_EGEOM;
            break;
        }
        if (use_index) {
            geo_layer_query(layer, ctx, w.g, s_pair, &w);
        } else {
            for (size_t i = 0; i < geo_layer_count(layer) && !w.rc; i++)
                s_pair(i, &w);
        }
        GEOSPreparedGeom_destroy_r(ctx, w.prep);
    }
    GEOS_finish_r(ctx);
    if (w.rc) {
        if (err)
            snprintf(err, errlen,
                     "exposure: GEOS failed on band %zu, "
                     "county %d",
                     w.band, (int)w.bad_code);
        geo_exposure_destroy(&e);
        return w.rc;
    }
    if (e->n > 1)
        qsort(e->rows, e->n, sizeof(*e->rows), s_row_order);
    for (size_t i = 0; i < e->n; i++) {
        e->band_pop[e->rows[i].band] += e->rows[i].population;
        e->total += e->rows[i].population;
    }
    *out = e;
    return 0;
}

int geo_exposure_compute(const geo_layer_t *layer, const geo_footprint_t *fp,
                         geo_exposure_t **out, char *err, size_t errlen)
{
    return s_compute(layer, fp, 1, out, err, errlen);
}

int geo_exposure_compute_noindex(const geo_layer_t *layer,
                                 const geo_footprint_t *fp,
                                 geo_exposure_t **out, char *err, size_t errlen)
{
    return s_compute(layer, fp, 0, out, err, errlen);
}

void geo_exposure_destroy(geo_exposure_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->rows);
    free(*self_p);
    *self_p = NULL;
}

size_t geo_exposure_count(const geo_exposure_t *self)
{
    return self->n;
}

const geo_exposure_row_t *geo_exposure_row(const geo_exposure_t *self, size_t i)
{
    return i < self->n ? &self->rows[i] : NULL;
}

size_t geo_exposure_bands(const geo_exposure_t *self)
{
    return self->n_bands;
}

double geo_exposure_band_population(const geo_exposure_t *self, size_t b)
{
    return b < self->n_bands ? self->band_pop[b] : 0.0;
}

double geo_exposure_total(const geo_exposure_t *self)
{
    return self->total;
}

/* Area-weighted population exposure (geo_exposure.h). A footprint of
 * nested ellipses goes county by county through geo_nested (every band at
 * once, no overlay); any other footprint, and any county geo_nested
 * declines, goes through GEOS overlays. The entry points differ only in
 * which counties they try; rows are sorted before the sums are taken, so
 * their totals are bit-for-bit the same. Each computation runs in its own
 * GEOS context: the layer and the footprint are only read. */
#include "geo/geo_exposure.h"
#include "geo/geo_albers.h"
#include "geo/geo_nested.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A band area below this share of the county's area is recomputed with a
 * GEOS overlay: boundary integration sums terms far larger than such a
 * sliver, so its relative rounding error could exceed 1e-6. */
#define S_SLIVER 1e-6

enum {
    S_INDEX = 1,  /* candidates from the layer's STRtree */
    S_NESTED = 2, /* geo_nested when the footprint allows it */
};

struct geo_exposure {
    size_t n;                                 /* rows in use */
    size_t cap;                               /* rows allocated */
    geo_exposure_row_t *rows;                 /* the rows */
    size_t n_bands;                           /* bands of the footprint */
    double band_pop[GEO_FOOTPRINT_MAX_BANDS]; /* people per band */
    double total;                             /* people in all bands */
    size_t overlays;                          /* pairs overlaid by GEOS */
};

typedef struct {
    GEOSContextHandle_t ctx;          /* this computation's context */
    const geo_layer_t *layer;         /* counties */
    size_t band;                      /* band being shared out */
    int level;                        /* its level */
    const GEOSGeometry *g;            /* its polygon */
    const GEOSPreparedGeometry *prep; /* the same, prepared */
    const geo_footprint_t *fp;        /* the footprint */
    geo_nested_t *nest;               /* its ellipses, or NULL */
    geo_exposure_t *e;                /* rows go here */
    int rc;                           /* first error */
    int32_t bad_code;                 /* county that failed */
} s_work_t;

static void s_append(s_work_t *w, size_t band, int level, size_t county,
                     double area)
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
    r->band = band;
    r->level = level;
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
        w->e->overlays++;
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
        s_append(w, w->band, w->level, county, area);
}

/* Area of county inside band b by a GEOS overlay. */
static int s_overlay(s_work_t *w, size_t county, size_t b, double *area)
{
    GEOSGeometry *inter =
        GEOSIntersection_r(w->ctx, geo_layer_geometry(w->layer, county),
                           geo_footprint_geometry(w->fp, b));
    int rc = inter ? geo_albers_area_km2(w->ctx, inter, area) : XY_EGEOM;
    if (inter)
        GEOSGeom_destroy_r(w->ctx, inter);
    w->e->overlays++;
    return rc;
}

/* One county against every band of a nested-ellipse footprint. */
static void s_county(size_t county, void *arg)
{
    s_work_t *w = arg;
    double area[GEO_FOOTPRINT_MAX_BANDS];
    if (w->rc)
        return;
    const geo_rings_t *rings = geo_layer_rings(w->layer, county);
    int declined = geo_nested_areas(w->nest, rings, area);
    double whole = geo_layer_area_km2(w->layer, county);
    for (size_t b = 0; b < w->e->n_bands && !w->rc; b++) {
        if (declined || (area[b] > 0 && area[b] < S_SLIVER * whole)) {
            w->band = b;
            w->rc = s_overlay(w, county, b, &area[b]);
        }
        if (w->rc)
            w->bad_code = geo_layer_code(w->layer, county);
        else if (area[b] > 0)
            s_append(w, b, geo_footprint_level(w->fp, b), county, area[b]);
    }
}

static void s_run_nested(s_work_t *w, int use_index)
{
    size_t outer = w->e->n_bands - 1;
    if (use_index) {
        geo_layer_query(w->layer, w->ctx, geo_footprint_geometry(w->fp, outer),
                        s_county, w);
    } else {
        for (size_t i = 0; i < geo_layer_count(w->layer) && !w->rc; i++)
            s_county(i, w);
    }
}

/* Band by band, each county by prepared predicates and overlays. */
static void s_run_overlay(s_work_t *w, int use_index)
{
    const geo_layer_t *layer = w->layer;
    for (size_t b = 0; b < w->e->n_bands && !w->rc; b++) {
        w->band = b;
        w->level = geo_footprint_level(w->fp, b);
        w->g = geo_footprint_geometry(w->fp, b);
        w->prep = GEOSPrepare_r(w->ctx, w->g);
        if (!w->prep) {
            w->rc = XY_EGEOM;
            break;
        }
        if (use_index) {
            geo_layer_query(layer, w->ctx, w->g, s_pair, w);
        } else {
            for (size_t i = 0; i < geo_layer_count(layer) && !w->rc; i++)
                s_pair(i, w);
        }
        GEOSPreparedGeom_destroy_r(w->ctx, w->prep);
    }
}

static int s_row_order(const void *a, const void *b)
{
    const geo_exposure_row_t *x = a, *y = b;
    if (x->band != y->band)
        return x->band < y->band ? -1 : 1;
    return (x->code > y->code) - (x->code < y->code);
}

static int s_compute(const geo_layer_t *layer, const geo_footprint_t *fp,
                     int how, geo_exposure_t **out, char *err, size_t errlen)
{
    *out = NULL;
    GEOSContextHandle_t ctx = GEOS_init_r();
    if (!ctx)
        return XY_ENOMEM;
    geo_exposure_t *e = xcalloc(1, sizeof(*e));
    s_work_t w = {.ctx = ctx, .layer = layer, .fp = fp, .e = e};
    e->n_bands = geo_footprint_count(fp);
    if (e->n_bands > 0 && (how & S_NESTED) && geo_nested_new(&w.nest, fp) == 0)
        s_run_nested(&w, how & S_INDEX);
    else
        s_run_overlay(&w, how & S_INDEX);
    geo_nested_destroy(&w.nest);
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
    return s_compute(layer, fp, S_INDEX | S_NESTED, out, err, errlen);
}

int geo_exposure_compute_noindex(const geo_layer_t *layer,
                                 const geo_footprint_t *fp,
                                 geo_exposure_t **out, char *err, size_t errlen)
{
    return s_compute(layer, fp, S_NESTED, out, err, errlen);
}

int geo_exposure_compute_overlay(const geo_layer_t *layer,
                                 const geo_footprint_t *fp,
                                 geo_exposure_t **out, char *err, size_t errlen)
{
    return s_compute(layer, fp, S_INDEX, out, err, errlen);
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

size_t geo_exposure_overlays(const geo_exposure_t *self)
{
    return self->overlays;
}

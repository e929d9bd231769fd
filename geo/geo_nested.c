/* Band areas of a polygon against nested ellipses by boundary integration
 * (geo_nested.h). Each ellipse gets a linear frame, fitted to its
 * vertices, in which it is close to the unit circle: a county edge whose
 * ends lie inside the inscribed disc, or which passes outside the
 * enclosing disc, cannot cross the ellipse. The others are tested against
 * the few ellipse edges of the angular sector they span. Orientation tests
 * run on the lon/lat coordinates GEOS would use; any test within rounding
 * of zero makes the county fall back to the overlay rather than guess. */
#include "geo/geo_nested.h"
#include "geo/geo_albers.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_N GEO_FOOTPRINT_SEGMENTS /* edges of an ellipse */
#define S_MAXB GEO_FOOTPRINT_MAX_BANDS
#define S_TOL 1e-12   /* orientation this small relative to its terms: 0 */
#define S_MARGIN 1e-9 /* relative safety margin of the disc tests */
#define S_MAX_CX 64   /* crossings on one county edge */
/* The bands of a county may add up to a little more than the county: a
 * crossing splits a lon/lat-straight edge into two Albers chords, which
 * bulge out by about 1e-6 of the area on real counties and 1e-4 on a
 * square with 20 km sides (a GEOS overlay measures the same chords). A
 * wrong walk is off by whole pieces, far more than this share. */
#define S_SUM_SLACK 1e-2
#define S_TWO_PI (2.0 * M_PI)

typedef struct {
    double ll[2 * (S_N + 1)]; /* vertices, lon/lat, closed, counter-clockwise */
    double p[2 * (S_N + 1)];  /* the same in Albers km minus the reference */
    double pre[S_N + 1];      /* pre[j]: chord terms of edges 0 .. j - 1 */
    double m[4];              /* lon/lat offset -> near-unit-circle frame */
    double t[S_N + 1];        /* angle of vertex j there, from vertex 0 */
    double t0;                /* angle of vertex 0 */
    double rin2;              /* squared radius of a disc inside it */
    double rout2;             /* squared radius of a disc holding it */
    double bbox[4];           /* lon/lat bounding box */
} s_ell_t;

typedef struct {
    int j;       /* ellipse edge */
    double s;    /* fraction along it */
    double x, y; /* the crossing, Albers km minus the reference */
    int enter;   /* the ellipse enters the county here */
} s_ex_t;

typedef struct {
    double u;    /* fraction along the county edge */
    double x, y; /* the crossing, Albers km minus the reference */
    int k;       /* ellipse crossed */
    int enter;   /* the county edge enters ellipse k here */
} s_cx_t;

struct geo_nested {
    size_t n;               /* ellipses, innermost first */
    double clon, clat;      /* centre of the frames and angles */
    double rx, ry;          /* its Albers position: the reference */
    s_ell_t *e;             /* the n ellipses */
    s_ex_t *ex[S_MAXB];     /* crossings along each ellipse */
    size_t ex_n[S_MAXB];    /* in use */
    size_t ex_cap[S_MAXB];  /* allocated */
    double sum[S_MAXB + 1]; /* twice the area per band; n = outside */
    int active[S_MAXB];     /* ellipse box meets the county's box */
    s_cx_t cx[S_MAX_CX];    /* crossings of the current county edge */
    size_t n_cx;            /* in use */
};

static double s_cross(double ax, double ay, double bx, double by)
{
    return ax * by - ay * bx;
}

/* Sign of the turn a -> b -> c: +1 left, -1 right, 0 when within rounding
 * of collinear; *val gets the value. */
static int s_orient(const double *a, const double *b, const double *c,
                    double *val)
{
    double l = (b[0] - a[0]) * (c[1] - a[1]);
    double r = (b[1] - a[1]) * (c[0] - a[0]);
    *val = l - r;
    if (fabs(*val) <= S_TOL * (fabs(l) + fabs(r)))
        return 0;
    return *val > 0 ? 1 : -1;
}

static void s_frame(const s_ell_t *e, const geo_nested_t *self, double lon,
                    double lat, double *u)
{
    double dx = lon - self->clon, dy = lat - self->clat;
    u[0] = e->m[0] * dx + e->m[1] * dy;
    u[1] = e->m[2] * dx + e->m[3] * dy;
}

/* Squared distance from the origin to the segment a-b. */
static double s_segdist2(const double *a, const double *b)
{
    double wx = b[0] - a[0], wy = b[1] - a[1];
    double w2 = wx * wx + wy * wy;
    double t = w2 > 0 ? -(a[0] * wx + a[1] * wy) / w2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double x = a[0] + t * wx, y = a[1] + t * wy;
    return x * x + y * y;
}

/* Edge j of e whose angular sector holds the direction u. */
static int s_sector(const s_ell_t *e, const double *u)
{
    double rel = atan2(u[1], u[0]) - e->t0;
    while (rel < 0)
        rel += S_TWO_PI;
    while (rel >= S_TWO_PI)
        rel -= S_TWO_PI;
    int lo = 0, hi = S_N - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (e->t[mid] <= rel)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The frame: the inverse square root of twice the vertices' second-moment
 * matrix maps an ellipse sampled at equal parametric steps onto the unit
 * circle. */
static int s_fit(s_ell_t *e, const geo_nested_t *self)
{
    double sxx = 0, sxy = 0, syy = 0;
    for (int j = 0; j < S_N; j++) {
        double dx = e->ll[2 * j] - self->clon,
               dy = e->ll[2 * j + 1] - self->clat;
        sxx += 2 * dx * dx / S_N;
        sxy += 2 * dx * dy / S_N;
        syy += 2 * dy * dy / S_N;
    }
    double det = sxx * syy - sxy * sxy;
    if (!(det > 0) || !isfinite(det))
        return XY_ENOTSUP;
    double s = sqrt(det), t = sqrt(sxx + syy + 2 * s);
    double a = (sxx + s) / t, b = sxy / t, d = (syy + s) / t;
    double q = a * d - b * b;
    e->m[0] = d / q;
    e->m[1] = -b / q;
    e->m[2] = -b / q;
    e->m[3] = a / q;
    return 0;
}

/* Angles, discs and box of an ellipse in its frame; XY_ENOTSUP unless its
 * vertices turn strictly counter-clockwise once around the centre. */
static int s_index(s_ell_t *e, const geo_nested_t *self)
{
    double u[2 * (S_N + 1)], rin = INFINITY, rout = 0, prev = 0;
    for (int j = 0; j <= S_N; j++)
        s_frame(e, self, e->ll[2 * j], e->ll[2 * j + 1], &u[2 * j]);
    e->t0 = atan2(u[1], u[0]);
    e->t[0] = 0;
    for (int j = 0; j < S_N; j++) {
        double a = atan2(u[2 * j + 3], u[2 * j + 2]);
        double d = remainder(a - (j ? prev : e->t0), S_TWO_PI);
        if (!(d > 0 && d < M_PI))
            return XY_ENOTSUP;
        prev = a;
        e->t[j + 1] = e->t[j] + d;
        rout = fmax(rout, hypot(u[2 * j], u[2 * j + 1]));
        rin = fmin(rin, sqrt(s_segdist2(&u[2 * j], &u[2 * j + 2])));
    }
    if (fabs(e->t[S_N] - S_TWO_PI) > 1e-6 || !(rin > 0))
        return XY_ENOTSUP;
    e->rin2 = rin * rin * (1 - S_MARGIN);
    e->rout2 = rout * rout * (1 + S_MARGIN);
    e->bbox[0] = e->bbox[1] = INFINITY;
    e->bbox[2] = e->bbox[3] = -INFINITY;
    for (int j = 0; j < S_N; j++) {
        e->bbox[0] = fmin(e->bbox[0], e->ll[2 * j]);
        e->bbox[1] = fmin(e->bbox[1], e->ll[2 * j + 1]);
        e->bbox[2] = fmax(e->bbox[2], e->ll[2 * j]);
        e->bbox[3] = fmax(e->bbox[3], e->ll[2 * j + 1]);
    }
    return 0;
}

static int s_prepare(geo_nested_t *self, size_t k, const double *ring)
{
    s_ell_t *e = &self->e[k];
    memcpy(e->ll, ring, sizeof(e->ll));
    geo_albers_forward_n(e->ll, e->p, S_N + 1);
    e->pre[0] = 0;
    for (int j = 0; j <= S_N; j++) {
        e->p[2 * j] -= self->rx;
        e->p[2 * j + 1] -= self->ry;
        if (j > 0)
            e->pre[j] =
                e->pre[j - 1] + s_cross(e->p[2 * j - 2], e->p[2 * j - 1],
                                        e->p[2 * j], e->p[2 * j + 1]);
    }
    int rc = s_fit(e, self);
    return rc ? rc : s_index(e, self);
}

int geo_nested_new(geo_nested_t **out, const geo_footprint_t *fp)
{
    *out = NULL;
    size_t n = geo_footprint_count(fp);
    double lat = 0, lon = 0;
    if (n == 0 || n > S_MAXB || !geo_footprint_ellipse(fp, 0, &lat, &lon))
        return XY_ENOTSUP;
    geo_nested_t *self = xcalloc(1, sizeof(*self));
    self->n = n;
    self->clat = lat;
    self->clon = lon;
    double ll[2] = {lon, lat}, xy[2];
    geo_albers_forward_n(ll, xy, 1);
    self->rx = xy[0];
    self->ry = xy[1];
    self->e = xmalloc(n * sizeof(*self->e));
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        const double *ring = geo_footprint_ellipse(fp, k, &lat, &lon);
        rc = ring ? s_prepare(self, k, ring) : XY_ENOTSUP;
    }
    if (rc) {
        geo_nested_destroy(&self);
        return rc;
    }
    *out = self;
    return 0;
}

void geo_nested_destroy(geo_nested_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    geo_nested_t *self = *self_p;
    for (size_t k = 0; k < S_MAXB; k++)
        free(self->ex[k]);
    free(self->e);
    free(self);
    *self_p = NULL;
}

size_t geo_nested_count(const geo_nested_t *self)
{
    return self->n;
}

/* 1 inside ellipse k, 0 outside, -1 within rounding of its boundary. */
static int s_inside(const geo_nested_t *self, size_t k, const double *pt)
{
    const s_ell_t *e = &self->e[k];
    double u[2], val;
    s_frame(e, self, pt[0], pt[1], u);
    double r2 = u[0] * u[0] + u[1] * u[1];
    if (r2 < e->rin2)
        return 1;
    if (r2 > e->rout2)
        return 0;
    int j = s_sector(e, u);
    int o = s_orient(&e->ll[2 * j], &e->ll[2 * j + 2], pt, &val);
    return o == 0 ? -1 : o > 0;
}

static void s_push_ex(geo_nested_t *self, size_t k, const s_ex_t *x)
{
    if (self->ex_n[k] == self->ex_cap[k]) {
        self->ex_cap[k] = self->ex_cap[k] ? 2 * self->ex_cap[k] : 32;
        self->ex[k] = xrealloc(self->ex[k], self->ex_cap[k] * sizeof(*x));
    }
    self->ex[k][self->ex_n[k]++] = *x;
}

/* Records a proper crossing of county edge p-q (ring side `side`) with edge
 * j of ellipse k. */
static int s_record(geo_nested_t *self, size_t k, int j, const double *p,
                    const double *q, int side, const double *d)
{
    if (self->n_cx == S_MAX_CX)
        return XY_EAGAIN;
    double u = d[0] / (d[0] - d[1]), s = d[2] / (d[2] - d[3]);
    double ll[2] = {p[0] + u * (q[0] - p[0]), p[1] + u * (q[1] - p[1])};
    double xy[2];
    geo_albers_forward_n(ll, xy, 1);
    xy[0] -= self->rx;
    xy[1] -= self->ry;
    s_cx_t *c = &self->cx[self->n_cx++];
    c->u = u;
    c->x = xy[0];
    c->y = xy[1];
    c->k = (int)k;
    c->enter = d[1] > 0;
    s_ex_t x = {.j = j, .s = s, .x = xy[0], .y = xy[1]};
    /* the ellipse turns towards the county's interior */
    x.enter = (d[3] > 0) == (side > 0);
    s_push_ex(self, k, &x);
    return 0;
}

/* Tests county edge p-q against ellipse edge j of ellipse k. */
static int s_edge_pair(geo_nested_t *self, size_t k, int j, const double *p,
                       const double *q, int side)
{
    const double *a = &self->e[k].ll[2 * j], *b = a + 2;
    if (fmax(p[0], q[0]) < fmin(a[0], b[0]) ||
        fmin(p[0], q[0]) > fmax(a[0], b[0]) ||
        fmax(p[1], q[1]) < fmin(a[1], b[1]) ||
        fmin(p[1], q[1]) > fmax(a[1], b[1]))
        return 0;
    double d[4];
    int o1 = s_orient(a, b, p, &d[0]), o2 = s_orient(a, b, q, &d[1]);
    int o3 = s_orient(p, q, a, &d[2]), o4 = s_orient(p, q, b, &d[3]);
    if (!o1 || !o2 || !o3 || !o4)
        return XY_EAGAIN;
    if (o1 == o2 || o3 == o4)
        return 0;
    return s_record(self, k, j, p, q, side, d);
}

/* County edge p-q (frame images up, uq) against ellipse k: the ellipse
 * edges of the sectors the edge sweeps, one more on each side. */
static int s_edge(geo_nested_t *self, size_t k, const double *p,
                  const double *q, const double *up, const double *uq, int side)
{
    const s_ell_t *e = &self->e[k];
    int jp = s_sector(e, up), jq = s_sector(e, uq);
    double sweep =
        remainder(atan2(uq[1], uq[0]) - atan2(up[1], up[0]), S_TWO_PI);
    int first = 0, count = S_N;
    /* angles are trusted only well away from the centre */
    if (fabs(sweep) < 3.0 && s_segdist2(up, uq) > 0.25 * e->rin2) {
        int lo = sweep >= 0 ? jp : jq, hi = sweep >= 0 ? jq : jp;
        first = (lo + S_N - 1) % S_N;
        count = (hi - lo + S_N) % S_N + 3;
        if (count > S_N)
            count = S_N;
    }
    for (int c = 0; c < count; c++) {
        int rc = s_edge_pair(self, k, (first + c) % S_N, p, q, side);
        if (rc)
            return rc;
    }
    return 0;
}

static void s_sort_cx(geo_nested_t *self)
{
    for (size_t i = 1; i < self->n_cx; i++) {
        s_cx_t x = self->cx[i];
        size_t j = i;
        for (; j > 0 && self->cx[j - 1].u > x.u; j--)
            self->cx[j] = self->cx[j - 1];
        self->cx[j] = x;
    }
}

/* Adds chord p-q (Albers, minus the reference) of a county edge cut at its
 * crossings to the bands it runs through; *cur is the band at p. */
static int s_walk(geo_nested_t *self, const double *p, const double *q,
                  int side, size_t *cur)
{
    double px = p[0] - self->rx, py = p[1] - self->ry;
    s_sort_cx(self);
    for (size_t i = 0; i < self->n_cx; i++) {
        const s_cx_t *c = &self->cx[i];
        size_t k = (size_t)c->k;
        self->sum[*cur] += side * s_cross(px, py, c->x, c->y);
        if (c->enter ? *cur != k + 1 : *cur != k)
            return XY_EAGAIN;
        *cur = c->enter ? k : k + 1;
        px = c->x;
        py = c->y;
    }
    self->sum[*cur] += side * s_cross(px, py, q[0] - self->rx, q[1] - self->ry);
    return 0;
}

/* Band of the first vertex of a ring: the innermost ellipse holding it. */
static int s_start_band(const geo_nested_t *self, const double *pt,
                        size_t *band)
{
    *band = self->n;
    for (size_t k = 0; k < self->n; k++) {
        if (!self->active[k])
            continue;
        int in = s_inside(self, k, pt);
        if (in < 0)
            return XY_EAGAIN;
        if (in) {
            *band = k;
            return 0;
        }
    }
    return 0;
}

/* Whether county edge p-q, frame images up, uq, may meet ellipse k. */
static int s_may_cross(const s_ell_t *e, const double *up, const double *uq)
{
    double rp2 = up[0] * up[0] + up[1] * up[1];
    double rq2 = uq[0] * uq[0] + uq[1] * uq[1];
    if (rp2 < e->rin2 && rq2 < e->rin2)
        return 0;
    if (rp2 > e->rout2 && rq2 > e->rout2 && s_segdist2(up, uq) > e->rout2)
        return 0;
    return 1;
}

static int s_ring(geo_nested_t *self, const geo_ring_t *r)
{
    double u[2 * S_MAXB], uq[2];
    size_t cur = 0, start = 0;
    if (r->n < 4)
        return 0;
    int rc = s_start_band(self, r->lonlat, &start);
    cur = start;
    for (size_t k = 0; k < self->n; k++)
        if (self->active[k])
            s_frame(&self->e[k], self, r->lonlat[0], r->lonlat[1], &u[2 * k]);
    for (size_t i = 0; i + 1 < r->n && rc == 0; i++) {
        const double *p = &r->lonlat[2 * i], *q = p + 2;
        if (p[0] == q[0] && p[1] == q[1])
            continue;
        self->n_cx = 0;
        for (size_t k = 0; k < self->n && rc == 0; k++) {
            if (!self->active[k])
                continue;
            s_frame(&self->e[k], self, q[0], q[1], uq);
            if (s_may_cross(&self->e[k], &u[2 * k], uq))
                rc = s_edge(self, k, p, q, &u[2 * k], uq, r->side);
            u[2 * k] = uq[0];
            u[2 * k + 1] = uq[1];
        }
        if (rc == 0)
            rc = s_walk(self, &r->xy[2 * i], &r->xy[2 * i + 2], r->side, &cur);
    }
    if (rc == 0 && cur != start)
        rc = XY_EAGAIN;
    return rc;
}

/* Even-odd point in polygon over all rings, lon/lat. */
static int s_in_rings(const geo_rings_t *rings, const double *pt)
{
    int in = 0;
    for (size_t r = 0; r < geo_rings_count(rings); r++) {
        geo_ring_t g = geo_rings_get(rings, r);
        for (size_t i = 0; i + 1 < g.n; i++) {
            const double *a = &g.lonlat[2 * i], *b = a + 2;
            if ((a[1] > pt[1]) != (b[1] > pt[1]) &&
                pt[0] < (b[0] - a[0]) * (pt[1] - a[1]) / (b[1] - a[1]) + a[0])
                in = !in;
        }
    }
    return in;
}

static int s_ex_order(const void *a, const void *b)
{
    const s_ex_t *x = a, *y = b;
    if (x->j != y->j)
        return x->j < y->j ? -1 : 1;
    return (x->s > y->s) - (x->s < y->s);
}

/* Chord terms along ellipse e from crossing a forward to crossing b. */
static double s_path(const s_ell_t *e, const s_ex_t *a, const s_ex_t *b)
{
    if (a->j == b->j && b->s > a->s)
        return s_cross(a->x, a->y, b->x, b->y);
    int m1 = (a->j + 1) % S_N, m2 = b->j;
    double span = m2 >= m1 ? e->pre[m2] - e->pre[m1]
                           : e->pre[S_N] - e->pre[m1] + e->pre[m2];
    const double *pa = &e->p[2 * (a->j + 1)], *pb = &e->p[2 * b->j];
    return s_cross(a->x, a->y, pa[0], pa[1]) + span +
           s_cross(pb[0], pb[1], b->x, b->y);
}

/* Adds the pieces of ellipse k inside the county: to band k, and with the
 * opposite sign to band k + 1, where the ellipse is the hole. */
static int s_ellipse_pieces(geo_nested_t *self, size_t k,
                            const geo_rings_t *rings)
{
    const s_ell_t *e = &self->e[k];
    size_t m = self->ex_n[k];
    s_ex_t *x = self->ex[k];
    double piece = 0;
    if (m == 0) {
        const double *bb = geo_rings_bounds(rings);
        if (e->bbox[0] >= bb[0] && e->bbox[1] >= bb[1] && e->bbox[2] <= bb[2] &&
            e->bbox[3] <= bb[3] && s_in_rings(rings, e->ll))
            piece = e->pre[S_N];
    } else {
        qsort(x, m, sizeof(*x), s_ex_order);
        for (size_t i = 0; i < m; i++) {
            const s_ex_t *b = &x[(i + 1) % m];
            if (x[i].enter == b->enter || (x[i].j == b->j && x[i].s == b->s))
                return XY_EAGAIN;
            if (x[i].enter)
                piece += s_path(e, &x[i], b);
        }
    }
    self->sum[k] += piece;
    self->sum[k + 1] -= piece;
    return 0;
}

static int s_boxes_meet(const double *a, const double *b)
{
    return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/* Turns the sums into areas; XY_EAGAIN when they cannot be right. */
static int s_finish(const geo_nested_t *self, const geo_rings_t *rings,
                    double *area_km2)
{
    double whole = geo_rings_area_km2(rings), total = 0;
    for (size_t k = 0; k < self->n; k++) {
        double a = self->sum[k] / 2;
        if (!isfinite(a) || a < -S_MARGIN * whole)
            return XY_EAGAIN;
        area_km2[k] = a > 0 ? a : 0;
        total += area_km2[k];
    }
    return total <= whole * (1 + S_SUM_SLACK) ? 0 : XY_EAGAIN;
}

int geo_nested_areas(geo_nested_t *self, const geo_rings_t *rings,
                     double *area_km2)
{
    int any = 0, rc = 0;
    memset(area_km2, 0, self->n * sizeof(*area_km2));
    memset(self->sum, 0, sizeof(self->sum));
    for (size_t k = 0; k < self->n; k++) {
        self->active[k] =
            s_boxes_meet(geo_rings_bounds(rings), self->e[k].bbox);
        self->ex_n[k] = 0;
        any |= self->active[k];
    }
    if (!any)
        return 0;
    for (size_t r = 0; r < geo_rings_count(rings) && rc == 0; r++) {
        geo_ring_t ring = geo_rings_get(rings, r);
        rc = s_ring(self, &ring);
    }
    for (size_t k = 0; k < self->n && rc == 0; k++)
        if (self->active[k])
            rc = s_ellipse_pieces(self, k, rings);
    return rc ? rc : s_finish(self, rings, area_km2);
}

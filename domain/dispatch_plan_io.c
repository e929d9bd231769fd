/* What the planner shows and reads (dispatch_plan.h): the explanation
 * lines, the plan as JSON, the model as CPLEX LP text for an exact solver,
 * and the zones taken from an assessment, a JSON file or the county
 * layer. */
#include "domain/dispatch_plan.h"
#include "domain/dispatch_plan_impl.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_explain(dispatch_plan_t *p, size_t i)
{
    const dispatch_team_t *t = &p->teams[i];
    char *e = p->explain[i];
    size_t len = sizeof p->explain[i];
    long j = p->zone_of[i];
    if (j >= 0) {
        const dispatch_zone_t *z = &p->zones[j];
        double w = z->workers_needed, l = p->load[j];
        snprintf(e, len,
                 "%s (%u workers, %u psychiatrists) to %s: %.1f h by road; "
                 "the zone needs %u workers and gets %.0f (%.0f%% covered), "
                 "priority %.1f%s",
                 t->name, t->capacity, t->psychiatrists, z->name,
                 p->travel[i * p->nz + (size_t)j], z->workers_needed, l,
                 100 * (l < w ? l : w) / w, z->priority,
                 p->req[j] && t->psychiatrists
                     ? "; brings the psychiatrist the zone needs"
                     : "");
        return;
    }
    bool any = false;
    for (size_t k = 0; k < p->nz && !any; k++)
        any = dispatch_plan_allowed(p, i, k);
    if (!t->available)
        snprintf(e, len, "%s: not available (resting, deployed, stood "
                 "down or past its rest limit)", t->name);
    else if (t->capacity == 0)
        snprintf(e, len, "%s: no workers registered", t->name);
    else if (!any)
        snprintf(e, len, "%s: no zone with need within %.1f h", t->name,
                 p->max_travel_h);
    else
        snprintf(e, len, "%s: kept in reserve: the zones it can reach are "
                 "covered, or better served by the teams sent", t->name);
}

void dispatch_plan_explain_all(dispatch_plan_t *p)
{
    for (size_t i = 0; i < p->nt; i++)
        s_explain(p, i);
}

static json_t *s_zone_json(const dispatch_plan_t *p, size_t j)
{
    const dispatch_zone_t *z = &p->zones[j];
    char id[DOMAIN_ID_HEX];
    double w = z->workers_needed, l = p->load[j];
    return json_pack("{s:s, s:s, s:i, s:f, s:i, s:f, s:i, s:b, s:i}", "zone",
                     domain_id_format(&z->id, id), "name", z->name,
                     "workers_needed", (int)z->workers_needed, "priority",
                     z->priority, "workers_sent", (int)l, "covered",
                     w > 0 ? round(1000 * (l < w ? l : w) / w) / 1000 : 0.0,
                     "psychiatrists_needed", (int)z->psychiatrists_needed,
                     "psychiatrist_required", p->req[j], "psychiatric_teams",
                     (int)p->psy[j]);
}

json_t *dispatch_plan_json(const dispatch_plan_t *p,
                           const domain_id_t *incident)
{
    char hex[DOMAIN_ID_HEX], zh[DOMAIN_ID_HEX];
    double gap = p->bound > 0 ? (p->bound - p->objective) / p->bound : 0;
    json_t *zones = json_array(), *as = json_array(), *idle = json_array();
    for (size_t j = 0; j < p->nz; j++)
        json_array_append_new(zones, s_zone_json(p, j));
    for (size_t i = 0; i < p->nt; i++) {
        const dispatch_team_t *t = &p->teams[i];
        long j = p->zone_of[i];
        domain_id_format(&t->id, hex);
        if (j < 0) {
            json_array_append_new(idle, json_pack("{s:s, s:s, s:s}", "team",
                                                  hex, "team_name", t->name,
                                                  "reason", p->explain[i]));
            continue;
        }
        const dispatch_zone_t *z = &p->zones[j];
        double h = p->travel[i * p->nz + (size_t)j];
        json_array_append_new(
            as, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s}", "team", hex,
                          "team_name", t->name, "zone",
                          domain_id_format(&z->id, zh), "zone_name", z->name,
                          "travel_h", round(h * 100) / 100, "explanation",
                          p->explain[i]));
    }
    return json_pack("{s:s, s:f, s:f, s:f, s:o, s:o, s:o}", "incident",
                     domain_id_format(incident, hex), "objective",
                     p->objective, "bound", p->bound, "gap",
                     round(gap * 10000) / 10000, "zones", zones,
                     "assignments", as, "not_sent", idle);
}

/* A growing string for the LP text. */
typedef struct s_buf {
    char *s;
    size_t len, cap;
} s_buf_t;

static void s_add(s_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void s_add(s_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    for (int tries = 0; tries < 2; tries++) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = 2 * b->cap + (size_t)(n > 0 ? n : 0) + 64;
        b->s = xrealloc(b->s, b->cap);
    }
}

/* Keeps LP lines short: a line break every eight terms. */
static void s_term(s_buf_t *b, size_t *terms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void s_term(s_buf_t *b, size_t *terms, const char *fmt, ...)
{
    char t[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    s_add(b, "%s%s", (*terms)++ % 8 == 7 ? "\n   " : " ", t);
}

static void s_lp_rows(const dispatch_plan_t *p, s_buf_t *b)
{
    for (size_t j = 0; j < p->nz; j++) {
        if (!p->reachable[j])
            continue;
        size_t n = 0;
        s_add(b, " cap%zu: y%zu", j, j);
        for (size_t i = 0; i < p->nt; i++)
            if (dispatch_plan_allowed(p, i, j))
                s_term(b, &n, "- %u x%zu_%zu", p->teams[i].capacity, i, j);
        s_add(b, " <= 0\n");
    }
    for (size_t i = 0; i < p->nt; i++) {
        size_t n = 0;
        for (size_t j = 0; j < p->nz; j++)
            if (dispatch_plan_allowed(p, i, j))
                s_term(b, &n, "%s x%zu_%zu", n ? "+" : (s_add(b, " one%zu:", i),
                                                         ""), i, j);
        if (n)
            s_add(b, " <= 1\n");
    }
    for (size_t j = 0; j < p->nz; j++) {
        if (!p->req[j])
            continue;
        for (size_t k = 0; k < p->nt; k++) {
            if (p->teams[k].psychiatrists || !dispatch_plan_allowed(p, k, j))
                continue;
            size_t n = 0;
            s_add(b, " mix%zu_%zu: x%zu_%zu", k, j, k, j);
            for (size_t i = 0; i < p->nt; i++)
                if (p->teams[i].psychiatrists && dispatch_plan_allowed(p, i, j))
                    s_term(b, &n, "- x%zu_%zu", i, j);
            s_add(b, " <= 0\n");
        }
    }
}

char *dispatch_plan_lp(const dispatch_plan_t *p)
{
    s_buf_t b = {xmalloc(4096), 0, 4096};
    b.s[0] = '\0';
    size_t n = 0;
    s_add(&b, "\\ Xinyuan dispatch model (docs/dispatch.md)\nMaximize\n obj:");
    /* z0 keeps the objective well-formed when nothing can be sent. */
    s_term(&b, &n, "0 z0");
    for (size_t j = 0; j < p->nz; j++)
        if (p->reachable[j])
            s_term(&b, &n, "+ %.17g y%zu", p->weight[j], j);
    s_add(&b, "\nSubject To\n");
    s_lp_rows(p, &b);
    s_add(&b, "Bounds\n 0 <= z0 <= 0\n");
    for (size_t j = 0; j < p->nz; j++)
        if (p->reachable[j])
            s_add(&b, " 0 <= y%zu <= %u\n", j, p->zones[j].workers_needed);
    s_add(&b, "Binary\n");
    n = 0;
    for (size_t i = 0; i < p->nt; i++)
        for (size_t j = 0; j < p->nz; j++)
            if (dispatch_plan_allowed(p, i, j))
                s_term(&b, &n, "x%zu_%zu", i, j);
    s_add(&b, "\nEnd\n");
    return b.s;
}

/* Copies text (1..DISPATCH_PLAN_NAME_MAX bytes, one line) into dst. */
static int s_name(char *dst, const char *text, size_t idx,
                  domain_error_t *err)
{
    size_t n = text ? strlen(text) : 0;
    if (n == 0 || n > DISPATCH_PLAN_NAME_MAX || strpbrk(text, "\r\n"))
        return domain_fail(err, XY_EINVAL, "zone",
                           "zone %zu: a name of 1 to %d bytes on one line is "
                           "required", idx + 1, DISPATCH_PLAN_NAME_MAX);
    memcpy(dst, text, n + 1);
    return 0;
}

int dispatch_zones_from_assessment(dispatch_zone_t **out, size_t *n,
                                   const Xy__AssessmentPublished *a,
                                   domain_error_t *err)
{
    *out = NULL;
    *n = 0;
    if (a->n_zones > DISPATCH_PLAN_MAX_ZONES)
        return domain_fail(err, XY_ETOOBIG, "zones", "%zu zones, at most %d",
                           a->n_zones, DISPATCH_PLAN_MAX_ZONES);
    dispatch_zone_t *z = xcalloc(a->n_zones ? a->n_zones : 1, sizeof *z);
    int rc = 0;
    for (size_t i = 0; i < a->n_zones && !rc; i++) {
        const Xy__ZoneNeed *zn = a->zones[i];
        if (zn->zone_id.len != DOMAIN_ID_LEN) {
            rc = domain_fail(err, XY_EINVAL, "zone", "zone %zu: no zone id",
                             i + 1);
            break;
        }
        memcpy(z[i].id.b, zn->zone_id.data, DOMAIN_ID_LEN);
        rc = s_name(z[i].name, zn->name, i, err);
        if (zn->county_code && strlen(zn->county_code) == 6)
            memcpy(z[i].county_code, zn->county_code, 7);
        z[i].population = zn->population;
        z[i].workers_needed = zn->workers_needed;
        z[i].team_days = zn->team_days;
        z[i].psychiatrists_needed = zn->psychiatrists_needed;
        z[i].priority = zn->priority;
    }
    if (rc) {
        free(z);
        return rc;
    }
    *out = z;
    *n = a->n_zones;
    return 0;
}

/* Reads a number member; absent gives def; required when def is NAN. */
static int s_num(const json_t *o, const char *key, double lo, double hi,
                 double def, double *v, size_t idx, domain_error_t *err)
{
    const json_t *x = json_object_get(o, key);
    if (!x && !isnan(def)) {
        *v = def;
        return 0;
    }
    if (!json_is_number(x) || !(json_number_value(x) >= lo) ||
        !(json_number_value(x) <= hi))
        return domain_fail(err, XY_EINVAL, key,
                           "zone %zu: \"%s\" must be a number in %g..%g",
                           idx + 1, key, lo, hi);
    *v = json_number_value(x);
    return 0;
}

static int s_zone_from_json(dispatch_zone_t *z, const json_t *o, size_t i,
                            domain_error_t *err)
{
    if (!json_is_object(o))
        return domain_fail(err, XY_EINVAL, "zone", "zone %zu: not an object",
                           i + 1);
    const char *id = json_string_value(json_object_get(o, "id"));
    if (!id || domain_id_parse(&z->id, id) || domain_id_is_zero(&z->id))
        return domain_fail(err, XY_EINVAL, "id",
                           "zone %zu: \"id\" must be 32 hex digits", i + 1);
    int rc = s_name(z->name, json_string_value(json_object_get(o, "name")), i,
                    err);
    const char *cc = json_string_value(json_object_get(o, "county_code"));
    if (!rc && cc && (strlen(cc) != 6 || strspn(cc, "0123456789") != 6))
        rc = domain_fail(err, XY_EINVAL, "county_code",
                         "zone %zu: \"county_code\" must be 6 digits", i + 1);
    if (!rc && cc)
        memcpy(z->county_code, cc, 7);
    double lat = NAN, lon = NAN, pop = 0, w = 0, td = 0, psy = 0, pri = 0;
    bool has_pos = json_object_get(o, "lat") || json_object_get(o, "lon");
    if (!rc && has_pos)
        rc = s_num(o, "lat", -90, 90, NAN, &lat, i, err);
    if (!rc && has_pos)
        rc = s_num(o, "lon", -180, 180, NAN, &lon, i, err);
    if (!rc)
        rc = s_num(o, "population", 0, 1e10, 0, &pop, i, err);
    if (!rc)
        rc = s_num(o, "workers_needed", 0, DISPATCH_PLAN_MAX_WORKERS, NAN, &w,
                   i, err);
    if (!rc)
        rc = s_num(o, "team_days", 0, 1e7, 0, &td, i, err);
    if (!rc)
        rc = s_num(o, "psychiatrists_needed", 0, DISPATCH_PLAN_MAX_WORKERS, 0,
                   &psy, i, err);
    if (!rc)
        rc = s_num(o, "priority", 1e-9, 1e9, NAN, &pri, i, err);
    if (rc)
        return rc;
    z->located = has_pos;
    z->lat = has_pos ? lat : 0;
    z->lon = has_pos ? lon : 0;
    z->population = (uint64_t)pop;
    z->workers_needed = (uint32_t)w;
    z->team_days = td;
    z->psychiatrists_needed = (uint32_t)psy;
    z->priority = pri;
    return 0;
}

int dispatch_zones_from_json(dispatch_zone_t **out, size_t *n,
                             const json_t *arr, domain_error_t *err)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(arr))
        return domain_fail(err, XY_EINVAL, "zones",
                           "a JSON array of zones is required");
    size_t k = json_array_size(arr);
    if (k > DISPATCH_PLAN_MAX_ZONES)
        return domain_fail(err, XY_ETOOBIG, "zones", "%zu zones, at most %d",
                           k, DISPATCH_PLAN_MAX_ZONES);
    dispatch_zone_t *z = xcalloc(k ? k : 1, sizeof *z);
    for (size_t i = 0; i < k; i++) {
        int rc = s_zone_from_json(&z[i], json_array_get(arr, i), i, err);
        for (size_t m = 0; !rc && m < i; m++)
            if (memcmp(z[m].id.b, z[i].id.b, DOMAIN_ID_LEN) == 0)
                rc = domain_fail(err, XY_EINVAL, "id",
                                 "zone %zu: same id as zone %zu", i + 1,
                                 m + 1);
        if (rc) {
            free(z);
            return rc;
        }
    }
    *out = z;
    *n = k;
    return 0;
}

size_t dispatch_zones_locate(dispatch_zone_t *zones, size_t n,
                             const geo_layer_t *layer)
{
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        dispatch_zone_t *z = &zones[i];
        size_t idx;
        if (!z->located && z->county_code[0] &&
            geo_layer_find(layer, (int32_t)atol(z->county_code), &idx) == 0) {
            double x0, y0, x1, y1;
            geo_layer_bounds(layer, idx, &x0, &y0, &x1, &y1);
            z->lat = (y0 + y1) / 2;
            z->lon = (x0 + x1) / 2;
            z->located = true;
        }
        left += !z->located;
    }
    return left;
}

/* Assessments as events and views (assessment.h): the AssessmentPublished
 * builder, the "assessments" view and its reducer, rebuilding the latest
 * assessment from the view, and the field counts read from the person,
 * place and triage views. */
#include "domain/assessment.h"
#include "domain/assessment_impl.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/lww.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the event */

void assessment_publish(assessment_event_t **out, assessment_t *a,
                        const domain_id_t *incident,
                        const domain_id_t *assessment_id, uint32_t revision,
                        bool exercise, const char *author)
{
    assessment_event_t *e = xcalloc(1, sizeof *e);
    size_t n = a->n_zones;
    a->revision = revision;
    e->zones = xcalloc(n ? n : 1, sizeof *e->zones);
    e->zone_ptrs = xcalloc(n ? n : 1, sizeof *e->zone_ptrs);
    e->tiers = xcalloc(n ? n : 1, sizeof *e->tiers);
    e->codes = xcalloc(n ? n : 1, sizeof *e->codes);
    e->names = xcalloc(n ? n : 1, sizeof *e->names);
    memcpy(e->incident_id, incident->b, DOMAIN_ID_LEN);
    memcpy(e->assessment_id, assessment_id->b, DOMAIN_ID_LEN);
    for (size_t i = 0; i < n; i++) {
        const assessment_zone_t *z = &a->zones[i];
        Xy__ZoneNeed *zn = &e->zones[i];
        xy__zone_need__init(zn);
        zn->zone_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, (uint8_t *)z->id.b};
        char band[16];
        if (a->quake)
            snprintf(e->names[i], sizeof e->names[i], "%s", z->name);
        else
            snprintf(e->names[i], sizeof e->names[i], "%s %s", z->name,
                     assessment_band_label(false, z->level, band,
                                           sizeof band));
        zn->name = e->names[i];
        snprintf(e->codes[i], sizeof e->codes[i], "%06d", (int)z->county_code);
        zn->county_code = e->codes[i];
        zn->intensity = a->quake ? (uint32_t)z->level : 0;
        zn->population = (uint64_t)llround(z->population);
        memcpy(e->tiers[i], z->tiers, sizeof e->tiers[i]);
        zn->n_tier_counts = ASSESS_TIERS;
        zn->tier_counts = e->tiers[i];
        zn->workers_needed = z->workers;
        zn->team_days = z->team_days;
        zn->psychiatrists_needed = z->psychiatrists;
        zn->priority = z->priority;
        e->zone_ptrs[i] = zn;
    }
    Xy__AssessmentPublished *b = &e->body;
    xy__assessment_published__init(b);
    b->assessment_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, e->assessment_id};
    b->revision = revision;
    b->n_zones = n;
    b->zones = e->zone_ptrs;
    b->proposed_level = a->level;
    b->parameters_version = a->params_version;
    b->population_total = (uint64_t)llround(a->totals.population);
    xy__event__init(&e->ev);
    e->ev.incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, e->incident_id};
    e->ev.exercise = exercise;
    e->ev.author = (char *)(author ? author : "");
    e->ev.body_case = XY__EVENT__BODY_ASSESSMENT_PUBLISHED;
    e->ev.assessment_published = b;
    *out = e;
}

void assessment_event_destroy(assessment_event_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    assessment_event_t *e = *self_p;
    free(e->zones);
    free(e->zone_ptrs);
    free(e->tiers);
    free(e->codes);
    free(e->names);
    free(e);
    *self_p = NULL;
}

/* ------------------------------------------------------------- the view */

static int s_on_assessment(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__AssessmentPublished *b = ev->assessment_published;
    if (ev->incident_id.len != XY_ID_LEN)
        return 0;
    uint8_t head = ev->exercise ? 1 : 0;
    return lww_put_msg(vt, m->assessments, ev->incident_id.data, XY_ID_LEN,
                       ev, &head, 1, &b->base);
}

void assessment_model_register(domain_model_t *m)
{
    m->assessments = view_set_add(m->views, "assessments");
    view_set_on(m->views, XY__EVENT__BODY_ASSESSMENT_PUBLISHED,
                s_on_assessment, m);
}

/* The hazard and magnitude of the incident, when held. */
static void s_incident_hazard(view_txn_t *vt, const domain_model_t *m,
                              const domain_id_t *incident, assessment_t *a)
{
    const void *v;
    size_t n;
    if (lww_get(vt, m->incidents, incident->b, DOMAIN_ID_LEN, &v, &n) || n < 1)
        return;
    Xy__IncidentDeclared *d = xy__incident_declared__unpack(
        NULL, n - 1, (const uint8_t *)v + 1);
    if (!d)
        return;
    a->hazard = d->hazard;
    a->magnitude = d->magnitude;
    xy__incident_declared__free_unpacked(d, NULL);
}

/* One stored zone into z; false when it is malformed. */
static bool s_zone_from(assessment_zone_t *z, const Xy__ZoneNeed *zn,
                        bool quake)
{
    if (zn->zone_id.len != DOMAIN_ID_LEN || zn->n_tier_counts != ASSESS_TIERS)
        return false;
    memcpy(z->id.b, zn->zone_id.data, DOMAIN_ID_LEN);
    z->county_code = zn->county_code ? (int32_t)atoi(zn->county_code) : 0;
    snprintf(z->name, sizeof z->name, "%s", zn->name ? zn->name : "");
    z->level = quake ? (int)zn->intensity : 1;
    char *ring = strstr(z->name, " ring ");
    if (!quake && ring) {
        z->level = atoi(ring + 6);
        *ring = '\0';
    }
    z->population = (double)zn->population;
    memcpy(z->tiers, zn->tier_counts, sizeof z->tiers);
    z->workers = zn->workers_needed;
    z->team_days = zn->team_days;
    z->psychiatrists = zn->psychiatrists_needed;
    z->priority = zn->priority;
    return true;
}

int assessment_latest(view_txn_t *vt, const domain_model_t *m,
                      const domain_id_t *incident, assessment_t **out)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->assessments, incident->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    if (n < 1)
        return XY_ECORRUPT;
    Xy__AssessmentPublished *b = xy__assessment_published__unpack(
        NULL, n - 1, (const uint8_t *)v + 1);
    if (!b)
        return XY_ECORRUPT;
    assessment_t *a = xcalloc(1, sizeof *a);
    a->exercise = ((const uint8_t *)v)[0] != 0;
    s_incident_hazard(vt, m, incident, a);
    /* Only earthquake zones carry an intensity. */
    a->quake = a->hazard == XY__HAZARD_TYPE__HAZARD_EARTHQUAKE;
    for (size_t i = 0; i < b->n_zones; i++)
        a->quake |= b->zones[i]->intensity > 0;
    a->level = b->proposed_level >= 1 && b->proposed_level <= 4
                   ? (int)b->proposed_level : 4;
    a->revision = b->revision;
    snprintf(a->params_version, sizeof a->params_version, "%s",
             b->parameters_version ? b->parameters_version : "");
    snprintf(a->reason_en, sizeof a->reason_en, "as published in revision %u",
             (unsigned)b->revision);
    snprintf(a->reason_zh, sizeof a->reason_zh, "第%u版评估所提议",
             (unsigned)b->revision);
    a->zones = xcalloc(b->n_zones ? b->n_zones : 1, sizeof *a->zones);
    for (size_t i = 0; i < b->n_zones && rc == 0; i++)
        if (!s_zone_from(&a->zones[a->n_zones++], b->zones[i], a->quake))
            rc = XY_ECORRUPT;
    xy__assessment_published__free_unpacked(b, NULL);
    if (rc) {
        assessment_destroy(&a);
        return rc;
    }
    assessment_finish(a);
    *out = a;
    return 0;
}

/* ------------------------------------------------------- field counts */

typedef struct s_count {
    uint8_t zone[DOMAIN_ID_LEN]; /* zone id */
    uint64_t n[ASSESS_TIERS];    /* people per tier */
} s_count_t;

struct assessment_field {
    s_count_t *v;  /* sorted by zone id */
    size_t n, cap; /* used, allocated */
};

assessment_field_t *assessment_field_new(void)
{
    return xcalloc(1, sizeof(assessment_field_t));
}

void assessment_field_destroy(assessment_field_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->v);
    free(*self_p);
    *self_p = NULL;
}

/* Index of zone in f, or where it would go (*found false). */
static size_t s_find(const assessment_field_t *f, const uint8_t *zone,
                     bool *found)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(f->v[mid].zone, zone, DOMAIN_ID_LEN);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

void assessment_field_add(assessment_field_t *f, const domain_id_t *zone,
                          int tier, uint64_t n)
{
    if (tier < 0 || tier >= ASSESS_TIERS)
        return;
    bool found;
    size_t i = s_find(f, zone->b, &found);
    if (!found) {
        if (f->n == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 16;
            f->v = xrealloc(f->v, f->cap * sizeof *f->v);
        }
        memmove(&f->v[i + 1], &f->v[i], (f->n - i) * sizeof *f->v);
        memset(&f->v[i], 0, sizeof *f->v);
        memcpy(f->v[i].zone, zone->b, DOMAIN_ID_LEN);
        f->n++;
    }
    f->v[i].n[tier] += n;
}

uint64_t assessment_field_get(const assessment_field_t *f,
                              const domain_id_t *zone, int tier)
{
    if (!f || tier < 0 || tier >= ASSESS_TIERS)
        return 0;
    bool found;
    size_t i = s_find(f, zone->b, &found);
    return found ? f->v[i].n[tier] : 0;
}

typedef struct s_field_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    const domain_id_t *incident;
    assessment_field_t *f;
} s_field_ctx_t;

/* The tier a person counts in: A when their latest triage is immediate or
 * they are bereaved, B otherwise (docs/assessment.md, "Field counts"). */
static int s_person_tier(s_field_ctx_t *c, const uint8_t *person)
{
    const void *v;
    size_t n;
    if (lww_get(c->vt, c->m->triage_latest, person, XY_ID_LEN, &v, &n) == 0 &&
        n >= 1 &&
        *(const uint8_t *)v == XY__TRIAGE_LEVEL__TRIAGE_IMMEDIATE)
        return ASSESS_TIER_A;
    if (lww_get(c->vt, c->m->persons, person, XY_ID_LEN, &v, &n) == 0 &&
        n > 1 + XY_ID_LEN) {
        Xy__PersonRegistered *pr = xy__person_registered__unpack(
            NULL, n - 1 - XY_ID_LEN, (const uint8_t *)v + 1 + XY_ID_LEN);
        bool bereaved = pr && (pr->vulnerability &
                               XY__VULNERABILITY__VULN_BEREAVED);
        if (pr)
            xy__person_registered__free_unpacked(pr, NULL);
        if (bereaved)
            return ASSESS_TIER_A;
    }
    return ASSESS_TIER_B;
}

static int s_place_entry(const void *key, size_t klen, const void *val,
                         size_t vlen, void *arg)
{
    s_field_ctx_t *c = arg;
    if (klen != XY_ID_LEN || vlen < LWW_HEADER + XY_ID_LEN)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    if (memcmp(p, c->incident->b, XY_ID_LEN) != 0)
        return 0;
    Xy__Place *pl = xy__place__unpack(NULL, vlen - LWW_HEADER - XY_ID_LEN,
                                      p + XY_ID_LEN);
    if (!pl)
        return XY_ECORRUPT;
    domain_id_t zone;
    bool has = pl->zone_id.len == DOMAIN_ID_LEN;
    if (has)
        memcpy(zone.b, pl->zone_id.data, DOMAIN_ID_LEN);
    xy__place__free_unpacked(pl, NULL);
    if (has)
        assessment_field_add(c->f, &zone, s_person_tier(c, key), 1);
    return 0;
}

int assessment_field_read(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *incident,
                          assessment_field_t **out)
{
    s_field_ctx_t c = {vt, m, incident, assessment_field_new()};
    int rc = view_scan(vt, m->person_places, NULL, 0, s_place_entry, &c);
    if (rc) {
        assessment_field_destroy(&c.f);
        return rc;
    }
    *out = c.f;
    return 0;
}

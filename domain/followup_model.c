/* Registration of the follow-up views and the report (followup_model.h).
 * The report is folded at read time from the registers and indexes, so it
 * follows their winners on every node; its accumulators are JSON objects
 * keyed by zone and instrument, which also keeps the output sorted. */
#include "domain/followup_model.h"
#include "domain/case.h"
#include "domain/exercise.h"
#include "domain/followup.h"
#include "domain/handoff.h"
#include "domain/lww.h"
#include "domain/person_link.h"
#include "domain/service.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void followup_model_register(domain_model_t *m)
{
    m->services = view_set_add(m->views, "services");
    m->handoffs = view_set_add(m->views, "handoffs");
    m->handoff_status = view_set_add(m->views, "handoff_status");
    m->handoff_person = view_set_add(m->views, "handoff_person");
    m->followups = view_set_add(m->views, "followups");
    m->followup_due = view_set_add(m->views, "followup_due");
    m->followup_person = view_set_add(m->views, "followup_person");
    m->followup_done = view_set_add(m->views, "followup_done");
    m->cases_closed = view_set_add(m->views, "cases_closed");
    m->case_activity = view_set_add(m->views, "case_activity");
    m->zone_phases = view_set_add(m->views, "zone_phases");
    service_reducers(m);
    handoff_reducers(m);
    followup_reducers(m);
    case_reducers(m);
}

typedef struct s_trend {
    char instrument[SCREENING_NAME_MAX]; /* name */
    int first, last;                     /* scores */
    size_t n;                            /* re-screens seen */
} s_trend_t;

typedef struct s_report {
    view_txn_t *vt;
    const domain_model_t *m;
    domain_id_t incident;
    uint64_t now, grace;
    json_t *zones;        /* zone hex -> counters */
    json_t *cur;          /* the counters of the person being folded */
    bool closed;          /* the person's case is closed */
    s_trend_t trend[FOLLOWUP_RESCREEN_MAX * 2]; /* the person's trends */
    size_t n_trend;
} s_report_t;

static void s_add(json_t *o, const char *key, json_int_t by)
{
    json_t *v = json_object_get(o, key);
    json_object_set_new(o, key, json_integer(v ? json_integer_value(v) + by
                                               : by));
}

static json_t *s_zone_counters(s_report_t *r, const char *zone)
{
    json_t *z = json_object_get(r->zones, zone);
    if (z)
        return z;
    static const char *const keys[] = {
        "people", "immediate", "high_risk", "low_risk", "untriaged",
        "closed", "handoffs_proposed", "handoffs_accepted",
        "handoffs_declined", "followups_upcoming", "followups_due",
        "followups_overdue", "followups_done", "followups_missed",
        "followups_lost"};
    z = json_object();
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        json_object_set_new(z, keys[i], json_integer(0));
    json_object_set_new(z, "trends", json_object());
    json_object_set_new(r->zones, zone, z);
    return z;
}

bool followup_person_zone(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *person, domain_id_t *zone)
{
    const void *v;
    size_t n;
    bool found = false;
    if (lww_get(vt, m->person_places, person->b, DOMAIN_ID_LEN, &v, &n) ||
        n < DOMAIN_ID_LEN)
        return false;
    Xy__Place *pl = xy__place__unpack(NULL, n - DOMAIN_ID_LEN,
                                      (const uint8_t *)v + DOMAIN_ID_LEN);
    if (pl && pl->zone_id.len == DOMAIN_ID_LEN) {
        memcpy(zone->b, pl->zone_id.data, DOMAIN_ID_LEN);
        found = true;
    }
    if (pl)
        xy__place__free_unpacked(pl, NULL);
    return found;
}

static int s_handoff(const handoff_view_t *h, void *arg)
{
    s_report_t *r = arg;
    s_add(r->cur, h->status == HANDOFF_ACCEPTED   ? "handoffs_accepted"
                  : h->status == HANDOFF_DECLINED ? "handoffs_declined"
                                                  : "handoffs_proposed", 1);
    return 0;
}

static void s_trend_fold(s_report_t *r, const followup_view_t *f)
{
    for (size_t i = 0; i < f->n_rescreen; i++) {
        size_t k = 0;
        while (k < r->n_trend &&
               strcmp(r->trend[k].instrument, f->rescreen[i].instrument))
            k++;
        if (k == r->n_trend) {
            if (k == sizeof r->trend / sizeof *r->trend)
                continue;
            r->n_trend++;
            snprintf(r->trend[k].instrument, SCREENING_NAME_MAX, "%s",
                     f->rescreen[i].instrument);
            r->trend[k].first = f->rescreen[i].score;
            r->trend[k].n = 0;
        }
        r->trend[k].last = f->rescreen[i].score;
        r->trend[k].n++;
    }
}

static int s_followup(const followup_view_t *f, void *arg)
{
    s_report_t *r = arg;
    if (f->outcome == FOLLOWUP_PENDING && r->closed)
        return 0;
    const char *key = f->outcome == FOLLOWUP_DONE     ? "followups_done"
                      : f->outcome == FOLLOWUP_MISSED ? "followups_missed"
                      : f->outcome == FOLLOWUP_LOST   ? "followups_lost"
                      : followup_overdue(f, r->now, r->grace)
                          ? "followups_overdue"
                      : f->due_at <= r->now ? "followups_due"
                                            : "followups_upcoming";
    s_add(r->cur, key, 1);
    if (f->outcome == FOLLOWUP_DONE)
        s_trend_fold(r, f);
    return 0;
}

/* Adds the person's trends (first to last re-screen) to the zone's. */
static void s_trend_flush(s_report_t *r)
{
    json_t *trends = json_object_get(r->cur, "trends");
    for (size_t k = 0; k < r->n_trend; k++) {
        const s_trend_t *t = &r->trend[k];
        if (t->n < 2)
            continue;
        json_t *o = json_object_get(trends, t->instrument);
        if (!o) {
            o = json_pack("{s:i, s:i, s:i, s:i, s:i}", "persons", 0,
                          "improved", 0, "worse", 0, "unchanged", 0,
                          "change_sum", 0);
            json_object_set_new(trends, t->instrument, o);
        }
        int d = t->last - t->first;
        s_add(o, "persons", 1);
        s_add(o, d < 0 ? "improved" : d > 0 ? "worse" : "unchanged", 1);
        s_add(o, "change_sum", d);
    }
}

static int s_person(const void *key, size_t klen, const void *val,
                    size_t vlen, void *arg)
{
    s_report_t *r = arg;
    if (klen != DOMAIN_ID_LEN || vlen < LWW_HEADER + 1 + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    if (memcmp(p + 1, r->incident.b, DOMAIN_ID_LEN) != 0)
        return 0;
    domain_id_t id, canon;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    int rc = person_link_canonical(r->vt, r->m, &id, &canon);
    if (rc || memcmp(canon.b, id.b, DOMAIN_ID_LEN) != 0)
        return rc;
    char zone[DOMAIN_ID_HEX] = "none";
    domain_id_t zid;
    if (followup_person_zone(r->vt, r->m, &id, &zid))
        domain_id_format(&zid, zone);
    r->cur = s_zone_counters(r, zone);
    s_add(r->cur, "people", 1);
    static const char *const levels[] = {"untriaged", "immediate",
                                         "high_risk", "low_risk"};
    const void *v;
    size_t n;
    int level = 0;
    if (lww_get(r->vt, r->m->triage_latest, id.b, DOMAIN_ID_LEN, &v, &n) ==
            0 && n >= 1 && ((const uint8_t *)v)[0] < 4)
        level = ((const uint8_t *)v)[0];
    s_add(r->cur, levels[level], 1);
    case_state_t cs;
    rc = case_state(r->vt, r->m, &id, &cs);
    if (rc)
        return rc;
    r->closed = cs.closed;
    if (cs.closed)
        s_add(r->cur, "closed", 1);
    r->n_trend = 0;
    rc = handoff_each(r->vt, r->m, &id, s_handoff, r);
    if (!rc)
        rc = followup_each(r->vt, r->m, &id, UINT64_MAX, s_followup, r);
    if (!rc)
        s_trend_flush(r);
    return rc;
}

static int s_key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Turns the accumulators into the report's zone array and totals. */
static json_t *s_finish(s_report_t *r)
{
    json_t *arr = json_array(), *total = json_object();
    size_t nz = json_object_size(r->zones), i = 0;
    const char **keys = xcalloc(nz ? nz : 1, sizeof *keys);
    const char *zone;
    json_t *z;
    json_object_foreach(r->zones, zone, z)
        keys[i++] = zone;
    qsort(keys, nz, sizeof *keys, s_key_cmp);
    for (i = 0; i < nz; i++) {
        zone = keys[i];
        z = json_object_get(r->zones, zone);
        domain_id_t zid;
        int phase = domain_id_parse(&zid, zone) == 0
                        ? case_zone_phase_get(r->vt, r->m, &zid) : 0;
        json_object_set_new(z, "zone", json_string(zone));
        json_object_set_new(z, "phase", json_string(
            phase == XY__PHASE__PHASE_RECOVERY ? "recovery"
            : phase == XY__PHASE__PHASE_ACUTE ? "acute" : "unspecified"));
        const char *k;
        json_t *v;
        json_object_foreach(z, k, v)
            if (json_is_integer(v))
                s_add(total, k, json_integer_value(v));
        json_t *trends = json_object_get(z, "trends"), *t;
        json_object_foreach(trends, k, t) {
            json_int_t np = json_integer_value(json_object_get(t, "persons"));
            json_int_t sum =
                json_integer_value(json_object_get(t, "change_sum"));
            json_object_set_new(t, "mean_change",
                                json_real(np ? (double)sum / (double)np : 0));
            json_object_del(t, "change_sum");
        }
        json_array_append(arr, z);
    }
    free(keys);
    char inc[DOMAIN_ID_HEX];
    json_t *out = json_pack("{s:s, s:I, s:o, s:o}", "incident",
                            domain_id_format(&r->incident, inc), "as_of",
                            (json_int_t)r->now, "zones", arr, "total",
                            total);
    return out;
}

json_t *followup_report(view_txn_t *vt, const domain_model_t *m,
                        const domain_id_t *incident, uint64_t now_ms,
                        uint64_t grace_ms)
{
    s_report_t r;
    memset(&r, 0, sizeof r);
    r.vt = vt;
    r.m = m;
    r.incident = *incident;
    r.now = now_ms;
    r.grace = grace_ms;
    r.zones = json_object();
    json_t *out = NULL;
    if (view_scan(vt, m->persons, NULL, 0, s_person, &r) >= 0)
        out = s_finish(&r);
    json_decref(r.zones);
    /* A drill's report says so wherever it is shown or sent. */
    bool exercise = false;
    int rc = out ? exercise_incident(vt, m, incident->b, &exercise) : 0;
    if (rc && rc != XY_ENOENT) {
        json_decref(out);
        return NULL;
    }
    if (out)
        json_object_set_new(out, "exercise", json_boolean(exercise));
    if (out && exercise)
        json_object_set_new(out, "banner", json_string(EXERCISE_BANNER));
    return out;
}

/* Follow-up schedules, outcomes and the due index (followup.h). Views:
 * followups: id -> LWW [exercise][incident] packed FollowUpScheduled;
 * followup_due: due_at (8, big-endian) | id -> "" and followup_person:
 * person | due_at | id -> "" (grow-only indexes: an entry whose due time
 * is not the register's winner is skipped when read); followup_done: id ->
 * outcome (1) | hlc (8) | origin (16) | packed FollowUpDone, the greatest of
 * those 25 leading bytes kept. */
#include "domain/followup.h"
#include "domain/case.h"
#include "domain/civil_date.h"
#include "domain/lww.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_HEAD 25
#define S_PAYLOAD_MAX 4096

int followup_schedule_parse(const char *spec, followup_schedule_t *out,
                            domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    size_t len = spec ? strlen(spec) : 0;
    if (len == 0)
        return domain_fail(err, XY_EMISSING, "schedule", "is empty (e.g. "
                           "1w,1m,3m,6m,12m)");
    if (len > FOLLOWUP_SPEC_MAX)
        return domain_fail(err, XY_ETOOBIG, "schedule", "over %d bytes",
                           FOLLOWUP_SPEC_MAX);
    const char *p = spec;
    uint64_t prev = 0;
    while (*p) {
        char *end = NULL;
        long n = strtol(p, &end, 10);
        char unit = end && end != p ? *end : 0;
        long max = unit == 'd' ? 3650 : unit == 'w' ? 520 : 120;
        if (!end || end == p || (unit != 'd' && unit != 'w' && unit != 'm') ||
            (end[1] != ',' && end[1] != '\0') || n < 1 || n > max)
            return domain_fail(err, XY_EINVAL, "schedule", "entry %zu is not "
                               "a count of days, weeks or months (7d, 1w, "
                               "3m; at most 10 years)", out->n + 1);
        if (out->n == FOLLOWUP_SCHEDULE_MAX)
            return domain_fail(err, XY_ETOOBIG, "schedule", "more than %d "
                               "contacts", FOLLOWUP_SCHEDULE_MAX);
        /* Compare in approximate days: 1m is 28..31 days, never 4w+. */
        uint64_t days = unit == 'd' ? (uint64_t)n * 2
                        : unit == 'w' ? (uint64_t)n * 14 : (uint64_t)n * 61;
        if (days <= prev)
            return domain_fail(err, XY_EINVAL, "schedule", "entry %zu does "
                               "not come after the one before it",
                               out->n + 1);
        prev = days;
        out->at[out->n++] = (followup_offset_t){unit, (int)n};
        p = end[1] == ',' ? end + 2 : end + 1;
        if (end[1] == ',' && !*p)
            return domain_fail(err, XY_EINVAL, "schedule", "ends with a "
                               "comma");
    }
    return 0;
}

void followup_schedule_default(int level, followup_schedule_t *out)
{
    const char *spec = level == XY__TRIAGE_LEVEL__TRIAGE_IMMEDIATE
                           ? "1w,2w,1m,3m,6m,12m"
                       : level == XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK
                           ? "1w,1m,3m,6m,12m"
                           : "1m,3m,6m";
    followup_schedule_parse(spec, out, NULL);
}

int followup_due_times(const followup_schedule_t *s, uint64_t from_ms,
                       uint64_t due[FOLLOWUP_SCHEDULE_MAX])
{
    civil_date_t base;
    int rc = civil_date_from_ms(from_ms, &base);
    for (size_t i = 0; !rc && i < s->n; i++) {
        /* Each offset counts from the base day, so clamping at one month
         * end never shifts the later ones (31 Jan: 29 Feb, 31 Mar...). */
        civil_date_t d = base;
        const followup_offset_t *o = &s->at[i];
        rc = o->unit == 'm' ? civil_date_add_months(&d, o->n)
             : civil_date_add_days(&d, o->unit == 'w' ? 7 * o->n : o->n);
        if (!rc)
            due[i] = civil_date_to_ms(&d);
    }
    return rc;
}

int followup_plan(followup_plan_t *out, const handoff_view_t *h,
                  const followup_schedule_t *s, const char *author)
{
    memset(out, 0, sizeof *out);
    uint64_t due[FOLLOWUP_SCHEDULE_MAX];
    int rc = followup_due_times(s, h->proposed_hlc >> 16, due);
    if (rc)
        return rc;
    memcpy(out->incident_id, h->incident.b, DOMAIN_ID_LEN);
    memcpy(out->person_id, h->person.b, DOMAIN_ID_LEN);
    memcpy(out->service_id, h->service.b, DOMAIN_ID_LEN);
    for (size_t k = 0; k < s->n; k++) {
        uint8_t in[24 + DOMAIN_ID_LEN + 1];
        memcpy(in, "xinyuan follow-up id v1:", 24);
        memcpy(in + 24, h->id.b, DOMAIN_ID_LEN);
        in[24 + DOMAIN_ID_LEN] = (uint8_t)k;
        crypto_generichash(out->ids[k], DOMAIN_ID_LEN, in, sizeof in, NULL,
                           0);
        Xy__FollowUpScheduled *b = &out->sched[k];
        xy__follow_up_scheduled__init(b);
        b->follow_up_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->ids[k]};
        b->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
        b->service_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->service_id};
        b->due_at = due[k];
        Xy__Event *ev = &out->ev[k];
        xy__event__init(ev);
        ev->incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                out->incident_id};
        ev->exercise = h->exercise;
        ev->author = (char *)(author ? author : "");
        ev->body_case = XY__EVENT__BODY_FOLLOW_UP_SCHEDULED;
        ev->follow_up_scheduled = b;
    }
    out->n = s->n;
    return 0;
}

const char *followup_outcome_name(followup_outcome_t o)
{
    static const char *const names[] = {"pending", "missed", "lost", "done"};
    return o <= FOLLOWUP_DONE ? names[o] : "unknown";
}

static int s_outcome_parse(const char *text)
{
    for (int o = FOLLOWUP_MISSED; text && o <= FOLLOWUP_DONE; o++)
        if (strcmp(text, followup_outcome_name((followup_outcome_t)o)) == 0)
            return o;
    return -1;
}

static int s_rescreen(followup_done_event_t *out, const triage_screen_t *s,
                      size_t i, domain_error_t *err)
{
    const screening_instrument_t *in = screening_find(s->instrument);
    if (!in)
        return domain_fail(err, XY_EINVAL, "screen", "unknown instrument "
                           "'%s'", s->instrument ? s->instrument : "");
    for (size_t k = 0; k < i; k++)
        if (strcmp(out->res[k].instrument, screening_name(in)) == 0)
            return domain_fail(err, XY_EINVAL, "screen", "%s given twice",
                               screening_name(in));
    screening_result_t r;
    screening_error_t se = {0};
    int rc = screening_score(in, s->answers, s->n, &r, &se);
    if (rc)
        return domain_fail(err, rc, "screen", "%s: %s", screening_name(in),
                           se.msg);
    Xy__InstrumentResult *ir = &out->res[i];
    xy__instrument_result__init(ir);
    for (size_t k = 0; k < r.n_answers && k < SCREENING_MAX_ITEMS; k++)
        out->answers[i][k] = r.answers[k] == SCREENING_MISSING
                                 ? 0xff : (uint8_t)r.answers[k];
    ir->instrument = (char *)screening_name(in);
    ir->answers = (ProtobufCBinaryData){r.n_answers, out->answers[i]};
    ir->score = (uint32_t)r.score;
    ir->band = (char *)(r.band_en ? r.band_en : "");
    ir->positive = r.positive;
    out->resp[i] = ir;
    return 0;
}

int followup_done(followup_done_event_t *out, const followup_view_t *f,
                  const char *outcome, const triage_screen_t *screens,
                  size_t n, const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int o = s_outcome_parse(outcome);
    if (o < 0)
        return domain_fail(err, XY_EINVAL, "outcome", "'%s' is not one of "
                           "done, missed, lost", outcome ? outcome : "");
    if (n > FOLLOWUP_RESCREEN_MAX)
        return domain_fail(err, XY_ETOOBIG, "screen", "at most %d "
                           "instruments at one contact",
                           FOLLOWUP_RESCREEN_MAX);
    if (n && o != FOLLOWUP_DONE)
        return domain_fail(err, XY_EINVAL, "screen", "re-screening needs a "
                           "contact: use --outcome done");
    if ((int)f->outcome >= o)
        return domain_fail(err, XY_ESTATE, "outcome", "the follow-up is "
                           "already recorded as %s; an outcome only moves "
                           "forward (missed, lost, done)",
                           followup_outcome_name(f->outcome));
    for (size_t i = 0; i < n; i++) {
        int rc = s_rescreen(out, &screens[i], i, err);
        if (rc)
            return rc;
    }
    memcpy(out->incident_id, f->incident.b, DOMAIN_ID_LEN);
    memcpy(out->follow_up_id, f->id.b, DOMAIN_ID_LEN);
    xy__follow_up_done__init(&out->done);
    out->done.follow_up_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                   out->follow_up_id};
    static const Xy__FollowUpOutcome wire[] = {
        XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_UNSPECIFIED,
        XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_MISSED,
        XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_LOST,
        XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_DONE};
    out->done.outcome = wire[o];
    out->done.n_rescreen = n;
    out->done.rescreen = n ? out->resp : NULL;
    xy__event__init(&out->ev);
    out->ev.incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                out->incident_id};
    out->ev.exercise = f->exercise;
    out->ev.author = (char *)(author ? author : "");
    out->ev.body_case = XY__EVENT__BODY_FOLLOW_UP_DONE;
    out->ev.follow_up_done = &out->done;
    return 0;
}

bool followup_overdue(const followup_view_t *f, uint64_t now_ms,
                      uint64_t grace_ms)
{
    return f->outcome == FOLLOWUP_PENDING &&
           now_ms >= f->due_at + CIVIL_DAY_MS + grace_ms;
}

/* ---------------------------------------------------------------- views */

static void s_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t s_rd64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int s_on_scheduled(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__FollowUpScheduled *s = ev->follow_up_scheduled;
    if (s->follow_up_id.len != DOMAIN_ID_LEN ||
        s->person_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t head[LWW_EVENT_HEAD];
    lww_event_head(ev, head);
    int rc = lww_put_msg(vt, m->followups, s->follow_up_id.data,
                         DOMAIN_ID_LEN, ev, head, sizeof head, &s->base);
    uint8_t key[2 * DOMAIN_ID_LEN + 8];
    s_be64(key, s->due_at);
    memcpy(key + 8, s->follow_up_id.data, DOMAIN_ID_LEN);
    if (!rc)
        rc = view_put(vt, m->followup_due, key, 8 + DOMAIN_ID_LEN, "", 0);
    memcpy(key, s->person_id.data, DOMAIN_ID_LEN);
    s_be64(key + DOMAIN_ID_LEN, s->due_at);
    memcpy(key + DOMAIN_ID_LEN + 8, s->follow_up_id.data, DOMAIN_ID_LEN);
    if (!rc)
        rc = view_put(vt, m->followup_person, key, sizeof key, "", 0);
    return rc;
}

static int s_on_done(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__FollowUpDone *d = ev->follow_up_done;
    int rank = d->outcome == XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_DONE ? 3
               : d->outcome == XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_LOST ? 2
               : d->outcome == XY__FOLLOW_UP_OUTCOME__FOLLOW_UP_MISSED ? 1
                                                                     : 0;
    if (d->follow_up_id.len != DOMAIN_ID_LEN || !rank)
        return 0;
    uint8_t val[S_PAYLOAD_MAX];
    size_t n = xy__follow_up_done__get_packed_size(d);
    if (S_HEAD + n > sizeof val)
        return 0;
    val[0] = (uint8_t)rank;
    s_be64(val + 1, ev->hlc);
    memset(val + 9, 0, XY_ID_LEN);
    if (ev->origin.len == XY_ID_LEN)
        memcpy(val + 9, ev->origin.data, XY_ID_LEN);
    xy__follow_up_done__pack(d, val + S_HEAD);
    const void *cur;
    size_t clen;
    int rc = view_get(vt, m->followup_done, d->follow_up_id.data,
                      DOMAIN_ID_LEN, &cur, &clen);
    if (rc == 0 && clen >= S_HEAD && memcmp(cur, val, S_HEAD) >= 0)
        return 0;
    if (rc && rc != XY_ENOENT)
        return rc;
    return view_put(vt, m->followup_done, d->follow_up_id.data, DOMAIN_ID_LEN,
                    val, S_HEAD + n);
}

void followup_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_FOLLOW_UP_SCHEDULED, s_on_scheduled,
                m);
    view_set_on(m->views, XY__EVENT__BODY_FOLLOW_UP_DONE, s_on_done, m);
}

/* ---------------------------------------------------------------- reads */

static int s_read_done(view_txn_t *vt, const domain_model_t *m,
                       followup_view_t *f)
{
    const void *v;
    size_t n;
    int rc = view_get(vt, m->followup_done, f->id.b, DOMAIN_ID_LEN, &v, &n);
    if (rc == XY_ENOENT)
        return 0;
    if (rc)
        return rc;
    const uint8_t *p = v;
    if (n < S_HEAD || p[0] > FOLLOWUP_DONE)
        return XY_ECORRUPT;
    Xy__FollowUpDone *d = xy__follow_up_done__unpack(NULL, n - S_HEAD,
                                                     p + S_HEAD);
    if (!d)
        return XY_ECORRUPT;
    f->outcome = (followup_outcome_t)p[0];
    f->done_hlc = s_rd64(p + 1);
    for (size_t i = 0; i < d->n_rescreen && i < FOLLOWUP_RESCREEN_MAX; i++) {
        snprintf(f->rescreen[i].instrument, SCREENING_NAME_MAX, "%s",
                 d->rescreen[i]->instrument ? d->rescreen[i]->instrument
                                            : "");
        f->rescreen[i].score = (int)d->rescreen[i]->score;
        f->n_rescreen++;
    }
    xy__follow_up_done__free_unpacked(d, NULL);
    return 0;
}

int followup_find(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *id, followup_view_t *out)
{
    const void *v;
    size_t n;
    int rc = view_get(vt, m->followups, id->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    size_t head = LWW_HEADER + 1 + DOMAIN_ID_LEN;
    if (n < head)
        return XY_ECORRUPT;
    const uint8_t *p = v;
    Xy__FollowUpScheduled *s =
        xy__follow_up_scheduled__unpack(NULL, n - head, p + head);
    if (!s)
        return XY_ECORRUPT;
    memset(out, 0, sizeof *out);
    out->id = *id;
    out->exercise = p[LWW_HEADER] != 0;
    memcpy(out->incident.b, p + LWW_HEADER + 1, DOMAIN_ID_LEN);
    memcpy(out->person.b, s->person_id.data, DOMAIN_ID_LEN);
    if (s->service_id.len == DOMAIN_ID_LEN)
        memcpy(out->service.b, s->service_id.data, DOMAIN_ID_LEN);
    out->due_at = s->due_at;
    xy__follow_up_scheduled__free_unpacked(s, NULL);
    return s_read_done(vt, m, out);
}

typedef struct s_each {
    view_txn_t *vt;
    const domain_model_t *m;
    uint64_t before;
    size_t id_at;   /* offset of the id in an index key */
    int (*fn)(const followup_view_t *f, void *arg);
    void *arg;
    followup_view_t f;
} s_each_t;

static int s_visit(const void *key, size_t klen, const void *val, size_t vlen,
                   void *arg)
{
    s_each_t *e = arg;
    (void)val;
    (void)vlen;
    if (klen != e->id_at + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    const uint8_t *k = key;
    uint64_t due = s_rd64(k + e->id_at - 8);
    if (due >= e->before)
        return 1;
    domain_id_t id;
    memcpy(id.b, k + e->id_at, DOMAIN_ID_LEN);
    int rc = followup_find(e->vt, e->m, &id, &e->f);
    if (rc)
        return rc;
    /* A stale index entry: the register's winner has another due time. */
    if (e->f.due_at != due)
        return 0;
    return e->fn(&e->f, e->arg);
}

int followup_each(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *person, uint64_t before_ms,
                  int (*fn)(const followup_view_t *f, void *arg), void *arg)
{
    s_each_t *e = xmalloc(sizeof *e);
    e->vt = vt;
    e->m = m;
    e->before = person ? UINT64_MAX : before_ms;
    e->fn = fn;
    e->arg = arg;
    e->id_at = person ? DOMAIN_ID_LEN + 8 : 8;
    int rc = person ? view_scan(vt, m->followup_person, person->b,
                                DOMAIN_ID_LEN, s_visit, e)
                    : view_scan(vt, m->followup_due, NULL, 0, s_visit, e);
    free(e);
    return rc < 0 ? rc : 0;
}

typedef struct s_list {
    view_txn_t *vt;
    const domain_model_t *m;
    followup_filter_t filter;
    const domain_id_t *service;
    uint64_t now, grace;
    json_t *arr;
} s_list_t;

static int s_list_one(const followup_view_t *f, void *arg)
{
    s_list_t *l = arg;
    bool overdue = followup_overdue(f, l->now, l->grace);
    if ((l->filter == FOLLOWUP_OVERDUE && !overdue) ||
        (l->filter == FOLLOWUP_DUE && f->outcome != FOLLOWUP_PENDING) ||
        (l->service && memcmp(l->service->b, f->service.b, DOMAIN_ID_LEN)))
        return 0;
    case_state_t cs;
    int rc = case_state(l->vt, l->m, &f->person, &cs);
    if (rc || cs.closed)
        return rc;
    json_t *re = json_object();
    for (size_t i = 0; i < f->n_rescreen; i++)
        json_object_set_new(re, f->rescreen[i].instrument,
                            json_integer(f->rescreen[i].score));
    civil_date_t d;
    char due[CIVIL_DATE_TEXT] = "?", ih[DOMAIN_ID_HEX], ph[DOMAIN_ID_HEX],
         sh[DOMAIN_ID_HEX];
    if (civil_date_from_ms(f->due_at, &d) == 0)
        civil_date_format(&d, due);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:o, s:b}", "id",
        domain_id_format(&f->id, ih), "person",
        domain_id_format(&f->person, ph), "service",
        domain_id_format(&f->service, sh), "due", due, "due_at",
        (json_int_t)f->due_at, "outcome", followup_outcome_name(f->outcome),
        "overdue", overdue, "rescreen", re, "exercise", f->exercise);
    if (!o)
        return XY_ECORRUPT;
    json_array_append_new(l->arr, o);
    return 0;
}

json_t *followup_list(view_txn_t *vt, const domain_model_t *m,
                      followup_filter_t filter, const domain_id_t *service,
                      uint64_t now_ms, uint64_t grace_ms)
{
    s_list_t l = {vt, m, filter, service, now_ms, grace_ms, json_array()};
    /* Due and overdue ones are due before now: a range scan of the index
     * stops at the first later entry. */
    uint64_t before = filter == FOLLOWUP_ALL ? UINT64_MAX
                      : now_ms >= UINT64_MAX - 1 ? UINT64_MAX : now_ms + 1;
    if (followup_each(vt, m, NULL, before, s_list_one, &l)) {
        json_decref(l.arr);
        return NULL;
    }
    return l.arr;
}

/* Handoffs (handoff.h). Views: handoffs: id -> LWW [exercise][incident]
 * packed HandoffProposed; handoff_status: id -> status (1) | hlc (8) |
 * origin (16) | by NUL reason, the greatest of those 25 leading bytes kept;
 * handoff_person: person | id -> "" (a grow-only index). */
#include "domain/handoff.h"
#include "domain/case.h"
#include "domain/civil_date.h"
#include "domain/encounter.h"
#include "domain/lww.h"
#include "domain/person.h"
#include "domain/service.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_HEAD 25
#define S_VAL_MAX (S_HEAD + HANDOFF_BY_MAX + 1 + HANDOFF_REASON_MAX)

static void s_envelope(handoff_event_t *out, const domain_id_t *incident,
                       const domain_id_t *id, bool exercise,
                       const char *author)
{
    memcpy(out->handoff_id, id->b, DOMAIN_ID_LEN);
    domain_envelope(&out->ev, out->incident_id, incident, exercise, author);
}

int handoff_propose(handoff_event_t *out, const domain_id_t *id,
                    const handoff_input_t *in, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = domain_text_check(in->summary, HANDOFF_SUMMARY_MAX, true,
                               "summary", err);
    if (rc)
        return rc;
    if (in->level < 0 || in->level > XY__TRIAGE_LEVEL__TRIAGE_LOW_RISK)
        return domain_fail(err, XY_EINVAL, "level", "%d is not a triage "
                           "level", in->level);
    s_envelope(out, in->incident, id, in->exercise, in->author);
    memcpy(out->person_id, in->person->b, DOMAIN_ID_LEN);
    memcpy(out->service_id, in->service->b, DOMAIN_ID_LEN);
    Xy__HandoffProposed *b = &out->proposed;
    xy__handoff_proposed__init(b);
    b->handoff_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->handoff_id};
    b->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
    b->service_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->service_id};
    b->summary = (char *)in->summary;
    b->current_level = (Xy__TriageLevel)in->level;
    b->consent = in->consent;
    out->ev.body_case = XY__EVENT__BODY_HANDOFF_PROPOSED;
    out->ev.handoff_proposed = b;
    return 0;
}

int handoff_answer(handoff_event_t *out, const handoff_view_t *h,
                   bool accept, const char *by, const char *reason,
                   const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (h->status != HANDOFF_PROPOSED)
        return domain_fail(err, XY_ESTATE, "status", "the handoff is "
                           "already %s by %s", handoff_status_name(h->status),
                           h->by[0] ? h->by : "someone");
    int rc = domain_text_check(by, HANDOFF_BY_MAX, true, "by", err);
    if (!rc)
        rc = domain_text_check(reason, HANDOFF_REASON_MAX, !accept,
                               "reason", err);
    if (rc)
        return rc;
    s_envelope(out, &h->incident, &h->id, h->exercise, author);
    ProtobufCBinaryData hid = {DOMAIN_ID_LEN, out->handoff_id};
    if (accept) {
        xy__handoff_accepted__init(&out->accepted);
        out->accepted.handoff_id = hid;
        out->accepted.by_name = (char *)by;
        out->ev.body_case = XY__EVENT__BODY_HANDOFF_ACCEPTED;
        out->ev.handoff_accepted = &out->accepted;
    } else {
        xy__handoff_declined__init(&out->declined);
        out->declined.handoff_id = hid;
        out->declined.by_name = (char *)by;
        out->declined.reason = (char *)reason;
        out->ev.body_case = XY__EVENT__BODY_HANDOFF_DECLINED;
        out->ev.handoff_declined = &out->declined;
    }
    return 0;
}

const char *handoff_status_name(handoff_status_t s)
{
    return s == HANDOFF_ACCEPTED ? "accepted"
           : s == HANDOFF_DECLINED ? "declined" : "proposed";
}

/* ---------------------------------------------------------------- views */

static int s_on_proposed(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__HandoffProposed *p = ev->handoff_proposed;
    if (p->handoff_id.len != DOMAIN_ID_LEN || p->person_id.len !=
        DOMAIN_ID_LEN || p->service_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t head[LWW_EVENT_HEAD];
    lww_event_head(ev, head);
    int rc = lww_put_msg(vt, m->handoffs, p->handoff_id.data, DOMAIN_ID_LEN,
                         ev, head, sizeof head, &p->base);
    if (rc)
        return rc;
    uint8_t key[2 * DOMAIN_ID_LEN];
    memcpy(key, p->person_id.data, DOMAIN_ID_LEN);
    memcpy(key + DOMAIN_ID_LEN, p->handoff_id.data, DOMAIN_ID_LEN);
    return view_put(vt, m->handoff_person, key, sizeof key, "", 0);
}

/* Keeps the greatest (status, hlc, origin) answer under id. */
static int s_answer(view_txn_t *vt, const domain_model_t *m,
                    const Xy__Event *ev, const ProtobufCBinaryData *id,
                    handoff_status_t st, const char *by, const char *reason)
{
    size_t nb = by ? strlen(by) : 0, nr = reason ? strlen(reason) : 0;
    if (id->len != DOMAIN_ID_LEN || nb > HANDOFF_BY_MAX ||
        nr > HANDOFF_REASON_MAX)
        return 0;
    uint8_t val[S_VAL_MAX];
    val[0] = (uint8_t)st;
    uint64_t h = ev->hlc;
    for (int i = 8; i >= 1; i--, h >>= 8)
        val[i] = (uint8_t)h;
    memset(val + 9, 0, XY_ID_LEN);
    if (ev->origin.len == XY_ID_LEN)
        memcpy(val + 9, ev->origin.data, XY_ID_LEN);
    memcpy(val + S_HEAD, by ? by : "", nb);
    val[S_HEAD + nb] = '\0';
    memcpy(val + S_HEAD + nb + 1, reason ? reason : "", nr);
    const void *cur;
    size_t clen;
    int rc = view_get(vt, m->handoff_status, id->data, DOMAIN_ID_LEN, &cur,
                      &clen);
    if (rc == 0 && clen >= S_HEAD && memcmp(cur, val, S_HEAD) >= 0)
        return 0;
    if (rc && rc != XY_ENOENT)
        return rc;
    return view_put(vt, m->handoff_status, id->data, DOMAIN_ID_LEN, val,
                    S_HEAD + nb + 1 + nr);
}

static int s_on_accepted(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const Xy__HandoffAccepted *a = ev->handoff_accepted;
    return s_answer(vt, arg, ev, &a->handoff_id, HANDOFF_ACCEPTED,
                    a->by_name, NULL);
}

static int s_on_declined(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const Xy__HandoffDeclined *d = ev->handoff_declined;
    return s_answer(vt, arg, ev, &d->handoff_id, HANDOFF_DECLINED,
                    d->by_name, d->reason);
}

void handoff_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_HANDOFF_PROPOSED, s_on_proposed, m);
    view_set_on(m->views, XY__EVENT__BODY_HANDOFF_ACCEPTED, s_on_accepted, m);
    view_set_on(m->views, XY__EVENT__BODY_HANDOFF_DECLINED, s_on_declined, m);
}

/* ---------------------------------------------------------------- reads */

static void s_read_status(view_txn_t *vt, const domain_model_t *m,
                          handoff_view_t *h)
{
    const void *v;
    size_t n;
    h->status = HANDOFF_PROPOSED;
    if (view_get(vt, m->handoff_status, h->id.b, DOMAIN_ID_LEN, &v, &n) ||
        n < S_HEAD + 1)
        return;
    const char *p = (const char *)v + S_HEAD, *end = (const char *)v + n;
    h->status = ((const uint8_t *)v)[0] == HANDOFF_ACCEPTED
                    ? HANDOFF_ACCEPTED : HANDOFF_DECLINED;
    size_t nb = strnlen(p, (size_t)(end - p));
    snprintf(h->by, sizeof h->by, "%.*s", (int)nb, p);
    if (p + nb < end)
        snprintf(h->reason, sizeof h->reason, "%.*s",
                 (int)(end - p - nb - 1), p + nb + 1);
}

static int s_decode(view_txn_t *vt, const domain_model_t *m, const void *key,
                    const void *val, size_t vlen, handoff_view_t *h)
{
    size_t head = LWW_HEADER + 1 + DOMAIN_ID_LEN;
    if (vlen < head)
        return XY_ECORRUPT;
    const uint8_t *p = val;
    Xy__HandoffProposed *r =
        xy__handoff_proposed__unpack(NULL, vlen - head, p + head);
    if (!r)
        return XY_ECORRUPT;
    memset(h, 0, sizeof *h);
    memcpy(h->id.b, key, DOMAIN_ID_LEN);
    for (int i = 0; i < 8; i++)
        h->proposed_hlc = h->proposed_hlc << 8 | p[i];
    h->exercise = p[LWW_HEADER] != 0;
    memcpy(h->incident.b, p + LWW_HEADER + 1, DOMAIN_ID_LEN);
    memcpy(h->person.b, r->person_id.data, DOMAIN_ID_LEN);
    memcpy(h->service.b, r->service_id.data, DOMAIN_ID_LEN);
    h->level = r->current_level;
    h->consent = r->consent;
    snprintf(h->summary, sizeof h->summary, "%s", r->summary ? r->summary
                                                             : "");
    xy__handoff_proposed__free_unpacked(r, NULL);
    s_read_status(vt, m, h);
    return 0;
}

int handoff_find(view_txn_t *vt, const domain_model_t *m,
                 const domain_id_t *id, handoff_view_t *out)
{
    const void *v;
    size_t n;
    int rc = view_get(vt, m->handoffs, id->b, DOMAIN_ID_LEN, &v, &n);
    return rc ? rc : s_decode(vt, m, id->b, v, n, out);
}

typedef struct s_each {
    view_txn_t *vt;
    const domain_model_t *m;
    int (*fn)(const handoff_view_t *h, void *arg);
    void *arg;
    handoff_view_t h;
} s_each_t;

static int s_visit_all(const void *key, size_t klen, const void *val,
                       size_t vlen, void *arg)
{
    s_each_t *e = arg;
    if (klen != DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    int rc = s_decode(e->vt, e->m, key, val, vlen, &e->h);
    return rc ? rc : e->fn(&e->h, e->arg);
}

static int s_visit_person(const void *key, size_t klen, const void *val,
                          size_t vlen, void *arg)
{
    s_each_t *e = arg;
    (void)val;
    (void)vlen;
    if (klen != 2 * DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    domain_id_t id;
    memcpy(id.b, (const uint8_t *)key + DOMAIN_ID_LEN, DOMAIN_ID_LEN);
    int rc = handoff_find(e->vt, e->m, &id, &e->h);
    return rc ? rc : e->fn(&e->h, e->arg);
}

int handoff_each(view_txn_t *vt, const domain_model_t *m,
                 const domain_id_t *person,
                 int (*fn)(const handoff_view_t *h, void *arg), void *arg)
{
    s_each_t *e = xmalloc(sizeof *e);
    e->vt = vt;
    e->m = m;
    e->fn = fn;
    e->arg = arg;
    int rc = person ? view_scan(vt, m->handoff_person, person->b,
                                DOMAIN_ID_LEN, s_visit_person, e)
                    : view_scan(vt, m->handoffs, NULL, 0, s_visit_all, e);
    free(e);
    return rc < 0 ? rc : 0;
}

static int s_active(const handoff_view_t *h, void *arg)
{
    if (h->status == HANDOFF_DECLINED)
        return 0;
    *(bool *)arg = true;
    return 1;
}

int handoff_active(view_txn_t *vt, const domain_model_t *m,
                   const domain_id_t *person, bool *active)
{
    *active = false;
    return handoff_each(vt, m, person, s_active, active);
}

int handoff_summary(view_txn_t *vt, const domain_model_t *m,
                    const domain_id_t *person, const char *prefs,
                    bool consent, char *buf, size_t len)
{
    static const char *const levels[] = {"untriaged", "immediate",
                                         "high_risk", "low_risk"};
    const void *v;
    size_t n, encounters = 0;
    int level = 0;
    if (lww_get(vt, m->triage_latest, person->b, DOMAIN_ID_LEN, &v, &n) == 0
        && n >= 1 && ((const uint8_t *)v)[0] < 4)
        level = ((const uint8_t *)v)[0];
    case_state_t cs;
    int rc = case_state(vt, m, person, &cs);
    if (!rc)
        rc = encounter_count(vt, m, person, &encounters);
    if (rc)
        return rc;
    char flag[CIVIL_DATE_TEXT + 8] = "none";
    civil_date_t d;
    if (cs.last_flag_hlc &&
        civil_date_from_ms(cs.last_flag_hlc >> 16, &d) == 0)
        civil_date_format(&d, flag);
    snprintf(buf, len, "current risk: %s; last red flag: %s; encounters: "
             "%zu; preferences: %.*s; consent: %s", levels[level], flag,
             encounters, HANDOFF_PREFS_MAX, prefs && *prefs ? prefs : "none",
             consent ? "given" : "to be confirmed at first contact");
    return 0;
}

typedef struct s_list {
    bool pending_only;
    const domain_id_t *service;
    json_t *arr;
} s_list_t;

static int s_list_one(const handoff_view_t *h, void *arg)
{
    s_list_t *l = arg;
    if ((l->pending_only && h->status != HANDOFF_PROPOSED) ||
        (l->service && memcmp(l->service->b, h->service.b, DOMAIN_ID_LEN)))
        return 0;
    static const char *const levels[] = {"untriaged", "immediate",
                                         "high_risk", "low_risk"};
    char ih[DOMAIN_ID_HEX], ph[DOMAIN_ID_HEX], sh[DOMAIN_ID_HEX];
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:b}", "id",
        domain_id_format(&h->id, ih), "person",
        domain_id_format(&h->person, ph), "service",
        domain_id_format(&h->service, sh), "level",
        levels[h->level >= 0 && h->level < 4 ? h->level : 0], "consent",
        h->consent, "status", handoff_status_name(h->status), "by", h->by,
        "reason", h->reason, "summary", h->summary, "exercise", h->exercise);
    if (!o)
        return XY_ECORRUPT;
    json_array_append_new(l->arr, o);
    return 0;
}

json_t *handoff_list(view_txn_t *vt, const domain_model_t *m,
                     bool pending_only, const domain_id_t *service)
{
    s_list_t l = {pending_only, service, json_array()};
    if (handoff_each(vt, m, NULL, s_list_one, &l)) {
        json_decref(l.arr);
        return NULL;
    }
    return l.arr;
}

int handoff_context_read(view_txn_t *vt, const domain_model_t *m,
                         handoff_context_t *c)
{
    int rc = person_find(vt, m, &c->person, &c->incident, &c->vulnerability,
                         &c->exercise);
    if (rc)
        return rc;
    service_t *s = xmalloc(sizeof *s);
    c->have_service = service_find(vt, m, &c->service, s) == 0;
    free(s);
    const void *v;
    size_t n;
    c->level = 0;
    if (lww_get(vt, m->triage_latest, c->person.b, DOMAIN_ID_LEN, &v, &n) ==
            0 && n >= 1 && ((const uint8_t *)v)[0] < 4)
        c->level = ((const uint8_t *)v)[0];
    rc = handoff_active(vt, m, &c->person, &c->active);
    if (!rc)
        rc = handoff_summary(vt, m, &c->person, c->prefs, c->consent,
                             c->summary, sizeof c->summary);
    return rc;
}

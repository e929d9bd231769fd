/* Views and reducers of the crisis-intervention model (model.h). Payloads
 * are packed protobuf messages (protobuf-c packs fields in number order, so
 * equal messages give equal bytes) behind a few fixed bytes. */
#include "domain/model.h"
#include "domain/lww.h"
#include "domain/assessment.h"
#include "domain/audit.h"
#include "domain/dispatch_model.h"
#include "domain/exercise.h"
#include "domain/followup_model.h"
#include "domain/people_model.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <string.h>

#define S_PAYLOAD_MAX 4096
#define S_SITE_MAX 200

/* Packs msg behind `head` fixed bytes into buf; returns the length or 0 when
 * it does not fit. */
static size_t s_pack_behind(uint8_t *buf, size_t cap, const uint8_t *head,
                            size_t hlen, const ProtobufCMessage *msg)
{
    size_t n = msg ? protobuf_c_message_get_packed_size(msg) : 0;
    if (hlen + n > cap)
        return 0;
    if (hlen)
        memcpy(buf, head, hlen);
    if (msg)
        protobuf_c_message_pack(msg, buf + hlen);
    return hlen + n;
}

static void s_incident_of(const Xy__Event *ev, uint8_t out[XY_ID_LEN])
{
    memset(out, 0, XY_ID_LEN);
    if (ev->incident_id.len == XY_ID_LEN)
        memcpy(out, ev->incident_id.data, XY_ID_LEN);
}

static int s_on_incident_declared(view_txn_t *vt, const Xy__Event *ev,
                                  void *arg)
{
    const domain_model_t *m = arg;
    if (ev->incident_id.len != XY_ID_LEN)
        return 0;
    uint8_t buf[S_PAYLOAD_MAX], head = ev->exercise ? 1 : 0;
    size_t n = s_pack_behind(buf, sizeof buf, &head, 1,
                             &ev->incident_declared->base);
    if (!n)
        return 0;
    int rc = lww_put(vt, m->incidents, ev->incident_id.data, XY_ID_LEN, ev,
                     buf, n, NULL, NULL, NULL);
    if (rc)
        return rc;
    /* The declared level is the first value of the level register. */
    uint8_t level = (uint8_t)ev->incident_declared->level;
    return lww_put(vt, m->incident_levels, ev->incident_id.data, XY_ID_LEN,
                   ev, &level, 1, NULL, NULL, NULL);
}

static int s_on_incident_level(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    if (ev->incident_id.len != XY_ID_LEN)
        return 0;
    uint8_t level = (uint8_t)ev->incident_level_set->level;
    return lww_put(vt, m->incident_levels, ev->incident_id.data, XY_ID_LEN,
                   ev, &level, 1, NULL, NULL, NULL);
}

/* Moves a person's count from the site they were at to the site of the
 * place that won the register. Site count keys: incident(16) | site. */
static int s_site_count(view_txn_t *vt, const domain_model_t *m,
                        const uint8_t *payload, size_t plen, int64_t delta)
{
    if (plen < XY_ID_LEN)
        return 0;
    Xy__Place *p = xy__place__unpack(NULL, plen - XY_ID_LEN,
                                     payload + XY_ID_LEN);
    if (!p)
        return 0;
    uint8_t key[XY_ID_LEN + S_SITE_MAX];
    size_t slen = p->site ? strlen(p->site) : 0;
    if (slen > S_SITE_MAX)
        slen = S_SITE_MAX;
    memcpy(key, payload, XY_ID_LEN);
    if (slen)
        memcpy(key + XY_ID_LEN, p->site, slen);
    xy__place__free_unpacked(p, NULL);
    return view_count_add(vt, m->site_counts, key, XY_ID_LEN + slen, delta);
}

static int s_place_put(view_txn_t *vt, const domain_model_t *m,
                       const Xy__Event *ev, const uint8_t *person,
                       const Xy__Place *place)
{
    uint8_t buf[S_PAYLOAD_MAX], inc[XY_ID_LEN];
    s_incident_of(ev, inc);
    Xy__Place empty = XY__PLACE__INIT;
    size_t n = s_pack_behind(buf, sizeof buf, inc, XY_ID_LEN,
                             place ? &place->base : &empty.base);
    if (!n)
        return 0;
    bool won = false;
    uint8_t prev[S_PAYLOAD_MAX];
    size_t prev_len = sizeof prev;
    int rc = lww_put(vt, m->person_places, person, XY_ID_LEN, ev, buf, n,
                     &won, prev, &prev_len);
    if (rc || !won)
        return rc;
    if (prev_len > 0 && prev_len <= sizeof prev)
        rc = s_site_count(vt, m, prev, prev_len, -1);
    if (!rc)
        rc = s_site_count(vt, m, buf, n, +1);
    return rc;
}

static int s_on_person_registered(view_txn_t *vt, const Xy__Event *ev,
                                  void *arg)
{
    const domain_model_t *m = arg;
    const Xy__PersonRegistered *pr = ev->person_registered;
    if (pr->person_id.len != XY_ID_LEN)
        return 0;
    uint8_t head[1 + XY_ID_LEN], buf[S_PAYLOAD_MAX];
    head[0] = ev->exercise ? 1 : 0;
    s_incident_of(ev, head + 1);
    size_t n = s_pack_behind(buf, sizeof buf, head, sizeof head, &pr->base);
    if (!n)
        return 0;
    int rc = lww_put(vt, m->persons, pr->person_id.data, XY_ID_LEN, ev, buf,
                     n, NULL, NULL, NULL);
    if (!rc)
        rc = s_place_put(vt, m, ev, pr->person_id.data, pr->place);
    return rc;
}

static int s_on_person_moved(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const Xy__PersonMoved *pm = ev->person_moved;
    if (pm->person_id.len != XY_ID_LEN)
        return 0;
    return s_place_put(vt, arg, ev, pm->person_id.data, pm->place);
}

/* The latest triage of a person wins (hlc, origin); the per-level counts
 * follow the winner, as site counts follow the place register. */
static int s_on_triage(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__TriageRecorded *t = ev->triage_recorded;
    if (t->person_id.len != XY_ID_LEN || t->draft)
        return 0;
    uint8_t val[1 + XY_ID_LEN], prev[1 + XY_ID_LEN];
    val[0] = (uint8_t)t->level;
    s_incident_of(ev, val + 1);
    bool won = false;
    size_t prev_len = sizeof prev;
    int rc = lww_put(vt, m->triage_latest, t->person_id.data, XY_ID_LEN, ev,
                     val, sizeof val, &won, prev, &prev_len);
    if (rc || !won)
        return rc;
    uint8_t key[XY_ID_LEN + 1];
    if (prev_len == sizeof prev) {
        memcpy(key, prev + 1, XY_ID_LEN);
        key[XY_ID_LEN] = prev[0];
        rc = view_count_add(vt, m->triage_counts, key, sizeof key, -1);
        if (rc)
            return rc;
    }
    memcpy(key, val + 1, XY_ID_LEN);
    key[XY_ID_LEN] = val[0];
    return view_count_add(vt, m->triage_counts, key, sizeof key, +1);
}

static int s_on_flag_raised(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__RedFlagRaised *f = ev->red_flag_raised;
    if (f->flag_id.len != XY_ID_LEN)
        return 0;
    uint8_t head[1 + XY_ID_LEN], buf[S_PAYLOAD_MAX];
    head[0] = ev->exercise ? 1 : 0;
    s_incident_of(ev, head + 1);
    size_t n = s_pack_behind(buf, sizeof buf, head, sizeof head, &f->base);
    if (!n)
        return 0;
    return lww_put(vt, m->red_flags, f->flag_id.data, XY_ID_LEN, ev, buf, n,
                   NULL, NULL, NULL);
}

static int s_on_flag_acked(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__RedFlagAcknowledged *a = ev->red_flag_acknowledged;
    if (a->flag_id.len != XY_ID_LEN)
        return 0;
    uint8_t buf[S_PAYLOAD_MAX];
    size_t n = s_pack_behind(buf, sizeof buf, NULL, 0, &a->base);
    if (!n)
        return 0;
    return lww_put(vt, m->red_flag_acks, a->flag_id.data, XY_ID_LEN, ev, buf,
                   n, NULL, NULL, NULL);
}

domain_model_t *domain_model_new(void)
{
    domain_model_t *m = xcalloc(1, sizeof *m);
    m->views = view_set_new();
    view_set_version(m->views, DOMAIN_VIEWS_VERSION);
    m->incidents = view_set_add(m->views, "incidents");
    m->incident_levels = view_set_add(m->views, "incident_levels");
    m->persons = view_set_add(m->views, "persons");
    m->person_places = view_set_add(m->views, "person_places");
    m->site_counts = view_set_add(m->views, "site_counts");
    m->triage_latest = view_set_add(m->views, "triage_latest");
    m->triage_counts = view_set_add(m->views, "triage_counts");
    m->red_flags = view_set_add(m->views, "red_flags");
    m->red_flag_acks = view_set_add(m->views, "red_flag_acks");
    static const struct {
        uint32_t type;
        view_reducer_fn fn;
    } reducers[] = {
        {XY__EVENT__BODY_INCIDENT_DECLARED, s_on_incident_declared},
        {XY__EVENT__BODY_INCIDENT_LEVEL_SET, s_on_incident_level},
        {XY__EVENT__BODY_PERSON_REGISTERED, s_on_person_registered},
        {XY__EVENT__BODY_PERSON_MOVED, s_on_person_moved},
        {XY__EVENT__BODY_TRIAGE_RECORDED, s_on_triage},
        {XY__EVENT__BODY_RED_FLAG_RAISED, s_on_flag_raised},
        {XY__EVENT__BODY_RED_FLAG_ACKNOWLEDGED, s_on_flag_acked},
    };
    for (size_t i = 0; i < sizeof reducers / sizeof reducers[0]; i++)
        view_set_on(m->views, reducers[i].type, reducers[i].fn, m);
    assessment_model_register(m);
    people_model_register(m);
    dispatch_model_register(m);
    followup_model_register(m);
    audit_model_register(m);
    exercise_model_register(m);
    return m;
}

void domain_model_destroy(domain_model_t **m)
{
    if (!m || !*m)
        return;
    view_set_destroy(&(*m)->views);
    free(*m);
    *m = NULL;
}

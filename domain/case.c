/* Case closure and zone phases (case.h). Views: cases_closed: person ->
 * LWW reason; case_activity: person -> the greatest hlc (8) | origin (16)
 * of the person's red flags and reopenings; zone_phases: zone -> LWW
 * [phase][incident]. */
#include "domain/case.h"
#include "domain/lww.h"
#include "common/xy_error.h"

#include <stdio.h>
#include <string.h>

static const char *const s_reasons[] = {"recovered", "referred_on",
                                        "declined",  "moved",
                                        "lost",      "deceased",
                                        "other"};

bool case_reason_known(const char *code)
{
    for (size_t i = 0; code && i < sizeof s_reasons / sizeof *s_reasons; i++)
        if (strcmp(code, s_reasons[i]) == 0)
            return true;
    return false;
}

static void s_envelope(case_event_t *out, const domain_id_t *subject,
                       const domain_id_t *incident, bool exercise,
                       const char *author)
{
    memset(out, 0, sizeof *out);
    memcpy(out->subject_id, subject->b, DOMAIN_ID_LEN);
    domain_envelope(&out->ev, out->incident_id, incident, exercise, author);
}

static int s_note(const char *note, domain_error_t *err)
{
    size_t n = note ? strlen(note) : 0;
    if (n > CASE_NOTE_MAX)
        return domain_fail(err, XY_ETOOBIG, "note", "%zu bytes is over the "
                           "maximum of %d", n, CASE_NOTE_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)note[i] < 0x20)
            return domain_fail(err, XY_EINVAL, "note", "control character "
                               "at byte %zu", i + 1);
    return 0;
}

int case_close(case_event_t *out, const domain_id_t *person,
               const domain_id_t *incident, const case_state_t *st,
               const char *code, const char *note, bool exercise,
               const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!case_reason_known(code))
        return domain_fail(err, XY_EINVAL, "reason", "'%s' is not one of "
                           "recovered, referred_on, declined, moved, lost, "
                           "deceased, other", code ? code : "");
    int rc = s_note(note, err);
    if (rc)
        return rc;
    if (st->closed)
        return domain_fail(err, XY_ESTATE, "person", "the case is already "
                           "closed (%s)", st->reason);
    s_envelope(out, person, incident, exercise, author);
    snprintf(out->reason, sizeof out->reason, "%s%s%s", code,
             note && *note ? ": " : "", note ? note : "");
    xy__case_closed__init(&out->closed);
    out->closed.person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                  out->subject_id};
    out->closed.reason = out->reason;
    out->ev.body_case = XY__EVENT__BODY_CASE_CLOSED;
    out->ev.case_closed = &out->closed;
    return 0;
}

int case_reopen(case_event_t *out, const domain_id_t *person,
                const domain_id_t *incident, const case_state_t *st,
                const char *why, bool exercise, const char *author,
                domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = s_note(why, err);
    if (rc)
        return rc;
    if (!why || !*why)
        return domain_fail(err, XY_EMISSING, "reason", "say why the case "
                           "is reopened");
    if (!st->closed)
        return domain_fail(err, XY_ESTATE, "person", "the case is open");
    s_envelope(out, person, incident, exercise, author);
    snprintf(out->reason, sizeof out->reason, "%s", why);
    xy__case_reopened__init(&out->reopened);
    out->reopened.person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                    out->subject_id};
    out->reopened.reason = out->reason;
    out->ev.body_case = XY__EVENT__BODY_CASE_REOPENED;
    out->ev.case_reopened = &out->reopened;
    return 0;
}

void case_zone_phase(case_event_t *out, const domain_id_t *zone,
                     const domain_id_t *incident, int phase, bool exercise,
                     const char *author)
{
    s_envelope(out, zone, incident, exercise, author);
    xy__zone_phase_changed__init(&out->phase);
    out->phase.zone_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                               out->subject_id};
    out->phase.phase = (Xy__Phase)phase;
    out->ev.body_case = XY__EVENT__BODY_ZONE_PHASE_CHANGED;
    out->ev.zone_phase_changed = &out->phase;
}

/* ---------------------------------------------------------------- views */

static int s_on_closed(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__CaseClosed *c = ev->case_closed;
    size_t n = c->reason ? strlen(c->reason) : 0;
    if (c->person_id.len != DOMAIN_ID_LEN || n > CASE_REASON_MAX)
        return 0;
    return lww_put(vt, m->cases_closed, c->person_id.data, DOMAIN_ID_LEN, ev,
                   c->reason ? c->reason : "", n, NULL, NULL, NULL);
}

/* Keeps the greatest (hlc, origin) of a reopening trigger for person. */
static int s_activity(view_txn_t *vt, const domain_model_t *m,
                      const Xy__Event *ev, const ProtobufCBinaryData *person)
{
    if (person->len != DOMAIN_ID_LEN)
        return 0;
    uint8_t val[LWW_HEADER];
    uint64_t h = ev->hlc;
    for (int i = 7; i >= 0; i--, h >>= 8)
        val[i] = (uint8_t)h;
    memset(val + 8, 0, XY_ID_LEN);
    if (ev->origin.len == XY_ID_LEN)
        memcpy(val + 8, ev->origin.data, XY_ID_LEN);
    const void *cur;
    size_t clen;
    int rc = view_get(vt, m->case_activity, person->data, DOMAIN_ID_LEN,
                      &cur, &clen);
    if (rc == 0 && clen == sizeof val && memcmp(cur, val, sizeof val) >= 0)
        return 0;
    if (rc && rc != XY_ENOENT)
        return rc;
    return view_put(vt, m->case_activity, person->data, DOMAIN_ID_LEN, val,
                    sizeof val);
}

static int s_on_flag(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    return s_activity(vt, arg, ev, &ev->red_flag_raised->person_id);
}

static int s_on_reopened(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    return s_activity(vt, arg, ev, &ev->case_reopened->person_id);
}

static int s_on_phase(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__ZonePhaseChanged *z = ev->zone_phase_changed;
    if (z->zone_id.len != DOMAIN_ID_LEN || z->phase > 255)
        return 0;
    uint8_t val[1 + DOMAIN_ID_LEN] = {(uint8_t)z->phase};
    if (ev->incident_id.len == DOMAIN_ID_LEN)
        memcpy(val + 1, ev->incident_id.data, DOMAIN_ID_LEN);
    return lww_put(vt, m->zone_phases, z->zone_id.data, DOMAIN_ID_LEN, ev,
                   val, sizeof val, NULL, NULL, NULL);
}

void case_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_CASE_CLOSED, s_on_closed, m);
    view_set_on(m->views, XY__EVENT__BODY_CASE_REOPENED, s_on_reopened, m);
    view_set_on(m->views, XY__EVENT__BODY_RED_FLAG_RAISED, s_on_flag, m);
    view_set_on(m->views, XY__EVENT__BODY_ZONE_PHASE_CHANGED, s_on_phase, m);
}

int case_state(view_txn_t *vt, const domain_model_t *m,
               const domain_id_t *person, case_state_t *out)
{
    memset(out, 0, sizeof *out);
    const void *cv, *av;
    size_t cn, an;
    int rc = view_get(vt, m->cases_closed, person->b, DOMAIN_ID_LEN, &cv,
                      &cn);
    if (rc && rc != XY_ENOENT)
        return rc;
    bool has_close = rc == 0 && cn >= LWW_HEADER;
    rc = view_get(vt, m->case_activity, person->b, DOMAIN_ID_LEN, &av, &an);
    if (rc && rc != XY_ENOENT)
        return rc;
    bool has_act = rc == 0 && an == LWW_HEADER;
    for (int i = 0; has_act && i < 8; i++)
        out->last_flag_hlc = out->last_flag_hlc << 8 |
                             ((const uint8_t *)av)[i];
    if (!has_close)
        return 0;
    for (int i = 0; i < 8; i++)
        out->closed_hlc = out->closed_hlc << 8 | ((const uint8_t *)cv)[i];
    snprintf(out->reason, sizeof out->reason, "%.*s",
             (int)(cn - LWW_HEADER), (const char *)cv + LWW_HEADER);
    /* Both stored values start with hlc | origin: one memcmp orders them. */
    out->reopened = has_act && memcmp(av, cv, LWW_HEADER) > 0;
    out->closed = !out->reopened;
    return 0;
}

int case_zone_phase_get(view_txn_t *vt, const domain_model_t *m,
                        const domain_id_t *zone)
{
    const void *v;
    size_t n;
    if (lww_get(vt, m->zone_phases, zone->b, DOMAIN_ID_LEN, &v, &n) || n < 1)
        return XY__PHASE__PHASE_UNSPECIFIED;
    return ((const uint8_t *)v)[0];
}

/* Referrals (referral.h). Views: referrals: id -> LWW [exercise][incident]
 * ReferralMade; referral_status: id -> status (1) | hlc (8) | origin (16) |
 * note, the greatest of those 25 leading bytes kept. */
#include "domain/referral.h"
#include "domain/lww.h"
#include "common/xy_error.h"

#include <string.h>

#define S_HEAD 25
#define S_VAL_MAX (S_HEAD + REFERRAL_NOTE_MAX)

static void s_envelope(referral_event_t *out, const domain_id_t *incident,
                       bool exercise, const char *author)
{
    domain_envelope(&out->ev, out->incident_id, incident, exercise, author);
}

int referral_make(referral_event_t *out, const domain_id_t *id,
                  const referral_input_t *in, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = domain_text_check(in->facility, REFERRAL_FACILITY_MAX, true, "facility",
                    err);
    if (!rc)
        rc = domain_text_check(in->reason, REFERRAL_REASON_MAX, true, "reason", err);
    if (rc)
        return rc;
    int urg = 0;
    if (!in->urgency || domain_enum_parse(&xy__urgency__descriptor,
                                          "URGENCY_", in->urgency, &urg))
        return domain_fail(err, XY_EINVAL, "urgency", "'%s' is not one of "
                           "emergency, urgent, routine",
                           in->urgency ? in->urgency : "");
    s_envelope(out, in->incident, in->exercise, in->author);
    memcpy(out->referral_id, id->b, DOMAIN_ID_LEN);
    memcpy(out->person_id, in->person->b, DOMAIN_ID_LEN);
    Xy__ReferralMade *b = &out->made;
    xy__referral_made__init(b);
    b->referral_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->referral_id};
    b->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
    b->facility = (char *)in->facility;
    b->reason = (char *)in->reason;
    b->urgency = (Xy__Urgency)urg;
    out->ev.body_case = XY__EVENT__BODY_REFERRAL_MADE;
    out->ev.referral_made = b;
    return 0;
}

int referral_update(referral_event_t *out, const domain_id_t *id,
                    const domain_id_t *incident, int current,
                    const char *status, const char *note, bool exercise,
                    const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int st = 0;
    if (!status || domain_enum_parse(&xy__referral_status__descriptor,
                                     "REFERRAL_", status, &st) ||
        st == XY__REFERRAL_STATUS__REFERRAL_SENT)
        return domain_fail(err, XY_EINVAL, "status", "'%s' is not one of "
                           "received, seen, closed", status ? status : "");
    if (st <= current) {
        char cur[32];
        return domain_fail(err, XY_ESTATE, "status", "the referral is "
                           "already %s; its status only moves forward "
                           "(sent, received, seen, closed)",
                           domain_enum_name(&xy__referral_status__descriptor,
                                            "REFERRAL_", current, cur,
                                            sizeof cur));
    }
    int rc = domain_text_check(note, REFERRAL_NOTE_MAX, false, "note", err);
    if (rc)
        return rc;
    s_envelope(out, incident, exercise, author);
    memcpy(out->referral_id, id->b, DOMAIN_ID_LEN);
    Xy__ReferralUpdated *b = &out->updated;
    xy__referral_updated__init(b);
    b->referral_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->referral_id};
    b->status = (Xy__ReferralStatus)st;
    b->note = (char *)(note ? note : "");
    out->ev.body_case = XY__EVENT__BODY_REFERRAL_UPDATED;
    out->ev.referral_updated = b;
    return 0;
}

static int s_on_made(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__ReferralMade *r = ev->referral_made;
    if (r->referral_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t head[LWW_EVENT_HEAD];
    lww_event_head(ev, head);
    return lww_put_msg(vt, m->referrals, r->referral_id.data, DOMAIN_ID_LEN,
                       ev, head, sizeof head, &r->base);
}

static int s_on_updated(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__ReferralUpdated *u = ev->referral_updated;
    size_t nl = u->note ? strlen(u->note) : 0;
    if (u->referral_id.len != DOMAIN_ID_LEN || nl > REFERRAL_NOTE_MAX ||
        u->status > 255)
        return 0;
    uint8_t val[S_VAL_MAX];
    val[0] = (uint8_t)u->status;
    uint64_t h = ev->hlc;
    for (int i = 8; i >= 1; i--, h >>= 8)
        val[i] = (uint8_t)h;
    memset(val + 9, 0, XY_ID_LEN);
    if (ev->origin.len == XY_ID_LEN)
        memcpy(val + 9, ev->origin.data, XY_ID_LEN);
    memcpy(val + S_HEAD, u->note ? u->note : "", nl);
    const void *cur;
    size_t clen;
    int rc = view_get(vt, m->referral_status, u->referral_id.data,
                      DOMAIN_ID_LEN, &cur, &clen);
    if (rc == 0 && clen >= S_HEAD && memcmp(cur, val, S_HEAD) >= 0)
        return 0;
    if (rc && rc != XY_ENOENT)
        return rc;
    return view_put(vt, m->referral_status, u->referral_id.data,
                    DOMAIN_ID_LEN, val, S_HEAD + nl);
}

void referral_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_REFERRAL_MADE, s_on_made, m);
    view_set_on(m->views, XY__EVENT__BODY_REFERRAL_UPDATED, s_on_updated, m);
}

/* The status held for id and its note (borrowed; may be NULL). */
static int s_status(view_txn_t *vt, const domain_model_t *m, const void *id,
                    const char **note, size_t *nlen)
{
    const void *v;
    size_t n;
    *note = NULL;
    *nlen = 0;
    if (view_get(vt, m->referral_status, id, DOMAIN_ID_LEN, &v, &n) ||
        n < S_HEAD)
        return XY__REFERRAL_STATUS__REFERRAL_SENT;
    *note = (const char *)v + S_HEAD;
    *nlen = n - S_HEAD;
    return ((const uint8_t *)v)[0];
}

int referral_find(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *id, domain_id_t *incident,
                  bool *exercise, int *status)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->referrals, id->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    if (n < 1 + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    *exercise = ((const uint8_t *)v)[0] != 0;
    memcpy(incident->b, (const uint8_t *)v + 1, DOMAIN_ID_LEN);
    const char *note;
    size_t nl;
    *status = s_status(vt, m, id->b, &note, &nl);
    return 0;
}

typedef struct s_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    bool open_only;
    json_t *arr;
} s_ctx_t;

static int s_entry(const void *key, size_t klen, const void *val, size_t vlen,
                   void *arg)
{
    s_ctx_t *c = arg;
    size_t head = LWW_HEADER + 1 + DOMAIN_ID_LEN;
    if (klen != DOMAIN_ID_LEN || vlen < head)
        return XY_ECORRUPT;
    const char *note;
    size_t nl;
    int st = s_status(c->vt, c->m, key, &note, &nl);
    if (c->open_only && st == XY__REFERRAL_STATUS__REFERRAL_CLOSED)
        return 0;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    Xy__ReferralMade *r = xy__referral_made__unpack(NULL, vlen - head,
                                                    p + 1 + DOMAIN_ID_LEN);
    if (!r)
        return XY_ECORRUPT;
    domain_id_t id, pid;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    memset(pid.b, 0, DOMAIN_ID_LEN);
    if (r->person_id.len == DOMAIN_ID_LEN)
        memcpy(pid.b, r->person_id.data, DOMAIN_ID_LEN);
    char ih[DOMAIN_ID_HEX], ph[DOMAIN_ID_HEX], urg[32], sts[32];
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s#, s:b}", "id",
        domain_id_format(&id, ih), "person", domain_id_format(&pid, ph),
        "facility", r->facility ? r->facility : "", "reason",
        r->reason ? r->reason : "", "urgency",
        domain_enum_name(&xy__urgency__descriptor, "URGENCY_", r->urgency,
                         urg, sizeof urg),
        "status",
        domain_enum_name(&xy__referral_status__descriptor, "REFERRAL_", st,
                         sts, sizeof sts),
        "note", note ? note : "", (int)nl, "exercise", p[0] != 0);
    xy__referral_made__free_unpacked(r, NULL);
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *referral_list(view_txn_t *vt, const domain_model_t *m,
                      bool open_only)
{
    s_ctx_t c = {vt, m, open_only, json_array()};
    if (view_scan(vt, m->referrals, NULL, 0, s_entry, &c)) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

/* Red flags (red_flag.h). */
#include "domain/red_flag.h"
#include "domain/lww.h"
#include "core/hlc.h"
#include "common/xy_error.h"

#include <string.h>

int red_flag_ack(domain_event_t *out, const domain_id_t *flag_id,
                 const domain_id_t *incident, const char *by_name,
                 const char *action, bool exercise, const char *author,
                 domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    size_t n = by_name ? strlen(by_name) : 0;
    if (n == 0 || n > RED_FLAG_NAME_MAX)
        return domain_fail(err, XY_EINVAL, "by",
                           "the name of the person taking responsibility "
                           "(1 to %d bytes) is required",
                           RED_FLAG_NAME_MAX);
    if (action && strlen(action) > RED_FLAG_ACTION_MAX)
        return domain_fail(err, XY_EINVAL, "action",
                           "at most %d bytes", RED_FLAG_ACTION_MAX);
    memcpy(out->subject_id, flag_id->b, DOMAIN_ID_LEN);
    memcpy(out->incident_id, incident->b, DOMAIN_ID_LEN);
    Xy__RedFlagAcknowledged *b = &out->body.red_flag_acknowledged;
    xy__red_flag_acknowledged__init(b);
    b->flag_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->subject_id};
    b->by_name = (char *)by_name;
    b->action = (char *)(action ? action : "");
    xy__event__init(&out->ev);
    out->ev.incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                out->incident_id};
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
    out->ev.body_case = XY__EVENT__BODY_RED_FLAG_ACKNOWLEDGED;
    out->ev.red_flag_acknowledged = b;
    return 0;
}

typedef struct s_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    bool open_only;
    json_t *arr;
} s_ctx_t;

static uint64_t s_hlc_of(const void *val)
{
    const uint8_t *p = val;
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = h << 8 | p[i];
    return h;
}

static int s_flag_entry(const void *key, size_t klen, const void *val,
                        size_t vlen, void *arg)
{
    s_ctx_t *c = arg;
    size_t head = LWW_HEADER + 1 + XY_ID_LEN;
    if (klen != XY_ID_LEN || vlen < head)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    const void *av = NULL;
    size_t alen = 0;
    bool acked = lww_get(c->vt, c->m->red_flag_acks, key, klen, &av,
                         &alen) == 0;
    if (acked && c->open_only)
        return 0;
    Xy__RedFlagRaised *f =
        xy__red_flag_raised__unpack(NULL, vlen - head, p + 1 + XY_ID_LEN);
    if (!f)
        return XY_ECORRUPT;
    Xy__RedFlagAcknowledged *a =
        acked ? xy__red_flag_acknowledged__unpack(NULL, alen, av) : NULL;
    char id[DOMAIN_ID_HEX], person[DOMAIN_ID_HEX], inc[DOMAIN_ID_HEX];
    domain_id_t fid, pid, iid;
    memcpy(fid.b, key, DOMAIN_ID_LEN);
    memcpy(iid.b, p + 1, DOMAIN_ID_LEN);
    memset(pid.b, 0, DOMAIN_ID_LEN);
    if (f->person_id.len == DOMAIN_ID_LEN)
        memcpy(pid.b, f->person_id.data, DOMAIN_ID_LEN);
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s?, s:I, s:b, s:s?, s:s?}", "id",
        domain_id_format(&fid, id), "person", domain_id_format(&pid, person),
        "incident", domain_id_format(&iid, inc), "reason",
        f->reason ? f->reason : "", "reason_zh",
        f->reason_zh && f->reason_zh[0] ? f->reason_zh : NULL, "raised_at",
        (json_int_t)HLC_MS(s_hlc_of(val)), "exercise", p[0] != 0,
        "acknowledged_by", a ? a->by_name : NULL, "action",
        a ? a->action : NULL);
    if (a)
        xy__red_flag_acknowledged__free_unpacked(a, NULL);
    xy__red_flag_raised__free_unpacked(f, NULL);
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *red_flag_list(view_txn_t *vt, const domain_model_t *m, bool open_only)
{
    s_ctx_t c = {vt, m, open_only, json_array()};
    if (view_scan(vt, m->red_flags, NULL, 0, s_flag_entry, &c)) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

int red_flag_find(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *flag_id, domain_id_t *incident,
                  bool *exercise)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->red_flags, flag_id->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    if (n < 1 + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    *exercise = ((const uint8_t *)v)[0] != 0;
    memcpy(incident->b, (const uint8_t *)v + 1, DOMAIN_ID_LEN);
    return 0;
}

size_t red_flag_mark_overdue(json_t *flags, uint64_t now_ms,
                             uint64_t timeout_ms)
{
    size_t i, n = 0;
    json_t *o;
    json_array_foreach(flags, i, o)
    {
        if (json_is_string(json_object_get(o, "acknowledged_by")))
            continue;
        uint64_t raised =
            (uint64_t)json_integer_value(json_object_get(o, "raised_at"));
        uint64_t waiting = now_ms > raised ? now_ms - raised : 0;
        bool overdue = waiting >= timeout_ms;
        json_object_set_new(o, "waiting_ms", json_integer((json_int_t)waiting));
        json_object_set_new(o, "overdue", json_boolean(overdue));
        n += overdue;
    }
    return n;
}

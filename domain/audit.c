/* The audit of personal data (audit.h). View "audits": key person (16) |
 * audit id (16), value the LWW header (hlc, origin), the event head
 * (exercise, incident) and the packed PersonalDataViewed. */
#include "domain/audit.h"
#include "domain/lww.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <string.h>

int audit_build(audit_event_t *out, const domain_id_t *id,
                const audit_input_t *in, const char *author,
                domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = domain_text_check(in->viewer, AUDIT_VIEWER_MAX, true, "viewer",
                               err);
    if (!rc)
        rc = domain_text_check(in->role, AUDIT_VIEWER_MAX, true, "role", err);
    if (rc)
        return rc;
    if (in->n_fields == 0 || in->n_fields > AUDIT_FIELDS_MAX)
        return domain_fail(err, XY_EINVAL, "fields",
                           "1 to %d fields are named", AUDIT_FIELDS_MAX);
    for (size_t i = 0; i < in->n_fields; i++) {
        rc = domain_text_check(in->fields[i], 32, true, "fields", err);
        if (rc)
            return rc;
        out->fields[i] = (char *)in->fields[i];
    }
    domain_envelope(&out->ev, out->incident_id, in->incident, in->exercise,
                    author);
    memcpy(out->audit_id, id->b, DOMAIN_ID_LEN);
    memcpy(out->person_id, in->person->b, DOMAIN_ID_LEN);
    Xy__PersonalDataViewed *b = &out->body;
    xy__personal_data_viewed__init(b);
    b->audit_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->audit_id};
    b->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
    b->viewer = (char *)in->viewer;
    b->viewer_role = (char *)in->role;
    b->n_fields = in->n_fields;
    b->fields = out->fields;
    b->viewed_at = in->viewed_at;
    out->ev.body_case = XY__EVENT__BODY_PERSONAL_DATA_VIEWED;
    out->ev.personal_data_viewed = b;
    return 0;
}

static int s_on_viewed(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__PersonalDataViewed *v = ev->personal_data_viewed;
    if (v->person_id.len != DOMAIN_ID_LEN || v->audit_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t key[2 * DOMAIN_ID_LEN], head[LWW_EVENT_HEAD];
    memcpy(key, v->person_id.data, DOMAIN_ID_LEN);
    memcpy(key + DOMAIN_ID_LEN, v->audit_id.data, DOMAIN_ID_LEN);
    lww_event_head(ev, head);
    return lww_put_msg(vt, m->audits, key, sizeof key, ev, head, sizeof head,
                       &v->base);
}

void audit_model_register(domain_model_t *m)
{
    m->audits = view_set_add(m->views, "audits");
    view_set_on(m->views, XY__EVENT__BODY_PERSONAL_DATA_VIEWED, s_on_viewed,
                m);
}

static json_t *s_entry_json(const uint8_t *val, size_t vlen)
{
    size_t head = LWW_HEADER + LWW_EVENT_HEAD;
    Xy__PersonalDataViewed *v = xy__personal_data_viewed__unpack(
        NULL, vlen - head, val + head);
    if (!v || v->person_id.len != DOMAIN_ID_LEN ||
        v->audit_id.len != DOMAIN_ID_LEN) {
        if (v)
            xy__personal_data_viewed__free_unpacked(v, NULL);
        return NULL;
    }
    domain_id_t id, person, incident, node;
    memcpy(id.b, v->audit_id.data, DOMAIN_ID_LEN);
    memcpy(person.b, v->person_id.data, DOMAIN_ID_LEN);
    memcpy(node.b, val + 8, DOMAIN_ID_LEN);
    memcpy(incident.b, val + LWW_HEADER + 1, DOMAIN_ID_LEN);
    char ih[DOMAIN_ID_HEX], ph[DOMAIN_ID_HEX], inh[DOMAIN_ID_HEX],
        nh[DOMAIN_ID_HEX];
    json_t *fields = json_array();
    for (size_t i = 0; i < v->n_fields; i++)
        json_array_append_new(fields, json_string(v->fields[i]));
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:s, s:b}", "id",
        domain_id_format(&id, ih), "person", domain_id_format(&person, ph),
        "incident", domain_id_format(&incident, inh), "viewer", v->viewer,
        "role", v->viewer_role, "fields", fields, "viewed_at",
        (json_int_t)v->viewed_at, "node", domain_id_format(&node, nh),
        "exercise", val[LWW_HEADER] != 0);
    xy__personal_data_viewed__free_unpacked(v, NULL);
    return o;
}

static int s_audit_entry(const void *key, size_t klen, const void *val,
                         size_t vlen, void *arg)
{
    (void)key;
    if (klen != 2 * DOMAIN_ID_LEN || vlen < LWW_HEADER + LWW_EVENT_HEAD)
        return XY_ECORRUPT;
    json_t *o = s_entry_json(val, vlen);
    if (!o)
        return XY_ECORRUPT;
    json_array_append_new(arg, o);
    return 0;
}

static int s_by_time(const void *a, const void *b)
{
    json_int_t x = json_integer_value(
        json_object_get(*(json_t *const *)a, "viewed_at"));
    json_int_t y = json_integer_value(
        json_object_get(*(json_t *const *)b, "viewed_at"));
    return x < y ? -1 : x > y;
}

json_t *audit_list(view_txn_t *vt, const domain_model_t *m,
                   const domain_id_t *person)
{
    json_t *arr = json_array();
    if (view_scan(vt, m->audits, person->b, DOMAIN_ID_LEN, s_audit_entry,
                  arr)) {
        json_decref(arr);
        return NULL;
    }
    size_t n = json_array_size(arr);
    json_t **items = xcalloc(n ? n : 1, sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(arr, i));
    qsort(items, n, sizeof *items, s_by_time);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, items[i]);
    free(items);
    return arr;
}

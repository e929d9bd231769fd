/* Encounters (encounter.h). */
#include "domain/encounter.h"
#include "domain/person.h"
#include "common/xy_error.h"

#include <string.h>

int encounter_build(encounter_event_t *out, const domain_id_t *id,
                    const encounter_input_t *in, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int kind = 0;
    char names[128];
    if (!in->kind || domain_enum_parse(&xy__encounter_kind__descriptor,
                                       "ENCOUNTER_", in->kind, &kind))
        return domain_fail(err, XY_EINVAL, "kind", "'%s' is not one of %s",
                           in->kind ? in->kind : "",
                           domain_enum_names(&xy__encounter_kind__descriptor,
                                             "ENCOUNTER_", names,
                                             sizeof names));
    if (in->minutes < 1 || in->minutes > ENCOUNTER_MINUTES_MAX)
        return domain_fail(err, XY_ERANGE, "minutes", "%d is not a duration "
                           "in 1..%d minutes", in->minutes,
                           ENCOUNTER_MINUTES_MAX);
    if (in->visit < 1 || in->visit > ENCOUNTER_VISIT_MAX)
        return domain_fail(err, XY_ERANGE, "visit", "%d is not a visit "
                           "number in 1..%d", in->visit, ENCOUNTER_VISIT_MAX);
    size_t wl = in->worker ? strlen(in->worker) : 0;
    if (wl == 0 || wl > ENCOUNTER_WORKER_MAX)
        return domain_fail(err, XY_EINVAL, "worker", "a worker id of 1 to %d "
                           "bytes is required", ENCOUNTER_WORKER_MAX);
    memcpy(out->incident_id, in->incident->b, DOMAIN_ID_LEN);
    memcpy(out->encounter_id, id->b, DOMAIN_ID_LEN);
    memcpy(out->person_id, in->person->b, DOMAIN_ID_LEN);
    Xy__EncounterRecorded *b = &out->body;
    xy__encounter_recorded__init(b);
    b->encounter_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->encounter_id};
    b->person_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->person_id};
    b->kind = (Xy__EncounterKind)kind;
    b->duration_min = (uint32_t)in->minutes;
    b->worker = (char *)in->worker;
    b->visit_number = (uint32_t)in->visit;
    xy__event__init(&out->ev);
    out->ev.incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                out->incident_id};
    out->ev.exercise = in->exercise;
    out->ev.author = (char *)(in->author ? in->author : "");
    out->ev.body_case = XY__EVENT__BODY_ENCOUNTER_RECORDED;
    out->ev.encounter_recorded = b;
    return 0;
}

static int s_on_encounter(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__EncounterRecorded *e = ev->encounter_recorded;
    if (e->person_id.len != DOMAIN_ID_LEN ||
        e->encounter_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t key[2 * DOMAIN_ID_LEN], val[1024];
    size_t n = xy__encounter_recorded__get_packed_size(e);
    if (DOMAIN_ID_LEN + n > sizeof val)
        return 0;
    memcpy(key, e->person_id.data, DOMAIN_ID_LEN);
    memcpy(key + DOMAIN_ID_LEN, e->encounter_id.data, DOMAIN_ID_LEN);
    memset(val, 0, DOMAIN_ID_LEN);
    if (ev->incident_id.len == DOMAIN_ID_LEN)
        memcpy(val, ev->incident_id.data, DOMAIN_ID_LEN);
    xy__encounter_recorded__pack(e, val + DOMAIN_ID_LEN);
    return view_put(vt, m->encounters, key, sizeof key, val,
                    DOMAIN_ID_LEN + n);
}

void encounter_reducers(domain_model_t *m)
{
    view_set_on(m->views, XY__EVENT__BODY_ENCOUNTER_RECORDED, s_on_encounter,
                m);
}

static int s_count(const void *key, size_t klen, const void *val, size_t vlen,
                   void *arg)
{
    (void)key;
    (void)klen;
    (void)val;
    (void)vlen;
    (*(size_t *)arg)++;
    return 0;
}

int encounter_count(view_txn_t *vt, const domain_model_t *m,
                    const domain_id_t *person, size_t *n)
{
    *n = 0;
    return view_scan(vt, m->encounters, person->b, DOMAIN_ID_LEN, s_count, n);
}

typedef struct s_list {
    view_txn_t *vt;
    const domain_model_t *m;
    json_t *arr;
} s_list_t;

/* Whether the person is drill data (false when not held here). */
static bool s_exercise_of(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *person)
{
    domain_id_t inc;
    uint32_t vuln;
    bool ex = false;
    return person_find(vt, m, person, &inc, &vuln, &ex) == 0 && ex;
}

static int s_entry(const void *key, size_t klen, const void *val, size_t vlen,
                   void *arg)
{
    s_list_t *l = arg;
    if (klen != 2 * DOMAIN_ID_LEN || vlen < DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    Xy__EncounterRecorded *e = xy__encounter_recorded__unpack(
        NULL, vlen - DOMAIN_ID_LEN, (const uint8_t *)val + DOMAIN_ID_LEN);
    if (!e)
        return XY_ECORRUPT;
    domain_id_t pid, eid;
    memcpy(pid.b, key, DOMAIN_ID_LEN);
    memcpy(eid.b, (const uint8_t *)key + DOMAIN_ID_LEN, DOMAIN_ID_LEN);
    char ph[DOMAIN_ID_HEX], eh[DOMAIN_ID_HEX], kind[48];
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:s, s:i}", "id", domain_id_format(&eid, eh),
        "person", domain_id_format(&pid, ph), "kind",
        domain_enum_name(&xy__encounter_kind__descriptor, "ENCOUNTER_",
                         e->kind, kind, sizeof kind),
        "minutes", (int)e->duration_min, "worker",
        e->worker ? e->worker : "", "visit", (int)e->visit_number);
    if (o)
        json_object_set_new(o, "exercise",
                            json_boolean(s_exercise_of(l->vt, l->m, &pid)));
    xy__encounter_recorded__free_unpacked(e, NULL);
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(l->arr, o);
    return 0;
}

json_t *encounter_list(view_txn_t *vt, const domain_model_t *m,
                       const domain_id_t *person)
{
    json_t *arr = json_array();
    s_list_t l = {vt, m, arr};
    if (view_scan(vt, m->encounters, person ? person->b : NULL,
                  person ? DOMAIN_ID_LEN : 0, s_entry, &l)) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* Affected people (person.h). */
#include "domain/person.h"
#include "domain/exercise.h"
#include "domain/lww.h"
#include "domain/person_link.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

int person_vulnerability_parse(const char *text, uint32_t *flags,
                               domain_error_t *err)
{
    *flags = 0;
    if (!text || !*text)
        return 0;
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return domain_fail(err, XY_ETOOBIG, "vulnerability", "list too long");
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int v;
        if (domain_enum_parse(&xy__vulnerability__descriptor, "VULN_", t, &v)) {
            char names[256];
            return domain_fail(
                err, XY_EINVAL, "vulnerability", "unknown '%s' (one of: %s)",
                t, domain_enum_names(&xy__vulnerability__descriptor, "VULN_",
                                     names, sizeof names));
        }
        *flags |= (uint32_t)v;
    }
    return 0;
}

int person_register(domain_event_t *out, const domain_id_t *id,
                    const person_input_t *in, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!in->incident || domain_id_is_zero(in->incident))
        return domain_fail(err, XY_EINVAL, "incident",
                           "an incident id is required");
    if (in->age_band < 0 || in->age_band > PERSON_AGE_MAX ||
        in->age_band % 5 != 0)
        return domain_fail(err, XY_ERANGE, "age_band",
                           "age band %d is not a multiple of 5 in 0..%d",
                           in->age_band, PERSON_AGE_MAX);
    int sex = 0;
    if (in->sex && domain_enum_parse(&xy__sex__descriptor, "SEX_", in->sex,
                                     &sex))
        return domain_fail(err, XY_EINVAL, "sex",
                           "'%s' is not one of female, male, other", in->sex);
    uint32_t vuln = 0;
    int rc = person_vulnerability_parse(in->vulnerability, &vuln, err);
    if (rc)
        return rc;
    size_t slen = in->site ? strlen(in->site) : 0;
    if (slen == 0 || slen > PERSON_SITE_MAX)
        return domain_fail(err, XY_EINVAL, "site",
                           "a site of 1 to %d bytes is required",
                           PERSON_SITE_MAX);
    if (in->language && strlen(in->language) > 32)
        return domain_fail(err, XY_EINVAL, "language", "language too long");

    memcpy(out->incident_id, in->incident->b, DOMAIN_ID_LEN);
    memcpy(out->subject_id, id->b, DOMAIN_ID_LEN);
    xy__event__init(&out->ev);
    xy__place__init(&out->place);
    out->place.site = (char *)in->site;
    if (in->zone) {
        memcpy(out->zone_id, in->zone->b, DOMAIN_ID_LEN);
        out->place.zone_id = (ProtobufCBinaryData){XY_ID_LEN, out->zone_id};
    }
    Xy__PersonRegistered *b = &out->body.person_registered;
    xy__person_registered__init(b);
    b->person_id = (ProtobufCBinaryData){XY_ID_LEN, out->subject_id};
    b->age_band = (uint32_t)in->age_band;
    b->sex = sex;
    b->language = (char *)(in->language ? in->language : "");
    b->vulnerability = vuln;
    b->place = &out->place;
    b->worker = (char *)(in->worker ? in->worker : "");
    if (in->sealed) {
        b->personal = (Xy__Sealed *)&in->sealed->msg;
        b->block_key = (ProtobufCBinaryData){PERSONAL_BLOCK_LEN,
                                             (uint8_t *)in->sealed->block_key};
    }
    out->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, out->incident_id};
    out->ev.exercise = in->exercise;
    out->ev.author = (char *)(in->author ? in->author : "");
    out->ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
    out->ev.person_registered = b;
    return 0;
}

int person_move(domain_event_t *out, const domain_id_t *person,
                const domain_id_t *incident, const char *site,
                const domain_id_t *zone, bool exercise, const char *author,
                domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    size_t slen = site ? strlen(site) : 0;
    if (slen == 0 || slen > PERSON_SITE_MAX)
        return domain_fail(err, XY_EINVAL, "site",
                           "a site of 1 to %d bytes is required",
                           PERSON_SITE_MAX);
    memcpy(out->incident_id, incident->b, DOMAIN_ID_LEN);
    memcpy(out->subject_id, person->b, DOMAIN_ID_LEN);
    xy__place__init(&out->place);
    out->place.site = (char *)site;
    if (zone) {
        memcpy(out->zone_id, zone->b, DOMAIN_ID_LEN);
        out->place.zone_id = (ProtobufCBinaryData){XY_ID_LEN, out->zone_id};
    }
    Xy__PersonMoved *b = &out->body.person_moved;
    xy__person_moved__init(b);
    b->person_id = (ProtobufCBinaryData){XY_ID_LEN, out->subject_id};
    b->place = &out->place;
    xy__event__init(&out->ev);
    out->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, out->incident_id};
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
    out->ev.body_case = XY__EVENT__BODY_PERSON_MOVED;
    out->ev.person_moved = b;
    return 0;
}

typedef struct s_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    json_t *arr;
} s_ctx_t;

static json_t *s_vuln_names(uint32_t flags)
{
    json_t *arr = json_array();
    for (unsigned i = 0; i < xy__vulnerability__descriptor.n_values; i++) {
        const ProtobufCEnumValue *v = &xy__vulnerability__descriptor.values[i];
        if (v->value && (flags & (uint32_t)v->value)) {
            char name[48];
            json_array_append_new(
                arr, json_string(domain_enum_name(&xy__vulnerability__descriptor,
                                                  "VULN_", v->value, name,
                                                  sizeof name)));
        }
    }
    return arr;
}

typedef struct s_each {
    view_txn_t *vt;
    const domain_model_t *m;
    const personal_keyring_t *ring;
    int (*fn)(const person_view_t *p, void *arg);
    void *arg;
    personal_data_t pd;  /* scratch for the opened data */
} s_each_t;

static int s_each_entry(const void *key, size_t klen, const void *val,
                        size_t vlen, void *arg)
{
    s_each_t *c = arg;
    size_t head = LWW_HEADER + 1 + XY_ID_LEN;
    if (klen != XY_ID_LEN || vlen < head)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    Xy__PersonRegistered *pr =
        xy__person_registered__unpack(NULL, vlen - head, p + 1 + XY_ID_LEN);
    if (!pr)
        return XY_ECORRUPT;
    person_view_t v = {.exercise = p[0] != 0, .reg = pr, .place = pr->place};
    for (int i = 0; i < 8; i++)
        v.hlc = v.hlc << 8 | ((const uint8_t *)val)[i];
    memcpy(v.id.b, key, DOMAIN_ID_LEN);
    memcpy(v.incident.b, p + 1, DOMAIN_ID_LEN);
    /* The current place is the place register's winner, which a later
     * PersonMoved may have replaced. */
    Xy__Place *place = NULL;
    const void *pv;
    size_t plen;
    if (lww_get(c->vt, c->m->person_places, key, klen, &pv, &plen) == 0 &&
        plen >= XY_ID_LEN) {
        place = xy__place__unpack(NULL, plen - XY_ID_LEN,
                                  (const uint8_t *)pv + XY_ID_LEN);
        if (place)
            v.place = place;
    }
    if (pr->personal &&
        personal_open(c->ring, v.id.b, pr->personal, &c->pd) == 0)
        v.pd = &c->pd;
    int rc = c->fn(&v, c->arg);
    personal_data_wipe(&c->pd);
    if (place)
        xy__place__free_unpacked(place, NULL);
    xy__person_registered__free_unpacked(pr, NULL);
    return rc;
}

int person_each(view_txn_t *vt, const domain_model_t *m,
                const personal_keyring_t *ring,
                int (*fn)(const person_view_t *p, void *arg), void *arg)
{
    s_each_t *c = xcalloc(1, sizeof *c);
    *c = (s_each_t){.vt = vt, .m = m, .ring = ring, .fn = fn, .arg = arg};
    int rc = view_scan(vt, m->persons, NULL, 0, s_each_entry, c);
    personal_data_wipe(&c->pd);
    free(c);
    return rc;
}

static int s_person_entry(const person_view_t *v, void *arg)
{
    s_ctx_t *c = arg;
    const Xy__PersonRegistered *pr = v->reg;
    const char *site = v->place && v->place->site ? v->place->site : "";
    char hex[DOMAIN_ID_HEX], inc[DOMAIN_ID_HEX], can[DOMAIN_ID_HEX], sex[16];
    domain_id_t canon;
    int rc = person_link_canonical(c->vt, c->m, &v->id, &canon);
    if (rc)
        return rc;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:i, s:s, s:o, s:s, s:s, s:b}", "id",
        domain_id_format(&v->id, hex), "canonical",
        domain_id_format(&canon, can), "incident",
        domain_id_format(&v->incident, inc), "age_band", (int)pr->age_band,
        "sex",
        domain_enum_name(&xy__sex__descriptor, "SEX_", pr->sex, sex,
                         sizeof sex),
        "vulnerability", s_vuln_names(pr->vulnerability), "site", site,
        "worker", pr->worker ? pr->worker : "", "exercise", v->exercise);
    if (!o)
        return XY_ENOMEM;
    if (v->pd) {
        json_object_set_new(o, "name", json_string(v->pd->name));
        json_object_set_new(o, "phone", json_string(v->pd->phone));
        if (v->pd->birth_year)
            json_object_set_new(o, "birth_year",
                                json_integer(v->pd->birth_year));
    } else if (pr->personal) {
        json_object_set_new(o, "name", json_string(PERSONAL_SEALED_TEXT));
    }
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *person_list_open(view_txn_t *vt, const domain_model_t *m,
                         const personal_keyring_t *ring)
{
    s_ctx_t c = {vt, m, json_array()};
    if (person_each(vt, m, ring, s_person_entry, &c)) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

json_t *person_list(view_txn_t *vt, const domain_model_t *m)
{
    return person_list_open(vt, m, NULL);
}

/* Whether the incident of a count is an exercise (false when unknown). */
static bool s_exercise_of(s_ctx_t *c, const void *incident)
{
    bool ex = false;
    if (exercise_incident(c->vt, c->m, incident, &ex))
        return false;
    return ex;
}

static int s_count_entry(const void *key, size_t klen, const void *val,
                         size_t vlen, void *arg)
{
    s_ctx_t *c = arg;
    if (klen < XY_ID_LEN || vlen != 8)
        return XY_ECORRUPT;
    int64_t n = 0;
    for (int i = 0; i < 8; i++)
        n = (int64_t)((uint64_t)n << 8 | ((const uint8_t *)val)[i]);
    char inc[DOMAIN_ID_HEX];
    domain_id_t iid;
    memcpy(iid.b, key, DOMAIN_ID_LEN);
    json_t *o = json_pack("{s:s, s:s#, s:I, s:b}", "incident",
                          domain_id_format(&iid, inc), "site",
                          (const char *)key + XY_ID_LEN, (int)(klen - XY_ID_LEN),
                          "persons", (json_int_t)n, "exercise",
                          s_exercise_of(c, key));
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *person_site_counts(view_txn_t *vt, const domain_model_t *m)
{
    s_ctx_t c = {vt, m, json_array()};
    if (view_scan(vt, m->site_counts, NULL, 0, s_count_entry, &c)) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

int person_find(view_txn_t *vt, const domain_model_t *m,
                const domain_id_t *person, domain_id_t *incident,
                uint32_t *vulnerability, bool *exercise)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->persons, person->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    const uint8_t *p = v;
    if (n < 1 + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    Xy__PersonRegistered *pr = xy__person_registered__unpack(
        NULL, n - 1 - DOMAIN_ID_LEN, p + 1 + DOMAIN_ID_LEN);
    if (!pr)
        return XY_ECORRUPT;
    *exercise = p[0] != 0;
    memcpy(incident->b, p + 1, DOMAIN_ID_LEN);
    *vulnerability = pr->vulnerability;
    xy__person_registered__free_unpacked(pr, NULL);
    return 0;
}

static int s_level_entry(const void *key, size_t klen, const void *val,
                         size_t vlen, void *arg)
{
    s_ctx_t *c = arg;
    if (klen != XY_ID_LEN + 1 || vlen != 8)
        return XY_ECORRUPT;
    int64_t n = 0;
    for (int i = 0; i < 8; i++)
        n = (int64_t)((uint64_t)n << 8 | ((const uint8_t *)val)[i]);
    static const char *const levels[] = {"unspecified", "immediate",
                                         "high_risk", "low_risk"};
    uint8_t level = ((const uint8_t *)key)[XY_ID_LEN];
    char inc[DOMAIN_ID_HEX];
    domain_id_t iid;
    memcpy(iid.b, key, DOMAIN_ID_LEN);
    json_t *o = json_pack("{s:s, s:s, s:I, s:b}", "incident",
                          domain_id_format(&iid, inc), "level",
                          level < 4 ? levels[level] : "unknown", "persons",
                          (json_int_t)n, "exercise", s_exercise_of(c, key));
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *person_triage_counts(view_txn_t *vt, const domain_model_t *m)
{
    s_ctx_t c = {vt, m, json_array()};
    if (view_scan(vt, m->triage_counts, NULL, 0, s_level_entry, &c)) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

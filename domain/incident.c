/* Incidents (incident.h). */
#include "domain/incident.h"
#include "domain/lww.h"
#include "geo/geo.h"
#include "common/xy_error.h"

#include <string.h>

static const char *const s_levels[] = {"", "I", "II", "III", "IV"};

int incident_level_parse(const char *text, int *level)
{
    for (int i = 1; i <= 4; i++) {
        char digit[2] = {(char)('0' + i), '\0'};
        if (strcmp(text, s_levels[i]) == 0 || strcmp(text, digit) == 0) {
            *level = i;
            return 0;
        }
    }
    return XY_EINVAL;
}

int incident_declare(domain_event_t *out, const domain_id_t *id,
                     const incident_input_t *in, uint64_t now_ms,
                     domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int hazard = 0, level = 0;
    if (!in->hazard || domain_enum_parse(&xy__hazard_type__descriptor,
                                         "HAZARD_", in->hazard, &hazard)) {
        char names[256];
        return domain_fail(err, XY_EINVAL, "hazard",
                           "unknown hazard '%s' (one of: %s)",
                           in->hazard ? in->hazard : "",
                           domain_enum_names(&xy__hazard_type__descriptor,
                                             "HAZARD_", names, sizeof names));
    }
    size_t tlen = in->title ? strlen(in->title) : 0;
    if (tlen == 0 || tlen > INCIDENT_TITLE_MAX)
        return domain_fail(err, XY_EINVAL, "title",
                           "a title of 1 to %d bytes is required",
                           INCIDENT_TITLE_MAX);
    if (in->level && incident_level_parse(in->level, &level))
        return domain_fail(err, XY_EINVAL, "level",
                           "level '%s' is not one of I, II, III, IV",
                           in->level);
    if (in->has_epicentre && geo_check_point(in->lat, in->lon))
        return domain_fail(err, XY_ECOORD, "epicentre",
                           "latitude %g / longitude %g out of range",
                           in->lat, in->lon);
    if (in->magnitude < 0 || in->magnitude > 10)
        return domain_fail(err, XY_ERANGE, "magnitude",
                           "magnitude %g outside 0..10", in->magnitude);

    memcpy(out->incident_id, id->b, DOMAIN_ID_LEN);
    xy__event__init(&out->ev);
    Xy__IncidentDeclared *b = &out->body.incident_declared;
    xy__incident_declared__init(b);
    b->hazard = hazard;
    b->title = (char *)in->title;
    b->started_at = in->started_at ? in->started_at : now_ms;
    b->magnitude = in->magnitude;
    b->level = level;
    b->source = "manual";
    if (in->has_epicentre) {
        xy__point__init(&out->point);
        out->point.lat = in->lat;
        out->point.lon = in->lon;
        b->epicentre = &out->point;
    }
    out->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, out->incident_id};
    out->ev.exercise = in->exercise;
    out->ev.author = (char *)(in->author ? in->author : "");
    out->ev.body_case = XY__EVENT__BODY_INCIDENT_DECLARED;
    out->ev.incident_declared = b;
    return 0;
}

typedef struct s_list_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    json_t *arr;
} s_list_ctx_t;

static int s_incident_entry(const void *key, size_t klen, const void *val,
                            size_t vlen, void *arg)
{
    s_list_ctx_t *c = arg;
    if (klen != XY_ID_LEN || vlen < LWW_HEADER + 1)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    Xy__IncidentDeclared *inc = xy__incident_declared__unpack(
        NULL, vlen - LWW_HEADER - 1, p + 1);
    if (!inc)
        return XY_ECORRUPT;
    char hex[DOMAIN_ID_HEX], hazard[32];
    domain_id_t id;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    int level = inc->level;
    const void *lv;
    size_t llen;
    if (lww_get(c->vt, c->m->incident_levels, key, klen, &lv, &llen) == 0 &&
        llen == 1)
        level = *(const uint8_t *)lv;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:I, s:b}", "id", domain_id_format(&id, hex),
        "title", inc->title, "hazard",
        domain_enum_name(&xy__hazard_type__descriptor, "HAZARD_", inc->hazard,
                         hazard, sizeof hazard),
        "level", level >= 1 && level <= 4 ? s_levels[level] : "",
        "started_at", (json_int_t)inc->started_at, "exercise", p[0] != 0);
    xy__incident_declared__free_unpacked(inc, NULL);
    if (!o)
        return XY_ENOMEM;
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *incident_list(view_txn_t *vt, const domain_model_t *m)
{
    s_list_ctx_t c = {vt, m, json_array()};
    if (view_scan(vt, m->incidents, NULL, 0, s_incident_entry, &c)) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

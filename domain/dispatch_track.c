/* Orders in the field (dispatch_model.h): the team leader's
 * acknowledgement, position reports, the orders held and the ones not
 * acknowledged in time. */
#include "domain/dispatch_model.h"
#include "domain/lww.h"
#include "core/hlc.h"
#include "common/xy_error.h"
#include "geo/geo.h"

#include <stdlib.h>
#include <string.h>

static uint64_t s_hlc_ms(const void *val)
{
    const uint8_t *p = val;
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = h << 8 | p[i];
    return HLC_MS(h);
}

static void s_envelope(dispatch_field_event_t *out, bool exercise,
                       const char *author)
{
    xy__event__init(&out->ev);
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
}

int dispatch_ack_build(dispatch_field_event_t *out, const domain_id_t *order,
                       const domain_id_t *team, const domain_id_t *incident,
                       const char *by_name, bool exercise, const char *author,
                       domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    size_t n = by_name ? strlen(by_name) : 0;
    if (n == 0 || n > DISPATCH_BY_MAX || strpbrk(by_name, "\r\n"))
        return domain_fail(err, XY_EINVAL, "by",
                           "the team leader's name (1 to %d bytes, one line) "
                           "is required", DISPATCH_BY_MAX);
    if (domain_id_is_zero(order) || domain_id_is_zero(team))
        return domain_fail(err, XY_EINVAL, "order", "an order and its team "
                           "are required");
    memcpy(out->order_id, order->b, DOMAIN_ID_LEN);
    memcpy(out->team_id, team->b, DOMAIN_ID_LEN);
    memcpy(out->incident_id, incident->b, DOMAIN_ID_LEN);
    xy__deployment_acked__init(&out->ack);
    out->ack.order_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->order_id};
    out->ack.team_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->team_id};
    out->ack.by_name = (char *)by_name;
    s_envelope(out, exercise, author);
    out->ev.incident_id = (ProtobufCBinaryData){DOMAIN_ID_LEN,
                                                out->incident_id};
    out->ev.body_case = XY__EVENT__BODY_DEPLOYMENT_ACKED;
    out->ev.deployment_acked = &out->ack;
    return 0;
}

int dispatch_position_build(dispatch_field_event_t *out,
                            const domain_id_t *team, double lat, double lon,
                            double accuracy_m, int readiness, bool exercise,
                            const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!team || domain_id_is_zero(team))
        return domain_fail(err, XY_EINVAL, "team", "a team id is required");
    if (geo_check_point(lat, lon))
        return domain_fail(err, XY_EINVAL, "position",
                           "%g,%g is not a WGS84 point", lat, lon);
    if (!(accuracy_m >= 0 && accuracy_m <= 1e6))
        return domain_fail(err, XY_EINVAL, "accuracy", "0 to 1000000 m");
    if (readiness < 0 || readiness > XY__READINESS__READINESS_STOOD_DOWN)
        return domain_fail(err, XY_EINVAL, "readiness", "unknown readiness");
    memcpy(out->team_id, team->b, DOMAIN_ID_LEN);
    xy__point__init(&out->point);
    out->point.lat = lat;
    out->point.lon = lon;
    xy__position_reported__init(&out->position);
    out->position.team_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->team_id};
    out->position.position = &out->point;
    out->position.accuracy_m = accuracy_m;
    out->position.readiness = (Xy__Readiness)readiness;
    s_envelope(out, exercise, author);
    out->ev.body_case = XY__EVENT__BODY_POSITION_REPORTED;
    out->ev.position_reported = &out->position;
    return 0;
}

int dispatch_order_find(view_txn_t *vt, const domain_model_t *m,
                        const domain_id_t *order, domain_id_t *team,
                        domain_id_t *incident, bool *exercise)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->orders, order->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    const uint8_t *p = v;
    if (n < 1 + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    Xy__DeploymentOrdered *o = xy__deployment_ordered__unpack(
        NULL, n - 1 - DOMAIN_ID_LEN, p + 1 + DOMAIN_ID_LEN);
    if (!o)
        return XY_ECORRUPT;
    rc = o->team_id.len == DOMAIN_ID_LEN ? 0 : XY_ECORRUPT;
    if (!rc) {
        memcpy(team->b, o->team_id.data, DOMAIN_ID_LEN);
        memcpy(incident->b, p + 1, DOMAIN_ID_LEN);
        *exercise = p[0] != 0;
    }
    xy__deployment_ordered__free_unpacked(o, NULL);
    return rc;
}

typedef struct s_orders {
    view_txn_t *vt;
    const domain_model_t *m;
    const domain_id_t *team, *incident;
    bool overdue_only;
    uint64_t now, timeout;
    json_t *arr;
} s_orders_t;

static json_t *s_order_json(const uint8_t *key, const uint8_t *p,
                            const Xy__DeploymentOrdered *o, uint64_t at,
                            const Xy__DeploymentAcked *a, uint64_t ack_at)
{
    char id[DOMAIN_ID_HEX], inc[DOMAIN_ID_HEX], team[DOMAIN_ID_HEX],
        zone[DOMAIN_ID_HEX];
    domain_id_t x;
    memcpy(x.b, key, DOMAIN_ID_LEN);
    domain_id_format(&x, id);
    memcpy(x.b, p + 1, DOMAIN_ID_LEN);
    domain_id_format(&x, inc);
    memcpy(x.b, o->team_id.data, DOMAIN_ID_LEN);
    domain_id_format(&x, team);
    memset(x.b, 0, DOMAIN_ID_LEN);
    if (o->zone_id.len == DOMAIN_ID_LEN)
        memcpy(x.b, o->zone_id.data, DOMAIN_ID_LEN);
    domain_id_format(&x, zone);
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:s?}", "id", id,
        "incident", inc, "team", team, "zone", zone, "zone_name",
        o->zone_name ? o->zone_name : "", "explanation",
        o->explanation ? o->explanation : "", "ordered_at", (json_int_t)at,
        "report_by", (json_int_t)o->report_by, "exercise", p[0] != 0,
        "acknowledged_by", a ? a->by_name : NULL);
    if (j && a)
        json_object_set_new(j, "acknowledged_at", json_integer(
                                                      (json_int_t)ack_at));
    return j;
}

static int s_order_entry(const void *key, size_t klen, const void *val,
                         size_t vlen, void *arg)
{
    s_orders_t *c = arg;
    size_t head = LWW_HEADER + 1 + DOMAIN_ID_LEN;
    if (klen != DOMAIN_ID_LEN || vlen < head)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    if (c->incident && memcmp(p + 1, c->incident->b, DOMAIN_ID_LEN) != 0)
        return 0;
    Xy__DeploymentOrdered *o = xy__deployment_ordered__unpack(
        NULL, vlen - head, (const uint8_t *)val + head);
    if (!o || o->team_id.len != DOMAIN_ID_LEN) {
        if (o)
            xy__deployment_ordered__free_unpacked(o, NULL);
        return XY_ECORRUPT;
    }
    const void *av = NULL;
    size_t alen = 0;
    Xy__DeploymentAcked *a = NULL;
    if (view_get(c->vt, c->m->order_acks, key, klen, &av, &alen) == 0 &&
        alen >= LWW_HEADER)
        a = xy__deployment_acked__unpack(NULL, alen - LWW_HEADER,
                                         (const uint8_t *)av + LWW_HEADER);
    uint64_t at = s_hlc_ms(val), ack_at = a ? s_hlc_ms(av) : 0;
    bool keep = !c->team ||
                memcmp(o->team_id.data, c->team->b, DOMAIN_ID_LEN) == 0;
    if (c->overdue_only)
        keep = keep && !a && c->now >= at && c->now - at >= c->timeout;
    int rc = 0;
    if (keep) {
        json_t *j = s_order_json(key, p, o, at, a, ack_at);
        if (j && c->overdue_only)
            json_object_set_new(j, "waiting_ms",
                                json_integer((json_int_t)(c->now - at)));
        rc = j ? json_array_append_new(c->arr, j) : XY_ENOMEM;
    }
    if (a)
        xy__deployment_acked__free_unpacked(a, NULL);
    xy__deployment_ordered__free_unpacked(o, NULL);
    return rc ? XY_ENOMEM : 0;
}

static int s_by_time(const void *a, const void *b)
{
    json_int_t x = json_integer_value(
                   json_object_get(*(json_t *const *)a, "ordered_at")),
               y = json_integer_value(
                   json_object_get(*(json_t *const *)b, "ordered_at"));
    return x < y ? -1 : x > y;
}

static json_t *s_orders(s_orders_t *c)
{
    c->arr = json_array();
    if (view_scan(c->vt, c->m->orders, NULL, 0, s_order_entry, c)) {
        json_decref(c->arr);
        return NULL;
    }
    size_t n = json_array_size(c->arr);
    json_t **v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v)
        return c->arr;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(c->arr, i));
    if (n > 1)
        qsort(v, n, sizeof *v, s_by_time);
    json_array_clear(c->arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(c->arr, v[i]);
    free(v);
    return c->arr;
}

json_t *dispatch_order_list(view_txn_t *vt, const domain_model_t *m,
                            const domain_id_t *team,
                            const domain_id_t *incident)
{
    s_orders_t c = {vt, m, team, incident, false, 0, 0, NULL};
    return s_orders(&c);
}

json_t *dispatch_overdue(view_txn_t *vt, const domain_model_t *m,
                         uint64_t now_ms, uint64_t ack_timeout_ms)
{
    s_orders_t c = {vt, m, NULL, NULL, true, now_ms, ack_timeout_ms, NULL};
    return s_orders(&c);
}

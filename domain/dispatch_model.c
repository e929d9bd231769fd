/* Teams and dispatch as views (dispatch_model.h). Stored values: the LWW
 * header (hlc, origin), then a few fixed bytes, then the packed body. */
#include "domain/dispatch_model.h"
#include "domain/lww.h"
#include "core/hlc.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "geo/geo.h"

#include <math.h>
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

/* Packs msg behind hlen fixed bytes and puts it in view under key. */
static int s_put(view_txn_t *vt, int view, const uint8_t *key,
                 const Xy__Event *ev, const uint8_t *head, size_t hlen,
                 const ProtobufCMessage *msg)
{
    return lww_put_msg(vt, view, key, DOMAIN_ID_LEN, ev, head, hlen, msg);
}

static void s_incident(const Xy__Event *ev, uint8_t out[DOMAIN_ID_LEN])
{
    memset(out, 0, DOMAIN_ID_LEN);
    if (ev->incident_id.len == DOMAIN_ID_LEN)
        memcpy(out, ev->incident_id.data, DOMAIN_ID_LEN);
}

static int s_on_team(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__TeamRegistered *t = ev->team_registered;
    if (t->team_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t head = ev->exercise ? 1 : 0;
    return s_put(vt, m->teams, t->team_id.data, ev, &head, 1, &t->base);
}

static int s_on_status(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__TeamStatusChanged *s = ev->team_status_changed;
    if (s->team_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t r = (uint8_t)s->readiness;
    return lww_put(vt, m->team_status, s->team_id.data, DOMAIN_ID_LEN, ev, &r,
                   1, NULL, NULL, NULL);
}

static int s_on_position(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__PositionReported *p = ev->position_reported;
    if (p->team_id.len != DOMAIN_ID_LEN)
        return 0;
    int rc = s_put(vt, m->team_positions, p->team_id.data, ev, NULL, 0,
                   &p->base);
    /* A position that states readiness is also a status change. */
    if (!rc && p->readiness != XY__READINESS__READINESS_UNSPECIFIED) {
        uint8_t r = (uint8_t)p->readiness;
        rc = lww_put(vt, m->team_status, p->team_id.data, DOMAIN_ID_LEN, ev,
                     &r, 1, NULL, NULL, NULL);
    }
    return rc;
}

static int s_on_order(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__DeploymentOrdered *o = ev->deployment_ordered;
    if (o->order_id.len != DOMAIN_ID_LEN)
        return 0;
    uint8_t head[1 + DOMAIN_ID_LEN];
    head[0] = ev->exercise ? 1 : 0;
    s_incident(ev, head + 1);
    return s_put(vt, m->orders, o->order_id.data, ev, head, sizeof head,
                 &o->base);
}

static int s_on_ack(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    const Xy__DeploymentAcked *a = ev->deployment_acked;
    if (a->order_id.len != DOMAIN_ID_LEN)
        return 0;
    return s_put(vt, m->order_acks, a->order_id.data, ev, NULL, 0, &a->base);
}

void dispatch_model_register(domain_model_t *m)
{
    m->teams = view_set_add(m->views, "teams");
    m->team_status = view_set_add(m->views, "team_status");
    m->team_positions = view_set_add(m->views, "team_positions");
    m->orders = view_set_add(m->views, "orders");
    m->order_acks = view_set_add(m->views, "order_acks");
    view_set_on(m->views, XY__EVENT__BODY_TEAM_REGISTERED, s_on_team, m);
    view_set_on(m->views, XY__EVENT__BODY_TEAM_STATUS_CHANGED, s_on_status,
                m);
    view_set_on(m->views, XY__EVENT__BODY_POSITION_REPORTED, s_on_position,
                m);
    view_set_on(m->views, XY__EVENT__BODY_DEPLOYMENT_ORDERED, s_on_order, m);
    view_set_on(m->views, XY__EVENT__BODY_DEPLOYMENT_ACKED, s_on_ack, m);
}

int dispatch_team_get(view_txn_t *vt, const domain_model_t *m,
                      const domain_id_t *id, team_t *out, bool *exercise)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, m->teams, id->b, DOMAIN_ID_LEN, &v, &n);
    if (rc)
        return rc;
    if (n < 1)
        return XY_ECORRUPT;
    Xy__TeamRegistered *r =
        xy__team_registered__unpack(NULL, n - 1, (const uint8_t *)v + 1);
    if (!r)
        return XY_ECORRUPT;
    rc = team_from_event(out, r);
    xy__team_registered__free_unpacked(r, NULL);
    if (exercise)
        *exercise = ((const uint8_t *)v)[0] != 0;
    return rc;
}

void dispatch_team_readiness(view_txn_t *vt, const domain_model_t *m,
                             const domain_id_t *id, int *readiness,
                             uint64_t *since_ms)
{
    const void *v;
    size_t n;
    *readiness = XY__READINESS__READINESS_STANDBY;
    *since_ms = 0;
    if (view_get(vt, m->team_status, id->b, DOMAIN_ID_LEN, &v, &n) == 0 &&
        n == LWW_HEADER + 1) {
        *readiness = ((const uint8_t *)v)[LWW_HEADER];
        *since_ms = s_hlc_ms(v);
    }
}

/* The last reported position of a team, if any. */
static bool s_position(view_txn_t *vt, const domain_model_t *m,
                       const domain_id_t *id, double *lat, double *lon,
                       uint64_t *at)
{
    const void *v;
    size_t n;
    if (view_get(vt, m->team_positions, id->b, DOMAIN_ID_LEN, &v, &n) ||
        n < LWW_HEADER)
        return false;
    Xy__PositionReported *p = xy__position_reported__unpack(
        NULL, n - LWW_HEADER, (const uint8_t *)v + LWW_HEADER);
    bool ok = p && p->position &&
              geo_check_point(p->position->lat, p->position->lon) == 0;
    if (ok) {
        *lat = p->position->lat;
        *lon = p->position->lon;
        *at = s_hlc_ms(v);
    }
    if (p)
        xy__position_reported__free_unpacked(p, NULL);
    return ok;
}

typedef struct s_scan {
    view_txn_t *vt;
    const domain_model_t *m;
    uint64_t now;
    bool relief_only;
    json_t *arr;
    team_t *team;                /* scratch */
    dispatch_team_t *plan;       /* for dispatch_plan_teams */
    size_t n, cap;
} s_scan_t;

static json_t *s_langs(const team_t *t)
{
    json_t *a = json_array();
    for (size_t k = 0; k < t->n_members; k++)
        for (size_t i = 0; i < t->members[k].n_languages; i++) {
            const char *l = t->members[k].languages[i];
            bool seen = false;
            for (size_t j = 0; j < json_array_size(a) && !seen; j++)
                seen = strcmp(json_string_value(json_array_get(a, j)), l) == 0;
            if (!seen)
                json_array_append_new(a, json_string(l));
        }
    return a;
}

static json_t *s_members(const team_t *t)
{
    json_t *a = json_array();
    char role[32];
    for (size_t k = 0; k < t->n_members; k++) {
        const team_member_t *mb = &t->members[k];
        json_t *l = json_array(), *q = json_array();
        for (size_t i = 0; i < mb->n_languages; i++)
            json_array_append_new(l, json_string(mb->languages[i]));
        for (size_t i = 0; i < mb->n_quals; i++)
            json_array_append_new(q, json_string(mb->quals[i]));
        json_array_append_new(
            a, json_pack("{s:s, s:s, s:o, s:o}", "name", mb->name, "role",
                         domain_enum_name(&xy__role__descriptor, "ROLE_",
                                          mb->role, role, sizeof role),
                         "languages", l, "qualifications", q));
    }
    return a;
}

static int s_team_entry(const void *key, size_t klen, const void *val,
                        size_t vlen, void *arg)
{
    s_scan_t *c = arg;
    (void)val;
    (void)vlen;
    if (klen != DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    domain_id_t id;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    bool exercise = false;
    int rc = dispatch_team_get(c->vt, c->m, &id, c->team, &exercise);
    if (rc)
        return rc;
    const team_t *t = c->team;
    int r;
    uint64_t since, at = 0;
    dispatch_team_readiness(c->vt, c->m, &id, &r, &since);
    bool avail = team_available(r, since, c->now, t->min_rest_days);
    bool relief = team_relief_due(r, since, c->now, t->max_deployed_days);
    double lat = t->lat, lon = t->lon;
    bool moved = s_position(c->vt, c->m, &id, &lat, &lon, &at);
    if (c->plan) {
        if (c->n == DISPATCH_PLAN_MAX_TEAMS)
            return XY_ETOOBIG;
        dispatch_team_t *d = &c->plan[c->n++];
        memset(d, 0, sizeof *d);
        d->id = id;
        snprintf(d->name, sizeof d->name, "%s", t->name);
        d->lat = lat;
        d->lon = lon;
        d->capacity = team_capacity(t);
        d->psychiatrists = team_psychiatrists(t);
        d->available = avail;
        return 0;
    }
    if (c->relief_only && !relief)
        return 0;
    char hex[DOMAIN_ID_HEX], lv[32], rd[32];
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:{s:f, s:f}, s:i, s:i, s:o, s:o, s:s, s:I, s:i, "
        "s:i, s:b, s:b, s:b}",
        "id", domain_id_format(&id, hex), "name", t->name, "level",
        domain_enum_name(&xy__team_level__descriptor, "TEAM_", t->level, lv,
                         sizeof lv),
        "home", "lat", t->lat, "lon", t->lon, "capacity",
        (int)team_capacity(t), "psychiatrists", (int)team_psychiatrists(t),
        "languages", s_langs(t), "members", s_members(t), "readiness",
        domain_enum_name(&xy__readiness__descriptor, "READINESS_", r, rd,
                         sizeof rd),
        "since", (json_int_t)since, "max_deployed_days",
        (int)t->max_deployed_days, "min_rest_days", (int)t->min_rest_days,
        "available", avail, "relief_due", relief, "exercise", exercise);
    if (!o)
        return XY_ENOMEM;
    if (moved)
        json_object_set_new(o, "position",
                            json_pack("{s:f, s:f, s:I}", "lat", lat, "lon",
                                      lon, "at", (json_int_t)at));
    json_array_append_new(c->arr, o);
    return 0;
}

json_t *dispatch_team_list(view_txn_t *vt, const domain_model_t *m,
                           uint64_t now_ms, bool relief_only)
{
    s_scan_t c = {vt, m, now_ms, relief_only, json_array(),
                  xmalloc(sizeof(team_t)), NULL, 0, 0};
    int rc = view_scan(vt, m->teams, NULL, 0, s_team_entry, &c);
    free(c.team);
    if (rc) {
        json_decref(c.arr);
        return NULL;
    }
    return c.arr;
}

int dispatch_plan_teams(view_txn_t *vt, const domain_model_t *m,
                        uint64_t now_ms, dispatch_team_t **out, size_t *n)
{
    s_scan_t c = {vt, m, now_ms, false, NULL, xmalloc(sizeof(team_t)),
                  xcalloc(DISPATCH_PLAN_MAX_TEAMS, sizeof(dispatch_team_t)), 0,
                  0};
    int rc = view_scan(vt, m->teams, NULL, 0, s_team_entry, &c);
    free(c.team);
    if (rc) {
        free(c.plan);
        return rc;
    }
    *out = c.plan;
    *n = c.n;
    return 0;
}

/* The API's routes about teams and dispatch (docs/api.md): the team
 * board and readiness changes, adding and editing teams (the checks of `team add` / `team edit`: a member is
 * parsed by team_member_parse and the team by team_check), the orders and
 * their acknowledgement, the coordinator's agents and their sync state,
 * and need against deployed capacity per zone of an incident. */
#include "app/http_api_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/enroll.h"
#include "domain/assessment.h"
#include "domain/dispatch_model.h"
#include "domain/lww.h"
#include "domain/person.h"
#include "domain/red_flag.h"
#include "domain/team.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ teams */

typedef struct s_teams {
    const domain_model_t *m;
    uint64_t now;
    json_t *out;
    const domain_id_t *team; /* for the lookup of one team */
    bool found;              /* it is registered here */
    bool exercise;           /* it is a drill's */
} s_teams_t;

static int s_teams_cb(view_txn_t *vt, void *arg)
{
    s_teams_t *t = arg;
    t->out = dispatch_team_list(vt, t->m, t->now, false);
    return t->out ? 0 : XY_ECORRUPT;
}

void api_get_teams(void *arg, const http_request_t *req,
                        http_response_t *resp)
{
    (void)req;
    app_http_t *h = arg;
    s_teams_t t = {app_model(h->app), api_wall_ms(), NULL, NULL, false, false};
    int rc = event_log_view_read(node_log(app_node(h->app)), s_teams_cb, &t);
    if (rc) {
        json_decref(t.out);
        api_error(resp, 500, rc, "", xy_strerror(rc));
        return;
    }
    resp->json = t.out;
}

/* Whether the team is registered here, and whether it is a drill's. */
static int s_team_held_cb(view_txn_t *vt, void *arg)
{
    s_teams_t *t = arg;
    team_t *team = xmalloc(sizeof *team);
    bool exercise = false;
    int rc = dispatch_team_get(vt, t->m, t->team, team, &exercise);
    free(team);
    t->found = rc == 0;
    t->exercise = exercise;
    return rc == XY_ENOENT ? 0 : rc;
}

/* POST /api/teams/{id}/status {"readiness": "deployed"}. */
void api_post_team_status(void *arg, const http_request_t *req,
                               http_response_t *resp)
{
    app_http_t *h = arg;
    char hex[DOMAIN_ID_HEX];
    domain_id_t id;
    if (api_path_id(req, "/api/teams/", "team", &id, hex, resp))
        return;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    s_teams_t t = {app_model(h->app), api_wall_ms(), NULL, &id, false, false};
    int rc = event_log_view_read(node_log(app_node(h->app)), s_team_held_cb,
                                 &t);
    const char *text = json_string_value(json_object_get(b, "readiness"));
    int readiness = 0;
    team_status_event_t e;
    domain_error_t err;
    char names[160];
    if (rc)
        api_error(resp, 500, rc, "", xy_strerror(rc));
    else if (!t.found)
        api_error(resp, 404, XY_ENOENT, "team", "no such team here");
    else if (!text ||
             domain_enum_parse(&xy__readiness__descriptor, "READINESS_", text,
                               &readiness) ||
             readiness == 0)
        api_error(resp, 400, XY_EINVAL, "readiness",
                  domain_enum_names(&xy__readiness__descriptor, "READINESS_",
                                  names, sizeof names));
    else if ((rc = team_status_build(&e, &id, readiness, t.exercise,
                                     api_author(h), &err)))
        api_domain_error(resp, &err);
    else if (api_write(h, &e.ev, NULL, resp) == 0)
        resp->json = json_pack("{s:s, s:s}", "team", hex, "readiness", text);
    json_decref(b);
}

/* ------------------------------------------------------------ team edits */

/* Reads members [{name, role, languages, qualifications}] into t, with
 * the team's languages and qualifications for members that give none.
 * 0, or resp holds the 400 naming the member. */
static int s_members(json_t *b, team_t *t, http_response_t *resp)
{
    json_t *arr = json_object_get(b, "members"), *m;
    size_t i;
    char msg[256];
    if (!json_is_array(arr) || json_array_size(arr) > TEAM_MEMBERS_MAX) {
        api_error(resp, 400, XY_EINVAL, "members", "members must be an array "
                  "of at most 64 {name, role, languages, qualifications}");
        return XY_EINVAL;
    }
    t->n_members = 0;
    json_array_foreach(arr, i, m)
    {
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *role = json_string_value(json_object_get(m, "role"));
        json_t *langs = json_object_get(m, "languages");
        json_t *quals = json_object_get(m, "qualifications");
        char spec[4 * TEAM_TEXT_MAX * TEAM_LIST_MAX];
        snprintf(spec, sizeof spec, "%s:%s:", name ? name : "",
                 role ? role : "");
        int rc = !name || !role || strpbrk(name, ":|") || strchr(role, ':');
        if (!rc)
            rc = api_join(langs ? langs : json_object_get(b, "languages"),
                          '|', ":|", spec, sizeof spec);
        if (!rc && strlen(spec) + 2 < sizeof spec)
            strcat(spec, ":");
        if (!rc)
            rc = api_join(quals ? quals
                                : json_object_get(b, "qualifications"),
                          '|', ":|", spec, sizeof spec);
        domain_error_t err;
        if (rc || team_member_parse(&t->members[i], spec, &err)) {
            snprintf(msg, sizeof msg, "member %zu: %s", i + 1,
                     rc ? "name and role are text without ':' or '|', "
                          "languages and qualifications arrays of short "
                          "text"
                        : err.msg);
            api_error(resp, 400, XY_EINVAL, "members", msg);
            return XY_EINVAL;
        }
        app_random_id(t->members[i].id.b);
        t->n_members++;
    }
    return 0;
}

/* Reads a number field in lo..hi; absent leaves *out. 0 or 400. */
static int s_number(json_t *b, const char *key, double lo, double hi,
                    double *out, http_response_t *resp)
{
    json_t *v = json_object_get(b, key);
    if (!v)
        return 0;
    double x = json_number_value(v);
    if (!json_is_number(v) || !isfinite(x) || x < lo || x > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s must be a number in %g..%g", key, lo,
                 hi);
        api_error(resp, 400, XY_EINVAL, key, msg);
        return XY_EINVAL;
    }
    *out = x;
    return 0;
}

/* Applies the fields of body b to t, as `team add` / `team edit` apply
 * their options. 0, or resp holds the 400 naming the field. */
static int s_apply(json_t *b, team_t *t, http_response_t *resp)
{
    json_t *name = json_object_get(b, "name");
    json_t *level = json_object_get(b, "level");
    if (name && (!json_is_string(name) ||
                 strlen(json_string_value(name)) > TEAM_NAME_MAX)) {
        api_error(resp, 400, XY_EINVAL, "name",
                  "name must be text of at most 100 bytes");
        return XY_EINVAL;
    }
    if (name)
        snprintf(t->name, sizeof t->name, "%s", json_string_value(name));
    if (level && (domain_enum_parse(&xy__team_level__descriptor, "TEAM_",
                                    json_string_value(level), &t->level) ||
                  t->level == 0)) {
        api_error(resp, 400, XY_EINVAL, "level",
                  "level must be province, prefecture or county");
        return XY_EINVAL;
    }
    double maxd = t->max_deployed_days, rest = t->min_rest_days;
    int rc = s_number(b, "lat", -90, 90, &t->lat, resp);
    if (!rc)
        rc = s_number(b, "lon", -180, 180, &t->lon, resp);
    if (!rc)
        rc = s_number(b, "max_deployed_days", 1, TEAM_DAYS_MAX, &maxd, resp);
    if (!rc)
        rc = s_number(b, "min_rest_days", 0, TEAM_DAYS_MAX, &rest, resp);
    if (!rc && json_object_get(b, "members"))
        rc = s_members(b, t, resp);
    t->max_deployed_days = (uint32_t)maxd;
    t->min_rest_days = (uint32_t)rest;
    return rc;
}

/* Checks and writes t; answers {"id"} with status. */
static void s_team_write(app_http_t *h, const team_t *t, bool exercise,
                         int status, http_response_t *resp)
{
    team_event_t *e = xmalloc(sizeof *e);
    domain_error_t err;
    if (team_register(e, t, exercise, api_author(h), &err))
        api_domain_error(resp, &err);
    else if (api_write(h, &e->ev, NULL, resp) == 0) {
        char hex[DOMAIN_ID_HEX];
        resp->status = status;
        resp->json = json_pack("{s:s, s:s}", "id",
                               domain_id_format(&t->id, hex), "name",
                               t->name);
    }
    free(e);
}

void api_post_team_add(void *arg, const http_request_t *req,
                       http_response_t *resp)
{
    app_http_t *h = arg;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    team_t *t = xcalloc(1, sizeof *t);
    app_random_id(t->id.b);
    t->max_deployed_days = TEAM_DEFAULT_MAX_DEPLOYED_DAYS;
    t->min_rest_days = TEAM_DEFAULT_MIN_REST_DAYS;
    t->lat = NAN;
    t->lon = NAN;
    if (s_apply(b, t, resp) == 0) {
        if (isnan(t->lat) || isnan(t->lon))
            api_error(resp, 400, XY_EMISSING, isnan(t->lat) ? "lat" : "lon",
                      "lat and lon (the home base) are required");
        else
            s_team_write(h, t, false, 201, resp);
    }
    free(t);
    json_decref(b);
}

typedef struct s_team_get {
    const domain_model_t *m;
    const domain_id_t *id;
    team_t *team;
    bool exercise;
} s_team_get_t;

static int s_team_get_cb(view_txn_t *vt, void *arg)
{
    s_team_get_t *g = arg;
    return dispatch_team_get(vt, g->m, g->id, g->team, &g->exercise);
}

void api_post_team_edit(void *arg, const http_request_t *req,
                        http_response_t *resp)
{
    app_http_t *h = arg;
    char hex[DOMAIN_ID_HEX];
    domain_id_t id;
    if (api_path_id(req, "/api/teams/", "team", &id, hex, resp))
        return;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    team_t *t = xcalloc(1, sizeof *t);
    s_team_get_t g = {app_model(h->app), &id, t, false};
    int rc = api_read(h, s_team_get_cb, &g, resp);
    if (rc == XY_ENOENT)
        api_error(resp, 404, rc, "team", "no such team here");
    else if (!rc && s_apply(b, t, resp) == 0)
        s_team_write(h, t, g.exercise, 200, resp);
    free(t);
    json_decref(b);
}

/* ------------------------------------------------------------ orders */

typedef struct s_orders {
    const domain_model_t *m;
    json_t *out;
} s_orders_t;

static int s_orders_cb(view_txn_t *vt, void *arg)
{
    s_orders_t *r = arg;
    r->out = dispatch_order_list(vt, r->m, NULL, NULL);
    return r->out ? 0 : XY_ECORRUPT;
}

static uint64_t s_order_timeout_ms(app_http_t *h)
{
    int64_t min = config_int(node_config(app_node(h->app)),
                             "order_ack_timeout_min");
    return (uint64_t)(min > 0 ? min : 15) * 60000;
}

void api_get_orders(void *arg, const http_request_t *req,
                    http_response_t *resp)
{
    (void)req;
    app_http_t *h = arg;
    s_orders_t r = {app_model(h->app), NULL};
    if (api_read(h, s_orders_cb, &r, resp))
        return;
    uint64_t now = api_wall_ms(), limit = s_order_timeout_ms(h);
    size_t i;
    json_t *o;
    json_array_foreach(r.out, i, o)
    {
        json_t *by = json_object_get(o, "acknowledged_by");
        bool acked = json_is_string(by);
        uint64_t at = (uint64_t)json_integer_value(
            json_object_get(o, "ordered_at"));
        json_object_set_new(o, "acked", json_boolean(acked));
        json_object_set(o, "acked_by", by ? by : json_null());
        json_object_set_new(o, "overdue",
                            json_boolean(!acked && now >= at + limit));
    }
    resp->json = r.out;
}

typedef struct s_order_find {
    const domain_model_t *m;
    domain_id_t order, team, incident;
    bool exercise;
    char by[DISPATCH_BY_MAX + 1]; /* who acknowledged it, "" when open */
} s_order_find_t;

static int s_order_find_cb(view_txn_t *vt, void *arg)
{
    s_order_find_t *f = arg;
    int rc = dispatch_order_find(vt, f->m, &f->order, &f->team, &f->incident,
                                 &f->exercise);
    if (rc)
        return rc;
    json_t *all = dispatch_order_list(vt, f->m, &f->team, NULL), *o;
    char hex[DOMAIN_ID_HEX];
    domain_id_format(&f->order, hex);
    size_t i;
    json_array_foreach(all, i, o)
    {
        const char *by = json_string_value(
            json_object_get(o, "acknowledged_by"));
        if (by && strcmp(json_string_value(json_object_get(o, "id")), hex) ==
                      0)
            snprintf(f->by, sizeof f->by, "%s", by);
    }
    json_decref(all);
    return 0;
}

void api_post_order_ack(void *arg, const http_request_t *req,
                        http_response_t *resp)
{
    app_http_t *h = arg;
    char hex[DOMAIN_ID_HEX];
    s_order_find_t f = {.m = app_model(h->app)};
    if (api_path_id(req, "/api/orders/", "order", &f.order, hex, resp))
        return;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    const char *by = json_string_value(json_object_get(b, "by"));
    int rc = api_read(h, s_order_find_cb, &f, resp);
    dispatch_field_event_t e;
    domain_error_t err;
    char msg[160];
    if (rc == XY_ENOENT)
        api_error(resp, 404, rc, "order", "no such order here (not received "
                  "yet?)");
    else if (!rc && f.by[0]) {
        snprintf(msg, sizeof msg, "already acknowledged by %s", f.by);
        api_error(resp, 409, XY_ESTATE, "order", msg);
    } else if (!rc && dispatch_ack_build(&e, &f.order, &f.team, &f.incident,
                                         by, f.exercise, api_author(h), &err))
        api_domain_error(resp, &err);
    else if (!rc && api_write(h, &e.ev, NULL, resp) == 0)
        resp->json = json_pack("{s:s, s:b, s:s}", "order", hex, "acked",
                               true, "acked_by", by);
    json_decref(b);
}

/* ------------------------------------------------------------ agents */

/* One enrolled agent with what the sync server knows of it (stats may be
 * NULL: not heard from since the daemon started). The state is "revoked",
 * "not connected" (not heard from since the coordinator started),
 * "online" / "offline" (heard from within sync_timeout_ms or not) when
 * the stats carry a wall-clock last_seen_ms, else "seen". */
static json_t *s_agent_json(const enroll_entry_t *e, json_t *stats,
                            uint64_t last_position, uint64_t now,
                            uint64_t timeout_ms)
{
    char nid[33];
    json_t *seen = json_object_get(stats, "last_seen_ms");
    json_int_t acked = json_integer_value(json_object_get(stats, "acked"));
    json_int_t sessions =
        json_integer_value(json_object_get(stats, "sessions"));
    uint64_t at = (uint64_t)json_integer_value(seen);
    const char *state = e->revoked ? "revoked"
                        : !stats   ? "not connected"
                        : !seen    ? "seen"
                        : now < at + timeout_ms ? "online"
                                                : "offline";
    return json_pack(
        "{s:s, s:s, s:O, s:o, s:I, s:s}", "name", e->name, "node_id",
        xy_hex(nid, e->node_id, 16), "last_seen_ms",
        seen ? seen : json_null(), "backlog",
        stats && (json_int_t)last_position >= acked
            ? json_integer((json_int_t)last_position - acked)
            : json_null(),
        "sessions", sessions, "state", state);
}

void api_get_agents(void *arg, const http_request_t *req,
                    http_response_t *resp)
{
    (void)req;
    app_http_t *h = arg;
    app_t *app = h->app;
    if (strcmp(app_spec(app)->role, "coordinator") != 0) {
        api_error(resp, 404, XY_ENOENT, "", "agents are listed by the "
                  "coordinator; an agent shows its own sync in /api/status");
        return;
    }
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/enrolled", app_data_dir(app));
    enroll_list_t l;
    int rc = enroll_load(dir, &l, NULL);
    if (rc) {
        api_error(resp, 500, rc, "", xy_strerror(rc));
        return;
    }
    json_t *live = app_spec(app)->live_status
                       ? app_spec(app)->live_status(app)
                       : NULL;
    json_t *stats = json_object_get(live, "agents");
    uint64_t last = event_log_last_position(node_log(app_node(app)));
    int64_t timeout = config_int(node_config(app_node(app)),
                                 "sync_timeout_ms");
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(
            arr, s_agent_json(&l.items[i],
                              json_object_get(stats, l.items[i].name), last,
                              api_wall_ms(),
                              (uint64_t)(timeout > 0 ? timeout : 20000)));
    enroll_list_free(&l);
    json_decref(live);
    resp->json = arr;
}

/* ------------------------------------------------------------ zones */

typedef struct s_zones {
    const domain_model_t *m;
    domain_id_t incident;
    json_t *zones;   /* the latest assessment's zones */
    json_t *teams;   /* dispatch_team_list */
    json_t *orders;  /* dispatch_order_list of the incident */
    json_t *flags;   /* open red flags */
    json_t *persons; /* person id -> zone hex */
    json_t *triaged; /* zone hex -> persons triaged */
    char *hazard;    /* the assessment's hazard (owned) */
} s_zones_t;

static int s_zones_cb(view_txn_t *vt, void *arg)
{
    s_zones_t *z = arg;
    assessment_t *a = NULL;
    int rc = assessment_latest(vt, z->m, &z->incident, &a);
    if (rc)
        return rc;
    json_t *summary = assessment_json(a, 0);
    assessment_destroy(&a);
    z->zones = json_incref(json_object_get(summary, "zones"));
    const char *hz = json_string_value(json_object_get(summary, "hazard"));
    z->hazard = hz ? xstrdup(hz) : NULL;
    json_decref(summary);
    z->teams = dispatch_team_list(vt, z->m, api_wall_ms(), false);
    z->orders = dispatch_order_list(vt, z->m, NULL, &z->incident);
    z->flags = red_flag_list(vt, z->m, true);
    z->persons = json_object();
    z->triaged = json_object();
    json_t *all = person_list(vt, z->m), *o;
    size_t i;
    json_array_foreach(all, i, o)
    {
        domain_id_t id;
        if (domain_id_parse(&id, json_string_value(json_object_get(o, "id"))))
            continue;
        const void *v;
        size_t n;
        if (lww_get(vt, z->m->person_places, id.b, DOMAIN_ID_LEN, &v, &n) ||
            n < DOMAIN_ID_LEN)
            continue;
        Xy__Place *p = xy__place__unpack(NULL, n - DOMAIN_ID_LEN,
                                         (const uint8_t *)v + DOMAIN_ID_LEN);
        if (p && p->zone_id.len == DOMAIN_ID_LEN) {
            domain_id_t zid;
            char zh[DOMAIN_ID_HEX];
            memcpy(zid.b, p->zone_id.data, DOMAIN_ID_LEN);
            domain_id_format(&zid, zh);
            json_object_set_new(z->persons,
                                json_string_value(json_object_get(o, "id")),
                                json_string(zh));
            if (lww_get(vt, z->m->triage_latest, id.b, DOMAIN_ID_LEN, &v,
                        &n) == 0 && n >= 1 && ((const uint8_t *)v)[0] > 0)
                json_object_set_new(
                    z->triaged, zh,
                    json_integer(json_integer_value(
                                     json_object_get(z->triaged, zh)) +
                                 1));
        }
        if (p)
            xy__place__free_unpacked(p, NULL);
    }
    json_decref(all);
    return z->zones && z->teams && z->orders && z->flags ? 0 : XY_ECORRUPT;
}

/* Workers of the teams whose latest order of the incident is to zone. */
static json_int_t s_deployed(const s_zones_t *z, const char *zone)
{
    json_int_t sum = 0;
    size_t i, k;
    json_t *o, *t;
    json_array_foreach(z->orders, i, o)
    {
        const char *team = json_string_value(json_object_get(o, "team"));
        /* Orders are oldest first: a later order of the team wins. */
        bool later = false;
        for (k = i + 1; k < json_array_size(z->orders) && !later; k++)
            later = strcmp(json_string_value(json_object_get(
                               json_array_get(z->orders, k), "team")),
                           team) == 0;
        if (later ||
            strcmp(json_string_value(json_object_get(o, "zone")), zone) != 0)
            continue;
        json_array_foreach(z->teams, k, t)
            if (strcmp(json_string_value(json_object_get(t, "id")), team) ==
                0)
                sum += json_integer_value(json_object_get(t, "capacity"));
    }
    return sum;
}

static json_int_t s_flags_in(const s_zones_t *z, const char *zone)
{
    json_int_t n = 0;
    size_t i;
    json_t *f;
    json_array_foreach(z->flags, i, f)
    {
        const char *pz = json_string_value(json_object_get(
            z->persons, json_string_value(json_object_get(f, "person"))));
        n += pz && strcmp(pz, zone) == 0;
    }
    return n;
}

json_t *api_zone_rows(app_http_t *h, const domain_id_t *incident,
                      http_response_t *resp)
{
    s_zones_t z = {.m = app_model(h->app), .incident = *incident};
    json_t *arr = NULL, *o;
    int rc = api_read(h, s_zones_cb, &z, resp);
    if (rc == XY_ENOENT)
        api_error(resp, 404, rc, "incident",
                  "no assessment held for this incident");
    if (!rc) {
        arr = json_array();
        bool quake = z.hazard && strcmp(z.hazard, "earthquake") == 0;
        size_t i;
        json_array_foreach(z.zones, i, o)
        {
            const char *id = json_string_value(json_object_get(o, "id"));
            json_t *row = json_pack(
                "{s:s, s:O, s:O, s:O, s:O, s:O, s:I, s:I, s:I}", "zone", id,
                "name", json_object_get(o, "name"), "band",
                json_object_get(o, "band"), "county_code",
                json_object_get(o, "county_code"), "exposed",
                json_object_get(o, "population"), "need_workers",
                json_object_get(o, "workers_needed"), "deployed_workers",
                s_deployed(&z, id), "triaged",
                json_integer_value(json_object_get(z.triaged, id)),
                "flags_open", s_flags_in(&z, id));
            if (row)
                json_object_set(row, "intensity",
                                quake ? json_object_get(o, "level")
                                      : json_null());
            json_array_append_new(arr, row);
        }
    }
    free(z.hazard);
    json_decref(z.zones);
    json_decref(z.teams);
    json_decref(z.orders);
    json_decref(z.flags);
    json_decref(z.persons);
    json_decref(z.triaged);
    return arr;
}

void api_get_zones(void *arg, const http_request_t *req,
                   http_response_t *resp)
{
    app_http_t *h = arg;
    domain_id_t incident;
    if (api_query_id(req, "incident", &incident, resp))
        return;
    json_t *rows = api_zone_rows(h, &incident, resp);
    if (rows)
        resp->json = rows;
}

/* The HTTP API of both daemons (http_api.h, docs/api.md): the route table
 * (each route with the permission it needs, checked by the guard of
 * http_auth.c), the shared helpers of http_api_internal.h, and the routes
 * of status, incidents, counts, flags, instruments, assessments and
 * reports (people: http_people.c; teams and dispatch: http_dispatch.c;
 * the map: http_map.c). Every route reads the views in one read transaction
 * and turns them into JSON with the domain listings the command line uses,
 * or validates a JSON body and records it with the domain builder the
 * matching command uses. Errors are {"error": {"code", "field",
 * "message"}} with a status that says whose fault it is. */
#include "app/http_api_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/http.h"
#include "domain/assessment.h"
#include "domain/exercise.h"
#include "domain/team.h"
#include "domain/followup.h"
#include "domain/followup_model.h"
#include "domain/incident.h"
#include "domain/person.h"
#include "domain/red_flag.h"
#include "domain/screening.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define S_POLL_MS 250     /* how often the log is checked for growth */

/* ------------------------------------------------------------ helpers */

void api_error(http_response_t *resp, int status, int code,
               const char *field, const char *msg)
{
    resp->status = status;
    json_decref(resp->json);
    resp->json = json_pack("{s:{s:s, s:s, s:s}}", "error", "code",
                           xy_errname(code), "field", field ? field : "",
                           "message", msg);
}

int api_status_of(int code)
{
    switch (code) {
    case XY_ENOENT:
        return 404;
    case XY_EEXIST:
    case XY_ESTATE:
    case XY_EEXERCISE:
        return 409;
    case XY_EINVAL:
    case XY_ERANGE:
    case XY_ETOOBIG:
    case XY_EANSWER:
    case XY_EINCOMPLETE:
    case XY_EDOMAIN:
    case XY_EPARSE:
    case XY_EMISSING:
        return 400;
    default:
        return 500;
    }
}

void api_domain_error(http_response_t *resp, const domain_error_t *err)
{
    api_error(resp, api_status_of(err->code), err->code, err->field,
              err->msg);
}

json_t *api_body(const http_request_t *req, http_response_t *resp)
{
    json_error_t je;
    json_t *o = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES,
                           &je);
    if (!o || !json_is_object(o)) {
        char msg[256];
        snprintf(msg, sizeof msg, "the body must be a JSON object%s%s",
                 o ? "" : ": ", o ? "" : je.text);
        json_decref(o);
        api_error(resp, 400, XY_EPARSE, "", msg);
        return NULL;
    }
    return o;
}

int api_write(app_http_t *h, Xy__Event *ev, uint64_t *position,
              http_response_t *resp)
{
    event_log_t *log = node_log(app_node(h->app));
    exercise_memo_t *memo = xcalloc(1, sizeof *memo);
    char why[EXERCISE_WHY_MAX], msg[EXERCISE_WHY_MAX + 64];
    int rc = exercise_check_log(log, app_model(h->app), ev, memo, why,
                                sizeof why);
    free(memo);
    if (rc == XY_EEXERCISE) {
        snprintf(msg, sizeof msg, "refused: %s (exercise and real data must "
                 "not mix)", why);
        api_error(resp, 409, rc, "exercise", msg);
        return rc;
    }
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    if (!rc)
        rc = event_log_write(log, &w, 1, NULL);
    if (!rc)
        rc = w.status;
    if (rc) {
        api_error(resp, 500, rc, "", xy_strerror(rc));
        return rc;
    }
    if (position)
        *position = w.position;
    return 0;
}

uint64_t api_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *api_author(const app_http_t *h)
{
    return h->caller.user[0] ? h->caller.user : app_user(h->app);
}

int api_read(app_http_t *h, int (*fn)(view_txn_t *vt, void *arg), void *arg,
             http_response_t *resp)
{
    int rc = event_log_view_read(node_log(app_node(h->app)), fn, arg);
    if (rc && rc != XY_ENOENT)
        api_error(resp, 500, rc, "", xy_strerror(rc));
    return rc;
}

int api_query_id(const http_request_t *req, const char *name,
                 domain_id_t *id, http_response_t *resp)
{
    char v[64], msg[96];
    const char *text = http_query_get(req, name, v, sizeof v);
    if (text && domain_id_parse(id, text) == 0)
        return 0;
    snprintf(msg, sizeof msg, "?%s= needs an id of 32 hex digits", name);
    api_error(resp, 400, XY_EINVAL, name, msg);
    return XY_EINVAL;
}

/* ------------------------------------------------------------ listings */

enum s_listing { L_INCIDENTS, L_SITES, L_LEVELS, L_FLAGS,
                 L_FLAGS_OPEN };

typedef struct s_read {
    const domain_model_t *m;
    enum s_listing what;
    json_t *out;
    uint64_t flag_timeout_ms; /* when an open flag is overdue */
} s_read_t;

static int s_read_cb(view_txn_t *vt, void *arg)
{
    s_read_t *r = arg;
    switch (r->what) {
    case L_INCIDENTS:
        r->out = incident_list(vt, r->m);
        break;
    case L_SITES:
        r->out = person_site_counts(vt, r->m);
        break;
    case L_LEVELS:
        r->out = person_triage_counts(vt, r->m);
        break;
    case L_FLAGS:
    case L_FLAGS_OPEN:
        r->out = red_flag_list(vt, r->m, r->what == L_FLAGS_OPEN);
        if (r->out) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            red_flag_mark_overdue(r->out,
                                  (uint64_t)ts.tv_sec * 1000 +
                                      (uint64_t)ts.tv_nsec / 1000000,
                                  r->flag_timeout_ms);
        }
        break;
    }
    return r->out ? 0 : XY_ECORRUPT;
}

/* A new JSON array of one listing, also set as resp's body; NULL with
 * resp holding the error. */
static json_t *s_listing(app_http_t *h, enum s_listing what,
                         http_response_t *resp)
{
    s_read_t r = {app_model(h->app), what, NULL,
                  app_flag_timeout_ms(h->app)};
    int rc = event_log_view_read(node_log(app_node(h->app)), s_read_cb, &r);
    if (rc) {
        json_decref(r.out);
        api_error(resp, 500, rc, "", xy_strerror(rc));
        return NULL;
    }
    resp->json = r.out;
    return r.out;
}

static void s_get_incidents(void *arg, const http_request_t *req,
                            http_response_t *resp)
{
    (void)req;
    s_listing(arg, L_INCIDENTS, resp);
}

static void s_get_flags(void *arg, const http_request_t *req,
                        http_response_t *resp)
{
    char v[8];
    const char *open = http_query_get(req, "open", v, sizeof v);
    bool only = open && strcmp(open, "0") != 0 && strcmp(open, "false") != 0;
    s_listing(arg, only ? L_FLAGS_OPEN : L_FLAGS, resp);
}

static void s_get_counts(void *arg, const http_request_t *req,
                         http_response_t *resp)
{
    (void)req;
    json_t *sites = s_listing(arg, L_SITES, resp);
    if (!sites)
        return;
    resp->json = NULL; /* sites is held below */
    json_t *levels = s_listing(arg, L_LEVELS, resp);
    if (!levels) {
        json_decref(sites);
        return;
    }
    resp->json = json_pack("{s:o, s:o}", "sites", sites, "levels", levels);
}

static void s_get_status(void *arg, const http_request_t *req,
                         http_response_t *resp)
{
    (void)req;
    app_http_t *h = arg;
    app_t *app = h->app;
    const app_spec_t *spec = app_spec(app);
    event_log_t *log = node_log(app_node(app));
    char nid[33];
    xy_hex(nid, node_identity(app_node(app))->node_id, 16);
    json_t *incidents = s_listing(h, L_INCIDENTS, resp), *o;
    if (!incidents)
        return;
    resp->json = NULL; /* incidents is held here */
    json_t *live = spec->live_status ? spec->live_status(app) : NULL;
    bool exercise = false;
    size_t i;
    json_array_foreach(incidents, i, o)
        exercise = exercise || json_is_true(json_object_get(o, "exercise"));
    json_decref(incidents);
    resp->json = json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:o}", "role", spec->role, "name",
        config_string(node_config(app_node(app)), "name"), "node_id", nid,
        "events", (json_int_t)event_log_count(log), "last_position",
        (json_int_t)event_log_last_position(log), "live",
        live ? live : json_null());
    if (exercise)
        json_object_set_new(resp->json, "exercise", json_true());
}

static void s_get_instruments(void *arg, const http_request_t *req,
                              http_response_t *resp)
{
    (void)arg;
    (void)req;
    json_t *arr = json_array();
    for (size_t i = 0; i < screening_count(); i++) {
        const screening_instrument_t *in = screening_at(i);
        json_t *items = json_array();
        for (size_t k = 1; k <= screening_items(in); k++) {
            int lo = 0, hi = 0;
            if (screening_answer_range(in, (int)k, &lo, &hi) == 0)
                json_array_append_new(items, json_pack("[i, i]", lo, hi));
        }
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:I, s:o}", "name",
                           screening_name(in), "title_en",
                           screening_title_en(in), "title_zh",
                           screening_title_zh(in), "required",
                           (json_int_t)screening_required_items(in), "items",
                           items));
    }
    resp->json = arr;
}

/* ------------------------------------------------------------ incident */

typedef struct s_incident_read {
    const domain_model_t *m;
    domain_id_t incident;
    bool report;   /* the follow-up report, else the latest assessment */
    json_t *out;
} s_incident_read_t;

static int s_incident_cb(view_txn_t *vt, void *arg)
{
    s_incident_read_t *r = arg;
    if (r->report) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec /
                                                        1000000;
        r->out = followup_report(vt, r->m, &r->incident, now,
                                 FOLLOWUP_GRACE_DEFAULT_MS);
        return r->out ? 0 : XY_ECORRUPT;
    }
    assessment_t *a = NULL;
    int rc = assessment_latest(vt, r->m, &r->incident, &a);
    if (rc)
        return rc;
    r->out = assessment_json(a, 0);
    assessment_destroy(&a);
    return r->out ? 0 : XY_ENOMEM;
}

/* GET ...?incident=ID: the incident's latest assessment or its report. */
static void s_get_incident_view(app_http_t *h, const http_request_t *req,
                                http_response_t *resp, bool report)
{
    char v[64];
    const char *id = http_query_get(req, "incident", v, sizeof v);
    s_incident_read_t r = {app_model(h->app), {{0}}, report, NULL};
    if (!id || domain_id_parse(&r.incident, id)) {
        api_error(resp, 400, XY_EINVAL, "incident",
                  "?incident= needs an incident id of 32 hex digits");
        return;
    }
    int rc = event_log_view_read(node_log(app_node(h->app)), s_incident_cb,
                                 &r);
    if (rc) {
        json_decref(r.out);
        api_error(resp, api_status_of(rc), rc, "incident",
                  rc == XY_ENOENT ? "no assessment held for this incident"
                                : xy_strerror(rc));
        return;
    }
    resp->json = r.out;
}

static void s_get_assessment(void *arg, const http_request_t *req,
                             http_response_t *resp)
{
    s_get_incident_view(arg, req, resp, false);
}

static void s_get_report(void *arg, const http_request_t *req,
                         http_response_t *resp)
{
    s_get_incident_view(arg, req, resp, true);
}

int api_join(json_t *arr, char sep, const char *forbidden, char *buf,
             size_t len)
{
    size_t i, used = strlen(buf);
    json_t *v;
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return XY_EINVAL;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s || strpbrk(s, forbidden) || used + strlen(s) + 2 > len)
            return XY_EINVAL;
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 i ? (char[]){sep, '\0'} : "", s);
    }
    return 0;
}

/* ------------------------------------------------------------ flags */

typedef struct s_flag {
    const domain_model_t *m;
    const domain_id_t *id;
    domain_id_t incident;
    bool exercise;
    char by[RED_FLAG_NAME_MAX + 1]; /* who acknowledged it, "" when open */
} s_flag_t;

static int s_find_flag(view_txn_t *vt, void *arg)
{
    s_flag_t *f = arg;
    int rc = red_flag_find(vt, f->m, f->id, &f->incident, &f->exercise);
    if (rc)
        return rc;
    json_t *all = red_flag_list(vt, f->m, false), *o;
    char hex[DOMAIN_ID_HEX];
    domain_id_format(f->id, hex);
    size_t i;
    json_array_foreach(all, i, o)
    {
        const char *by =
            json_string_value(json_object_get(o, "acknowledged_by"));
        if (by && strcmp(json_string_value(json_object_get(o, "id")), hex) ==
                      0)
            snprintf(f->by, sizeof f->by, "%s", by);
    }
    json_decref(all);
    return 0;
}

int api_path_id(const http_request_t *req, const char *prefix,
                const char *what, domain_id_t *id, char hex[DOMAIN_ID_HEX],
                http_response_t *resp)
{
    const char *rest = req->path + strlen(prefix);
    size_t n = strcspn(rest, "/");
    if (n == 32) {
        memcpy(hex, rest, 32);
        hex[32] = '\0';
        if (domain_id_parse(id, hex) == 0)
            return 0;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "no such %s: an id is 32 hex digits", what);
    api_error(resp, 404, XY_ENOENT, what, msg);
    return XY_ENOENT;
}

/* POST /api/flags/{id}/ack */

static void s_post_ack(void *arg, const http_request_t *req,
                       http_response_t *resp)
{
    app_http_t *h = arg;
    char hex[DOMAIN_ID_HEX];
    domain_id_t fid;
    if (api_path_id(req, "/api/flags/", "flag", &fid, hex, resp))
        return;
    json_t *b = api_body(req, resp);
    if (!b)
        return;
    s_flag_t f = {.m = app_model(h->app), .id = &fid};
    int rc = event_log_view_read(node_log(app_node(h->app)), s_find_flag, &f);
    domain_event_t de;
    domain_error_t err;
    const char *by = json_string_value(json_object_get(b, "by"));
    const char *action = json_string_value(json_object_get(b, "action"));
    if (rc == XY_ENOENT)
        api_error(resp, 404, rc, "flag", "no such red flag here");
    else if (rc)
        api_error(resp, 500, rc, "", xy_strerror(rc));
    else if (f.by[0]) {
        char msg[160];
        snprintf(msg, sizeof msg, "already acknowledged by %s", f.by);
        api_error(resp, 409, XY_ESTATE, "flag", msg);
    } else if ((rc = red_flag_ack(&de, &fid, &f.incident, by, action,
                                  f.exercise, api_author(h), &err)))
        api_domain_error(resp, &err);
    else if (api_write(h, &de.ev, NULL, resp) == 0)
        resp->json = json_pack("{s:s, s:s, s:s?}", "flag", hex,
                               "acknowledged_by", by, "action", action);
    json_decref(b);
}

/* ------------------------------------------------------------ server */

/* The agent's routes; the coordinator serves the same but the first
 * (triage is done in the field), so its table starts one entry in. */
#define R USERS_P_READ
static const http_route_t s_routes[] = {
    {"POST", "/api/triage", api_post_triage, USERS_P_REGISTER},
    {"POST", "/api/login", api_post_login, API_PUBLIC},
    {"POST", "/api/logout", api_post_logout, API_SESSION},
    {"GET", "/api/me", api_get_me, API_SESSION},
    {"GET", "/api/status", s_get_status, R},
    {"GET", "/api/incidents", s_get_incidents, R},
    {"GET", "/api/persons", api_get_persons, USERS_P_PERSONS},
    {"GET", "/api/persons/*", api_get_person, USERS_P_PERSONS},
    {"GET", "/api/counts", s_get_counts, R},
    {"GET", "/api/flags", s_get_flags, R},
    {"GET", "/api/instruments", s_get_instruments, R},
    {"GET", "/api/assessment", s_get_assessment, R},
    {"GET", "/api/report", s_get_report, R},
    {"GET", "/api/teams", api_get_teams, R},
    {"GET", "/api/map", api_get_map, R},
    {"GET", "/api/zones", api_get_zones, R},
    {"GET", "/api/agents", api_get_agents, R},
    {"GET", "/api/orders", api_get_orders, R},
    {"GET", "/api/followups", api_get_followups, USERS_P_PERSONS},
    {"GET", "/api/services", api_get_services, R},
    {"GET", "/api/audit", api_get_audit, USERS_P_AUDIT},
    {"POST", "/api/teams", api_post_team_add, USERS_P_TEAMS_EDIT},
    {"POST", "/api/teams/*/status", api_post_team_status,
     USERS_P_TEAMS_EDIT | USERS_P_ACK_ORDERS},
    {"POST", "/api/teams/*", api_post_team_edit, USERS_P_TEAMS_EDIT},
    {"POST", "/api/flags/*/ack", s_post_ack, USERS_P_ACK_FLAGS},
    {"POST", "/api/orders/*/ack", api_post_order_ack, USERS_P_ACK_ORDERS},
    {"POST", "/api/persons", api_post_person, USERS_P_REGISTER},
    {"POST", "/api/handoffs", api_post_handoff, USERS_P_HANDOFF},
    {NULL, NULL, NULL, 0},
};
#undef R

/* Tells the pages when the log grew (an own write or a synced event). */
static void s_poll(void *arg, http_server_t *srv)
{
    app_http_t *h = arg;
    uint64_t pos = event_log_last_position(node_log(app_node(h->app)));
    if (pos == h->last_pos)
        return;
    h->last_pos = pos;
    char text[64];
    snprintf(text, sizeof text, "{\"position\": %llu}",
             (unsigned long long)pos);
    http_server_notify(srv, text);
}

/* Frees what the API holds beside the server. */
static void s_free(app_http_t *h)
{
    api_auth_destroy(&h->auth);
    api_map_destroy(&h->map);
    api_keyring_free(h);
    free(h);
}

int app_http_start(app_t *app, runloop_t *rl, app_http_t **out)
{
    *out = NULL;
    const config_t *cfg = node_config(app_node(app));
    const char *listen = config_string(cfg, "http");
    if (!listen || !*listen)
        return 0;
    const char *root = config_string(cfg, "web_root");
    bool agent = strcmp(app_spec(app)->role, "agent") == 0;
    app_http_t *h = xcalloc(1, sizeof *h);
    h->app = app;
    h->last_pos = event_log_last_position(node_log(app_node(app)));
    int rc = api_auth_new(&h->auth, app);
    if (rc) {
        free(h);
        return APP_EXIT_FAIL;
    }
    h->ring = xcalloc(1, sizeof *h->ring);
    http_opts_t o = {.listen = listen,
                     .web_root = root,
                     .routes = agent ? s_routes : s_routes + 1,
                     .events_path = "/api/events",
                     .guard = api_guard,
                     .arg = h,
                     .poll_ms = S_POLL_MS,
                     .poll = s_poll};
    struct stat st;
    if (root && *root && (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))) {
        /* The API works without the pages; say how to get them. */
        fprintf(stderr, "%s: web_root %s is not a directory: serving the API "
                "only (build the web UI: scripts/web-build)\n",
                app_spec(app)->program, root);
        o.web_root = NULL;
    }
    rc = http_server_new(&h->srv, rl, &o);
    if (rc)
        s_free(h);
    if (rc == XY_ECONFIG) {
        return app_fail(app, APP_EXIT_FAIL, "config: \"http\" '%s' is not "
                        "HOST:PORT (empty: off)", listen);
    }
    if (rc) {
        /* Sync and the command line work without the pages: a port taken
         * by another program must not stop the daemon. */
        fprintf(stderr, "%s: cannot serve HTTP on %s: %s (is the port in "
                "use?); running without the web UI\n",
                app_spec(app)->program, listen, xy_strerror(rc));
        return 0;
    }
    printf("%s: web UI and API on http://%s/\n", app_spec(app)->role, listen);
    *out = h;
    return 0;
}

void app_http_stop(app_http_t **hp)
{
    if (!hp || !*hp)
        return;
    http_server_destroy(&(*hp)->srv);
    s_free(*hp);
    *hp = NULL;
}

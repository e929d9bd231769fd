/* Sync from the command line and in the daemons: enrolling and revoking
 * agents at the coordinator, an agent's enrollment request and joining, and
 * the serve hooks that start the sync sockets on the daemon's loop (app.h,
 * docs/protocol.md "Enrollment"). */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/enroll.h"
#include "core/sync_net.h"
#include "domain/ids.h"
#include "domain/dispatch_model.h"
#include "domain/red_flag.h"
#include "domain/sync_policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_BUNDLE_MAX (16 * 1024)

static void s_enroll_dir(const app_t *app, char *out, size_t len)
{
    snprintf(out, len, "%s/enrolled", app_data_dir(app));
}

static json_t *s_load_json(app_t *app, const char *path, const char *what)
{
    json_error_t je;
    json_t *o = strcmp(path, "-") == 0
                    ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
                    : json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        app_fail(app, APP_EXIT_FAIL, "%s %s:%d:%d: %s", what, path, je.line,
                 je.column, je.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        app_fail(app, APP_EXIT_FAIL, "%s %s: not a JSON object", what, path);
        json_decref(o);
        return NULL;
    }
    return o;
}

enum { E_REQUEST, E_NODE, E_KEY, E_N };

int app_cmd_enroll(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"request", required_argument, NULL, E_REQUEST},
        {"node-id", required_argument, NULL, E_NODE},
        {"public-key", required_argument, NULL, E_KEY},
        {NULL, 0, NULL, 0},
    };
    const char *v[E_N] = {0};
    if (argc < 2 || argv[1][0] == '-')
        return app_fail(app, APP_EXIT_USAGE, "enroll: say 'enroll NAME "
                        "--request FILE' or 'enroll NAME --node-id HEX "
                        "--public-key HEX'");
    const char *name = argv[1];
    int rc = app_parse_opts(app, argc - 1, argv + 1, opts, v);
    if (rc)
        return rc;
    enroll_entry_t e = {0};
    if (enroll_name_check(name))
        return app_fail(app, APP_EXIT_USAGE, "enroll: name '%s' must be 1 to "
                        "%d of letters, digits, '.', '_', '-'", name,
                        ENROLL_NAME_MAX);
    snprintf(e.name, sizeof e.name, "%s", name);
    json_t *req = NULL;
    const char *nid = v[E_NODE], *pk = v[E_KEY];
    if (v[E_REQUEST]) {
        req = s_load_json(app, v[E_REQUEST], "enrollment request");
        if (!req)
            return APP_EXIT_FAIL;
        nid = json_string_value(json_object_get(req, "node_id"));
        pk = json_string_value(json_object_get(req, "public_key"));
    }
    if (!nid || xy_unhex(e.node_id, 16, nid)) {
        json_decref(req);
        return app_fail(app, APP_EXIT_USAGE, "enroll: node id must be 32 hex "
                        "digits");
    }
    if (!pk || xy_unhex(e.public_key, 32, pk)) {
        json_decref(req);
        return app_fail(app, APP_EXIT_USAGE, "enroll: public key must be 64 "
                        "hex digits");
    }
    json_decref(req);
    char dir[4096];
    s_enroll_dir(app, dir, sizeof dir);
    rc = enroll_put(dir, &e);
    if (rc == XY_EEXIST)
        return app_fail(app, APP_EXIT_FAIL, "enroll %s: that key or node id "
                        "is already enrolled under another name", name);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "enroll %s: %s: %s", name, dir,
                        xy_strerror(rc));
    const config_t *cfg = node_config(app_node(app));
    char key[65];
    xy_hex(key, node_identity(app_node(app))->public_key, 32);
    json_t *bundle = json_pack(
        "{s:s, s:s, s:s, s:s}", "name", name, "coordinator",
        config_string(cfg, "advertise") && *config_string(cfg, "advertise")
            ? config_string(cfg, "advertise")
            : config_string(cfg, "listen"),
        "coordinator_publish",
        config_string(cfg, "advertise_publish") &&
                *config_string(cfg, "advertise_publish")
            ? config_string(cfg, "advertise_publish")
            : config_string(cfg, "publish"),
        "coordinator_key", key);
    json_dumpf(bundle, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    putchar('\n');
    json_decref(bundle);
    fprintf(stderr, "%s: enrolled %s; give the agent the lines above "
            "(xinyuan-agent join FILE)\n", app_spec(app)->program, name);
    return 0;
}

int app_cmd_revoke(app_t *app, int argc, char **argv)
{
    if (argc != 2)
        return app_fail(app, APP_EXIT_USAGE, "revoke: say 'revoke NAME'");
    char dir[4096];
    s_enroll_dir(app, dir, sizeof dir);
    int rc = enroll_revoke(dir, argv[1]);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "revoke: no agent named '%s' is "
                        "enrolled", argv[1]);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "revoke %s: %s", argv[1],
                        xy_strerror(rc));
    printf("revoked %s: a running coordinator cuts its connection within a "
           "second\n", argv[1]);
    return 0;
}

int app_cmd_agents(app_t *app, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return app_fail(app, APP_EXIT_USAGE, "agents takes no argument");
    char dir[4096];
    s_enroll_dir(app, dir, sizeof dir);
    enroll_list_t l;
    size_t bad = 0;
    int rc = enroll_load(dir, &l, &bad);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "%s: %s", dir, xy_strerror(rc));
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++) {
        char nid[33], pk[65];
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:b}", "name", l.items[i].name,
                           "node_id", xy_hex(nid, l.items[i].node_id, 16),
                           "public_key", xy_hex(pk, l.items[i].public_key, 32),
                           "revoked", l.items[i].revoked));
    }
    enroll_list_free(&l);
    if (app_json(app)) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        size_t i;
        json_t *o;
        printf("%-24s  %-32s  %s\n", "NAME", "NODE ID", "STATE");
        json_array_foreach(arr, i, o)
        printf("%-24s  %-32s  %s\n",
               json_string_value(json_object_get(o, "name")),
               json_string_value(json_object_get(o, "node_id")),
               json_is_true(json_object_get(o, "revoked")) ? "revoked"
                                                           : "enrolled");
        if (bad)
            printf("(%zu unreadable file(s) in %s skipped)\n", bad, dir);
    }
    json_decref(arr);
    return 0;
}

int app_cmd_request(app_t *app, int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return app_fail(app, APP_EXIT_USAGE, "request takes no argument");
    char nid[33], pk[65];
    const node_identity_t *id = node_identity(app_node(app));
    json_t *o = json_pack("{s:s, s:s, s:s}", "name",
                          config_string(node_config(app_node(app)), "name"),
                          "node_id", xy_hex(nid, id->node_id, 16),
                          "public_key", xy_hex(pk, id->public_key, 32));
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    putchar('\n');
    json_decref(o);
    return 0;
}

/* Rewrites the node's config.json with the join bundle's keys set, keeping
 * every other key, atomically. */
static int s_config_update(app_t *app, json_t *set)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/config.json", app_data_dir(app));
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    json_error_t je;
    json_t *cfg = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!cfg)
        return app_fail(app, APP_EXIT_FAIL, "%s:%d:%d: %s", path, je.line,
                        je.column, je.text);
    json_object_update(cfg, set);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = fd < 0 ? -1 : json_dumpfd(cfg, fd, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (fd >= 0) {
        if (rc == 0 && (write(fd, "\n", 1) != 1 || fsync(fd) != 0))
            rc = -1;
        close(fd);
    }
    json_decref(cfg);
    if (rc != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return app_fail(app, APP_EXIT_FAIL, "%s: cannot write: %s", path,
                        strerror(errno));
    }
    return 0;
}

int app_cmd_join(app_t *app, int argc, char **argv)
{
    if (argc != 2)
        return app_fail(app, APP_EXIT_USAGE, "join: say 'join FILE' (the "
                        "coordinator's enroll output; - for standard input)");
    json_t *b = s_load_json(app, argv[1], "join bundle");
    if (!b)
        return APP_EXIT_FAIL;
    const char *ep = json_string_value(json_object_get(b, "coordinator"));
    const char *pub =
        json_string_value(json_object_get(b, "coordinator_publish"));
    const char *key = json_string_value(json_object_get(b, "coordinator_key"));
    uint8_t k[32];
    int rc = 0;
    if (!ep || strncmp(ep, "tcp://", 6) != 0)
        rc = app_fail(app, APP_EXIT_FAIL, "join %s: \"coordinator\" must be "
                      "a tcp:// endpoint", argv[1]);
    else if (!pub || strncmp(pub, "tcp://", 6) != 0)
        rc = app_fail(app, APP_EXIT_FAIL, "join %s: \"coordinator_publish\" "
                      "must be a tcp:// endpoint", argv[1]);
    else if (!key || xy_unhex(k, 32, key))
        rc = app_fail(app, APP_EXIT_FAIL, "join %s: \"coordinator_key\" must "
                      "be 64 hex digits", argv[1]);
    if (!rc) {
        json_t *set = json_pack("{s:s, s:s, s:s}", "coordinator", ep,
                                "coordinator_publish", pub,
                                "coordinator_key", key);
        rc = s_config_update(app, set);
        json_decref(set);
    }
    if (!rc)
        printf("joined %s: the agent syncs when it runs\n", ep);
    json_decref(b);
    return rc;
}

/* ------------------------------------------------------------ daemons */

static void s_tuning(app_t *app, sync_net_opts_t *o)
{
    const config_t *cfg = node_config(app_node(app));
    o->tuning.timeout_ms = (uint64_t)config_int(cfg, "sync_timeout_ms");
    o->tuning.ping_ms = (uint64_t)config_int(cfg, "sync_ping_ms");
    o->tick_ms = (uint64_t)config_int(cfg, "sync_tick_ms");
}

typedef struct s_coord {
    sync_server_t *server;
    sync_policy_t policy;
    domain_sync_admission_t admission; /* the exercise rule on receipt */
    size_t overdue_said;   /* overdue red flags last announced */
    size_t orders_said;    /* overdue orders last announced */
} s_coord_t;

int app_serve_coordinator(app_t *app, runloop_t *rl)
{
    const config_t *cfg = node_config(app_node(app));
    char dir[4096];
    s_enroll_dir(app, dir, sizeof dir);
    const char *ex = config_string(cfg, "exercises");
    if (!ex)
        ex = "allow";
    if (strcmp(ex, "allow") != 0 && strcmp(ex, "refuse") != 0)
        return app_fail(app, APP_EXIT_FAIL, "configuration: \"exercises\" "
                        "is '%s'; say \"allow\" or \"refuse\"", ex);
    s_coord_t *c = xcalloc(1, sizeof *c);
    domain_sync_policy(&c->policy);
    c->admission = (domain_sync_admission_t){
        .log = node_log(app_node(app)), .m = app_model(app),
        .refuse_exercises = strcmp(ex, "refuse") == 0};
    domain_sync_policy_admit(&c->policy, &c->admission);
    sync_net_opts_t o = {.endpoint = config_string(cfg, "listen"),
                         .pub_endpoint = config_string(cfg, "publish"),
                         .enroll_dir = dir};
    s_tuning(app, &o);
    int rc = sync_server_new(&c->server, rl, node_log(app_node(app)),
                             node_identity(app_node(app)), &c->policy, &o);
    if (rc) {
        free(c);
        return app_fail(app, APP_EXIT_FAIL, "cannot listen on %s and %s: %s "
                        "(is another coordinator running there?)", o.endpoint,
                        o.pub_endpoint, xy_strerror(rc));
    }
    app_set_served(app, c);
    return 0;
}

void app_unserve_coordinator(app_t *app)
{
    s_coord_t *c = app_served(app);
    if (!c)
        return;
    sync_server_destroy(&c->server);
    free(c);
    app_set_served(app, NULL);
}

static json_t *s_stats_json(const sync_stats_t *st)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, "
                     "s:I, s:i}",
                     "events_sent", (json_int_t)st->events_sent,
                     "events_stored", (json_int_t)st->events_stored,
                     "events_duplicate", (json_int_t)st->events_duplicate,
                     "events_refused", (json_int_t)st->events_refused,
                     "urgent_sent", (json_int_t)st->urgent_sent,
                     "acked", (json_int_t)st->acked,
                     "cursor", (json_int_t)st->cursor,
                     "sessions", (json_int_t)st->sessions,
                     "in_flight", (json_int_t)st->in_flight,
                     "rate_bytes_per_s", st->rate,
                     "bytes_out", (json_int_t)st->bytes_out,
                     "last_error", st->last_error);
}

typedef struct s_flags_read {
    const domain_model_t *m;
    json_t *out;
    uint64_t now;          /* for the orders */
    uint64_t timeout;      /* for the orders */
} s_flags_read_t;

static int s_read_orders(view_txn_t *vt, void *arg)
{
    s_flags_read_t *r = arg;
    r->out = dispatch_overdue(vt, r->m, r->now, r->timeout);
    return r->out ? 0 : XY_ECORRUPT;
}

/* Orders not acknowledged within order_ack_timeout_min. */
static size_t s_orders_overdue(app_t *app)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t min = config_int(node_config(app_node(app)),
                             "order_ack_timeout_min");
    s_flags_read_t r = {app_model(app), NULL,
                        (uint64_t)ts.tv_sec * 1000 +
                            (uint64_t)ts.tv_nsec / 1000000,
                        (uint64_t)(min < 0 ? 0 : min) * 60 * 1000};
    if (event_log_view_read(node_log(app_node(app)), s_read_orders, &r))
        return 0;
    size_t n = json_array_size(r.out);
    json_decref(r.out);
    return n;
}

static int s_read_flags(view_txn_t *vt, void *arg)
{
    s_flags_read_t *r = arg;
    r->out = red_flag_list(vt, r->m, true);
    return r->out ? 0 : XY_ECORRUPT;
}

/* Open red flags and how many of them are past the timeout. */
static size_t s_flags_overdue(app_t *app, size_t *open)
{
    s_flags_read_t r = {app_model(app), NULL, 0, 0};
    *open = 0;
    if (event_log_view_read(node_log(app_node(app)), s_read_flags, &r))
        return 0;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000 +
                   (uint64_t)ts.tv_nsec / 1000000;
    *open = json_array_size(r.out);
    size_t n = red_flag_mark_overdue(r.out, now, app_flag_timeout_ms(app));
    json_decref(r.out);
    return n;
}

/* An agent's stats with when it was last heard from, on the wall clock
 * (ms since the epoch): the engine keeps that time on the monotonic clock
 * of the sync adapter. */
static json_t *s_agent_stats_json(const sync_stats_t *st)
{
    json_t *o = s_stats_json(st);
    if (st->last_heard_ms == 0)
        return o;
    struct timespec mono, wall;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &wall);
    uint64_t mono_ms = (uint64_t)mono.tv_sec * 1000 +
                       (uint64_t)mono.tv_nsec / 1000000;
    uint64_t wall_ms = (uint64_t)wall.tv_sec * 1000 +
                       (uint64_t)wall.tv_nsec / 1000000;
    uint64_t ago = mono_ms > st->last_heard_ms ? mono_ms - st->last_heard_ms
                                               : 0;
    json_object_set_new(o, "last_seen_ms",
                        json_integer((json_int_t)(wall_ms - ago)));
    return o;
}

json_t *app_status_coordinator(app_t *app)
{
    s_coord_t *c = app_served(app);
    if (!c)
        return NULL;
    char dir[4096];
    s_enroll_dir(app, dir, sizeof dir);
    enroll_list_t l;
    json_t *agents = json_object();
    if (enroll_load(dir, &l, NULL) == 0) {
        for (size_t i = 0; i < l.n; i++) {
            const sync_stats_t *st =
                sync_server_peer_stats(c->server, l.items[i].name);
            if (st)
                json_object_set_new(agents, l.items[i].name,
                                    s_agent_stats_json(st));
        }
        enroll_list_free(&l);
    }
    event_log_t *log = node_log(app_node(app));
    size_t open = 0, overdue = s_flags_overdue(app, &open);
    /* Escalation: each time more red flags have waited past the timeout,
     * the daemon says so on its log, and the count stays in its status
     * (and the dashboard) until someone acknowledges them. */
    if (overdue > c->overdue_said)
        printf("ESCALATION: %zu red flag(s) unacknowledged for more than %llu "
               "min (list flags --overdue)\n",
               overdue,
               (unsigned long long)(app_flag_timeout_ms(app) / 60000));
    c->overdue_said = overdue;
    size_t orders = s_orders_overdue(app);
    if (orders > c->orders_said)
        printf("ESCALATION: %zu deployment order(s) not acknowledged in time "
               "(list orders --overdue)\n",
               orders);
    fflush(stdout);
    c->orders_said = orders;
    return json_pack("{s:I, s:I, s:o, s:I, s:I, s:I}", "sessions",
                     (json_int_t)sync_server_sessions(c->server),
                     "last_position",
                     (json_int_t)event_log_last_position(log), "agents",
                     agents, "flags_open", (json_int_t)open, "flags_overdue",
                     (json_int_t)overdue, "orders_overdue",
                     (json_int_t)orders);
}

typedef struct s_agent {
    sync_client_t *client;
    sync_policy_t policy;
} s_agent_t;

/* Parses the "scope" key: "all", or incident ids separated by commas. */
static int s_scope(app_t *app, const char *text, sync_scope_t *scope)
{
    memset(scope, 0, sizeof *scope);
    if (!text || !*text || strcmp(text, "all") == 0) {
        scope->everything = true;
        return 0;
    }
    char buf[SYNC_SCOPE_MAX_IDS * 34];
    if (strlen(text) >= sizeof buf)
        return app_fail(app, APP_EXIT_FAIL, "config: \"scope\" lists more "
                        "than %d incidents", SYNC_SCOPE_MAX_IDS);
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *t = strtok_r(buf, ", ", &save); t;
         t = strtok_r(NULL, ", ", &save)) {
        if (xy_unhex(scope->incidents[scope->n_incidents], 16, t))
            return app_fail(app, APP_EXIT_FAIL, "config: \"scope\": '%s' is "
                            "not an incident id (32 hex digits) nor 'all'",
                            t);
        scope->n_incidents++;
    }
    return 0;
}

int app_serve_agent(app_t *app, runloop_t *rl)
{
    const config_t *cfg = node_config(app_node(app));
    const char *key = config_string(cfg, "coordinator_key");
    uint8_t k[32];
    if (!key || !*key) {
        printf("agent: not joined to a coordinator: working offline (see "
               "'join')\n");
        return 0;
    }
    if (xy_unhex(k, 32, key))
        return app_fail(app, APP_EXIT_FAIL, "config: \"coordinator_key\" must "
                        "be 64 hex digits");
    s_agent_t *a = xcalloc(1, sizeof *a);
    domain_sync_policy(&a->policy);
    sync_net_opts_t o = {.endpoint = config_string(cfg, "coordinator"),
                         .pub_endpoint = config_string(cfg,
                                                       "coordinator_publish"),
                         .server_key = k,
                         .peer_name = "coordinator"};
    int rc = s_scope(app, config_string(cfg, "scope"), &o.scope);
    if (rc) {
        free(a);
        return rc;
    }
    s_tuning(app, &o);
    rc = sync_client_new(&a->client, rl, node_log(app_node(app)),
                         node_identity(app_node(app)), &a->policy, &o);
    if (rc) {
        free(a);
        return app_fail(app, APP_EXIT_FAIL, "cannot connect to %s: %s",
                        o.endpoint, xy_strerror(rc));
    }
    app_set_served(app, a);
    return 0;
}

void app_unserve_agent(app_t *app)
{
    s_agent_t *a = app_served(app);
    if (!a)
        return;
    sync_client_destroy(&a->client);
    free(a);
    app_set_served(app, NULL);
}

json_t *app_status_agent(app_t *app)
{
    s_agent_t *a = app_served(app);
    if (!a)
        return json_pack("{s:s}", "sync", "offline (not joined)");
    static const char *const states[] = {"idle", "hello sent", "active",
                                         "refused"};
    sync_state_t st = sync_client_state(a->client);
    event_log_t *log = node_log(app_node(app));
    const sync_stats_t *s = sync_client_stats(a->client);
    /* What is still to send: positions past what the coordinator acked
     * (an upper bound: some of them are not this agent's own). */
    uint64_t last = event_log_last_position(log);
    return json_pack("{s:s, s:I, s:o}", "sync", states[st], "backlog",
                     (json_int_t)(last > s->acked ? last - s->acked : 0),
                     "stats", s_stats_json(s));
}

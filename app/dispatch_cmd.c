/* Dispatch at the command line (app.h, docs/dispatch.md): the
 * coordinator's `dispatch plan` (a proposal the commander reads and edits),
 * `dispatch approve PLAN_FILE` (DeploymentOrdered events, one group
 * commit), `dispatch export` (EDXL-RM) and `list teams|relief|orders
 * [--overdue]`; the agent's `orders` and `order ack`. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/hlc.h"
#include "domain/dispatch.h"
#include "domain/dispatch_edxl.h"
#include "domain/dispatch_model.h"
#include "domain/dispatch_plan.h"
#include "domain/exercise.h"
#include "domain/lww.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_PLAN_MAX (4u << 20) /* bytes of a plan or zones file */

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void s_print_json(json_t *j)
{
    json_dumpf(j, stdout, JSON_INDENT(2));
    putchar('\n');
}

/* Loads a JSON file of at most S_PLAN_MAX bytes. Exit status. */
static int s_load_json(app_t *app, const char *what, const char *path,
                       json_t **out)
{
    json_error_t je;
    FILE *f = fopen(path, "rb");
    if (!f)
        return app_fail(app, APP_EXIT_FAIL, "%s: cannot open %s", what, path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    if (size < 0 || (unsigned long)size > S_PLAN_MAX) {
        fclose(f);
        return app_fail(app, APP_EXIT_FAIL, "%s: %s is over %u bytes", what,
                        path, S_PLAN_MAX);
    }
    *out = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!*out)
        return app_fail(app, APP_EXIT_FAIL, "%s: %s line %d: %s", what, path,
                        je.line, je.text);
    return 0;
}

typedef struct s_plan_read {
    const domain_model_t *m;
    const domain_id_t *incident;
    uint64_t now;
    dispatch_team_t *teams;
    size_t n_teams;
    dispatch_zone_t *zones;  /* from the latest assessment, if any */
    size_t n_zones;
    domain_error_t err;
    const domain_id_t *flag_of; /* keep the teams with this incident's
                                   exercise flag; NULL: all */
    bool exercise;           /* out: that incident is an exercise */
} s_plan_read_t;

/* Keeps the teams whose exercise flag is the incident's: a real incident
 * is never planned with drill teams, nor a drill with real ones. */
static int s_same_flag_teams(view_txn_t *vt, s_plan_read_t *r)
{
    bool exercise = false;
    int rc = exercise_incident(vt, r->m, r->flag_of->b, &exercise);
    if (rc == XY_ENOENT)
        return 0;
    if (rc)
        return rc;
    r->exercise = exercise;
    size_t kept = 0;
    for (size_t i = 0; i < r->n_teams; i++) {
        const void *v;
        size_t n;
        rc = lww_get(vt, r->m->teams, r->teams[i].id.b, DOMAIN_ID_LEN, &v,
                     &n);
        if (rc)
            return rc;
        if (n >= 1 && (((const uint8_t *)v)[0] != 0) == exercise)
            r->teams[kept++] = r->teams[i];
    }
    r->n_teams = kept;
    return 0;
}

static int s_read_for_plan(view_txn_t *vt, void *arg)
{
    s_plan_read_t *r = arg;
    int rc = dispatch_plan_teams(vt, r->m, r->now, &r->teams, &r->n_teams);
    if (!rc && r->flag_of)
        rc = s_same_flag_teams(vt, r);
    if (rc || !r->incident)
        return rc;
    const void *v;
    size_t n;
    if (lww_get(vt, r->m->assessments, r->incident->b, DOMAIN_ID_LEN, &v,
                &n) || n < 1)
        return 0;
    Xy__AssessmentPublished *a = xy__assessment_published__unpack(
        NULL, n - 1, (const uint8_t *)v + 1);
    if (!a)
        return XY_ECORRUPT;
    rc = dispatch_zones_from_assessment(&r->zones, &r->n_zones, a, &r->err);
    xy__assessment_published__free_unpacked(a, NULL);
    return rc;
}

/* Places zones that have only a county code, from the county layer. */
static void s_locate(app_t *app, dispatch_zone_t *z, size_t n)
{
    const char *data = config_string(node_config(app_node(app)), "data_dir");
    char path[1024], gerr[256];
    geo_layer_t *layer = NULL;
    snprintf(path, sizeof path, "%s/admin/china_counties_2021_wgs84.geojson",
             data ? data : ".");
    if (geo_layer_load(&layer, path, gerr, sizeof gerr) == 0) {
        dispatch_zones_locate(z, n, layer);
        geo_layer_destroy(&layer);
    }
}

enum { D_INCIDENT = 1, D_ZONES, D_OUT, D_ROAD, D_SPEED, D_HOURS, D_TEAM,
       D_N };

static int s_params(app_t *app, const char **v, dispatch_plan_params_t *p)
{
    dispatch_plan_params_default(p);
    struct {
        int opt;
        const char *name;
        double *dst;
    } nums[] = {{D_ROAD, "road-factor", &p->road_factor},
                {D_SPEED, "speed", &p->speed_kmh},
                {D_HOURS, "max-hours", &p->max_travel_h}};
    for (size_t i = 0; i < 3; i++) {
        if (!v[nums[i].opt])
            continue;
        char *end = NULL;
        double x = strtod(v[nums[i].opt], &end);
        if (!end || *end || !isfinite(x))
            return app_fail(app, APP_EXIT_USAGE, "dispatch plan: --%s needs "
                            "a number", nums[i].name);
        *nums[i].dst = x;
    }
    return 0;
}

static void s_print_plan(json_t *plan)
{
    size_t i;
    json_t *o;
    if (json_is_true(json_object_get(plan, "exercise")))
        printf("%s\n", EXERCISE_BANNER);
    printf("objective %.3f, bound %.3f (gap at most %.2f%%)\n",
           json_real_value(json_object_get(plan, "objective")),
           json_real_value(json_object_get(plan, "bound")),
           100 * json_real_value(json_object_get(plan, "gap")));
    json_array_foreach(json_object_get(plan, "assignments"), i, o)
        printf("SEND  %s\n", json_string_value(json_object_get(o,
                                                               "explanation")));
    json_array_foreach(json_object_get(plan, "not_sent"), i, o)
        printf("HOLD  %s\n", json_string_value(json_object_get(o, "reason")));
}

static int s_plan(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"incident", required_argument, NULL, D_INCIDENT},
        {"zones", required_argument, NULL, D_ZONES},
        {"out", required_argument, NULL, D_OUT},
        {"road-factor", required_argument, NULL, D_ROAD},
        {"speed", required_argument, NULL, D_SPEED},
        {"max-hours", required_argument, NULL, D_HOURS},
        {NULL, 0, NULL, 0},
    };
    const char *v[D_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    domain_id_t inc;
    if (!rc && (!v[D_INCIDENT] || domain_id_parse(&inc, v[D_INCIDENT])))
        rc = app_fail(app, APP_EXIT_USAGE, "dispatch plan: --incident needs "
                      "an incident id of 32 hex digits");
    dispatch_plan_params_t params;
    if (!rc)
        rc = s_params(app, v, &params);
    if (rc)
        return rc;
    s_plan_read_t r = {app_model(app), v[D_ZONES] ? NULL : &inc, s_now_ms(),
                       NULL, 0, NULL, 0, {0}, &inc, false};
    rc = event_log_view_read(node_log(app_node(app)), s_read_for_plan, &r);
    json_t *zf = NULL, *plan = NULL;
    dispatch_plan_t *p = NULL;
    if (rc) {
        rc = app_fail(app, APP_EXIT_FAIL, "dispatch plan: %s",
                      r.err.msg[0] ? r.err.msg : xy_strerror(rc));
        goto out;
    }
    if (v[D_ZONES]) {
        rc = s_load_json(app, "dispatch plan", v[D_ZONES], &zf);
        if (!rc && dispatch_zones_from_json(&r.zones, &r.n_zones, zf, &r.err))
            rc = app_fail(app, APP_EXIT_FAIL, "dispatch plan: %s: %s",
                          v[D_ZONES], r.err.msg);
        if (rc)
            goto out;
    } else if (!r.zones) {
        rc = app_fail(app, APP_EXIT_FAIL, "dispatch plan: no assessment of "
                      "incident %s is held: publish one or give --zones FILE",
                      v[D_INCIDENT]);
        goto out;
    }
    s_locate(app, r.zones, r.n_zones);
    if (dispatch_plan_compute(&p, r.teams, r.n_teams, r.zones, r.n_zones,
                              &params, &r.err)) {
        rc = app_fail(app, APP_EXIT_FAIL, "dispatch plan: %s", r.err.msg);
        goto out;
    }
    plan = dispatch_plan_json(p, &inc);
    json_object_set_new(plan, "exercise", json_boolean(r.exercise));
    if (v[D_OUT] && json_dump_file(plan, v[D_OUT], JSON_INDENT(2))) {
        rc = app_fail(app, APP_EXIT_FAIL, "dispatch plan: cannot write %s",
                      v[D_OUT]);
        goto out;
    }
    if (app_json(app))
        s_print_json(plan);
    else
        s_print_plan(plan);
out:
    json_decref(plan);
    json_decref(zf);
    dispatch_plan_destroy(&p);
    free(r.teams);
    free(r.zones);
    return rc;
}

typedef struct s_team_check {
    const domain_model_t *m;
    domain_id_t id;
    team_t *team;
} s_team_check_t;

static int s_has_team(view_txn_t *vt, void *arg)
{
    s_team_check_t *c = arg;
    return dispatch_team_get(vt, c->m, &c->id, c->team, NULL);
}

/* Builds the order of assignment i of the plan into de. Exit status. */
static int s_order_of(app_t *app, json_t *a, size_t i, const domain_id_t *inc,
                      domain_id_t *team, domain_id_t *zone,
                      domain_event_t *de, uint64_t now)
{
    const char *th = json_string_value(json_object_get(a, "team"));
    const char *zh = json_string_value(json_object_get(a, "zone"));
    double h = json_number_value(json_object_get(a, "travel_h"));
    if (!th || domain_id_parse(team, th) || !zh || domain_id_parse(zone, zh))
        return app_fail(app, APP_EXIT_FAIL, "dispatch approve: assignment "
                        "%zu: \"team\" and \"zone\" must be ids", i + 1);
    s_team_check_t c = {app_model(app), *team, xmalloc(sizeof(team_t))};
    int rc = event_log_view_read(node_log(app_node(app)), s_has_team, &c);
    free(c.team);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "dispatch approve: assignment "
                        "%zu: no team %s here", i + 1, th);
    if (!(h >= 0 && h <= 240))
        h = 0;
    dispatch_order_input_t in = {
        .incident = inc,
        .team = team,
        .zone = zone,
        .zone_name = json_string_value(json_object_get(a, "zone_name")),
        .explanation = json_string_value(json_object_get(a, "explanation")),
        /* Report within the travel time plus an hour to get going. */
        .report_by = now + (uint64_t)ceil(h * 3600000) + 3600000,
        .exercise = app_exercise_of(app, inc, false),
        .author = app_user(app)};
    domain_id_t id;
    app_random_id(id.b);
    domain_error_t err;
    if (dispatch_order(de, &id, &in, now, &err))
        return app_fail(app, APP_EXIT_FAIL, "dispatch approve: assignment "
                        "%zu: %s: %s", i + 1, err.field, err.msg);
    return 0;
}

static int s_approve(app_t *app, int argc, char **argv)
{
    if (argc != 3)
        return app_fail(app, APP_EXIT_USAGE, "dispatch approve: say "
                        "'dispatch approve PLAN_FILE' (edit the file to "
                        "change or drop assignments)");
    json_t *plan = NULL;
    int rc = s_load_json(app, "dispatch approve", argv[2], &plan);
    if (rc)
        return rc;
    json_t *as = json_object_get(plan, "assignments");
    domain_id_t inc;
    const char *ih = json_string_value(json_object_get(plan, "incident"));
    size_t n = json_array_size(as);
    if (!ih || domain_id_parse(&inc, ih) || !json_is_array(as) || n == 0 ||
        n > DISPATCH_PLAN_MAX_TEAMS) {
        json_decref(plan);
        return app_fail(app, APP_EXIT_FAIL, "dispatch approve: %s: not a plan "
                        "(\"incident\" and 1 to %d \"assignments\")", argv[2],
                        DISPATCH_PLAN_MAX_TEAMS);
    }
    domain_id_t *ids = xcalloc(2 * n, sizeof *ids);
    domain_event_t *de = xcalloc(n, sizeof *de);
    event_write_t *w = xcalloc(n, sizeof *w);
    uint64_t now = s_now_ms();
    for (size_t i = 0; i < n && !rc; i++) {
        rc = s_order_of(app, json_array_get(as, i), i, &inc, &ids[2 * i],
                        &ids[2 * i + 1], &de[i], now);
        for (size_t k = 0; k < i && !rc; k++)
            if (memcmp(ids[2 * k].b, ids[2 * i].b, DOMAIN_ID_LEN) == 0)
                rc = app_fail(app, APP_EXIT_FAIL, "dispatch approve: "
                              "assignment %zu: the team is already sent by "
                              "assignment %zu", i + 1, k + 1);
        w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &de[i].ev};
    }
    int st = 0;
    if (!rc)
        rc = app_exercise_check(app, w, n, "orders of the plan");
    if (!rc)
        st = event_log_write(node_log(app_node(app)), w, n, NULL);
    for (size_t i = 0; i < n && !rc && !st; i++)
        st = w[i].status;
    if (!rc && st)
        rc = app_fail(app, APP_EXIT_FAIL, "dispatch approve: storing: %s",
                      xy_strerror(st));
    for (size_t i = 0; i < n && !rc; i++) {
        char oh[DOMAIN_ID_HEX];
        domain_id_t oid;
        memcpy(oid.b, de[i].subject_id, DOMAIN_ID_LEN);
        printf("ordered %s: %s\n", domain_id_format(&oid, oh),
               de[i].body.deployment_ordered.explanation);
    }
    free(w);
    free(de);
    free(ids);
    json_decref(plan);
    return rc;
}

typedef struct s_export {
    const domain_model_t *m;
    const domain_id_t *inc;
    char *xml;
} s_export_t;

static int s_read_export(view_txn_t *vt, void *arg)
{
    s_export_t *e = arg;
    s_plan_read_t r = {e->m, e->inc, 0, NULL, 0, NULL, 0, {0}, e->inc,
                       false};
    int rc = s_read_for_plan(vt, &r);
    if (!rc)
        rc = dispatch_edxl_export(&e->xml, vt, e->m, e->inc, r.zones,
                                  r.n_zones, s_now_ms());
    free(r.teams);
    free(r.zones);
    return rc;
}

static int s_export(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"incident", required_argument, NULL, D_INCIDENT},
        {"out", required_argument, NULL, D_OUT},
        {NULL, 0, NULL, 0},
    };
    const char *v[D_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    domain_id_t inc;
    if (!rc && (!v[D_INCIDENT] || domain_id_parse(&inc, v[D_INCIDENT])))
        rc = app_fail(app, APP_EXIT_USAGE, "dispatch export: --incident needs "
                      "an incident id of 32 hex digits");
    if (rc)
        return rc;
    s_export_t e = {app_model(app), &inc, NULL};
    rc = event_log_view_read(node_log(app_node(app)), s_read_export, &e);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "dispatch export: %s",
                        xy_strerror(rc));
    FILE *f = v[D_OUT] ? fopen(v[D_OUT], "w") : stdout;
    if (!f || fputs(e.xml, f) < 0 || (f != stdout && fclose(f)))
        rc = app_fail(app, APP_EXIT_FAIL, "dispatch export: cannot write %s",
                      v[D_OUT]);
    free(e.xml);
    return rc;
}

int app_cmd_dispatch(app_t *app, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    if (strcmp(sub, "plan") == 0)
        return s_plan(app, argc - 1, argv + 1);
    if (strcmp(sub, "approve") == 0)
        return s_approve(app, argc, argv);
    if (strcmp(sub, "export") == 0)
        return s_export(app, argc - 1, argv + 1);
    return app_fail(app, APP_EXIT_USAGE, "dispatch: say plan --incident ID, "
                    "approve PLAN_FILE or export --incident ID");
}

typedef struct s_list {
    const domain_model_t *m;
    const char *what;
    const domain_id_t *team;
    bool overdue;
    uint64_t timeout, now;
    json_t *out;
} s_list_t;

static int s_read_list(view_txn_t *vt, void *arg)
{
    s_list_t *l = arg;
    if (strcmp(l->what, "orders") != 0)
        l->out = dispatch_team_list(vt, l->m, l->now,
                                    strcmp(l->what, "relief") == 0);
    else if (l->overdue)
        l->out = dispatch_overdue(vt, l->m, l->now, l->timeout);
    else
        l->out = dispatch_order_list(vt, l->m, l->team, NULL);
    return l->out ? 0 : XY_ECORRUPT;
}

static void s_print_list(const s_list_t *l)
{
    size_t i;
    json_t *o;
    bool teams = strcmp(l->what, "orders") != 0;
    if (teams)
        printf("%-32s  %-11s  %-5s  %-4s  %-10s  %s\n", "TEAM", "LEVEL",
               "SIZE", "PSY", "READINESS", "NAME");
    else
        printf("%-32s  %-32s  %-20s  %s\n", "ORDER", "TEAM",
               "ACKNOWLEDGED BY", "ZONE");
    json_array_foreach(l->out, i, o)
    {
        const char *by =
            json_string_value(json_object_get(o, "acknowledged_by"));
        if (teams)
            printf("%-32s  %-11s  %-5lld  %-4lld  %-10s  %s%s%s\n",
                   json_string_value(json_object_get(o, "id")),
                   json_string_value(json_object_get(o, "level")),
                   (long long)json_integer_value(json_object_get(o,
                                                                 "capacity")),
                   (long long)json_integer_value(
                       json_object_get(o, "psychiatrists")),
                   json_string_value(json_object_get(o, "readiness")),
                   json_string_value(json_object_get(o, "name")),
                   json_is_true(json_object_get(o, "relief_due"))
                       ? "  ** RELIEF DUE **"
                       : "",
                   json_is_true(json_object_get(o, "exercise"))
                       ? "  [EXERCISE]"
                       : "");
        else
            printf("%-32s  %-32s  %-20s  %s%s\n",
                   json_string_value(json_object_get(o, "id")),
                   json_string_value(json_object_get(o, "team")),
                   by ? by : (l->overdue ? "** OVERDUE **" : "(waiting)"),
                   json_is_true(json_object_get(o, "exercise"))
                       ? "[EXERCISE] "
                       : "",
                   json_string_value(json_object_get(o, "zone_name")));
    }
    printf("(%zu)\n", json_array_size(l->out));
}

bool app_list_dispatch_handles(const char *what)
{
    return strcmp(what, "teams") == 0 || strcmp(what, "relief") == 0 ||
           strcmp(what, "orders") == 0;
}

enum { L_OVERDUE = 1, L_TIMEOUT, L_TEAM, L_N };

/* The configured time an order may wait for its acknowledgement. */
static uint64_t s_ack_timeout_ms(app_t *app)
{
    int64_t min = config_int(node_config(app_node(app)),
                             "order_ack_timeout_min");
    return (uint64_t)(min < 0 ? 0 : min) * 60 * 1000;
}

/* `list teams|relief|orders [--overdue [--timeout-min N]] [--team ID]`,
 * and the agent's `orders [--team ID]`. */
int app_list_dispatch(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"overdue", no_argument, NULL, L_OVERDUE},
        {"timeout-min", required_argument, NULL, L_TIMEOUT},
        {"team", required_argument, NULL, L_TEAM},
        {NULL, 0, NULL, 0},
    };
    const char *v[L_N] = {0};
    bool orders_cmd = strcmp(argv[0], "orders") == 0;
    int rc = app_parse_opts(app, argc - !orders_cmd, argv + !orders_cmd, opts,
                            v);
    if (rc)
        return rc;
    domain_id_t team;
    s_list_t l = {app_model(app), orders_cmd ? "orders" : argv[1], NULL,
                  v[L_OVERDUE] != NULL, s_ack_timeout_ms(app), s_now_ms(),
                  NULL};
    if (v[L_TEAM] && domain_id_parse(&team, v[L_TEAM]))
        return app_fail(app, APP_EXIT_USAGE, "orders: --team needs a team id "
                        "of 32 hex digits");
    l.team = v[L_TEAM] ? &team : NULL;
    if (v[L_TIMEOUT]) {
        char *end = NULL;
        double min = strtod(v[L_TIMEOUT], &end);
        if (!end || *end || !(min >= 0 && min <= 10080))
            return app_fail(app, APP_EXIT_USAGE, "list orders: --timeout-min "
                            "needs minutes, 0..10080");
        l.timeout = (uint64_t)(min * 60000);
    }
    rc = event_log_view_read(node_log(app_node(app)), s_read_list, &l);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "list %s: %s", l.what,
                        xy_strerror(rc));
    if (app_json(app))
        s_print_json(l.out);
    else
        s_print_list(&l);
    json_decref(l.out);
    return 0;
}

typedef struct s_ack_read {
    const domain_model_t *m;
    domain_id_t order, team, incident;
    bool exercise;
} s_ack_read_t;

static int s_find_order(view_txn_t *vt, void *arg)
{
    s_ack_read_t *a = arg;
    return dispatch_order_find(vt, a->m, &a->order, &a->team, &a->incident,
                               &a->exercise);
}

enum { A_BY = 1, A_N };

int app_cmd_order_ack(app_t *app, int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "ack") != 0)
        return app_fail(app, APP_EXIT_USAGE, "order: say 'order ack ORDER_ID "
                        "--by NAME'");
    static const struct option opts[] = {
        {"by", required_argument, NULL, A_BY}, {NULL, 0, NULL, 0}};
    const char *v[A_N] = {0};
    s_ack_read_t a = {.m = app_model(app)};
    if (domain_id_parse(&a.order, argv[2]))
        return app_fail(app, APP_EXIT_USAGE, "order ack: '%s' is not an order "
                        "id (32 hex digits; see 'orders')", argv[2]);
    int rc = app_parse_opts(app, argc - 2, argv + 2, opts, v);
    if (rc)
        return rc;
    rc = event_log_view_read(node_log(app_node(app)), s_find_order, &a);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "order ack: no order %s here "
                        "(not received yet?)", argv[2]);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "order ack: %s", xy_strerror(rc));
    dispatch_field_event_t e;
    domain_error_t err;
    rc = dispatch_ack_build(&e, &a.order, &a.team, &a.incident, v[A_BY],
                            a.exercise, app_user(app), &err);
    if (rc)
        return app_fail(app, APP_EXIT_USAGE, "order ack: --%s: %s", err.field,
                        err.msg);
    return app_write_own(app, &e.ev, "acknowledgement of order", argv[2]);
}

/* The team registry at the command line: `team import FILE.csv`, `team add`,
 * `team edit ID`, `team status ID --set READINESS`, and the field's
 * `position --team ID --lat --lon` (app.h, docs/dispatch.md). Every team
 * written is checked first; an import stores all its teams in one group
 * commit or none. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/dispatch_model.h"
#include "domain/team.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void s_random(uint8_t id[DOMAIN_ID_LEN])
{
    app_random_id(id);
}

/* Reads a whole file of at most max bytes into a new NUL-terminated
 * buffer. Exit status. */
static int s_slurp(app_t *app, const char *what, const char *path,
                   size_t max, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return app_fail(app, APP_EXIT_FAIL, "%s: cannot open %s", what, path);
    char *buf = xmalloc(max + 2);
    size_t n = fread(buf, 1, max + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err || n > max) {
        free(buf);
        return app_fail(app, APP_EXIT_FAIL, "%s: %s: %s", what, path,
                        err ? "read error" : "file too large");
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static int s_import(app_t *app, int argc, char **argv)
{
    bool exercise = argc == 4 && strcmp(argv[3], "--exercise") == 0;
    if (argc != 3 && !exercise)
        return app_fail(app, APP_EXIT_USAGE, "team import: say 'team import "
                        "FILE.csv [--exercise]' (columns: docs/dispatch.md)");
    char *text = NULL;
    size_t len = 0;
    int rc = s_slurp(app, "team import", argv[2], TEAM_CSV_MAX, &text, &len);
    if (rc)
        return rc;
    team_t *teams = NULL;
    size_t n = 0;
    domain_error_t err;
    rc = team_csv_parse(&teams, &n, text, len, s_random, &err);
    free(text);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "team import: %s: %s", argv[2],
                        err.msg);
    team_event_t *evs = xcalloc(n, sizeof *evs);
    event_write_t *w = xcalloc(n, sizeof *w);
    for (size_t i = 0; i < n && !rc; i++) {
        rc = team_register(&evs[i], &teams[i], exercise, app_user(app),
                           &err);
        w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &evs[i].ev};
    }
    int refused = rc ? 0 : app_exercise_check(app, w, n, "teams");
    if (!rc && !refused)
        rc = event_log_write(node_log(app_node(app)), w, n, NULL);
    for (size_t i = 0; i < n && !rc; i++)
        rc = w[i].status;
    if (!rc && !refused) {
        char hex[DOMAIN_ID_HEX];
        for (size_t i = 0; i < n; i++)
            printf("%s  %s (%zu members)\n", domain_id_format(&teams[i].id,
                                                              hex),
                   teams[i].name, teams[i].n_members);
        printf("imported %zu teams\n", n);
    }
    free(w);
    free(evs);
    free(teams);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "team import: storing: %s",
                        xy_strerror(rc));
    return refused;
}

enum { T_NAME = 1, T_LEVEL, T_LAT, T_LON, T_MEMBER, T_REMOVE, T_MAXD, T_REST,
       T_SET, T_EXERCISE };

static int s_num(app_t *app, const char *opt, const char *text, double lo,
                 double hi, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (!end || *end || end == text || !isfinite(v) || v < lo || v > hi)
        return app_fail(app, APP_EXIT_USAGE, "team: --%s '%s' is not a "
                        "number in %g..%g", opt, text, lo, hi);
    *out = v;
    return 0;
}

static int s_remove_member(app_t *app, team_t *t, const char *name)
{
    for (size_t k = 0; k < t->n_members; k++)
        if (strcmp(t->members[k].name, name) == 0) {
            memmove(&t->members[k], &t->members[k + 1],
                    (t->n_members - k - 1) * sizeof t->members[0]);
            t->n_members--;
            return 0;
        }
    return app_fail(app, APP_EXIT_FAIL, "team: no member '%s' in %s", name,
                    t->name);
}

/* Applies the options of add/edit to t (--exercise sets *exercise).
 * Exit status. */
static int s_apply(app_t *app, team_t *t, bool *exercise, int argc,
                   char **argv)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, T_NAME},
        {"level", required_argument, NULL, T_LEVEL},
        {"lat", required_argument, NULL, T_LAT},
        {"lon", required_argument, NULL, T_LON},
        {"member", required_argument, NULL, T_MEMBER},
        {"remove-member", required_argument, NULL, T_REMOVE},
        {"max-deployed-days", required_argument, NULL, T_MAXD},
        {"min-rest-days", required_argument, NULL, T_REST},
        {"exercise", no_argument, NULL, T_EXERCISE},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 0; /* glibc: start afresh on this argv */
    int c, rc = 0;
    double v = 0;
    domain_error_t err;
    while (!rc && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == T_NAME && strlen(optarg) <= TEAM_NAME_MAX)
            snprintf(t->name, sizeof t->name, "%s", optarg);
        else if (c == T_NAME)
            rc = app_fail(app, APP_EXIT_USAGE, "team: --name: at most %d "
                          "bytes", TEAM_NAME_MAX);
        else if (c == T_LEVEL &&
                 (domain_enum_parse(&xy__team_level__descriptor, "TEAM_",
                                    optarg, &t->level) ||
                  t->level == 0))
            rc = app_fail(app, APP_EXIT_USAGE, "team: --level: province, "
                          "prefecture or county");
        else if (c == T_LAT && !(rc = s_num(app, "lat", optarg, -90, 90, &v)))
            t->lat = v;
        else if (c == T_LON &&
                 !(rc = s_num(app, "lon", optarg, -180, 180, &v)))
            t->lon = v;
        else if (c == T_MAXD &&
                 !(rc = s_num(app, "max-deployed-days", optarg, 1,
                              TEAM_DAYS_MAX, &v)))
            t->max_deployed_days = (uint32_t)v;
        else if (c == T_REST && !(rc = s_num(app, "min-rest-days", optarg, 0,
                                             TEAM_DAYS_MAX, &v)))
            t->min_rest_days = (uint32_t)v;
        else if (c == T_MEMBER && t->n_members == TEAM_MEMBERS_MAX)
            rc = app_fail(app, APP_EXIT_USAGE, "team: at most %d members",
                          TEAM_MEMBERS_MAX);
        else if (c == T_MEMBER &&
                 team_member_parse(&t->members[t->n_members], optarg, &err))
            rc = app_fail(app, APP_EXIT_USAGE, "team: --member: %s", err.msg);
        else if (c == T_MEMBER)
            app_random_id(t->members[t->n_members++].id.b);
        else if (c == T_REMOVE)
            rc = s_remove_member(app, t, optarg);
        else if (c == T_EXERCISE)
            *exercise = true;
        else if (c == '?' || c == ':')
            rc = app_fail(app, APP_EXIT_USAGE, "team: bad option '%s' (see "
                          "--help)", argv[optind - 1]);
    }
    return rc;
}

typedef struct s_get {
    const domain_model_t *m;
    const domain_id_t *id;
    team_t *team;
    bool exercise;   /* out: a drill team */
} s_get_t;

static int s_read_team(view_txn_t *vt, void *arg)
{
    s_get_t *g = arg;
    return dispatch_team_get(vt, g->m, g->id, g->team, &g->exercise);
}

static int s_write_team(app_t *app, const team_t *t, const char *what,
                        bool exercise)
{
    team_event_t *e = xmalloc(sizeof *e);
    domain_error_t err;
    int rc = team_register(e, t, exercise, app_user(app), &err);
    char hex[DOMAIN_ID_HEX];
    if (rc)
        rc = app_fail(app, APP_EXIT_FAIL, "team %s: %s: %s", what, err.field,
                      err.msg);
    else
        rc = app_write_own(app, &e->ev, "team", domain_id_format(&t->id, hex));
    free(e);
    return rc;
}

/* Looks a team id up, and whether it is a drill team; exit status. */
static int s_load(app_t *app, const char *what, const char *hex,
                  domain_id_t *id, team_t *t, bool *exercise)
{
    if (!hex || domain_id_parse(id, hex))
        return app_fail(app, APP_EXIT_USAGE, "team %s: '%s' is not a team id "
                        "(32 hex digits; see 'list teams')", what,
                        hex ? hex : "");
    s_get_t g = {app_model(app), id, t, false};
    int rc = event_log_view_read(node_log(app_node(app)), s_read_team, &g);
    *exercise = g.exercise;
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "team %s: no team %s here", what,
                        hex);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "team %s: %s", what,
                        xy_strerror(rc));
    return 0;
}

static int s_status(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"set", required_argument, NULL, T_SET}, {NULL, 0, NULL, 0}};
    const char *v[T_SET + 1] = {0};
    if (argc < 3)
        return app_fail(app, APP_EXIT_USAGE, "team status: say 'team status "
                        "ID --set READINESS'");
    int rc = app_parse_opts(app, argc - 2, argv + 2, opts, v);
    if (rc)
        return rc;
    domain_id_t id;
    team_t *t = xmalloc(sizeof *t);
    bool exercise = false;
    rc = s_load(app, "status", argv[2], &id, t, &exercise);
    free(t);
    if (rc)
        return rc;
    int r = 0;
    char names[160];
    if (!v[T_SET] || domain_enum_parse(&xy__readiness__descriptor,
                                       "READINESS_", v[T_SET], &r) || r == 0)
        return app_fail(app, APP_EXIT_USAGE, "team status: --set one of %s",
                        domain_enum_names(&xy__readiness__descriptor,
                                          "READINESS_", names, sizeof names));
    team_status_event_t e;
    domain_error_t err;
    rc = team_status_build(&e, &id, r, exercise, app_user(app), &err);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "team status: %s", err.msg);
    return app_write_own(app, &e.ev, "team status", argv[2]);
}

int app_cmd_team(app_t *app, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    if (strcmp(sub, "import") == 0)
        return s_import(app, argc, argv);
    if (strcmp(sub, "status") == 0)
        return s_status(app, argc, argv);
    team_t *t = xcalloc(1, sizeof *t);
    domain_id_t id;
    bool exercise = false;
    int rc;
    if (strcmp(sub, "add") == 0) {
        app_random_id(t->id.b);
        t->max_deployed_days = TEAM_DEFAULT_MAX_DEPLOYED_DAYS;
        t->min_rest_days = TEAM_DEFAULT_MIN_REST_DAYS;
        t->lat = NAN;
        rc = s_apply(app, t, &exercise, argc - 1, argv + 1);
        if (!rc && isnan(t->lat))
            rc = app_fail(app, APP_EXIT_USAGE, "team add: --lat and --lon "
                          "(the home base) are required");
        if (!rc)
            rc = s_write_team(app, t, "add", exercise);
    } else if (strcmp(sub, "edit") == 0 && argc >= 3) {
        rc = s_load(app, "edit", argv[2], &id, t, &exercise);
        if (!rc)
            rc = s_apply(app, t, &exercise, argc - 2, argv + 2);
        if (!rc)
            rc = s_write_team(app, t, "edit", exercise);
    } else {
        rc = app_fail(app, APP_EXIT_USAGE, "team: say import FILE.csv, add, "
                      "edit ID or status ID --set READINESS");
    }
    free(t);
    return rc;
}

enum { P_TEAM = 1, P_LAT, P_LON, P_ACC, P_STATUS, P_N };

int app_cmd_position(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"team", required_argument, NULL, P_TEAM},
        {"lat", required_argument, NULL, P_LAT},
        {"lon", required_argument, NULL, P_LON},
        {"accuracy", required_argument, NULL, P_ACC},
        {"status", required_argument, NULL, P_STATUS},
        {NULL, 0, NULL, 0},
    };
    const char *v[P_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    if (rc)
        return rc;
    domain_id_t id;
    if (!v[P_TEAM] || domain_id_parse(&id, v[P_TEAM]))
        return app_fail(app, APP_EXIT_USAGE, "position: --team needs a team "
                        "id of 32 hex digits");
    double lat = 0, lon = 0, acc = 0;
    if (!v[P_LAT] || !v[P_LON])
        return app_fail(app, APP_EXIT_USAGE, "position: --lat and --lon are "
                        "required");
    rc = s_num(app, "lat", v[P_LAT], -90, 90, &lat);
    if (!rc)
        rc = s_num(app, "lon", v[P_LON], -180, 180, &lon);
    if (!rc && v[P_ACC])
        rc = s_num(app, "accuracy", v[P_ACC], 0, 1e6, &acc);
    int r = 0;
    if (!rc && v[P_STATUS] &&
        (domain_enum_parse(&xy__readiness__descriptor, "READINESS_",
                           v[P_STATUS], &r) || r == 0))
        rc = app_fail(app, APP_EXIT_USAGE, "position: --status: standby, "
                      "alerted, en_route, deployed, resting or stood_down");
    if (rc)
        return rc;
    /* A position carries its team's flag; a team not held here yet is
     * taken as real (the coordinator checks again on receipt). */
    team_t *t = xmalloc(sizeof *t);
    s_get_t g = {app_model(app), &id, t, false};
    event_log_view_read(node_log(app_node(app)), s_read_team, &g);
    free(t);
    dispatch_field_event_t e;
    domain_error_t err;
    rc = dispatch_position_build(&e, &id, lat, lon, acc, r, g.exercise,
                                 app_user(app), &err);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "position: %s", err.msg);
    return app_write_own(app, &e.ev, "position of team", v[P_TEAM]);
}

/* Follow-up, closure and reports at the command line (app.h): `followup
 * done`, `case close|reopen`, `report --incident ID [--csv]`, and the
 * listings of services, handoffs and follow-ups (`list followups --due |
 * --overdue`), each as a table or, with --json, as the API's JSON. "Now"
 * is the wall clock unless --at names a day (00:00 China Standard Time) or
 * a time in ms, so a coordinator can look ahead (docs/followup.md). */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/case.h"
#include "domain/civil_date.h"
#include "domain/exercise.h"
#include "domain/followup.h"
#include "domain/followup_model.h"
#include "domain/handoff.h"
#include "domain/person.h"
#include "domain/service.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { O_OUTCOME, O_SCREEN, O_REASON, O_NOTE, O_INCIDENT, O_CSV, O_AT,
       O_GRACE, O_DUE, O_OVERDUE, O_SERVICE, O_PENDING, O_N };

static const struct option s_opts[] = {
    {"outcome", required_argument, NULL, O_OUTCOME},
    {"screen", required_argument, NULL, O_SCREEN},
    {"reason", required_argument, NULL, O_REASON},
    {"note", required_argument, NULL, O_NOTE},
    {"incident", required_argument, NULL, O_INCIDENT},
    {"csv", no_argument, NULL, O_CSV},
    {"at", required_argument, NULL, O_AT},
    {"grace", required_argument, NULL, O_GRACE},
    {"due", no_argument, NULL, O_DUE},
    {"overdue", no_argument, NULL, O_OVERDUE},
    {"service", required_argument, NULL, O_SERVICE},
    {"pending", no_argument, NULL, O_PENDING},
    {NULL, 0, NULL, 0},
};

/* The time --at and --grace name, or the wall clock and the default grace;
 * returns an exit status. */
static int s_when(app_t *app, const char *cmd, const char **v, uint64_t *now,
                  uint64_t *grace)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    *grace = FOLLOWUP_GRACE_DEFAULT_MS;
    civil_date_t d;
    char *end = NULL;
    if (v[O_AT] && civil_date_parse(v[O_AT], &d) == 0) {
        *now = civil_date_to_ms(&d);
    } else if (v[O_AT]) {
        unsigned long long ms = strtoull(v[O_AT], &end, 10);
        if (!*v[O_AT] || *end || v[O_AT][0] == '-' || ms > 253402300799999ull)
            return app_fail(app, APP_EXIT_USAGE, "%s: --at '%s' is neither a "
                            "day (YYYY-MM-DD) nor a time in ms", cmd,
                            v[O_AT]);
        *now = ms;
    }
    if (v[O_GRACE]) {
        long days = strtol(v[O_GRACE], &end, 10);
        if (!*v[O_GRACE] || *end || days < 0 || days > 365)
            return app_fail(app, APP_EXIT_USAGE, "%s: --grace '%s' is not a "
                            "number of days in 0..365", cmd, v[O_GRACE]);
        *grace = (uint64_t)days * CIVIL_DAY_MS;
    }
    return 0;
}

typedef struct s_fu {
    const domain_model_t *m;
    domain_id_t id;
    followup_view_t f;
    case_state_t cs;
} s_fu_t;

static int s_read_fu(view_txn_t *vt, void *arg)
{
    s_fu_t *r = arg;
    int rc = followup_find(vt, r->m, &r->id, &r->f);
    return rc ? rc : case_state(vt, r->m, &r->f.person, &r->cs);
}

static int s_followup_done(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"outcome", required_argument, NULL, O_OUTCOME},
        {"screen", required_argument, NULL, O_SCREEN},
        {NULL, 0, NULL, 0},
    };
    triage_screen_t screens[FOLLOWUP_RESCREEN_MAX];
    int answers[FOLLOWUP_RESCREEN_MAX][SCREENING_MAX_ITEMS];
    size_t n = 0;
    const char *outcome = NULL;
    optind = 0;
    opterr = 0;
    int c, rc = 0;
    while (!rc && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == O_OUTCOME)
            outcome = optarg;
        else if (c == O_SCREEN && n == FOLLOWUP_RESCREEN_MAX)
            rc = app_fail(app, APP_EXIT_USAGE, "followup done: at most %d "
                          "screens", FOLLOWUP_RESCREEN_MAX);
        else if (c == O_SCREEN)
            rc = app_parse_screen(app, "followup done", optarg,
                                  &screens[n], answers[n]),
            n++;
        else
            rc = app_fail(app, APP_EXIT_USAGE, "followup done: bad option "
                          "'%s' (see --help)", argv[optind - 1]);
    }
    if (!rc && optind < argc)
        rc = app_fail(app, APP_EXIT_USAGE, "followup done: unexpected "
                      "argument '%s'", argv[optind]);
    if (rc)
        return rc;
    s_fu_t *r = xcalloc(1, sizeof *r);
    r->m = app_model(app);
    followup_done_event_t *de = xmalloc(sizeof *de);
    domain_error_t err;
    if (domain_id_parse(&r->id, argv[0]))
        rc = app_fail(app, APP_EXIT_USAGE, "followup done: '%s' is not a "
                      "follow-up id (see 'list followups')", argv[0]);
    if (!rc) {
        rc = event_log_view_read(node_log(app_node(app)), s_read_fu, r);
        if (rc == XY_ENOENT)
            rc = app_fail(app, APP_EXIT_FAIL, "followup done: no follow-up "
                          "%s here", argv[0]);
        else if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "followup done: %s",
                          xy_strerror(rc));
        else if (r->cs.closed)
            rc = app_fail(app, APP_EXIT_FAIL, "followup done: the case is "
                          "closed (%s); reopen it first", r->cs.reason);
    }
    if (!rc && followup_done(de, &r->f, outcome, screens, n, app_user(app),
                             &err))
        rc = app_fail(app, err.code == XY_ESTATE ? APP_EXIT_FAIL
                                                 : APP_EXIT_USAGE,
                      "followup done: --%s: %s", err.field, err.msg);
    if (!rc)
        rc = app_write_own(app, &de->ev, "follow-up outcome", argv[0]);
    free(de);
    free(r);
    return rc;
}

int app_cmd_followup(app_t *app, int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "done") != 0)
        return app_fail(app, APP_EXIT_USAGE, "followup: say 'followup done "
                        "ID --outcome done|missed|lost [--screen "
                        "PHQ-9=...]'");
    /* argv + 2: the id takes the place of the program name for getopt. */
    return s_followup_done(app, argc - 2, argv + 2);
}

typedef struct s_case {
    const domain_model_t *m;
    domain_id_t person, incident;
    uint32_t vulnerability;
    bool exercise;
    case_state_t cs;
} s_case_t;

static int s_read_case(view_txn_t *vt, void *arg)
{
    s_case_t *c = arg;
    int rc = person_find(vt, c->m, &c->person, &c->incident,
                         &c->vulnerability, &c->exercise);
    return rc ? rc : case_state(vt, c->m, &c->person, &c->cs);
}

int app_cmd_case(app_t *app, int argc, char **argv)
{
    bool close = argc >= 3 && strcmp(argv[1], "close") == 0;
    bool reopen = argc >= 3 && strcmp(argv[1], "reopen") == 0;
    if (!close && !reopen)
        return app_fail(app, APP_EXIT_USAGE, "case: say 'case close PERSON "
                        "--reason recovered|referred_on|declined|moved|lost|"
                        "deceased|other [--note TEXT]' or 'case reopen "
                        "PERSON --reason TEXT'");
    const char *cmd = close ? "case close" : "case reopen";
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc - 2, argv + 2, s_opts, v);
    if (rc)
        return rc;
    s_case_t *c = xcalloc(1, sizeof *c);
    c->m = app_model(app);
    case_event_t *ce = xmalloc(sizeof *ce);
    domain_error_t err;
    if (domain_id_parse(&c->person, argv[2]))
        rc = app_fail(app, APP_EXIT_USAGE, "%s: '%s' is not a person id (32 "
                      "hex digits; see 'list persons')", cmd, argv[2]);
    if (!rc) {
        rc = event_log_view_read(node_log(app_node(app)), s_read_case, c);
        if (rc == XY_ENOENT)
            rc = app_fail(app, APP_EXIT_FAIL, "%s: no person %s here", cmd,
                          argv[2]);
        else if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "%s: %s", cmd,
                          xy_strerror(rc));
    }
    if (!rc) {
        rc = close ? case_close(ce, &c->person, &c->incident, &c->cs,
                                v[O_REASON], v[O_NOTE], c->exercise,
                                app_user(app), &err)
                   : case_reopen(ce, &c->person, &c->incident, &c->cs,
                                 v[O_REASON], c->exercise, app_user(app),
                                 &err);
        if (rc)
            rc = app_fail(app, rc == XY_ESTATE ? APP_EXIT_FAIL
                                               : APP_EXIT_USAGE,
                          "%s: --%s: %s", cmd, err.field, err.msg);
    }
    if (!rc)
        rc = app_write_own(app, &ce->ev, close ? "closure of case"
                                               : "reopening of case",
                           argv[2]);
    free(ce);
    free(c);
    return rc;
}

typedef struct s_report {
    const domain_model_t *m;
    domain_id_t incident;
    uint64_t now, grace;
    json_t *out;
} s_report_t;

static int s_read_report(view_txn_t *vt, void *arg)
{
    s_report_t *r = arg;
    r->out = followup_report(vt, r->m, &r->incident, r->now, r->grace);
    return r->out ? 0 : XY_ESTORE;
}

static const char *const s_report_cols[] = {
    "zone", "phase", "people", "immediate", "high_risk", "low_risk",
    "untriaged", "closed", "handoffs_proposed", "handoffs_accepted",
    "handoffs_declined", "followups_upcoming", "followups_due",
    "followups_overdue", "followups_done", "followups_missed",
    "followups_lost"};
#define S_NCOLS (sizeof s_report_cols / sizeof *s_report_cols)

/* One row per zone, then the instruments' trends in a last column:
 * "PHQ-9 -3.50 (n=2)" for each instrument, ';'-separated. */
static void s_print_report(const json_t *rep, bool csv)
{
    const char *sep = csv ? "," : " ";
    if (json_is_true(json_object_get(rep, "exercise")))
        printf("%s\n", EXERCISE_BANNER);
    for (size_t c = 0; c < S_NCOLS; c++)
        printf(csv ? "%s%s" : "%-18.18s%s", s_report_cols[c], sep);
    printf("trends\n");
    size_t i;
    json_t *z;
    json_array_foreach(json_object_get(rep, "zones"), i, z) {
        for (size_t c = 0; c < S_NCOLS; c++) {
            json_t *v = json_object_get(z, s_report_cols[c]);
            if (json_is_string(v))
                printf(csv ? "%s%s" : "%-18.18s%s", json_string_value(v),
                       sep);
            else
                printf(csv ? "%lld%s" : "%-18lld%s",
                       (long long)json_integer_value(v), sep);
        }
        const char *k;
        json_t *t;
        int n = 0;
        json_object_foreach(json_object_get(z, "trends"), k, t)
            printf("%s%s %+.2f (n=%lld)", n++ ? ";" : "", k,
                   json_real_value(json_object_get(t, "mean_change")),
                   (long long)json_integer_value(
                       json_object_get(t, "persons")));
        printf("\n");
    }
}

int app_cmd_report(app_t *app, int argc, char **argv)
{
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc, argv, s_opts, v);
    if (rc)
        return rc;
    s_report_t r = {.m = app_model(app)};
    if (!v[O_INCIDENT] || domain_id_parse(&r.incident, v[O_INCIDENT]))
        return app_fail(app, APP_EXIT_USAGE, "report: --incident needs an "
                        "incident id of 32 hex digits (see 'list "
                        "incidents')");
    rc = s_when(app, "report", v, &r.now, &r.grace);
    if (rc)
        return rc;
    rc = event_log_view_read(node_log(app_node(app)), s_read_report, &r);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "report: %s", xy_strerror(rc));
    if (app_json(app) && !v[O_CSV]) {
        json_dumpf(r.out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    } else {
        s_print_report(r.out, v[O_CSV] != NULL);
    }
    json_decref(r.out);
    return 0;
}

bool app_list_followup_handles(const char *what)
{
    return strcmp(what, "services") == 0 || strcmp(what, "handoffs") == 0 ||
           strcmp(what, "followups") == 0;
}

typedef struct s_list {
    const domain_model_t *m;
    const char *what;
    bool pending;
    followup_filter_t filter;
    const domain_id_t *service;
    uint64_t now, grace;
    json_t *out;
} s_list_t;

static int s_read_list(view_txn_t *vt, void *arg)
{
    s_list_t *l = arg;
    if (strcmp(l->what, "services") == 0)
        l->out = service_list(vt, l->m);
    else if (strcmp(l->what, "handoffs") == 0)
        l->out = handoff_list(vt, l->m, l->pending, l->service);
    else
        l->out = followup_list(vt, l->m, l->filter, l->service, l->now,
                               l->grace);
    return l->out ? 0 : XY_ESTORE;
}

static const char *s_exercise_mark(const json_t *o)
{
    return json_is_true(json_object_get(o, "exercise")) ? "  [EXERCISE]"
                                                        : "";
}

static void s_print_list(const char *what, const json_t *arr)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
#define S(k) json_string_value(json_object_get(o, k))
        if (strcmp(what, "services") == 0)
            printf("%s  %-20s %-30s capacity %lld  %s%s\n", S("id"),
                   S("kind"), S("name"),
                   (long long)json_integer_value(json_object_get(o,
                                                                 "capacity")),
                   S("contact"), s_exercise_mark(o));
        else if (strcmp(what, "handoffs") == 0)
            printf("%s  person %s  service %s  %-9s %-10s %s%s\n", S("id"),
                   S("person"), S("service"), S("level"), S("status"),
                   S("by"), s_exercise_mark(o));
        else
            printf("%s  person %s  service %s  due %s  %s%s%s\n", S("id"),
                   S("person"), S("service"), S("due"), S("outcome"),
                   json_is_true(json_object_get(o, "overdue")) ? "  OVERDUE"
                                                               : "",
                   s_exercise_mark(o));
#undef S
    }
    if (!json_array_size(arr))
        printf("no %s\n", what);
}

int app_list_followup(app_t *app, int argc, char **argv)
{
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc - 1, argv + 1, s_opts, v);
    if (rc)
        return rc;
    s_list_t l = {.m = app_model(app), .what = argv[1],
                  .pending = v[O_PENDING] != NULL};
    domain_id_t service;
    if (v[O_DUE] && v[O_OVERDUE])
        return app_fail(app, APP_EXIT_USAGE, "list followups: say --due or "
                        "--overdue, not both");
    l.filter = v[O_OVERDUE] ? FOLLOWUP_OVERDUE
               : v[O_DUE]   ? FOLLOWUP_DUE : FOLLOWUP_ALL;
    if (v[O_SERVICE] && domain_id_parse(&service, v[O_SERVICE]))
        return app_fail(app, APP_EXIT_USAGE, "list %s: --service needs a "
                        "service id of 32 hex digits", argv[1]);
    l.service = v[O_SERVICE] ? &service : NULL;
    rc = s_when(app, "list", v, &l.now, &l.grace);
    if (rc)
        return rc;
    rc = event_log_view_read(node_log(app_node(app)), s_read_list, &l);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "list %s: %s", argv[1],
                        xy_strerror(rc));
    if (app_json(app)) {
        json_dumpf(l.out, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
    } else {
        s_print_list(argv[1], l.out);
    }
    json_decref(l.out);
    return 0;
}

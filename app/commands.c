/* The commands every node has: init, status, list, run, and recording
 * incidents and people locally (app.h). Each parses its own options and
 * prints a table, or JSON with --json. */
#include "app/app.h"
#include "app/http_api.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/runloop.h"
#include "domain/exercise.h"
#include "domain/incident.h"
#include "domain/person.h"
#include "domain/red_flag.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int app_parse_opts(app_t *app, int argc, char **argv,
                   const struct option *opts, const char **vals)
{
    opterr = 0;
    int c, idx = 0;
    while ((c = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
        if (c == ':')
            return app_fail(app, APP_EXIT_USAGE, "%s: option %s needs a value",
                            argv[0], argv[optind - 1]);
        if (c == '?')
            return app_fail(app, APP_EXIT_USAGE, "%s: unknown option '%s' "
                            "(see --help)", argv[0], argv[optind - 1]);
        vals[c] = optarg ? optarg : "true";
    }
    if (optind < argc)
        return app_fail(app, APP_EXIT_USAGE, "%s: unexpected argument '%s'",
                        argv[0], argv[optind]);
    return 0;
}

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int app_cmd_init(app_t *app, int argc, char **argv)
{
    const char *vals[1] = {0};
    static const struct option opts[] = {{NULL, 0, NULL, 0}};
    int rc = app_parse_opts(app, argc, argv, opts, vals);
    if (rc)
        return rc;
    node_identity_t id;
    char err[512];
    rc = node_init(app_data_dir(app), app_schema(app), &id, err,
                   sizeof err);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "%s", err);
    char nid[33], pk[65];
    xy_hex(nid, id.node_id, 16);
    xy_hex(pk, id.public_key, 32);
    identity_wipe(&id);
    if (app_json(app))
        printf("{\"node_id\": \"%s\", \"public_key\": \"%s\"}\n", nid, pk);
    else
        printf("initialised %s %s\nnode id     %s\npublic key  %s\n",
               app_spec(app)->role, app_data_dir(app), nid, pk);
    return 0;
}

int app_cmd_status(app_t *app, int argc, char **argv)
{
    const char *vals[1] = {0};
    static const struct option opts[] = {{NULL, 0, NULL, 0}};
    int rc = app_parse_opts(app, argc, argv, opts, vals);
    if (rc)
        return rc;
    event_log_t *log = node_log(app_node(app));
    uint8_t digest[32];
    rc = event_log_view_digest(log, digest);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "reading views: %s",
                        xy_strerror(rc));
    char nid[33], pk[65], dg[65];
    xy_hex(nid, node_identity(app_node(app))->node_id, 16);
    xy_hex(pk, node_identity(app_node(app))->public_key, 32);
    xy_hex(dg, digest, 32);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}", "role",
                          app_spec(app)->role, "node_id", nid, "public_key",
                          pk, "events", (json_int_t)event_log_count(log),
                          "last_position",
                          (json_int_t)event_log_last_position(log),
                          "view_digest", dg);
    char live_path[4096];
    snprintf(live_path, sizeof live_path, "%s/live.json", app_data_dir(app));
    json_t *live = json_load_file(live_path, 0, NULL);
    if (live)
        json_object_set_new(o, "live", live);
    if (app_json(app)) {
        json_dumpf(o, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        printf("role           %s\nnode id        %s\npublic key     %s\n"
               "events         %llu\nlast position  %llu\nview digest    %s\n",
               app_spec(app)->role, nid, pk,
               (unsigned long long)event_log_count(log),
               (unsigned long long)event_log_last_position(log), dg);
        if (live) {
            char *text = json_dumps(live, JSON_INDENT(2) | JSON_SORT_KEYS);
            printf("daemon (last written by the running daemon):\n%s\n",
                   text ? text : "");
            free(text);
        }
    }
    json_decref(o);
    return 0;
}

typedef struct s_list_args {
    const domain_model_t *m;
    const char *what;
    json_t *out;
} s_list_args_t;

static int s_list_read(view_txn_t *vt, void *arg)
{
    s_list_args_t *a = arg;
    if (strcmp(a->what, "incidents") == 0)
        a->out = incident_list(vt, a->m);
    else if (strcmp(a->what, "persons") == 0)
        a->out = person_list(vt, a->m);
    else if (strcmp(a->what, "flags") == 0)
        a->out = red_flag_list(vt, a->m, false);
    else if (strcmp(a->what, "levels") == 0)
        a->out = person_triage_counts(vt, a->m);
    else
        a->out = person_site_counts(vt, a->m);
    return a->out ? 0 : XY_ECORRUPT;
}

/* "  [EXERCISE]" after a row of drill data, else nothing. */
static const char *s_exercise_mark(const json_t *o)
{
    return json_is_true(json_object_get(o, "exercise")) ? "  [EXERCISE]"
                                                        : "";
}

static void s_print_table(const char *what, json_t *arr)
{
    size_t i;
    json_t *o;
    if (strcmp(what, "incidents") == 0) {
        printf("%-32s  %-12s  %-5s  %-8s  %s\n", "ID", "HAZARD", "LEVEL",
               "EXERCISE", "TITLE");
        json_array_foreach(arr, i, o)
        printf("%-32s  %-12s  %-5s  %-8s  %s\n",
               json_string_value(json_object_get(o, "id")),
               json_string_value(json_object_get(o, "hazard")),
               json_string_value(json_object_get(o, "level")),
               json_is_true(json_object_get(o, "exercise")) ? "EXERCISE" : "",
               json_string_value(json_object_get(o, "title")));
    } else if (strcmp(what, "persons") == 0) {
        printf("%-32s  %-3s  %-7s  %-8s  %-24s  %s\n", "ID", "AGE", "SEX",
               "EXERCISE", "SITE", "VULNERABILITY");
        json_array_foreach(arr, i, o)
        {
            char *v = json_dumps(json_object_get(o, "vulnerability"),
                                 JSON_COMPACT);
            printf("%-32s  %-3lld  %-7s  %-8s  %-24s  %s\n",
                   json_string_value(json_object_get(o, "id")),
                   (long long)json_integer_value(json_object_get(o, "age_band")),
                   json_string_value(json_object_get(o, "sex")),
                   json_is_true(json_object_get(o, "exercise")) ? "EXERCISE"
                                                                : "",
                   json_string_value(json_object_get(o, "site")), v ? v : "");
            free(v);
        }
    } else if (strcmp(what, "flags") == 0) {
        printf("%-32s  %-32s  %-20s  %s\n", "FLAG", "PERSON", "ACKNOWLEDGED BY",
               "REASON");
        json_array_foreach(arr, i, o)
        {
            const char *by =
                json_string_value(json_object_get(o, "acknowledged_by"));
            printf("%-32s  %-32s  %-20s  %s%s\n",
                   json_string_value(json_object_get(o, "id")),
                   json_string_value(json_object_get(o, "person")),
                   by ? by
                   : json_is_true(json_object_get(o, "overdue"))
                       ? "** OVERDUE **"
                       : "** OPEN **",
                   json_is_true(json_object_get(o, "exercise")) ? "[EXERCISE] "
                                                                : "",
                   json_string_value(json_object_get(o, "reason")));
        }
    } else if (strcmp(what, "levels") == 0) {
        printf("%-32s  %-12s  %s\n", "INCIDENT", "LEVEL", "PERSONS");
        json_array_foreach(arr, i, o)
        printf("%-32s  %-12s  %lld%s\n",
               json_string_value(json_object_get(o, "incident")),
               json_string_value(json_object_get(o, "level")),
               (long long)json_integer_value(json_object_get(o, "persons")),
               s_exercise_mark(o));
    } else {
        printf("%-32s  %-7s  %s\n", "INCIDENT", "PERSONS", "SITE");
        json_array_foreach(arr, i, o)
        printf("%-32s  %-7lld  %s%s\n",
               json_string_value(json_object_get(o, "incident")),
               (long long)json_integer_value(json_object_get(o, "persons")),
               json_string_value(json_object_get(o, "site")),
               s_exercise_mark(o));
    }
    printf("(%zu)\n", json_array_size(arr));
}

uint64_t app_flag_timeout_ms(app_t *app)
{
    int64_t min = config_int(node_config(app_node(app)),
                             "flag_ack_timeout_min");
    return (uint64_t)(min < 0 ? 0 : min) * 60 * 1000;
}

/* `list flags [--open] [--overdue] [--timeout-min N]`: the red flags,
 * open ones marked overdue once unacknowledged for the timeout (the
 * configured flag_ack_timeout_min by default). */
enum { LF_OPEN, LF_OVERDUE, LF_TIMEOUT, LF_N };

static int s_list_flags(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"open", no_argument, NULL, LF_OPEN},
        {"overdue", no_argument, NULL, LF_OVERDUE},
        {"timeout-min", required_argument, NULL, LF_TIMEOUT},
        {NULL, 0, NULL, 0},
    };
    const char *v[LF_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    if (rc)
        return rc;
    uint64_t timeout = app_flag_timeout_ms(app);
    if (v[LF_TIMEOUT]) {
        char *end = NULL;
        long min = strtol(v[LF_TIMEOUT], &end, 10);
        if (!end || *end || min < 0 || min > 7 * 24 * 60)
            return app_fail(app, APP_EXIT_USAGE, "list flags: --timeout-min "
                            "'%s' is not a number of minutes (0..10080)",
                            v[LF_TIMEOUT]);
        timeout = (uint64_t)min * 60 * 1000;
    }
    s_list_args_t a = {app_model(app), "flags", NULL};
    rc = event_log_view_read(node_log(app_node(app)), s_list_read, &a);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "list flags: %s",
                        xy_strerror(rc));
    red_flag_mark_overdue(a.out, s_now_ms(), timeout);
    json_t *keep = json_array(), *o;
    size_t i;
    json_array_foreach(a.out, i, o)
    {
        bool open = !json_is_string(json_object_get(o, "acknowledged_by"));
        bool overdue = json_is_true(json_object_get(o, "overdue"));
        if ((v[LF_OPEN] && !open) || (v[LF_OVERDUE] && !overdue))
            continue;
        json_array_append(keep, o);
    }
    json_decref(a.out);
    if (app_json(app)) {
        json_dumpf(keep, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        s_print_table("flags", keep);
    }
    json_decref(keep);
    return 0;
}

int app_cmd_list(app_t *app, int argc, char **argv)
{
    if (argc >= 2 && app_list_people_handles(argv[1]))
        return app_list_people(app, argc, argv);
    if (argc >= 2 && app_list_followup_handles(argv[1]))
        return app_list_followup(app, argc, argv);
    if (argc >= 2 && app_list_dispatch_handles(argv[1]))
        return app_list_dispatch(app, argc, argv);
    if (argc >= 2 && strcmp(argv[1], "flags") == 0 && argc > 2)
        return s_list_flags(app, argc - 1, argv + 1);
    static const char *const what[] = {"incidents", "persons", "sites",
                                       "flags", "levels"};
    bool known = false;
    for (size_t i = 0; argc == 2 && i < sizeof what / sizeof what[0]; i++)
        known |= strcmp(argv[1], what[i]) == 0;
    if (!known)
        return app_fail(app, APP_EXIT_USAGE, "list: say what: incidents, "
                        "persons, sites, flags, levels, counts, links, "
                        "encounters or referrals [--open]");
    s_list_args_t a = {app_model(app), argv[1], NULL};
    int rc = event_log_view_read(node_log(app_node(app)), s_list_read, &a);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "list %s: %s", argv[1],
                        xy_strerror(rc));
    if (app_json(app)) {
        json_dumpf(a.out, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        s_print_table(argv[1], a.out);
    }
    json_decref(a.out);
    return 0;
}

/* Writes <data-dir>/live.json atomically: what `status` shows of a running
 * daemon. */
static void s_write_live_status(void *arg)
{
    app_t *app = arg;
    json_t *o = app_spec(app)->live_status(app);
    if (!o)
        return;
    json_object_set_new(o, "updated_at", json_integer((json_int_t)s_now_ms()));
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/live.json", app_data_dir(app));
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(o, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) == 0)
        rename(tmp, path);
    json_decref(o);
}

int app_cmd_run(app_t *app, int argc, char **argv)
{
    const char *vals[1] = {0};
    static const struct option opts[] = {{NULL, 0, NULL, 0}};
    int rc = app_parse_opts(app, argc, argv, opts, vals);
    if (rc)
        return rc;
    runloop_t *rl = NULL;
    rc = runloop_new(&rl);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "cannot start the event loop: %s",
                        xy_strerror(rc));
    const app_spec_t *spec = app_spec(app);
    if (spec->serve) {
        rc = spec->serve(app, rl);
        if (rc) {
            runloop_destroy(&rl);
            return rc;
        }
    }
    if (spec->live_status)
        runloop_every(rl, 1000, s_write_live_status, app);
    app_http_t *http = NULL;
    rc = app_http_start(app, rl, &http);
    if (rc) {
        if (spec->unserve)
            spec->unserve(app);
        runloop_destroy(&rl);
        return rc;
    }
    char nid[33];
    event_log_t *log = node_log(app_node(app));
    printf("%s running: node %s, %llu events, data %s\n", spec->role,
           xy_hex(nid, node_identity(app_node(app))->node_id, 16),
           (unsigned long long)event_log_count(log), app_data_dir(app));
    fflush(stdout);
    int sig = runloop_run(rl);
    app_http_stop(&http);
    if (spec->unserve)
        spec->unserve(app);
    runloop_destroy(&rl);
    printf("%s stopped%s\n", app_spec(app)->role,
           sig ? " by signal" : "");
    return 0;
}

int app_exercise_check(app_t *app, const event_write_t *w, size_t n,
                       const char *what)
{
    exercise_memo_t *memo = xcalloc(1, sizeof *memo);
    int rc = 0;
    char why[EXERCISE_WHY_MAX];
    for (size_t i = 0; i < n && !rc; i++)
        if (w[i].kind == EVENT_WRITE_OWN)
            rc = exercise_check_log(node_log(app_node(app)), app_model(app),
                                    w[i].own, memo, why, sizeof why);
    free(memo);
    if (rc == XY_EEXERCISE)
        return app_fail(app, APP_EXIT_FAIL, "storing the %s: refused: %s "
                        "(exercise and real data must not mix)", what, why);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "storing the %s: %s", what,
                        xy_strerror(rc));
    return 0;
}

typedef struct s_flag_read {
    const domain_model_t *m;
    const domain_id_t *incident;
    bool exercise;
} s_flag_read_t;

static int s_flag_read(view_txn_t *vt, void *arg)
{
    s_flag_read_t *f = arg;
    return exercise_incident(vt, f->m, f->incident->b, &f->exercise);
}

bool app_exercise_of(app_t *app, const domain_id_t *incident, bool given)
{
    s_flag_read_t f = {app_model(app), incident, false};
    if (event_log_view_read(node_log(app_node(app)), s_flag_read, &f))
        return given;
    return given || f.exercise;
}

int app_write_own(app_t *app, Xy__Event *ev, const char *what,
                  const char *id_hex)
{
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    if (app_exercise_check(app, &w, 1, what))
        return APP_EXIT_FAIL;
    int rc = event_log_write(node_log(app_node(app)), &w, 1, NULL);
    if (!rc)
        rc = w.status;
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "storing the %s: %s", what,
                        xy_strerror(rc));
    if (app_json(app))
        printf("{\"id\": \"%s\", \"seq\": %llu, \"position\": %llu}\n",
               id_hex, (unsigned long long)w.seq,
               (unsigned long long)w.position);
    else
        printf("recorded %s %s (event %llu)\n", what, id_hex,
               (unsigned long long)w.seq);
    return 0;
}

static int s_number(app_t *app, const char *cmd, const char *name,
                    const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (!end || *end || end == text || !isfinite(v) || v < lo || v > hi)
        return app_fail(app, APP_EXIT_USAGE, "%s: --%s '%s' is not a number "
                        "in %g..%g", cmd, name, text, lo, hi);
    *out = v;
    return 0;
}

enum { I_HAZARD, I_TITLE, I_LAT, I_LON, I_MAG, I_LEVEL, I_EXERCISE, I_N };

int app_cmd_incident(app_t *app, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "declare") != 0)
        return app_fail(app, APP_EXIT_USAGE, "incident: say 'incident "
                        "declare --hazard H --title T ...'");
    static const struct option opts[] = {
        {"hazard", required_argument, NULL, I_HAZARD},
        {"title", required_argument, NULL, I_TITLE},
        {"lat", required_argument, NULL, I_LAT},
        {"lon", required_argument, NULL, I_LON},
        {"magnitude", required_argument, NULL, I_MAG},
        {"level", required_argument, NULL, I_LEVEL},
        {"exercise", no_argument, NULL, I_EXERCISE},
        {NULL, 0, NULL, 0},
    };
    const char *v[I_N] = {0};
    int rc = app_parse_opts(app, argc - 1, argv + 1, opts, v);
    if (rc)
        return rc;
    incident_input_t in = {.hazard = v[I_HAZARD], .title = v[I_TITLE],
                           .level = v[I_LEVEL], .exercise = v[I_EXERCISE],
                           .author = app_user(app)};
    if (!!v[I_LAT] != !!v[I_LON])
        return app_fail(app, APP_EXIT_USAGE, "incident declare: give both "
                        "--lat and --lon, or neither");
    if (v[I_LAT]) {
        in.has_epicentre = true;
        if (s_number(app, "incident declare", "lat", v[I_LAT], -90, 90,
                     &in.lat) ||
            s_number(app, "incident declare", "lon", v[I_LON], -180, 180,
                     &in.lon))
            return APP_EXIT_USAGE;
    }
    if (v[I_MAG] && s_number(app, "incident declare", "magnitude", v[I_MAG],
                             0, 10, &in.magnitude))
        return APP_EXIT_USAGE;
    domain_id_t id;
    app_random_id(id.b);
    domain_event_t de;
    domain_error_t err;
    rc = incident_declare(&de, &id, &in, s_now_ms(), &err);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "incident declare: %s: %s",
                        err.field, err.msg);
    char hex[DOMAIN_ID_HEX];
    return app_write_own(app, &de.ev, "incident", domain_id_format(&id, hex));
}

enum { P_INCIDENT, P_AGE, P_SEX, P_LANG, P_VULN, P_SITE, P_ZONE, P_WORKER,
       P_EXERCISE, P_NAME, P_PHONE, P_IDNUM, P_NOTES, P_BIRTH, P_PASSFILE,
       P_N };

int app_cmd_person(app_t *app, int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") != 0)
        return app_person_more(app, argc, argv);
    if (argc < 2)
        return app_fail(app, APP_EXIT_USAGE, "person: say 'person add "
                        "--incident ID --age-band N --site S ...', or move, "
                        "link, unlink");
    static const struct option opts[] = {
        {"incident", required_argument, NULL, P_INCIDENT},
        {"age-band", required_argument, NULL, P_AGE},
        {"sex", required_argument, NULL, P_SEX},
        {"language", required_argument, NULL, P_LANG},
        {"vulnerability", required_argument, NULL, P_VULN},
        {"site", required_argument, NULL, P_SITE},
        {"zone", required_argument, NULL, P_ZONE},
        {"worker", required_argument, NULL, P_WORKER},
        {"exercise", no_argument, NULL, P_EXERCISE},
        {"name", required_argument, NULL, P_NAME},
        {"phone", required_argument, NULL, P_PHONE},
        {"id-number", required_argument, NULL, P_IDNUM},
        {"notes", required_argument, NULL, P_NOTES},
        {"birth-year", required_argument, NULL, P_BIRTH},
        {"passphrase-file", required_argument, NULL, P_PASSFILE},
        {NULL, 0, NULL, 0},
    };
    const char *v[P_N] = {0};
    int rc = app_parse_opts(app, argc - 1, argv + 1, opts, v);
    if (rc)
        return rc;
    domain_id_t incident, zone;
    if (!v[P_INCIDENT] || domain_id_parse(&incident, v[P_INCIDENT]))
        return app_fail(app, APP_EXIT_USAGE, "person add: --incident needs "
                        "an incident id of 32 hex digits (see 'list "
                        "incidents')");
    if (v[P_ZONE] && domain_id_parse(&zone, v[P_ZONE]))
        return app_fail(app, APP_EXIT_USAGE, "person add: --zone needs a "
                        "zone id of 32 hex digits");
    double age = -1;
    if (!v[P_AGE] ||
        s_number(app, "person add", "age-band", v[P_AGE], 0, 120, &age))
        return v[P_AGE] ? APP_EXIT_USAGE
                        : app_fail(app, APP_EXIT_USAGE,
                                   "person add: --age-band is required");
    person_input_t in = {.incident = &incident, .age_band = (int)age,
                         .sex = v[P_SEX], .language = v[P_LANG],
                         .vulnerability = v[P_VULN], .site = v[P_SITE],
                         .zone = v[P_ZONE] ? &zone : NULL,
                         .worker = v[P_WORKER] ? v[P_WORKER] : app_user(app),
                         .exercise = app_exercise_of(app, &incident,
                                                     v[P_EXERCISE] != NULL),
                         .author = app_user(app)};
    if (age != floor(age))
        return app_fail(app, APP_EXIT_USAGE, "person add: --age-band must be "
                        "a whole number");
    domain_id_t id;
    app_random_id(id.b);
    app_personal_opts_t po = {v[P_NAME], v[P_PHONE], v[P_IDNUM], v[P_NOTES],
                              v[P_BIRTH], v[P_PASSFILE]};
    personal_sealed_t *sealed = NULL;
    if (po.name || po.phone || po.id_number || po.notes || po.birth_year) {
        sealed = xmalloc(sizeof *sealed);
        rc = app_personal_seal(app, &po, &incident, &id, (int)age, sealed);
        if (rc) {
            free(sealed);
            return rc;
        }
        in.sealed = sealed;
    }
    domain_event_t de;
    domain_error_t err;
    rc = person_register(&de, &id, &in, &err);
    if (rc) {
        free(sealed);
        return app_fail(app, APP_EXIT_FAIL, "person add: %s: %s", err.field,
                        err.msg);
    }
    char hex[DOMAIN_ID_HEX];
    rc = app_write_own(app, &de.ev, "person", domain_id_format(&id, hex));
    free(sealed);
    return rc;
}

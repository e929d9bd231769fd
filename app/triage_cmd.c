/* Triage and red flags at the command line: `triage` scores a person's
 * screens, records the triage (and a red flag when the rules say so) and
 * tells the worker what to do now, offline; `flag ack` records the named
 * person who takes responsibility for a flag (app.h). */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/exercise.h"
#include "domain/person.h"
#include "domain/red_flag.h"
#include "domain/triage_record.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    uint32_t bit;
} s_factors[] = {
    {"panic", TRIAGE_FACTOR_PANIC},
    {"threat_to_life", TRIAGE_FACTOR_THREAT_TO_LIFE},
    {"trapped", TRIAGE_FACTOR_TRAPPED},
    {"injured", TRIAGE_FACTOR_INJURED},
    {"saw_death", TRIAGE_FACTOR_SAW_DEATH},
    {"death_close", TRIAGE_FACTOR_DEATH_CLOSE},
    {"missing_close", TRIAGE_FACTOR_MISSING_CLOSE},
    {"home_lost", TRIAGE_FACTOR_HOME_LOST},
    {"separated", TRIAGE_FACTOR_SEPARATED},
    {"prior_history", TRIAGE_FACTOR_PRIOR_HISTORY},
    {"ongoing_stress", TRIAGE_FACTOR_ONGOING_STRESS},
    {"acute_suicidality", TRIAGE_FACTOR_ACUTE_SUICIDALITY},
};

int app_triage_factor(const char *name, uint32_t *bit)
{
    for (size_t i = 0; i < sizeof s_factors / sizeof s_factors[0]; i++)
        if (strcmp(s_factors[i].name, name) == 0) {
            *bit = s_factors[i].bit;
            return 0;
        }
    return XY_EINVAL;
}

static int s_parse_factors(app_t *app, const char *text, uint32_t *out)
{
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return app_fail(app, APP_EXIT_USAGE, "triage: --factors too long");
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        uint32_t bit = 0;
        if (app_triage_factor(t, &bit))
            return app_fail(app, APP_EXIT_USAGE, "triage: unknown factor '%s' "
                            "(%s)", t, APP_TRIAGE_FACTORS);
        *out |= bit;
    }
    return 0;
}

int app_parse_screen(app_t *app, const char *cmd, char *spec,
                     triage_screen_t *s, int *answers)
{
    char *eq = strchr(spec, '=');
    if (!eq)
        return app_fail(app, APP_EXIT_USAGE, "%s: --screen takes "
                        "NAME=ANSWERS, e.g. PHQ-9=0,1,0,2,1,0,0,1,0", cmd);
    *eq = '\0';
    s->instrument = spec;
    s->answers = answers;
    s->n = 0;
    char *save = NULL;
    for (char *t = strtok_r(eq + 1, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (s->n == SCREENING_MAX_ITEMS)
            return app_fail(app, APP_EXIT_USAGE, "%s: %s: more than %d "
                            "answers", cmd, spec, SCREENING_MAX_ITEMS);
        char *end = NULL;
        bool none = strcmp(t, "-") == 0;
        long v = none ? SCREENING_MISSING : strtol(t, &end, 10);
        if (!none && (!end || *end || v < 0 || v > 99))
            return app_fail(app, APP_EXIT_USAGE, "%s: %s item %zu: '%s' is "
                            "not an answer (a number, or - for none)", cmd,
                            spec, s->n + 1, t);
        answers[s->n++] = (int)v;
    }
    return 0;
}

typedef struct s_lookup {
    const domain_model_t *m;
    const domain_id_t *id;
    domain_id_t incident;
    uint32_t vulnerability;
    bool exercise;
} s_lookup_t;

static int s_find_person(view_txn_t *vt, void *arg)
{
    s_lookup_t *l = arg;
    return person_find(vt, l->m, l->id, &l->incident, &l->vulnerability,
                       &l->exercise);
}

int app_triage_record(app_t *app, const domain_id_t *pid,
                      const triage_screen_t *screens, size_t n,
                      uint32_t factors, triage_record_t *r, domain_id_t *tid,
                      domain_id_t *fid, domain_error_t *err)
{
    s_lookup_t l = {app_model(app), pid, {{0}}, 0, false};
    int rc = event_log_view_read(node_log(app_node(app)), s_find_person, &l);
    if (rc == XY_ENOENT)
        return domain_fail(err, rc, "person", "no such person here "
                           "(register them first)");
    if (rc)
        return domain_fail(err, rc, "", "reading persons: %s",
                           xy_strerror(rc));
    triage_record_input_t in = {&l.incident, pid, screens, n, factors,
                                l.vulnerability, l.exercise, app_user(app)};
    app_random_id(tid->b);
    app_random_id(fid->b);
    rc = triage_record_build(r, tid, fid, &in, err);
    if (rc)
        return rc;
    /* The triage and its flag are one group commit: never one without the
     * other. */
    event_write_t w[2] = {{.kind = EVENT_WRITE_OWN, .own = &r->triage},
                          {.kind = EVENT_WRITE_OWN, .own = &r->flag}};
    char why[EXERCISE_WHY_MAX];
    rc = exercise_check_log(node_log(app_node(app)), app_model(app),
                            &r->triage, NULL, why, sizeof why);
    if (rc == XY_EEXERCISE)
        return domain_fail(err, rc, "incident", "refused: %s (exercise and "
                           "real data must not mix)", why);
    if (rc)
        return domain_fail(err, rc, "", "reading: %s", xy_strerror(rc));
    rc = event_log_write(node_log(app_node(app)), w, r->has_flag ? 2 : 1,
                         NULL);
    if (!rc)
        rc = w[0].status ? w[0].status : (r->has_flag ? w[1].status : 0);
    if (rc)
        return domain_fail(err, rc, "", "storing: %s", xy_strerror(rc));
    return 0;
}

json_t *app_triage_json(const triage_record_t *r, const char *tid,
                        const char *fid)
{
    const triage_outcome_t *o = &r->outcome;
    json_t *results = json_array();
    for (size_t i = 0; i < r->n_results; i++) {
        const screening_result_t *s = &r->results[i];
        json_array_append_new(
            results,
            json_pack("{s:s, s:i, s:s?, s:s?, s:b}", "instrument",
                      screening_name(s->instrument), "score", s->score,
                      "band_en", s->band_en, "band_zh", s->band_zh,
                      "positive", s->positive));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s?, s:s, s:s, s:s, s:s, "
                     "s:o, s:b}",
                     "triage", tid, "level", triage_level_en(o->level),
                     "level_zh", triage_level_zh(o->level), "rules_version",
                     o->rules_version, "red_flag", o->red_flag, "flag",
                     r->has_flag ? fid : NULL, "reason_en", o->reason_en,
                     "reason_zh", o->reason_zh, "guidance_en", o->guidance_en,
                     "guidance_zh", o->guidance_zh, "results", results,
                     "exercise", r->triage.exercise);
}

static void s_print_outcome(app_t *app, const triage_record_t *r,
                            const char *tid, const char *fid)
{
    const triage_outcome_t *o = &r->outcome;
    if (app_json(app)) {
        json_t *j = app_triage_json(r, tid, fid);
        json_dumpf(j, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(j);
        return;
    }
    if (r->triage.exercise)
        printf("%s\n\n", EXERCISE_BANNER);
    for (size_t i = 0; i < r->n_results; i++)
        printf("%-9s score %3d  %s / %s%s\n",
               screening_name(r->results[i].instrument), r->results[i].score,
               r->results[i].band_zh ? r->results[i].band_zh : "",
               r->results[i].band_en ? r->results[i].band_en : "",
               r->results[i].positive ? "  (positive)" : "");
    printf("\n分级 level: %s %s   (rules %s, triage %s)\n",
           triage_level_zh(o->level), triage_level_en(o->level),
           o->rules_version, tid);
    printf("原因: %s\nWhy: %s\n", o->reason_zh, o->reason_en);
    if (r->has_flag)
        printf("\n*** 红色警示 RED FLAG %s: sent ahead of everything else; "
               "the command center must acknowledge it ***\n",
               fid);
    printf("\n现在要做 / Do now:\n%s\n\n%s\n", o->guidance_zh, o->guidance_en);
}

enum { T_PERSON = 1, T_SCREEN, T_FACTORS };

int app_cmd_triage(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"person", required_argument, NULL, T_PERSON},
        {"screen", required_argument, NULL, T_SCREEN},
        {"factors", required_argument, NULL, T_FACTORS},
        {NULL, 0, NULL, 0},
    };
    triage_screen_t screens[TRIAGE_MAX_RESULTS];
    int answers[TRIAGE_MAX_RESULTS][SCREENING_MAX_ITEMS];
    size_t n = 0;
    uint32_t factors = 0;
    const char *person = NULL;
    opterr = 0;
    int c, rc = 0;
    while (!rc && (c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (c == T_PERSON)
            person = optarg;
        else if (c == T_SCREEN && n == TRIAGE_MAX_RESULTS)
            rc = app_fail(app, APP_EXIT_USAGE, "triage: at most %d screens",
                          TRIAGE_MAX_RESULTS);
        else if (c == T_SCREEN)
            rc = app_parse_screen(app, "triage", optarg, &screens[n],
                                  answers[n]),
            n++;
        else if (c == T_FACTORS)
            rc = s_parse_factors(app, optarg, &factors);
        else
            rc = app_fail(app, APP_EXIT_USAGE, "triage: bad option '%s' (see "
                          "--help)", argv[optind - 1]);
    }
    if (rc)
        return rc;
    domain_id_t pid;
    if (!person || domain_id_parse(&pid, person))
        return app_fail(app, APP_EXIT_USAGE, "triage: --person needs a person "
                        "id of 32 hex digits (see 'list persons')");
    domain_id_t tid, fid;
    triage_record_t *r = xmalloc(sizeof *r);
    domain_error_t err;
    rc = app_triage_record(app, &pid, screens, n, factors, r, &tid, &fid,
                           &err);
    if (rc == XY_ENOENT && strcmp(err.field, "person") == 0)
        rc = app_fail(app, APP_EXIT_FAIL, "triage: no person %s here "
                      "(register them first)", person);
    else if (rc && err.field[0])
        rc = app_fail(app, APP_EXIT_FAIL, "triage: %s: %s", err.field,
                      err.msg);
    else if (rc)
        rc = app_fail(app, APP_EXIT_FAIL, "triage: %s", err.msg);
    if (rc) {
        free(r);
        return rc;
    }
    char th[DOMAIN_ID_HEX], fh[DOMAIN_ID_HEX];
    s_print_outcome(app, r, domain_id_format(&tid, th),
                    domain_id_format(&fid, fh));
    free(r);
    return 0;
}

typedef struct s_flag_lookup {
    const domain_model_t *m;
    const domain_id_t *id;
    domain_id_t incident;
    bool exercise;
} s_flag_lookup_t;

static int s_find_flag(view_txn_t *vt, void *arg)
{
    s_flag_lookup_t *l = arg;
    return red_flag_find(vt, l->m, l->id, &l->incident, &l->exercise);
}

enum { F_BY = 1, F_ACTION, F_N };

int app_cmd_flag(app_t *app, int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "ack") != 0)
        return app_fail(app, APP_EXIT_USAGE, "flag: say 'flag ack FLAG_ID "
                        "--by NAME [--action TEXT]'");
    domain_id_t fid;
    if (domain_id_parse(&fid, argv[2]))
        return app_fail(app, APP_EXIT_USAGE, "flag ack: '%s' is not a flag id "
                        "(32 hex digits; see 'list flags')", argv[2]);
    static const struct option opts[] = {
        {"by", required_argument, NULL, F_BY},
        {"action", required_argument, NULL, F_ACTION},
        {NULL, 0, NULL, 0},
    };
    const char *v[F_N] = {0};
    int rc = app_parse_opts(app, argc - 2, argv + 2, opts, v);
    if (rc)
        return rc;
    s_flag_lookup_t l = {app_model(app), &fid, {{0}}, false};
    rc = event_log_view_read(node_log(app_node(app)), s_find_flag, &l);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "flag ack: no red flag %s here",
                        argv[2]);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "flag ack: %s", xy_strerror(rc));
    domain_event_t de;
    domain_error_t err;
    rc = red_flag_ack(&de, &fid, &l.incident, v[F_BY], v[F_ACTION],
                      l.exercise, app_user(app), &err);
    if (rc)
        return app_fail(app, APP_EXIT_USAGE, "flag ack: --%s: %s", err.field,
                        err.msg);
    return app_write_own(app, &de.ev, "acknowledgement of flag", argv[2]);
}

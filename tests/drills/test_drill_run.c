/* The drill runner end to end: `xinyuan-drill run` plays the short
 * scenario (drills/scenarios/short.drill) with a real coordinator and two
 * real field agents, one of them behind a link that is down from 5 to 9
 * scenario minutes, and the test reads its result.json: no event lost,
 * none doubled, every view digest equal, triage coverage as scripted (6
 * people, 3 screened, plus one person at high suicide risk), the red flag
 * raised while the link was down acknowledged only after the link came
 * back, every team's acknowledgement present, the handoff accepted. Bad
 * scenarios are refused with FILE:LINE and exit status 2, and nothing is
 * started. Every run is bounded by the runner's own settle time and the
 * suite's timeout; everything lives in a temporary folder. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/xy_test.h"

#define SHORT XY_SOURCE_DIR "/drills/scenarios/short.drill"
#define DOWN_FROM_S 300.0 /* a2's link goes down at 5m */
#define DOWN_TO_S 540.0   /* and comes back at 9m */
#define FLAG_ACK_S 60.0   /* the commander acknowledges 1m after arrival */

static char *s_dir;

static void s_setup(void)
{
    s_dir = xy_test_mkdtemp();
    setenv("TMPDIR", s_dir, 1);
}

static void s_teardown(void)
{
    xy_test_rmdir(&s_dir);
}

TestSuite(drill_run, .init = s_setup, .fini = s_teardown, .timeout = 240);

static json_t *s_get(json_t *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && j;
         k = strtok_r(NULL, ".", &save))
        j = json_object_get(j, k);
    cr_assert_not_null(j, "result.json has no %s", path);
    return j;
}

static json_int_t s_int(json_t *r, const char *path)
{
    json_t *v = s_get(r, path);
    cr_assert(json_is_integer(v), "%s is not an integer", path);
    return json_integer_value(v);
}

static double s_num(json_t *v, const char *what)
{
    cr_assert(json_is_number(v), "%s is not a number", what);
    return json_number_value(v);
}

Test(drill_run, the_short_scenario_loses_nothing_and_converges)
{
    char out[1024], scratch[1024];
    snprintf(out, sizeof out, "%s/out", s_dir);
    snprintf(scratch, sizeof scratch, "%s/scratch", s_dir);
    cr_assert_eq(mkdir(scratch, 0700), 0);
    const char *argv[] = {XY_DRILL_BIN, "run", SHORT, "-o", out, "--quiet",
                          "--settle", "90", NULL};
    static xy_test_out_t r;
    xy_test_runv(&r, scratch, argv);
    cr_log_info("%s", r.out);
    cr_assert_eq(r.status, 0, "the drill failed (%d):\n%s\n%s", r.status, r.out,
                 r.err);
    cr_assert(strstr(r.out, "total "), "no score printed:\n%s", r.out);

    char path[1100];
    snprintf(path, sizeof path, "%s/result.json", out);
    json_error_t je;
    json_t *res = json_load_file(path, 0, &je);
    cr_assert_not_null(res, "%s: %s", path, je.text);
    cr_assert_str_eq(json_string_value(s_get(res, "format")),
                     "xinyuan-drill-result-1");
    cr_assert(json_is_true(s_get(res, "drill.exercise")));

    /* The must-haves. */
    cr_assert_eq(s_int(res, "score.events.lost"), 0);
    cr_assert_eq(s_int(res, "score.events.duplicates"), 0);
    cr_assert_gt(s_int(res, "score.events.recorded"), 20);
    cr_assert_eq(s_int(res, "score.events.at_coordinator"),
                 s_int(res, "score.events.recorded"));
    cr_assert(json_is_true(s_get(res, "score.convergence.converged")));
    json_t *dg = s_get(res, "score.convergence.digests");
    const char *c = json_string_value(json_object_get(dg, "coordinator"));
    cr_assert(c && strlen(c) == 64);
    cr_assert_str_eq(json_string_value(json_object_get(dg, "a1")), c);
    cr_assert_str_eq(json_string_value(json_object_get(dg, "a2")), c);

    /* Triage as scripted: 6 people, half screened, and the flagged one. */
    cr_assert_eq(s_int(res, "score.triage.people"), 7);
    cr_assert_eq(s_int(res, "score.triage.triaged"), 4);

    /* The red flag raised behind the down link. */
    json_t *flags = s_get(res, "score.red_flags");
    cr_assert_eq(json_array_size(flags), 1);
    json_t *f = json_array_get(flags, 0);
    cr_assert_str_eq(json_string_value(json_object_get(f, "agent")), "a2");
    double raised = s_num(json_object_get(f, "raised_s"), "raised_s");
    double acked = s_num(json_object_get(f, "acked_s"), "acked_s");
    double lat = s_num(json_object_get(f, "latency_s"), "latency_s");
    cr_assert(raised >= DOWN_FROM_S && raised < DOWN_TO_S,
              "the flag was raised at %.0f s, not while the link was down",
              raised);
    cr_assert_geq(acked, DOWN_TO_S + FLAG_ACK_S - 1,
                  "acknowledged at %.0f s, before the link came back", acked);
    cr_assert_geq(lat, DOWN_TO_S - raised + FLAG_ACK_S - 1,
                  "latency %.0f s is shorter than the rest of the down time",
                  lat);

    /* Every team acknowledged its order. */
    json_t *acks = s_get(res, "score.team_acks");
    cr_assert_geq(json_array_size(acks), 2);
    bool county = false, prefecture = false;
    size_t i;
    json_t *a;
    json_array_foreach(acks, i, a)
    {
        const char *team = json_string_value(json_object_get(a, "team"));
        cr_assert(json_is_number(json_object_get(a, "acked_s")),
                  "%s never acknowledged", team);
        county |= strcmp(team, "青川县心理服务队") == 0;
        prefecture |= strcmp(team, "广元市心理援助队") == 0;
    }
    cr_assert(county && prefecture, "a team has no order");
    cr_assert_eq(s_int(res, "score.handoffs.proposed"), 1);
    cr_assert_eq(s_int(res, "score.handoffs.completed"), 1);
    cr_assert(json_is_true(s_get(res, "score.pass")));
    cr_assert_gt(json_array_size(s_get(res, "backlog.a2")), 3);
    /* a1's daemon was killed and restarted, and lost nothing (above). */
    json_t *e;
    int killed = 0, restarted = 0;
    json_array_foreach(s_get(res, "timeline"), i, e)
    {
        const char *what = json_string_value(json_object_get(e, "what"));
        if (strcmp(json_string_value(json_object_get(e, "actor")), "a1") ||
            strcmp(json_string_value(json_object_get(e, "kind")), "crash"))
            continue;
        killed += strstr(what, "killed") != NULL;
        restarted += strstr(what, "restarted") != NULL;
    }
    cr_assert_eq(killed, 1, "a1 crashed once");
    cr_assert_eq(restarted, 1, "a1 restarted once");
    json_decref(res);
}

/* Writes text as a scenario file in the test's folder; its path in out. */
static void s_write(char *out, size_t cap, const char *name, const char *text)
{
    snprintf(out, cap, "%s/%s", s_dir, name);
    FILE *f = fopen(out, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

#define HEAD                                                                   \
    "drill bad\nduration 10m\n"                                                \
    "incident point hazard=flood title=t lat=32.5 lon=105.2 radii=10\n"        \
    "team t level=county lat=32.5 lon=105.2 member=a:counselor\n"              \
    "agent a1 team=t zone=z leader=a\n"

static void s_refused(const char *name, const char *text, int line,
                      const char *what)
{
    char path[1024], out[1100], scratch[1100], want[1200];
    s_write(path, sizeof path, name, text);
    snprintf(out, sizeof out, "%s/%s.out", s_dir, name);
    snprintf(scratch, sizeof scratch, "%s/%s.scratch", s_dir, name);
    cr_assert_eq(mkdir(scratch, 0700), 0);
    snprintf(want, sizeof want, "%s:%d: ", path, line);
    const char *cmds[] = {"check", "run"};
    for (int k = 0; k < 2; k++) {
        const char *argv[] = {XY_DRILL_BIN, cmds[k], path, "-o", out, NULL};
        static xy_test_out_t r;
        xy_test_runv(&r, scratch, argv);
        cr_assert_eq(r.status, 2, "%s %s: status %d", cmds[k], name, r.status);
        cr_assert(strstr(r.err, want) && strstr(r.err, what),
                  "%s %s: expected '%s...%s' in:\n%s", cmds[k], name, want,
                  what, r.err);
        cr_assert(strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                  "more than one line: %s", r.err);
    }
    cr_assert_neq(access(out, F_OK), 0, "%s: something was started", name);
}

/* A scenario that parses but names files the commands refuse: `run`
 * stops before any daemon starts, with FILE:LINE and status 2. */
static void s_refused_at_run(const char *name, const char *text, int line,
                             const char *what)
{
    char path[1024], out[1100], scratch[1100], want[1200];
    s_write(path, sizeof path, name, text);
    snprintf(out, sizeof out, "%s/%s.out", s_dir, name);
    snprintf(scratch, sizeof scratch, "%s/%s.scratch", s_dir, name);
    cr_assert_eq(mkdir(scratch, 0700), 0);
    snprintf(want, sizeof want, "%s:%d: ", path, line);
    const char *argv[] = {XY_DRILL_BIN, "run", path, "-o", out, NULL};
    static xy_test_out_t r;
    xy_test_runv(&r, scratch, argv);
    cr_assert_eq(r.status, 2, "%s: status %d\n%s", name, r.status, r.err);
    cr_assert(strstr(r.err, want) && strstr(r.err, what),
              "%s: expected '%s...%s' in:\n%s", name, want, what, r.err);
    cr_assert_neq(access(out, F_OK), 0, "%s: something was started", name);
}

Test(drill_run, files_the_commands_refuse_stop_the_run_with_file_and_line)
{
    char csv[1024], quake[1024];
    s_write(csv, sizeof csv, "teams.csv",
            "team,level,home_lat,home_lon,member,role\n"
            "t,county,32.5,105.2,a,astrologer\n");
    s_write(quake, sizeof quake, "quake.geojson",
            "{\"type\": \"Feature\", \"id\": \"x\", \"properties\": "
            "{\"mag\": 7.0, \"time\": 1}}\n");
    s_refused_at_run("csv.drill",
                     "drill bad\nduration 10m\n"
                     "incident point hazard=flood title=t lat=32.5 lon=105.2 "
                     "radii=10\nteams teams.csv\n"
                     "agent a1 team=t zone=z leader=a\n",
                     4, "astrologer");
    s_refused_at_run("quake.drill",
                     "drill bad\nduration 10m\nincident usgs quake.geojson\n"
                     "team t level=county lat=32.5 lon=105.2 "
                     "member=a:counselor\nagent a1 team=t zone=z leader=a\n",
                     3, "properties.title is missing");
    s_refused_at_run("team.drill",
                     HEAD "agent a2 team=nobody zone=z leader=b\n", 6,
                     "team 'nobody' is not among the teams registered");
}

Test(drill_run, bad_scenarios_are_refused_with_file_and_line)
{
    s_refused("unknown.drill", HEAD "sideways 3\n", 6, "unknown statement");
    s_refused("rate.drill", HEAD "link a1\n0 up\n2m rate=64kbps\nend\n", 8,
              "rate '64kbps'");
    s_refused("agent.drill", HEAD "1m a9 people 3\n", 6,
              "agent 'a9' is not declared");
    s_refused("order.drill", HEAD "2m a1 flag\n1m a1 flag\n", 7,
              "time goes backwards");
    s_refused("time.drill", HEAD "30 a1 flag\n", 6, "not a duration");
    s_refused("late.drill", HEAD "11m a1 flag\n", 6, "after the end");
    s_refused("quote.drill", HEAD "agent a2 team=\"t zone=z leader=a\n", 6,
              "open quote");
    s_refused("flags.drill", HEAD "1m a1 people 4 triaged=0.2 flags=0.5\n", 6,
              "flags= is more than triaged=");
}

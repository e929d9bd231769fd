/* Tests of exercise isolation at the command line (domain/exercise.h,
 * app_exercise_check): commands refuse to write drill data into a real
 * incident and real data into a drill, with one line saying why; drill
 * data is marked EXERCISE in listings and reports. Real processes on a
 * fresh store. */
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BANNER "EXERCISE — 演练数据，非真实事件"

static char *dir;
static char data[1100];
static xy_test_out_t r;
static char real[33], drill[33];

static void s_run(const char *first, ...)
{
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", data, first};
    va_list ap;
    va_start(ap, first);
    xy_test_run_va(&r, dir, pre, 4, ap);
    va_end(ap);
}

static void s_id_of(char out[33])
{
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(out, 33, "%s", xy_test_json_field(r.out, "id"));
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(data, sizeof data, "%s/coord", dir);
    s_run("init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("--json", "incident", "declare", "--hazard", "flood", "--title",
          "real flood", NULL);
    s_id_of(real);
    s_run("--json", "incident", "declare", "--hazard", "flood", "--title",
          "drill flood", "--exercise", NULL);
    s_id_of(drill);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(exercise_cli, .init = setup, .fini = teardown, .timeout = 120);

/* One line on stderr saying what was refused and why. */
static void s_refused(const char *what)
{
    cr_assert_eq(r.status, 1, "status %d: %s", r.status, r.out);
    cr_assert_not_null(strstr(r.err, what), "%s", r.err);
    cr_assert_not_null(strstr(r.err, "exercise and real data must not mix"),
                       "%s", r.err);
    cr_assert_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1, "one line: "
                 "%s", r.err);
}

Test(exercise_cli, an_exercise_person_in_a_real_incident_is_refused)
{
    s_run("person", "add", "--incident", real, "--age-band", "30", "--site",
          "school", "--exercise", NULL);
    s_refused("storing the person: refused: exercise event tied to real "
              "incident");
    s_run("list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "(0)"), "nothing stored: %s", r.out);
    /* Without --exercise a person takes the incident's flag. */
    s_run("--json", "person", "add", "--incident", drill, "--age-band", "30",
          "--site", "school", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "EXERCISE"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "(1)"), "%s", r.out);
}

Test(exercise_cli, a_real_incident_never_orders_an_exercise_team)
{
    char team[33], real_team[33];
    s_run("--json", "team", "add", "--name", "drill team", "--level",
          "county", "--lat", "29.6", "--lon", "102.2", "--member",
          "Wang:counselor", "--exercise", NULL);
    s_id_of(team);
    s_run("--json", "team", "add", "--name", "real team", "--level",
          "county", "--lat", "29.6", "--lon", "102.2", "--member",
          "Li:counselor", NULL);
    s_id_of(real_team);
    s_run("list", "teams", NULL);
    cr_assert_not_null(strstr(strstr(r.out, "drill team"), "[EXERCISE]"),
                       "%s", r.out);
    s_run("order", "--incident", real, "--team", team, "--zone-name", "Moxi",
          "--explain", "need", NULL);
    s_refused("storing the order: refused: real event about exercise team");
    s_run("order", "--incident", drill, "--team", real_team, "--zone-name",
          "Moxi", "--explain", "need", NULL);
    s_refused("refused: exercise event about real team");
    s_run("--json", "order", "--incident", drill, "--team", team,
          "--zone-name", "Moxi", "--explain", "need", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("list", "orders", NULL);
    cr_assert_not_null(strstr(r.out, "[EXERCISE] Moxi"), "%s", r.out);
    /* A status change keeps the drill team's flag. */
    s_run("team", "status", team, "--set", "alerted", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
}

/* Writes a plan of one assignment of team for incident; its path. */
static const char *s_plan(const char *incident, const char *team)
{
    static char path[1200];
    snprintf(path, sizeof path, "%s/plan-%.8s.json", dir, incident);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"incident\": \"%s\", \"assignments\": [{\"team\": "
            "\"%s\", \"zone\": \"" ZONE "\", \"zone_name\": \"Moxi\", "
            "\"explanation\": \"need\", \"travel_h\": 2}]}\n",
            incident, team);
    fclose(f);
    return path;
}

Test(exercise_cli, an_approved_drill_plan_orders_as_exercise)
{
    char team[33];
    s_run("--json", "team", "add", "--name", "drill team", "--level",
          "county", "--lat", "29.6", "--lon", "102.2", "--member",
          "Wang:counselor", "--exercise", NULL);
    s_id_of(team);
    s_run("dispatch", "approve", s_plan(real, team), NULL);
    s_refused("storing the orders of the plan: refused: real event about "
              "exercise team");
    s_run("dispatch", "approve", s_plan(drill, team), NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("list", "orders", NULL);
    cr_assert_not_null(strstr(r.out, "[EXERCISE] Moxi"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\n(1)"), "one order: %s", r.out);
}

Test(exercise_cli, a_real_person_is_never_handed_to_an_exercise_service)
{
    char svc[33], person[33];
    s_run("--json", "service", "add", "--kind", "community_health", "--name",
          "drill clinic", "--capacity", "5", "--zones", ZONE, "--contact",
          "0836-1", "--exercise", NULL);
    s_id_of(svc);
    s_run("--json", "person", "add", "--incident", real, "--age-band", "40",
          "--site", "camp", "--zone", ZONE, NULL);
    s_id_of(person);
    s_run("handoff", "propose", "--person", person, "--service", svc,
          "--consent", "yes", NULL);
    s_refused("refused: real event about exercise service");
    s_run("list", "handoffs", NULL);
    cr_assert_not_null(strstr(r.out, "no handoffs"), "%s", r.out);
    /* The drill's service says so in listings. */
    s_run("list", "services", NULL);
    cr_assert_not_null(strstr(strstr(r.out, "drill clinic"), "[EXERCISE]"),
                       "%s", r.out);
    s_run("--json", "list", "services", NULL);
    cr_assert_not_null(strstr(r.out, "\"exercise\": true"), "%s", r.out);
}

Test(exercise_cli, drill_reports_and_listings_say_exercise)
{
    char person[33];
    s_run("--json", "person", "add", "--incident", drill, "--age-band", "20",
          "--site", "camp", "--zone", ZONE, NULL);
    s_id_of(person);
    s_run("triage", "--person", person, "--factors", "acute_suicidality",
          NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(strncmp(r.out, BANNER "\n", strlen(BANNER) + 1), 0, "%s",
                 r.out);
    s_run("--json", "triage", "--person", person, "--factors",
          "acute_suicidality", NULL);
    cr_assert_not_null(strstr(r.out, "\"exercise\": true"), "%s", r.out);
    s_run("list", "flags", NULL);
    cr_assert_not_null(strstr(r.out, "[EXERCISE]"), "%s", r.out);
    /* An encounter with a drill's person says so. */
    s_run("encounter", "--person", person, "--kind", "pfa", "--minutes",
          "20", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("list", "encounters", NULL);
    cr_assert_not_null(strstr(strstr(r.out, person), "[EXERCISE]"), "%s",
                       r.out);
    /* Counts of drill data say so; the real incident holds none. */
    s_run("list", "levels", NULL);
    cr_assert_not_null(strstr(strstr(r.out, drill), "[EXERCISE]"), "%s",
                       r.out);
    s_run("list", "sites", NULL);
    cr_assert_not_null(strstr(strstr(r.out, drill), "camp  [EXERCISE]"),
                       "%s", r.out);
    s_run("report", "--incident", drill, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(strncmp(r.out, BANNER "\n", strlen(BANNER) + 1), 0, "%s",
                 r.out);
    s_run("--json", "report", "--incident", drill, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"exercise\": true"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, BANNER), "%s", r.out);
    /* A real incident's report says nothing of the kind. */
    s_run("--json", "report", "--incident", real, NULL);
    cr_assert_not_null(strstr(r.out, "\"exercise\": false"), "%s", r.out);
    cr_assert_null(strstr(r.out, BANNER), "%s", r.out);
    s_run("report", "--incident", real, NULL);
    cr_assert_null(strstr(r.out, "EXERCISE"), "%s", r.out);
}

Test(exercise_cli, a_bad_exercises_setting_is_refused_at_start)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/config.json", data);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "init writes %s", path);
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cr_assert_not_null(strstr(text, "\"exercises\": \"allow\""), "%s", text);
    char *at = strstr(text, "\"allow\"");
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%.*s\"maybe\"%s", (int)(at - text), text, at + 7);
    fclose(f);
    /* Refused before anything binds or runs. */
    s_run("run", NULL);
    cr_assert_eq(r.status, 1, "%s", r.out);
    cr_assert_not_null(strstr(r.err, "\"exercises\" is 'maybe'; say "
                                     "\"allow\" or \"refuse\""), "%s", r.err);
}

/* Tests of follow-up and handoff at the command line, run as real
 * processes: every call opens the store afresh, as after a restart. */
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ZONE "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ZONE2 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char *dir;
static char data[1100];

static xy_test_out_t r;

/* Runs the coordinator on the test's data directory. */
static void s_run(const char *first, ...)
{
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", data, first};
    va_list ap;
    va_start(ap, first);
    xy_test_run_va(&r, dir, pre, 4, ap);
    va_end(ap);
}

/* The value of "key": "..." in JSON output (static buffer). */
static const char *s_field(const char *json, const char *key)
{
    return xy_test_json_field(json, key);
}

static char inc[33];

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(data, sizeof data, "%s/coord", dir);
    s_run("init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("--json", "incident", "declare", "--hazard", "earthquake",
          "--title", "Luding", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(inc, sizeof inc, "%s", s_field(r.out, "id"));
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(followup_cli, .init = setup, .fini = teardown, .timeout = 120);

static const char *s_person(const char *zone)
{
    static char id[33];
    s_run("--json", "person", "add", "--incident", inc, "--age-band", "30",
          "--site", "Moxi school", "--zone", zone, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    snprintf(id, sizeof id, "%s", s_field(r.out, "id"));
    return id;
}

Test(followup_cli, usage_hand_over_accept_follow_up_and_report)
{
    s_run("--json", "service", "add", "--kind", "community_health", "--name",
          "磨西镇卫生院", "--capacity", "20", "--zones", ZONE,
          "--contact",
          "0836-1234567", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char svc[33];
    snprintf(svc, sizeof svc, "%s", s_field(r.out, "id"));
    char person[33];
    snprintf(person, sizeof person, "%s", s_person(ZONE));
    s_run("--json", "handoff", "propose", "--person", person, "--service",
          svc, "--consent", "yes", "--prefs", "speaks Tibetan", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char hid[33];
    snprintf(hid, sizeof hid, "%s", s_field(r.out, "id"));
    s_run("--json", "list", "handoffs", "--pending", NULL);
    cr_assert_str_eq(s_field(r.out, "status"), "proposed");
    cr_assert_not_null(strstr(r.out, "speaks Tibetan"), "%s", r.out);

    s_run("handoff", "accept", hid, "--by", "王医生", "--schedule", "1w,1m",
          NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("handoff", "decline", hid, "--by", "Li", "--reason", "full", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "already accepted by 王医生"), "%s",
                       r.err);

    /* A year on, both follow-ups are overdue; each call is a fresh
     * process on the same store. */
    s_run("--json", "list", "followups", "--overdue", "--at", "2099-01-01",
          NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char fid[33];
    snprintf(fid, sizeof fid, "%s", s_field(r.out, "id"));
    cr_assert_not_null(strstr(strstr(r.out, fid) + 32, "\"id\""),
                       "two overdue: %s", r.out);
    s_run("followup", "done", fid, "--outcome", "done", "--screen",
          "PHQ-9=2,2,2,1,1,1,1,1,0", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("--json", "list", "followups", "--overdue", "--at", "2099-01-01",
          NULL);
    cr_assert_null(strstr(r.out, fid), "done is not overdue: %s", r.out);

    s_run("report", "--incident", inc, "--csv", "--at", "2099-01-01", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "zone,phase,people,"), "%s", r.out);
    /* people 1, untriaged 1, accepted 1, overdue 1, done 1 */
    cr_assert_not_null(strstr(r.out, ZONE ",unspecified,1,0,0,0,1,0,0,1,0,"
                                          "0,0,1,1,0,0,"), "%s", r.out);

    s_run("case", "close", person, "--reason", "recovered", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run("--json", "list", "followups", "--due", "--at", "2099-01-01", NULL);
    cr_assert_str_eq(r.out, "[]\n", "a closed case has nothing due");
}

Test(followup_cli, a_bad_csv_row_is_named_and_nothing_is_imported)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/services.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "kind,name,capacity,zones,contact\n"
               "hotline,12356,500," ZONE ",12356\n"
               "social_work,社工站,many," ZONE ",\"Tel: 1, ext 2\"\n");
    fclose(f);
    s_run("service", "import", path, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "line 3, column capacity"), "%s",
                       r.err);
    s_run("--json", "list", "services", NULL);
    cr_assert_str_eq(r.out, "[]\n");
    s_run("service", "add", "--kind", "clinic", "--name", "x", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "--kind"), "%s", r.err);
}

Test(followup_cli, recovery_hands_open_cases_over_and_names_those_left)
{
    s_run("--json", "service", "add", "--kind", "hotline", "--name", "12356",
          "--capacity", "1", "--zones", ZONE, "--contact", "12356", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char a[33], b[33], c[33];
    snprintf(a, sizeof a, "%s", s_person(ZONE));
    snprintf(b, sizeof b, "%s", s_person(ZONE));
    snprintf(c, sizeof c, "%s", s_person(ZONE2));
    s_run("--json", "zone", "recover", ZONE, "--incident", inc, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* Capacity 1: one of the two is handed over, the other is named. */
    cr_assert_not_null(strstr(r.out, "\"without_service\": [\n    \""),
                       "%s", r.out);
    cr_assert_null(strstr(r.out, c), "another zone's person: %s", r.out);
    s_run("--json", "list", "handoffs", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, a) != NULL || strstr(r.out, b) != NULL);
    cr_assert(strstr(r.out, a) == NULL || strstr(r.out, b) == NULL,
              "only one handed over: %s", r.out);
    s_run("report", "--incident", inc, "--csv", NULL);
    cr_assert_not_null(strstr(r.out, ZONE ",recovery,2,"), "%s", r.out);
    s_run("zone", "recover", ZONE2, "--incident", inc, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "1 people have no receiving service"),
                       "%s", r.out);
    cr_assert_not_null(strstr(r.out, c), "%s", r.out);
}

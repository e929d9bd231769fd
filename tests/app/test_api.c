/* Tests of the HTTP API routes that read an incident's latest assessment
 * and its follow-up report (app/http_api.c, docs/api.md), against a real
 * coordinator daemon on loopback. Every test logs in first as a commander
 * (login itself is tested in test_auth.c). */
#include "common/xy_mem.h"
#include "tests/app/api_fixture.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cookie; /* the commander's "Cookie: ..." header */

TestSuite(api, .init = af_setup, .fini = af_teardown, .timeout = 120);

/* Sends method path (with a JSON body when not NULL) as the commander;
 * returns the status, the response copied into out. */
static int s_http(const char *method, const char *path, const char *body,
                  char *out, size_t cap)
{
    int st = af_req(method, path, body, cookie);
    size_t n = strlen(af_resp);
    cr_assert_lt(n, cap, "a response of %zu bytes", n);
    memcpy(out, af_resp, n + 1);
    return st;
}

static int s_get(const char *path, char *out, size_t cap)
{
    return s_http("GET", path, NULL, out, cap);
}

/* Starts the daemon with a commander "boss" and logs in. */
static void s_start(void)
{
    af_user("boss", "commander");
    af_start();
    cookie = af_login("boss");
}

Test(api, usage_read_the_latest_assessment_and_the_report_of_an_incident)
{
    xy_test_out_t r;
    af_init();
    af_run(&r, "--json", "assess", "--point", "30.5,103.5", "--radii", "5,10",
          "--hazard", "explosion", "--title", "Blast", "--publish", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char incident[64];
    snprintf(incident, sizeof incident, "%s",
             xy_test_json_field(r.out, "incident"));
    s_start();

    static char body[262144];
    char path[256];
    snprintf(path, sizeof path, "/api/assessment?incident=%s", incident);
    cr_assert_eq(s_get(path, body, sizeof body), 200, "%s", body);
    cr_assert_not_null(strstr(body, "\"proposed_level\":\"III\""), "%s",
                       body);
    cr_assert_not_null(strstr(body, "\"zones\""), "%s", body);
    snprintf(path, sizeof path, "/api/report?incident=%s", incident);
    cr_assert_eq(s_get(path, body, sizeof body), 200, "%s", body);
    cr_assert_not_null(strstr(body, incident), "%s", body);
    cr_assert_not_null(strstr(body, "\"zones\""), "%s", body);
}

Test(api, bad_or_unknown_incident_is_a_clear_error)
{
    af_init();
    s_start();
    static char body[65536];
    cr_assert_eq(s_get("/api/assessment?incident=nothex", body, sizeof body),
                 400, "%s", body);
    cr_assert_not_null(strstr(body, "\"field\":\"incident\""), "%s", body);
    cr_assert_eq(s_get("/api/assessment?incident="
                       "00000000000000000000000000000000",
                       body, sizeof body),
                 404, "%s", body);
    cr_assert_eq(s_get("/api/assessment", body, sizeof body), 400, "%s",
                 body);
}

Test(api, teams_are_listed_and_their_readiness_set)
{
    xy_test_out_t r;
    af_init();
    af_run(&r, "--json", "team", "add", "--name", "Sichuan team 1", "--level",
          "province", "--lat", "30.6", "--lon", "104.06", "--member",
          "Wang:psychiatrist", "--member", "Li:counselor", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char team[64];
    snprintf(team, sizeof team, "%s", xy_test_json_field(r.out, "id"));
    s_start();
    static char body[65536];
    cr_assert_eq(s_get("/api/teams", body, sizeof body), 200, "%s", body);
    cr_assert_not_null(strstr(body, team), "%s", body);
    cr_assert_not_null(strstr(body, "Sichuan team 1"), "%s", body);
    char path[128];
    snprintf(path, sizeof path, "/api/teams/%s/status", team);
    cr_assert_eq(s_http("POST", path, "{\"readiness\": \"en_route\"}", body,
                        sizeof body),
                 200, "%s", body);
    cr_assert_eq(s_get("/api/teams", body, sizeof body), 200);
    cr_assert_not_null(strstr(body, "en_route"), "%s", body);
    cr_assert_eq(s_http("POST", path, "{\"readiness\": \"asleep\"}", body,
                        sizeof body),
                 400, "%s", body);
    cr_assert_eq(s_http("POST",
                        "/api/teams/00000000000000000000000000000000/status",
                        "{\"readiness\": \"deployed\"}", body, sizeof body),
                 404, "%s", body);
    af_run(&r, "list", "teams", NULL);
    cr_assert_not_null(strstr(r.out, "en_route"), "the CLI sees it: %s",
                       r.out);
}

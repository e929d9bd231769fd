/* Tests of the HTTP API routes that read an incident's latest assessment
 * and its follow-up report (app/http_api.c, docs/api.md), against a real
 * coordinator daemon on loopback. Every test logs in first as a commander
 * (login itself is tested in test_auth.c). */
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir;
static char data[1100];
static pid_t daemon_pid = -1;
static unsigned http_port;
static char cookie[128]; /* "xy_session=..." once logged in */

static void s_run(xy_test_out_t *r, ...)
{
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", data};
    va_list ap;
    va_start(ap, r);
    xy_test_run_va(r, dir, pre, 3, ap);
    va_end(ap);
}

/* Sets one string key of the coordinator's config.json. */
static void s_config(const char *key, const char *val)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/config.json", data);
    json_t *cfg = json_load_file(path, 0, NULL);
    cr_assert_not_null(cfg);
    json_object_set_new(cfg, key, json_string(val));
    cr_assert_eq(json_dump_file(cfg, path, JSON_INDENT(2)), 0);
    json_decref(cfg);
}

/* A coordinator on free loopback ports for HTTP and sync. */
static void s_init(void)
{
    xy_test_out_t r;
    s_run(&r, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char ep[64];
    http_port = xy_test_free_port();
    snprintf(ep, sizeof ep, "127.0.0.1:%u", http_port);
    s_config("http", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", xy_test_free_port());
    s_config("listen", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", xy_test_free_port());
    s_config("publish", ep);
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(data, sizeof data, "%s/coordinator", dir);
}

static void teardown(void)
{
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        waitpid(daemon_pid, NULL, 0);
    }
    xy_test_rmdir(&dir);
}

TestSuite(api, .init = setup, .fini = teardown, .timeout = 120);

/* Sends method path (with a JSON body when not NULL) to the daemon;
 * returns the status, response in out. */
static int s_http(const char *method, const char *path, const char *body,
                  char *out, size_t cap)
{
    char header[sizeof cookie + 16];
    snprintf(header, sizeof header, "Cookie: %s", cookie);
    return xy_test_http((uint16_t)http_port, method, path, body,
                        cookie[0] ? header : NULL, out, cap);
}

static int s_get(const char *path, char *out, size_t cap)
{
    return s_http("GET", path, NULL, out, cap);
}

/* Logs in as the commander the test added; keeps the session cookie. */
static void s_login(void)
{
    static char out[8192];
    cookie[0] = '\0';
    cr_assert_eq(s_http("POST", "/api/login",
                        "{\"user\": \"boss\", \"password\": \"test-pass-1\"}",
                        out, sizeof out),
                 200, "%s", out);
    const char *c = strstr(out, "xy_session=");
    cr_assert_not_null(c, "%s", out);
    size_t n = strcspn(c, ";\r\n");
    cr_assert_lt(n, sizeof cookie);
    memcpy(cookie, c, n);
    cookie[n] = '\0';
}

/* Starts the daemon with a commander "boss", waits (bounded) until its API
 * answers, and logs in. */
static void s_start(void)
{
    xy_test_out_t r;
    setenv("XINYUAN_USER_PASSWORD", "test-pass-1", 1);
    s_run(&r, "user", "add", "boss", "--role", "commander", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char log[1200];
    snprintf(log, sizeof log, "%s/daemon.log", dir);
    daemon_pid = fork();
    cr_assert_neq(daemon_pid, -1);
    if (daemon_pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(XY_COORDINATOR_BIN, XY_COORDINATOR_BIN, "-d", data, "run",
              (char *)NULL);
        _exit(127);
    }
    static char body[65536];
    for (int i = 0; i < 200; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)http_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        bool up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        /* 401 until logged in: the API is up. */
        if (up && s_get("/api/status", body, sizeof body) == 401) {
            s_login();
            return;
        }
        usleep(50 * 1000);
    }
    cr_assert_fail("the daemon's API did not come up");
}

Test(api, usage_read_the_latest_assessment_and_the_report_of_an_incident)
{
    xy_test_out_t r;
    s_init();
    s_run(&r, "--json", "assess", "--point", "30.5,103.5", "--radii", "5,10",
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
    s_init();
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
    s_init();
    s_run(&r, "--json", "team", "add", "--name", "Sichuan team 1", "--level",
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
    s_run(&r, "list", "teams", NULL);
    cr_assert_not_null(strstr(r.out, "en_route"), "the CLI sees it: %s",
                       r.out);
}

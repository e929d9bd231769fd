/* The API tests' coordinator (api_fixture.h). */
#include "tests/app/api_fixture.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *af_dir;
char af_data[1100];
pid_t af_pid = -1;
unsigned af_port;
char af_resp[1 << 20]; /* the last response, headers and body */

void af_run(xy_test_out_t *r, ...)
{
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", af_data};
    va_list ap;
    va_start(ap, r);
    xy_test_run_va(r, af_dir, pre, 3, ap);
    va_end(ap);
}

/* Runs a command that must succeed; returns its "id" (or "incident") when
 * it prints JSON with one. */
const char *af_ok(const char *key, ...)
{
    static xy_test_out_t r;
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", af_data, "--json"};
    va_list ap;
    va_start(ap, key);
    xy_test_run_va(&r, af_dir, pre, 4, ap);
    va_end(ap);
    cr_assert_eq(r.status, 0, "%s", r.err);
    return key ? xy_test_json_field(r.out, key) : NULL;
}

void af_config(const char *key, const char *val)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/config.json", af_data);
    json_t *cfg = json_load_file(path, 0, NULL);
    cr_assert_not_null(cfg);
    json_object_set_new(cfg, key, json_string(val));
    cr_assert_eq(json_dump_file(cfg, path, JSON_INDENT(2)), 0);
    json_decref(cfg);
}

/* A coordinator on free loopback ports, with a web root of one page. */
void af_init(void)
{
    xy_test_out_t r;
    af_run(&r, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char ep[1200];
    af_port = xy_test_free_port();
    snprintf(ep, sizeof ep, "127.0.0.1:%u", af_port);
    af_config("http", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", xy_test_free_port());
    af_config("listen", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", xy_test_free_port());
    af_config("publish", ep);
    snprintf(ep, sizeof ep, "%s/web", af_dir);
    cr_assert_eq(mkdir(ep, 0700), 0);
    af_config("web_root", ep);
    strcat(ep, "/index.html");
    FILE *f = fopen(ep, "w");
    cr_assert_not_null(f);
    fputs("<!doctype html><title>Xinyuan</title>", f);
    fclose(f);
}

void af_user(const char *name, const char *role)
{
    xy_test_out_t r;
    setenv("XINYUAN_USER_PASSWORD", AF_PASS, 1);
    af_run(&r, "user", "add", name, "--role", role, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
}

void af_setup(void)
{
    af_dir = xy_test_mkdtemp();
    snprintf(af_data, sizeof af_data, "%s/coordinator", af_dir);
}

void af_teardown(void)
{
    if (af_pid > 0) {
        kill(af_pid, SIGTERM);
        waitpid(af_pid, NULL, 0);
    }
    xy_test_rmdir(&af_dir);
}

/* Sends method path with body (may be NULL) and one extra header line
 * (may be NULL); returns the status, the response in resp. */
int af_req(const char *method, const char *path, const char *body,
                 const char *header)
{
    return xy_test_http((uint16_t)af_port, method, path, body, header,
                        af_resp, sizeof af_resp);
}

/* The body of the last response. */
const char *af_body(void)
{
    return xy_test_http_body(af_resp);
}

/* The body of the last response as JSON (owned by the caller). */
json_t *af_json(void)
{
    json_error_t je;
    json_t *j = json_loads(af_body(), 0, &je);
    cr_assert_not_null(j, "%s: %s", je.text, af_body());
    return j;
}

/* Logs name in; returns the "Cookie: xy_session=..." header (static,
 * one of a few rotated). */
const char *af_login(const char *name)
{
    static char hdr[4][160];
    static int next;
    char body[256];
    snprintf(body, sizeof body, "{\"user\": \"%s\", \"password\": \"%s\"}",
             name, AF_PASS);
    cr_assert_eq(af_req("POST", "/api/login", body, NULL), 200, "%s", af_resp);
    const char *c = strstr(af_resp, "xy_session=");
    cr_assert_not_null(c, "%s", af_resp);
    size_t n = strcspn(c, ";\r\n");
    char *h = hdr[next++ % 4];
    snprintf(h, 160, "Cookie: %.*s", (int)n, c);
    return h;
}

/* Starts the daemon and waits (bounded) until its API answers. */
void af_start(void)
{
    char log[1200];
    snprintf(log, sizeof log, "%s/daemon.log", af_dir);
    af_pid = fork();
    cr_assert_neq(af_pid, -1);
    if (af_pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(XY_COORDINATOR_BIN, XY_COORDINATOR_BIN, "-d", af_data, "run",
              (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)af_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        bool up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (up && af_req("GET", "/api/status", NULL, NULL) > 0)
            return;
        usleep(50 * 1000);
    }
    cr_assert_fail("the daemon's API did not come up");
}

/* The number of events the node holds (from /api/status). */
json_int_t af_events(const char *who)
{
    cr_assert_eq(af_req("GET", "/api/status", NULL, who), 200, "%s", af_resp);
    json_t *j = af_json();
    json_int_t n = json_integer_value(json_object_get(j, "events"));
    json_decref(j);
    return n;
}

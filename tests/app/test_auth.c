/* Tests of login, roles and the audit of personal data in the HTTP API
 * (app/http_auth.c, app/http_people.c, app/http_dispatch.c,
 * app/http_map.c, docs/api.md), and of the routes the web UI uses beside
 * them, against a real coordinator daemon on loopback with users added by
 * `user add`. */
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PASS "test-pass-1"
#define ZERO_ID "00000000000000000000000000000000"

static char *dir;
static char data[1100];
static pid_t daemon_pid = -1;
static unsigned http_port;
static char resp[1 << 20]; /* the last response, headers and body */

static void s_run(xy_test_out_t *r, ...)
{
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", data};
    va_list ap;
    va_start(ap, r);
    xy_test_run_va(r, dir, pre, 3, ap);
    va_end(ap);
}

/* Runs a command that must succeed; returns its "id" (or "incident") when
 * it prints JSON with one. */
static const char *s_ok(const char *key, ...)
{
    static xy_test_out_t r;
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", data, "--json"};
    va_list ap;
    va_start(ap, key);
    xy_test_run_va(&r, dir, pre, 4, ap);
    va_end(ap);
    cr_assert_eq(r.status, 0, "%s", r.err);
    return key ? xy_test_json_field(r.out, key) : NULL;
}

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

/* A coordinator on free loopback ports, with a web root of one page. */
static void s_init(void)
{
    xy_test_out_t r;
    s_run(&r, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char ep[1200];
    http_port = xy_test_free_port();
    snprintf(ep, sizeof ep, "127.0.0.1:%u", http_port);
    s_config("http", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", xy_test_free_port());
    s_config("listen", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", xy_test_free_port());
    s_config("publish", ep);
    snprintf(ep, sizeof ep, "%s/web", dir);
    cr_assert_eq(mkdir(ep, 0700), 0);
    s_config("web_root", ep);
    strcat(ep, "/index.html");
    FILE *f = fopen(ep, "w");
    cr_assert_not_null(f);
    fputs("<!doctype html><title>Xinyuan</title>", f);
    fclose(f);
}

static void s_user(const char *name, const char *role)
{
    xy_test_out_t r;
    setenv("XINYUAN_USER_PASSWORD", PASS, 1);
    s_run(&r, "user", "add", name, "--role", role, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
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

TestSuite(auth, .init = setup, .fini = teardown, .timeout = 240);

/* Sends method path with body (may be NULL) and one extra header line
 * (may be NULL); returns the status, the response in resp. */
static int s_req(const char *method, const char *path, const char *body,
                 const char *header)
{
    return xy_test_http((uint16_t)http_port, method, path, body, header,
                        resp, sizeof resp);
}

/* The body of the last response. */
static const char *s_body(void)
{
    return xy_test_http_body(resp);
}

/* The body of the last response as JSON (owned by the caller). */
static json_t *s_json(void)
{
    json_error_t je;
    json_t *j = json_loads(s_body(), 0, &je);
    cr_assert_not_null(j, "%s: %s", je.text, s_body());
    return j;
}

/* Logs name in; returns the "Cookie: xy_session=..." header (static,
 * one of a few rotated). */
static const char *s_login(const char *name)
{
    static char hdr[4][160];
    static int next;
    char body[256];
    snprintf(body, sizeof body, "{\"user\": \"%s\", \"password\": \"%s\"}",
             name, PASS);
    cr_assert_eq(s_req("POST", "/api/login", body, NULL), 200, "%s", resp);
    const char *c = strstr(resp, "xy_session=");
    cr_assert_not_null(c, "%s", resp);
    size_t n = strcspn(c, ";\r\n");
    char *h = hdr[next++ % 4];
    snprintf(h, 160, "Cookie: %.*s", (int)n, c);
    return h;
}

/* Starts the daemon and waits (bounded) until its API answers. */
static void s_start(void)
{
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
    for (int i = 0; i < 200; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)http_port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        bool up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
        close(fd);
        if (up && s_req("GET", "/api/status", NULL, NULL) > 0)
            return;
        usleep(50 * 1000);
    }
    cr_assert_fail("the daemon's API did not come up");
}

/* The number of events the node holds (from /api/status). */
static json_int_t s_events(const char *who)
{
    cr_assert_eq(s_req("GET", "/api/status", NULL, who), 200, "%s", resp);
    json_t *j = s_json();
    json_int_t n = json_integer_value(json_object_get(j, "events"));
    json_decref(j);
    return n;
}

Test(auth, usage_log_in_use_the_session_and_log_out)
{
    s_init();
    s_user("boss", "commander");
    s_start();
    cr_assert_eq(s_req("GET", "/api/status", NULL, NULL), 401, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "login required"), "%s", resp);
    const char *me = s_login("boss");
    cr_assert_not_null(strstr(resp, "HttpOnly; SameSite=Strict; Path=/"),
                       "%s", resp);
    json_t *j = s_json();
    cr_assert_str_eq(json_string_value(json_object_get(j, "user")), "boss");
    cr_assert_str_eq(json_string_value(json_object_get(j, "role")),
                     "commander");
    cr_assert_gt(json_integer_value(json_object_get(j, "expires_at")), 0);
    char *perms = json_dumps(json_object_get(j, "permissions"), JSON_COMPACT);
    cr_assert_str_eq(perms,
                     "[\"read\",\"persons\",\"ack_flags\",\"teams_edit\","
                     "\"audit\"]");
    free(perms);
    json_decref(j);
    cr_assert_eq(s_req("GET", "/api/me", NULL, me), 200, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "\"user\":\"boss\""), "%s", resp);
    cr_assert_eq(s_req("GET", "/api/status", NULL, me), 200, "%s", resp);
    cr_assert_eq(s_req("POST", "/api/logout", "{}", me), 200, "%s", resp);
    cr_assert_eq(s_req("GET", "/api/me", NULL, me), 401, "%s", resp);
    cr_assert_eq(s_req("GET", "/api/status", NULL, me), 401, "%s", resp);
}

Test(auth, without_users_the_api_says_to_add_one_and_pages_are_served)
{
    s_init();
    s_start();
    cr_assert_eq(s_req("GET", "/api/status", NULL, NULL), 401, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "user add NAME --role ROLE"), "%s",
                       resp);
    cr_assert_eq(s_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"" PASS "\"}",
                       NULL),
                 401, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "user add"), "%s", resp);
    cr_assert_eq(s_req("GET", "/", NULL, NULL), 200, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "<title>Xinyuan</title>"), "%s",
                       resp);
    /* A user added while the daemon runs can log in at once. */
    s_user("boss", "commander");
    s_login("boss");
}

Test(auth, wrong_password_and_unknown_user_get_the_same_answer)
{
    s_init();
    s_user("boss", "commander");
    s_start();
    cr_assert_eq(s_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"nope-nope\"}",
                       NULL),
                 401, "%s", resp);
    char first[512];
    snprintf(first, sizeof first, "%s", s_body());
    cr_assert_eq(s_req("POST", "/api/login",
                       "{\"user\": \"nobody\", \"password\": \"nope-nope\"}",
                       NULL),
                 401, "%s", resp);
    cr_assert_str_eq(s_body(), first);
    cr_assert_not_null(strstr(first, "wrong user or password"), "%s", first);
    cr_assert_null(strstr(resp, "xy_session="), "%s", resp);
    cr_assert_eq(s_req("POST", "/api/login", "{\"user\": 5}", NULL), 400,
                 "%s", resp);
    cr_assert_eq(s_req("POST", "/api/login", "not json", NULL), 400, "%s",
                 resp);
    /* A removed user's session ends at once. */
    const char *boss = s_login("boss");
    cr_assert_eq(s_req("GET", "/api/status", NULL, boss), 200, "%s", resp);
    xy_test_out_t r;
    s_run(&r, "user", "remove", "boss", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(s_req("GET", "/api/status", NULL, boss), 401, "%s", resp);
}

Test(auth, more_than_five_failures_a_minute_are_refused_with_429)
{
    s_init();
    s_user("boss", "commander");
    s_user("other", "observer");
    s_start();
    for (int i = 0; i < 5; i++)
        cr_assert_eq(s_req("POST", "/api/login",
                           "{\"user\": \"boss\", \"password\": \"bad-pass\"}",
                           NULL),
                     401, "attempt %d: %s", i + 1, resp);
    /* Even the right password waits now. */
    cr_assert_eq(s_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"" PASS "\"}",
                       NULL),
                 429, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "XY_EAGAIN"), "%s", resp);
    /* Another user is not held back. */
    s_login("other");
}

Test(auth, more_than_twenty_failures_on_the_node_hold_every_login_back)
{
    s_init();
    s_user("boss", "commander");
    s_start();
    char body[128];
    for (int i = 0; i < 20; i++) {
        snprintf(body, sizeof body, "{\"user\": \"guess%d\", \"password\": "
                 "\"bad-pass\"}", i);
        cr_assert_eq(s_req("POST", "/api/login", body, NULL), 401,
                     "attempt %d: %s", i + 1, resp);
    }
    /* Each name failed once only, but the node has had enough. */
    cr_assert_eq(s_req("POST", "/api/login",
                       "{\"user\": \"boss\", \"password\": \"" PASS "\"}",
                       NULL),
                 429, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "on this node"), "%s", resp);
}

Test(auth, cookie_and_bearer_token_both_work)
{
    s_init();
    s_user("boss", "commander");
    s_start();
    const char *cookie = s_login("boss");
    char bearer[200];
    snprintf(bearer, sizeof bearer, "Authorization: Bearer %s",
             strchr(cookie, '=') + 1);
    cr_assert_eq(s_req("GET", "/api/incidents", NULL, cookie), 200, "%s",
                 resp);
    cr_assert_eq(s_req("GET", "/api/incidents", NULL, bearer), 200, "%s",
                 resp);
    cr_assert_eq(s_req("GET", "/api/incidents", NULL,
                       "Authorization: Bearer 00112233"),
                 401, "%s", resp);
    cr_assert_eq(s_req("GET", "/api/events", NULL, NULL), 401, "%s", resp);
    cr_assert_eq(s_req("POST", "/api/logout", "{}", bearer), 200, "%s",
                 resp);
    cr_assert_eq(s_req("GET", "/api/incidents", NULL, cookie), 401, "%s",
                 resp);
}

/* A route and the permission it needs (bodies are refused by the route
 * itself when it is allowed, so nothing is stored). */
static const struct {
    const char *method, *path, *body, *perm;
} s_routes[] = {
    {"GET", "/api/status", NULL, "read"},
    {"GET", "/api/counts", NULL, "read"},
    {"GET", "/api/map", NULL, "read"},
    {"GET", "/api/orders", NULL, "read"},
    {"GET", "/api/persons", NULL, "persons"},
    {"GET", "/api/persons/" ZERO_ID, NULL, "persons"},
    {"GET", "/api/followups?overdue=1", NULL, "persons"},
    {"GET", "/api/audit?person=" ZERO_ID, NULL, "audit"},
    {"POST", "/api/persons", "{}", "register"},
    {"POST", "/api/flags/" ZERO_ID "/ack", "{}", "ack_flags"},
    {"POST", "/api/orders/" ZERO_ID "/ack", "{}", "ack_orders"},
    {"POST", "/api/handoffs", "{}", "handoff"},
    {"POST", "/api/teams", "{}", "teams_edit"},
    {"POST", "/api/teams/" ZERO_ID, "{}", "teams_edit"},
};

static const struct {
    const char *role;
    const char *perms; /* as /api/me lists them */
} s_roles[] = {
    {"commander", "read persons ack_flags teams_edit audit"},
    {"team_leader",
     "read persons personal register ack_orders handoff followup"},
    {"field_worker", "read persons personal register handoff"},
    {"community_worker", "read persons personal followup"},
    {"observer", "read"},
};

Test(auth, each_role_is_refused_exactly_what_it_may_not_do)
{
    s_init();
    for (size_t r = 0; r < sizeof s_roles / sizeof s_roles[0]; r++)
        s_user(s_roles[r].role, s_roles[r].role);
    s_start();
    json_int_t events = -1;
    for (size_t r = 0; r < sizeof s_roles / sizeof s_roles[0]; r++) {
        const char *who = s_login(s_roles[r].role);
        char perms[128];
        snprintf(perms, sizeof perms, " %s ", s_roles[r].perms);
        for (size_t i = 0; i < sizeof s_routes / sizeof s_routes[0]; i++) {
            char want[40];
            snprintf(want, sizeof want, " %s ", s_routes[i].perm);
            bool may = strstr(perms, want) != NULL;
            int st = s_req(s_routes[i].method, s_routes[i].path,
                           s_routes[i].body, who);
            cr_assert_eq(st == 403, !may, "%s %s %s: %d %s",
                         s_roles[r].role, s_routes[i].method,
                         s_routes[i].path, st, resp);
            if (!may) {
                char msg[96];
                snprintf(msg, sizeof msg, "role %s may not %s",
                         s_roles[r].role, s_routes[i].perm);
                cr_assert_not_null(strstr(s_body(), msg), "%s", resp);
            }
        }
        json_int_t now = s_events(who);
        cr_assert(events < 0 || now == events, "nothing was stored");
        events = now;
    }
}

/* An incident with a data key and a person with personal data; returns the
 * person id (static). */
static const char *s_person_with_name(char incident[64])
{
    setenv("XINYUAN_PASSPHRASE", "a long test passphrase", 1);
    snprintf(incident, 64, "%s",
             s_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    s_ok(NULL, "key", "create", "--incident", incident, NULL);
    static char person[64];
    snprintf(person, sizeof person, "%s",
             s_ok("id", "person", "add", "--incident", incident,
                  "--age-band", "35", "--site", "Shelter 1", "--name",
                  "张三丰", "--phone", "138 0013 8000", NULL));
    return person;
}

Test(auth, personal_data_only_for_personal_roles_and_every_view_audited)
{
    s_init();
    s_user("boss", "commander");
    s_user("field", "field_worker");
    s_user("watch", "observer");
    char incident[64], path[128], audit[128];
    const char *person = s_person_with_name(incident);
    s_start();
    const char *boss = s_login("boss");
    const char *field = s_login("field");
    snprintf(path, sizeof path, "/api/persons/%s", person);
    snprintf(audit, sizeof audit, "/api/audit?person=%s", person);
    json_int_t before = s_events(boss);

    cr_assert_eq(s_req("GET", path, NULL, field), 200, "%s", resp);
    json_t *j = s_json();
    json_t *pd = json_object_get(j, "personal");
    cr_assert_str_eq(json_string_value(json_object_get(pd, "name")),
                     "张三丰");
    cr_assert_str_eq(json_string_value(json_object_get(pd, "phone")),
                     "13800138000");
    cr_assert(json_is_false(json_object_get(j, "sealed")));
    cr_assert_str_eq(json_string_value(json_object_get(j, "site")),
                     "Shelter 1");
    json_decref(j);
    cr_assert_eq(s_events(boss), before + 1, "one audit event per view");

    /* The commander sees the person but not the name, and that is not
     * audited. */
    cr_assert_eq(s_req("GET", path, NULL, boss), 200, "%s", resp);
    j = s_json();
    cr_assert(json_is_null(json_object_get(j, "personal")), "%s", resp);
    cr_assert(json_is_true(json_object_get(j, "sealed")));
    json_decref(j);
    cr_assert_null(strstr(resp, "张三丰"), "%s", resp);
    cr_assert_eq(s_events(boss), before + 1);
    /* Lists never carry names. */
    cr_assert_eq(s_req("GET", "/api/persons", NULL, field), 200, "%s", resp);
    cr_assert_null(strstr(resp, "张三丰"), "%s", resp);
    cr_assert_not_null(strstr(resp, "\"level\":\"untriaged\""), "%s", resp);

    cr_assert_eq(s_req("GET", audit, NULL, boss), 200, "%s", resp);
    j = s_json();
    cr_assert_eq(json_array_size(j), 1, "%s", resp);
    json_t *a = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "viewer")),
                     "field");
    cr_assert_str_eq(json_string_value(json_object_get(a, "role")),
                     "field_worker");
    cr_assert_str_eq(json_string_value(json_object_get(a, "incident")),
                     incident);
    char *fields = json_dumps(json_object_get(a, "fields"), JSON_COMPACT);
    cr_assert_str_eq(fields, "[\"name\",\"phone\"]");
    free(fields);
    json_decref(j);

    cr_assert_eq(s_req("GET", path, NULL, field), 200, "%s", resp);
    cr_assert_eq(s_req("GET", audit, NULL, boss), 200, "%s", resp);
    j = s_json();
    cr_assert_eq(json_array_size(j), 2, "%s", resp);
    json_decref(j);
    cr_assert_eq(s_req("GET", audit, NULL, s_login("watch")), 403, "%s",
                 resp);
    cr_assert_eq(s_req("GET", "/api/persons/" ZERO_ID, NULL, field), 404,
                 "%s", resp);
}

Test(auth, teams_are_added_and_edited_and_bad_input_stores_nothing)
{
    s_init();
    s_user("boss", "commander");
    s_start();
    const char *boss = s_login("boss");
    json_int_t events = s_events(boss);
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"wizard\"}]}",
         "members"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 300, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\"}]}",
         "lat"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\"}]}",
         "lat"},
        {"{\"name\": \"T\", \"level\": \"city\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\"}]}",
         "level"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": []}",
         "members"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\","
         " \"languages\": [\"zh|bo\"]}]}",
         "members"},
        {"{\"name\": \"T\", \"level\": \"county\", \"lat\": 30, \"lon\": 104,"
         " \"members\": [{\"name\": \"Wang\", \"role\": \"counselor\","
         " \"qualifications\": \"CBT\"}]}",
         "members"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(s_req("POST", "/api/teams", bad[i].body, boss), 400,
                     "%zu: %s", i, resp);
        char want[64];
        snprintf(want, sizeof want, "\"field\":\"%s\"", bad[i].field);
        cr_assert_not_null(strstr(s_body(), want), "%zu: %s", i, resp);
    }
    cr_assert_eq(s_events(boss), events, "nothing stored");

    cr_assert_eq(s_req("POST", "/api/teams",
                       "{\"name\": \"Sichuan 1\", \"level\": \"province\", "
                       "\"lat\": 30.6, \"lon\": 104.06, \"languages\": "
                       "[\"zh\"], \"min_rest_days\": 3, \"members\": "
                       "[{\"name\": \"Wang\", \"role\": \"psychiatrist\", "
                       "\"languages\": [\"zh\", \"bo\"]}, {\"name\": \"Li\", "
                       "\"role\": \"counselor\"}]}",
                       boss),
                 201, "%s", resp);
    char team[64], path[128];
    json_t *j = s_json();
    snprintf(team, sizeof team, "%s",
             json_string_value(json_object_get(j, "id")));
    json_decref(j);
    snprintf(path, sizeof path, "/api/teams/%s", team);
    cr_assert_eq(s_req("POST", path, "{\"name\": \"Sichuan One\"}", boss),
                 200, "%s", resp);
    cr_assert_eq(s_req("POST", path, "{\"level\": \"galaxy\"}", boss), 400,
                 "%s", resp);
    cr_assert_not_null(strstr(s_body(), "\"field\":\"level\""), "%s", resp);
    cr_assert_eq(s_req("POST", "/api/teams/" ZERO_ID, "{\"name\": \"X\"}",
                       boss),
                 404, "%s", resp);
    cr_assert_eq(s_events(boss), events + 2);
    cr_assert_eq(s_req("GET", "/api/teams", NULL, boss), 200, "%s", resp);
    j = s_json();
    json_t *t = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(t, "name")),
                     "Sichuan One");
    cr_assert_eq(json_integer_value(json_object_get(t, "min_rest_days")), 3);
    cr_assert_eq(json_array_size(json_object_get(t, "members")), 2);
    json_decref(j);
    xy_test_out_t r;
    s_run(&r, "list", "teams", NULL);
    cr_assert_not_null(strstr(r.out, "Sichuan One"), "%s", r.out);
}

/* Checks a FeatureCollection's layers come in the contract's order and
 * returns how many features of layer it holds. */
static size_t s_layer_count(json_t *fc, const char *layer)
{
    static const char *const order[] = {"province", "county", "zone",
                                        "team"};
    cr_assert_str_eq(json_string_value(json_object_get(fc, "type")),
                     "FeatureCollection");
    size_t i, at = 0, n = 0;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        cr_assert_str_eq(json_string_value(json_object_get(f, "type")),
                         "Feature");
        cr_assert(json_is_object(json_object_get(f, "geometry")));
        const char *l = json_string_value(
            json_object_get(json_object_get(f, "properties"), "layer"));
        cr_assert_not_null(l);
        while (at < 4 && strcmp(order[at], l) != 0)
            at++;
        cr_assert_lt(at, 4, "layer %s out of order", l);
        n += strcmp(l, layer) == 0;
    }
    return n;
}

Test(auth, map_has_provinces_counties_zones_and_teams)
{
    s_init();
    s_user("boss", "commander");
    char incident[64];
    snprintf(incident, sizeof incident, "%s",
             s_ok("incident", "assess", "--point", "30.5,103.5", "--radii",
                  "5,10", "--hazard", "explosion", "--title", "Blast",
                  "--publish", NULL));
    s_ok("id", "team", "add", "--name", "Sichuan team 1", "--level",
         "province", "--lat", "30.6", "--lon", "104.06", "--member",
         "Wang:psychiatrist", NULL);
    s_start();
    const char *boss = s_login("boss");
    cr_assert_eq(s_req("GET", "/api/map", NULL, boss), 200, "%s", resp);
    size_t bytes = strlen(s_body());
    cr_assert_lt(bytes, 300 * 1024, "provinces: %zu bytes", bytes);
    json_t *j = s_json();
    cr_assert_geq(s_layer_count(j, "province"), 30);
    cr_assert_eq(s_layer_count(j, "team"), 0);
    json_decref(j);

    char path[128];
    snprintf(path, sizeof path, "/api/map?incident=%s", incident);
    cr_assert_eq(s_req("GET", path, NULL, boss), 200, "%.300s", resp);
    j = s_json();
    cr_assert_geq(s_layer_count(j, "county"), 1);
    cr_assert_geq(s_layer_count(j, "zone"), 2);
    cr_assert_eq(s_layer_count(j, "team"), 1);
    json_decref(j);
    cr_assert_not_null(strstr(s_body(), "大邑县"), "a county of the blast");

    snprintf(path, sizeof path, "/api/zones?incident=%s", incident);
    cr_assert_eq(s_req("GET", path, NULL, boss), 200, "%s", resp);
    j = s_json();
    cr_assert_geq(json_array_size(j), 2);
    json_t *z = json_array_get(j, 0);
    cr_assert_gt(json_integer_value(json_object_get(z, "need_workers")), 0);
    cr_assert_eq(json_integer_value(json_object_get(z, "deployed_workers")),
                 0);
    json_decref(j);
    cr_assert_eq(s_req("GET", "/api/zones?incident=" ZERO_ID, NULL, boss),
                 404, "%s", resp);
    cr_assert_eq(s_req("GET", "/api/map?incident=nothex", NULL, boss), 400,
                 "%s", resp);
}

Test(auth, orders_are_listed_and_acknowledged_once)
{
    s_init();
    s_user("boss", "commander");
    s_user("lead", "team_leader");
    char incident[64], team[64], order[64], path[128];
    snprintf(incident, sizeof incident, "%s",
             s_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    snprintf(team, sizeof team, "%s",
             s_ok("id", "team", "add", "--name", "T1", "--level", "county",
                  "--lat", "30.6", "--lon", "104.06", "--member",
                  "Wang:counselor", NULL));
    snprintf(order, sizeof order, "%s",
             s_ok("id", "order", "--incident", incident, "--team", team,
                  "--zone-name", "Shelter 3", "--explain", "nearest", NULL));
    s_start();
    const char *lead = s_login("lead");
    cr_assert_eq(s_req("GET", "/api/orders", NULL, lead), 200, "%s", resp);
    json_t *j = s_json();
    json_t *o = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(o, "id")), order);
    cr_assert(json_is_false(json_object_get(o, "acked")));
    cr_assert(json_is_false(json_object_get(o, "overdue")));
    json_decref(j);
    snprintf(path, sizeof path, "/api/orders/%s/ack", order);
    cr_assert_eq(s_req("POST", path, "{}", lead), 400, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "\"field\":\"by\""), "%s", resp);
    cr_assert_eq(s_req("POST", path, "{\"by\": \"Wang\"}", lead), 200, "%s",
                 resp);
    cr_assert_eq(s_req("POST", path, "{\"by\": \"Wang\"}", lead), 409, "%s",
                 resp);
    cr_assert_eq(s_req("GET", "/api/orders", NULL, lead), 200, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "\"acked\":true"), "%s", resp);
    cr_assert_not_null(strstr(s_body(), "\"acked_by\":\"Wang\""), "%s",
                       resp);
    cr_assert_eq(s_req("POST", path, "{\"by\": \"Wang\"}", s_login("boss")),
                 403, "%s", resp);
}

Test(auth, services_handoffs_followups_and_agents)
{
    s_init();
    s_user("boss", "commander");
    s_user("field", "field_worker");
    char incident[64], person[64], service[64], body[256];
    snprintf(incident, sizeof incident, "%s",
             s_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    snprintf(person, sizeof person, "%s",
             s_ok("id", "person", "add", "--incident", incident,
                  "--age-band", "35", "--site", "Shelter 1", NULL));
    snprintf(service, sizeof service, "%s",
             s_ok("id", "service", "add", "--kind", "community_health",
                  "--name", "Centre 1", "--capacity", "10", "--zones",
                  ZERO_ID, "--contact", "028-1234", NULL));
    s_ok(NULL, "enroll", "field-1", "--node-id",
         "0123456789abcdef0123456789abcdef", "--public-key",
         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
         NULL);
    s_start();
    const char *field = s_login("field");
    cr_assert_eq(s_req("GET", "/api/services", NULL, field), 200, "%s", resp);
    cr_assert_not_null(strstr(s_body(), service), "%s", resp);
    snprintf(body, sizeof body,
             "{\"person\": \"%s\", \"service\": \"%s\", \"consent\": \"yes\"}",
             person, service);
    cr_assert_eq(s_req("POST", "/api/handoffs", body, field), 400, "%s",
                 resp);
    cr_assert_not_null(strstr(s_body(), "\"field\":\"consent\""), "%s", resp);
    snprintf(body, sizeof body,
             "{\"person\": \"%s\", \"service\": \"%s\", \"consent\": true, "
             "\"summary\": \"prefers mornings\"}",
             person, service);
    cr_assert_eq(s_req("POST", "/api/handoffs", body, field), 201, "%s",
                 resp);
    cr_assert_eq(s_req("POST", "/api/handoffs", body, field), 409, "%s",
                 resp);
    xy_test_out_t r;
    s_run(&r, "list", "handoffs", NULL);
    cr_assert_not_null(strstr(r.out, person), "%s", r.out);
    cr_assert_eq(s_req("GET", "/api/followups?overdue=1", NULL, field), 200,
                 "%s", resp);
    cr_assert_str_eq(s_body(), "[]");

    const char *boss = s_login("boss");
    cr_assert_eq(s_req("GET", "/api/agents", NULL, boss), 200, "%s", resp);
    json_t *j = s_json();
    json_t *a = json_array_get(j, 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "name")),
                     "field-1");
    cr_assert_str_eq(json_string_value(json_object_get(a, "node_id")),
                     "0123456789abcdef0123456789abcdef");
    cr_assert_str_eq(json_string_value(json_object_get(a, "state")),
                     "not connected");
    json_decref(j);
}

Test(auth, user_commands_refuse_bad_input_and_keep_users_json_private)
{
    xy_test_out_t r;
    s_init();
    unsetenv("XINYUAN_USER_PASSWORD");
    s_run(&r, "user", "add", "zhao", "--role", "commander", NULL);
    cr_assert_eq(r.status, 2, "no password: %s", r.err);
    cr_assert_not_null(strstr(r.err, "XINYUAN_USER_PASSWORD"), "%s", r.err);
    s_user("zhao", "commander");
    s_run(&r, "user", "add", "zhao", "--role", "observer", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "exists already"), "%s", r.err);
    s_run(&r, "user", "add", "chen", "--role", "king", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "--role must be one of"), "%s", r.err);
    setenv("XINYUAN_USER_PASSWORD", "short", 1);
    s_run(&r, "user", "add", "chen", "--role", "observer", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    s_run(&r, "user", "add", "a b", "--role", "observer", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);

    char path[1200], pw[1200];
    snprintf(path, sizeof path, "%s/users.json", data);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600);
    /* The password is stored hashed only. */
    FILE *f = fopen(path, "r");
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cr_assert_null(strstr(text, PASS), "%s", text);
    cr_assert_not_null(strstr(text, "$argon2id$"), "%s", text);

    snprintf(pw, sizeof pw, "%s/pw.txt", dir);
    f = fopen(pw, "w");
    fputs("another-pass\n", f);
    fclose(f);
    chmod(pw, 0644);
    s_run(&r, "user", "passwd", "zhao", "--password-file", pw, NULL);
    cr_assert_eq(r.status, 1, "a readable file is refused: %s", r.err);
    chmod(pw, 0600);
    s_run(&r, "user", "passwd", "zhao", "--password-file", pw, NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, "--json", "user", "list", NULL);
    cr_assert_not_null(strstr(r.out, "\"role\": \"commander\""), "%s", r.out);
    s_run(&r, "user", "remove", "zhao", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, "user", "remove", "zhao", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    chmod(path, 0644);
    s_run(&r, "user", "list", NULL);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert_not_null(strstr(r.err, "chmod 600"), "%s", r.err);
}

Test(auth, a_person_registered_over_the_api_keeps_its_vulnerabilities)
{
    s_init();
    s_user("field", "field_worker");
    char incident[64];
    snprintf(incident, sizeof incident, "%s",
             s_ok("id", "incident", "declare", "--hazard", "flood",
                  "--title", "Flood", NULL));
    s_start();
    const char *field = s_login("field");
    json_int_t events = s_events(field);
    char body[512];
    snprintf(body, sizeof body,
             "{\"incident\": \"%s\", \"age_band\": 10, \"sex\": \"male\", "
             "\"site\": \"School\", \"vulnerability\": [\"child\", \"a,b\"]}",
             incident);
    cr_assert_eq(s_req("POST", "/api/persons", body, field), 400, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "\"field\":\"vulnerability\""), "%s",
                       resp);
    cr_assert_eq(s_events(field), events, "nothing stored");
    snprintf(body, sizeof body,
             "{\"incident\": \"%s\", \"age_band\": 10, \"sex\": \"male\", "
             "\"site\": \"School\", \"vulnerability\": [\"child\", "
             "\"bereaved\"]}",
             incident);
    cr_assert_eq(s_req("POST", "/api/persons", body, field), 201, "%s", resp);
    cr_assert_eq(s_req("GET", "/api/persons", NULL, field), 200, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "child"), "%s", resp);
    cr_assert_not_null(strstr(s_body(), "bereaved"), "%s", resp);
}

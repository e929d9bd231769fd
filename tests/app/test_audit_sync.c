/* The audit of personal data travels like any event (docs/personal-data.md,
 * "Audit"): a field worker on an agent opens a person's record through the
 * agent's API, and the commander at the coordinator then finds that view
 * in GET /api/audit, naming the agent's user, role and node. Real daemons
 * on loopback (tests/sync harness). */
#include "tests/support/xy_test.h"
#include "tests/sync/sync_harness.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PASS "test-pass-1"

TestSuite(audit_sync, .init = xh_setup, .fini = xh_teardown, .timeout = 200);

static char resp[1 << 16];

/* Serves node n's API on a free port, which it returns. */
static uint16_t s_http(const xh_node_t *n)
{
    char listen[32];
    uint16_t port = xh_free_port();
    snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
    xh_config_str(n->dir, "http", listen);
    return port;
}

/* Runs `bin -d dir --json args...`, which must succeed; its output. */
static const char *s_cli(const char *bin, const xh_node_t *n,
                         const char *const *args)
{
    static char out[1 << 16];
    const char *argv[24] = {bin, "-d", n->dir, "--json"};
    size_t k = 4;
    for (size_t i = 0; args[i] && k < 23; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    int st = xh_run(out, sizeof out, argv);
    cr_assert_eq(st, 0, "%s %s failed (status %d): %s", bin, args[0], st,
                 out);
    return out;
}

/* One request to 127.0.0.1:port with an optional header; the status. */
static int s_req(uint16_t port, const char *method, const char *path,
                 const char *body, const char *header)
{
    return xy_test_http(port, method, path, body, header, resp, sizeof resp);
}

static const char *s_body(void)
{
    return xy_test_http_body(resp);
}

/* Logs user in at port (waiting, bounded, for the API); the cookie
 * header (static per call site: copy it). */
static const char *s_login(uint16_t port, const char *user)
{
    static char hdr[160];
    char body[128];
    snprintf(body, sizeof body, "{\"user\": \"%s\", \"password\": \"" PASS
             "\"}", user);
    cr_assert_eq(s_req(port, "POST", "/api/login", body, NULL), 200, "%s",
                 resp);
    const char *c = strstr(resp, "xy_session=");
    cr_assert_not_null(c);
    snprintf(hdr, sizeof hdr, "Cookie: %.*s", (int)strcspn(c, ";\r\n"), c);
    return hdr;
}

static void s_user(const char *bin, const xh_node_t *n, const char *name,
                   const char *role)
{
    setenv("XINYUAN_USER_PASSWORD", PASS, 1);
    const char *args[] = {"user", "add", name, "--role", role, NULL};
    s_cli(bin, n, args);
}

Test(audit_sync, a_view_on_an_agent_reaches_the_coordinators_audit)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    xh_agent_init(&cl, 0, "field-1", NULL, true);
    xh_node_t *agent = &cl.agents[0];
    uint16_t cport = s_http(&cl.coord), aport = s_http(agent);
    s_user(XY_AGENT_BIN, agent, "wang", "field_worker");
    s_user(XY_COORDINATOR_BIN, &cl.coord, "zhao", "commander");

    setenv("XINYUAN_PASSPHRASE", "a long test passphrase", 1);
    const char *declare[] = {"incident", "declare", "--hazard", "flood",
                             "--title", "Flood", NULL};
    char incident[64], person[64];
    snprintf(incident, sizeof incident, "%s",
             xy_test_json_field(s_cli(XY_AGENT_BIN, agent, declare), "id"));
    const char *key[] = {"key", "create", "--incident", incident, NULL};
    s_cli(XY_AGENT_BIN, agent, key);
    const char *add[] = {"person", "add", "--incident", incident,
                         "--age-band", "40", "--site", "School",
                         "--name", "李四", "--phone", "13900139000", NULL};
    snprintf(person, sizeof person, "%s",
             xy_test_json_field(s_cli(XY_AGENT_BIN, agent, add), "id"));
    xh_start(agent, XY_AGENT_BIN);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);

    char path[128], who[160];
    snprintf(path, sizeof path, "/api/persons/%s", person);
    snprintf(who, sizeof who, "%s", s_login(aport, "wang"));
    cr_assert_eq(s_req(aport, "GET", path, NULL, who), 200, "%s", resp);
    cr_assert_not_null(strstr(s_body(), "李四"), "%s", resp);

    snprintf(path, sizeof path, "/api/audit?person=%s", person);
    snprintf(who, sizeof who, "%s", s_login(cport, "zhao"));
    json_t *arr = NULL;
    for (int i = 0; i < 600 && json_array_size(arr) == 0; i++) {
        json_decref(arr);
        cr_assert_eq(s_req(cport, "GET", path, NULL, who), 200, "%s", resp);
        arr = json_loads(s_body(), 0, NULL);
        cr_assert(json_is_array(arr), "%s", resp);
        if (json_array_size(arr) == 0)
            xh_sleep_ms(50);
    }
    cr_assert_eq(json_array_size(arr), 1, "the view reached the "
                 "coordinator: %s", s_body());
    json_t *a = json_array_get(arr, 0);
    char node[33];
    for (int i = 0; i < 16; i++)
        snprintf(node + 2 * i, 3, "%02x", agent->id[i]);
    cr_assert_str_eq(json_string_value(json_object_get(a, "viewer")), "wang");
    cr_assert_str_eq(json_string_value(json_object_get(a, "role")),
                     "field_worker");
    cr_assert_str_eq(json_string_value(json_object_get(a, "node")), node);
    json_decref(arr);
    /* The commander there sees the person but never the name. */
    snprintf(path, sizeof path, "/api/persons/%s", person);
    cr_assert_eq(s_req(cport, "GET", path, NULL, who), 200, "%s", resp);
    cr_assert_null(strstr(s_body(), "李四"), "%s", resp);
    /* The agent it heard from is online, last seen a moment ago. */
    cr_assert_eq(s_req(cport, "GET", "/api/agents", NULL, who), 200, "%s",
                 resp);
    json_t *agents = json_loads(s_body(), 0, NULL);
    json_t *one = json_array_get(agents, 0);
    cr_assert_str_eq(json_string_value(json_object_get(one, "name")),
                     "field-1", "%s", s_body());
    cr_assert_str_eq(json_string_value(json_object_get(one, "state")),
                     "online", "%s", s_body());
    json_int_t seen =
        json_integer_value(json_object_get(one, "last_seen_ms"));
    json_int_t now = (json_int_t)time(NULL) * 1000;
    cr_assert(seen > now - 60000 && seen <= now + 1000,
              "last seen %lld, now %lld", (long long)seen, (long long)now);
    json_decref(agents);
}

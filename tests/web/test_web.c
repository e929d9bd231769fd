/* The web UI end to end, in a real browser: a field agent working offline
 * registers a person and records a C-SSRS screen that raises a red flag on
 * its field page; the coordinator comes up, its dashboard shows the new
 * count and the open flag, the commander acknowledges it there, and the
 * agent's field page shows the acknowledgement. Both daemons are the real
 * binaries (tests/sync harness) serving the built UI (web/dist) on free
 * loopback ports; tests/web/ui.mjs drives chromium. Screenshots are kept
 * in <build>/tests/web/screenshots/. */
#include "tests/sync/sync_harness.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_SHOTS XY_BINARY_DIR "/tests/web/screenshots"
#define S_SCRIPT XY_SOURCE_DIR "/tests/web/ui.mjs"

TestSuite(web, .init = xh_setup, .fini = xh_teardown, .timeout = 280);

static void s_need(const char *path, const char *why)
{
    cr_assert_eq(access(path, R_OK), 0, "%s is missing: %s", path, why);
}

/* Serves the UI of node n on a free port; returns the base URL. */
static void s_http(const xh_node_t *n, char *url, size_t len)
{
    char listen[32];
    snprintf(listen, sizeof listen, "127.0.0.1:%u", xh_free_port());
    xh_config_str(n->dir, "http", listen);
    xh_config_str(n->dir, "web_root", XY_SOURCE_DIR "/web/dist");
    snprintf(url, len, "http://%s", listen);
}

/* Runs one phase of ui.mjs against url; returns what it saw. */
static json_t *s_ui(const char *phase, const char *url)
{
    static char out[1 << 16];
    const char *argv[] = {XY_NODE_BIN, S_SCRIPT, phase, url, S_SHOTS, NULL};
    int st = xh_run(out, sizeof out, argv);
    json_t *o = json_loads(out, 0, NULL);
    cr_assert_eq(st, 0, "ui.mjs %s failed (status %d): %s (screenshot in %s; "
                 "browser log in %s/commands.log)", phase, st, out, S_SHOTS,
                 xh_root());
    cr_assert_not_null(o, "ui.mjs %s printed no JSON: %s", phase, out);
    cr_assert_eq(json_array_size(json_object_get(o, "errors")), 0,
                 "%s: page errors: %s", phase, out);
    cr_assert_eq(json_array_size(json_object_get(o, "outside")), 0,
                 "%s: the page fetched from outside: %s", phase, out);
    return o;
}

static const char *s_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

Test(web, offline_red_flag_reaches_dashboard_and_ack_returns)
{
    s_need("/usr/bin/chromium", "install Debian's chromium (scripts/setup)");
    s_need(XY_SOURCE_DIR "/web/dist/index.html",
           "build the web UI (scripts/web-build)");
    s_need(XY_SOURCE_DIR "/web/node_modules/playwright-core/package.json",
           "install the web packages (scripts/web-build)");
    mkdir(XY_BINARY_DIR "/tests/web", 0755);
    mkdir(S_SHOTS, 0755);

    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    xh_agent_init(&cl, 0, "field-1", NULL, true);
    xh_node_t *agent = &cl.agents[0];
    char coord_url[64], agent_url[64];
    s_http(&cl.coord, coord_url, sizeof coord_url);
    s_http(agent, agent_url, sizeof agent_url);

    /* An exercise incident recorded on the laptop, which then works with
     * the coordinator down. */
    char buf[1024];
    const char *declare[] = {XY_AGENT_BIN, "-d", agent->dir, "incident",
                             "declare", "--hazard", "earthquake", "--title",
                             "泸定6.8级地震演练", "--exercise", NULL};
    cr_assert_eq(xh_run(buf, sizeof buf, declare), 0, "declare: %s", buf);
    xh_start(agent, XY_AGENT_BIN);

    json_t *f = s_ui("field", agent_url);
    cr_assert(strstr(s_str(f, "level"), "立即"), "level shown: %s",
              s_str(f, "level"));
    cr_assert(json_is_true(json_object_get(f, "red_flag")));
    cr_assert(json_is_true(json_object_get(f, "watermark")),
              "no EXERCISE watermark on exercise data");
    cr_assert_eq(strlen(s_str(f, "person")), 32);
    cr_assert(strstr(s_str(f, "sync"), "待发送"), "sync shown: %s",
              s_str(f, "sync"));
    json_decref(f);

    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    json_t *d = s_ui("dashboard", coord_url);
    cr_assert_eq(json_integer_value(json_object_get(d, "flags")), 1);
    cr_assert(strstr(s_str(d, "sites"), "泸定县第一安置点"), "sites: %s",
              s_str(d, "sites"));
    cr_assert(json_is_true(json_object_get(d, "watermark")));
    cr_assert(strstr(s_str(d, "english"), "Command center"), "title: %s",
              s_str(d, "english"));
    json_decref(d);

    json_t *a = s_ui("acked", agent_url);
    cr_assert(strstr(s_str(a, "ack"), "李医生 Dr Li"), "field shows: %s",
              s_str(a, "ack"));
    cr_assert(strstr(s_str(a, "ack"), "已电话联系"), "field shows: %s",
              s_str(a, "ack"));
    json_decref(a);

    /* Both daemons stop cleanly with their HTTP servers. */
    cr_assert_eq(xh_stop(&agent->pid, SIGTERM), 0, "agent exit status");
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0,
                 "coordinator exit status");
}

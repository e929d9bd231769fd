/* The web UI end to end, in a real browser. Users are made with the
 * daemons' `user add` and log in through the login page. A field worker on
 * an agent working offline registers a person, records a C-SSRS screen
 * that raises a red flag and hands the person off to a (drill) hotline.
 * The coordinator comes up and publishes an assessment; the commander's
 * dashboard shows the new count, the open flag, the map (provinces,
 * counties, intensity zones, teams) and the zone table; the commander
 * acknowledges the flag and edits the team there; the agent's field page
 * shows the acknowledgement, and the team leader acknowledges the order
 * the coordinator gave the team. An observer sees no person list and no
 * personal data. Both daemons are the real binaries (tests/sync harness)
 * serving the built UI (web/dist) on free loopback ports; tests/web/ui.mjs
 * drives chromium. Screenshots are kept in <build>/tests/web/screenshots/.
 * A second test checks that both languages of the UI hold every key. */
#include "tests/sync/sync_harness.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_SHOTS XY_BINARY_DIR "/tests/web/screenshots"
#define S_SCRIPT XY_SOURCE_DIR "/tests/web/ui.mjs"
#define S_I18N XY_SOURCE_DIR "/tests/web/i18n_check.mjs"
#define S_PASS "correct horse 电池 staple"
#define S_DATA_PASS "data key passphrase for the drill"

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

/* Runs a daemon's command line on node n; returns its stdout. */
static const char *s_cli(const char *bin, const xh_node_t *n,
                         const char *const *args)
{
    static char out[1 << 16];
    const char *argv[24] = {bin, "-d", n->dir};
    size_t k = 3;
    for (size_t i = 0; args[i] && k < 23; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    int st = xh_run(out, sizeof out, argv);
    cr_assert_eq(st, 0, "%s %s %s failed (status %d): %s", bin, args[0],
                 args[1] ? args[1] : "", st, out);
    return out;
}

/* Makes a user on node n with the password in the environment of that one
 * call, as a person would (`user add NAME --role ROLE`). */
static void s_user(const char *bin, const xh_node_t *n, const char *name,
                   const char *role)
{
    setenv("XINYUAN_USER_PASSWORD", S_PASS, 1);
    const char *args[] = {"user", "add", name, "--role", role, NULL};
    s_cli(bin, n, args);
    unsetenv("XINYUAN_USER_PASSWORD");
}

/* Runs one phase of ui.mjs against url as user (person: the id of the
 * person with personal data); returns what it saw. */
static json_t *s_ui(const char *phase, const char *url, const char *user,
                    const char *person)
{
    static char out[1 << 16];
    const char *argv[] = {XY_NODE_BIN, S_SCRIPT, phase,  url, S_SHOTS,
                          user,        S_PASS,   person, NULL};
    int st = xh_run(out, sizeof out, argv);
    json_t *o = json_loads(out, 0, NULL);
    cr_assert_eq(st, 0, "ui.mjs %s failed (status %d): %s (screenshot in %s; "
                 "daemon logs in %s)", phase, st, out, S_SHOTS, xh_root());
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

static long s_int(json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

/* The "id" of a command's --json answer. */
static void s_id_of(const char *out, char id[33])
{
    json_t *o = json_loads(out, 0, NULL);
    const char *s = json_string_value(json_object_get(o, "id"));
    cr_assert(s && strlen(s) == 32, "no id in: %s", out);
    memcpy(id, s, 33);
    json_decref(o);
}

/* Waits (at most 60 s) until the coordinator holds an incident synced in;
 * copies its id. */
static void s_synced_incident(const xh_node_t *coord, char id[33])
{
    const char *args[] = {"--json", "list", "incidents", NULL};
    uint64_t end = xh_now_ms() + 60000;
    while (xh_now_ms() < end) {
        json_t *a = json_loads(s_cli(XY_COORDINATOR_BIN, coord, args), 0,
                               NULL);
        const char *s = json_string_value(
            json_object_get(json_array_get(a, 0), "id"));
        if (s && strlen(s) == 32) {
            memcpy(id, s, 33);
            json_decref(a);
            return;
        }
        json_decref(a);
        xh_sleep_ms(200);
    }
    cr_assert_fail("the incident did not reach the coordinator in 60 s");
}

/* The field phase: offline, the field worker logs in (after a wrong
 * password), registers, triages and asks for the person's personal data. */
static void s_field_offline(const char *url, const char *named)
{
    json_t *f = s_ui("field", url, "wang.fang", named);
    cr_assert(strstr(s_str(f, "login_error"), "不正确"), "login error: %s",
              s_str(f, "login_error"));
    cr_assert(strstr(s_str(f, "who"), "wang.fang"), "header: %s",
              s_str(f, "who"));
    cr_assert(strstr(s_str(f, "who"), "现场工作者"), "header: %s",
              s_str(f, "who"));
    cr_assert_str_eq(s_str(f, "page"), "field");
    cr_assert(strstr(s_str(f, "level"), "立即"), "level shown: %s",
              s_str(f, "level"));
    cr_assert(json_is_true(json_object_get(f, "red_flag")));
    cr_assert_gt(strlen(s_str(f, "do_now")), 20, "no guidance shown");
    cr_assert(json_is_true(json_object_get(f, "watermark")),
              "no EXERCISE watermark on exercise data");
    cr_assert_eq(strlen(s_str(f, "person")), 32);
    cr_assert(strstr(s_str(f, "sync"), "待发送"), "sync shown: %s",
              s_str(f, "sync"));
    cr_assert(strstr(s_str(f, "handoff"), "已转介"), "handoff: %s",
              s_str(f, "handoff"));
    cr_assert(strstr(s_str(f, "notice"), "记录"), "notice: %s",
              s_str(f, "notice"));
    /* Registered in the page: no personal data recorded, so sealed. */
    cr_assert_str_eq(s_str(f, "personal_view"), "sealed");
    /* Registered with a name at the command line: opened with the
     * laptop's data key, after the notice. */
    cr_assert(strstr(s_str(f, "named_view"), "张三丰"), "personal: %s",
              s_str(f, "named_view"));
    cr_assert(strstr(s_str(f, "named_view"), "13800000000"), "personal: %s",
              s_str(f, "named_view"));
    json_decref(f);
}

static void s_dashboard(const char *url, const char *named)
{
    json_t *d = s_ui("dashboard", url, "zhao.commander", named);
    cr_assert(strstr(s_str(d, "who"), "指挥长"), "header: %s",
              s_str(d, "who"));
    cr_assert_eq(s_int(d, "flags"), 1);
    /* The flag's reason in the page's language (Chinese by default). */
    cr_assert_not_null(strstr(s_str(d, "flag_reason"), "高风险"), "%s",
                       s_str(d, "flag_reason"));
    cr_assert_gt(s_int(d, "provinces"), 20, "province outlines on the map");
    cr_assert_gt(s_int(d, "provinces_drawn"), 0, "province outlines in view");
    cr_assert_gt(s_int(d, "counties"), 0, "counties drawn");
    cr_assert_gt(s_int(d, "zones"), 0, "intensity zones drawn");
    cr_assert_eq(s_int(d, "team_markers"), 1, "the team on the map");
    cr_assert_gt(s_int(d, "zone_rows"), 0, "zone table");
    cr_assert(json_is_true(json_object_get(d, "chart")), "zone chart");
    cr_assert_eq(s_int(d, "teams"), 1, "team board");
    cr_assert_gt(strlen(s_str(d, "team_error")), 8, "a team without "
                 "members is refused with a reason");
    cr_assert(strstr(s_str(d, "team_row"), "四川省心理援助一队（加强）"),
              "edited team: %s", s_str(d, "team_row"));
    cr_assert(strstr(s_str(d, "sites"), "泸定县第一安置点"), "sites: %s",
              s_str(d, "sites"));
    /* The commander reads the pseudonymous list, never personal data. */
    cr_assert_eq(s_int(d, "persons"), 2);
    cr_assert_eq(s_int(d, "show_personal"), 0);
    /* ... and who viewed a person's personal data, synced from the
     * laptop. */
    cr_assert(strstr(s_str(d, "audit"), "wang.fang"), "audit: %s",
              s_str(d, "audit"));
    cr_assert(strstr(s_str(d, "audit"), "现场工作者"), "audit: %s",
              s_str(d, "audit"));
    cr_assert(json_is_true(json_object_get(d, "watermark")));
    cr_assert_str_eq(s_str(d, "label_zh"), "分级人数");
    cr_assert_str_eq(s_str(d, "label_en"), "People by triage level");
    cr_assert(strstr(s_str(d, "english"), "Command center"), "title: %s",
              s_str(d, "english"));
    cr_assert(strstr(s_str(d, "english_after_reload"), "Command center"),
              "language not remembered: %s",
              s_str(d, "english_after_reload"));
    json_decref(d);
}

static void s_observer(const char *url)
{
    json_t *o = s_ui("observer", url, "chen.observer", "");
    cr_assert(strstr(s_str(o, "who"), "观察员"), "header: %s",
              s_str(o, "who"));
    cr_assert_eq(s_int(o, "person_lists"), 0, "observer sees people");
    cr_assert_eq(s_int(o, "show_personal"), 0);
    cr_assert_eq(s_int(o, "edit_buttons"), 0);
    cr_assert_eq(s_int(o, "readiness_selects"), 0);
    cr_assert_eq(s_int(o, "api_persons"), 403);
    cr_assert_eq(s_int(o, "api_audit"), 403);
    cr_assert_eq(s_int(o, "after_logout"), 401);
    json_decref(o);
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
    s_user(XY_AGENT_BIN, agent, "wang.fang", "field_worker");
    s_user(XY_AGENT_BIN, agent, "li.leader", "team_leader");
    s_user(XY_COORDINATOR_BIN, &cl.coord, "zhao.commander", "commander");
    s_user(XY_COORDINATOR_BIN, &cl.coord, "chen.observer", "observer");

    /* An exercise incident recorded on the laptop, which then works with
     * the coordinator down. */
    const char *declare[] = {"--json", "incident", "declare", "--hazard",
                             "earthquake", "--title", "泸定6.8级地震演练",
                             "--lat", "29.59", "--lon", "102.08",
                             "--magnitude", "6.8", "--level", "II",
                             "--exercise", NULL};
    char inc[33], named[33];
    s_id_of(s_cli(XY_AGENT_BIN, agent, declare), inc);
    /* A data key on the laptop and one person registered with a name; the
     * running agent opens it with the same passphrase. */
    setenv("XINYUAN_PASSPHRASE", S_DATA_PASS, 1);
    const char *key[] = {"key", "create", "--incident", inc, NULL};
    s_cli(XY_AGENT_BIN, agent, key);
    const char *person[] = {"--json", "person", "add", "--incident", inc,
                            "--age-band", "40", "--sex", "male", "--site",
                            "磨西镇安置点", "--name", "张三丰", "--phone",
                            "13800000000", "--exercise", NULL};
    s_id_of(s_cli(XY_AGENT_BIN, agent, person), named);
    const char *service[] = {"service", "add", "--kind", "hotline", "--name",
                             "12356 热线", "--capacity", "500", "--contact",
                             "12356", "--counties", "513322", "--exercise",
                             NULL};
    s_cli(XY_AGENT_BIN, agent, service);
    xh_start(agent, XY_AGENT_BIN);
    unsetenv("XINYUAN_PASSPHRASE");
    s_field_offline(agent_url, named);

    /* The command center comes up, receives the incident, assesses it and
     * registers a team. */
    const char *team[] = {"--json", "team", "add", "--name",
                          "四川省心理援助一队", "--level", "province",
                          "--lat", "30.66", "--lon", "104.06", "--member",
                          "王医生:psychiatrist:zh", "--exercise", NULL};
    char team_id[33], synced[33];
    s_id_of(s_cli(XY_COORDINATOR_BIN, &cl.coord, team), team_id);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    s_synced_incident(&cl.coord, synced);
    cr_assert_str_eq(synced, inc);
    const char *assess[] = {"assess", "--incident", inc, "--publish", NULL};
    s_cli(XY_COORDINATOR_BIN, &cl.coord, assess);
    const char *order[] = {"order", "--incident", inc, "--team", team_id,
                           "--zone-name", "泸定县 · VIII", "--explain",
                           "前往泸定县第一安置点支援", "--exercise", NULL};
    s_cli(XY_COORDINATOR_BIN, &cl.coord, order);

    s_dashboard(coord_url, named);
    s_observer(coord_url);

    /* The team leader on the laptop sees the acknowledgement and
     * acknowledges the order sent to the team. */
    json_t *a = s_ui("acked", agent_url, "li.leader", "");
    cr_assert(strstr(s_str(a, "ack"), "李医生 Dr Li"), "field shows: %s",
              s_str(a, "ack"));
    cr_assert(strstr(s_str(a, "ack"), "已电话联系"), "field shows: %s",
              s_str(a, "ack"));
    cr_assert(strstr(s_str(a, "order"), "泸定县 · VIII"), "order: %s",
              s_str(a, "order"));
    cr_assert(strstr(s_str(a, "order_acked"), "李队长"), "order ack: %s",
              s_str(a, "order_acked"));
    json_decref(a);

    /* Both daemons stop cleanly with their HTTP servers. */
    cr_assert_eq(xh_stop(&agent->pid, SIGTERM), 0, "agent exit status");
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0,
                 "coordinator exit status");
}

Test(web, every_ui_string_exists_in_chinese_and_english)
{
    static char out[1 << 14];
    const char *argv[] = {XY_NODE_BIN, S_I18N, NULL};
    int st = xh_run(out, sizeof out, argv);
    json_t *o = json_loads(out, 0, NULL);
    cr_assert_not_null(o, "i18n_check.mjs printed no JSON: %s", out);
    cr_assert_eq(json_array_size(json_object_get(o, "problems")), 0,
                 "language tables differ: %s", out);
    cr_assert_eq(st, 0, "i18n_check.mjs: %s", out);
    cr_assert_gt(s_int(o, "keys"), 100, "%s", out);
    cr_assert_gt(s_int(o, "used"), 100, "%s", out);
    json_decref(o);
}

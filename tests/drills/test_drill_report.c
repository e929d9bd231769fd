/* The after-action report (drills/report): from drill results in
 * tests/drills/fixtures/ it writes one HTML file whose text shows the
 * numbers of the result, escapes every string, marks the exercise and has
 * one <svg> per chart; malformed results are refused with the field named
 * and nothing written. The last tests open generated reports in headless
 * chromium (tests/drills/report_open.mjs) and check they load with no
 * error, fetch nothing and draw four charts; screenshots and A4 PDFs go to
 * <build>/tests/drills/report-shots/. */
#include "common/xy_error.h"
#include "drills/report/html.h"
#include "drills/report/report.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_FIXTURES XY_SOURCE_DIR "/tests/drills/fixtures"
#define S_SHOTS XY_BINARY_DIR "/tests/drills/report-shots"
#define S_SCRIPT XY_SOURCE_DIR "/tests/drills/report_open.mjs"

static json_t *s_fixture(const char *name)
{
    char path[1024];
    json_error_t je;
    snprintf(path, sizeof path, "%s/%s", S_FIXTURES, name);
    json_t *j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: %s", path, je.text);
    return j;
}

/* The report of result as a string (caller frees). */
static char *s_html(const json_t *result)
{
    char *buf = NULL, err[256];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    int rc = drill_report_html(result, f, err, sizeof err);
    fclose(f);
    cr_assert_eq(rc, 0, "report refused: %s", err);
    return buf;
}

static size_t s_count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

#define S_HAS(html, s)                                                         \
    cr_assert(strstr(html, s), "missing in the report: %s", s)

static char *s_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* Entries of dir other than . and .. */
static int s_entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

Test(drill_report, report_of_a_drill_shows_score_and_charts)
{
    json_t *result = s_fixture("result-sichuan.json");
    char *dir = xy_test_mkdtemp(), path[1024], err[256] = "";
    snprintf(path, sizeof path, "%s/report.html", dir);

    int rc = drill_report_write(result, path, err, sizeof err);
    cr_assert_eq(rc, 0, "write failed: %s", err);
    cr_assert_eq(s_entries(dir), 1, "only the report is left in %s", dir);
    char *html = s_read(path);

    S_HAS(html, "<!DOCTYPE html>");
    S_HAS(html, "<html lang=\"zh-Hans\">");
    S_HAS(html, "<meta charset=\"utf-8\">");
    S_HAS(html, "演练 EXERCISE");
    S_HAS(html, "Ms 7.0 western Sichuan 四川西部7.0级地震");
    S_HAS(html, "drills/scenarios/sichuan-ms7.drill");
    S_HAS(html, "×60");
    S_HAS(html, "95.2 s (1 min 35 s)");
    S_HAS(html, "5712 s (1 h 35 min)");
    S_HAS(html, "id=\"points\">87 <small>/ 100</small>");
    S_HAS(html, "通过 PASS");
    /* The must-haves, all met. */
    S_HAS(html, "<div class=\"must ok\" id=\"must-lost\">");
    S_HAS(html, "<div class=\"must ok\" id=\"must-duplicates\">");
    S_HAS(html, "<div class=\"must ok\" id=\"must-convergence\">");
    S_HAS(html, "记录 recorded 312 · 指挥中心 at coordinator 312");
    /* Items, times, team acks, flags, coverage. */
    S_HAS(html, "<td>activation</td>");
    S_HAS(html, "<td class=\"n\">12 s</td>");
    S_HAS(html, "<td class=\"n\">10 / 10</td>");
    S_HAS(html, "<td class=\"n bad\">12 / 15</td>");
    S_HAS(html, "38 / 40 (95%)");
    S_HAS(html, "4 / 5");
    S_HAS(html, "<td>四川省心理危机干预队</td><td>province</td>"
                "<td class=\"n\">300 s (5 min 00 s)</td>"
                "<td class=\"n\">420 s (7 min 00 s)</td>"
                "<td class=\"n\">120 s (2 min 00 s)</td>");
    S_HAS(html, "<td class=\"n bad\">未确认 never acked</td>");
    S_HAS(html, "60 s (1 min 00 s)</text>");
    S_HAS(html, "目标 target 300 s (5 min 00 s)");
    S_HAS(html, "19 (95%)</text>");
    S_HAS(html, "12 (100%)</text>");
    /* One <svg> per chart, nothing else, and no script or fetch. */
    cr_assert_eq(s_count(html, "<svg"), 4);
    S_HAS(html, "id=\"chart-timeline\"");
    S_HAS(html, "id=\"chart-backlog\"");
    S_HAS(html, "id=\"chart-flags\"");
    S_HAS(html, "id=\"chart-coverage\"");
    cr_assert_null(strstr(html, "<script"));
    cr_assert_null(strstr(html, "src="));
    cr_assert_null(strstr(html, "href="));
    /* Link-down bands: a1 600..1200, a2 0..1800, a3 from 3600 to the end. */
    cr_assert_eq(s_count(html, "<rect class=\"down\" x="), 3 + 1,
                 "three bands, one still open, plus the legend swatch");
    S_HAS(html, "到结束仍中断 still down at the end");
    /* The backlog: a line per agent with its peak. */
    cr_assert_eq(s_count(html, "<polyline"), 3);
    S_HAS(html, "a1 (峰值 peak 27)");
    S_HAS(html, "a3 (峰值 peak 22)");

    /* A condition scored as true or false reads yes or no. */
    S_HAS(html, "<td>convergence</td><td class=\"n\">是 yes </td>");

    free(html);
    json_decref(result);
    xy_test_rmdir(&dir);
}

Test(drill_report, every_link_up_ends_all_link_down_bands)
{
    json_t *result = s_fixture("result-sichuan.json");
    json_array_append_new(json_object_get(result, "timeline"),
                          json_pack("{s:f, s:s, s:s, s:s}", "t_s", 5000.0,
                                    "actor", "runner", "kind", "link", "what",
                                    "end of the timeline: every link up"));
    char *html = s_html(result);
    cr_assert_eq(s_count(html, "<rect class=\"down\" x="), 3 + 1);
    cr_assert_null(strstr(html, "still down at the end"));
    S_HAS(html, "a3: 3600 s (1 h 00 min) – 5000 s (1 h 23 min)</title>");
    free(html);
    json_decref(result);
}

Test(drill_report, strings_from_the_result_are_escaped)
{
    json_t *result = s_fixture("result-edge.json");
    char *html = s_html(result);
    cr_assert_null(strstr(html, "<script"), "a name became markup");
    cr_assert_null(strstr(html, "<b>none</b>"));
    S_HAS(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                "边界 &quot;edge&quot;");
    S_HAS(html, "drills/scenarios/&lt;edge&gt;.drill");
    S_HAS(html, "&lt;b&gt;none&lt;/b&gt;");
    S_HAS(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    free(html);
    json_decref(result);
}

Test(drill_report, nulls_huge_values_and_long_names_are_drawn)
{
    json_t *result = s_fixture("result-edge.json");
    char *html = s_html(result);
    cr_assert_eq(s_count(html, "<svg"), 4);
    /* Must-haves broken are shown as broken. */
    S_HAS(html, "<div class=\"must bad\" id=\"must-lost\">");
    S_HAS(html, "<div class=\"must bad\" id=\"must-duplicates\">");
    S_HAS(html, "<div class=\"must bad\" id=\"must-convergence\">");
    S_HAS(html, "未通过 FAIL");
    S_HAS(html, "✗ 不同 differs");
    /* Nulls. */
    S_HAS(html, "id=\"activation\">启动 Activation<b>未启动 never</b>");
    S_HAS(html, "<text class=\"val bad\"");
    S_HAS(html, "(无数据 no samples)");
    /* Huge values in exponent form, full counts below 1e15. */
    S_HAS(html, "1e+300 s");
    S_HAS(html, "指挥中心 at coordinator 999999999999999");
    S_HAS(html, "记录 recorded 1e+15");
    /* The one-point series is a dot; the long name is cut in the chart
     * and whole in its tooltip and tables. */
    S_HAS(html, "<circle cx=");
    S_HAS(html, "阿坝藏族羌族自治州汶川…");
    S_HAS(html, "<td>阿坝藏族羌族自治州汶川县映秀镇漩口镇三江镇卧龙特区联合"
                "临时安置点第一心理援助站</td>");
    free(html);
    json_decref(result);
}

Test(drill_report, empty_series_say_no_data)
{
    json_t *result = s_fixture("result-empty.json");
    char *html = s_html(result);
    cr_assert_eq(s_count(html, "<svg"), 4);
    cr_assert_eq(s_count(html, "无数据 No data</text>"), 4);
    S_HAS(html, "无红旗 No red flags");
    S_HAS(html, "无派遣 No deployments");
    free(html);
    json_decref(result);
}

/* A change to a fixture and the error it must give. */
typedef struct s_bad {
    const char *path;  /* dotted path to the member changed; [n] indexes */
    const char *value; /* JSON text of its new value, NULL to delete it */
    const char *err;   /* the error expected */
} s_bad_t;

static const s_bad_t s_bads[] = {
    {"score.events.lost", "\"zero\"",
     "result: score.events.lost: not a number"},
    {"drill.name", NULL, "result: drill.name: missing"},
    {"format", "\"xinyuan-drill-result-9\"",
     "result: format: not xinyuan-drill-result-1"},
    {"timeline.[1].kind", "\"explode\"",
     "result: timeline[1].kind: not one of link, inject, order, ack, flag, "
     "crash, note, sync"},
    {"backlog.a2.[3]", "[1]",
     "result: backlog.a2[3]: not a pair [t_s, "
     "waiting]"},
    {"backlog.a1.[0].[1]", "-1", "result: backlog.a1[0][1]: negative"},
    {"score.red_flags.[1].raised_s", "null",
     "result: score.red_flags[1].raised_s: null where a value is required"},
    {"coverage_by_zone.[2].people", "2.5",
     "result: coverage_by_zone[2].people: not a whole number"},
    {"score.pass", "\"yes\"", "result: score.pass: not true or false"},
    {"score.items.[2].value", "\"fast\"",
     "result: score.items[2].value: not a number, true, false or null"},
    {"score.convergence.digests.a1", "7",
     "result: score.convergence.digests.a1: not a string"},
    {"score.team_acks", "{}", "result: score.team_acks: not an array"},
    {"agents.[0]", "\"a1\"", "result: agents[0]: not an object"},
    {"drill.exercise", "1", "result: drill.exercise: not true or false"},
    {"score", NULL, "result: score: missing"},
};

/* The member named by the dotted path (its parent and last key or index
 * stored in *parent, *key, *index). */
static void s_locate(json_t *root, const char *path, json_t **parent, char *key,
                     size_t *index)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    char *save = NULL;
    *parent = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok;
         tok = strtok_r(NULL, ".", &save)) {
        *parent = cur;
        if (tok[0] == '[') {
            *index = strtoul(tok + 1, NULL, 10);
            key[0] = '\0';
            cur = json_array_get(cur, *index);
        } else {
            snprintf(key, 64, "%s", tok);
            cur = json_object_get(cur, tok);
        }
        cr_assert_not_null(cur, "fixture has no %s", path);
    }
}

static json_t *s_break(const s_bad_t *b)
{
    json_t *root = s_fixture("result-sichuan.json"), *parent;
    char key[64];
    size_t index = 0;
    s_locate(root, b->path, &parent, key, &index);
    json_t *v = b->value ? json_loads(b->value, JSON_DECODE_ANY, NULL) : NULL;
    cr_assert(!b->value || v, "bad test value %s", b->value);
    if (key[0] && v)
        json_object_set_new(parent, key, v);
    else if (key[0])
        json_object_del(parent, key);
    else
        json_array_set_new(parent, index, v);
    return root;
}

Test(drill_report, malformed_results_are_refused_naming_the_field)
{
    char *dir = xy_test_mkdtemp(), path[1024];
    snprintf(path, sizeof path, "%s/report.html", dir);
    for (size_t i = 0; i < sizeof s_bads / sizeof s_bads[0]; i++) {
        json_t *bad = s_break(&s_bads[i]);
        char err[256] = "";
        int rc = drill_report_write(bad, path, err, sizeof err);
        cr_assert_neq(rc, 0, "%s accepted", s_bads[i].path);
        cr_assert_str_eq(err, s_bads[i].err);
        cr_assert_eq(s_entries(dir), 0, "%s: a file was left", s_bads[i].path);
        json_decref(bad);
    }
    xy_test_rmdir(&dir);
}

Test(drill_report, refused_result_leaves_the_old_report_and_nothing_else)
{
    char *dir = xy_test_mkdtemp(), path[1024], err[256] = "";
    snprintf(path, sizeof path, "%s/report.html", dir);
    FILE *f = fopen(path, "w");
    fputs("old report", f);
    fclose(f);
    json_t *bad = s_break(&s_bads[0]);
    cr_assert_eq(drill_report_write(bad, path, err, sizeof err), XY_EMALFORMED);
    char *text = s_read(path);
    cr_assert_str_eq(text, "old report");
    cr_assert_eq(s_entries(dir), 1);
    /* A result that is not an object at all. */
    json_t *arr = json_array();
    cr_assert_eq(drill_report_write(arr, path, err, sizeof err), XY_EMALFORMED);
    cr_assert_str_eq(err, "result: not a JSON object");
    json_t *v = s_break(&s_bads[2]);
    cr_assert_eq(drill_report_write(v, path, err, sizeof err), XY_EVERSION);
    json_decref(v);
    json_decref(arr);
    json_decref(bad);
    free(text);
    xy_test_rmdir(&dir);
}

Test(drill_report, unwritable_place_fails_with_the_path)
{
    json_t *result = s_fixture("result-sichuan.json");
    char *dir = xy_test_mkdtemp(), path[1024], err[256] = "";
    snprintf(path, sizeof path, "%s/missing/report.html", dir);
    cr_assert_eq(drill_report_write(result, path, err, sizeof err), XY_EIO);
    cr_assert(strstr(err, "report: cannot create ") &&
                  strstr(err, "/missing/report.html."),
              "error: %s", err);
    cr_assert_eq(s_entries(dir), 0);
    json_decref(result);
    xy_test_rmdir(&dir);
}

/* html_esc_fit, html_num and html_secs into a string (static buffer). */
static const char *s_fit(const char *s, int w)
{
    static char out[512];
    FILE *f = fmemopen(out, sizeof out, "w");
    html_esc_fit(f, s, w);
    fclose(f);
    return out;
}

Test(drill_report, labels_are_escaped_cut_and_numbers_formatted)
{
    char n[HTML_NUM_LEN];
    cr_assert_str_eq(s_fit("a<b>&\"'", -1), "a&lt;b&gt;&amp;&quot;&#39;");
    cr_assert_str_eq(s_fit("bell\a", -1), "bell\xEF\xBF\xBD");
    cr_assert_str_eq(s_fit("a\xA0\xFF\xE6\xB1z", -1),
                     "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
    cr_assert_str_eq(s_fit("汶川县映秀镇", 6), "汶川…");
    cr_assert_str_eq(s_fit("abcdef", 6), "abcdef");
    cr_assert_str_eq(s_fit("abcdefg", 6), "abcde…");
    cr_assert_eq(html_width("汶川 a1"), 7);
    cr_assert_str_eq(html_num(n, 95.2), "95.2");
    cr_assert_str_eq(html_num(n, 0.95), "0.95");
    cr_assert_str_eq(html_num(n, 312), "312");
    cr_assert_str_eq(html_num(n, 0.00001), "0");
    cr_assert_str_eq(html_num(n, 1e300), "1e+300");
    cr_assert_str_eq(html_num(n, NAN), "—");
    cr_assert_str_eq(html_secs(n, 12.5), "12.5 s");
    cr_assert_str_eq(html_secs(n, 420), "420 s (7 min 00 s)");
    cr_assert_str_eq(html_secs(n, 5712), "5712 s (1 h 35 min)");
    cr_assert_str_eq(html_secs(n, NAN), "—");
}

#ifdef XY_NODE_BIN
/* Runs argv with its standard output in out_path, in its own process
 * group; kills the group after timeout_s. Returns the exit status. */
static int s_run(const char *const *argv, const char *out_path, int timeout_s)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        setpgid(0, 0);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid);
    int st = 0;
    struct timespec tick = {0, 50 * 1000 * 1000};
    for (int i = 0; i < timeout_s * 20; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        nanosleep(&tick, NULL);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, &st, 0);
    cr_assert_fail("%s did not finish in %d s", argv[1], timeout_s);
    return -1;
}

/* What report_open.mjs saw (text is its output, for the messages). */
static void s_check_seen(json_t *seen, const char *text)
{
    cr_assert_eq(json_array_size(json_object_get(seen, "errors")), 0,
                 "page errors: %s", text);
    cr_assert_eq(json_array_size(json_object_get(seen, "console")), 0,
                 "console errors: %s", text);
    cr_assert_eq(json_array_size(json_object_get(seen, "outside")), 0,
                 "the report fetched something: %s", text);
    cr_assert_str_eq(json_string_value(json_object_get(seen, "lang")),
                     "zh-Hans");
    cr_assert(json_is_true(json_object_get(seen, "exercise")),
              "no EXERCISE banner: %s", text);
    cr_assert_eq(json_integer_value(json_object_get(seen, "scripts")), 0);

    json_t *charts = json_object_get(seen, "charts");
    const char *names[] = {"timeline", "backlog", "flags", "coverage"};
    cr_assert_eq(json_array_size(charts), 4, "charts: %s", text);
    for (size_t i = 0; i < 4; i++) {
        json_t *c = json_array_get(charts, i);
        cr_assert_str_eq(json_string_value(json_object_get(c, "name")),
                         names[i]);
        cr_assert_gt(json_number_value(json_object_get(c, "w")), 100,
                     "%s has no width: %s", names[i], text);
        cr_assert_gt(json_number_value(json_object_get(c, "h")), 50,
                     "%s has no height: %s", names[i], text);
    }
    /* On A4 nothing runs off the side of the page. */
    json_t *print = json_object_get(seen, "print");
    cr_assert_leq(json_integer_value(json_object_get(print, "scroll")),
                  json_integer_value(json_object_get(print, "width")),
                  "wider than A4: %s", text);
    cr_assert_gt(json_integer_value(json_object_get(seen, "pdf_bytes")), 0);
}

/* Writes the report of fixture into the screenshots folder, opens it in
 * chromium and checks what the browser saw. */
static void s_open_in_browser(const char *fixture, const char *name)
{
    if (access("/usr/bin/chromium", X_OK) ||
        access(XY_SOURCE_DIR "/web/node_modules/playwright-core/package.json",
               R_OK))
        cr_skip_test("needs /usr/bin/chromium (scripts/setup) and "
                     "web/node_modules/playwright-core (scripts/web-build)");
    mkdir(XY_BINARY_DIR "/tests/drills", 0755);
    mkdir(S_SHOTS, 0755);
    char html[1024], out[1024], err[256] = "";
    snprintf(html, sizeof html, "%s/%s.html", S_SHOTS, name);
    snprintf(out, sizeof out, "%s/%s.json", S_SHOTS, name);
    json_t *result = s_fixture(fixture);
    cr_assert_eq(drill_report_write(result, html, err, sizeof err), 0, "%s",
                 err);
    json_decref(result);

    const char *argv[] = {XY_NODE_BIN, S_SCRIPT, html, S_SHOTS, name, NULL};
    int st = s_run(argv, out, 120);
    char *text = s_read(out);
    cr_assert_eq(st, 0, "report_open.mjs failed (%d): %s", st, text);
    json_error_t je;
    json_t *seen = json_loads(text, 0, &je);
    cr_assert_not_null(seen, "report_open.mjs printed no JSON: %s", text);
    s_check_seen(seen, text);
    json_decref(seen);
    free(text);
}

Test(drill_report, report_opens_in_chromium_without_errors, .timeout = 150)
{
    s_open_in_browser("result-sichuan.json", "sichuan");
}

Test(drill_report, edge_report_opens_in_chromium_without_errors, .timeout = 150)
{
    s_open_in_browser("result-edge.json", "edge");
}
#else
Test(drill_report, report_opens_in_chromium_without_errors)
{
    cr_skip_test("node was not found when the tests were configured");
}
#endif

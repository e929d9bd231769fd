/* Tests of `assess` and `level` at the coordinator's command line, run as
 * real processes on a real data directory: the Dingri USGS event published
 * and re-run, a CAP exercise, the commander's level, and bad input that
 * stores nothing. */
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_DINGRI                                                               \
    XY_SHARED_DATA "/quake/usgs_us6000pi9w_dingri2025_detail.geojson"
#define S_QUAKE_CAP XY_SHARED_DATA "/cap/examples/earthquake.cap"

static char *dir;
static char data[1024];

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(data, sizeof data, "%s/coord", dir);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(assess_cli, .init = setup, .fini = teardown, .timeout = 120);

typedef xy_test_out_t s_out_t;

/* Runs the coordinator with the NULL-terminated arguments. */
static void s_run(s_out_t *r, ...)
{
    const char *pre[] = {XY_COORDINATOR_BIN, "-d", data};
    va_list ap;
    va_start(ap, r);
    xy_test_run_va(r, dir, pre, 3, ap);
    va_end(ap);
}

/* Copies the 32 hex digits after `"key": "` in text into out. */
static void s_hex_after(const char *text, const char *key, char out[33])
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\": \"", key);
    const char *p = strstr(text, pat);
    cr_assert_not_null(p, "no %s in: %.300s", key, text);
    memcpy(out, p + strlen(pat), 32);
    out[32] = '\0';
}

static void s_init(void)
{
    s_out_t r;
    s_run(&r, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
}

static void s_events(long want)
{
    s_out_t r;
    s_run(&r, "status", NULL);
    char line[64];
    snprintf(line, sizeof line, "events         %ld\n", want);
    cr_assert_not_null(strstr(r.out, line), "%s", r.out);
}

Test(assess_cli, usage_assess_dingri_publish_rerun_and_set_the_level)
{
    s_init();
    static s_out_t r;
    /* A dry run prints the summary and stores nothing. */
    s_run(&r, "assess", "--usgs", S_DINGRI, "--strike", "187", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "Proposed level  II"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "定日县"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "dry run"), "%s", r.out);
    s_events(0);

    s_run(&r, "--json", "assess", "--usgs", S_DINGRI, "--strike", "187",
          "--publish", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char inc[33], zone[33];
    s_hex_after(r.out, "incident", inc);
    s_hex_after(r.out, "id", zone); /* the first zone, ranked first */
    cr_assert_not_null(strstr(r.out, "\"revision\": 1"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\"incident_declared\": true"));
    cr_assert_not_null(strstr(r.out, "\"proposed_level\": \"II\""));
    s_events(2); /* IncidentDeclared + AssessmentPublished */

    /* The same alert again re-runs its incident: no second incident. */
    s_run(&r, "--json", "assess", "--usgs", S_DINGRI, "--strike", "187",
          "--publish", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char inc2[33], zone2[33];
    s_hex_after(r.out, "incident", inc2);
    s_hex_after(r.out, "id", zone2);
    cr_assert_str_eq(inc2, inc);
    cr_assert_str_eq(zone2, zone);
    cr_assert_not_null(strstr(r.out, "\"revision\": 2"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "\"incident_declared\": false"));
    s_events(3);

    /* Re-run from what the incident holds (epicentre, M, strike). */
    s_run(&r, "--json", "assess", "--incident", inc, "--publish", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_hex_after(r.out, "id", zone2);
    cr_assert_str_eq(zone2, zone);
    cr_assert_not_null(strstr(r.out, "\"revision\": 3"), "%s", r.out);
    s_events(4);

    s_run(&r, "level", "--incident", inc, "--set", "I", "--reason",
          "casualty reports exceed the initial judgement", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, "list", "incidents", NULL);
    cr_assert_not_null(strstr(r.out, "I      "), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "Southern Tibetan Plateau"), "%s",
                       r.out);
    s_events(5);
}

Test(assess_cli, a_cap_exercise_opens_an_exercise_incident)
{
    s_init();
    /* earthquake.cap (Tonga) as an exercise moved to Dingri. */
    FILE *f = fopen(S_QUAKE_CAP, "rb");
    cr_assert_not_null(f);
    static char text[16384];
    size_t n = fread(text, 1, 8192, f);
    fclose(f);
    text[n] = '\0';
    char *st = strstr(text, "<status>Actual</status>");
    cr_assert_not_null(st);
    static char out[16384 + 256];
    char *c = strstr(text, "-16.053,-173.274 0.0");
    cr_assert_not_null(c);
    *st = '\0';
    *c = '\0';
    snprintf(out, sizeof out, "%s<status>Exercise</status>%s28.639,87.3608 "
             "0.0%s", text, st + strlen("<status>Actual</status>"),
             c + strlen("-16.053,-173.274 0.0"));
    char path[1200];
    snprintf(path, sizeof path, "%s/exercise.cap", dir);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(out, f);
    fclose(f);

    s_out_t r;
    s_run(&r, "assess", "--cap", path, "--publish", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "EXERCISE"), "%s", r.out);
    s_run(&r, "list", "incidents", NULL);
    cr_assert_not_null(strstr(r.out, "EXERCISE"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "EQ 6.3"), "%s", r.out);

    /* The real message, in Tonga, is outside the data: nothing stored. */
    s_run(&r, "assess", "--cap", S_QUAKE_CAP, "--publish", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "outside the data"), "%s", r.err);
    s_events(2);
}

Test(assess_cli, bad_input_is_one_clear_line_and_stores_nothing)
{
    s_init();
    char path[1200];
    snprintf(path, sizeof path, "%s/bowtie.geojson", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"type\":\"Polygon\",\"coordinates\":[[[100,30],[101,31],"
          "[101,30],[100,31],[100,30]]]}", f);
    fclose(f);
    s_out_t r;
    s_run(&r, "assess", "--polygon", path, "--hazard", "flood", "--title",
          "Bowtie", "--publish", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "Self-intersection"), "%s", r.err);
    cr_assert_null(strchr(strchr(r.err, '\n') + 1, '\n'), "one line: %s",
                   r.err);

    s_run(&r, "assess", "--point", "95,100", "--radii", "5,10", "--hazard",
          "explosion", "--title", "t", "--publish", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "out of range"), "%s", r.err);

    s_run(&r, "assess", "--point", "30,100", "--radii", "10,5", "--hazard",
          "explosion", "--title", "t", "--publish", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "radii"), "%s", r.err);

    snprintf(path, sizeof path, "%s/broken.cap", dir);
    f = fopen(path, "w");
    fputs("<?xml version=\"1.0\"?><alert xmlns=\"urn:oasis:names:tc:"
          "emergency:cap:1.2\"><identifier>x</identifier>", f);
    fclose(f);
    s_run(&r, "assess", "--cap", path, "--publish", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "broken.cap"), "%s", r.err);

    s_run(&r, "assess", "--cap", XY_SHARED_DATA "/cap/examples/xee.cap",
          "--publish", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "DOCTYPE"), "%s", r.err);

    s_run(&r, "assess", "--usgs", S_DINGRI, "--cap", path, NULL);
    cr_assert_eq(r.status, 2);
    s_run(&r, "assess", "--usgs", S_DINGRI, "--ms", "12", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "--ms"), "%s", r.err);
    s_run(&r, "level", "--incident", "00112233445566778899aabbccddeeff",
          "--set", "II", "--reason", "x", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "no incident"), "%s", r.err);
    s_events(0);
}

Test(assess_cli, the_data_dir_setting_points_at_the_reference_data)
{
    s_init();
    char cfg[1200];
    snprintf(cfg, sizeof cfg, "%s/other.json", dir);
    FILE *f = fopen(cfg, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"data_dir\": \"%s/nowhere\"}\n", dir);
    fclose(f);
    s_out_t r;
    s_run(&r, "-c", cfg, "assess", "--usgs", S_DINGRI, NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "nowhere"), "%s", r.err);
    s_events(0);
}

/* Tests of alert activation input: CAP alerts (alert_cap) and USGS GeoJSON
 * events (alert_usgs) read into alert_t, the shared mappings and the
 * activation rule (alert). Every CAP example of the shared data is parsed or
 * refused with its reason, file by file. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/alert.h"
#include "domain/alert_cap.h"
#include "domain/alert_usgs.h"

#define S_XSD12 XY_SOURCE_DIR "/data/cap/CAP-v1.2.xsd"
#define S_XSD11 XY_SOURCE_DIR "/data/cap/CAP-v1.1.xsd"
#define S_EXAMPLES XY_SHARED_DATA "/cap/examples"
#define S_DINGRI                                                               \
    XY_SHARED_DATA "/quake/usgs_us6000pi9w_dingri2025_detail.geojson"

static char *s_read(const char *path, size_t *len)
{
    char *buf = NULL;
    alert_error_t err = {0};
    int rc = alert_cap_read_file(path, 8 * 1024 * 1024, &buf, len, &err);
    cr_assert_eq(rc, 0, "%s: %s", path, err.msg);
    return buf;
}

static char *s_example(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", S_EXAMPLES, name);
    return s_read(path, len);
}

/* A new string: text with the first occurrence of old replaced by repl. */
static char *s_replace(const char *text, const char *old, const char *repl)
{
    const char *at = strstr(text, old);
    cr_assert_not_null(at, "'%s' not found in the fixture", old);
    size_t head = (size_t)(at - text), ol = strlen(old), rl = strlen(repl);
    char *out = xmalloc(strlen(text) - ol + rl + 1);
    memcpy(out, text, head);
    memcpy(out + head, repl, rl);
    strcpy(out + head + rl, at + ol);
    return out;
}

static alert_cap_validator_t *s_validator(void)
{
    alert_cap_validator_t *v = NULL;
    alert_error_t err = {0};
    int rc = alert_cap_validator_new(&v, S_XSD12, S_XSD11, &err);
    cr_assert_eq(rc, 0, "validator: %s", err.msg);
    return v;
}

/* Parses text with the shipped schemas; returns the code, fills *out. */
static int s_parse_text(const char *text, alert_t **out, alert_error_t *err)
{
    alert_cap_validator_t *v = s_validator();
    int rc = alert_cap_parse(v, text, strlen(text), out, err);
    alert_cap_validator_destroy(&v);
    return rc;
}

Test(alert_cap, usage_earthquake_alert_parses_into_an_alert)
{
    alert_cap_validator_t *v = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_cap_validator_new(&v, S_XSD12, S_XSD11, &err), 0, "%s",
                 err.msg);

    size_t len;
    char *buf = s_example("earthquake.cap", &len);
    alert_t *a = NULL;
    int rc = alert_cap_parse(v, buf, len, &a, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);

    cr_assert_eq(a->source, ALERT_SOURCE_CAP);
    cr_assert_str_eq(a->identifier,
                     "USGS-earthquakes-us2010apcd.6.20100831T000925.496Z");
    cr_assert_str_eq(a->sender,
                     "http://earthquake.usgs.gov/research/monitoring/anss/"
                     "neic/");
    cr_assert_eq(a->sent_ms, INT64_C(1283231365000)); /* 05:09:25Z */
    cr_assert_eq(a->status, ALERT_STATUS_ACTUAL);
    cr_assert_not(a->exercise);
    cr_assert_eq(a->msg_type, ALERT_MSG_ALERT);
    cr_assert_eq(a->hazard, ALERT_HAZARD_EARTHQUAKE);
    cr_assert_str_eq(alert_hazard_name(a->hazard), "earthquake");
    cr_assert_str_eq(a->headline, "EQ 6.3 Neiafu, Tonga - PRELIMINARY REPORT");
    cr_assert_eq(a->n_areas, 1);
    cr_assert_eq(a->areas[0].n_circles, 1);
    cr_assert(a->has_quake && a->quake.has_epicentre);
    cr_assert_float_eq(a->quake.lat, -16.053, 1e-9);
    cr_assert_float_eq(a->quake.lon, -173.274, 1e-9);
    cr_assert_float_eq(a->quake.magnitude, 6.3, 1e-9);
    cr_assert_float_eq(a->quake.depth_km, 38.7, 1e-9);
    cr_assert_eq(alert_activation_check(a, &err), 0, "%s", err.msg);

    alert_destroy(&a);
    alert_destroy(&a);
    cr_assert_null(a);
    free(buf);
    alert_cap_validator_destroy(&v);
    alert_cap_validator_destroy(&v);
    cr_assert_null(v);
}

/* Expected outcome of one example file. */
typedef struct s_case {
    const char *file;      /* name in shared/data/cap/examples */
    int rc;                /* expected return code */
    const char *reason;    /* substring of err.msg (refused) or NULL */
    int line;              /* expected err.line, 0: not checked */
    const char *id;        /* expected identifier (parsed) or NULL */
    alert_hazard_t hazard; /* expected hazard (parsed) */
} s_case_t;

#define S_FEED "not a CAP alert: root element is <feed>"
#define S_RSS "not a CAP alert: root element is <rss>"
#define S_EDXL "not a CAP alert: root element is <EDXLDistribution>"

static const s_case_t s_cases[] = {
    {"amber.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"australia.cap", 0, NULL, 0, "tag:www.rfs.nsw.gov.au2011-10-06:40184",
     ALERT_HAZARD_FIRE},
    {"bushfire_invalid.edxlde", XY_ENOTSUP, S_EDXL, 0, NULL, 0},
    {"bushfire_valid.edxlde", XY_ENOTSUP, S_EDXL, 0, NULL, 0},
    {"canada.cap", 0, NULL, 0, "2.49.0.1.124.6bddbc91.2012",
     ALERT_HAZARD_OTHER},
    {"canada_errors.cap", XY_EINVAL, "references at line 12 is empty", 12, NULL,
     0},
    {"canada_signed.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"canada_signed.cap", 0, NULL, 0, "2.49.0.1.124.f2c83f5f.2013",
     ALERT_HAZARD_OTHER},
    {"earthquake-iso8859-1.cap", 0, NULL, 0,
     "USGS-earthquakes-usB000D5T4.3947362.7.20121014T225304.360Z.0",
     ALERT_HAZARD_EARTHQUAKE},
    {"earthquake.cap", 0, NULL, 0,
     "USGS-earthquakes-us2010apcd.6.20100831T000925.496Z",
     ALERT_HAZARD_EARTHQUAKE},
    {"earthquake_index.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"earthquake_signed.cap", 0, NULL, 0,
     "USGS-earthquakes-nc71635010.28103893.20110906T171538.586Z",
     ALERT_HAZARD_EARTHQUAKE},
    {"empty_weather_index.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"invalid.cap", XY_EINVAL,
     "not a valid CAP alert (schema), line 9: Element "
     "'{urn:oasis:names:tc:emergency:cap:1.2}info': This element is not "
     "expected",
     9, NULL, 0},
    {"invalid.rss", XY_ENOTSUP, S_RSS, 0, NULL, 0},
    {"invalid_element.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"no_entries.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"no_id.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"no_link.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"no_optional_fields.cap", 0, NULL, 0,
     "USGS-earthquakes-us2010apcd.6.20100831T000925.496Z", ALERT_HAZARD_OTHER},
    {"no_title.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"noaa_errors.cap", XY_EINVAL,
     "not a valid CAP alert (schema), line 17: Element "
     "'{urn:oasis:names:tc:emergency:cap:1.1}urgency': [facet "
     "'enumeration'] The value '' is not an element of the set",
     17, NULL, 0},
    {"ny_index.rss", XY_ENOTSUP, S_RSS, 0, NULL, 0},
    {"validator_43b080713727.cap", 0, NULL, 0, "43b080713727",
     ALERT_HAZARD_OTHER},
    {"validator_KAR0-0306112239-SW.cap", 0, NULL, 0, "KAR0-0306112239-SW",
     ALERT_HAZARD_OTHER},
    {"validator_amber.rss", XY_ENOTSUP, S_RSS, 0, NULL, 0},
    {"validator_earthquake.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"validator_thunderstorm.cap", 0, NULL, 0, "KSTO1055887203",
     ALERT_HAZARD_OTHER},
    {"wcatwc-warning.cap", 0, NULL, 0, "PAAQ-2-lqw6d6", ALERT_HAZARD_OTHER},
    {"weather.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"weather.cap", 0, NULL, 0,
     "NOAA-NWS-ALERTS-MT20100830100700TFXFlashFloodWatchTFX20100830180000MT",
     ALERT_HAZARD_FLOOD},
    {"weather_index.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"weather_invalid.atom", XY_ENOTSUP, S_FEED, 0, NULL, 0},
    {"xee.atom", XY_EPERM, "refused at line 3: document has a DOCTYPE", 3, NULL,
     0},
    {"xee.cap", XY_EPERM, "refused at line 3: document has a DOCTYPE", 3, NULL,
     0},
};

#define S_NCASES (sizeof s_cases / sizeof s_cases[0])

Test(alert_cap, every_example_is_parsed_or_refused_with_its_reason)
{
    alert_cap_validator_t *v = s_validator();
    for (size_t i = 0; i < S_NCASES; i++) {
        const s_case_t *c = &s_cases[i];
        size_t len;
        char *buf = s_example(c->file, &len);
        alert_t *a = NULL;
        alert_error_t err = {0};
        int rc = alert_cap_parse(v, buf, len, &a, &err);
        cr_expect_eq(rc, c->rc, "%s: rc %s, want %s (%s)", c->file,
                     xy_errname(rc), xy_errname(c->rc), err.msg);
        if (c->rc == 0 && rc == 0) {
            cr_expect_str_eq(a->identifier, c->id, "%s", c->file);
            cr_expect_eq(a->hazard, c->hazard, "%s: hazard %s", c->file,
                         alert_hazard_name(a->hazard));
            cr_expect_eq(a->status, ALERT_STATUS_ACTUAL, "%s", c->file);
            cr_expect_not(a->exercise, "%s", c->file);
        } else if (c->rc != 0) {
            cr_expect_null(a, "%s", c->file);
            cr_expect_eq(err.code, c->rc, "%s", c->file);
            cr_expect_not_null(strstr(err.msg, c->reason),
                               "%s: message '%s' lacks '%s'", c->file, err.msg,
                               c->reason);
            if (c->line)
                cr_expect_eq(err.line, c->line, "%s: line %d", c->file,
                             err.line);
        }
        alert_destroy(&a);
        free(buf);
    }
    alert_cap_validator_destroy(&v);
}

Test(alert_cap, every_example_file_has_an_expected_outcome)
{
    DIR *d = opendir(S_EXAMPLES);
    cr_assert_not_null(d);
    size_t seen = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        bool found = false;
        for (size_t i = 0; i < S_NCASES && !found; i++)
            found = strcmp(s_cases[i].file, e->d_name) == 0;
        cr_expect(found, "%s has no row in the table", e->d_name);
        seen++;
    }
    closedir(d);
    cr_assert_eq(seen, S_NCASES);
}

Test(alert_cap, exercise_status_yields_an_exercise_alert)
{
    size_t len;
    char *buf = s_example("earthquake.cap", &len);
    char *text =
        s_replace(buf, "<status>Actual</status>", "<status>Exercise</status>");
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(text, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(a->status, ALERT_STATUS_EXERCISE);
    cr_assert(a->exercise);
    cr_assert_eq(a->hazard, ALERT_HAZARD_EARTHQUAKE);
    cr_assert_eq(alert_activation_check(a, &err), 0, "%s", err.msg);
    alert_destroy(&a);
    free(text);
    free(buf);
}

Test(alert_cap, test_system_and_draft_parse_but_never_activate)
{
    static const struct {
        const char *word;
        alert_status_t status;
        const char *reason;
    } rows[] = {
        {"Test", ALERT_STATUS_TEST, "status Test"},
        {"System", ALERT_STATUS_SYSTEM, "status System"},
        {"Draft", ALERT_STATUS_DRAFT, "status Draft"},
    };
    size_t len;
    char *buf = s_example("earthquake.cap", &len);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char status[64];
        snprintf(status, sizeof status, "<status>%s</status>", rows[i].word);
        char *text = s_replace(buf, "<status>Actual</status>", status);
        alert_t *a = NULL;
        alert_error_t err = {0};
        cr_assert_eq(s_parse_text(text, &a, &err), 0, "%s", err.msg);
        cr_expect_eq(a->status, rows[i].status);
        cr_expect_not(a->exercise);
        cr_expect_eq(alert_activation_check(a, &err), XY_EDOMAIN);
        cr_expect_not_null(strstr(err.msg, rows[i].reason), "%s", err.msg);
        alert_destroy(&a);
        free(text);
    }
    free(buf);
}

Test(alert_cap, cancel_and_alert_without_info_do_not_activate)
{
    size_t len;
    char *buf = s_example("earthquake.cap", &len);
    char *text =
        s_replace(buf, "<msgType>Alert</msgType>", "<msgType>Cancel</msgType>");
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(text, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(a->msg_type, ALERT_MSG_CANCEL);
    cr_assert_eq(alert_activation_check(a, &err), XY_EDOMAIN);
    cr_assert_not_null(strstr(err.msg, "msgType Cancel"), "%s", err.msg);
    alert_destroy(&a);
    free(text);
    free(buf);

    buf = s_example("no_optional_fields.cap", &len);
    cr_assert_eq(s_parse_text(buf, &a, &err), 0, "%s", err.msg);
    cr_assert_not(a->has_info);
    cr_assert_eq(alert_activation_check(a, &err), XY_EDOMAIN);
    cr_assert_not_null(strstr(err.msg, "no <info>"), "%s", err.msg);
    alert_destroy(&a);
    free(buf);
}

Test(alert_cap, internal_entity_declaration_is_refused_like_xxe)
{
    static const char *docs[] = {
        "<?xml version=\"1.0\"?>\n<!DOCTYPE alert [\n<!ENTITY a \"b\">\n]>\n"
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"/>",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n"
        "<lolz>&lol2;</lolz>",
        "<!DOCTYPE alert SYSTEM \"file:///etc/passwd\"><alert/>",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        alert_t *a = NULL;
        alert_error_t err = {0};
        cr_expect_eq(s_parse_text(docs[i], &a, &err), XY_EPERM, "doc %zu", i);
        cr_expect_not_null(strstr(err.msg, "DOCTYPE"), "%s", err.msg);
        cr_expect_null(a);
    }
}

Test(alert_cap, xinclude_and_schema_location_are_not_followed)
{
    size_t len;
    char *buf = s_example("xee.cap", &len);
    /* Drop the DOCTYPE (lines 3..11) and the entity references, keeping
     * the XInclude and xsi:schemaLocation elements. */
    const char *start = strstr(buf, "<!DOCTYPE");
    const char *end = strstr(buf, "]>\n") + 3;
    size_t n = (size_t)(end - start);
    char *doctype = xmalloc(n + 1);
    memcpy(doctype, start, n);
    doctype[n] = '\0';
    char *text = s_replace(buf, doctype, "");
    char *p;
    while ((p = strstr(text, "&xxe;")))
        memmove(p, p + 5, strlen(p + 5) + 1);
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(text, &a, &err), XY_EINVAL, "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "cap:1.2}x': This element is not "
                                       "expected"),
                       "%s", err.msg);
    cr_assert_eq(err.line, 4);
    cr_assert_null(a);
    free(text);
    free(doctype);
    free(buf);
}

Test(alert_cap, malformed_xml_is_refused_with_line)
{
    static const char *doc =
        "<?xml version=\"1.0\"?>\n"
        "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
        "<identifier>x</identifer>\n</alert>\n";
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(doc, &a, &err), XY_EPARSE);
    cr_assert_eq(err.line, 3);
    cr_assert_not_null(strstr(err.msg, "malformed XML at line 3"), "%s",
                       err.msg);
    cr_assert_eq(s_parse_text("<alert>&undeclared;</alert>", &a, &err),
                 XY_EPARSE);
    cr_assert_not_null(strstr(err.msg, "undeclared"), "%s", err.msg);
    cr_assert_null(a);
}

Test(alert_cap, input_over_the_size_cap_is_refused)
{
    size_t len = ALERT_CAP_MAX_BYTES + 1;
    char *big = xmalloc(len);
    memset(big, ' ', len);
    alert_cap_validator_t *v = s_validator();
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_cap_parse(v, big, len, &a, &err), XY_ETOOBIG);
    cr_assert_not_null(strstr(err.msg, "over the maximum"), "%s", err.msg);
    cr_assert_null(a);
    alert_cap_validator_destroy(&v);
    free(big);
}

Test(alert_cap, polygon_and_circle_semantics_are_checked)
{
    static const char *good =
        "38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89 "
        "38.47,-120.14";
    static const struct {
        const char *polygon; /* replaces the fixture's polygon */
        int rc;
        const char *reason;
    } rows[] = {
        {"38.47,-120.14 38.34,-119.95 38.52,-119.74 38.62,-119.89", XY_EINVAL,
         "is not closed"},
        {"38.47,-120.14 38.34,-119.95 38.47,-120.14", XY_EINVAL,
         "has 3 points"},
        {"91.0,-120.14 38.34,-119.95 38.52,-119.74 91.0,-120.14", XY_ECOORD,
         "point 91,-120.14 out of range"},
        {"38.47,-190 38.34,-119.95 38.52,-119.74 38.47,-190", XY_ECOORD,
         "out of range"},
        {"38.47;-120.14 38.34,-119.95 38.52,-119.74 38.47;-120.14", XY_EINVAL,
         "is not 'lat,lon'"},
        {"nan,1 38.34,-119.95 38.52,-119.74 nan,1", XY_EINVAL,
         "is not 'lat,lon'"},
    };
    size_t len;
    char *buf = s_example("validator_thunderstorm.cap", &len);
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(buf, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(a->areas[0].n_polygons, 1);
    cr_assert_eq(a->areas[0].polygons[0].n_points, 5);
    cr_assert_float_eq(a->areas[0].polygons[0].points[2].lon, -119.74, 1e-9);
    cr_assert_eq(a->areas[0].n_geocodes, 3);
    cr_assert_str_eq(a->areas[0].geocodes[1].value, "006009");
    alert_destroy(&a);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *text = s_replace(buf, good, rows[i].polygon);
        err = (alert_error_t){0};
        cr_expect_eq(s_parse_text(text, &a, &err), rows[i].rc, "row %zu: %s", i,
                     err.msg);
        cr_expect_not_null(strstr(err.msg, rows[i].reason), "row %zu: %s", i,
                           err.msg);
        cr_expect_gt(err.line, 0);
        cr_expect_null(a);
        free(text);
    }
    free(buf);

    buf = s_example("australia.cap", &len);
    cr_assert_eq(s_parse_text(buf, &a, &err), 0, "%s", err.msg);
    cr_assert_float_eq(a->areas[0].circles[0].radius_km, 25.0, 1e-9);
    alert_destroy(&a);
    char *text = s_replace(buf, "147.0598 25.0", "147.0598 -5");
    cr_assert_eq(s_parse_text(text, &a, &err), XY_EINVAL);
    cr_assert_not_null(strstr(err.msg, "radius -5 km is negative"), "%s",
                       err.msg);
    free(text);
    free(buf);
}

/* A CAP 1.2 alert with one <info> per language given, in that order. */
static char *s_multilingual(const char *const *langs, size_t n)
{
    char *out = xmalloc(4096);
    int k = snprintf(out, 4096,
                     "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">"
                     "<identifier>ml-1</identifier><sender>s</sender>"
                     "<sent>2025-01-07T09:05:16+08:00</sent>"
                     "<status>Actual</status><msgType>Alert</msgType>"
                     "<scope>Public</scope>");
    for (size_t i = 0; i < n; i++)
        k += snprintf(out + k, 4096 - (size_t)k,
                      "<info><language>%s</language><category>Geo"
                      "</category><event>%s</event><urgency>Immediate"
                      "</urgency><severity>Extreme</severity><certainty>"
                      "Observed</certainty><headline>headline %s</headline>"
                      "</info>",
                      langs[i], i % 2 ? "Earthquake" : "地震", langs[i]);
    snprintf(out + k, 4096 - (size_t)k, "</alert>");
    return out;
}

Test(alert_cap, info_is_chosen_zh_cn_then_english_then_first)
{
    static const struct {
        const char *langs[3];
        size_t n;
        const char *want;
    } rows[] = {
        {{"fr-CA", "en-US", "zh-CN"}, 3, "zh-CN"},
        {{"en-US", "zh-TW", "fr-FR"}, 3, "zh-TW"},
        {{"fr-CA", "en-CA", "de-DE"}, 3, "en-CA"},
        {{"fr-CA", "de-DE", "es-ES"}, 3, "fr-CA"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *text = s_multilingual(rows[i].langs, rows[i].n);
        alert_t *a = NULL;
        alert_error_t err = {0};
        cr_assert_eq(s_parse_text(text, &a, &err), 0, "%s", err.msg);
        cr_expect_str_eq(a->language, rows[i].want);
        char headline[64];
        snprintf(headline, sizeof headline, "headline %s", rows[i].want);
        cr_expect_str_eq(a->headline, headline);
        cr_expect_eq(a->hazard, ALERT_HAZARD_EARTHQUAKE);
        cr_expect(a->has_quake && !a->quake.has_epicentre);
        alert_destroy(&a);
        free(text);
    }

    size_t len;
    char *buf = s_example("canada.cap", &len);
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(buf, &a, &err), 0, "%s", err.msg);
    cr_assert_str_eq(a->language, "en-CA");
    cr_assert_str_eq(a->event, "thunderstorm");
    alert_destroy(&a);
    free(buf);
}

Test(alert_cap, iso_8859_1_alert_is_read_as_utf8)
{
    size_t len;
    char *buf = s_example("earthquake-iso8859-1.cap", &len);
    /* A Latin-1 byte (0xE9, é) in the headline must come out as UTF-8. */
    char *text = s_replace(buf, "<headline>", "<headline>Sant\xe9 ");
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(s_parse_text(text, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(strncmp(a->headline, "Sant\xc3\xa9 ", 7), 0, "%s",
                 a->headline);
    cr_assert_float_eq(a->quake.magnitude, 4.6, 1e-9);
    cr_assert_float_eq(a->quake.depth_km, 66.5, 1e-9);
    cr_assert_float_eq(a->quake.lat, 12.747, 1e-9);
    alert_destroy(&a);
    free(text);
    free(buf);
}

Test(alert_cap, cap_1_1_without_its_schema_is_not_supported)
{
    alert_cap_validator_t *v = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_cap_validator_new(&v, S_XSD12, NULL, &err), 0);
    size_t len;
    char *buf = s_example("earthquake.cap", &len);
    alert_t *a = NULL;
    cr_assert_eq(alert_cap_parse(v, buf, len, &a, &err), XY_ENOTSUP);
    cr_assert_not_null(strstr(err.msg, "CAP 1.1"), "%s", err.msg);
    cr_assert_null(a);
    free(buf);
    alert_cap_validator_destroy(&v);
}

Test(alert_cap, schema_that_imports_or_is_missing_is_refused)
{
    alert_cap_validator_t *v = NULL;
    alert_error_t err = {0};
    cr_assert_eq(
        alert_cap_validator_new(&v, "/nonexistent/cap.xsd", NULL, &err),
        XY_ENOENT);
    cr_assert_null(v);

    char path[] = "/tmp/xy_alert_xsd_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    static const char xsd[] =
        "<schema xmlns=\"http://www.w3.org/2001/XMLSchema\">\n"
        "<import namespace=\"http://www.w3.org/2000/09/xmldsig#\""
        " schemaLocation=\"http://www.w3.org/TR/xmldsig-core/xmldsig-core-"
        "schema.xsd\"/>\n</schema>\n";
    FILE *f = fdopen(fd, "w");
    fputs(xsd, f);
    fclose(f);
    int rc = alert_cap_validator_new(&v, path, NULL, &err);
    unlink(path);
    cr_assert_eq(rc, XY_EPERM);
    cr_assert_not_null(strstr(err.msg, "<import> refused"), "%s", err.msg);
    cr_assert_eq(err.line, 2, "%d: %s", err.line, err.msg);
    cr_assert_null(v);
}

Test(alert, iso_8601_times_with_offsets)
{
    static const struct {
        const char *text;
        int rc;
        int64_t ms;
    } rows[] = {
        {"2010-08-31T00:09:25-05:00", 0, INT64_C(1283231365000)},
        {"2010-08-31T05:09:25Z", 0, INT64_C(1283231365000)},
        {"2025-01-07T09:05:16.824+08:00", 0, INT64_C(1736211916824)},
        {"2012-05-02T23:21:04-00:00", 0, INT64_C(1336000864000)},
        {"2000-02-29T00:00:00+00:00", 0, INT64_C(951782400000)},
        {"2001-02-29T00:00:00+00:00", XY_EINVAL, 0},
        {"2010-13-01T00:00:00Z", XY_EINVAL, 0},
        {"2010-08-31T00:09:25", XY_EINVAL, 0},
        {"2010-08-31 00:09:25Z", XY_EINVAL, 0},
        {"2010-08-31T00:09:25+05:00x", XY_EINVAL, 0},
        {"", XY_EINVAL, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t ms = -1;
        int rc = alert_time_parse(rows[i].text, &ms);
        cr_expect_eq(rc, rows[i].rc, "%s", rows[i].text);
        if (!rc)
            cr_expect_eq(ms, rows[i].ms, "%s: %lld", rows[i].text,
                         (long long)ms);
    }
}

Test(alert, hazard_from_category_and_event)
{
    static const struct {
        const char *category, *event;
        alert_hazard_t hazard;
    } rows[] = {
        {"Geo", "Earthquake", ALERT_HAZARD_EARTHQUAKE},
        {"Geo", "地震", ALERT_HAZARD_EARTHQUAKE},
        {"Met", "Flash Flood Watch", ALERT_HAZARD_FLOOD},
        {"Met", "暴雨洪涝", ALERT_HAZARD_FLOOD},
        {"Fire", "Grassfire", ALERT_HAZARD_FIRE},
        {"Fire", "Other", ALERT_HAZARD_FIRE},
        {"Met", "台风红色预警", ALERT_HAZARD_TYPHOON},
        {"Met", "Hurricane Warning", ALERT_HAZARD_TYPHOON},
        {"Geo", "山体滑坡", ALERT_HAZARD_LANDSLIDE},
        {"Geo", "Debris Flow", ALERT_HAZARD_LANDSLIDE},
        {"Geo", "Tsunami Warning", ALERT_HAZARD_OTHER},
        {"Geo", "火山喷发", ALERT_HAZARD_OTHER},
        {"CBRNE", "Gas explosion", ALERT_HAZARD_EXPLOSION},
        {"Met", "thunderstorm", ALERT_HAZARD_OTHER},
        {"Security", NULL, ALERT_HAZARD_OTHER},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cr_expect_eq(alert_hazard_map(rows[i].category, rows[i].event),
                     rows[i].hazard, "%s/%s -> %s", rows[i].category,
                     rows[i].event,
                     alert_hazard_name(
                         alert_hazard_map(rows[i].category, rows[i].event)));
}

Test(alert, long_text_is_cut_at_a_character_boundary)
{
    char dst[8];
    cr_assert_not(alert_copy_text(dst, sizeof dst, "地震地震"));
    cr_assert_str_eq(dst, "地震"); /* 6 bytes; a third would need 9 */
    cr_assert(alert_copy_text(dst, sizeof dst, "abc"));
    cr_assert_str_eq(dst, "abc");
}

Test(alert_usgs, usage_dingri_detail_event_parses)
{
    size_t len;
    char *buf = s_read(S_DINGRI, &len);
    alert_t *a = NULL;
    alert_error_t err = {0};
    int rc = alert_usgs_parse(buf, len, &a, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);

    cr_assert_eq(a->source, ALERT_SOURCE_USGS);
    cr_assert_str_eq(a->identifier, "us6000pi9w");
    cr_assert_str_eq(a->sender, "earthquake.usgs.gov/us");
    cr_assert_eq(a->hazard, ALERT_HAZARD_EARTHQUAKE);
    cr_assert_eq(a->status, ALERT_STATUS_ACTUAL);
    cr_assert_not(a->exercise);
    cr_assert(a->has_quake && a->quake.has_epicentre);
    cr_assert_float_eq(a->quake.magnitude, 7.1, 1e-9);
    cr_assert_float_eq(a->quake.lat, 28.639, 1e-9);
    cr_assert_float_eq(a->quake.lon, 87.3608, 1e-9);
    cr_assert_float_eq(a->quake.depth_km, 10.0, 1e-9);
    cr_assert_eq(a->quake.time_ms, INT64_C(1736211916824));
    cr_assert_eq(a->sent_ms, INT64_C(1736442321636));
    cr_assert_str_eq(a->quake.mag_type, "mww");
    cr_assert_str_eq(a->quake.pager_alert, "red");
    cr_assert_str_eq(a->quake.review_status, "reviewed");
    cr_assert_not(a->quake.tsunami);
    cr_assert_str_eq(a->headline,
                     "M 7.1 - 2025 Southern Tibetan Plateau Earthquake");
    cr_assert_str_eq(a->description,
                     "2025 Southern Tibetan Plateau Earthquake");
    cr_assert_eq(alert_activation_check(a, &err), 0, "%s", err.msg);
    alert_destroy(&a);
    free(buf);
}

/* The Dingri detail document edited by edit, serialised; caller frees. */
static char *s_dingri_edited(void (*edit)(json_t *root))
{
    json_error_t jerr;
    json_t *root = json_load_file(S_DINGRI, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    edit(root);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    cr_assert_not_null(text);
    return text;
}

static json_t *s_props(json_t *root)
{
    return json_object_get(root, "properties");
}

static void s_drop_coordinates(json_t *root)
{
    json_object_del(json_object_get(root, "geometry"), "coordinates");
}

static void s_lat_95(json_t *root)
{
    json_t *c =
        json_object_get(json_object_get(root, "geometry"), "coordinates");
    json_array_set_new(c, 1, json_real(95.0));
}

static void s_lon_200(json_t *root)
{
    json_t *c =
        json_object_get(json_object_get(root, "geometry"), "coordinates");
    json_array_set_new(c, 0, json_real(200.0));
}

static void s_mag_string(json_t *root)
{
    json_object_set_new(s_props(root), "mag", json_string("7.1"));
}

static void s_drop_time(json_t *root)
{
    json_object_del(s_props(root), "time");
}

static void s_blast(json_t *root)
{
    json_object_set_new(s_props(root), "type", json_string("quarry blast"));
}

static void s_drop_id(json_t *root)
{
    json_object_del(root, "id");
}

static void s_drop_title(json_t *root)
{
    json_object_del(s_props(root), "title");
}

Test(alert_usgs, bad_fields_are_refused_naming_the_field)
{
    static const struct {
        void (*edit)(json_t *root);
        int rc;
        const char *reason;
    } rows[] = {
        {s_drop_coordinates, XY_EMISSING, "geometry.coordinates is missing"},
        {s_lat_95, XY_ECOORD, "geometry.coordinates[1] (latitude) 95"},
        {s_lon_200, XY_ECOORD, "geometry.coordinates[0] (longitude) 200"},
        {s_mag_string, XY_EINVAL, "properties.mag"},
        {s_drop_time, XY_EMISSING, "properties.time is missing"},
        {s_blast, XY_EINVAL, "'quarry blast', not an earthquake"},
        {s_drop_id, XY_EMISSING, "id is missing"},
        {s_drop_title, XY_EMISSING, "properties.title is missing"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *text = s_dingri_edited(rows[i].edit);
        alert_t *a = NULL;
        alert_error_t err = {0};
        cr_expect_eq(alert_usgs_parse(text, strlen(text), &a, &err), rows[i].rc,
                     "row %zu: %s", i, err.msg);
        cr_expect_not_null(strstr(err.msg, rows[i].reason),
                           "row %zu: '%s' lacks '%s'", i, err.msg,
                           rows[i].reason);
        cr_expect_null(a);
        free(text);
    }
}

Test(alert_usgs, broken_json_is_refused_with_position)
{
    static const char text[] = "{\"type\": \"Feature\",\n \"id\": }";
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_usgs_parse(text, strlen(text), &a, &err), XY_EPARSE);
    cr_assert_eq(err.line, 2);
    cr_assert_not_null(strstr(err.msg, "not JSON"), "%s", err.msg);
    cr_assert_null(a);

    size_t len;
    char *buf = s_read(S_DINGRI, &len);
    cr_assert_eq(alert_usgs_parse(buf, len / 2, &a, &err), XY_EPARSE);
    cr_assert_null(a);
    free(buf);
}

Test(alert_usgs, feature_collection_of_one_event_is_accepted)
{
    size_t len;
    char *buf = s_read(S_DINGRI, &len);
    size_t cap = len + 128;
    char *text = xmalloc(cap);
    snprintf(text, cap,
             "{\"type\":\"FeatureCollection\",\"metadata\":{},"
             "\"features\":[%s]}",
             buf);
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_usgs_parse(text, strlen(text), &a, &err), 0, "%s",
                 err.msg);
    cr_assert_str_eq(a->identifier, "us6000pi9w");
    cr_assert_float_eq(a->quake.magnitude, 7.1, 1e-9);
    alert_destroy(&a);

    snprintf(text, cap, "{\"type\":\"FeatureCollection\",\"features\":[%s,%s]}",
             "{}", "{}");
    cr_assert_eq(alert_usgs_parse(text, strlen(text), &a, &err), XY_EINVAL);
    cr_assert_not_null(strstr(err.msg, "holds 2 events"), "%s", err.msg);
    cr_assert_null(a);
    free(text);
    free(buf);
}

static void s_deleted(json_t *root)
{
    json_object_set_new(s_props(root), "status", json_string("deleted"));
}

Test(alert_usgs, deleted_event_parses_but_does_not_activate)
{
    char *text = s_dingri_edited(s_deleted);
    alert_t *a = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_usgs_parse(text, strlen(text), &a, &err), 0, "%s",
                 err.msg);
    cr_assert_eq(alert_activation_check(a, &err), XY_EDOMAIN);
    cr_assert_not_null(strstr(err.msg, "deleted"), "%s", err.msg);
    alert_destroy(&a);
    free(text);
}

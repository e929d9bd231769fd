/* Tests of activation (domain/activation.h): alerts (every shared CAP
 * example, the Dingri USGS event) and drawn areas turned into a footprint
 * source and an IncidentDeclared event, held incidents read back for a
 * re-run, the commander's level, and every refusal with its reason. */
#include "common/xy_error.h"
#include "core/event_log.h"
#include "domain/activation.h"
#include "domain/alert_cap.h"
#include "domain/alert_usgs.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_EXAMPLES XY_SHARED_DATA "/cap/examples"
#define S_DINGRI                                                               \
    XY_SHARED_DATA "/quake/usgs_us6000pi9w_dingri2025_detail.geojson"

static alert_cap_validator_t *val;

static void setup(void)
{
    alert_error_t err = {0};
    cr_assert_eq(alert_cap_validator_new(&val, XY_DATA_DIR "/cap/CAP-v1.2.xsd",
                                         XY_DATA_DIR "/cap/CAP-v1.1.xsd",
                                         &err), 0, "%s", err.msg);
}

static void teardown(void)
{
    alert_cap_validator_destroy(&val);
}

TestSuite(activation, .init = setup, .fini = teardown, .timeout = 60);

static char *s_file(const char *path, size_t *len)
{
    char *buf = NULL;
    alert_error_t err = {0};
    cr_assert_eq(alert_cap_read_file(path, 4 * 1024 * 1024, &buf, len, &err),
                 0, "%s", err.msg);
    return buf;
}

/* Parses CAP text, replacing `from` by `to` first when given. */
static int s_cap(const char *path, const char *from, const char *to,
                 alert_t **out, alert_error_t *err)
{
    size_t len = 0;
    char *buf = s_file(path, &len);
    char text[65536];
    cr_assert_lt(len, sizeof text - 256);
    memcpy(text, buf, len + 1);
    free(buf);
    if (from) {
        char *at = strstr(text, from);
        cr_assert_not_null(at, "%s not in %s", from, path);
        size_t fl = strlen(from), tl = strlen(to);
        memmove(at + tl, at + fl, strlen(at + fl) + 1);
        memcpy(at, to, tl);
    }
    return alert_cap_parse(val, text, strlen(text), out, err);
}

Test(activation, usage_a_usgs_event_opens_an_earthquake_incident)
{
    size_t len = 0;
    char *buf = s_file(S_DINGRI, &len);
    alert_t *a = NULL;
    alert_error_t aerr = {0};
    cr_assert_eq(alert_usgs_parse(buf, len, &a, &aerr), 0, "%s", aerr.msg);
    free(buf);
    activation_t act;
    activation_opts_t o = {NAN, 187, false};
    domain_error_t err = {0};
    cr_assert_eq(activation_from_alert(&act, a, &o, &err), 0, "%s", err.msg);
    alert_destroy(&a);
    cr_assert_eq(act.kind, ACTIVATION_QUAKE);
    cr_assert_eq(act.hazard, XY__HAZARD_TYPE__HAZARD_EARTHQUAKE);
    cr_assert_float_eq(act.magnitude, 7.1, 1e-9); /* as given: Mww */
    cr_assert_float_eq(act.lat, 28.639, 1e-9);
    cr_assert_float_eq(act.lon, 87.3608, 1e-9);
    cr_assert_float_eq(act.strike_deg, 187, 1e-9);
    cr_assert_str_eq(act.source, "usgs");
    cr_assert_str_eq(act.source_ref, "us6000pi9w");
    cr_assert_not(act.exercise);
    cr_assert_eq(act.started_at, 1736211916824ull); /* origin time */

    /* The event it declares carries everything a re-run needs. */
    activation_event_t e;
    domain_id_t id = {{1}};
    cr_assert_eq(activation_declare(&e, &act, &id, 2, "cmd", 5, &err), 0);
    const Xy__IncidentDeclared *b = &e.de.body.incident_declared;
    cr_assert_str_eq(b->source, "usgs");
    cr_assert_str_eq(b->source_ref, "us6000pi9w");
    cr_assert_float_eq(b->strike_deg, 187, 1e-9);
    cr_assert_float_eq(b->magnitude, 7.1, 1e-9);
    cr_assert_eq(b->level, XY__RESPONSE_LEVEL__LEVEL_II);
    cr_assert_float_eq(b->epicentre->lat, 28.639, 1e-9);
    activation_clear(&act);
}

Test(activation, the_ms_option_replaces_the_alert_magnitude)
{
    size_t len = 0;
    char *buf = s_file(S_DINGRI, &len);
    alert_t *a = NULL;
    cr_assert_eq(alert_usgs_parse(buf, len, &a, NULL), 0);
    free(buf);
    activation_t act;
    activation_opts_t o = {6.8, NAN, true};
    cr_assert_eq(activation_from_alert(&act, a, &o, NULL), 0);
    cr_assert_float_eq(act.magnitude, 6.8, 1e-9);
    cr_assert(isnan(act.strike_deg));
    cr_assert(act.exercise);
    o.ms = 9.5;
    domain_error_t err = {0};
    cr_assert_eq(activation_from_alert(&act, a, &o, &err), XY_ERANGE);
    cr_assert_str_eq(err.field, "ms");
    alert_destroy(&a);
}

Test(activation, cap_earthquake_and_its_exercise_variant)
{
    alert_t *a = NULL;
    alert_error_t aerr = {0};
    cr_assert_eq(s_cap(S_EXAMPLES "/earthquake.cap", NULL, NULL, &a, &aerr),
                 0, "%s", aerr.msg);
    activation_t act;
    domain_error_t err = {0};
    cr_assert_eq(activation_from_alert(&act, a, NULL, &err), 0, "%s",
                 err.msg);
    alert_destroy(&a);
    cr_assert_eq(act.kind, ACTIVATION_QUAKE);
    cr_assert_float_eq(act.magnitude, 6.3, 1e-9);
    cr_assert_float_eq(act.lat, -16.053, 1e-9);
    cr_assert_float_eq(act.depth_km, 38.7, 1e-9);
    cr_assert_str_eq(act.source, "cap");
    cr_assert_not(act.exercise);
    /* Tonga is outside the data: no footprint, a clear reason. */
    geo_quake_model_t *qm = NULL;
    char gerr[256];
    cr_assert_eq(geo_quake_model_load(&qm, GEO_QUAKE_COEF_PATH,
                                      GEO_QUAKE_PROVINCES_PATH, gerr,
                                      sizeof gerr), 0, "%s", gerr);
    geo_footprint_t *fp = NULL;
    cr_assert_eq(activation_footprint(&act, qm, &fp, &err), XY_EOUTSIDE);
    cr_assert_null(fp);
    cr_assert_not_null(strstr(err.msg, "outside the data"), "%s", err.msg);
    activation_clear(&act);

    cr_assert_eq(s_cap(S_EXAMPLES "/earthquake.cap",
                       "<status>Actual</status>",
                       "<status>Exercise</status>", &a, &aerr), 0, "%s",
                 aerr.msg);
    cr_assert_eq(activation_from_alert(&act, a, NULL, &err), 0, "%s",
                 err.msg);
    cr_assert(act.exercise);
    alert_destroy(&a);
    /* Moved to Dingri, the exercise incident gets a footprint. */
    act.lat = 28.639;
    act.lon = 87.3608;
    cr_assert_eq(activation_footprint(&act, qm, &fp, &err), 0, "%s", err.msg);
    cr_assert_gt(geo_footprint_count(fp), 0);
    geo_footprint_destroy(&fp);
    geo_quake_model_destroy(&qm);
    activation_clear(&act);
}

Test(activation, test_system_and_draft_alerts_never_activate)
{
    static const char *const status[] = {"Test", "System", "Draft"};
    for (size_t i = 0; i < 3; i++) {
        char to[64];
        snprintf(to, sizeof to, "<status>%s</status>", status[i]);
        alert_t *a = NULL;
        alert_error_t aerr = {0};
        cr_assert_eq(s_cap(S_EXAMPLES "/earthquake.cap",
                           "<status>Actual</status>", to, &a, &aerr), 0,
                     "%s", aerr.msg);
        activation_t act;
        domain_error_t err = {0};
        cr_assert_eq(activation_from_alert(&act, a, NULL, &err), XY_EDOMAIN);
        cr_assert_not_null(strstr(err.msg, status[i]), "%s", err.msg);
        alert_destroy(&a);
    }
}

/* Every CAP example of the shared data: parsed and activated, or refused
 * with its reason. */
Test(activation, every_cap_example_is_activated_or_refused_with_its_reason)
{
    static const struct {
        const char *file;
        int parse;      /* alert_cap_parse */
        int activate;   /* activation_from_alert, when parsed */
        int kind;       /* activation kind when activated */
        const char *says; /* in the refusal */
    } cases[] = {
        {"australia.cap", 0, 0, ACTIVATION_RINGS, NULL},
        {"canada.cap", 0, 0, ACTIVATION_POLYGON, NULL},
        {"canada_errors.cap", XY_EINVAL, 0, 0, "references"},
        {"canada_signed.cap", 0, 0, ACTIVATION_POLYGON, NULL},
        {"earthquake-iso8859-1.cap", 0, 0, ACTIVATION_QUAKE, NULL},
        {"earthquake.cap", 0, 0, ACTIVATION_QUAKE, NULL},
        {"earthquake_signed.cap", 0, 0, ACTIVATION_QUAKE, NULL},
        {"invalid.cap", XY_EINVAL, 0, 0, "scope"},
        {"no_optional_fields.cap", 0, XY_EDOMAIN, 0, "info"},
        {"noaa_errors.cap", XY_EINVAL, 0, 0, "urgency"},
        {"validator_43b080713727.cap", 0, XY_EDOMAIN, 0, "no polygon"},
        {"validator_KAR0-0306112239-SW.cap", 0, XY_EDOMAIN, 0, "no polygon"},
        {"validator_thunderstorm.cap", 0, 0, ACTIVATION_POLYGON, NULL},
        {"wcatwc-warning.cap", 0, XY_EDOMAIN, 0, "no polygon"},
        {"weather.cap", 0, XY_EDOMAIN, 0, "no polygon"},
        {"xee.cap", XY_EPERM, 0, 0, "DOCTYPE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", S_EXAMPLES, cases[i].file);
        alert_t *a = NULL;
        alert_error_t aerr = {0};
        size_t len = 0;
        char *buf = s_file(path, &len);
        int rc = alert_cap_parse(val, buf, len, &a, &aerr);
        free(buf);
        cr_assert_eq(rc, cases[i].parse, "%s: %d %s", cases[i].file, rc,
                     aerr.msg);
        if (rc) {
            cr_assert_not_null(strstr(aerr.msg, cases[i].says), "%s: %s",
                               cases[i].file, aerr.msg);
            continue;
        }
        activation_t act;
        domain_error_t err = {0};
        rc = activation_from_alert(&act, a, NULL, &err);
        alert_destroy(&a);
        cr_assert_eq(rc, cases[i].activate, "%s: %d %s", cases[i].file, rc,
                     err.msg);
        if (rc) {
            cr_assert_not_null(strstr(err.msg, cases[i].says), "%s: %s",
                               cases[i].file, err.msg);
            continue;
        }
        cr_assert_eq((int)act.kind, cases[i].kind, "%s", cases[i].file);
        cr_assert_str_eq(act.source, "cap");
        activation_clear(&act);
    }
}

Test(activation, the_xxe_samples_are_refused_before_anything_is_resolved)
{
    alert_t *a = NULL;
    alert_error_t aerr = {0};
    size_t len = 0;
    char *buf = s_file(S_EXAMPLES "/xee.cap", &len);
    cr_assert_eq(alert_cap_parse(val, buf, len, &a, &aerr), XY_EPERM);
    free(buf);
    cr_assert_null(a);
    cr_assert_not_null(strstr(aerr.msg, "XXE"), "%s", aerr.msg);
    buf = s_file(S_EXAMPLES "/xee.atom", &len);
    cr_assert_eq(alert_cap_parse(val, buf, len, &a, &aerr), XY_EPERM);
    free(buf);
    cr_assert_null(a);
}

Test(activation, bad_drawn_areas_are_refused_with_the_reason)
{
    activation_t act;
    domain_error_t err = {0};
    const char *bowtie = "{\"type\":\"Polygon\",\"coordinates\":[[[100,30],"
                         "[101,31],[101,30],[100,31],[100,30]]]}";
    cr_assert_eq(activation_polygon(&act, "flood", "Bowtie", bowtie,
                                    strlen(bowtie), &err), 0);
    geo_footprint_t *fp = NULL;
    cr_assert_eq(activation_footprint(&act, NULL, &fp, &err), XY_EGEOM);
    cr_assert_not_null(strstr(err.msg, "Self-intersection"), "%s", err.msg);
    activation_clear(&act);

    const char *far = "{\"type\":\"Polygon\",\"coordinates\":[[[100,30],"
                      "[101,95],[101,30],[100,30]]]}";
    cr_assert_eq(activation_polygon(&act, "flood", "Far", far, strlen(far),
                                    &err), 0);
    cr_assert_eq(activation_footprint(&act, NULL, &fp, &err), XY_ECOORD);
    activation_clear(&act);

    double r = 10;
    cr_assert_eq(activation_rings(&act, "flood", "t", 95, 100, &r, 1, &err),
                 XY_ECOORD);
    cr_assert_str_eq(err.field, "point");
    cr_assert_eq(activation_rings(&act, "lava", "t", 30, 100, &r, 1, &err),
                 XY_EINVAL);
    cr_assert_not_null(strstr(err.msg, "unknown hazard 'lava'"));
    cr_assert_eq(activation_rings(&act, "flood", "", 30, 100, &r, 1, &err),
                 XY_EINVAL);
    cr_assert_str_eq(err.field, "title");
}

static domain_model_t *m;
static activation_t s_back;
static domain_error_t s_err;
static int s_read_back(view_txn_t *vt, void *arg)
{
    return activation_from_incident(vt, m, arg, &s_back, &s_err);
}

Test(activation, a_held_incident_gives_back_its_footprint_source)
{
    char *dir = xy_test_mkdtemp();
    m = domain_model_new();
    uint8_t node[XY_ID_LEN];
    xy_test_id(node, 1);
    event_log_t *log = NULL;
    event_log_opts_t o = {.views = m->views};
    cr_assert_eq(event_log_open(&log, dir, node, &o), 0);

    activation_t act;
    const double radii[] = {2, 5, 12};
    cr_assert_eq(activation_rings(&act, "explosion", "Plant blast", 31.2,
                                  121.5, radii, 3, NULL), 0);
    act.exercise = true;
    activation_event_t e;
    domain_id_t id = {{9}};
    cr_assert_eq(activation_declare(&e, &act, &id, 3, "cmd", 1000, NULL), 0);
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &e.de.ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);

    cr_assert_eq(event_log_view_read(log, s_read_back, &id), 0, "%s",
                 s_err.msg);
    cr_assert_eq(s_back.kind, ACTIVATION_RINGS);
    cr_assert_eq(s_back.n_radii, 3);
    cr_assert_float_eq(s_back.radii_km[2], 12, 1e-9);
    cr_assert_float_eq(s_back.lat, 31.2, 1e-9);
    cr_assert_str_eq(s_back.title, "Plant blast");
    cr_assert(s_back.exercise);
    activation_clear(&s_back);

    domain_id_t none = {{8}};
    cr_assert_eq(event_log_view_read(log, s_read_back, &none), XY_ENOENT);

    domain_event_t de;
    domain_error_t err = {0};
    cr_assert_eq(activation_level_set(&de, &id, "V", "x", true, "cmd", &err),
                 XY_EINVAL);
    cr_assert_str_eq(err.field, "level");
    cr_assert_eq(activation_level_set(&de, &id, "II", "", true, "cmd", &err),
                 XY_EINVAL);
    cr_assert_str_eq(err.field, "reason");
    cr_assert_eq(activation_level_set(&de, &id, "II", "casualties rising",
                                      true, "cmd", &err), 0);
    cr_assert_eq(de.body.incident_level_set.level,
                 XY__RESPONSE_LEVEL__LEVEL_II);
    cr_assert(de.ev.exercise);
    event_log_destroy(&log);
    domain_model_destroy(&m);
    xy_test_rmdir(&dir);
}

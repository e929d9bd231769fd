/* Tests of impact assessment (domain/assessment.h, domain/assess_params.h)
 * with real data: the 2025-01-07 Dingri earthquake from its USGS event
 * file over the 2,990-county layer, field counts read from a real event
 * log, the published assessment in the views, and refusals. */
#include "common/xy_error.h"
#include "core/event_log.h"
#include "domain/activation.h"
#include "domain/alert_cap.h"
#include "domain/alert_usgs.h"
#include "domain/assessment.h"
#include "domain/person.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_DINGRI                                                               \
    XY_SHARED_DATA "/quake/usgs_us6000pi9w_dingri2025_detail.geojson"

static geo_layer_t *layer;
static geo_quake_model_t *qm;
static assess_params_t params;
static const domain_id_t inc = {{0x11, 0x22, 0x33}};

static void setup(void)
{
    char err[256] = "";
    cr_assert_eq(geo_layer_load(&layer, GEO_LAYER_COUNTIES_PATH, err,
                                sizeof err), 0, "%s", err);
    cr_assert_eq(geo_quake_model_load(&qm, GEO_QUAKE_COEF_PATH,
                                      GEO_QUAKE_PROVINCES_PATH, err,
                                      sizeof err), 0, "%s", err);
    assess_params_default(&params);
}

static void teardown(void)
{
    geo_layer_destroy(&layer);
    geo_quake_model_destroy(&qm);
}

TestSuite(assessment, .init = setup, .fini = teardown, .timeout = 120);

/* The Dingri activation from the USGS file; ms NAN: as given (Mw 7.1). */
static void s_dingri_activation(activation_t *act, double ms)
{
    char *buf = NULL;
    size_t len = 0;
    alert_error_t aerr = {0};
    cr_assert_eq(alert_cap_read_file(S_DINGRI, ALERT_USGS_MAX_BYTES, &buf,
                                     &len, &aerr), 0, "%s", aerr.msg);
    alert_t *a = NULL;
    cr_assert_eq(alert_usgs_parse(buf, len, &a, &aerr), 0, "%s", aerr.msg);
    free(buf);
    activation_opts_t o = {ms, NAN, false};
    domain_error_t err = {0};
    cr_assert_eq(activation_from_alert(act, a, &o, &err), 0, "%s", err.msg);
    alert_destroy(&a);
}

static assessment_t *s_assess(const activation_t *act,
                              const assessment_field_t *field)
{
    geo_footprint_t *fp = NULL;
    domain_error_t err = {0};
    cr_assert_eq(activation_footprint(act, qm, &fp, &err), 0, "%s", err.msg);
    assessment_input_t in = {&inc, act->hazard,
                             act->kind == ACTIVATION_QUAKE ? act->magnitude
                                                           : 0};
    assessment_t *a = NULL;
    int rc = assessment_compute(&a, &in, layer, fp, &params, field, &err);
    geo_footprint_destroy(&fp);
    cr_assert_eq(rc, 0, "%s: %s", err.field, err.msg);
    return a;
}

static const assessment_zone_t *s_find(const assessment_t *a,
                                       const char *name, int level)
{
    for (size_t i = 0; i < assessment_zone_count(a); i++) {
        const assessment_zone_t *z = assessment_zone(a, i);
        if (strcmp(z->name, name) == 0 && z->level == level)
            return z;
    }
    return NULL;
}

Test(assessment, usage_dingri_2025_from_the_usgs_event)
{
    activation_t act;
    s_dingri_activation(&act, NAN);
    assessment_t *a = s_assess(&act, NULL);

    /* 定日县 holds the epicentre and the top band, IX (I0 = 9.3 at M 7.1). */
    int top = 0;
    for (size_t i = 0; i < assessment_zone_count(a); i++)
        if (assessment_zone(a, i)->level > top)
            top = assessment_zone(a, i)->level;
    cr_assert_eq(top, 9);
    const assessment_zone_t *dingri = s_find(a, "定日县", top);
    cr_assert_not_null(dingri);
    cr_assert_eq(dingri->county_code, 540223);
    cr_assert_not_null(s_find(a, "拉孜县", 7));

    /* Every affected county is in Tibet (codes 54xxxx). */
    for (size_t i = 0; i < assessment_zone_count(a); i++)
        cr_assert_eq(assessment_zone(a, i)->county_code / 10000, 54, "%s",
                     assessment_zone(a, i)->name);

    /* Mw 7.1 used as given, in a sparsely populated area (定日县 4.2
     * people/km², the densest county of bands IX and VIII is under 20):
     * one level below the populous rule's I, i.e. II. */
    cr_assert_eq(assessment_level(a), 2, "%s",
                 assessment_level_reason(a, false));
    cr_assert_not_null(strstr(assessment_level_reason(a, false),
                              "sparsely populated"));

    /* Tiers never exceed the people, needs are positive, ranks descend. */
    const assessment_totals_t *t = assessment_totals(a);
    uint64_t sum = 0;
    for (int k = 0; k < ASSESS_TIERS; k++)
        sum += t->tiers[k];
    cr_assert_leq((double)sum, t->population + ASSESS_TIERS);
    cr_assert_gt(t->population, 50000);
    cr_assert_lt(t->population, 600000);
    cr_assert_gt(t->tiers[ASSESS_TIER_A], 0);
    cr_assert_gt(t->workers, 0);
    cr_assert_gt(t->team_days, 0);
    cr_assert_gt(t->psychiatrists, 0);
    for (size_t i = 1; i < assessment_zone_count(a); i++)
        cr_assert_geq(assessment_zone(a, i - 1)->priority,
                      assessment_zone(a, i)->priority);
    assessment_destroy(&a);
    activation_clear(&act);
}

Test(assessment, dingri_with_the_cenc_surface_wave_magnitude_proposes_iii)
{
    activation_t act;
    s_dingri_activation(&act, 6.8);
    cr_assert_float_eq(act.magnitude, 6.8, 1e-9);
    assessment_t *a = s_assess(&act, NULL);
    cr_assert_eq(assessment_level(a), 3, "%s",
                 assessment_level_reason(a, false));
    cr_assert_not_null(s_find(a, "定日县", 9));
    assessment_destroy(&a);
    activation_clear(&act);
}

Test(assessment, field_counts_raise_tiers_and_zone_ids_stay_the_same)
{
    activation_t act;
    s_dingri_activation(&act, NAN);
    assessment_t *a1 = s_assess(&act, NULL);
    const assessment_zone_t *z1 = s_find(a1, "定日县", 9);
    cr_assert_not_null(z1);
    domain_id_t want;
    assessment_zone_id(&want, &inc, 540223, 9);
    cr_assert_arr_eq(z1->id.b, want.b, DOMAIN_ID_LEN);

    assessment_field_t *f = assessment_field_new();
    uint64_t a_est = z1->tiers[ASSESS_TIER_A];
    assessment_field_add(f, &z1->id, ASSESS_TIER_A, a_est + 250);
    assessment_field_add(f, &z1->id, ASSESS_TIER_B, 1); /* below estimate */
    assessment_t *a2 = s_assess(&act, f);
    const assessment_zone_t *z2 = s_find(a2, "定日县", 9);
    cr_assert_arr_eq(z2->id.b, z1->id.b, DOMAIN_ID_LEN);
    cr_assert_eq(z2->tiers[ASSESS_TIER_A], a_est + 250);
    cr_assert_eq(z2->field[ASSESS_TIER_A], a_est + 250);
    cr_assert_eq(z2->estimate[ASSESS_TIER_A], a_est);
    cr_assert_eq(z2->tiers[ASSESS_TIER_B], z1->tiers[ASSESS_TIER_B]);
    cr_assert_gt(z2->workers, z1->workers);
    cr_assert_eq(assessment_totals(a2)->tiers[ASSESS_TIER_A],
                 assessment_totals(a1)->tiers[ASSESS_TIER_A] + 250);
    /* Same zones, same ids: a re-run keeps every id. */
    cr_assert_eq(assessment_zone_count(a2), assessment_zone_count(a1));
    for (size_t i = 0; i < assessment_zone_count(a1); i++) {
        const assessment_zone_t *x = assessment_zone(a1, i);
        const assessment_zone_t *y = s_find(a2, x->name, x->level);
        cr_assert_not_null(y);
        cr_assert_arr_eq(x->id.b, y->id.b, DOMAIN_ID_LEN);
    }
    assessment_field_destroy(&f);
    assessment_destroy(&a1);
    assessment_destroy(&a2);
    activation_clear(&act);
}

/* An event log with the model's views, for the stored-assessment tests. */
static char *dir;
static domain_model_t *m;
static event_log_t *log_;

static void s_open_log(void)
{
    dir = xy_test_mkdtemp();
    m = domain_model_new();
    uint8_t node[XY_ID_LEN];
    xy_test_id(node, 1);
    event_log_opts_t o = {.views = m->views};
    cr_assert_eq(event_log_open(&log_, dir, node, &o), 0);
}

static void s_close_log(void)
{
    event_log_destroy(&log_);
    domain_model_destroy(&m);
    xy_test_rmdir(&dir);
}

static void s_write(Xy__Event *ev)
{
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    cr_assert_eq(event_log_write(log_, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
}

static assessment_t *s_latest;
static int s_read_latest(view_txn_t *vt, void *arg)
{
    (void)arg;
    return assessment_latest(vt, m, &inc, &s_latest);
}

static assessment_field_t *s_field;
static int s_read_field(view_txn_t *vt, void *arg)
{
    (void)arg;
    return assessment_field_read(vt, m, &inc, &s_field);
}

Test(assessment, published_assessment_reaches_the_view_with_its_revision)
{
    s_open_log();
    activation_t act;
    s_dingri_activation(&act, NAN);
    assessment_t *a = s_assess(&act, NULL);
    cr_assert_eq(event_log_view_read(log_, s_read_latest, NULL), XY_ENOENT);
    for (uint32_t rev = 1; rev <= 2; rev++) {
        assessment_event_t *e = NULL;
        domain_id_t aid = {{(uint8_t)rev}};
        /* The second revision as a drill's: the flag is read back. */
        assessment_publish(&e, a, &inc, &aid, rev, rev == 2, "commander");
        s_write(&e->ev);
        assessment_event_destroy(&e);
        cr_assert_eq(event_log_view_read(log_, s_read_latest, NULL), 0);
        cr_assert_eq(assessment_revision(s_latest), rev);
        cr_assert_eq(assessment_zone_count(s_latest), assessment_zone_count(a));
        cr_assert_eq(assessment_level(s_latest), assessment_level(a));
        const assessment_zone_t *x = assessment_zone(a, 0);
        const assessment_zone_t *y = assessment_zone(s_latest, 0);
        cr_assert_arr_eq(x->id.b, y->id.b, DOMAIN_ID_LEN);
        cr_assert_str_eq(y->name, x->name);
        cr_assert_eq(y->level, x->level);
        cr_assert_arr_eq(y->tiers, x->tiers, sizeof x->tiers);
        cr_assert_eq(y->workers, x->workers);
        cr_assert_eq(assessment_totals(s_latest)->workers,
                     assessment_totals(a)->workers);
        json_t *j = assessment_json(s_latest, 3);
        cr_assert_eq(json_array_size(json_object_get(j, "zones")), 3);
        cr_assert_eq(json_integer_value(json_object_get(j, "revision")), rev);
        cr_assert_eq(json_is_true(json_object_get(j, "exercise")), rev == 2);
        json_decref(j);
        assessment_destroy(&s_latest);
    }
    assessment_destroy(&a);
    activation_clear(&act);
    s_close_log();
}

Test(assessment, field_counts_come_from_persons_registered_in_zones)
{
    s_open_log();
    domain_id_t zone, other;
    assessment_zone_id(&zone, &inc, 540223, 9);
    assessment_zone_id(&other, &inc, 540225, 7);
    const struct {
        const domain_id_t *zone;
        const char *vuln;
    } people[] = {{&zone, "bereaved"}, {&zone, NULL}, {&zone, "child"},
                  {&other, NULL}, {NULL, NULL}};
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
        person_input_t pi = {.incident = &inc, .age_band = 30,
                             .vulnerability = people[i].vuln,
                             .site = "Shelter", .zone = people[i].zone,
                             .author = "w1"};
        domain_id_t pid = {{0x50, (uint8_t)i}};
        domain_event_t de;
        domain_error_t err = {0};
        cr_assert_eq(person_register(&de, &pid, &pi, &err), 0, "%s", err.msg);
        s_write(&de.ev);
    }
    cr_assert_eq(event_log_view_read(log_, s_read_field, NULL), 0);
    /* The bereaved person counts in A, the other two in B. */
    cr_assert_eq(assessment_field_get(s_field, &zone, ASSESS_TIER_A), 1);
    cr_assert_eq(assessment_field_get(s_field, &zone, ASSESS_TIER_B), 2);
    cr_assert_eq(assessment_field_get(s_field, &other, ASSESS_TIER_B), 1);
    cr_assert_eq(assessment_field_get(s_field, &other, ASSESS_TIER_A), 0);
    assessment_field_destroy(&s_field);
    s_close_log();
}

Test(assessment, a_small_earthquake_below_intensity_vi_has_nothing_to_assess)
{
    activation_t act;
    domain_error_t err = {0};
    double r = 10;
    cr_assert_eq(activation_rings(&act, "flood", "t", 0, 0, &r, 1, &err), 0);
    act.kind = ACTIVATION_QUAKE;
    act.lat = 28.639;
    act.lon = 87.3608;
    act.magnitude = 4.0; /* I0 below VI in Qinghai-Tibet */
    geo_footprint_t *fp = NULL;
    cr_assert_eq(activation_footprint(&act, qm, &fp, &err), 0, "%s", err.msg);
    assessment_input_t in = {&inc, XY__HAZARD_TYPE__HAZARD_EARTHQUAKE, 4.0};
    assessment_t *a = NULL;
    cr_assert_eq(assessment_compute(&a, &in, layer, fp, &params, NULL, &err),
                 XY_EDOMAIN);
    cr_assert_null(a);
    cr_assert_not_null(strstr(err.msg, "intensity VI"));
    geo_footprint_destroy(&fp);
}

Test(assessment, rings_around_a_city_are_levelled_by_people_exposed)
{
    activation_t act;
    domain_error_t err = {0};
    const double radii[] = {3, 10};
    cr_assert_eq(activation_rings(&act, "explosion", "Chengdu blast", 30.66,
                                  104.06, radii, 2, &err), 0, "%s", err.msg);
    assessment_t *a = s_assess(&act, NULL);
    double n = assessment_totals(a)->population;
    int want = n >= 1e6 ? 1 : n >= 3e5 ? 2 : n >= 1e5 ? 3 : 4;
    cr_assert_gt(n, 100000, "%.0f", n);
    cr_assert_eq(assessment_level(a), want, "%s",
                 assessment_level_reason(a, false));
    /* Ring 1 uses the inner rates: A = 2% of its people. */
    const assessment_zone_t *z = NULL;
    for (size_t i = 0; i < assessment_zone_count(a) && !z; i++)
        if (assessment_zone(a, i)->level == 1)
            z = assessment_zone(a, i);
    cr_assert_not_null(z);
    cr_assert_eq(z->tiers[ASSESS_TIER_A],
                 (uint64_t)llround(z->population * 0.02));
    assessment_destroy(&a);
    activation_clear(&act);
}

Test(assessment, a_drawn_area_outside_the_data_is_refused)
{
    activation_t act;
    domain_error_t err = {0};
    const char *sea = "{\"type\":\"Polygon\",\"coordinates\":[[[150,-30],"
                      "[151,-30],[151,-29],[150,-29],[150,-30]]]}";
    cr_assert_eq(activation_polygon(&act, "flood", "t", sea, strlen(sea),
                                    &err), 0);
    geo_footprint_t *fp = NULL;
    cr_assert_eq(activation_footprint(&act, qm, &fp, &err), 0, "%s", err.msg);
    assessment_input_t in = {&inc, act.hazard, 0};
    assessment_t *a = NULL;
    cr_assert_eq(assessment_compute(&a, &in, layer, fp, &params, NULL, &err),
                 XY_EOUTSIDE);
    cr_assert_not_null(strstr(err.msg, "no county"));
    geo_footprint_destroy(&fp);
    activation_clear(&act);
}

Test(assessment, parameters_file_replaces_defaults_and_names_its_version)
{
    const char *text = "{\"version\": \"sichuan-2025\", \"people_per_worker\":"
                       " [10, 40, 200, 500, 5000], \"quake_tier_rates\": "
                       "{\"IX\": [0.03, 0.3, 0.06, 0.3, 0.3]}}";
    domain_error_t err = {0};
    cr_assert_eq(assess_params_parse(&params, text, strlen(text), &err), 0,
                 "%s", err.msg);
    cr_assert_str_eq(params.version, "sichuan-2025");
    cr_assert_float_eq(params.people_per_worker[0], 10, 1e-12);
    cr_assert_float_eq(params.quake_rates[9][0], 0.03, 1e-12);
    cr_assert_float_eq(params.quake_rates[8][1], 0.40, 1e-12); /* default */
    activation_t act;
    s_dingri_activation(&act, NAN);
    assessment_t *a = s_assess(&act, NULL);
    const assessment_zone_t *z = s_find(a, "定日县", 9);
    cr_assert_eq(z->tiers[ASSESS_TIER_A],
                 (uint64_t)llround(z->population * 0.03));
    json_t *j = assessment_json(a, 0);
    cr_assert_str_eq(json_string_value(json_object_get(j,
                                                       "parameters_version")),
                     "sichuan-2025");
    json_decref(j);
    assessment_destroy(&a);
    activation_clear(&act);
}

Test(assessment, bad_parameters_are_refused_naming_the_key)
{
    static const struct {
        const char *text;
        int code;
        const char *says;
    } cases[] = {
        {"{\"people_per_worker\": [1,2,3,4,5]}", XY_EMISSING, "version"},
        {"{\"version\": \"x\", \"people_per_wroker\": 3}", XY_EINVAL,
         "unknown key 'people_per_wroker'"},
        {"{\"version\": \"x\", \"quake_tier_rates\": {\"IX\": [0.5, 0.5, 0.5,"
         " 0, 0]}}", XY_EINVAL, "sum to 1.5"},
        {"{\"version\": \"x\", \"quake_tier_rates\": {\"V\": [0,0,0,0,0]}}",
         XY_EINVAL, "unknown band 'V'"},
        {"{\"version\": \"x\", \"team_size\": 0}", XY_EINVAL, "team_size"},
        {"{\"version\": \"x\", \"people_per_worker\": [1, 2]}", XY_EINVAL,
         "array of 5"},
        {"{\"version\": ", XY_EPARSE, "not JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        domain_error_t err = {0};
        assess_params_t before = params;
        cr_assert_eq(assess_params_parse(&params, cases[i].text,
                                         strlen(cases[i].text), &err),
                     cases[i].code, "case %zu", i);
        cr_assert_not_null(strstr(err.msg, cases[i].says), "case %zu: %s", i,
                           err.msg);
        cr_assert_eq(memcmp(&before, &params, sizeof params), 0);
    }
}

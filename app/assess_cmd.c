/* Impact assessment at the coordinator's command line (app.h): `assess`
 * opens or re-runs an incident from a USGS event, a CAP alert, a drawn
 * polygon, a point with radii, or an incident held, prints the summary an
 * incident commander reads in a minute (or JSON), and with --publish writes
 * IncidentDeclared (when new) and AssessmentPublished in one group commit;
 * `level` records the commander's confirmed or changed response level.
 * Reference data (counties, attenuation, CAP schema) is read from the
 * configuration's data_dir. docs/assessment.md. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/activation.h"
#include "domain/alert_cap.h"
#include "domain/alert_usgs.h"
#include "domain/assessment.h"
#include "domain/exercise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_TOP 10 /* zones in the printed summary */

enum { A_USGS, A_CAP, A_POLYGON, A_POINT, A_RADII, A_HAZARD, A_TITLE, A_MS,
       A_STRIKE, A_EXERCISE, A_PUBLISH, A_INCIDENT, A_PARAMS, A_N };

typedef struct s_run {
    app_t *app;
    const char **v;              /* option values */
    char data[4096];             /* reference data directory */
    activation_t act;            /* what is assessed */
    domain_id_t incident;        /* the incident (new or held) */
    bool held;                   /* the incident is already held */
    bool exercise;               /* exercise incident */
    uint32_t revision;           /* latest revision held, 0 when none */
    assess_params_t params;      /* rates and ratios */
    assessment_field_t *field;   /* field counts, NULL when new */
    geo_footprint_t *fp;         /* the footprint */
    assessment_t *a;             /* the result */
} s_run_t;

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The reference data directory: config "data_dir", else the built-in. */
static void s_data_dir(s_run_t *r)
{
    const char *d = config_string(node_config(app_node(r->app)), "data_dir");
    snprintf(r->data, sizeof r->data, "%s", d && *d ? d : XY_DATA_DIR);
}

static int s_read(s_run_t *r, const char *what, const char *path, size_t max,
                  char **buf, size_t *len)
{
    alert_error_t aerr = {0};
    int rc = alert_cap_read_file(path, max, buf, len, &aerr);
    if (rc)
        return app_fail(r->app, APP_EXIT_FAIL, "assess: %s %s: %s", what,
                        path, aerr.msg[0] ? aerr.msg : xy_strerror(rc));
    return 0;
}

static int s_alert(s_run_t *r, bool cap, alert_t **out)
{
    const char *path = cap ? r->v[A_CAP] : r->v[A_USGS];
    char *buf = NULL;
    size_t len = 0;
    int rc = s_read(r, cap ? "--cap" : "--usgs", path,
                    cap ? ALERT_CAP_MAX_BYTES : ALERT_USGS_MAX_BYTES, &buf,
                    &len);
    if (rc)
        return rc;
    alert_error_t aerr = {0};
    if (cap) {
        char x12[4200], x11[4200];
        snprintf(x12, sizeof x12, "%s/cap/CAP-v1.2.xsd", r->data);
        snprintf(x11, sizeof x11, "%s/cap/CAP-v1.1.xsd", r->data);
        alert_cap_validator_t *val = NULL;
        rc = alert_cap_validator_new(&val, x12, x11, &aerr);
        if (!rc)
            rc = alert_cap_parse(val, buf, len, out, &aerr);
        alert_cap_validator_destroy(&val);
    } else {
        rc = alert_usgs_parse(buf, len, out, &aerr);
    }
    free(buf);
    if (rc && aerr.line)
        return app_fail(r->app, APP_EXIT_FAIL, "assess: %s line %d: %s", path,
                        aerr.line, aerr.msg);
    if (rc)
        return app_fail(r->app, APP_EXIT_FAIL, "assess: %s: %s", path,
                        aerr.msg);
    return 0;
}

/* Parses "A,B,..." into at most max finite numbers. */
static int s_list(const char *text, double *out, size_t max, size_t *n)
{
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return XY_ETOOBIG;
    snprintf(buf, sizeof buf, "%s", text);
    *n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char *end = NULL;
        double d = strtod(t, &end);
        if (*n == max || end == t || *end || !isfinite(d))
            return XY_EINVAL;
        out[(*n)++] = d;
    }
    return *n ? 0 : XY_EINVAL;
}

static int s_number(s_run_t *r, int opt, const char *name, double lo,
                    double hi, double *out)
{
    *out = NAN;
    if (!r->v[opt])
        return 0;
    size_t n = 0;
    if (s_list(r->v[opt], out, 1, &n) || *out < lo || *out > hi)
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --%s '%s' is not a "
                        "number in %g..%g", name, r->v[opt], lo, hi);
    return 0;
}

/* The activation from whichever source was given. */
static int s_activation(s_run_t *r)
{
    domain_error_t err = {0};
    int rc = 0;
    double ms, strike;
    if (s_number(r, A_MS, "ms", GEO_QUAKE_MIN_MS, GEO_QUAKE_MAX_MS, &ms) ||
        s_number(r, A_STRIKE, "strike", 0, 360, &strike))
        return APP_EXIT_USAGE;
    if (r->v[A_USGS] || r->v[A_CAP]) {
        alert_t *al = NULL;
        rc = s_alert(r, r->v[A_CAP] != NULL, &al);
        if (rc)
            return rc;
        activation_opts_t o = {ms, strike, r->v[A_EXERCISE] != NULL};
        rc = activation_from_alert(&r->act, al, &o, &err);
        alert_destroy(&al);
    } else if (r->v[A_POLYGON]) {
        char *buf = NULL;
        size_t len = 0;
        rc = s_read(r, "--polygon", r->v[A_POLYGON], GEO_HAZARD_MAX_TEXT, &buf,
                    &len);
        if (rc)
            return rc;
        rc = activation_polygon(&r->act, r->v[A_HAZARD], r->v[A_TITLE], buf,
                                len, &err);
        free(buf);
    } else {
        double ll[2], radii[GEO_HAZARD_MAX_RINGS];
        size_t n = 0, nr = 0;
        if (s_list(r->v[A_POINT], ll, 2, &n) || n != 2)
            return app_fail(r->app, APP_EXIT_USAGE, "assess: --point takes "
                            "LAT,LON in degrees, e.g. 31.0,103.4");
        if (!r->v[A_RADII] ||
            s_list(r->v[A_RADII], radii, GEO_HAZARD_MAX_RINGS, &nr))
            return app_fail(r->app, APP_EXIT_USAGE, "assess: --radii takes "
                            "1 to %u increasing radii in km, e.g. 5,20,50",
                            GEO_HAZARD_MAX_RINGS);
        rc = activation_rings(&r->act, r->v[A_HAZARD], r->v[A_TITLE], ll[0],
                              ll[1], radii, nr, &err);
    }
    if (rc)
        return app_fail(r->app, APP_EXIT_FAIL, "assess: %s: %s", err.field,
                        err.msg);
    r->act.exercise |= r->v[A_EXERCISE] != NULL;
    if (r->act.kind == ACTIVATION_QUAKE && !isnan(strike))
        r->act.strike_deg = strike;
    return 0;
}

typedef struct s_held_ctx {
    s_run_t *r;
    domain_error_t err;
} s_held_ctx_t;

/* In one read: the incident held (by id, or by the alert it came from),
 * its latest revision and its field counts. */
static int s_read_held(view_txn_t *vt, void *arg)
{
    s_held_ctx_t *c = arg;
    s_run_t *r = c->r;
    const domain_model_t *m = app_model(r->app);
    int rc = 0;
    if (r->v[A_INCIDENT]) {
        rc = activation_from_incident(vt, m, &r->incident, &r->act, &c->err);
        if (rc)
            return rc;
        r->exercise = r->act.exercise;
        r->held = true;
    } else if (activation_find_incident(vt, m, &r->act, &r->incident) == 0) {
        r->held = true;
        r->exercise = r->act.exercise;
    }
    if (!r->held)
        return 0;
    assessment_t *prev = NULL;
    if (assessment_latest(vt, m, &r->incident, &prev) == 0)
        r->revision = assessment_revision(prev);
    assessment_destroy(&prev);
    return assessment_field_read(vt, m, &r->incident, &r->field);
}

static int s_params(s_run_t *r)
{
    assess_params_default(&r->params);
    if (!r->v[A_PARAMS])
        return 0;
    char *buf = NULL;
    size_t len = 0;
    int rc = s_read(r, "--params", r->v[A_PARAMS], ASSESS_PARAMS_MAX_BYTES,
                    &buf, &len);
    if (rc)
        return rc;
    domain_error_t err = {0};
    rc = assess_params_parse(&r->params, buf, len, &err);
    free(buf);
    if (rc)
        return app_fail(r->app, APP_EXIT_FAIL, "assess: %s: %s: %s",
                        r->v[A_PARAMS], err.field, err.msg);
    return 0;
}

/* Footprint and assessment over the county layer. */
static int s_compute(s_run_t *r)
{
    char path[4200], prov[4200], gerr[512] = "";
    geo_quake_model_t *qm = NULL;
    geo_layer_t *layer = NULL;
    domain_error_t err = {0};
    int rc = 0;
    if (r->act.kind == ACTIVATION_QUAKE) {
        snprintf(path, sizeof path, "%s/quake/intensity_attenuation_china.csv",
                 r->data);
        snprintf(prov, sizeof prov, "%s/admin/china_provinces_wgs84.geojson",
                 r->data);
        rc = geo_quake_model_load(&qm, path, prov, gerr, sizeof gerr);
        if (rc) {
            rc = app_fail(r->app, APP_EXIT_FAIL, "assess: earthquake model: "
                          "%s", gerr);
            goto out;
        }
    }
    rc = activation_footprint(&r->act, qm, &r->fp, &err);
    if (rc) {
        rc = app_fail(r->app, APP_EXIT_FAIL, "assess: %s: %s", err.field,
                      err.msg);
        goto out;
    }
    snprintf(path, sizeof path, "%s/admin/china_counties_2021_wgs84.geojson",
             r->data);
    rc = geo_layer_load(&layer, path, gerr, sizeof gerr);
    if (rc) {
        rc = app_fail(r->app, APP_EXIT_FAIL, "assess: county layer: %s", gerr);
        goto out;
    }
    assessment_input_t in = {&r->incident, r->act.hazard,
                             r->act.kind == ACTIVATION_QUAKE ? r->act.magnitude
                                                             : 0};
    rc = assessment_compute(&r->a, &in, layer, r->fp, &r->params, r->field,
                            &err);
    if (rc)
        rc = app_fail(r->app, APP_EXIT_FAIL, "assess: %s: %s", err.field,
                      err.msg);
out:
    geo_layer_destroy(&layer);
    geo_quake_model_destroy(&qm);
    return rc;
}

/* 1234567 -> "1,234,567" into buf. */
static const char *s_int(char *buf, size_t len, double x)
{
    char raw[32];
    snprintf(raw, sizeof raw, "%.0f", x < 0 ? 0 : x);
    size_t n = strlen(raw), o = 0;
    for (size_t i = 0; i < n && o + 2 < len; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

static void s_print(const s_run_t *r, json_t *j)
{
    const assessment_t *a = r->a;
    const assessment_totals_t *t = assessment_totals(a);
    char b1[32], b2[32], b3[32];
    static const char *const lz[] = {"", "特别重大", "重大", "较大", "一般"};
    static const char *const lr[] = {"", "I", "II", "III", "IV"};
    int lv = assessment_level(a);
    if (r->exercise)
        printf("%s\n", EXERCISE_BANNER);
    printf("影响评估 Impact assessment%s\n",
           r->exercise ? "  [演练 EXERCISE]" : "");
    printf("事件 Event      %s (%s", r->act.title,
           json_string_value(json_object_get(j, "hazard")));
    if (r->act.kind == ACTIVATION_QUAKE)
        printf(", M %.1f", r->act.magnitude);
    printf(")\n建议响应级别 Proposed level  %s 级 %s\n  原因 %s\n  Why  %s\n",
           lr[lv], lz[lv], assessment_level_reason(a, true),
           assessment_level_reason(a, false));
    printf("受影响人口 People exposed  %s\n  按带 by band:",
           s_int(b1, sizeof b1, t->population));
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(j, "bands"), i, o)
    printf("  %s %s", json_string_value(json_object_get(o, "band")),
           s_int(b1, sizeof b1,
                 (double)json_integer_value(json_object_get(o, "population"))));
    printf("\n暴露分层 Exposure tiers\n");
    for (int k = 0; k < ASSESS_TIERS; k++)
        printf("  %s %12s  %s / %s\n", assess_tier_letter(k),
               s_int(b1, sizeof b1, (double)t->tiers[k]),
               assess_tier_name_zh(k), assess_tier_name_en(k));
    printf("需求 Need  干预人员 workers %s · 团队日 team-days %s · "
           "精神科医生 psychiatrists %s\n",
           s_int(b1, sizeof b1, (double)t->workers),
           s_int(b2, sizeof b2, t->team_days),
           s_int(b3, sizeof b3, (double)t->psychiatrists));
    printf("按需求排序的区域 Zones by need (top %d of %zu)\n", S_TOP,
           assessment_zone_count(a));
    printf("  %-3s %-18s %-7s %-8s %10s %8s %9s %9s\n", "#", "区县 county",
           "code", "band", "people", "A+B", "workers", "team-days");
    for (size_t k = 0; k < assessment_zone_count(a) && k < S_TOP; k++) {
        const assessment_zone_t *z = assessment_zone(a, k);
        json_t *zj = json_array_get(json_object_get(j, "zones"), k);
        printf("  %-3zu %-18s %06d  %-8s %10s %8s %9u %9.0f\n", k + 1,
               z->name, (int)z->county_code,
               json_string_value(json_object_get(zj, "band")),
               s_int(b1, sizeof b1, z->population),
               s_int(b2, sizeof b2,
                     (double)(z->tiers[ASSESS_TIER_A] +
                              z->tiers[ASSESS_TIER_B])),
               z->workers, z->team_days);
    }
    printf("参数 parameters %s\n",
           json_string_value(json_object_get(j, "parameters_version")));
}

/* Writes IncidentDeclared (when new) and AssessmentPublished in one group
 * commit and reports the ids. */
static int s_publish(s_run_t *r, json_t *j)
{
    activation_event_t *decl = xcalloc(1, sizeof *decl);
    assessment_event_t *ae = NULL;
    domain_error_t err = {0};
    int rc = 0;
    size_t n = 0;
    event_write_t w[2];
    if (!r->held) {
        rc = activation_declare(decl, &r->act, &r->incident,
                                assessment_level(r->a), app_user(r->app),
                                s_now_ms(), &err);
        if (rc) {
            rc = app_fail(r->app, APP_EXIT_FAIL, "assess: %s: %s", err.field,
                          err.msg);
            goto out;
        }
        w[n++] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &decl->de.ev};
    }
    domain_id_t aid;
    app_random_id(aid.b);
    assessment_publish(&ae, r->a, &r->incident, &aid, r->revision + 1,
                       r->exercise, app_user(r->app));
    w[n++] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &ae->ev};
    rc = app_exercise_check(r->app, w, n, "assessment");
    if (rc)
        goto out;
    rc = event_log_write(node_log(app_node(r->app)), w, n, NULL);
    for (size_t k = 0; !rc && k < n; k++)
        rc = w[k].status;
    if (rc) {
        rc = app_fail(r->app, APP_EXIT_FAIL, "assess: storing: %s",
                      xy_strerror(rc));
        goto out;
    }
    char ih[DOMAIN_ID_HEX], ah[DOMAIN_ID_HEX];
    json_object_set_new(j, "revision", json_integer(r->revision + 1));
    json_object_set_new(j, "incident", json_string(domain_id_format(
                                           &r->incident, ih)));
    json_object_set_new(j, "assessment", json_string(domain_id_format(
                                             &aid, ah)));
    json_object_set_new(j, "incident_declared", json_boolean(!r->held));
    if (!app_json(r->app))
        printf("\n已发布 published: incident %s%s, assessment %s revision %u\n",
               ih, r->held ? "" : " (declared)", ah, r->revision + 1);
out:
    assessment_event_destroy(&ae);
    free(decl);
    return rc;
}

static int s_sources(s_run_t *r)
{
    int given = !!r->v[A_USGS] + !!r->v[A_CAP] + !!r->v[A_POLYGON] +
                !!r->v[A_POINT] + !!r->v[A_INCIDENT];
    if (given != 1)
        return app_fail(r->app, APP_EXIT_USAGE, "assess: give one of --usgs "
                        "FILE, --cap FILE, --polygon FILE, --point LAT,LON or "
                        "--incident ID");
    bool manual = r->v[A_POLYGON] || r->v[A_POINT];
    if (manual && (!r->v[A_HAZARD] || !r->v[A_TITLE]))
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --polygon and "
                        "--point need --hazard H and --title T");
    if (!manual && (r->v[A_HAZARD] || r->v[A_TITLE]))
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --hazard and "
                        "--title go with --polygon or --point only");
    if (r->v[A_RADII] && !r->v[A_POINT])
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --radii goes with "
                        "--point");
    if ((r->v[A_MS] || r->v[A_STRIKE]) && !r->v[A_USGS] && !r->v[A_CAP])
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --ms and --strike "
                        "go with --usgs or --cap");
    if (r->v[A_INCIDENT] && domain_id_parse(&r->incident, r->v[A_INCIDENT]))
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --incident needs an "
                        "incident id of 32 hex digits (see 'list incidents')");
    if (r->v[A_INCIDENT] && r->v[A_EXERCISE])
        return app_fail(r->app, APP_EXIT_USAGE, "assess: --exercise cannot "
                        "change a held incident");
    return 0;
}

int app_cmd_assess(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"usgs", required_argument, NULL, A_USGS},
        {"cap", required_argument, NULL, A_CAP},
        {"polygon", required_argument, NULL, A_POLYGON},
        {"point", required_argument, NULL, A_POINT},
        {"radii", required_argument, NULL, A_RADII},
        {"hazard", required_argument, NULL, A_HAZARD},
        {"title", required_argument, NULL, A_TITLE},
        {"ms", required_argument, NULL, A_MS},
        {"strike", required_argument, NULL, A_STRIKE},
        {"exercise", no_argument, NULL, A_EXERCISE},
        {"publish", no_argument, NULL, A_PUBLISH},
        {"incident", required_argument, NULL, A_INCIDENT},
        {"params", required_argument, NULL, A_PARAMS},
        {NULL, 0, NULL, 0},
    };
    const char *v[A_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    if (rc)
        return rc;
    s_run_t *r = xcalloc(1, sizeof *r);
    r->app = app;
    r->v = v;
    json_t *j = NULL;
    rc = s_sources(r);
    if (!rc)
        rc = s_params(r);
    if (rc)
        goto out;
    s_data_dir(r);
    if (!v[A_INCIDENT]) {
        rc = s_activation(r);
        if (rc)
            goto out;
        app_random_id(r->incident.b);
        r->exercise = r->act.exercise;
    }
    s_held_ctx_t c = {r, {0}};
    rc = event_log_view_read(node_log(app_node(app)), s_read_held, &c);
    if (rc) {
        rc = c.err.msg[0]
                 ? app_fail(app, APP_EXIT_FAIL, "assess: incident %s: %s",
                            v[A_INCIDENT], c.err.msg)
                 : app_fail(app, APP_EXIT_FAIL, "assess: reading views: %s",
                            xy_strerror(rc));
        goto out;
    }
    rc = s_compute(r);
    if (rc)
        goto out;
    j = assessment_json(r->a, 0);
    json_object_set_new(j, "title", json_string(r->act.title));
    json_object_set_new(j, "exercise", json_boolean(r->exercise));
    json_object_set_new(j, "published", json_boolean(v[A_PUBLISH] != NULL));
    if (!app_json(app))
        s_print(r, j);
    if (v[A_PUBLISH])
        rc = s_publish(r, j);
    else if (!app_json(app))
        printf("\n试算 dry run: nothing stored (add --publish to publish)\n");
    if (!rc && app_json(app)) {
        json_dumpf(j, stdout, JSON_INDENT(2));
        putchar('\n');
    }
out:
    json_decref(j);
    assessment_destroy(&r->a);
    geo_footprint_destroy(&r->fp);
    assessment_field_destroy(&r->field);
    activation_clear(&r->act);
    free(r);
    return rc;
}

typedef struct s_level_ctx {
    const domain_model_t *m;
    domain_id_t id;
    activation_t act;
    domain_error_t err;
} s_level_ctx_t;

static int s_find_level(view_txn_t *vt, void *arg)
{
    s_level_ctx_t *c = arg;
    int rc = activation_from_incident(vt, c->m, &c->id, &c->act, &c->err);
    /* An incident declared by hand has no footprint: it still has a level. */
    return rc == XY_EDOMAIN ? 0 : rc;
}

enum { L_INCIDENT, L_SET, L_REASON, L_N };

int app_cmd_level(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"incident", required_argument, NULL, L_INCIDENT},
        {"set", required_argument, NULL, L_SET},
        {"reason", required_argument, NULL, L_REASON},
        {NULL, 0, NULL, 0},
    };
    const char *v[L_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    if (rc)
        return rc;
    s_level_ctx_t c = {.m = app_model(app)};
    if (!v[L_INCIDENT] || domain_id_parse(&c.id, v[L_INCIDENT]))
        return app_fail(app, APP_EXIT_USAGE, "level: --incident needs an "
                        "incident id of 32 hex digits (see 'list incidents')");
    if (!v[L_SET] || !v[L_REASON])
        return app_fail(app, APP_EXIT_USAGE, "level: say 'level --incident ID "
                        "--set I|II|III|IV --reason TEXT'");
    rc = event_log_view_read(node_log(app_node(app)), s_find_level, &c);
    bool exercise = c.act.exercise;
    activation_clear(&c.act);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "level: no incident %s here",
                        v[L_INCIDENT]);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "level: %s", xy_strerror(rc));
    domain_event_t de;
    domain_error_t err = {0};
    rc = activation_level_set(&de, &c.id, v[L_SET], v[L_REASON], exercise,
                              app_user(app), &err);
    if (rc)
        return app_fail(app, APP_EXIT_USAGE, "level: --%s: %s", err.field,
                        err.msg);
    return app_write_own(app, &de.ev, "level of incident", v[L_INCIDENT]);
}

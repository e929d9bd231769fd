/* Assessment parameters (assess_params.h): the built-in planning defaults
 * and the JSON file that replaces them. */
#include "domain/assess_params.h"
#include "common/xy_error.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Tier rates by intensity band, planning assumptions (docs/assessment.md,
 * "Tier rates"): the share of a band's people in tiers A..E. */
static const double s_quake_rates[ASSESS_QUAKE_MAX + 1][ASSESS_TIERS] = {
    [6] = {0.001, 0.05, 0.01, 0.05, 0.60},
    [7] = {0.005, 0.20, 0.03, 0.15, 0.615},
    [8] = {0.03, 0.40, 0.05, 0.20, 0.32},
    [9] = {0.10, 0.60, 0.05, 0.15, 0.10},
    [10] = {0.15, 0.65, 0.05, 0.10, 0.05},
    [11] = {0.15, 0.65, 0.05, 0.10, 0.05},
    [12] = {0.15, 0.65, 0.05, 0.10, 0.05},
};

/* The same for rings around a point and drawn polygons (ring 1). */
static const double s_ring_rates[ASSESS_RING_CLASSES][ASSESS_TIERS] = {
    {0.02, 0.40, 0.05, 0.20, 0.33},
    {0.005, 0.15, 0.03, 0.10, 0.60},
    {0.001, 0.03, 0.01, 0.03, 0.60},
};

static const char *const s_roman[] = {"",   "I",   "II", "III", "IV",
                                      "V",  "VI",  "VII", "VIII", "IX",
                                      "X",  "XI",  "XII"};
static const char *const s_rings[] = {"inner", "middle", "outer"};

void assess_params_default(assess_params_t *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->version, sizeof p->version, "%s", ASSESS_DEFAULT_VERSION);
    memcpy(p->quake_rates, s_quake_rates, sizeof s_quake_rates);
    memcpy(p->ring_rates, s_ring_rates, sizeof s_ring_rates);
    const double ppw[ASSESS_TIERS] = {20, 50, 200, 500, 5000};
    memcpy(p->people_per_worker, ppw, sizeof ppw);
    p->people_per_psychiatrist[0] = 200;
    p->people_per_psychiatrist[1] = 2000;
    p->team_size = 5;
    p->acute_days = 14;
    p->dense_per_km2 = 200;
    p->populous_per_km2 = 20;
    p->exposed_level[0] = 1000000;
    p->exposed_level[1] = 300000;
    p->exposed_level[2] = 100000;
}

const double *assess_params_rates(const assess_params_t *p, bool quake,
                                  int level)
{
    if (quake) {
        if (level < ASSESS_QUAKE_MIN)
            level = ASSESS_QUAKE_MIN;
        if (level > ASSESS_QUAKE_MAX)
            level = ASSESS_QUAKE_MAX;
        return p->quake_rates[level];
    }
    int k = level <= 1 ? 0 : level == 2 ? 1 : 2;
    return p->ring_rates[k];
}

/* Reads an array of n finite numbers in lo..hi into out. */
static int s_numbers(const json_t *v, const char *key, double *out, size_t n,
                     double lo, double hi, domain_error_t *err)
{
    if (!json_is_array(v) || json_array_size(v) != n)
        return domain_fail(err, XY_EINVAL, key, "%s must be an array of %zu "
                           "numbers", key, n);
    for (size_t i = 0; i < n; i++) {
        const json_t *x = json_array_get(v, i);
        double d = json_is_number(x) ? json_number_value(x) : NAN;
        if (!isfinite(d) || d < lo || d > hi)
            return domain_fail(err, XY_EINVAL, key, "%s[%zu] must be a number "
                               "in %g..%g", key, i, lo, hi);
        out[i] = d;
    }
    return 0;
}

static int s_number(const json_t *v, const char *key, double *out, double lo,
                    double hi, domain_error_t *err)
{
    double d = json_is_number(v) ? json_number_value(v) : NAN;
    if (!isfinite(d) || d < lo || d > hi)
        return domain_fail(err, XY_EINVAL, key, "%s must be a number in "
                           "%g..%g", key, lo, hi);
    *out = d;
    return 0;
}

/* Reads a table {"NAME": [5 rates], ...} whose names are names[first..n). */
static int s_rates(const json_t *v, const char *key, const char *const *names,
                   int first, int n, double (*out)[ASSESS_TIERS],
                   domain_error_t *err)
{
    if (!json_is_object(v))
        return domain_fail(err, XY_EINVAL, key, "%s must be an object of "
                           "bands", key);
    const char *name;
    const json_t *row;
    json_object_foreach((json_t *)v, name, row) {
        int k = first;
        while (k < n && strcmp(names[k], name) != 0)
            k++;
        if (k == n)
            return domain_fail(err, XY_EINVAL, key, "%s: unknown band '%.32s' "
                               "(%s..%s)", key, name, names[first],
                               names[n - 1]);
        char where[64];
        snprintf(where, sizeof where, "%s.%s", key, name);
        double r[ASSESS_TIERS], sum = 0;
        int rc = s_numbers(row, where, r, ASSESS_TIERS, 0, 1, err);
        if (rc)
            return rc;
        for (int t = 0; t < ASSESS_TIERS; t++)
            sum += r[t];
        if (sum > 1 + 1e-9)
            return domain_fail(err, XY_EINVAL, key, "%s: the five rates sum "
                               "to %g, more than 1", where, sum);
        memcpy(out[k], r, sizeof r);
    }
    return 0;
}

/* Applies one key of the file to q. */
static int s_key(assess_params_t *q, const char *key, const json_t *v,
                 domain_error_t *err)
{
    if (strcmp(key, "version") == 0) {
        const char *s = json_string_value(v);
        size_t n = s ? strlen(s) : 0;
        if (n == 0 || n >= sizeof q->version)
            return domain_fail(err, XY_EINVAL, "version", "version must be a "
                               "string of 1 to %d bytes",
                               ASSESS_VERSION_MAX - 1);
        memcpy(q->version, s, n + 1);
        return 0;
    }
    if (strcmp(key, "quake_tier_rates") == 0)
        return s_rates(v, key, s_roman, ASSESS_QUAKE_MIN, ASSESS_QUAKE_MAX + 1,
                       q->quake_rates, err);
    if (strcmp(key, "ring_tier_rates") == 0)
        return s_rates(v, key, s_rings, 0, ASSESS_RING_CLASSES, q->ring_rates,
                       err);
    if (strcmp(key, "people_per_worker") == 0)
        return s_numbers(v, key, q->people_per_worker, ASSESS_TIERS, 1, 1e7,
                         err);
    if (strcmp(key, "people_per_psychiatrist") == 0)
        return s_numbers(v, key, q->people_per_psychiatrist, 2, 1, 1e7, err);
    if (strcmp(key, "team_size") == 0)
        return s_number(v, key, &q->team_size, 1, 100, err);
    if (strcmp(key, "acute_days") == 0)
        return s_number(v, key, &q->acute_days, 1, 365, err);
    if (strcmp(key, "dense_per_km2") == 0)
        return s_number(v, key, &q->dense_per_km2, 1, 1e5, err);
    if (strcmp(key, "populous_per_km2") == 0)
        return s_number(v, key, &q->populous_per_km2, 0.01, 1e5, err);
    if (strcmp(key, "exposed_level_thresholds") == 0)
        return s_numbers(v, key, q->exposed_level, 3, 1, 1e10, err);
    return domain_fail(err, XY_EINVAL, "key", "unknown key '%.40s' (version, "
                       "quake_tier_rates, ring_tier_rates, people_per_worker, "
                       "people_per_psychiatrist, team_size, acute_days, "
                       "dense_per_km2, populous_per_km2, "
                       "exposed_level_thresholds)", key);
}

int assess_params_parse(assess_params_t *p, const char *text, size_t len,
                        domain_error_t *err)
{
    if (len > ASSESS_PARAMS_MAX_BYTES)
        return domain_fail(err, XY_ETOOBIG, "file", "parameters file of %zu "
                           "bytes is over the %d-byte limit", len,
                           ASSESS_PARAMS_MAX_BYTES);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return domain_fail(err, XY_EPARSE, "file", "not JSON: %s at line %d "
                           "column %d", jerr.text, jerr.line, jerr.column);
    assess_params_t q = *p;
    int rc = 0;
    if (!json_is_object(root)) {
        rc = domain_fail(err, XY_EINVAL, "file", "parameters must be a JSON "
                         "object");
        goto out;
    }
    if (!json_object_get(root, "version")) {
        rc = domain_fail(err, XY_EMISSING, "version", "the parameters file "
                         "must name its version (\"version\": \"...\")");
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        rc = s_key(&q, key, v, err);
        if (rc)
            goto out;
    }
    if (q.dense_per_km2 <= q.populous_per_km2) {
        rc = domain_fail(err, XY_EINVAL, "dense_per_km2", "dense_per_km2 (%g) "
                         "must be above populous_per_km2 (%g)",
                         q.dense_per_km2, q.populous_per_km2);
        goto out;
    }
    if (!(q.exposed_level[0] > q.exposed_level[1] &&
          q.exposed_level[1] > q.exposed_level[2])) {
        rc = domain_fail(err, XY_EINVAL, "exposed_level_thresholds",
                         "exposed_level_thresholds must decrease (I > II > "
                         "III)");
        goto out;
    }
    *p = q;
out:
    json_decref(root);
    return rc;
}

const char *assess_tier_letter(int tier)
{
    static const char *const l[] = {"A", "B", "C", "D", "E"};
    return tier >= 0 && tier < ASSESS_TIERS ? l[tier] : "?";
}

const char *assess_tier_name_en(int tier)
{
    static const char *const n[] = {
        "injured and bereaved", "highly exposed survivors and evacuees",
        "responders and extended family", "lost homes or jobs; local services",
        "wider community"};
    return tier >= 0 && tier < ASSESS_TIERS ? n[tier] : "";
}

const char *assess_tier_name_zh(int tier)
{
    static const char *const n[] = {
        "伤者与丧亲者", "高暴露幸存者与转移安置者", "救援人员与亲属",
        "失去住房或生计者、本地服务人员", "更广泛社区"};
    return tier >= 0 && tier < ASSESS_TIERS ? n[tier] : "";
}

/* Impact assessment (assessment.h): zones from the exposure rows, tiers,
 * needs, ranking, the level rule and the summary. The event, the view and
 * the field counts are in assessment_store.c. */
#include "domain/assessment.h"
#include "domain/assessment_impl.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "geo/geo_exposure.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const s_levels[] = {"", "I", "II", "III", "IV"};
static const char *const s_levels_zh[] = {"", "特别重大", "重大", "较大",
                                          "一般"};

void assessment_zone_id(domain_id_t *out, const domain_id_t *incident,
                        int32_t code, int level)
{
    static const char tag[] = "xinyuan.zone.v1";
    uint8_t in[sizeof tag - 1 + DOMAIN_ID_LEN + 8];
    memcpy(in, tag, sizeof tag - 1);
    memcpy(in + sizeof tag - 1, incident->b, DOMAIN_ID_LEN);
    uint8_t *p = in + sizeof tag - 1 + DOMAIN_ID_LEN;
    uint32_t c = (uint32_t)code, l = (uint32_t)level;
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(c >> (24 - 8 * i));
        p[4 + i] = (uint8_t)(l >> (24 - 8 * i));
    }
    crypto_generichash(out->b, DOMAIN_ID_LEN, in, sizeof in, NULL, 0);
}

const char *assessment_band_label(bool quake, int level, char *buf,
                                  size_t len)
{
    static const char *const roman[] = {"",   "I",  "II",  "III", "IV",
                                        "V",  "VI", "VII", "VIII", "IX",
                                        "X",  "XI", "XII"};
    if (quake && level >= 1 && level <= 12)
        snprintf(buf, len, "%s", roman[level]);
    else if (quake)
        snprintf(buf, len, "%d", level);
    else
        snprintf(buf, len, "ring %d", level);
    return buf;
}

/* Workers, team-days, psychiatrists and priority from the tiers. */
static void s_needs(assessment_zone_t *z, const assess_params_t *p)
{
    double w = 0;
    for (int t = 0; t < ASSESS_TIERS; t++)
        w += (double)z->tiers[t] / p->people_per_worker[t];
    z->priority = w;
    z->workers = (uint32_t)ceil(w - 1e-9);
    z->team_days = ceil((double)z->workers / p->team_size) * p->acute_days;
    const double *pp = p->people_per_psychiatrist;
    double psy = (double)z->tiers[ASSESS_TIER_A] / pp[0] +
                 (double)z->tiers[ASSESS_TIER_B] / pp[1];
    z->psychiatrists = (uint32_t)ceil(psy - 1e-9);
}

/* Tiers, needs and priority of one zone from its population. */
static void s_zone_needs(assessment_zone_t *z, const assess_params_t *p,
                         const double *rates, const assessment_field_t *f)
{
    double people = 0;
    for (int t = 0; t < ASSESS_TIERS; t++) {
        z->estimate[t] = (uint64_t)llround(z->population * rates[t]);
        z->field[t] = assessment_field_get(f, &z->id, t);
        z->tiers[t] = z->estimate[t] > z->field[t] ? z->estimate[t]
                                                   : z->field[t];
        people += (double)z->tiers[t];
    }
    /* Field counts above the census share mean the census is short here:
     * the zone holds at least the people counted. */
    if (people > z->population)
        z->population = people;
    s_needs(z, p);
}

static int s_rank(const void *x, const void *y)
{
    const assessment_zone_t *a = x, *b = y;
    if (a->priority != b->priority)
        return a->priority > b->priority ? -1 : 1;
    if (a->level != b->level)
        return a->level > b->level ? -1 : 1;
    return (a->county_code > b->county_code) -
           (a->county_code < b->county_code);
}

/* Bands by level, ascending (innermost ring first). */
static int s_band_order(const void *x, const void *y)
{
    const assessment_band_t *a = x, *b = y;
    return a->level - b->level;
}

void assessment_finish(assessment_t *a)
{
    qsort(a->zones, a->n_zones, sizeof *a->zones, s_rank);
    memset(&a->totals, 0, sizeof a->totals);
    a->n_bands = 0;
    for (size_t i = 0; i < a->n_zones; i++) {
        const assessment_zone_t *z = &a->zones[i];
        a->totals.population += z->population;
        for (int t = 0; t < ASSESS_TIERS; t++)
            a->totals.tiers[t] += z->tiers[t];
        a->totals.workers += z->workers;
        a->totals.team_days += z->team_days;
        a->totals.psychiatrists += z->psychiatrists;
        size_t b = 0;
        while (b < a->n_bands && a->bands[b].level != z->level)
            b++;
        if (b == a->n_bands) {
            if (b == ASSESSMENT_MAX_BANDS)
                continue;
            a->bands[b].level = z->level;
            a->bands[b].population = 0;
            a->bands[b].area_km2 = 0;
            a->n_bands++;
        }
        a->bands[b].population += z->population;
        a->bands[b].area_km2 += z->area_km2;
    }
    qsort(a->bands, a->n_bands, sizeof *a->bands, s_band_order);
    /* Most severe first: for earthquakes the highest intensity. */
    for (size_t i = 0; a->quake && i < a->n_bands / 2; i++) {
        assessment_band_t t = a->bands[i];
        a->bands[i] = a->bands[a->n_bands - 1 - i];
        a->bands[a->n_bands - 1 - i] = t;
    }
}

/* The level rule for earthquakes: the national earthquake emergency
 * plan's initial judgement by magnitude and population density
 * (docs/assessment.md, "Response level"). */
static void s_level_quake(assessment_t *a, const assess_params_t *p)
{
    int top = 0;
    for (size_t i = 0; i < a->n_zones; i++)
        if (a->zones[i].level > top)
            top = a->zones[i].level;
    const assessment_zone_t *densest = NULL;
    for (size_t i = 0; i < a->n_zones; i++) {
        const assessment_zone_t *z = &a->zones[i];
        if (z->level >= top - 1 && (!densest || z->density > densest->density))
            densest = z;
    }
    double d = densest ? densest->density : 0, ms = a->magnitude;
    int cls = d >= p->dense_per_km2 ? 2 : d >= p->populous_per_km2 ? 1 : 0;
    /* Lowest magnitude of levels I, II, III per density class; IV below. */
    static const double cut[3][3] = {
        {8.0, 7.0, 6.0}, /* sparse: one level below populous */
        {7.0, 6.0, 5.0}, /* 人口较密集 */
        {6.0, 5.0, 4.0}, /* 人口密集 */
    };
    int level = 4;
    for (int k = 2; k >= 0; k--)
        if (ms >= cut[cls][k] - 1e-9)
            level = k + 1;
    static const char *const cls_en[] = {"sparsely populated", "populous",
                                         "densely populated"};
    static const char *const cls_zh[] = {"人口稀疏", "人口较密集", "人口密集"};
    a->level = level;
    snprintf(a->reason_en, sizeof a->reason_en,
             "M %.1f in a %s area (%.1f people/km2 in %s, the densest "
             "county of the two strongest bands) -> level %s",
             ms, cls_en[cls], d, densest ? densest->name : "-",
             s_levels[level]);
    snprintf(a->reason_zh, sizeof a->reason_zh,
             "%s地区发生%.1f级地震（%s 每平方公里%.1f人，最强两个烈度带中"
             "人口最密的县）→ %s级（%s）",
             cls_zh[cls], ms, densest ? densest->name : "-", d,
             s_levels[level], s_levels_zh[level]);
}

/* The level rule for other hazards: people exposed. */
static void s_level_exposed(assessment_t *a, const assess_params_t *p)
{
    double n = a->totals.population;
    int level = n >= p->exposed_level[0]   ? 1
                : n >= p->exposed_level[1] ? 2
                : n >= p->exposed_level[2] ? 3
                                           : 4;
    a->level = level;
    snprintf(a->reason_en, sizeof a->reason_en,
             "%.0f people exposed (level I from %.0f, II from %.0f, III from "
             "%.0f) -> level %s", n, p->exposed_level[0], p->exposed_level[1],
             p->exposed_level[2], s_levels[level]);
    snprintf(a->reason_zh, sizeof a->reason_zh,
             "受影响人口%.0f人（I级≥%.0f，II级≥%.0f，III级≥%.0f）→ %s级（%s）",
             n, p->exposed_level[0], p->exposed_level[1], p->exposed_level[2],
             s_levels[level], s_levels_zh[level]);
}

static int s_fill_zones(assessment_t *a, const assessment_input_t *in,
                        const geo_layer_t *layer, const geo_exposure_t *ex,
                        const assess_params_t *p,
                        const assessment_field_t *field, domain_error_t *err)
{
    size_t n = geo_exposure_count(ex);
    if (n == 0)
        return domain_fail(err, XY_EOUTSIDE, "area", "the footprint holds no "
                           "county of the data (China, 2020 census): nothing "
                           "to assess");
    if (n > ASSESSMENT_MAX_ZONES)
        return domain_fail(err, XY_ETOOBIG, "area", "the footprint makes %zu "
                           "county zones, over the limit of %d", n,
                           ASSESSMENT_MAX_ZONES);
    a->zones = xcalloc(n, sizeof *a->zones);
    for (size_t i = 0; i < n; i++) {
        const geo_exposure_row_t *r = geo_exposure_row(ex, i);
        assessment_zone_t *z = &a->zones[a->n_zones++];
        assessment_zone_id(&z->id, in->incident, r->code, r->level);
        z->county_code = r->code;
        snprintf(z->name, sizeof z->name, "%s", r->name);
        z->level = r->level;
        z->area_km2 = r->area_km2;
        z->population = r->population;
        double area = geo_layer_area_km2(layer, r->county);
        z->density = area > 0
                         ? (double)geo_layer_population(layer, r->county) / area
                         : 0;
        s_zone_needs(z, p, assess_params_rates(p, a->quake, r->level), field);
    }
    return 0;
}

int assessment_compute(assessment_t **out, const assessment_input_t *in,
                       const geo_layer_t *layer, const geo_footprint_t *fp,
                       const assess_params_t *p,
                       const assessment_field_t *field, domain_error_t *err)
{
    if (geo_footprint_count(fp) == 0)
        return domain_fail(err, XY_EDOMAIN, "magnitude", "the hazard reaches "
                           "no band (an earthquake below intensity VI): "
                           "nothing to assess");
    geo_exposure_t *ex = NULL;
    char gerr[256] = "";
    int rc = geo_exposure_compute(layer, fp, &ex, gerr, sizeof gerr);
    if (rc)
        return domain_fail(err, rc, "area", "exposure: %s (%s)", gerr,
                           xy_strerror(rc));
    assessment_t *a = xcalloc(1, sizeof *a);
    a->hazard = in->hazard;
    a->quake = geo_footprint_kind(fp) == GEO_HAZARD_QUAKE;
    a->magnitude = in->magnitude;
    snprintf(a->params_version, sizeof a->params_version, "%s", p->version);
    rc = s_fill_zones(a, in, layer, ex, p, field, err);
    if (rc)
        goto out;
    assessment_finish(a);
    if (a->quake)
        s_level_quake(a, p);
    else
        s_level_exposed(a, p);
    *out = a;
    a = NULL;
out:
    assessment_destroy(&a);
    geo_exposure_destroy(&ex);
    return rc;
}

void assessment_destroy(assessment_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->zones);
    free(*self_p);
    *self_p = NULL;
}

size_t assessment_zone_count(const assessment_t *a)
{
    return a->n_zones;
}

const assessment_zone_t *assessment_zone(const assessment_t *a, size_t i)
{
    return i < a->n_zones ? &a->zones[i] : NULL;
}

const assessment_totals_t *assessment_totals(const assessment_t *a)
{
    return &a->totals;
}

int assessment_level(const assessment_t *a)
{
    return a->level;
}

const char *assessment_level_reason(const assessment_t *a, bool zh)
{
    return zh ? a->reason_zh : a->reason_en;
}

uint32_t assessment_revision(const assessment_t *a)
{
    return a->revision;
}

static json_t *s_tiers_json(const uint64_t *tiers)
{
    json_t *o = json_object();
    for (int t = 0; t < ASSESS_TIERS; t++)
        json_object_set_new(o, assess_tier_letter(t),
                            json_integer((json_int_t)tiers[t]));
    return o;
}

static json_t *s_zone_json(const assessment_t *a, size_t rank)
{
    const assessment_zone_t *z = &a->zones[rank];
    char hex[DOMAIN_ID_HEX], band[16];
    json_t *o = json_pack(
        "{s:I, s:s, s:i, s:s, s:s, s:i, s:I, s:o, s:i, s:f, s:i, s:f}",
        "rank", (json_int_t)rank + 1, "id", domain_id_format(&z->id, hex),
        "county_code", (int)z->county_code, "name", z->name, "band",
        assessment_band_label(a->quake, z->level, band, sizeof band), "level",
        z->level, "population", (json_int_t)llround(z->population), "tiers",
        s_tiers_json(z->tiers), "workers_needed", (int)z->workers,
        "team_days", z->team_days, "psychiatrists_needed",
        (int)z->psychiatrists, "priority", round(z->priority * 100) / 100);
    if (z->area_km2 > 0)
        json_object_set_new(o, "area_km2",
                            json_real(round(z->area_km2 * 10) / 10));
    bool counted = false;
    for (int t = 0; t < ASSESS_TIERS; t++)
        counted |= z->field[t] > 0;
    if (counted)
        json_object_set_new(o, "field_counts", s_tiers_json(z->field));
    return o;
}

json_t *assessment_json(const assessment_t *a, size_t top)
{
    char hazard[32], band[16];
    domain_enum_name(&xy__hazard_type__descriptor, "HAZARD_", a->hazard,
                     hazard, sizeof hazard);
    json_t *bands = json_array();
    for (size_t b = 0; b < a->n_bands; b++) {
        json_t *o = json_pack(
            "{s:s, s:i, s:I}", "band",
            assessment_band_label(a->quake, a->bands[b].level, band,
                                  sizeof band),
            "level", a->bands[b].level, "population",
            (json_int_t)llround(a->bands[b].population));
        if (a->bands[b].area_km2 > 0)
            json_object_set_new(o, "area_km2",
                                json_real(round(a->bands[b].area_km2)));
        json_array_append_new(bands, o);
    }
    json_t *zones = json_array();
    size_t n = top && top < a->n_zones ? top : a->n_zones;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(zones, s_zone_json(a, i));
    const assessment_totals_t *t = &a->totals;
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:o, s:o, s:I, s:f, s:I, s:I, "
        "s:o}",
        "hazard", hazard, "proposed_level", s_levels[a->level],
        "level_reason_en", a->reason_en, "level_reason_zh", a->reason_zh,
        "parameters_version", a->params_version, "revision",
        (int)a->revision, "population_exposed",
        (json_int_t)llround(t->population), "bands", bands, "tiers",
        s_tiers_json(t->tiers), "workers_needed", (json_int_t)t->workers,
        "team_days", t->team_days, "psychiatrists_needed",
        (json_int_t)t->psychiatrists, "zone_count", (json_int_t)a->n_zones,
        "zones", zones);
    if (a->quake && a->magnitude > 0)
        json_object_set_new(o, "magnitude", json_real(a->magnitude));
    json_object_set_new(o, "exercise", json_boolean(a->exercise));
    return o;
}

/* Event builders for the sync tests and bench (sync_events.h). */
#include "tests/sync/sync_events.h"

#include <stdio.h>
#include <string.h>

uint64_t xs_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static ProtobufCBinaryData s_id(uint8_t id[XY_ID_LEN], uint64_t *rng)
{
    uint64_t a = xs_rand(rng), b = xs_rand(rng);
    memcpy(id, &a, 8);
    memcpy(id + 8, &b, 8);
    return (ProtobufCBinaryData){XY_ID_LEN, id};
}

/* One instrument: n answers in 0..max, scored by sum, banded by cut-offs. */
static void s_instrument(Xy__InstrumentResult *r, uint8_t *answers,
                         const char *name, size_t n, int max, uint32_t cut,
                         uint64_t *rng)
{
    xy__instrument_result__init(r);
    uint32_t score = 0;
    for (size_t i = 0; i < n; i++) {
        answers[i] = (uint8_t)(xs_rand(rng) % (uint64_t)(max + 1));
        score += answers[i];
    }
    r->instrument = (char *)name;
    r->answers = (ProtobufCBinaryData){n, answers};
    r->score = score;
    r->positive = score >= cut;
    r->band = score >= 2 * cut ? "severe"
              : score >= cut   ? "moderate"
              : score >= cut / 2 ? "mild"
                               : "minimal";
}

static void s_triage(xs_event_t *e, uint64_t *rng)
{
    Xy__TriageRecorded *t = &e->triage;
    xy__triage_recorded__init(t);
    t->triage_id = s_id(e->ids[0], rng);
    t->person_id = s_id(e->ids[1], rng);
    t->rules_version = "triage-2024.1";
    s_instrument(&e->inst[0], e->answers[0], "PHQ-9", 9, 3, 10, rng);
    s_instrument(&e->inst[1], e->answers[1], "GAD-7", 7, 3, 10, rng);
    s_instrument(&e->inst[2], e->answers[2], "PCL-5", 20, 4, 33, rng);
    for (int i = 0; i < 3; i++)
        e->inst_p[i] = &e->inst[i];
    t->n_instruments = 3;
    t->instruments = e->inst_p;
    t->risk_factors = (uint32_t)(xs_rand(rng) & 0x3ff);
    t->level = e->inst[0].positive || e->inst[2].positive
                   ? XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK
                   : XY__TRIAGE_LEVEL__TRIAGE_LOW_RISK;
    e->ev.body_case = XY__EVENT__BODY_TRIAGE_RECORDED;
    e->ev.triage_recorded = t;
}

static void s_person(xs_event_t *e, uint64_t *rng)
{
    Xy__PersonRegistered *p = &e->person;
    xy__person_registered__init(p);
    xy__place__init(&e->place);
    p->person_id = s_id(e->ids[0], rng);
    p->age_band = (uint32_t)(xs_rand(rng) % 18) * 5;
    p->sex = (Xy__Sex)(1 + xs_rand(rng) % 2);
    p->language = "zh";
    p->vulnerability = (uint32_t)(xs_rand(rng) & 0x7f);
    snprintf(e->site, sizeof e->site, "Shelter %u",
             (unsigned)(xs_rand(rng) % 40));
    e->place.site = e->site;
    p->place = &e->place;
    p->worker = "worker-03";
    e->ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
    e->ev.person_registered = p;
}

static void s_order(xs_event_t *e, uint64_t *rng)
{
    Xy__DeploymentOrdered *o = &e->order;
    xy__deployment_ordered__init(o);
    o->order_id = s_id(e->ids[0], rng);
    o->team_id = s_id(e->ids[1], rng);
    o->zone_id = s_id(e->ids[2], rng);
    snprintf(e->zone_name, sizeof e->zone_name, "Zone %u",
             (unsigned)(xs_rand(rng) % 30));
    o->zone_name = e->zone_name;
    o->explanation = "nearest rested county team with a psychiatrist";
    o->report_by = 1700000000000ull + xs_rand(rng) % 86400000ull;
    e->ev.body_case = XY__EVENT__BODY_DEPLOYMENT_ORDERED;
    e->ev.deployment_ordered = o;
}

static void s_assessment(xs_event_t *e, uint64_t *rng)
{
    Xy__AssessmentPublished *a = &e->assessment;
    xy__assessment_published__init(a);
    xy__zone_need__init(&e->zone);
    a->assessment_id = s_id(e->ids[0], rng);
    a->revision = (uint32_t)(xs_rand(rng) % 20);
    e->zone.zone_id = s_id(e->ids[1], rng);
    snprintf(e->zone_name, sizeof e->zone_name, "Zone %u",
             (unsigned)(xs_rand(rng) % 30));
    e->zone.name = e->zone_name;
    e->zone.population = 5000 + xs_rand(rng) % 100000;
    for (int i = 0; i < 5; i++)
        e->tiers[i] = e->zone.population / (uint64_t)(10 - i);
    e->zone.n_tier_counts = 5;
    e->zone.tier_counts = e->tiers;
    e->zone.workers_needed = (uint32_t)(e->zone.population / 2000);
    e->zone_p[0] = &e->zone;
    a->n_zones = 1;
    a->zones = e->zone_p;
    a->parameters_version = "rates-2024.1";
    a->population_total = e->zone.population;
    e->ev.body_case = XY__EVENT__BODY_ASSESSMENT_PUBLISHED;
    e->ev.assessment_published = a;
}

void xs_event_make(xs_event_t *e, xs_kind_t k, uint64_t *rng,
                   const uint8_t *incident)
{
    memset(e, 0, sizeof *e);
    xy__event__init(&e->ev);
    if (incident) {
        memcpy(e->incident, incident, XY_ID_LEN);
        e->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, e->incident};
    }
    e->ev.author = "worker-03";
    switch (k) {
    case XS_PERSON:
        s_person(e, rng);
        break;
    case XS_TRIAGE:
        s_triage(e, rng);
        break;
    case XS_RED_FLAG:
        xy__red_flag_raised__init(&e->flag);
        e->flag.flag_id = s_id(e->ids[0], rng);
        e->flag.person_id = s_id(e->ids[1], rng);
        e->flag.triage_id = s_id(e->ids[2], rng);
        e->flag.reason = "C-SSRS: active ideation with a plan";
        e->ev.body_case = XY__EVENT__BODY_RED_FLAG_RAISED;
        e->ev.red_flag_raised = &e->flag;
        break;
    case XS_ORDER:
        s_order(e, rng);
        break;
    case XS_ASSESSMENT:
        s_assessment(e, rng);
        break;
    case XS_TEAM:
        xy__team_registered__init(&e->team);
        e->team.team_id = s_id(e->ids[0], rng);
        e->team.name = "Mianyang county crisis team";
        e->team.level = XY__TEAM_LEVEL__TEAM_COUNTY;
        e->team.max_deployed_days = 14;
        e->team.min_rest_days = 3;
        e->ev.body_case = XY__EVENT__BODY_TEAM_REGISTERED;
        e->ev.team_registered = &e->team;
        break;
    }
}

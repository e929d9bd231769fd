/* Impact assessment: from a hazard footprint and the county layer (geo/),
 * the zones of an incident (one per county per band), the people of each
 * zone in the exposure tiers A-E (estimated from the parameters, replaced
 * by field counts as triage arrives), the workers, team-days and
 * psychiatrists each zone needs, a ranking by need and a proposed response
 * level. An assessment becomes an AssessmentPublished event that every
 * agent receives; the "assessments" view keeps each incident's latest.
 * Pure: no file, no clock. docs/assessment.md describes the method. */
#ifndef XY_DOMAIN_ASSESSMENT_H
#define XY_DOMAIN_ASSESSMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/assess_params.h"
#include "domain/domain_event.h"
#include "domain/model.h"
#include "geo/geo_footprint.h"
#include "geo/geo_layer.h"

#define ASSESSMENT_MAX_ZONES 2000 /* county x band zones in one assessment */
#define ASSESSMENT_REASON_MAX 256 /* level reason, bytes with the NUL */

typedef struct assessment_zone {
    domain_id_t id;                /* BLAKE2b-128 of incident, county, band */
    int32_t county_code;           /* GB/T 2260 code */
    char name[GEO_LAYER_MAX_NAME]; /* county name (Chinese) */
    int level;                     /* band: intensity, or ring number */
    double area_km2;               /* county area inside the band */
    double population;             /* area-weighted 2020 census people */
    double density;                /* the county's people per km² */
    uint64_t estimate[ASSESS_TIERS]; /* tiers from the rates */
    uint64_t field[ASSESS_TIERS];    /* tiers counted in the field */
    uint64_t tiers[ASSESS_TIERS];    /* max(estimate, field) */
    uint32_t workers;              /* crisis-intervention workers needed */
    double team_days;              /* teams x acute days */
    uint32_t psychiatrists;        /* psychiatrists needed (tiers A, B) */
    double priority;               /* ranking score, larger first */
} assessment_zone_t;

typedef struct assessment_totals {
    double population;             /* people in all zones */
    uint64_t tiers[ASSESS_TIERS];  /* sum over zones */
    uint64_t workers;              /* sum over zones */
    double team_days;              /* sum over zones */
    uint64_t psychiatrists;        /* sum over zones */
} assessment_totals_t;

typedef struct assessment assessment_t;

/* Field counts of an incident per zone and tier (docs/assessment.md,
 * "Field counts"). */
typedef struct assessment_field assessment_field_t;

typedef struct assessment_input {
    const domain_id_t *incident; /* zone ids derive from it */
    int hazard;                  /* XY__HAZARD_TYPE__* */
    double magnitude;            /* Ms, for earthquakes; 0 otherwise */
} assessment_input_t;

/* Computes the assessment of fp over layer with parameters p and the field
 * counts (may be NULL). All inputs are borrowed for the call; *out is owned
 * by the caller (assessment_destroy). Zones are ranked by priority (the
 * workers needed before rounding), then band, then county code. Errors
 * with err filled: XY_EDOMAIN (the footprint has no band: an earthquake
 * below intensity VI), XY_EOUTSIDE (no county of the data in the
 * footprint), XY_ETOOBIG (more than ASSESSMENT_MAX_ZONES), XY_EGEOM. */
int assessment_compute(assessment_t **out, const assessment_input_t *in,
                       const geo_layer_t *layer, const geo_footprint_t *fp,
                       const assess_params_t *p,
                       const assessment_field_t *field, domain_error_t *err);

/* Frees *self_p and nulls it; safe on NULL and twice. */
void assessment_destroy(assessment_t **self_p);

/* Zones in rank order (i < count); borrowed for the assessment's life. */
size_t assessment_zone_count(const assessment_t *a);
const assessment_zone_t *assessment_zone(const assessment_t *a, size_t i);
const assessment_totals_t *assessment_totals(const assessment_t *a);

/* Proposed response level 1..4 (I..IV) and why, in English and Chinese
 * (static for the assessment's life). */
int assessment_level(const assessment_t *a);
const char *assessment_level_reason(const assessment_t *a, bool zh);

/* Revision and parameters version (a computed assessment has the revision
 * given to assessment_publish, 0 before). */
uint32_t assessment_revision(const assessment_t *a);

/* The summary an incident commander reads: hazard, proposed level and why,
 * people by band, tier totals, needs, and the zones ranked (at most top;
 * 0: all). A new JSON object owned by the caller. */
json_t *assessment_json(const assessment_t *a, size_t top);

/* The AssessmentPublished event and everything it points into. Strings
 * are borrowed from the assessment, which must outlive it. */
typedef struct assessment_event {
    Xy__Event ev;                   /* ready to write */
    Xy__AssessmentPublished body;   /* its body */
    Xy__ZoneNeed *zones;            /* owned, one per zone */
    Xy__ZoneNeed **zone_ptrs;       /* owned */
    uint64_t (*tiers)[ASSESS_TIERS]; /* owned tier counts per zone */
    char (*codes)[12];              /* owned county codes as text */
    char (*names)[GEO_LAYER_MAX_NAME + 16]; /* owned zone names */
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t assessment_id[DOMAIN_ID_LEN];
} assessment_event_t;

/* Builds the AssessmentPublished event of a for incident (revision: the
 * latest held plus one, from 1). *out is owned by the caller
 * (assessment_event_destroy); a's revision becomes revision. */
void assessment_publish(assessment_event_t **out, assessment_t *a,
                        const domain_id_t *incident,
                        const domain_id_t *assessment_id, uint32_t revision,
                        bool exercise, const char *author);
void assessment_event_destroy(assessment_event_t **self_p);

/* The latest assessment held for incident, rebuilt from the view (zones,
 * tiers, needs, level; no areas or densities). *out is owned by the caller.
 * XY_ENOENT when none, XY_ECORRUPT. */
int assessment_latest(view_txn_t *vt, const domain_model_t *m,
                      const domain_id_t *incident, assessment_t **out);

/* Reads the field counts of incident from the person, place and triage
 * views. *out is owned by the caller (assessment_field_destroy). */
int assessment_field_read(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *incident,
                          assessment_field_t **out);

/* An empty set of field counts, and adding n people of tier to a zone
 * (what assessment_field_read does per person). */
assessment_field_t *assessment_field_new(void);
void assessment_field_add(assessment_field_t *f, const domain_id_t *zone,
                          int tier, uint64_t n);
void assessment_field_destroy(assessment_field_t **self_p);

/* People of tier counted in the field in zone; 0 when f is NULL. */
uint64_t assessment_field_get(const assessment_field_t *f,
                              const domain_id_t *zone, int tier);

/* The zone id of county code in band level of incident: the first 16 bytes
 * of BLAKE2b("xinyuan.zone.v1" | incident | code | level). */
void assessment_zone_id(domain_id_t *out, const domain_id_t *incident,
                        int32_t code, int level);

/* Registers the "assessments" view (incident -> LWW [exercise] packed
 * AssessmentPublished) and its reducer; called by domain_model_new. */
void assessment_model_register(domain_model_t *m);

#endif

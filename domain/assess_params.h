/* Parameters of impact assessment: the rates that share a zone's people out
 * among the exposure tiers A-E, the people one crisis-intervention worker
 * or psychiatrist can serve per tier, team size and acute-phase length, and
 * the thresholds of the response-level rule. Built-in defaults are planning
 * assumptions (docs/assessment.md says where each comes from); a JSON file
 * can replace any of them and must name its version, which every
 * AssessmentPublished event records. Pure: the caller reads the file. */
#ifndef XY_DOMAIN_ASSESS_PARAMS_H
#define XY_DOMAIN_ASSESS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/domain_event.h"

#define ASSESS_TIERS 5                     /* tiers A..E */
#define ASSESS_VERSION_MAX 64              /* version bytes with the NUL */
#define ASSESS_PARAMS_MAX_BYTES (64 * 1024) /* largest parameters file */
#define ASSESS_QUAKE_MIN 6                 /* lowest intensity band (VI) */
#define ASSESS_QUAKE_MAX 12                /* highest intensity band (XII) */
#define ASSESS_RING_CLASSES 3              /* inner, middle, outer */
#define ASSESS_DEFAULT_VERSION "xy-assess-2025.1"

typedef enum assess_tier {
    ASSESS_TIER_A = 0, /* injured and bereaved */
    ASSESS_TIER_B = 1, /* highly exposed survivors and evacuees */
    ASSESS_TIER_C = 2, /* responders and extended family */
    ASSESS_TIER_D = 3, /* lost homes or jobs; local services */
    ASSESS_TIER_E = 4, /* the wider community */
} assess_tier_t;

typedef struct assess_params {
    char version[ASSESS_VERSION_MAX]; /* recorded in every assessment */
    double quake_rates[ASSESS_QUAKE_MAX + 1][ASSESS_TIERS]; /* [VI..XII] */
    double ring_rates[ASSESS_RING_CLASSES][ASSESS_TIERS]; /* inner..outer */
    double people_per_worker[ASSESS_TIERS]; /* one worker per N, per tier */
    double people_per_psychiatrist[2];      /* tiers A and B */
    double team_size;                       /* workers in one team */
    double acute_days;                      /* length of the acute phase */
    double dense_per_km2;    /* 人口密集: county density at least this */
    double populous_per_km2; /* 人口较密集: at least this */
    double exposed_level[3]; /* people exposed for levels I, II, III */
} assess_params_t;

/* Fills p with the built-in planning defaults (version
 * ASSESS_DEFAULT_VERSION). */
void assess_params_default(assess_params_t *p);

/* Reads a parameters file's text (len bytes, borrowed, need not be
 * NUL-terminated) over the defaults in p: "version" is required, every
 * other key is optional and replaces its default; an unknown key is
 * refused. Checks: rates in 0..1 with each band's five rates summing to at
 * most 1; ratios, team size and days positive and finite; dense above
 * populous; level thresholds decreasing. On error p is left as it was and
 * err names the key: XY_ETOOBIG (over ASSESS_PARAMS_MAX_BYTES), XY_EPARSE
 * (not JSON), XY_EINVAL (unknown key, wrong type, value out of range),
 * XY_EMISSING (no version). */
int assess_params_parse(assess_params_t *p, const char *text, size_t len,
                        domain_error_t *err);

/* The rates for a band: an earthquake intensity (6..12; above 12 reads 12)
 * or, for other hazards, a ring number (1 inner, 2 middle, 3+ outer; a
 * drawn polygon is ring 1). Borrowed from p. */
const double *assess_params_rates(const assess_params_t *p, bool quake,
                                  int level);

/* Tier letter "A".."E" and its names. Static strings. */
const char *assess_tier_letter(int tier);
const char *assess_tier_name_en(int tier);
const char *assess_tier_name_zh(int tier);

#endif

/* Triage rules: from scored instruments (screening.h), PsySTART-style risk
 * factors and vulnerability, the level IMMEDIATE / HIGH_RISK / LOW_RISK,
 * whether a red flag must reach a human, why, and what the worker does now
 * (English and Simplified Chinese, shown offline by the field agent). The
 * rules are versioned (TRIAGE_RULES_VERSION, stored with every record) and
 * each one is written, with its rationale, in docs/screening.md. Pure
 * function over plain structs: no I/O, no clock, no allocation. */
#ifndef XY_DOMAIN_TRIAGE_H
#define XY_DOMAIN_TRIAGE_H

#include "domain/screening.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The rule set this code implements; a change of any rule changes it. */
#define TRIAGE_RULES_VERSION "xy-triage-1"

#define TRIAGE_MAX_RESULTS 16  /* most instrument results in one triage */
#define TRIAGE_REASON_MAX 1024 /* size of each reason buffer, with NUL */

/* Levels; the values are those of TriageLevel in proto/event.proto. */
typedef enum triage_level {
    TRIAGE_UNSPECIFIED = 0,
    TRIAGE_IMMEDIATE = 1,
    TRIAGE_HIGH_RISK = 2,
    TRIAGE_LOW_RISK = 3,
} triage_level_t;

/* PsySTART-style risk factors (TriageRecorded.risk_factors). Bits 0-10
 * are the items of the "PsySTART" instrument, in item order. */
enum triage_factor {
    TRIAGE_FACTOR_PANIC = 1u << 0,          /* felt extreme panic or fear */
    TRIAGE_FACTOR_THREAT_TO_LIFE = 1u << 1, /* felt direct threat to life */
    TRIAGE_FACTOR_TRAPPED = 1u << 2,        /* trapped or delayed evacuation */
    TRIAGE_FACTOR_INJURED = 1u << 3,        /* injured */
    TRIAGE_FACTOR_SAW_DEATH = 1u << 4,   /* saw/heard death or serious injury */
    TRIAGE_FACTOR_DEATH_CLOSE = 1u << 5, /* family member or friend died */
    TRIAGE_FACTOR_MISSING_CLOSE = 1u << 6, /* family member missing */
    TRIAGE_FACTOR_HOME_LOST = 1u << 7,     /* home lost or displaced */
    TRIAGE_FACTOR_SEPARATED = 1u << 8,     /* child separated from caregiver */
    TRIAGE_FACTOR_PRIOR_HISTORY = 1u << 9, /* prior trauma or mental illness */
    TRIAGE_FACTOR_ONGOING_STRESS = 1u << 10, /* ongoing stressors */
    /* Not an exposure factor: the worker judges the person acutely
     * suicidal, which overrides everything (PsySTART). */
    TRIAGE_FACTOR_ACUTE_SUICIDALITY = 1u << 16,
};

#define TRIAGE_FACTORS_EXPOSURE 0x7ffu /* bits 0-10 */
#define TRIAGE_FACTORS_ALL                                                     \
    (TRIAGE_FACTORS_EXPOSURE | TRIAGE_FACTOR_ACUTE_SUICIDALITY)

/* Vulnerability; the values are those of Vulnerability in event.proto. */
enum triage_vulnerability {
    TRIAGE_VULN_CHILD = 1u << 0,
    TRIAGE_VULN_OLDER_ADULT = 1u << 1,
    TRIAGE_VULN_PERINATAL = 1u << 2,
    TRIAGE_VULN_DISABILITY = 1u << 3,
    TRIAGE_VULN_BEREAVED = 1u << 4,
    TRIAGE_VULN_MENTAL_ILLNESS = 1u << 5,
    TRIAGE_VULN_PRIOR_TRAUMA = 1u << 6,
};

#define TRIAGE_VULN_ALL 0x7fu

/* The rules of TRIAGE_RULES_VERSION; triage_outcome_t.rules says which
 * fired. docs/screening.md gives each one's rationale. */
enum triage_rule {
    TRIAGE_RULE_I1_SUICIDE_URGENT = 1u << 0,     /* C-SSRS high risk */
    TRIAGE_RULE_I2_ACUTE_SUICIDALITY = 1u << 1,  /* worker's judgement */
    TRIAGE_RULE_H1_SUICIDE_SCREEN = 1u << 2,     /* any suicide-risk flag */
    TRIAGE_RULE_H2_POSITIVE_SCREEN = 1u << 3,    /* symptom screen positive */
    TRIAGE_RULE_H3_SEVERE_EXPOSURE = 1u << 4,    /* injury, loss, trapped... */
    TRIAGE_RULE_H4_MANY_FACTORS = 1u << 5,       /* 3 or more factors */
    TRIAGE_RULE_H5_VULNERABLE_EXPOSED = 1u << 6, /* vulnerable, 2 exposures */
    TRIAGE_RULE_L1_NONE = 1u << 7,               /* none of the above */
};

/* What triage reads. The results are borrowed for the call and must come
 * from screening_score (or screening_draft_score). */
typedef struct triage_input {
    const screening_result_t *results; /* scored instruments, may be NULL */
    size_t n_results;                  /* at most TRIAGE_MAX_RESULTS */
    uint32_t factors;                  /* TRIAGE_FACTOR_* */
    uint32_t vulnerability;            /* TRIAGE_VULN_* */
} triage_input_t;

/* What triage decides. Plain value; the const char pointers are static. */
typedef struct triage_outcome {
    const char *rules_version;         /* TRIAGE_RULES_VERSION */
    triage_level_t level;              /* the level */
    uint32_t rules;                    /* TRIAGE_RULE_* that fired */
    uint32_t factors;                  /* input factors plus PsySTART answers */
    bool red_flag;                     /* a red flag must be raised */
    char reason_en[TRIAGE_REASON_MAX]; /* why this level, English */
    char reason_zh[TRIAGE_REASON_MAX]; /* the same, Simplified Chinese */
    const char *guidance_en;           /* what to do now, English */
    const char *guidance_zh;           /* the same, Simplified Chinese */
} triage_outcome_t;

/* Applies the rules of TRIAGE_RULES_VERSION to *in and fills *out. Returns
 * 0; XY_EINVAL for NULL arguments, more than TRIAGE_MAX_RESULTS results, a
 * result without an instrument, or factor or vulnerability bits this
 * version does not define (*out is untouched then). */
int triage_assess(const triage_input_t *in, triage_outcome_t *out);

/* Short name of one rule bit ("I1", "H3"), or NULL for anything else. */
const char *triage_rule_name(uint32_t rule);

/* Name of a level ("IMMEDIATE"), English and Chinese; "UNSPECIFIED"
 * (未指定) for anything else. Static strings. */
const char *triage_level_en(triage_level_t level);
const char *triage_level_zh(triage_level_t level);

#endif

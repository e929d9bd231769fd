/* Recording a triage: the worker's answers to one or more instruments are
 * scored (screening.h), the rules decide the level (triage.h), and the
 * result becomes a TriageRecorded event, plus a RedFlagRaised event when
 * the rules say a human must act now. Everything the two events point at
 * lives inside triage_record_t; strings of the input are borrowed. */
#ifndef XY_DOMAIN_TRIAGE_RECORD_H
#define XY_DOMAIN_TRIAGE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/domain_event.h"
#include "domain/triage.h"

/* One instrument's answers, in item order; SCREENING_MISSING for an item
 * not answered (a screen with one is refused: drafts are not recorded). */
typedef struct triage_screen {
    const char *instrument; /* "PHQ-9", "C-SSRS", ... (screening_find) */
    const int *answers;
    size_t n;
} triage_screen_t;

typedef struct triage_record_input {
    const domain_id_t *incident;    /* the person's incident */
    const domain_id_t *person;      /* who was screened */
    const triage_screen_t *screens; /* at most TRIAGE_MAX_RESULTS */
    size_t n_screens;
    uint32_t factors;               /* TRIAGE_FACTOR_* seen by the worker */
    uint32_t vulnerability;         /* TRIAGE_VULN_* of the person */
    bool exercise;                  /* a drill record */
    const char *author;             /* user id of the worker */
} triage_record_input_t;

typedef struct triage_record {
    triage_outcome_t outcome;       /* level, flag, reasons, guidance */
    screening_result_t results[TRIAGE_MAX_RESULTS]; /* scored screens */
    size_t n_results;
    Xy__Event triage;               /* TriageRecorded, ready to write */
    Xy__TriageRecorded body;
    Xy__InstrumentResult instruments[TRIAGE_MAX_RESULTS];
    Xy__InstrumentResult *instrument_ptrs[TRIAGE_MAX_RESULTS];
    uint8_t answers[TRIAGE_MAX_RESULTS][SCREENING_MAX_ITEMS];
    bool has_flag;                  /* flag below is to be written too */
    Xy__Event flag;                 /* RedFlagRaised */
    Xy__RedFlagRaised flag_body;
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t person_id[DOMAIN_ID_LEN];
    uint8_t triage_id[DOMAIN_ID_LEN];
    uint8_t flag_id[DOMAIN_ID_LEN];
} triage_record_t;

/* Scores, triages and fills out. triage_id and flag_id are fresh random
 * ids from the caller. Errors (err names the instrument and item):
 * XY_EINVAL (unknown instrument, the same instrument twice, too many
 * screens, missing person), XY_EANSWER, XY_EINCOMPLETE. */
int triage_record_build(triage_record_t *out, const domain_id_t *triage_id,
                        const domain_id_t *flag_id,
                        const triage_record_input_t *in, domain_error_t *err);

#endif

/* Closing a person's case (结案) and reopening it, and the phase of a zone
 * (acute or recovery). A case is closed with a reason (CaseClosed); it is
 * open again when a red flag for the person (RedFlagRaised) or a
 * CaseReopened carries a greater (hlc, origin) than the winning closure.
 * The rule reads only a last-writer-wins register (the closure) and a
 * maximum (the latest flag or reopening), so every node agrees whatever
 * order the events arrive in (docs/followup.md, "Closure"). */
#ifndef XY_DOMAIN_CASE_H
#define XY_DOMAIN_CASE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define CASE_NOTE_MAX 500
#define CASE_REASON_MAX (32 + 2 + CASE_NOTE_MAX)

typedef struct case_event {
    Xy__Event ev;                        /* ready to write */
    Xy__CaseClosed closed;
    Xy__CaseReopened reopened;
    Xy__ZonePhaseChanged phase;
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t subject_id[DOMAIN_ID_LEN];   /* person or zone */
    char reason[CASE_REASON_MAX + 1];    /* "code" or "code: note" */
} case_event_t;

typedef struct case_state {
    bool closed;                 /* closed and not reopened since */
    bool reopened;               /* was closed, then a flag or reopening */
    uint64_t closed_hlc;         /* hlc of the winning closure; 0: none */
    uint64_t last_flag_hlc;      /* latest red flag or reopening; 0: none */
    char reason[CASE_REASON_MAX + 1]; /* of the winning closure */
} case_state_t;

/* The closure reasons: recovered, referred_on, declined, moved, lost,
 * deceased, other. True when code is one. */
bool case_reason_known(const char *code);

/* Builds CaseClosed for person with reason code and an optional note.
 * XY_ESTATE when st says the case is closed already; errors name the field
 * (reason, note). */
int case_close(case_event_t *out, const domain_id_t *person,
               const domain_id_t *incident, const case_state_t *st,
               const char *code, const char *note, bool exercise,
               const char *author, domain_error_t *err);

/* Builds CaseReopened. XY_ESTATE when the case is not closed. */
int case_reopen(case_event_t *out, const domain_id_t *person,
                const domain_id_t *incident, const case_state_t *st,
                const char *why, bool exercise, const char *author,
                domain_error_t *err);

/* Builds ZonePhaseChanged of zone to phase (Xy__Phase). */
void case_zone_phase(case_event_t *out, const domain_id_t *zone,
                     const domain_id_t *incident, int phase, bool exercise,
                     const char *author);

/* Reads the case state of person (all zeros when nothing is held). */
int case_state(view_txn_t *vt, const domain_model_t *m,
               const domain_id_t *person, case_state_t *out);

/* The phase held for zone (Xy__Phase; PHASE_UNSPECIFIED when none). */
int case_zone_phase_get(view_txn_t *vt, const domain_model_t *m,
                        const domain_id_t *zone);

void case_reducers(domain_model_t *m);

#endif

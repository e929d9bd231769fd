/* Builders of realistic field and command-center events for the multi-process
 * sync tests, their writer helper and the sync bench: registrations, triage
 * records with screening answers (PHQ-9, GAD-7, PCL-5), red flags, orders,
 * assessments and team registrations. Every id comes from a seeded generator,
 * so a run can be replayed. */
#ifndef XY_SYNC_EVENTS_H
#define XY_SYNC_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/codec.h"

typedef enum xs_kind {
    XS_PERSON = 1,     /* PersonRegistered */
    XS_TRIAGE = 2,     /* TriageRecorded with three instruments */
    XS_RED_FLAG = 3,   /* RedFlagRaised (urgent) */
    XS_ORDER = 4,      /* DeploymentOrdered (urgent, fanned out) */
    XS_ASSESSMENT = 5, /* AssessmentPublished (fanned out) */
    XS_TEAM = 6,       /* TeamRegistered: a registry event, no incident */
} xs_kind_t;

/* One event and every sub-message it points to, inline: the envelope's
 * pointers stay valid while the xs_event_t lives and is not moved. */
typedef struct xs_event {
    Xy__Event ev;
    Xy__PersonRegistered person;
    Xy__Place place;
    Xy__TriageRecorded triage;
    Xy__InstrumentResult inst[3];
    Xy__InstrumentResult *inst_p[3];
    Xy__RedFlagRaised flag;
    Xy__DeploymentOrdered order;
    Xy__AssessmentPublished assessment;
    Xy__ZoneNeed zone;
    Xy__ZoneNeed *zone_p[1];
    uint64_t tiers[5];
    Xy__TeamRegistered team;
    uint8_t incident[XY_ID_LEN];
    uint8_t ids[4][XY_ID_LEN];
    uint8_t answers[3][20];
    char site[32];
    char zone_name[32];
} xs_event_t;

/* A small deterministic generator (splitmix64). */
uint64_t xs_rand(uint64_t *state);

/* Fills e with an event of kind k. incident may be NULL (no incident: only
 * sensible for XS_TEAM). The caller sets nothing else: origin, seq and hlc
 * are the log's to write. */
void xs_event_make(xs_event_t *e, xs_kind_t k, uint64_t *rng,
                   const uint8_t *incident);

#endif

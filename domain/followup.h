/* Follow-up after a handoff (随访): a schedule of contacts per risk level,
 * counted in the China Standard Time calendar from the day the handoff was
 * proposed (civil_date.h); FollowUpScheduled events the accepting node
 * writes with ids derived from the handoff, so that two nodes accepting the
 * same handoff schedule the same follow-ups, not twice as many; an index by
 * due time so "due before T" is a range scan; FollowUpDone recording the
 * outcome (done, missed, lost to follow-up) with the re-screens of the
 * contact. Overdue is a pure function of the views, now and a grace
 * period: nothing is held in memory, so a restart loses nothing
 * (docs/followup.md). */
#ifndef XY_DOMAIN_FOLLOWUP_H
#define XY_DOMAIN_FOLLOWUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/domain_event.h"
#include "domain/handoff.h"
#include "domain/model.h"
#include "domain/screening.h"
#include "domain/triage_record.h"

#define FOLLOWUP_SCHEDULE_MAX 12   /* contacts in one schedule */
#define FOLLOWUP_SPEC_MAX 128      /* bytes of a schedule as text */
#define FOLLOWUP_RESCREEN_MAX 4    /* instruments re-screened at a contact */
#define FOLLOWUP_GRACE_DEFAULT_MS (3ull * 24 * 3600 * 1000)

/* One offset of a schedule: n days, weeks or months. */
typedef struct followup_offset {
    char unit;   /* 'd', 'w' or 'm' */
    int n;       /* 1..3650 days, 1..520 weeks, 1..120 months */
} followup_offset_t;

typedef struct followup_schedule {
    size_t n;                                   /* offsets */
    followup_offset_t at[FOLLOWUP_SCHEDULE_MAX]; /* in increasing order */
} followup_schedule_t;

/* Outcomes, in the order of the lattice the view keeps. */
typedef enum followup_outcome {
    FOLLOWUP_PENDING = 0, /* nothing recorded */
    FOLLOWUP_MISSED = 1,  /* the contact did not happen */
    FOLLOWUP_LOST = 2,    /* the person could not be found */
    FOLLOWUP_DONE = 3,    /* the contact happened */
} followup_outcome_t;

/* Parses "1w,1m,3m,6m,12m" (d days, w weeks, m months; increasing).
 * Errors name the field "schedule". */
int followup_schedule_parse(const char *spec, followup_schedule_t *out,
                            domain_error_t *err);

/* The default schedule of a triage level (Xy__TriageLevel): immediate
 * 1w,2w,1m,3m,6m,12m; high risk 1w,1m,3m,6m,12m; low risk and untriaged
 * 1m,3m,6m. */
void followup_schedule_default(int level, followup_schedule_t *out);

/* Due times (00:00 CST of each due day) of s counted from the CST day of
 * from_ms; months clamp to the month's end. XY_ERANGE past year 9999. */
int followup_due_times(const followup_schedule_t *s, uint64_t from_ms,
                       uint64_t due[FOLLOWUP_SCHEDULE_MAX]);

/* The scheduled follow-ups of one accepted handoff, ready to write. */
typedef struct followup_plan {
    size_t n;
    Xy__Event ev[FOLLOWUP_SCHEDULE_MAX];
    Xy__FollowUpScheduled sched[FOLLOWUP_SCHEDULE_MAX];
    uint8_t ids[FOLLOWUP_SCHEDULE_MAX][DOMAIN_ID_LEN];
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t person_id[DOMAIN_ID_LEN];
    uint8_t service_id[DOMAIN_ID_LEN];
} followup_plan_t;

/* Builds the FollowUpScheduled events of h on schedule s, counted from the
 * day of the proposal. The k-th follow-up's id is a BLAKE2b hash of the
 * handoff id and k, so nodes accepting one handoff agree. */
int followup_plan(followup_plan_t *out, const handoff_view_t *h,
                  const followup_schedule_t *s, const char *author);

/* What a node holds of one follow-up. */
typedef struct followup_view {
    domain_id_t id, incident, person, service;
    uint64_t due_at;                  /* ms, 00:00 CST of the due day */
    bool exercise;
    followup_outcome_t outcome;
    uint64_t done_hlc;                /* hlc of the winning outcome */
    size_t n_rescreen;
    struct {
        char instrument[SCREENING_NAME_MAX];
        int score;
    } rescreen[FOLLOWUP_RESCREEN_MAX]; /* of the winning outcome */
} followup_view_t;

/* The recorded outcome of a follow-up, ready to write. */
typedef struct followup_done_event {
    Xy__Event ev;
    Xy__FollowUpDone done;
    Xy__InstrumentResult res[FOLLOWUP_RESCREEN_MAX];
    Xy__InstrumentResult *resp[FOLLOWUP_RESCREEN_MAX];
    uint8_t answers[FOLLOWUP_RESCREEN_MAX][SCREENING_MAX_ITEMS];
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t follow_up_id[DOMAIN_ID_LEN];
} followup_done_event_t;

/* Builds FollowUpDone of f with outcome "done", "missed" or "lost" and the
 * re-screens (scored here; only with "done"). XY_ESTATE when the outcome
 * does not move the follow-up forward (missed < lost < done); errors name
 * the field (outcome, screen). */
int followup_done(followup_done_event_t *out, const followup_view_t *f,
                  const char *outcome, const triage_screen_t *screens,
                  size_t n, const char *author, domain_error_t *err);

const char *followup_outcome_name(followup_outcome_t o);

/* True when f has no outcome and its due day plus grace_ms has passed at
 * now_ms: now_ms >= due_at + one day + grace_ms. */
bool followup_overdue(const followup_view_t *f, uint64_t now_ms,
                      uint64_t grace_ms);

/* Looks a follow-up up. XY_ENOENT when not held. */
int followup_find(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *id, followup_view_t *out);

/* Calls fn for every follow-up due before before_ms (UINT64_MAX: all), in
 * due order, with a range scan of the due index; or for those of person in
 * due order when person is not NULL. fn returns 0 to go on, 1 to stop, or
 * an error. */
int followup_each(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *person, uint64_t before_ms,
                  int (*fn)(const followup_view_t *f, void *arg), void *arg);

/* Which follow-ups followup_list shows. */
typedef enum followup_filter {
    FOLLOWUP_ALL = 0,
    FOLLOWUP_DUE = 1,     /* no outcome, due day reached at now */
    FOLLOWUP_OVERDUE = 2, /* followup_overdue */
} followup_filter_t;

/* A new JSON array of follow-ups {id, person, service, due, due_at,
 * outcome, overdue, rescreen, exercise} of open cases, by due time; only
 * those of service when not NULL. */
json_t *followup_list(view_txn_t *vt, const domain_model_t *m,
                      followup_filter_t filter, const domain_id_t *service,
                      uint64_t now_ms, uint64_t grace_ms);

void followup_reducers(domain_model_t *m);

#endif

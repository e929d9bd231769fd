/* The crisis-intervention model as core sees it: the set of views and the
 * reducers that fold events into them. Daemons create one model and hand its
 * view set to the event log; readers use the view indexes to query. Reducers
 * are order-independent (DESIGN.md, "Events"): registers are
 * last-writer-wins by (hlc, origin), counts follow the winners. */
#ifndef XY_DOMAIN_MODEL_H
#define XY_DOMAIN_MODEL_H

#include "core/view.h"

/* The version of what the domain's reducers store. Bump it with every
 * change to what a reducer writes: a store folded by the older reducers is
 * then folded again when opened (view_set_version, event_log_open). */
#define DOMAIN_VIEWS_VERSION 1

typedef struct domain_model {
    view_set_t *views;   /* owned */
    int incidents;       /* incident_id -> LWW [exercise] IncidentDeclared */
    int incident_levels; /* incident_id -> LWW [level] */
    int persons;         /* person_id -> LWW [exercise][incident] Person.. */
    int person_places;   /* person_id -> LWW [incident] Place */
    int site_counts;     /* incident_id | site -> persons there now */
    int triage_latest;   /* person_id -> LWW [level][incident] */
    int triage_counts;   /* incident_id | level -> persons at that level */
    int red_flags;       /* flag_id -> [exercise][incident] RedFlagRaised */
    int red_flag_acks;   /* flag_id -> LWW RedFlagAcknowledged */
    int assessments;     /* incident_id -> LWW [exercise] AssessmentPublished */
    int person_links;    /* link_id -> status | a | b | score */
    int person_link_index; /* person_id | link_id -> "" */
    int encounters;      /* person_id | encounter_id -> EncounterRecorded */
    int referrals;       /* referral_id -> LWW [exercise][incident] Made */
    int referral_status; /* referral_id -> max (status, hlc, origin) note */
    int teams;           /* team_id -> LWW [exercise] TeamRegistered */
    int team_status;     /* team_id -> LWW [readiness] */
    int team_positions;  /* team_id -> LWW PositionReported */
    int orders;          /* order_id -> LWW [exercise][incident] Ordered */
    int order_acks;      /* order_id -> LWW DeploymentAcked */
    int services;        /* service_id -> LWW [exercise] ServiceRegistered */
    int handoffs;        /* handoff_id -> LWW [exercise][incident] Proposed */
    int handoff_status;  /* handoff_id -> max (status, hlc, origin) by|why */
    int handoff_person;  /* person_id | handoff_id -> "" */
    int followups;       /* follow_up_id -> LWW [exercise][incident] Sched. */
    int followup_due;    /* due_at (BE) | follow_up_id -> "" */
    int followup_person; /* person_id | due_at | follow_up_id -> "" */
    int followup_done;   /* follow_up_id -> max (outcome, hlc, origin) Done */
    int cases_closed;    /* person_id -> LWW closure reason */
    int case_activity;   /* person_id -> max (hlc, origin) flag or reopen */
    int zone_phases;     /* zone_id -> LWW [phase][incident] */
    int audits;          /* person_id | audit_id -> LWW PersonalDataViewed */
    int exercise_marks;  /* incident_id -> flags of events held (exercise.h) */
} domain_model_t;

/* Creates the model with every view and reducer. The caller owns it. */
domain_model_t *domain_model_new(void);
void domain_model_destroy(domain_model_t **m);

#endif

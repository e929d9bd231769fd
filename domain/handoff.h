/* Handoffs of a person to a community service (转介到社区服务):
 * proposed from the field or the command center (HandoffProposed, carrying
 * a summary of triage history, current risk, preferences and consent),
 * then accepted or declined by the receiving service (HandoffAccepted,
 * HandoffDeclined).
 * The status is a lattice that only moves forward: proposed < declined <
 * accepted. The view keeps the greatest (status, hlc, origin), so when one
 * node accepts and another declines the same handoff concurrently, every
 * node shows it accepted, whatever order the two events arrive in (a person
 * a service has taken on is never dropped by a decline it did not see); the
 * decline stays in the log. docs/followup.md maps these states onto FHIR
 * ServiceRequest.status and Task.status. */
#ifndef XY_DOMAIN_HANDOFF_H
#define XY_DOMAIN_HANDOFF_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define HANDOFF_SUMMARY_MAX 2000
#define HANDOFF_PREFS_MAX 500
#define HANDOFF_BY_MAX 100
#define HANDOFF_REASON_MAX 500

typedef enum handoff_status {
    HANDOFF_PROPOSED = 0, /* waiting for the service */
    HANDOFF_DECLINED = 1, /* refused; propose to another service */
    HANDOFF_ACCEPTED = 2, /* the service owns the follow-up */
} handoff_status_t;

typedef struct handoff_input {
    const domain_id_t *incident; /* the person's incident */
    const domain_id_t *person;
    const domain_id_t *service;  /* the receiving service */
    const char *summary;         /* handoff_summary(), or typed */
    int level;                   /* Xy__TriageLevel now (0: untriaged) */
    bool consent;                /* the person agreed to the handoff */
    bool exercise;
    const char *author;
} handoff_input_t;

typedef struct handoff_event {
    Xy__Event ev;                       /* ready to write */
    Xy__HandoffProposed proposed;
    Xy__HandoffAccepted accepted;
    Xy__HandoffDeclined declined;
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t handoff_id[DOMAIN_ID_LEN];
    uint8_t person_id[DOMAIN_ID_LEN];
    uint8_t service_id[DOMAIN_ID_LEN];
} handoff_event_t;

/* What a node holds of one handoff. */
typedef struct handoff_view {
    domain_id_t id, incident, person, service;
    int level;                        /* Xy__TriageLevel at the proposal */
    bool consent, exercise;
    uint64_t proposed_hlc;            /* hlc of the proposal */
    handoff_status_t status;
    char by[HANDOFF_BY_MAX + 1];      /* who accepted or declined */
    char reason[HANDOFF_REASON_MAX + 1]; /* why declined */
    char summary[HANDOFF_SUMMARY_MAX + 1];
} handoff_view_t;

/* Builds HandoffProposed. Errors name the field (summary, level):
 * XY_EMISSING, XY_ETOOBIG, XY_EINVAL. */
int handoff_propose(handoff_event_t *out, const domain_id_t *id,
                    const handoff_input_t *in, domain_error_t *err);

/* Builds HandoffAccepted (accept) or HandoffDeclined (!accept, with a
 * reason) of h by the named person. XY_ESTATE when h is no longer
 * proposed (accepted or declined already here); errors name the field. */
int handoff_answer(handoff_event_t *out, const handoff_view_t *h,
                   bool accept, const char *by, const char *reason,
                   const char *author, domain_error_t *err);

/* Writes into buf (at most HANDOFF_SUMMARY_MAX + 1 bytes) the summary a
 * handoff of person carries: current risk (latest triage), when the last
 * red flag was raised, encounters held, preferences and consent. prefs may
 * be NULL. Returns 0 or a store error. */
int handoff_summary(view_txn_t *vt, const domain_model_t *m,
                    const domain_id_t *person, const char *prefs,
                    bool consent, char *buf, size_t len);

/* What proposing a handoff of person to service needs from the store:
 * the person's incident, vulnerability and exercise flag, whether the
 * service is held, the latest triage level (0: untriaged), whether a handoff
 * is already proposed or accepted, and the summary it would carry. */
typedef struct handoff_context {
    domain_id_t person, service;  /* in */
    const char *prefs;            /* in, may be NULL */
    bool consent;                 /* in */
    domain_id_t incident;         /* out */
    uint32_t vulnerability;       /* out */
    bool exercise, have_service, active; /* out */
    int level;                    /* out */
    char summary[HANDOFF_SUMMARY_MAX + 1]; /* out */
} handoff_context_t;

/* Fills the outputs of c. XY_ENOENT when the person is not held; a store
 * error otherwise, else 0 (have_service says whether the service is). */
int handoff_context_read(view_txn_t *vt, const domain_model_t *m,
                         handoff_context_t *c);

/* Looks a handoff up. XY_ENOENT when its proposal is not held. */
int handoff_find(view_txn_t *vt, const domain_model_t *m,
                 const domain_id_t *id, handoff_view_t *out);

/* Calls fn for each handoff of person (all handoffs when person is NULL),
 * in id order; fn returns 0 to go on, 1 to stop, or an error. */
int handoff_each(view_txn_t *vt, const domain_model_t *m,
                 const domain_id_t *person,
                 int (*fn)(const handoff_view_t *h, void *arg), void *arg);

/* True in *active when person has a handoff proposed or accepted. */
int handoff_active(view_txn_t *vt, const domain_model_t *m,
                   const domain_id_t *person, bool *active);

/* "proposed", "declined", "accepted". */
const char *handoff_status_name(handoff_status_t s);

/* A new JSON array of handoffs {id, person, service, level, consent,
 * status, by, reason, summary, exercise}; only those still proposed when
 * pending_only; only those to service when not NULL. */
json_t *handoff_list(view_txn_t *vt, const domain_model_t *m,
                     bool pending_only, const domain_id_t *service);

void handoff_reducers(domain_model_t *m);

#endif

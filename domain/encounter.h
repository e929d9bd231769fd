/* Encounters with a person: psychological first aid, crisis intervention or
 * a group session, with its duration, the worker and the visit number. Each
 * is an EncounterRecorded event; the view `encounters` (person | encounter
 * id -> incident | EncounterRecorded) is a grow-only set. */
#ifndef XY_DOMAIN_ENCOUNTER_H
#define XY_DOMAIN_ENCOUNTER_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define ENCOUNTER_MINUTES_MAX 600  /* one encounter lasts at most 10 h */
#define ENCOUNTER_VISIT_MAX 1000
#define ENCOUNTER_WORKER_MAX 64

typedef struct encounter_input {
    const domain_id_t *incident;  /* the person's incident */
    const domain_id_t *person;    /* who was seen */
    const char *kind;             /* pfa, crisis_intervention, group_session */
    int minutes;                  /* 1..ENCOUNTER_MINUTES_MAX */
    int visit;                    /* 1..ENCOUNTER_VISIT_MAX */
    const char *worker;           /* user id of the worker */
    bool exercise;
    const char *author;
} encounter_input_t;

typedef struct encounter_event {
    Xy__Event ev;                         /* ready to write */
    Xy__EncounterRecorded body;
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t encounter_id[DOMAIN_ID_LEN];
    uint8_t person_id[DOMAIN_ID_LEN];
} encounter_event_t;

/* Validates in and fills out (borrowing in's strings). Errors name the
 * field: XY_EINVAL (kind, worker), XY_ERANGE (minutes, visit). */
int encounter_build(encounter_event_t *out, const domain_id_t *id,
                    const encounter_input_t *in, domain_error_t *err);

/* The number of encounters held for person. */
int encounter_count(view_txn_t *vt, const domain_model_t *m,
                    const domain_id_t *person, size_t *n);

/* A new JSON array of {id, person, kind, minutes, worker, visit,
 * exercise} for person, or for everyone when person is NULL. */
json_t *encounter_list(view_txn_t *vt, const domain_model_t *m,
                       const domain_id_t *person);

void encounter_reducers(domain_model_t *m);

#endif

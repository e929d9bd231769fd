/* The audit of personal data (docs/personal-data.md, "Audit"): every time
 * a node shows a person's name, phone, ID number, birth year or notes to
 * one of its users it writes a PersonalDataViewed event, which syncs to
 * the coordinator like any other. This module builds the event, folds it
 * into the view "audits" (person | audit id: a grow-only set) and lists a
 * person's audit trail. Pure: ids, the time and the viewer come from the
 * caller. */
#ifndef XY_DOMAIN_AUDIT_H
#define XY_DOMAIN_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define AUDIT_FIELDS_MAX 8      /* fields named in one event */
#define AUDIT_VIEWER_MAX 64     /* bytes of a viewer's name or role */

/* A PersonalDataViewed event and what it points at. */
typedef struct audit_event {
    Xy__Event ev;                          /* ready to write */
    Xy__PersonalDataViewed body;
    char *fields[AUDIT_FIELDS_MAX];        /* borrowed from the input */
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t audit_id[DOMAIN_ID_LEN];
    uint8_t person_id[DOMAIN_ID_LEN];
} audit_event_t;

/* What was shown, to whom. Strings are borrowed and must outlive the
 * event. */
typedef struct audit_input {
    const domain_id_t *person;   /* whose data */
    const domain_id_t *incident; /* the person's incident */
    bool exercise;               /* the person's exercise flag */
    const char *viewer;          /* user name, 1..AUDIT_VIEWER_MAX bytes */
    const char *role;            /* the viewer's role */
    const char *const *fields;   /* names of the fields shown */
    size_t n_fields;             /* 1..AUDIT_FIELDS_MAX */
    uint64_t viewed_at;          /* ms since epoch */
} audit_input_t;

/* Fills out with the PersonalDataViewed event id of in. Errors name the
 * field: XY_EMISSING / XY_ETOOBIG / XY_EINVAL (viewer, role, fields). */
int audit_build(audit_event_t *out, const domain_id_t *id,
                const audit_input_t *in, const char *author,
                domain_error_t *err);

/* Adds the view "audits" and its reducer to m (domain_model_new). */
void audit_model_register(domain_model_t *m);

/* A new JSON array of the views of person's data held here, oldest first:
 * {id, person, incident, viewer, role, fields, viewed_at, node, exercise}
 * (node: the origin that showed it). NULL on a store error. */
json_t *audit_list(view_txn_t *vt, const domain_model_t *m,
                   const domain_id_t *person);

#endif

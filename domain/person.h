/* Affected people: registering a person met in the field and reading who is
 * held. No personal data (names, phone numbers, ID numbers) is taken here:
 * those are sealed under the incident's data key (see docs/architecture.md). */
#ifndef XY_DOMAIN_PERSON_H
#define XY_DOMAIN_PERSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/domain_event.h"
#include "domain/model.h"
#include "domain/personal.h"

#define PERSON_SITE_MAX 100
#define PERSON_AGE_MAX 120

typedef struct person_input {
    const domain_id_t *incident; /* the incident the person belongs to */
    int age_band;                /* lower bound of a 5-year band, 0..120 */
    const char *sex;             /* "female", "male", "other" or NULL */
    const char *language;        /* e.g. "zh", "bo"; may be NULL */
    const char *vulnerability;   /* comma list: child,bereaved,...; NULL */
    const char *site;            /* shelter, village or site name */
    const domain_id_t *zone;     /* may be NULL */
    const char *worker;          /* user id of the worker following them */
    bool exercise;               /* belongs to a drill */
    const char *author;          /* user id */
    const personal_sealed_t *sealed; /* sealed personal data, or NULL */
} person_input_t;

/* Fills out with a PersonRegistered event for person id. Borrows in's
 * strings. Errors name the field: XY_EINVAL, XY_ERANGE. */
int person_register(domain_event_t *out, const domain_id_t *id,
                    const person_input_t *in, domain_error_t *err);

/* Fills out with a PersonMoved event: person (of incident) is now at site,
 * in zone when not NULL. Borrows site. XY_EINVAL naming "site". */
int person_move(domain_event_t *out, const domain_id_t *person,
                const domain_id_t *incident, const char *site,
                const domain_id_t *zone, bool exercise, const char *author,
                domain_error_t *err);

/* Parses a comma-separated list of vulnerability names into flags. */
int person_vulnerability_parse(const char *text, uint32_t *flags,
                               domain_error_t *err);

/* Returns a new JSON array of the persons held (owned by the caller): id,
 * incident, age_band, sex, vulnerability names, site, worker, exercise. */
json_t *person_list(view_txn_t *vt, const domain_model_t *m);

/* As person_list, with "canonical" (the smallest id of the person's linked
 * group) and, for persons registered with personal data, "name", "phone"
 * and "birth_year" opened with ring, or "name": PERSONAL_SEALED_TEXT when
 * ring (may be NULL) lacks the key. */
json_t *person_list_open(view_txn_t *vt, const domain_model_t *m,
                         const personal_keyring_t *ring);

/* One person as person_each visits it: borrowed for the call. pd is NULL
 * when the person has no personal data or ring cannot open it. */
typedef struct person_view {
    domain_id_t id;                   /* the person */
    domain_id_t incident;             /* their incident */
    bool exercise;                    /* drill data */
    uint64_t hlc;                     /* HLC of the registration held */
    const Xy__PersonRegistered *reg;  /* the registration held */
    const Xy__Place *place;           /* the current place (may be NULL) */
    const personal_data_t *pd;        /* opened personal data, or NULL */
} person_view_t;

/* Visits every person held, in id order; fn returns 0 to go on, 1 to stop,
 * a negative code to fail. */
int person_each(view_txn_t *vt, const domain_model_t *m,
                const personal_keyring_t *ring,
                int (*fn)(const person_view_t *p, void *arg), void *arg);

/* What a triage needs to know of a registered person. XY_ENOENT when the
 * person is not held. */
int person_find(view_txn_t *vt, const domain_model_t *m,
                const domain_id_t *person, domain_id_t *incident,
                uint32_t *vulnerability, bool *exercise);

/* Returns a new JSON array of {incident, level, persons, exercise}: how
 * many people are at each triage level now (their latest triage). */
json_t *person_triage_counts(view_txn_t *vt, const domain_model_t *m);

/* Returns a new JSON array of {incident, site, persons, exercise} counts. */
json_t *person_site_counts(view_txn_t *vt, const domain_model_t *m);

#endif

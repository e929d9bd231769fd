/* Links between duplicate registrations of one person. `person link A B`
 * writes PersonsLinked with a fresh link id, `person unlink LINK` writes
 * PersonsUnlinked. The view keeps each link as a register keyed by link id
 * whose status only moves forward (linked -> unlinked: an unlink wins over
 * its link whatever order they arrive in), so every node converges. A
 * person's canonical id is the smallest id of the group its active links
 * join, computed the same way on every node. */
#ifndef XY_DOMAIN_PERSON_LINK_H
#define XY_DOMAIN_PERSON_LINK_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define PERSON_LINK_GROUP_MAX 1000 /* persons walked for one canonical id */

typedef struct person_link_event {
    Xy__Event ev;                          /* ready to write */
    Xy__PersonsLinked linked;              /* body when linking */
    Xy__PersonsUnlinked unlinked;          /* body when unlinking */
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t link_id[DOMAIN_ID_LEN];
    uint8_t a[DOMAIN_ID_LEN];
    uint8_t b[DOMAIN_ID_LEN];
} person_link_event_t;

/* Builds PersonsLinked of a and b (different persons of incident), score in
 * 0..1. XY_EINVAL (a equals b, score out of range) naming the field. */
int person_link_build(person_link_event_t *out, const domain_id_t *link_id,
                      const domain_id_t *incident, const domain_id_t *a,
                      const domain_id_t *b, double score, bool exercise,
                      const char *author, domain_error_t *err);

/* Builds PersonsUnlinked of link_id. */
int person_unlink_build(person_link_event_t *out, const domain_id_t *link_id,
                        const domain_id_t *incident, bool exercise,
                        const char *author);

/* Looks a link up: *active says whether it is linked now; a, b receive its
 * persons (zero when only its unlink is held). XY_ENOENT when unknown. */
int person_link_find(view_txn_t *vt, const domain_model_t *m,
                     const domain_id_t *link_id, bool *active,
                     domain_id_t *a, domain_id_t *b);

/* The canonical id of person: the smallest id reachable through active
 * links (the person itself when unlinked). */
int person_link_canonical(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *person, domain_id_t *out);

/* A new JSON array of {id, a, b, score, status, exercise} (owned by the
 * caller; exercise: a is drill data). */
json_t *person_link_list(view_txn_t *vt, const domain_model_t *m);

/* Registers the link reducers on m's views (people_model.c). */
void person_link_reducers(domain_model_t *m);

#endif

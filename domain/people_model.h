/* The views of tracking, duplicates and referrals of affected people, added
 * to the model by one call, and the coordinator's counts of people by zone,
 * triage level and vulnerability. */
#ifndef XY_DOMAIN_PEOPLE_MODEL_H
#define XY_DOMAIN_PEOPLE_MODEL_H

#include <jansson.h>

#include "domain/model.h"

/* Adds the views person_links, person_link_index, encounters, referrals and
 * referral_status to m and registers their reducers. */
void people_model_register(domain_model_t *m);

/* A new JSON array of {incident, zone, level, vulnerability, persons,
 * exercise}: the people held now, each counted once (duplicates linked to a
 * canonical person are not counted again), by the zone of their current
 * place, their latest triage level ("untriaged" when none) and each
 * vulnerability flag they have ("none" when none). Sorted. NULL on a store
 * error. */
json_t *people_counts(view_txn_t *vt, const domain_model_t *m);

#endif

/* The views of follow-up and handoff to community services, added to the
 * model by one call, and the report per incident and zone that the command
 * line prints as a table or CSV and the API serves as JSON
 * (docs/followup.md, "Reports"). */
#ifndef XY_DOMAIN_FOLLOWUP_MODEL_H
#define XY_DOMAIN_FOLLOWUP_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/ids.h"
#include "domain/model.h"

/* Adds the views services, handoffs, handoff_status, handoff_person,
 * followups, followup_due, followup_person, followup_done, cases_closed,
 * case_activity and zone_phases to m and registers their reducers. */
void followup_model_register(domain_model_t *m);

/* A new JSON object {incident, as_of, zones: [...], total} for incident at
 * now_ms: per zone of the people's current place ("none" without one),
 * people seen (duplicates linked to a canonical person counted once),
 * latest triage levels, cases closed, handoffs proposed / accepted /
 * declined, follow-ups upcoming / due / overdue / done / missed / lost
 * (pending ones of closed cases left out), and per instrument the trend
 * of re-screen scores (persons with two or more, improved, worse,
 * unchanged, mean change from first to last); "exercise" (bool) and, for
 * a drill, "banner" (EXERCISE_BANNER). NULL on a store error. */
json_t *followup_report(view_txn_t *vt, const domain_model_t *m,
                        const domain_id_t *incident, uint64_t now_ms,
                        uint64_t grace_ms);

/* The zone of person's current place into *zone; false when the place has
 * no zone or the person is not held. */
bool followup_person_zone(view_txn_t *vt, const domain_model_t *m,
                          const domain_id_t *person, domain_id_t *zone);

#endif

/* From the acute phase to recovery (转入恢复期): when a zone moves to the
 * recovery phase, every open case in it is handed to the community
 * services that serve the zone, in bulk. The plan is a pure read of the
 * views: people of the incident whose current place is in the zone (each
 * duplicate counted once), whose case is open and who have no handoff
 * proposed or accepted, each given to the serving service with the most
 * room left (capacity less the open cases it holds or is offered; ties to
 * the smaller id). Those no service can take are listed, so the command
 * center can act (docs/followup.md, "Acute to recovery"). */
#ifndef XY_DOMAIN_RECOVERY_H
#define XY_DOMAIN_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/ids.h"
#include "domain/model.h"

#define RECOVERY_MAX 5000          /* people handed off in one transition */
#define RECOVERY_SERVICES_MAX 256  /* services serving one zone */
#define RECOVERY_SUMMARY_MAX 256

typedef struct recovery_item {
    domain_id_t person;
    domain_id_t service;                 /* zero when none can take them */
    int level;                           /* latest Xy__TriageLevel */
    bool exercise;
    char summary[RECOVERY_SUMMARY_MAX];  /* handoff_summary() */
} recovery_item_t;

typedef struct recovery_plan {
    size_t n;                 /* people with a receiving service */
    recovery_item_t *items;   /* owned */
    size_t n_orphans;         /* people without one */
    recovery_item_t *orphans; /* owned */
    size_t n_services;        /* services serving the zone */
} recovery_plan_t;

/* Plans the handoffs of zone in incident into out (recovery_plan_free
 * releases it). XY_ETOOBIG when more than RECOVERY_MAX people are to be
 * handed off; store errors otherwise. */
int recovery_plan(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *incident, const domain_id_t *zone,
                  recovery_plan_t *out);

void recovery_plan_free(recovery_plan_t *p);

#endif

/* What sync needs to know of the crisis-intervention model: which events an
 * agent's scope covers, which take the urgent lane, which the coordinator
 * fans out at once and under which topic. Core calls these through
 * sync_policy_t; nothing here touches a socket. */
#ifndef XY_DOMAIN_SYNC_POLICY_H
#define XY_DOMAIN_SYNC_POLICY_H

#include "core/sync_net.h"
#include "domain/exercise.h"
#include "domain/model.h"

/* What a coordinator admits of what agents send: the exercise rule
 * (exercise.h) over its store, and optionally no drill data at all. */
typedef struct domain_sync_admission {
    event_log_t *log;          /* the coordinator's store (borrowed) */
    const domain_model_t *m;   /* its model (borrowed) */
    bool refuse_exercises;     /* config "exercises": "refuse" */
    exercise_memo_t memo;      /* admitted, perhaps not yet stored */
} domain_sync_admission_t;

/* Fills p with the domain's policy (no state: arg is NULL). */
void domain_sync_policy(sync_policy_t *p);

/* Red flags, orders and their acknowledgements. */
bool domain_sync_urgent(void *arg, uint32_t type);

/* Registries (no incident) go to everyone; incident events to agents whose
 * scope names the incident; everything when the scope says so. */
bool domain_sync_in_scope(void *arg, const event_ref_t *ev,
                          const sync_scope_t *scope);

/* The admit hook (sync_policy_t.admit) with arg a domain_sync_admission_t:
 * refuses an event whose exercise flag disagrees with its incident's or
 * team's, and any exercise event when refuse_exercises; why says which. A
 * store error admits the event (the write that follows fails the batch,
 * which is then sent again). */
bool domain_sync_admit(void *arg, const event_ref_t *ev, char *why,
                       size_t n);

/* Sets p's admit hook over a (borrowed for p's life); p->arg becomes a,
 * which the other hooks ignore. */
void domain_sync_policy_admit(sync_policy_t *p, domain_sync_admission_t *a);

#endif

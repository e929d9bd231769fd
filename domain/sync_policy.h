/* What sync needs to know of the crisis-intervention model: which events an
 * agent's scope covers, which take the urgent lane, which the coordinator
 * fans out at once and under which topic. Core calls these through
 * sync_policy_t; nothing here touches a socket. */
#ifndef XY_DOMAIN_SYNC_POLICY_H
#define XY_DOMAIN_SYNC_POLICY_H

#include "core/sync_net.h"

/* Fills p with the domain's policy (no state: arg is NULL). */
void domain_sync_policy(sync_policy_t *p);

/* Red flags, orders and their acknowledgements. */
bool domain_sync_urgent(void *arg, uint32_t type);

/* Registries (no incident) go to everyone; incident events to agents whose
 * scope names the incident; everything when the scope says so. */
bool domain_sync_in_scope(void *arg, const event_ref_t *ev,
                          const sync_scope_t *scope);

#endif

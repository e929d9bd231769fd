/* Synthetic dispatch instances from a seed: teams spread over a province
 * around an earthquake epicentre, zones with need near it. Drills, the
 * planner's tests and bench/dispatch use them; the same seed gives the same
 * instance on every machine (docs/dispatch.md, "Generated instances").
 * Pure: no file, no clock. */
#ifndef XY_DOMAIN_DISPATCH_GEN_H
#define XY_DOMAIN_DISPATCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "domain/dispatch_plan.h"

/* Fills teams[0..n_teams) and zones[0..n_zones) (caller's arrays). */
void dispatch_gen(uint64_t seed, dispatch_team_t *teams, size_t n_teams,
                  dispatch_zone_t *zones, size_t n_zones);

#endif

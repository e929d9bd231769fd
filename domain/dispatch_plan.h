/* The dispatch planner: from the need of each zone of an incident and the
 * teams available, proposes which team goes to which zone. It maximises the
 * priority-weighted share of need covered, keeps the skill mix (a zone that
 * needs psychiatrists is served with a psychiatrist), the travel-time limit
 * and the rest rules (unavailable teams are never proposed), and explains
 * every assignment in one line. A greedy start is improved by moves and
 * swaps; a cheap upper bound says how far from optimal it can be. The model
 * is defined in docs/dispatch.md; dispatch_plan_lp writes it for an exact
 * solver. Pure: no file, no clock. The commander approves or edits the
 * result, which then becomes DeploymentOrdered events (dispatch.h). */
#ifndef XY_DOMAIN_DISPATCH_PLAN_H
#define XY_DOMAIN_DISPATCH_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/dispatch.h"
#include "domain/domain_event.h"
#include "geo/geo_layer.h"

#define DISPATCH_PLAN_MAX_TEAMS 5000 /* teams in one plan */
#define DISPATCH_PLAN_MAX_ZONES 2000 /* zones in one plan */
#define DISPATCH_PLAN_NAME_MAX 100   /* bytes of a team or zone name */
#define DISPATCH_PLAN_MAX_WORKERS 100000 /* workers needed by one zone */

/* A team as the planner sees it (filled from the team registry). */
typedef struct dispatch_team {
    domain_id_t id;                          /* the team */
    char name[DISPATCH_PLAN_NAME_MAX + 1];   /* for explanations */
    double lat, lon;                         /* where it starts from */
    uint32_t capacity;                       /* workers it brings */
    uint32_t psychiatrists;                  /* psychiatrists among them */
    bool available;                          /* may be sent now */
} dispatch_team_t;

/* A zone with need, in the shape of the assessment's ZoneNeed. */
typedef struct dispatch_zone {
    domain_id_t id;                          /* the zone */
    char name[DISPATCH_PLAN_NAME_MAX + 1];   /* for orders */
    char county_code[8];                     /* 6-digit GB/T 2260, or "" */
    bool located;                            /* lat/lon below are set */
    double lat, lon;                         /* a point of the zone */
    uint64_t population;                     /* people in the zone */
    uint32_t workers_needed;                 /* crisis workers needed */
    double team_days;                        /* teams x acute days */
    uint32_t psychiatrists_needed;           /* psychiatrists needed */
    double priority;                         /* ranking score, > 0 */
} dispatch_zone_t;

typedef struct dispatch_plan_params {
    double road_factor;   /* road km per great-circle km (default 1.4) */
    double speed_kmh;     /* average road speed (default 50) */
    double max_travel_h;  /* travel-time limit, hours (default 8) */
    const double *travel_h; /* optional matrix [team * n_zones + zone] of
                               hours, borrowed for the call; < 0 or NaN:
                               no route. NULL: from distances */
    uint32_t max_passes;  /* local-search passes per descent (default 50) */
    uint32_t max_kicks;   /* perturbations of the iterated local search
                             (0: by size, at most 300) */
} dispatch_plan_params_t;

/* The defaults above. */
void dispatch_plan_params_default(dispatch_plan_params_t *p);

typedef struct dispatch_plan dispatch_plan_t;

/* Computes a plan. teams and zones are copied; *out is owned by the
 * caller (dispatch_plan_destroy). Errors, with err naming the team or zone
 * at fault: XY_ETOOBIG (more than the maxima), XY_EINVAL (a bad
 * parameter, a zone with no priority or more than
 * DISPATCH_PLAN_MAX_WORKERS workers, a position out of range). */
int dispatch_plan_compute(dispatch_plan_t **out, const dispatch_team_t *teams,
                          size_t n_teams, const dispatch_zone_t *zones,
                          size_t n_zones, const dispatch_plan_params_t *p,
                          domain_error_t *err);

/* Frees *self_p and nulls it; safe on NULL and twice. */
void dispatch_plan_destroy(dispatch_plan_t **self_p);

size_t dispatch_plan_team_count(const dispatch_plan_t *p);
size_t dispatch_plan_zone_count(const dispatch_plan_t *p);
/* The copies held (borrowed for the plan's life). */
const dispatch_team_t *dispatch_plan_team(const dispatch_plan_t *p, size_t i);
const dispatch_zone_t *dispatch_plan_zone(const dispatch_plan_t *p, size_t j);

/* The zone index team i is sent to, or -1. */
long dispatch_plan_zone_of(const dispatch_plan_t *p, size_t team);

/* Travel hours from team i to zone j, or -1 when there is no route. */
double dispatch_plan_travel_h(const dispatch_plan_t *p, size_t team,
                              size_t zone);

/* Whether team i may go to zone j: available, with capacity, within the
 * travel limit, and the zone has need. */
bool dispatch_plan_allowed(const dispatch_plan_t *p, size_t team,
                           size_t zone);

/* Whether zone j must be served with a psychiatrist: it needs one and an
 * available team with one can reach it (docs/dispatch.md). */
bool dispatch_plan_needs_psychiatrist(const dispatch_plan_t *p, size_t zone);

/* The objective's weight of one covered worker in zone j: its priority
 * divided by the workers it needs. */
double dispatch_plan_weight(const dispatch_plan_t *p, size_t zone);

/* The objective of the plan, and an upper bound on any feasible plan's
 * (docs/dispatch.md, "Bound"). */
double dispatch_plan_objective(const dispatch_plan_t *p);
double dispatch_plan_bound(const dispatch_plan_t *p);

/* The one-line explanation of team i's assignment, or why it is not sent
 * (borrowed for the plan's life). */
const char *dispatch_plan_explain(const dispatch_plan_t *p, size_t team);

/* The plan as the commander reads and edits it: incident, objective,
 * bound, zones with need and cover, assignments (team, zone, zone_name,
 * travel_h, explanation) and the teams not sent with the reason. A new
 * JSON object owned by the caller. */
json_t *dispatch_plan_json(const dispatch_plan_t *p,
                           const domain_id_t *incident);

/* The exact model as a CPLEX LP text (binary x_i_j, continuous y_j), for
 * glpsol or CBC. A new NUL-terminated string owned by the caller. */
char *dispatch_plan_lp(const dispatch_plan_t *p);

/* The objective of an arbitrary assignment (zone_of[i]: zone or -1), and
 * whether it is feasible (one zone per team, allowed pairs, skill mix);
 * when not, why is written into why (may be NULL). */
double dispatch_plan_evaluate(const dispatch_plan_t *p, const long *zone_of);
bool dispatch_plan_feasible(const dispatch_plan_t *p, const long *zone_of,
                            char *why, size_t len);

/* Fills *out (owned by the caller, free()) with the zones of a published
 * assessment; zones without a position are left unlocated. XY_ETOOBIG,
 * XY_EINVAL (bad zone id or name) with err filled. */
int dispatch_zones_from_assessment(dispatch_zone_t **out, size_t *n,
                                   const Xy__AssessmentPublished *a,
                                   domain_error_t *err);

/* Fills *out (owned by the caller) from a JSON array of zones (the
 * format of docs/dispatch.md, "Zones file"). Errors name the zone by its
 * index: XY_EINVAL, XY_ETOOBIG. */
int dispatch_zones_from_json(dispatch_zone_t **out, size_t *n,
                             const json_t *arr, domain_error_t *err);

/* Locates every unlocated zone at the centre of its county's bounding box
 * in layer. Returns how many zones are still unlocated. */
size_t dispatch_zones_locate(dispatch_zone_t *zones, size_t n,
                             const geo_layer_t *layer);

#endif

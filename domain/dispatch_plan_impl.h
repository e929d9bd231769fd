/* The planner's state, shared by dispatch_plan.c (the search) and
 * dispatch_plan_io.c (explanations, JSON, LP, zone loaders). Not for use
 * outside those two files. */
#ifndef XY_DOMAIN_DISPATCH_PLAN_IMPL_H
#define XY_DOMAIN_DISPATCH_PLAN_IMPL_H

#include "domain/dispatch_plan.h"

struct dispatch_plan {
    size_t nt, nz;            /* teams, zones */
    double max_travel_h;      /* travel limit */
    dispatch_team_t *teams;   /* owned copies */
    dispatch_zone_t *zones;   /* owned copies */
    double *travel;           /* [team * nz + zone] hours, -1: no route */
    double *weight;           /* per zone: priority per worker needed */
    double *load;             /* per zone: workers sent */
    uint32_t *count;          /* per zone: teams sent */
    uint32_t *psy;            /* per zone: teams with a psychiatrist sent */
    bool *req;                /* per zone: must be served with one */
    bool *reachable;          /* per zone: some allowed team reaches it */
    long *zone_of;            /* per team: zone, or -1 */
    long *undo;               /* per team: zone before a trial */
    char (*explain)[DISPATCH_EXPLAIN_MAX + 1]; /* per team: one line */
    double objective;         /* of zone_of */
    double bound;             /* upper bound on any plan */
};

/* Sets the assignment to zone_of (copied) and recomputes the loads. */
void dispatch_plan_reset(dispatch_plan_t *p, const long *zone_of);

/* Writes every team's explanation line (dispatch_plan_io.c). */
void dispatch_plan_explain_all(dispatch_plan_t *p);

#endif

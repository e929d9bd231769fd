/* Teams and dispatch as views: the team registry, each team's readiness
 * and last position, the orders and their acknowledgements. All are
 * last-writer-wins registers by (hlc, origin), so any arrival order gives
 * the same views; a register's time (its hlc) is when the state began,
 * which the rest rules and the escalation of unacknowledged orders read.
 * This module registers the views and reducers (dispatch_model_register,
 * called by domain_model_new), builds the field's events (acknowledgement,
 * position) and answers the questions the commands ask. */
#ifndef XY_DOMAIN_DISPATCH_MODEL_H
#define XY_DOMAIN_DISPATCH_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/dispatch_plan.h"
#include "domain/domain_event.h"
#include "domain/model.h"
#include "domain/team.h"

#define DISPATCH_BY_MAX 64 /* bytes of the name who acknowledged */

/* Adds the views teams, team_status, team_positions, orders and
 * order_acks to m and their reducers. */
void dispatch_model_register(domain_model_t *m);

/* The registered team id into out. XY_ENOENT when unknown, XY_ECORRUPT. */
int dispatch_team_get(view_txn_t *vt, const domain_model_t *m,
                      const domain_id_t *id, team_t *out, bool *exercise);

/* A team's readiness (XY__READINESS__*, standby when never set) and since
 * when, in ms. */
void dispatch_team_readiness(view_txn_t *vt, const domain_model_t *m,
                             const domain_id_t *id, int *readiness,
                             uint64_t *since_ms);

/* Every registered team as JSON (id, name, level, home, members,
 * capacity, psychiatrists, languages, readiness, since, position,
 * rest rules, available, relief_due) at now_ms; relief_only: only the
 * teams past their rest limit. A new array owned by the caller, or NULL
 * on a store error. */
json_t *dispatch_team_list(view_txn_t *vt, const domain_model_t *m,
                           uint64_t now_ms, bool relief_only);

/* The teams as the planner sees them at now_ms (from the last reported
 * position when there is one, else home). *out is owned by the caller
 * (free()); XY_ETOOBIG beyond DISPATCH_PLAN_MAX_TEAMS. */
int dispatch_plan_teams(view_txn_t *vt, const domain_model_t *m,
                        uint64_t now_ms, dispatch_team_t **out, size_t *n);

/* Builders of the field's events, and what they point at. */
typedef struct dispatch_field_event {
    Xy__Event ev;                       /* ready to write */
    Xy__DeploymentAcked ack;            /* body, for an acknowledgement */
    Xy__PositionReported position;      /* body, for a position */
    Xy__Point point;
    uint8_t order_id[DOMAIN_ID_LEN];
    uint8_t team_id[DOMAIN_ID_LEN];
    uint8_t incident_id[DOMAIN_ID_LEN];
} dispatch_field_event_t;

/* A DeploymentAcked for order of team in incident, by the team leader
 * by_name (1..DISPATCH_BY_MAX bytes, one line; borrowed). XY_EINVAL. */
int dispatch_ack_build(dispatch_field_event_t *out, const domain_id_t *order,
                       const domain_id_t *team, const domain_id_t *incident,
                       const char *by_name, bool exercise, const char *author,
                       domain_error_t *err);

/* A PositionReported for team (readiness 0: unchanged). XY_EINVAL. */
int dispatch_position_build(dispatch_field_event_t *out,
                            const domain_id_t *team, double lat, double lon,
                            double accuracy_m, int readiness, bool exercise,
                            const char *author, domain_error_t *err);

/* The team, incident and exercise flag of an order held. XY_ENOENT. */
int dispatch_order_find(view_txn_t *vt, const domain_model_t *m,
                        const domain_id_t *order, domain_id_t *team,
                        domain_id_t *incident, bool *exercise);

/* Orders held as JSON (id, incident, team, zone, zone_name, explanation,
 * ordered_at, report_by, exercise, acknowledged_by, acknowledged_at),
 * oldest first; team and incident filter when not NULL. NULL on a store
 * error. */
json_t *dispatch_order_list(view_txn_t *vt, const domain_model_t *m,
                            const domain_id_t *team,
                            const domain_id_t *incident);

/* The orders not acknowledged ack_timeout_ms after they were given, at
 * now_ms, in the shape of dispatch_order_list plus "waiting_ms": the list
 * the commander is flagged with. Pure over the views. */
json_t *dispatch_overdue(view_txn_t *vt, const domain_model_t *m,
                         uint64_t now_ms, uint64_t ack_timeout_ms);

#endif

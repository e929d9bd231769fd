/* Dispatch: the command center's orders to crisis-intervention teams. An
 * order sends one team to one zone of an incident, with a one-line
 * explanation the team reads on arrival; it travels on the urgent lane
 * (docs/protocol.md, "Urgent lane"). Matching teams to zones builds on
 * dispatch_order. */
#ifndef XY_DOMAIN_DISPATCH_H
#define XY_DOMAIN_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/domain_event.h"

#define DISPATCH_ZONE_NAME_MAX 100
#define DISPATCH_EXPLAIN_MAX 500

typedef struct dispatch_order_input {
    const domain_id_t *incident; /* the incident the order serves */
    const domain_id_t *team;     /* the team sent */
    const domain_id_t *zone;     /* the zone, when it has an id; may be NULL */
    const char *zone_name;       /* 1..DISPATCH_ZONE_NAME_MAX bytes */
    const char *explanation;     /* one line, 1..DISPATCH_EXPLAIN_MAX bytes */
    uint64_t report_by;          /* ms since epoch; 0: no deadline */
    bool exercise;               /* belongs to a drill */
    const char *author;          /* user id of who ordered */
} dispatch_order_input_t;

/* Fills out with a DeploymentOrdered event for order id. The strings and
 * the team id of in are borrowed and must outlive out; the incident, order
 * and zone ids are copied. A deadline (report_by) must not be before
 * now_ms. Errors (with err filled, naming the field): XY_EINVAL for a
 * missing or zero id, an empty text or a line break in the explanation,
 * XY_ETOOBIG for a text over its maximum, XY_ERANGE for a past deadline. */
int dispatch_order(domain_event_t *out, const domain_id_t *id,
                   const dispatch_order_input_t *in, uint64_t now_ms,
                   domain_error_t *err);

#endif

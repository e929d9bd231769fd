/* The EDXL-RM-style export of an incident's dispatch: each zone's need as
 * a RequestResource message and each order as a CommitResource message,
 * in one XML document written with libxml2's writer. The mapping from our
 * fields to EDXL-RM 1.0 elements is in docs/dispatch.md, "EDXL-RM
 * export". Pure over the views. */
#ifndef XY_DOMAIN_DISPATCH_EDXL_H
#define XY_DOMAIN_DISPATCH_EDXL_H

#include <stdint.h>

#include "domain/dispatch_plan.h"
#include "domain/model.h"

/* Writes the document for incident: zones (may be NULL when no
 * assessment is held; borrowed for the call) and the orders held, at
 * now_ms. *out is a NUL-terminated string owned by the caller (free()).
 * XY_ENOMEM, or a store error. */
int dispatch_edxl_export(char **out, view_txn_t *vt, const domain_model_t *m,
                         const domain_id_t *incident,
                         const dispatch_zone_t *zones, size_t n_zones,
                         uint64_t now_ms);

#endif

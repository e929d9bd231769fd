/* Red flags: raised by triage when someone is at risk (triage_record.h),
 * they must reach a named person who takes responsibility. This module
 * builds that acknowledgement and lists the flags held, open ones first. */
#ifndef XY_DOMAIN_RED_FLAG_H
#define XY_DOMAIN_RED_FLAG_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define RED_FLAG_NAME_MAX 64
#define RED_FLAG_ACTION_MAX 200

/* Fills out with a RedFlagAcknowledged event for flag_id of incident.
 * by_name (who takes responsibility) is required. Borrows the strings. */
int red_flag_ack(domain_event_t *out, const domain_id_t *flag_id,
                 const domain_id_t *incident, const char *by_name,
                 const char *action, bool exercise, const char *author,
                 domain_error_t *err);

/* A new JSON array of the flags held (open_only: not yet acknowledged):
 * id, person, incident, reason, raised_at (ms), exercise, acknowledged_by,
 * action. The caller owns it. */
json_t *red_flag_list(view_txn_t *vt, const domain_model_t *m, bool open_only);

/* Marks each flag of a red_flag_list array that is still open after
 * timeout_ms (raised_at + timeout_ms <= now_ms) with "overdue": true and
 * every open one with "waiting_ms"; returns how many are overdue. Pure:
 * the escalation is recomputed from the store at any time, so a restart
 * loses none. */
size_t red_flag_mark_overdue(json_t *flags, uint64_t now_ms,
                             uint64_t timeout_ms);

/* The default time a flag may stay unacknowledged before it escalates. */
#define RED_FLAG_ACK_TIMEOUT_MIN 15

/* The incident and exercise flag of a held flag. XY_ENOENT when unknown. */
int red_flag_find(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *flag_id, domain_id_t *incident,
                  bool *exercise);

#endif

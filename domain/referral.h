/* Medical referrals (转介): a person referred to a named hospital or
 * psychiatric service with a reason and an urgency (ReferralMade), then
 * tracked to closure (ReferralUpdated: received, seen, closed). The status
 * is a lattice that only moves forward: the view keeps the greatest
 * (status, hlc, origin), so a late "received" never reopens a closed
 * referral, on any node, in any arrival order. */
#ifndef XY_DOMAIN_REFERRAL_H
#define XY_DOMAIN_REFERRAL_H

#include <jansson.h>
#include <stdbool.h>

#include "domain/domain_event.h"
#include "domain/model.h"

#define REFERRAL_FACILITY_MAX 200
#define REFERRAL_REASON_MAX 1000
#define REFERRAL_NOTE_MAX 1000

typedef struct referral_input {
    const domain_id_t *incident;  /* the person's incident */
    const domain_id_t *person;
    const char *facility;         /* hospital or service, by name */
    const char *reason;
    const char *urgency;          /* emergency, urgent, routine */
    bool exercise;
    const char *author;
} referral_input_t;

typedef struct referral_event {
    Xy__Event ev;                         /* ready to write */
    Xy__ReferralMade made;
    Xy__ReferralUpdated updated;
    uint8_t incident_id[DOMAIN_ID_LEN];
    uint8_t referral_id[DOMAIN_ID_LEN];
    uint8_t person_id[DOMAIN_ID_LEN];
} referral_event_t;

/* Builds ReferralMade. Errors name the field (facility, reason, urgency):
 * XY_EINVAL, XY_ETOOBIG. */
int referral_make(referral_event_t *out, const domain_id_t *id,
                  const referral_input_t *in, domain_error_t *err);

/* Builds ReferralUpdated to status (received, seen, closed) from current
 * (the status held now): XY_ESTATE when status does not move forward. */
int referral_update(referral_event_t *out, const domain_id_t *id,
                    const domain_id_t *incident, int current,
                    const char *status, const char *note, bool exercise,
                    const char *author, domain_error_t *err);

/* Looks a referral up: its incident, exercise flag and status
 * (Xy__ReferralStatus; SENT when no update is held). XY_ENOENT when the
 * referral is not held. */
int referral_find(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *id, domain_id_t *incident,
                  bool *exercise, int *status);

/* A new JSON array of referrals (id, person, facility, reason, urgency,
 * status, note, exercise); only those not closed when open_only. */
json_t *referral_list(view_txn_t *vt, const domain_model_t *m,
                      bool open_only);

void referral_reducers(domain_model_t *m);

#endif

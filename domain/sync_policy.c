/* The domain's sync policy (sync_policy.h).
 *
 * Topics on the coordinator's PUB socket: "r" for registries (events with no
 * incident: teams, services), "i" + 32 hex digits of the incident for
 * everything else fanned out. An agent subscribes to "r" and to each
 * incident of its scope ("i" alone when its scope is everything). */
#include "domain/sync_policy.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>

#include <string.h>

bool domain_sync_urgent(void *arg, uint32_t type)
{
    (void)arg;
    switch (type) {
    case XY__EVENT__BODY_RED_FLAG_RAISED:
    case XY__EVENT__BODY_RED_FLAG_ACKNOWLEDGED:
    case XY__EVENT__BODY_DEPLOYMENT_ORDERED:
    case XY__EVENT__BODY_DEPLOYMENT_ACKED:
        return true;
    default:
        return false;
    }
}

/* What the command center broadcasts at once: the urgent lane plus the
 * facts every team must see without waiting for bulk. */
static bool s_fanout_type(uint32_t type)
{
    switch (type) {
    case XY__EVENT__BODY_INCIDENT_DECLARED:
    case XY__EVENT__BODY_INCIDENT_LEVEL_SET:
    case XY__EVENT__BODY_ASSESSMENT_PUBLISHED:
    case XY__EVENT__BODY_ZONE_PHASE_CHANGED:
    case XY__EVENT__BODY_TEAM_REGISTERED:
    case XY__EVENT__BODY_SERVICE_REGISTERED:
        return true;
    default:
        return domain_sync_urgent(NULL, type);
    }
}

/* The incident of a stored event; false when it has none. */
static bool s_incident(const event_ref_t *ev, uint8_t out[XY_ID_LEN])
{
    xy_decoded_t *d = NULL;
    if (xy_event_unpack(ev->bytes, ev->len, &d))
        return false;
    const Xy__Event *e = xy_decoded_event(d);
    bool has = e->incident_id.len == XY_ID_LEN;
    if (has)
        memcpy(out, e->incident_id.data, XY_ID_LEN);
    xy_decoded_destroy(&d);
    return has;
}

bool domain_sync_in_scope(void *arg, const event_ref_t *ev,
                          const sync_scope_t *scope)
{
    (void)arg;
    if (scope->everything)
        return true;
    uint8_t inc[XY_ID_LEN];
    if (!s_incident(ev, inc))
        return true;
    for (size_t i = 0; i < scope->n_incidents; i++)
        if (memcmp(scope->incidents[i], inc, XY_ID_LEN) == 0)
            return true;
    return false;
}

static bool s_fanout(void *arg, const event_ref_t *ev, char *topic)
{
    (void)arg;
    if (!s_fanout_type(ev->type))
        return false;
    uint8_t inc[XY_ID_LEN];
    if (!s_incident(ev, inc)) {
        strcpy(topic, "r");
        return true;
    }
    topic[0] = 'i';
    xy_hex(topic + 1, inc, XY_ID_LEN);
    return true;
}

static void s_topics(void *arg, const sync_scope_t *scope,
                     void (*add)(void *ctx, const char *topic), void *ctx)
{
    (void)arg;
    add(ctx, "r");
    if (scope->everything) {
        add(ctx, "i");
        return;
    }
    for (size_t i = 0; i < scope->n_incidents; i++) {
        char topic[SYNC_TOPIC_MAX];
        topic[0] = 'i';
        xy_hex(topic + 1, scope->incidents[i], XY_ID_LEN);
        add(ctx, topic);
    }
}

bool domain_sync_admit(void *arg, const event_ref_t *ev, char *why,
                       size_t n)
{
    domain_sync_admission_t *a = arg;
    xy_decoded_t *d = NULL;
    if (xy_event_unpack_envelope(ev->bytes, ev->len, &d))
        return true; /* the store refuses what is not an event */
    const Xy__Event *e = xy_decoded_event(d);
    int rc = 0;
    if (a->refuse_exercises && e->exercise) {
        snprintf(why, n, "exercise event: this command center accepts no "
                 "exercise data (\"exercises\": \"refuse\")");
        rc = XY_EEXERCISE;
    } else {
        rc = exercise_check_log(a->log, a->m, e, &a->memo, why, n);
    }
    xy_decoded_destroy(&d);
    return rc != XY_EEXERCISE;
}

void domain_sync_policy_admit(sync_policy_t *p, domain_sync_admission_t *a)
{
    p->admit = domain_sync_admit;
    p->arg = a;
}

void domain_sync_policy(sync_policy_t *p)
{
    *p = (sync_policy_t){.in_scope = domain_sync_in_scope,
                         .urgent = domain_sync_urgent,
                         .fanout = s_fanout,
                         .topics = s_topics,
                         .arg = NULL};
}

/* The bulk handoff of a zone entering recovery (recovery.h): one pass over
 * the handoffs to weigh each serving service's load, one pass over the
 * people to place each open case. */
#include "domain/recovery.h"
#include "domain/case.h"
#include "domain/exercise.h"
#include "domain/followup_model.h"
#include "domain/handoff.h"
#include "domain/lww.h"
#include "domain/person_link.h"
#include "domain/service.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <string.h>

typedef struct s_room {
    domain_id_t id;   /* the service */
    int64_t left;     /* capacity less the open cases it holds or is offered */
} s_room_t;

typedef struct s_ctx {
    view_txn_t *vt;
    const domain_model_t *m;
    domain_id_t incident, zone;
    bool exercise;       /* the incident's flag: services must share it */
    s_room_t rooms[RECOVERY_SERVICES_MAX];
    size_t n_rooms;
    recovery_plan_t *out;
    size_t cap_items, cap_orphans;
} s_ctx_t;

static int s_service(const service_t *s, void *arg)
{
    s_ctx_t *c = arg;
    if (!service_serves(s, &c->zone))
        return 0;
    const void *v;
    size_t n;
    if (lww_get(c->vt, c->m->services, s->id.b, DOMAIN_ID_LEN, &v, &n) ||
        n < 1 || (((const uint8_t *)v)[0] != 0) != c->exercise)
        return 0; /* drill services never take real people, nor real ones
                     drill people */
    if (c->n_rooms == RECOVERY_SERVICES_MAX)
        return XY_ETOOBIG;
    c->rooms[c->n_rooms++] = (s_room_t){s->id, (int64_t)s->capacity};
    return 0;
}

static int s_load(const handoff_view_t *h, void *arg)
{
    s_ctx_t *c = arg;
    if (h->status == HANDOFF_DECLINED)
        return 0;
    for (size_t i = 0; i < c->n_rooms; i++) {
        if (memcmp(c->rooms[i].id.b, h->service.b, DOMAIN_ID_LEN))
            continue;
        case_state_t cs;
        int rc = case_state(c->vt, c->m, &h->person, &cs);
        if (rc)
            return rc;
        if (!cs.closed)
            c->rooms[i].left--;
    }
    return 0;
}

/* The serving service with the most room, or NULL when none has any.
 * Rooms are in id order (service_each), so ties go to the smaller id. */
static s_room_t *s_pick(s_ctx_t *c)
{
    s_room_t *best = NULL;
    for (size_t i = 0; i < c->n_rooms; i++)
        if (c->rooms[i].left > 0 && (!best || c->rooms[i].left > best->left))
            best = &c->rooms[i];
    return best;
}

static recovery_item_t *s_slot(recovery_item_t **arr, size_t *n, size_t *cap)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        *arr = xrealloc(*arr, *cap * sizeof **arr);
    }
    recovery_item_t *it = &(*arr)[(*n)++];
    memset(it, 0, sizeof *it);
    return it;
}

static int s_person(const void *key, size_t klen, const void *val,
                    size_t vlen, void *arg)
{
    s_ctx_t *c = arg;
    if (klen != DOMAIN_ID_LEN || vlen < LWW_HEADER + 1 + DOMAIN_ID_LEN)
        return XY_ECORRUPT;
    const uint8_t *p = (const uint8_t *)val + LWW_HEADER;
    if (memcmp(p + 1, c->incident.b, DOMAIN_ID_LEN) != 0)
        return 0;
    domain_id_t id, canon, zone;
    memcpy(id.b, key, DOMAIN_ID_LEN);
    if (!followup_person_zone(c->vt, c->m, &id, &zone) ||
        memcmp(zone.b, c->zone.b, DOMAIN_ID_LEN) != 0)
        return 0;
    int rc = person_link_canonical(c->vt, c->m, &id, &canon);
    if (rc || memcmp(canon.b, id.b, DOMAIN_ID_LEN) != 0)
        return rc;
    case_state_t cs;
    bool active = false;
    rc = case_state(c->vt, c->m, &id, &cs);
    if (!rc)
        rc = handoff_active(c->vt, c->m, &id, &active);
    if (rc || cs.closed || active)
        return rc;
    recovery_plan_t *o = c->out;
    if (o->n + o->n_orphans == RECOVERY_MAX)
        return XY_ETOOBIG;
    s_room_t *room = s_pick(c);
    recovery_item_t *it = room ? s_slot(&o->items, &o->n, &c->cap_items)
                               : s_slot(&o->orphans, &o->n_orphans,
                                        &c->cap_orphans);
    it->person = id;
    it->exercise = p[0] != 0;
    const void *v;
    size_t n;
    if (lww_get(c->vt, c->m->triage_latest, id.b, DOMAIN_ID_LEN, &v, &n) ==
            0 && n >= 1 && ((const uint8_t *)v)[0] < 4)
        it->level = ((const uint8_t *)v)[0];
    if (room) {
        it->service = room->id;
        room->left--;
    }
    return handoff_summary(c->vt, c->m, &id, NULL, false, it->summary,
                           sizeof it->summary);
}

int recovery_plan(view_txn_t *vt, const domain_model_t *m,
                  const domain_id_t *incident, const domain_id_t *zone,
                  recovery_plan_t *out)
{
    memset(out, 0, sizeof *out);
    s_ctx_t *c = xcalloc(1, sizeof *c);
    c->vt = vt;
    c->m = m;
    c->incident = *incident;
    c->zone = *zone;
    c->out = out;
    int rc = exercise_incident(vt, m, incident->b, &c->exercise);
    rc = rc == XY_ENOENT ? 0 : rc;
    if (!rc)
        rc = service_each(vt, m, s_service, c);
    if (!rc && c->n_rooms)
        rc = handoff_each(vt, m, NULL, s_load, c);
    if (!rc) {
        rc = view_scan(vt, m->persons, NULL, 0, s_person, c);
        rc = rc < 0 ? rc : 0;
    }
    out->n_services = c->n_rooms;
    free(c);
    if (rc)
        recovery_plan_free(out);
    return rc;
}

void recovery_plan_free(recovery_plan_t *p)
{
    free(p->items);
    free(p->orphans);
    p->items = p->orphans = NULL;
    p->n = p->n_orphans = 0;
}

/* Exercise isolation (exercise.h): the view of the flags held per incident
 * and the one check every write and every received event goes through. */
#include "domain/exercise.h"
#include "domain/ids.h"
#include "domain/lww.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static uint8_t s_mark(bool exercise)
{
    return exercise ? EXERCISE_MARK_EXERCISE : EXERCISE_MARK_REAL;
}

static const char *s_kind(bool exercise)
{
    return exercise ? "exercise" : "real";
}

/* ------------------------------------------------------------ the view */

/* Grow-only: the bits only gain, so any arrival order folds the same. */
static int s_on_any(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const domain_model_t *m = arg;
    if (ev->incident_id.len != XY_ID_LEN)
        return 0;
    uint8_t bits = s_mark(ev->exercise);
    const void *v;
    size_t n;
    int rc = view_get(vt, m->exercise_marks, ev->incident_id.data, XY_ID_LEN,
                      &v, &n);
    if (rc == 0 && n == 1) {
        if ((((const uint8_t *)v)[0] | bits) == ((const uint8_t *)v)[0])
            return 0;
        bits |= ((const uint8_t *)v)[0];
    } else if (rc && rc != XY_ENOENT) {
        return rc;
    }
    return view_put(vt, m->exercise_marks, ev->incident_id.data, XY_ID_LEN,
                    &bits, 1);
}

void exercise_model_register(domain_model_t *m)
{
    m->exercise_marks = view_set_add(m->views, "exercise_marks");
    /* Every body type the schema knows may be tied to an incident. */
    const ProtobufCMessageDescriptor *d = &xy__event__descriptor;
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].id >= 16)
            view_set_on(m->views, d->fields[i].id, s_on_any, m);
}

/* ------------------------------------------------------------ lookups */

static bool s_id(const ProtobufCBinaryData *b)
{
    return b->len == XY_ID_LEN;
}

/* The flag byte at the head of an LWW register's payload, if held. */
static int s_register_flag(view_txn_t *vt, int view, const uint8_t *id,
                           bool *exercise)
{
    const void *v;
    size_t n;
    int rc = lww_get(vt, view, id, XY_ID_LEN, &v, &n);
    if (rc)
        return rc;
    if (n < 1)
        return XY_ECORRUPT;
    *exercise = ((const uint8_t *)v)[0] != 0;
    return 0;
}

static int s_marks(view_txn_t *vt, const domain_model_t *m,
                   const uint8_t incident[16], uint8_t *bits)
{
    const void *v;
    size_t n;
    *bits = 0;
    int rc = view_get(vt, m->exercise_marks, incident, XY_ID_LEN, &v, &n);
    if (rc == XY_ENOENT)
        return 0;
    if (!rc && n == 1)
        *bits = ((const uint8_t *)v)[0];
    return rc;
}

static int s_memo_find(const exercise_memo_t *memo, const uint8_t inc[16])
{
    for (size_t i = 0; memo && i < memo->n; i++)
        if (memcmp(memo->items[i].incident, inc, XY_ID_LEN) == 0)
            return (int)i;
    return -1;
}

static void s_memo_note(exercise_memo_t *memo, const uint8_t inc[16],
                        bool exercise, bool declared)
{
    if (!memo)
        return;
    int i = s_memo_find(memo, inc);
    if (i < 0) {
        if (memo->n < EXERCISE_MEMO_MAX) {
            i = (int)memo->n++;
        } else {
            i = (int)memo->next;
            memo->next = (memo->next + 1) % EXERCISE_MEMO_MAX;
        }
        memset(&memo->items[i], 0, sizeof memo->items[i]);
        memcpy(memo->items[i].incident, inc, XY_ID_LEN);
    }
    memo->items[i].marks |= s_mark(exercise);
    if (declared) {
        memo->items[i].declared = true;
        memo->items[i].exercise = exercise;
    }
}

/* What is known of an incident: its declared flag, or the flags of the
 * events held (and remembered) for it. */
typedef struct s_known {
    bool declared;     /* a declaration is held or was admitted */
    bool exercise;     /* its flag */
    uint8_t marks;     /* EXERCISE_MARK_* of the events tied to it */
} s_known_t;

static int s_known(view_txn_t *vt, const domain_model_t *m,
                   const exercise_memo_t *memo, const uint8_t inc[16],
                   s_known_t *k)
{
    memset(k, 0, sizeof *k);
    int rc = s_register_flag(vt, m->incidents, inc, &k->exercise);
    if (rc == 0)
        k->declared = true;
    else if (rc != XY_ENOENT)
        return rc;
    rc = s_marks(vt, m, inc, &k->marks);
    if (rc)
        return rc;
    int i = s_memo_find(memo, inc);
    if (i >= 0) {
        k->marks |= memo->items[i].marks;
        if (!k->declared && memo->items[i].declared) {
            k->declared = true;
            k->exercise = memo->items[i].exercise;
        }
    }
    return 0;
}

int exercise_incident(view_txn_t *vt, const domain_model_t *m,
                      const uint8_t incident[16], bool *exercise)
{
    s_known_t k;
    int rc = s_known(vt, m, NULL, incident, &k);
    if (rc)
        return rc;
    if (k.declared) {
        *exercise = k.exercise;
        return 0;
    }
    if (!k.marks)
        return XY_ENOENT;
    *exercise = (k.marks & EXERCISE_MARK_EXERCISE) != 0;
    return 0;
}

/* ------------------------------------------------------------ the rule */

static int s_refuse(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int s_refuse(char *why, size_t n, const char *fmt, ...)
{
    if (why && n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, n, fmt, ap);
        va_end(ap);
    }
    return XY_EEXERCISE;
}

static int s_check_incident(view_txn_t *vt, const domain_model_t *m,
                            const Xy__Event *ev, exercise_memo_t *memo,
                            char *why, size_t n)
{
    const uint8_t *inc = ev->incident_id.data;
    bool declaring = ev->body_case == XY__EVENT__BODY_INCIDENT_DECLARED;
    s_known_t k;
    int rc = s_known(vt, m, memo, inc, &k);
    if (rc)
        return rc;
    char hex[2 * XY_ID_LEN + 1];
    xy_hex(hex, inc, XY_ID_LEN);
    if (k.declared && k.exercise != ev->exercise)
        return s_refuse(why, n, "%s event tied to %s incident %s",
                        s_kind(ev->exercise), s_kind(k.exercise), hex);
    uint8_t other = s_mark(!ev->exercise);
    if (!k.declared && (k.marks & other) && !(k.marks & s_mark(ev->exercise)))
        return s_refuse(why, n, declaring
                                    ? "%s declaration of incident %s whose "
                                      "events already held are %s"
                                    : "%s event tied to incident %s whose "
                                      "events already held are %s",
                        s_kind(ev->exercise), hex, s_kind(!ev->exercise));
    s_memo_note(memo, inc, ev->exercise, declaring);
    return 0;
}

/* The team an event without an incident speaks of, if any. */
static const ProtobufCBinaryData *s_team_of(const Xy__Event *ev)
{
    switch (ev->body_case) {
    case XY__EVENT__BODY_TEAM_REGISTERED:
        return &ev->team_registered->team_id;
    case XY__EVENT__BODY_TEAM_STATUS_CHANGED:
        return &ev->team_status_changed->team_id;
    case XY__EVENT__BODY_POSITION_REPORTED:
        return &ev->position_reported->team_id;
    case XY__EVENT__BODY_DEPLOYMENT_ORDERED:
        return &ev->deployment_ordered->team_id;
    case XY__EVENT__BODY_DEPLOYMENT_ACKED:
        return &ev->deployment_acked->team_id;
    default:
        return NULL;
    }
}

/* A registry entry keeps the flag it was first held with. */
static int s_check_registry(view_txn_t *vt, int view, const char *what,
                            const ProtobufCBinaryData *id,
                            const Xy__Event *ev, char *why, size_t n)
{
    if (!id || !s_id(id))
        return 0;
    bool held = false;
    int rc = s_register_flag(vt, view, id->data, &held);
    if (rc == XY_ENOENT)
        return 0;
    if (rc)
        return rc;
    if (held == ev->exercise)
        return 0;
    char hex[2 * XY_ID_LEN + 1];
    xy_hex(hex, id->data, XY_ID_LEN);
    return s_refuse(why, n, "%s event about %s %s %s",
                    s_kind(ev->exercise), s_kind(held), what, hex);
}

static int s_check_subject(view_txn_t *vt, const domain_model_t *m,
                           const Xy__Event *ev, char *why, size_t n)
{
    if (ev->body_case == XY__EVENT__BODY_SERVICE_REGISTERED)
        return s_check_registry(vt, m->services, "service",
                                &ev->service_registered->service_id, ev, why,
                                n);
    if (ev->body_case == XY__EVENT__BODY_HANDOFF_PROPOSED)
        return s_check_registry(vt, m->services, "service",
                                &ev->handoff_proposed->service_id, ev, why,
                                n);
    return s_check_registry(vt, m->teams, "team", s_team_of(ev), ev, why, n);
}

int exercise_check(view_txn_t *vt, const domain_model_t *m,
                   const Xy__Event *ev, exercise_memo_t *memo, char *why,
                   size_t n)
{
    if (why && n)
        why[0] = '\0';
    /* A newer peer's type (body not set) has its envelope checked. */
    int rc = s_check_subject(vt, m, ev, why, n);
    if (rc || !s_id(&ev->incident_id))
        return rc;
    return s_check_incident(vt, m, ev, memo, why, n);
}

typedef struct s_check_read {
    const domain_model_t *m;
    const Xy__Event *ev;
    exercise_memo_t *memo;
    char *why;
    size_t n;
} s_check_read_t;

static int s_check_read(view_txn_t *vt, void *arg)
{
    s_check_read_t *c = arg;
    return exercise_check(vt, c->m, c->ev, c->memo, c->why, c->n);
}

int exercise_check_log(event_log_t *log, const domain_model_t *m,
                       const Xy__Event *ev, exercise_memo_t *memo, char *why,
                       size_t n)
{
    s_check_read_t c = {m, ev, memo, why, n};
    return event_log_view_read(log, s_check_read, &c);
}

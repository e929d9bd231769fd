/* Tests of exercise isolation on receipt (domain/sync_policy.h
 * domain_sync_admit, core/sync.h sync_io_t.admit): a coordinator and an
 * agent, each with a real store and model, over an in-memory link. The
 * coordinator refuses events whose exercise flag disagrees with their
 * incident's; a refused event is counted, acknowledged, never stored, and
 * the session goes on. */
#include "core/sync.h"
#include "domain/exercise.h"
#include "domain/model.h"
#include "domain/sync_policy.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define Q_MAX 1024

typedef struct queue {
    struct {
        uint8_t *data;
        size_t len;
    } f[Q_MAX];
    size_t head, tail;
} queue_t;

static int s_enqueue(void *arg, const uint8_t *data, size_t len)
{
    queue_t *q = arg;
    cr_assert_lt(q->tail - q->head, Q_MAX, "queue overflow");
    q->f[q->tail % Q_MAX].data = xmalloc(len);
    memcpy(q->f[q->tail % Q_MAX].data, data, len);
    q->f[q->tail++ % Q_MAX].len = len;
    return 0;
}

static char *dir;
static uint64_t now = 1000;
static domain_model_t *cm, *am;
static event_log_t *clog_, *alog;
static sync_peer_t *coord, *agent;
static queue_t up, down;
static uint8_t coord_id[XY_ID_LEN], agent_id[XY_ID_LEN];
static domain_sync_admission_t *adm;
static char last_why[256];
static int refusals;

/* The coordinator's hook: the domain's rule, with the reason kept (the
 * io's arg is the queue, so the admission is reached directly). */
static bool s_admit(void *arg, const event_ref_t *ev, char *why, size_t n)
{
    (void)arg;
    bool ok = domain_sync_admit(adm, ev, why, n);
    if (!ok) {
        refusals++;
        snprintf(last_why, sizeof last_why, "%s", why);
    }
    return ok;
}

static event_log_t *s_log(const char *name, const uint8_t id[XY_ID_LEN],
                          domain_model_t *m)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mkdir(path, 0700);
    event_log_t *log = NULL;
    event_log_opts_t o = {.views = m->views};
    cr_assert_eq(event_log_open(&log, path, id, &o), 0);
    return log;
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    memset(&up, 0, sizeof up);
    memset(&down, 0, sizeof down);
    xy_test_id(coord_id, 100);
    xy_test_id(agent_id, 1);
    cm = domain_model_new();
    am = domain_model_new();
    clog_ = s_log("coord", coord_id, cm);
    alog = s_log("agent", agent_id, am);
    adm = xcalloc(1, sizeof *adm);
    adm->log = clog_;
    adm->m = cm;
    refusals = 0;
    last_why[0] = '\0';
    sync_io_t cio = {.send = s_enqueue, .urgent = domain_sync_urgent,
                     .admit = s_admit, .arg = &down};
    sync_io_t aio = {.send = s_enqueue, .urgent = domain_sync_urgent,
                     .arg = &up};
    sync_opts_t co = {.role = SYNC_COORDINATOR, .peer_name = "agent-1",
                      .peer_node_id = agent_id};
    sync_opts_t ao = {.role = SYNC_AGENT, .peer_name = "coordinator"};
    ao.scope.everything = true;
    cr_assert_eq(sync_peer_new(&coord, clog_, &co, &cio), 0);
    cr_assert_eq(sync_peer_new(&agent, alog, &ao, &aio), 0);
}

static void teardown(void)
{
    sync_peer_destroy(&coord);
    sync_peer_destroy(&agent);
    event_log_destroy(&clog_);
    event_log_destroy(&alog);
    domain_model_destroy(&cm);
    domain_model_destroy(&am);
    for (queue_t *q = &up; q; q = q == &up ? &down : NULL)
        while (q->head < q->tail)
            free(q->f[q->head++ % Q_MAX].data);
    free(adm);
    xy_test_rmdir(&dir);
}

TestSuite(exercise_sync, .init = setup, .fini = teardown, .timeout = 60);

/* Delivers frames both ways, ticking, until both queues stay empty or
 * max_rounds pass. */
static void s_run(int max_rounds)
{
    for (int r = 0; r < max_rounds; r++) {
        if (up.head == up.tail && down.head == down.tail) {
            now += 10;
            sync_peer_tick(agent, now);
            sync_peer_tick(coord, now);
            if (up.head == up.tail && down.head == down.tail)
                return;
        }
        while (up.head < up.tail) {
            size_t i = up.head++ % Q_MAX;
            sync_peer_receive(coord, up.f[i].data, up.f[i].len, now);
            free(up.f[i].data);
        }
        while (down.head < down.tail) {
            size_t i = down.head++ % Q_MAX;
            sync_peer_receive(agent, down.f[i].data, down.f[i].len, now);
            free(down.f[i].data);
        }
        now += 1;
    }
}

/* Writes one own event to log: a declaration, a person or a red flag of
 * incident number inc, with the flag given. Returns its seq. */
static uint64_t s_write(event_log_t *log, uint32_t type, uint32_t inc,
                        bool exercise, uint32_t subject)
{
    Xy__Event ev = XY__EVENT__INIT;
    Xy__IncidentDeclared d = XY__INCIDENT_DECLARED__INIT;
    Xy__PersonRegistered p = XY__PERSON_REGISTERED__INIT;
    Xy__RedFlagRaised f = XY__RED_FLAG_RAISED__INIT;
    uint8_t iid[XY_ID_LEN], sid[XY_ID_LEN];
    xy_test_id(iid, 1000 + inc);
    xy_test_id(sid, subject);
    ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, iid};
    ev.exercise = exercise;
    ev.author = "tester";
    ev.body_case = (Xy__Event__BodyCase)type;
    if (type == XY__EVENT__BODY_INCIDENT_DECLARED) {
        d.title = "incident";
        ev.incident_declared = &d;
    } else if (type == XY__EVENT__BODY_PERSON_REGISTERED) {
        p.person_id = (ProtobufCBinaryData){XY_ID_LEN, sid};
        ev.person_registered = &p;
    } else {
        f.flag_id = (ProtobufCBinaryData){XY_ID_LEN, sid};
        f.person_id = (ProtobufCBinaryData){XY_ID_LEN, sid};
        ev.red_flag_raised = &f;
    }
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
    return w.seq;
}

static int s_seen(const event_ref_t *ev, void *arg)
{
    (void)ev;
    (void)arg;
    return 0;
}

/* Whether the coordinator holds the agent's event seq. */
static bool s_held(uint64_t seq)
{
    int rc = event_log_get(clog_, agent_id, seq, s_seen, NULL);
    cr_assert(rc == 0 || rc == XY_ENOENT, "get: %d", rc);
    return rc == 0;
}

#define DECL XY__EVENT__BODY_INCIDENT_DECLARED
#define PERSON XY__EVENT__BODY_PERSON_REGISTERED
#define FLAG XY__EVENT__BODY_RED_FLAG_RAISED

Test(exercise_sync, exercise_events_tied_to_a_real_incident_are_refused)
{
    /* The command center runs real incident 1. */
    s_write(clog_, DECL, 1, false, 0);
    uint64_t ok1 = s_write(alog, PERSON, 1, false, 11);
    uint64_t bad1 = s_write(alog, PERSON, 1, true, 12);
    uint64_t bad2 = s_write(alog, FLAG, 1, true, 13); /* urgent lane */
    uint64_t ok2 = s_write(alog, FLAG, 1, false, 14);
    cr_assert_eq(sync_peer_start(agent, now), 0);
    s_run(200);
    const sync_stats_t *cs = sync_peer_stats(coord);
    cr_assert_eq(cs->events_refused, 2, "refused %llu, hook %d",
                 (unsigned long long)cs->events_refused, refusals);
    cr_assert_eq(refusals, 2);
    cr_assert_not_null(strstr(last_why, "exercise event tied to real "
                                        "incident"), "%s", last_why);
    cr_assert(s_held(ok1) && s_held(ok2));
    cr_assert(!s_held(bad1) && !s_held(bad2));
    /* Acknowledged: the agent's feed is all acked, nothing is in flight. */
    const sync_stats_t *as = sync_peer_stats(agent);
    cr_assert_eq(as->acked, event_log_last_position(alog));
    cr_assert_eq(as->in_flight, 0);
    /* The session goes on, and real events still flow. */
    cr_assert_eq(sync_peer_state(agent), SYNC_ACTIVE);
    cr_assert_eq(sync_peer_state(coord), SYNC_ACTIVE);
    uint64_t ok3 = s_write(alog, PERSON, 1, false, 15);
    sync_peer_pump(agent, now);
    s_run(200);
    cr_assert(s_held(ok3));
    cr_assert_eq(sync_peer_stats(coord)->events_refused, 2);
    cr_assert_eq(sync_peer_stats(coord)->sessions, 1);
    /* Nothing refused is sent again: many ticks later, still 2. */
    for (int i = 0; i < 20; i++) {
        now += 1000;
        s_run(50);
    }
    cr_assert_eq(refusals, 2);
}

Test(exercise_sync, real_events_tied_to_an_exercise_incident_are_refused)
{
    s_write(clog_, DECL, 2, true, 0);
    uint64_t bad = s_write(alog, PERSON, 2, false, 21);
    uint64_t ok = s_write(alog, PERSON, 2, true, 22);
    cr_assert_eq(sync_peer_start(agent, now), 0);
    s_run(200);
    cr_assert_eq(sync_peer_stats(coord)->events_refused, 1);
    cr_assert_not_null(strstr(last_why, "real event tied to exercise "
                                        "incident"), "%s", last_why);
    cr_assert(!s_held(bad));
    cr_assert(s_held(ok));
    cr_assert_eq(sync_peer_stats(agent)->acked,
                 event_log_last_position(alog));
}

Test(exercise_sync, a_late_declaration_must_agree_with_what_is_held)
{
    /* Offline, the agent declared incident 3 real, registered a real
     * person, then raised an exercise flag in it by mistake. The flag
     * takes the urgent lane and arrives first: its incident is not known
     * yet, so it is admitted, and it fixes the incident's flag. */
    uint64_t decl = s_write(alog, DECL, 3, false, 0);
    uint64_t person = s_write(alog, PERSON, 3, false, 31);
    uint64_t flag = s_write(alog, FLAG, 3, true, 32);
    /* A consistent incident beside it: all of it admitted. */
    uint64_t d4 = s_write(alog, DECL, 4, true, 0);
    uint64_t p4 = s_write(alog, PERSON, 4, true, 41);
    uint64_t f4 = s_write(alog, FLAG, 4, true, 42);
    cr_assert_eq(sync_peer_start(agent, now), 0);
    s_run(300);
    cr_assert(s_held(flag));
    cr_assert(!s_held(decl), "the late declaration disagrees: refused");
    cr_assert(!s_held(person));
    cr_assert(s_held(d4) && s_held(p4) && s_held(f4));
    cr_assert_eq(sync_peer_stats(coord)->events_refused, 2);
    cr_assert_eq(sync_peer_stats(agent)->acked,
                 event_log_last_position(alog));
}

Test(exercise_sync, a_center_that_refuses_exercises_takes_no_drill_data)
{
    adm->refuse_exercises = true;
    uint64_t d = s_write(alog, DECL, 5, true, 0);
    uint64_t p = s_write(alog, PERSON, 5, true, 51);
    uint64_t r = s_write(alog, DECL, 6, false, 0);
    cr_assert_eq(sync_peer_start(agent, now), 0);
    s_run(200);
    cr_assert(!s_held(d) && !s_held(p));
    cr_assert(s_held(r));
    cr_assert_eq(sync_peer_stats(coord)->events_refused, 2);
    cr_assert_not_null(strstr(last_why, "accepts no exercise data"), "%s",
                       last_why);
}

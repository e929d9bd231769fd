/* A handoff survives the receiving agent being offline for days: two real
 * event logs (the coordinator's and the agent's running at a community
 * service) with the domain's views and sync policy, joined by the sync
 * engine (core/sync.h) over an in-memory link whose queues can go down.
 * The sync engine's clock jumps days ahead while the link is down (an
 * in-process stand-in for the multi-process harness of tests/sync). */
#include "core/event_log.h"
#include "core/sync.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/followup.h"
#include "domain/handoff.h"
#include "domain/model.h"
#include "domain/service.h"
#include "domain/sync_policy.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define Q_MAX 1024
#define S_DAY (24ull * 3600 * 1000)

typedef struct queue {
    uint8_t *data[Q_MAX];
    size_t len[Q_MAX];
    size_t head, tail;
    bool down;          /* the link is cut: frames are lost */
} queue_t;

static int s_enqueue(void *arg, const uint8_t *data, size_t len)
{
    queue_t *q = arg;
    if (q->down)
        return 0;
    cr_assert_lt(q->tail - q->head, Q_MAX, "queue overflow");
    q->data[q->tail % Q_MAX] = xmalloc(len);
    memcpy(q->data[q->tail % Q_MAX], data, len);
    q->len[q->tail++ % Q_MAX] = len;
    return 0;
}

static char *dir;
static uint64_t now = 1000;
static domain_model_t *model;
static event_log_t *coord_log, *agent_log;
static sync_peer_t *coord, *agent;
static queue_t up, down;
static uint8_t coord_id[XY_ID_LEN], agent_id[XY_ID_LEN];
static domain_id_t incident = {{0x11}}, person = {{0x22}}, service_id =
    {{0x33}}, handoff_id = {{0x44}};

static event_log_t *s_log(const char *name, const uint8_t id[XY_ID_LEN])
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mkdir(path, 0700);
    event_log_opts_t opts = {.views = model->views};
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, path, id, &opts), 0);
    return log;
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    model = domain_model_new();
    xy_test_id(coord_id, 100);
    xy_test_id(agent_id, 1);
    coord_log = s_log("coord", coord_id);
    agent_log = s_log("agent", agent_id);
    sync_io_t cio = {.send = s_enqueue, .urgent = domain_sync_urgent,
                     .in_scope = domain_sync_in_scope, .arg = &down};
    sync_io_t aio = {.send = s_enqueue, .urgent = domain_sync_urgent,
                     .in_scope = domain_sync_in_scope, .arg = &up};
    sync_opts_t co = {.role = SYNC_COORDINATOR, .peer_name = "service-1",
                      .peer_node_id = agent_id, .timeout_ms = 20000,
                      .ping_ms = 5000};
    sync_opts_t ao = {.role = SYNC_AGENT, .peer_name = "coordinator",
                      .timeout_ms = 20000, .ping_ms = 5000};
    /* The service's agent subscribes to its incident, not everything. */
    ao.scope.n_incidents = 1;
    memcpy(ao.scope.incidents[0], incident.b, XY_ID_LEN);
    cr_assert_eq(sync_peer_new(&coord, coord_log, &co, &cio), 0);
    cr_assert_eq(sync_peer_new(&agent, agent_log, &ao, &aio), 0);
}

static void s_clear(queue_t *q)
{
    for (; q->head < q->tail; q->head++)
        free(q->data[q->head % Q_MAX]);
}

static void teardown(void)
{
    sync_peer_destroy(&coord);
    sync_peer_destroy(&agent);
    event_log_destroy(&coord_log);
    event_log_destroy(&agent_log);
    domain_model_destroy(&model);
    s_clear(&up);
    s_clear(&down);
    xy_test_rmdir(&dir);
}

TestSuite(handoff_sync, .init = setup, .fini = teardown, .timeout = 120);

/* Delivers frames both ways, ticking `step` ms when idle, for at most
 * `rounds` rounds. */
static void s_run(int rounds, uint64_t step)
{
    for (int r = 0; r < rounds; r++) {
        if (up.head == up.tail && down.head == down.tail) {
            now += step;
            sync_peer_tick(agent, now);
            sync_peer_tick(coord, now);
            sync_peer_pump(agent, now);
            sync_peer_pump(coord, now);
        }
        for (; up.head < up.tail; up.head++) {
            size_t i = up.head % Q_MAX;
            sync_peer_receive(coord, up.data[i], up.len[i], now);
            free(up.data[i]);
        }
        for (; down.head < down.tail; down.head++) {
            size_t i = down.head % Q_MAX;
            sync_peer_receive(agent, down.data[i], down.len[i], now);
            free(down.data[i]);
        }
    }
}

static void s_write(event_log_t *log, Xy__Event *ev)
{
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
}

static handoff_view_t found;
static int s_find(view_txn_t *vt, void *arg)
{
    (void)arg;
    return handoff_find(vt, model, &handoff_id, &found);
}

static json_t *listed;
static int s_followups(view_txn_t *vt, void *arg)
{
    (void)arg;
    listed = followup_list(vt, model, FOLLOWUP_ALL, NULL, 0, 0);
    return listed ? 0 : XY_ESTORE;
}

Test(handoff_sync, handoff_survives_the_receiving_agent_offline_for_days)
{
    cr_assert_eq(sync_peer_start(agent, now), 0);
    s_run(200, 100);
    cr_assert_eq(sync_peer_state(agent), SYNC_ACTIVE);

    /* The service's laptop goes offline; the coordinator registers the
     * service and proposes the handoff meanwhile. */
    up.down = down.down = true;
    service_t *svc = xcalloc(1, sizeof *svc);
    svc->id = service_id;
    svc->kind = XY__SERVICE_KIND__SERVICE_COMMUNITY_HEALTH;
    snprintf(svc->name, sizeof svc->name, "泸定县社区卫生服务中心");
    snprintf(svc->contact, sizeof svc->contact, "0836-1234567");
    svc->capacity = 40;
    svc->n_counties = 1;
    memcpy(svc->counties[0], "513322", 7);
    service_event_t se;
    cr_assert_eq(service_register(&se, svc, false, "coord", NULL), 0);
    s_write(coord_log, &se.ev);
    handoff_event_t he;
    handoff_input_t in = {&incident, &person, &service_id,
                          "current risk: high_risk; consent: given",
                          XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK, true, false,
                          "coord"};
    cr_assert_eq(handoff_propose(&he, &handoff_id, &in, NULL), 0);
    s_write(coord_log, &he.ev);
    sync_peer_pump(coord, now);

    /* Three days pass in hourly ticks: sessions time out, Hellos are
     * lost, nothing reaches the agent. */
    s_run(72, 3600 * 1000);
    cr_assert_geq(now, 3 * S_DAY);
    cr_assert_eq(event_log_view_read(agent_log, s_find, NULL), XY_ENOENT);

    /* The link comes back: the agent reconnects on its own and the
     * handoff arrives, still proposed. */
    up.down = down.down = false;
    s_run(2000, 100);
    cr_assert_eq(sync_peer_state(agent), SYNC_ACTIVE);
    cr_assert_eq(event_log_view_read(agent_log, s_find, NULL), 0);
    cr_assert_eq(found.status, HANDOFF_PROPOSED);
    cr_assert_eq(found.level, XY__TRIAGE_LEVEL__TRIAGE_HIGH_RISK);

    /* The service accepts on its own laptop, with the follow-ups. */
    cr_assert_eq(handoff_answer(&he, &found, true, "张医生", NULL, "svc",
                                NULL), 0);
    s_write(agent_log, &he.ev);
    followup_schedule_t sched;
    followup_schedule_default(found.level, &sched);
    followup_plan_t *plan = xmalloc(sizeof *plan);
    cr_assert_eq(followup_plan(plan, &found, &sched, "svc"), 0);
    for (size_t i = 0; i < plan->n; i++)
        s_write(agent_log, &plan->ev[i]);
    s_run(2000, 100);
    cr_assert_eq(event_log_view_read(coord_log, s_find, NULL), 0);
    cr_assert_eq(found.status, HANDOFF_ACCEPTED);
    cr_assert_str_eq(found.by, "张医生");
    cr_assert_eq(event_log_view_read(coord_log, s_followups, NULL), 0);
    cr_assert_eq(json_array_size(listed), plan->n);
    json_decref(listed);
    free(plan);
    free(svc);

    uint8_t dc[32], da[32];
    cr_assert_eq(event_log_view_digest(coord_log, dc), 0);
    cr_assert_eq(event_log_view_digest(agent_log, da), 0);
    cr_assert_eq(memcmp(dc, da, 32), 0, "both nodes show the same state");
}

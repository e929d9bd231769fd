/* Admission: an agent whose key was never enrolled stores nothing at the
 * coordinator and receives nothing; an agent revoked while it runs stores
 * nothing more once the coordinator has noticed, and receives nothing
 * written after that, while an enrolled agent of the same incident goes on
 * syncing both ways. */
#include "tests/sync/sync_harness.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

TestSuite(sync_revoke, .init = xh_setup, .fini = xh_teardown, .timeout = 200);

enum { GOOD, REVOKED, STRANGER };

/* Whether the coordinator's live status, written after since (wall ms),
 * lists an agent named name. -1: no status that recent yet. */
static int s_listed(const xh_node_t *c, const char *name, uint64_t since)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/live.json", c->dir);
    json_t *o = json_load_file(path, 0, NULL);
    if (!o)
        return -1;
    json_int_t at = json_integer_value(json_object_get(o, "updated_at"));
    int r = (uint64_t)at <= since ? -1
            : json_object_get(json_object_get(o, "agents"), name) ? 1
                                                                   : 0;
    json_decref(o);
    return r;
}

/* Waits until cond holds, at most ms. */
#define WAIT_UNTIL(cond, ms, ...)                                          \
    do {                                                                   \
        uint64_t end_ = xh_now_ms() + (ms);                                \
        while (!(cond)) {                                                  \
            cr_assert_lt(xh_now_ms(), end_, __VA_ARGS__);                  \
            xh_sleep_ms(100);                                              \
        }                                                                  \
    } while (0)

static uint64_t s_count(xh_node_t *n)
{
    event_log_t *log = xh_log(n);
    event_log_refresh(log);
    return event_log_count(log);
}

Test(sync_revoke, stranger_and_revoked_agent_exchange_nothing)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    uint8_t inc[XY_ID_LEN];
    xh_declare(&cl, inc);
    xh_agent_init(&cl, GOOD, "good", inc, true);
    xh_agent_init(&cl, REVOKED, "revoked", inc, true);
    xh_agent_init(&cl, STRANGER, "stranger", inc, false);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    for (int i = 0; i < 3; i++)
        xh_start(&cl.agents[i], XY_AGENT_BIN);
    xh_node_t *good = &cl.agents[GOOD], *rev = &cl.agents[REVOKED],
              *str = &cl.agents[STRANGER];
    uint64_t c_before = xh_write(&cl.coord, "command", 20, 5, 0, 1, inc, NULL);
    for (int i = 0; i < 3; i++)
        xh_write(&cl.agents[i], "field", 200, 50, 0, 10 + (uint64_t)i, inc,
                 NULL);
    event_log_t *c = xh_log(&cl.coord);
    /* The enrolled two sync both ways: 1 declare + 20 coordinator events +
     * the other's 200 + their own 200. */
    WAIT_UNTIL(xh_frontier(c, good->id) == 200 &&
                   xh_frontier(c, rev->id) == 200 && s_count(good) == 421 &&
                   s_count(rev) == 421,
               60000, "enrolled agents did not sync: good %llu/%llu",
               (unsigned long long)xh_frontier(c, good->id),
               (unsigned long long)s_count(good));
    cr_assert_eq(c_before, 21);
    /* The stranger got nothing in and nothing out. */
    cr_assert_eq(xh_frontier(c, str->id), 0);
    cr_assert_eq(s_count(str), 200);
    cr_assert_eq(s_count(&cl.coord), 421);

    const char *argv[] = {XY_COORDINATOR_BIN, "-d", cl.coord.dir, "revoke",
                          "revoked", NULL};
    uint64_t revoked_at = xh_wall_ms();
    cr_assert_eq(xh_run(NULL, 0, argv), 0);
    WAIT_UNTIL(s_listed(&cl.coord, "revoked", revoked_at) == 0, 10000,
               "the coordinator did not drop the revoked agent");
    WAIT_UNTIL(s_listed(&cl.coord, "good", revoked_at) == 1, 10000,
               "the coordinator lost the enrolled agent");
    uint64_t rev_held = s_count(rev);
    /* Everyone writes on: the revoked agent, the stranger, the good agent
     * and the command center (orders are urgent and fanned out; team
     * registrations go to every scope). */
    xh_write(rev, "field", 100, 10, 20, 99, inc, NULL);
    xh_write(str, "field", 100, 10, 20, 98, inc, NULL);
    xh_write(good, "field", 100, 10, 20, 97, inc, NULL);
    uint64_t c_last = xh_write(&cl.coord, "command", 30, 3, 20, 2, inc, NULL);
    cr_assert_eq(c_last, 51);
    /* The control: the enrolled agent's events and the new coordinator
     * events still flow. */
    WAIT_UNTIL(xh_frontier(c, good->id) == 300 && xh_has(xh_log(good),
                                                         cl.coord.id, 51),
               60000, "the enrolled agent stopped syncing");
    xh_sleep_ms(4000); /* ample time for anything that would leak through */
    event_log_refresh(c);
    cr_assert_eq(xh_frontier(c, rev->id), 200,
                 "the revoked agent's new events were stored");
    cr_assert_not(xh_has(c, rev->id, 201));
    cr_assert_eq(xh_frontier(c, str->id), 0, "the stranger's events were "
                 "stored");
    cr_assert_eq(s_count(&cl.coord), 421 + 100 + 30);
    cr_assert_eq(s_count(rev), rev_held + 100, "the revoked agent received "
                 "%llu new events",
                 (unsigned long long)(s_count(rev) - rev_held - 100));
    for (uint64_t seq = 22; seq <= 51; seq++)
        cr_assert_not(xh_has(xh_log(rev), cl.coord.id, seq),
                      "coordinator event %llu reached the revoked agent",
                      (unsigned long long)seq);
    cr_assert_eq(s_count(str), 300);
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(xh_stop(&cl.agents[i].pid, SIGTERM), 0);
}

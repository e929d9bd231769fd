/* The coordinator SIGKILLed and restarted ten times in the middle of sync,
 * while five agents keep running and writing: nothing acknowledged is lost,
 * nothing is doubled, and everyone ends with exactly their scope. */
#include "tests/sync/sync_harness.h"
#include "tests/sync/sync_events.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>

#define N_AGENTS 5
#define PER_AGENT 2000
#define KILLS 10

TestSuite(sync_restart, .init = xh_setup, .fini = xh_teardown,
          .timeout = 280);

Test(sync_restart, coordinator_killed_ten_times_mid_sync_loses_nothing)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    uint8_t inc[4][XY_ID_LEN];
    for (int i = 0; i < 4; i++)
        xh_declare(&cl, inc[i]);
    const int scope_of[N_AGENTS] = {0, 0, 1, 2, 3};
    for (int i = 0; i < N_AGENTS; i++) {
        char name[32];
        snprintf(name, sizeof name, "agent%d", i);
        xh_agent_init(&cl, (size_t)i, name, inc[scope_of[i]], true);
        xh_start(&cl.agents[i], XY_AGENT_BIN);
    }
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    uint64_t t0 = xh_now_ms();
    pid_t writers[N_AGENTS + 4];
    for (int i = 0; i < N_AGENTS; i++) {
        writers[i] = xh_write_async(&cl.agents[i], "field", PER_AGENT, 20, 120,
                                    (uint64_t)i + 11, inc[scope_of[i]]);
        cl.written[i] = PER_AGENT;
    }
    /* The command line keeps writing at the coordinator, daemon or not. */
    for (int k = 0; k < 4; k++)
        writers[N_AGENTS + k] = xh_write_async(&cl.coord, "command", 100, 4,
                                               100, 91 + (uint64_t)k, inc[k]);
    uint64_t rng = 4242;
    event_log_t *c = xh_log(&cl.coord);
    uint64_t held_before = 0;
    for (int k = 0; k < KILLS; k++) {
        xh_sleep_ms(300 + xs_rand(&rng) % 700);
        cr_assert(xh_alive(cl.coord.pid), "coordinator died on its own");
        cr_assert_eq(xh_stop(&cl.coord.pid, SIGKILL), 128 + SIGKILL);
        event_log_refresh(c);
        uint64_t held = event_log_count(c);
        /* Kill after kill, what was stored stays stored. */
        cr_assert_geq(held, held_before);
        held_before = held;
        xh_sleep_ms(xs_rand(&rng) % 200);
        xh_start(&cl.coord, XY_COORDINATOR_BIN);
    }
    fprintf(stderr, "%d kills done in %llu ms; %llu events held then\n",
            KILLS, (unsigned long long)(xh_now_ms() - t0),
            (unsigned long long)held_before);
    for (int i = 0; i < N_AGENTS + 4; i++) {
        uint64_t spent = xh_now_ms() - t0;
        int st = xh_wait(&writers[i], spent < 120000 ? 120000 - spent : 1);
        cr_assert_eq(st, 0, "writer %d ended with %d", i, st);
    }
    xh_wait_converged(&cl, 120000);
    for (int i = 0; i < N_AGENTS; i++)
        cr_assert_eq(xh_stop(&cl.agents[i].pid, SIGTERM), 0,
                     "agent%d did not stop cleanly", i);
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0,
                 "coordinator did not stop cleanly");
    xh_assert_converged(&cl);
}

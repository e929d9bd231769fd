/* Convergence of a coordinator and five field agents, each a real process
 * behind its own link emulator whose link comes and goes (seeded random
 * flaps, resets in the middle of transfers), while a second writer appends
 * 2,000 field records to each agent's store and the command center writes
 * orders, assessments and team registrations. Agents are scoped to one
 * incident each, two of them sharing one. Once the links stay up, everyone
 * must hold exactly what their scope says, once. */
#include "tests/sync/sync_harness.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#define N_AGENTS 5
#define PER_AGENT 2000
#define FLAP_MS 15000

TestSuite(sync_converge, .init = xh_setup, .fini = xh_teardown,
          .timeout = 280);

/* Sum of one counter over every agent in the coordinator's live status. */
static long s_coord_stat(const xh_node_t *c, const char *key)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/live.json", c->dir);
    json_t *o = json_load_file(path, 0, NULL);
    const char *name;
    json_t *st;
    long n = 0;
    json_object_foreach(json_object_get(o, "agents"), name, st)
        n += (long)json_integer_value(json_object_get(st, key));
    json_decref(o);
    return n;
}

Test(sync_converge, five_flapping_agents_hold_exactly_their_scopes)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    uint8_t inc[4][XY_ID_LEN];
    for (int i = 0; i < 4; i++)
        xh_declare(&cl, inc[i]);
    /* Agents 0 and 1 share the first incident. */
    const int scope_of[N_AGENTS] = {0, 0, 1, 2, 3};
    pid_t links[2 * N_AGENTS];
    for (int i = 0; i < N_AGENTS; i++) {
        char name[32], log[64];
        snprintf(name, sizeof name, "agent%d", i);
        xh_agent_init(&cl, (size_t)i, name, inc[scope_of[i]], true);
        /* Both channels behind the same flapping schedule. */
        char *sched = xh_flap_schedule(1000 + (uint64_t)i, FLAP_MS);
        snprintf(log, sizeof log, "link%d", i);
        uint16_t p = xh_linkem(log, cl.port, sched, NULL, &links[2 * i]);
        snprintf(log, sizeof log, "link%d-pub", i);
        uint16_t pp = xh_linkem(log, cl.pub_port, sched, NULL,
                                &links[2 * i + 1]);
        free(sched);
        xh_agent_route(&cl.agents[i], p, pp);
        xh_start(&cl.agents[i], XY_AGENT_BIN);
    }
    uint64_t t0 = xh_now_ms();
    pid_t writers[N_AGENTS + 4];
    for (int i = 0; i < N_AGENTS; i++) {
        writers[i] = xh_write_async(&cl.agents[i], "field", PER_AGENT, 25, 100,
                                    (uint64_t)i + 1, inc[scope_of[i]]);
        cl.written[i] = PER_AGENT;
    }
    /* The command center writes for every incident meanwhile: orders
     * (urgent, fanned out), assessments, and team registrations (no
     * incident: every agent's scope). */
    for (int k = 0; k < 4; k++)
        writers[N_AGENTS + k] = xh_write_async(&cl.coord, "command", 100, 4,
                                               120, 77 + (uint64_t)k, inc[k]);
    for (int i = 0; i < N_AGENTS + 4; i++) {
        uint64_t spent = xh_now_ms() - t0;
        int st = xh_wait(&writers[i], spent < 120000 ? 120000 - spent : 1);
        cr_assert_eq(st, 0, "writer %d ended with %d", i, st);
    }
    fprintf(stderr, "writers done in %llu ms\n",
            (unsigned long long)(xh_now_ms() - t0));
    xh_wait_converged(&cl, 120000);
    xh_sleep_ms(1100); /* one more live status */
    fprintf(stderr, "coordinator: %ld stored, %ld duplicates dropped, %ld "
            "sent down, %ld sessions\n",
            s_coord_stat(&cl.coord, "events_stored"),
            s_coord_stat(&cl.coord, "events_duplicate"),
            s_coord_stat(&cl.coord, "events_sent"),
            s_coord_stat(&cl.coord, "sessions"));
    for (int i = 0; i < N_AGENTS; i++)
        cr_assert_eq(xh_stop(&cl.agents[i].pid, SIGTERM), 0,
                     "agent%d did not stop cleanly", i);
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0,
                 "coordinator did not stop cleanly");
    for (int i = 0; i < 2 * N_AGENTS; i++)
        xh_stop(&links[i], SIGTERM);
    xh_assert_converged(&cl);
}

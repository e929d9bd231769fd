/* The red-flag scenario (redflag.h). */
#include "tests/sync/redflag.h"

#include <criterion/criterion.h>
#include <stdio.h>

void redflag_run(xh_cluster_t *cl, const uint8_t *incident,
                 redflag_result_t *r)
{
    xh_node_t *a = &cl->agents[0];
    event_log_t *c = xh_log(&cl->coord);
    xh_write(a, "triage", REDFLAG_BACKLOG, 1000, 0, 5, incident, NULL);
    /* Wait until the backlog flows, then give the link time to fill every
     * queue on the way. */
    uint64_t end = xh_now_ms() + 60000;
    while (xh_frontier(c, a->id) == 0) {
        cr_assert_lt(xh_now_ms(), end, "the backlog never started to flow");
        xh_sleep_ms(50);
    }
    uint64_t flow_at = xh_now_ms(), flow_held = xh_frontier(c, a->id);
    xh_sleep_ms(3000);
    uint64_t raised = 0;
    uint64_t seq = xh_write(a, "redflag", 1, 1, 0, 6, incident, &raised);
    cr_assert_eq(seq, REDFLAG_BACKLOG + 1);
    end = xh_now_ms() + 60000;
    while (!xh_has(c, a->id, seq)) {
        cr_assert_lt(xh_now_ms(), end, "the red flag never arrived");
        xh_sleep_ms(10);
    }
    uint64_t stored = xh_wall_ms();
    event_log_refresh(c);
    r->latency_ms = stored > raised ? stored - raised : 0;
    r->held_then = xh_frontier(c, a->id);
    double secs = (double)(xh_now_ms() - flow_at) / 1000.0;
    r->events_per_s = secs > 0 ? (double)(r->held_then - flow_held) / secs
                               : 0;
}

void redflag_check(const char *label, const redflag_result_t *r)
{
    double left = REDFLAG_BACKLOG - (double)r->held_then;
    double drain_s = r->events_per_s > 0 ? left / r->events_per_s : 1e9;
    fprintf(stderr, "%s: red flag stored %llu ms after it was raised; "
            "%llu of %d backlog events at the coordinator then, %.0f "
            "events/s, about %.0f s of backlog left\n",
            label, (unsigned long long)r->latency_ms,
            (unsigned long long)r->held_then, REDFLAG_BACKLOG,
            r->events_per_s, drain_s);
    cr_assert_lt(r->latency_ms, 10000, "the red flag took %llu ms",
                 (unsigned long long)r->latency_ms);
    /* It overtook the backlog: most of it was still to come. */
    cr_assert_lt(r->held_then, REDFLAG_BACKLOG / 2);
    cr_assert_gt(drain_s * 1000.0, 3.0 * (double)r->latency_ms);
}

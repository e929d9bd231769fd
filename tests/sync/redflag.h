/* The red-flag-behind-a-backlog scenario shared by the loopback (linkem)
 * and network-namespace (tbf) variants: an agent with 10,000 triage records
 * queued on a 64 kbit/s link raises a red flag, and the test measures how
 * long the flag takes to be stored at the coordinator. */
#ifndef XY_SYNC_REDFLAG_H
#define XY_SYNC_REDFLAG_H

#include "tests/sync/sync_harness.h"

#define REDFLAG_BACKLOG 10000

typedef struct redflag_result {
    uint64_t latency_ms;   /* raise (commit at the agent) to stored */
    uint64_t held_then;    /* backlog events stored at the coordinator then */
    double events_per_s;   /* backlog delivery rate meanwhile */
} redflag_result_t;

/* Runs the scenario on a cluster whose coordinator and agent 0 are
 * initialised, routed and running; fills r. */
void redflag_run(xh_cluster_t *cl, const uint8_t *incident,
                 redflag_result_t *r);

/* Asserts the outcome and prints it under label. */
void redflag_check(const char *label, const redflag_result_t *r);

#endif

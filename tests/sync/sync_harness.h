/* The harness of the multi-process sync tests: real coordinator, agent and
 * link-emulator processes on loopback, started from a Criterion test and
 * all killed (and their temporary directory removed) in the suite's fini
 * hook, even when an assertion failed. Children also die with the test
 * process (PR_SET_PDEATHSIG) should Criterion kill it on a timeout.
 *
 * A cluster is one coordinator and its agents, each agent scoped to one
 * incident; the harness builds it with the command line a person would use
 * (init, request, enroll, join), opens the stores read-side to check
 * convergence, and builds the digest an agent's view must have from the
 * coordinator's log. Set XH_KEEP=1 to keep the directory (its path is
 * printed) and the processes' logs. */
#ifndef XY_SYNC_HARNESS_H
#define XY_SYNC_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/event_log.h"

#define XH_MAX_AGENTS 8

typedef struct xh_node {
    char dir[512];            /* data directory */
    char name[48];            /* enrolled name (agents) */
    uint8_t id[XY_ID_LEN];    /* node id */
    uint8_t pub[32];          /* CURVE public key */
    pid_t pid;                /* running daemon, 0 when none */
    int runs;                 /* daemons started, for log names */
    event_log_t *log;         /* opened by xh_log for inspection */
} xh_node_t;

typedef struct xh_cluster {
    xh_node_t coord;
    uint16_t port, pub_port;              /* coordinator's ROUTER and PUB */
    xh_node_t agents[XH_MAX_AGENTS];
    size_t n;
    uint8_t incident[XH_MAX_AGENTS][XY_ID_LEN]; /* each agent's scope */
    uint64_t written[XH_MAX_AGENTS];      /* own events each agent wrote */
} xh_cluster_t;

/* Suite hooks: a fresh root directory; kill everything, remove it. */
void xh_setup(void);
void xh_teardown(void);
/* Kills every process the harness started (xh_teardown does it too). */
void xh_kill_all(void);
const char *xh_root(void);

uint64_t xh_now_ms(void);   /* monotonic */
uint64_t xh_wall_ms(void);  /* CLOCK_REALTIME, as sync_writer prints */
void xh_sleep_ms(uint64_t ms);

/* A free loopback port (bound to 0, read back, released). */
uint16_t xh_free_port(void);

/* Starts argv (NULL-terminated) with stdout and stderr in <root>/<log>.log.
 * The process is killed by xh_teardown if still running. */
pid_t xh_spawn(const char *log, const char *const *argv);
/* Runs argv to completion (at most 120 s), stdout into out (may be NULL).
 * Returns the exit status (128 + signal when killed). */
int xh_run(char *out, size_t cap, const char *const *argv);
/* Sends sig and reaps the process (SIGKILL after 20 s). Returns its exit
 * status (128 + signal). Sets *pid to 0. */
int xh_stop(pid_t *pid, int sig);
/* Waits at most ms for pid to end; returns its exit status, or -1 when it
 * still runs. Sets *pid to 0 when it ended. */
int xh_wait(pid_t *pid, uint64_t ms);
/* Whether pid is still running (reaps it if it ended). */
bool xh_alive(pid_t pid);

/* Sets a key of <dir>/config.json: a string, or an integer. */
void xh_config_str(const char *dir, const char *key, const char *val);
void xh_config_int(const char *dir, const char *key, long val);

/* Initialises a coordinator on free ports, with fast sync timers. */
void xh_coord_init(xh_cluster_t *cl);
/* Initialises agent number i named name, scoped to incident (NULL: all),
 * enrolled at the coordinator when enroll, and joined to it in any case. */
void xh_agent_init(xh_cluster_t *cl, size_t i, const char *name,
                   const uint8_t *incident, bool enroll);
/* Points an agent at other endpoints (a link emulator's ports). */
void xh_agent_route(xh_node_t *a, uint16_t port, uint16_t pub_port);

/* Starts the daemon of n (bin: XY_AGENT_BIN or XY_COORDINATOR_BIN) and waits
 * (bounded) until it says it runs. */
void xh_start(xh_node_t *n, const char *bin);
/* The same inside network namespace netns (ip netns exec). */
void xh_start_in(xh_node_t *n, const char *bin, const char *netns);

/* Declares an incident at the coordinator through its command line. */
void xh_declare(xh_cluster_t *cl, uint8_t out[XY_ID_LEN]);

/* Starts xinyuan-linkem towards 127.0.0.1:to with the schedule text (NULL:
 * none) and extra arguments (NULL-terminated list, may be NULL); returns the
 * port it listens on. */
uint16_t xh_linkem(const char *log, uint16_t to, const char *schedule,
                   const char *const *extra, pid_t *pid);

/* A seeded random flap schedule for about total_ms: up and down periods of
 * 200 ms to 2 s, resets at some downs and in the middle of some ups, then
 * "up" for good. Returns the text (static buffer per call, owned by caller:
 * free()). */
char *xh_flap_schedule(uint64_t seed, uint64_t total_ms);

/* Runs sync_writer (argv as documented there); returns the last seq it
 * wrote and, when done_ms is not NULL, its commit time. */
uint64_t xh_write(const xh_node_t *n, const char *kind, long count,
                  long batch, long sleep_ms, uint64_t seed,
                  const uint8_t *incident, uint64_t *done_ms);
/* The same, started in the background; the pid to wait for. */
pid_t xh_write_async(const xh_node_t *n, const char *kind, long count,
                     long batch, long sleep_ms, uint64_t seed,
                     const uint8_t *incident);

/* Opens (once) n's store for inspection, beside its daemon. */
event_log_t *xh_log(xh_node_t *n);
void xh_log_close(xh_node_t *n);
uint64_t xh_frontier(event_log_t *log, const uint8_t *origin);
bool xh_has(event_log_t *log, const uint8_t *origin, uint64_t seq);

/* Whether the cluster has converged (counts and frontiers); why says what
 * is missing otherwise. Stores are refreshed first. */
bool xh_converged(xh_cluster_t *cl, char *why, size_t len);
/* Waits until converged or timeout_ms passed; asserts convergence. */
void xh_wait_converged(xh_cluster_t *cl, uint64_t timeout_ms);
/* The full check, daemons stopped: the coordinator holds every event once
 * with contiguous origins, each agent holds exactly its scope, and each
 * agent's view digest equals the digest of its scope rebuilt from the
 * coordinator's log. */
void xh_assert_converged(xh_cluster_t *cl);

void xh_hex(char *out, const uint8_t *in, size_t n);

#endif

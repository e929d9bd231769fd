/* Shared pieces of bench_sync (bench/sync/): the parts (wire, goodput,
 * fanout, idle), each run in a child process of its own with a hard time
 * limit, and the helpers they share to start the real daemons and the link
 * emulator, with every wait bounded. Progress goes to stderr, figures to
 * stdout. */
#ifndef XY_BENCH_SYNC_H
#define XY_BENCH_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/event_log.h"

/* One coordinator and one enrolled agent, set up with the command line. */
typedef struct bs_pair {
    char coord[600], agent[600]; /* data directories */
    uint16_t port, pub_port;     /* coordinator's ROUTER and PUB */
    uint8_t coord_id[XY_ID_LEN]; /* node ids */
    uint8_t agent_id[XY_ID_LEN];
    uint8_t coord_pub[32]; /* coordinator's CURVE public key */
} bs_pair_t;

/* The part's temporary directory (removed by the parent process). */
extern char bs_root[512];

uint64_t bs_now_ms(void); /* CLOCK_MONOTONIC */
uint64_t bs_now_us(void);
void bs_sleep_ms(uint64_t ms);
/* Progress on stderr, with the time since the part started. */
void bs_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints why and exits the part with status 1. */
_Noreturn void bs_die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Starts argv with stdout in <root>/<log>.out and stderr in .err. */
pid_t bs_spawn(const char *log, const char *const *argv);
/* Runs argv for at most 30 s; stdout into out (may be NULL). Returns the
 * exit status, -1 when it had to be killed. */
int bs_run(char *out, size_t cap, const char *const *argv);
/* SIGTERM, then SIGKILL after 10 s; reaps. Sets *pid to 0. */
void bs_stop(pid_t *pid);
/* Starts a daemon ("run") and waits at most 20 s for " running: ". */
pid_t bs_daemon(const char *bin, const char *dir, const char *log);

uint16_t bs_free_port(void);
void bs_config_str(const char *dir, const char *key, const char *val);
void bs_config_int(const char *dir, const char *key, long val);

/* Initialises a coordinator and an agent named name under the root, and
 * enrolls and joins the agent (init, request, enroll, join). */
void bs_pair_init(bs_pair_t *p, const char *name);

/* Starts xinyuan-linkem towards 127.0.0.1:to at rate (e.g. "64kbit");
 * returns the port it listens on. */
uint16_t bs_linkem(const char *log, uint16_t to, const char *rate, pid_t *pid);
/* Stops it and reads the byte counts it prints when stopping. */
void bs_linkem_stop(const char *log, pid_t *pid, uint64_t *c2s, uint64_t *s2c);

/* Opens dir/store for a process beside the daemon (the domain's views). */
event_log_t *bs_store(const char *dir, const uint8_t *id);
/* Writes n TriageRecorded events as own events into an open log. Returns
 * the packed bytes of what was written. */
uint64_t bs_write_triage(event_log_t *log, int n, uint64_t seed);

/* Wake-ups (voluntary + involuntary context switches of all threads) and
 * VmRSS in kB of pid. */
void bs_proc_figures(pid_t pid, long *ctxt, long *rss_kb);

/* Frame bytes of one 1,000-record batch of engine output (part 1), for
 * sizing the backlog of part 2: bytes per record. */
double bs_wire_per_record(void);

int bs_part_wire(void);
int bs_part_goodput(bool quick);
int bs_part_fanout(bool quick);
int bs_part_idle(bool quick);

#endif

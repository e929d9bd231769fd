/* Helpers of the end-to-end tests (test_e2e_*.c): the daemons' own command
 * lines run beside them as a person would run them, their --json answers
 * parsed, bounded polling until an answer shows what is awaited, gentle
 * seeded flap schedules for xinyuan-linkem, and the spread of the measured
 * times. Everything asserts (Criterion) rather than returning errors: a
 * command that fails fails the test, naming the command. */
#ifndef XY_SYNC_E2E_H
#define XY_SYNC_E2E_H

#include "tests/sync/sync_harness.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define E2E_ARGS_MAX 24 /* arguments of one command, program included */
#define E2E_POLL_MS 20  /* pause between two polls */
#define E2E_STEP_MAX 64 /* bytes of a linkem step's log line */

/* Runs `bin -d <n's dir> --json args...` (args NULL-terminated) beside n's
 * daemon, asserts it exits 0 and returns its standard output parsed as
 * JSON; the caller owns the result (json_decref). */
json_t *e2e_cli(const xh_node_t *n, const char *bin,
                const char *const *args);

/* Whether the answer of a poll shows what is awaited. */
typedef bool (*e2e_pred_fn)(json_t *answer, void *arg);

/* Runs the command of e2e_cli until pred accepts its answer or timeout_ms
 * passed (then the test fails, saying what was awaited). Returns the
 * monotonic time (xh_now_ms) at which the accepting answer came back. */
uint64_t e2e_poll(const xh_node_t *n, const char *bin,
                  const char *const *args, e2e_pred_fn pred, void *arg,
                  uint64_t timeout_ms, const char *what);

/* The element of the JSON array arr whose "id" is id, or NULL; borrowed
 * from arr. */
json_t *e2e_find(json_t *arr, const char *id);

/* The string field key of object o, or NULL; borrowed from o. */
const char *e2e_str(json_t *o, const char *key);

/* Waits (at most timeout_ms, else the test fails) until the log
 * <root>/<log>.log of a process started by the harness holds needle. */
void e2e_wait_log(const char *log, const char *needle, uint64_t timeout_ms);
bool e2e_log_has(const char *log, const char *needle);

/* How many events of body type `type` (Xy__Event__BodyCase) n's store
 * holds about id (32 hex digits): the flag of a RedFlagRaised or
 * RedFlagAcknowledged, the order of a DeploymentOrdered or DeploymentAcked.
 * Opens the store beside the daemon (xh_log) and refreshes it first. */
size_t e2e_count_about(xh_node_t *n, uint32_t type, const char *id);

/* A seeded schedule that flaps for about flap_ms and then stays up: up
 * periods of 1 to 3 s, down periods of 150 to 600 ms (data held), and one
 * reset (every live connection cut) in the middle of a seeded up period.
 * *end_ms, when not NULL, receives the time of the final "up". The text is
 * owned by the caller (free). */
char *e2e_flap_schedule(uint64_t seed, uint64_t flap_ms, uint64_t *end_ms);

/* The log lines xinyuan-linkem writes when it applies the first max
 * downs and resets of schedule (e2e_flap_schedule's text), in order, into
 * steps ("linkem: t=2442ms down\n"); how many there are. */
size_t e2e_schedule_steps(const char *sched, char steps[][E2E_STEP_MAX],
                          size_t max);

/* Prints "label: min A ms, median B ms, max C ms (n samples)" on stderr
 * and in the Criterion log. ms is sorted in place. */
void e2e_report(const char *label, uint64_t *ms, size_t n);

#endif

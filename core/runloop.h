/* The daemon's event loop: one libuv loop on the main thread that owns the
 * event log's writer side, with SIGINT and SIGTERM stopping it cleanly. The
 * sync adapter and the HTTP server attach their handles to this loop. */
#ifndef XY_RUNLOOP_H
#define XY_RUNLOOP_H

#include <stdint.h>

typedef struct runloop runloop_t;

/* Creates a loop with its signal handlers. The caller owns it. */
int runloop_new(runloop_t **out);

/* Closes every handle, runs the loop until they are closed, frees it and
 * sets *rl to NULL. Safe on NULL. */
void runloop_destroy(runloop_t **rl);

/* Calls tick(arg) every interval_ms while the loop runs (0: never). */
int runloop_every(runloop_t *rl, uint64_t interval_ms, void (*tick)(void *),
                  void *arg);

/* Runs until a stop signal or runloop_stop. Returns 0, or the signal
 * number that stopped it. */
int runloop_run(runloop_t *rl);

/* The libuv loop, for adapters in core/ that attach handles to it. */
struct uv_loop_s;
struct uv_loop_s *runloop_loop(runloop_t *rl);

/* Asks the loop to return from runloop_run. */
void runloop_stop(runloop_t *rl);

#endif

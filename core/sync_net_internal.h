/* Internals shared by the sync adapter's server (sync_server.c) and client
 * (sync_client.c): clocks, socket options set on purpose, terminating a
 * ZeroMQ context off the loop thread, and the policy's defaults. Not for
 * use outside core/. */
#ifndef XY_SYNC_NET_INTERNAL_H
#define XY_SYNC_NET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "core/sync_net.h"

#define SYNC_NET_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define SYNC_NET_ZAP_ENFORCE_DOMAIN 93 /* ZMQ_ZAP_ENFORCE_DOMAIN, a draft macro */
#define SYNC_NET_TICK_DEFAULT_MS 200
#define SYNC_NET_ENROLL_CHECK_MS 500
#define SYNC_NET_HEARTBEAT_IVL 5000
#define SYNC_NET_HEARTBEAT_TIMEOUT 15000
#define SYNC_NET_PUB_MAX_PER_TICK 2000

/* Milliseconds of CLOCK_MONOTONIC: the engine's timers. */
uint64_t sync_net_now_ms(void);

/* zmq_setsockopt of an int. */
int sync_net_setopt_int(void *sock, int opt, int val);

/* Options every sync socket gets: linger 0, maximum message size, ZMTP
 * heartbeats. Returns 0 or XY_ENET. */
int sync_net_common_opts(void *sock);

/* Shuts ctx down and terminates it on the thread pool once the loop has
 * closed its sockets; the loop must keep running until then. */
void sync_net_ctx_reap(uv_loop_t *loop, void *ctx);

/* Watches a store's data file and calls fn(arg) soon after anyone (this
 * process or the command line beside it) commits to it, so new events
 * travel at once instead of at the next tick. The caller owns the watch
 * and closes it with sync_watch_close (memory freed in the close
 * callback). A watch that cannot be set up returns NULL: the tick still
 * notices writes. */
typedef struct sync_watch sync_watch_t;
sync_watch_t *sync_watch_store(uv_loop_t *loop, const event_log_t *log,
                               void (*fn)(void *arg), void *arg);
void sync_watch_close(sync_watch_t **w);

/* The policy's answers, with its defaults when a callback is NULL
 * (everything in scope, nothing urgent). */
bool sync_policy_in_scope(const sync_policy_t *p, const event_ref_t *ev,
                          const sync_scope_t *scope);
bool sync_policy_urgent(const sync_policy_t *p, uint32_t type);

#endif

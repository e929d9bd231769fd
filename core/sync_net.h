/* The ZeroMQ + libuv adapter of the sync engine: real sockets on the
 * daemon's loop.
 *
 * Coordinator (sync_server): a ZAP handler (inproc://zeromq.zap.01) started
 * before anything binds, admitting only the CURVE keys enrolled in
 * <data-dir>/enrolled; a ROUTER for the reliable exchange, one sync_peer per
 * enrolled agent, found by the ZAP User-Id (never by a payload field); a PUB
 * fanning new urgent and broadcast events out by topic. Revoking an agent
 * rebinds both sockets, which cuts every connection; the others come back on
 * their own and resume from their cursors.
 *
 * Agent (sync_client): a DEALER to the coordinator's ROUTER, a SUB to its
 * PUB subscribed to the topics of the agent's scope. Events that arrive on
 * the SUB are stored like any foreign event: a duplicate is a no-op, so a
 * lost or doubled publication costs latency, never data.
 *
 * ZMQ_FD is edge-triggered: every wake-up drains the socket until ZMQ_EVENTS
 * shows no POLLIN, and the drain runs again after any send made from a
 * timer (DESIGN.md, "Known pitfalls"). The coordinator side lives in
 * sync_server.c, the agent side in sync_client.c. */
#ifndef XY_SYNC_NET_H
#define XY_SYNC_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/event_log.h"
#include "core/identity.h"
#include "core/runloop.h"
#include "core/sync.h"

#define SYNC_ZAP_DOMAIN "xinyuan"
#define SYNC_TOPIC_MAX 40

/* What the domain decides about events; core knows nothing of the model. */
typedef struct sync_policy {
    /* Downward scope filter (see sync_io_t.in_scope). NULL: everything. */
    bool (*in_scope)(void *arg, const event_ref_t *ev,
                     const sync_scope_t *scope);
    /* Urgent lane (see sync_io_t.urgent). */
    bool (*urgent)(void *arg, uint32_t type);
    /* Whether the coordinator publishes this event on its PUB socket, and
     * under which topic (written into topic, at most SYNC_TOPIC_MAX bytes
     * with its NUL). NULL: nothing is published. */
    bool (*fanout)(void *arg, const event_ref_t *ev, char *topic);
    /* The topics an agent with this scope subscribes to; calls add for
     * each. NULL: subscribe to everything. */
    void (*topics)(void *arg, const sync_scope_t *scope,
                   void (*add)(void *ctx, const char *topic), void *ctx);
    /* Coordinator: whether an event an agent sent may be stored (see
     * sync_io_t.admit). A refusal is logged on stderr, one line naming the
     * agent, the event and the reason. NULL: everything is admitted. */
    bool (*admit)(void *arg, const event_ref_t *ev, char *why, size_t n);
    void *arg;
} sync_policy_t;

typedef struct sync_net_opts {
    const char *endpoint;         /* server: bind; client: connect */
    const char *pub_endpoint;     /* server: bind; client: connect */
    const char *enroll_dir;       /* server: <data-dir>/enrolled */
    const uint8_t *server_key;    /* client: the coordinator's public key */
    const char *peer_name;        /* client: cursor name ("coordinator") */
    sync_scope_t scope;           /* client: what it asks for */
    sync_opts_t tuning;           /* timeouts and windows (role, names and
                                     scope are set by the adapter) */
    uint64_t tick_ms;             /* timer period; 0: 200 */
} sync_net_opts_t;

typedef struct sync_server sync_server_t;
typedef struct sync_client sync_client_t;

/* Starts the coordinator's sockets on rl's loop. id, log, policy borrowed
 * for the server's life. Errors: XY_ENET (cannot bind: the message says
 * where), XY_EINVAL. */
int sync_server_new(sync_server_t **out, runloop_t *rl, event_log_t *log,
                    const node_identity_t *id, const sync_policy_t *policy,
                    const sync_net_opts_t *opts);
void sync_server_destroy(sync_server_t **s);

/* Number of agents with a session now, and the stats of one by name. */
size_t sync_server_sessions(const sync_server_t *s);
const sync_stats_t *sync_server_peer_stats(const sync_server_t *s,
                                           const char *name);

/* Starts the agent's sockets on rl's loop. */
int sync_client_new(sync_client_t **out, runloop_t *rl, event_log_t *log,
                    const node_identity_t *id, const sync_policy_t *policy,
                    const sync_net_opts_t *opts);
void sync_client_destroy(sync_client_t **c);

const sync_stats_t *sync_client_stats(const sync_client_t *c);
sync_state_t sync_client_state(const sync_client_t *c);

#endif

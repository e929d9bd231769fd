/* The sync engine: the transport-free state machine of one end of a link
 * between two nodes (docs/protocol.md). Each direction streams the sender's
 * changes feed, filtered by the receiver's scope, after the position the
 * receiver last acknowledged; the receiver stores each batch and its cursor
 * in one durable transaction and only then acknowledges. Urgent events (red
 * flags, orders, their acknowledgements: the io says which) are taken out of
 * order ahead of bulk. Bytes in flight are bounded by a window sized to the
 * measured delivery rate, so a thin link's queues never hold an urgent batch
 * back for long.
 *
 * The engine never touches a socket or a clock: frames go out through
 * io->send, come in through sync_peer_receive, and time is passed in. The
 * same engine serves the agent end (which says Hello) and the coordinator
 * end (which answers Welcome). */
#ifndef XY_SYNC_H
#define XY_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event_log.h"

#define SYNC_VERSION 1
#define SYNC_BATCH_MAX_EVENTS 1000
#define SYNC_BATCH_MAX_RAW (1024u * 1024)   /* uncompressed batch bytes */
#define SYNC_URGENT_MAX_EVENTS 64
#define SYNC_SCOPE_MAX_IDS 64
#define SYNC_WHY_MAX 200          /* bytes of a refusal's reason, NUL too */
#define SYNC_REFUSED_MAX 256      /* refused events an engine remembers */

typedef enum sync_role {
    SYNC_AGENT = 1,       /* opens sessions with Hello */
    SYNC_COORDINATOR = 2, /* answers them with Welcome */
} sync_role_t;

typedef enum sync_state {
    SYNC_IDLE = 0,        /* no session */
    SYNC_HELLO_SENT = 1,  /* agent: waiting for Welcome */
    SYNC_ACTIVE = 2,      /* streaming both ways */
    SYNC_REFUSED = 3,     /* the peer refused us for good (fatal Error) */
} sync_state_t;

/* What a node asks of its peer: scope ids are 16 bytes each. */
typedef struct sync_scope {
    bool everything;
    size_t n_incidents;
    uint8_t incidents[SYNC_SCOPE_MAX_IDS][16];
    size_t n_teams;
    uint8_t teams[SYNC_SCOPE_MAX_IDS][16];
    size_t n_zones;
    uint8_t zones[SYNC_SCOPE_MAX_IDS][16];
} sync_scope_t;

typedef struct sync_io {
    /* Sends one packed Frame to the peer (borrowed for the call). Returns 0,
     * or an error: the frame is then lost, as on a broken link. */
    int (*send)(void *arg, const uint8_t *frame, size_t len);
    /* Whether an event of this node's feed goes to a peer with this scope.
     * The event's bytes are borrowed. NULL: everything goes. */
    bool (*in_scope)(void *arg, const event_ref_t *ev,
                     const sync_scope_t *scope);
    /* Whether events of this body type take the urgent lane. NULL: none. */
    bool (*urgent)(void *arg, uint32_t type);
    /* Told after events from the peer became durable. NULL: not told. */
    void (*stored)(void *arg, const event_write_t *w, size_t n);
    /* Whether an event received from the peer may be stored: called for
     * each event of a batch, in order, before any of them is stored (the
     * io may read the store; earlier events of the batch are not in it
     * yet). false refuses it, with a one-line reason written into why (n
     * bytes): it is counted once in events_refused, acknowledged with the
     * batch and never stored, and the session goes on. The same event
     * offered again (urgent, then in bulk) is dropped without asking while
     * the engine remembers it (the last SYNC_REFUSED_MAX refusals). The
     * event's bytes are borrowed; its position is 0. NULL: everything is
     * admitted. */
    bool (*admit)(void *arg, const event_ref_t *ev, char *why, size_t n);
    void *arg;
} sync_io_t;

typedef struct sync_opts {
    sync_role_t role;
    const char *peer_name;       /* cursor key in the store, <= 64 bytes */
    const uint8_t *peer_node_id; /* coordinator end: the enrolled agent's
                                    node id; every event it sends must be of
                                    that origin. NULL: not checked */
    sync_scope_t scope;          /* agent end: what it asks for downward */
    uint32_t credit;             /* batches accepted unacked; 0: 8 */
    size_t window_min;           /* bytes in flight at least; 0: 6 KiB */
    size_t window_max;           /* and at most; 0: 512 KiB */
    uint64_t target_delay_ms;    /* window = rate * this; 0: 500 */
    uint64_t ping_ms;            /* ping an idle peer; 0: 5000 */
    uint64_t timeout_ms;         /* silence before the session is dropped;
                                    0: 20000 */
    uint64_t hello_retry_ms;     /* resend Hello; 0: 3000 */
    bool no_compress;            /* send batches uncompressed */
} sync_opts_t;

typedef struct sync_stats {
    uint64_t frames_in, frames_out;
    uint64_t bytes_in, bytes_out;       /* frame bytes */
    uint64_t events_sent, events_stored, events_duplicate, events_refused;
    uint64_t batches_sent, urgent_sent, rewinds;
    uint64_t acked;                     /* peer's durable cursor of our feed */
    uint64_t cursor;                    /* our durable cursor of its feed */
    uint64_t sessions;                  /* sessions opened */
    size_t window;                      /* current window, bytes */
    size_t in_flight;                   /* bytes sent, not yet acked */
    double rate;                        /* delivery rate estimate, bytes/s */
    uint64_t last_heard_ms;             /* when the peer last spoke */
    int last_error;                     /* last Error code received */
} sync_stats_t;

typedef struct sync_peer sync_peer_t;

/* Creates one end of a link over log (borrowed for the peer's life). The
 * io is copied; opts is copied (peer_name and peer_node_id too). */
int sync_peer_new(sync_peer_t **out, event_log_t *log, const sync_opts_t *opts,
                  const sync_io_t *io);
void sync_peer_destroy(sync_peer_t **p);

/* Agent end: opens a session (sends Hello). Coordinator end: no-op. */
int sync_peer_start(sync_peer_t *p, uint64_t now_ms);

/* Handles one frame from the peer. Returns 0, or the reason the frame was
 * dropped (it was answered with an Error frame where that helps). A fatal
 * refusal by the peer moves the state to SYNC_REFUSED. */
int sync_peer_receive(sync_peer_t *p, const uint8_t *frame, size_t len,
                      uint64_t now_ms);

/* Sends what the window and credit allow of the feed (new local events,
 * urgent first). Call after local writes and on ticks. */
int sync_peer_pump(sync_peer_t *p, uint64_t now_ms);

/* Timers: pings, silence timeouts, Hello retries. Call every ~100 ms. */
int sync_peer_tick(sync_peer_t *p, uint64_t now_ms);

/* The link broke (or was replaced): forget what was in flight; the agent
 * end says Hello again on its next tick. */
void sync_peer_reset(sync_peer_t *p);

/* Refuses the peer for good: sends a fatal Error with code and message. */
void sync_peer_refuse(sync_peer_t *p, int code, const char *message);

sync_state_t sync_peer_state(const sync_peer_t *p);
const sync_stats_t *sync_peer_stats(const sync_peer_t *p);
/* The peer's scope (coordinator end, after Hello). */
const sync_scope_t *sync_peer_scope(const sync_peer_t *p);

/* Packs and unpacks a batch payload: varint length + packed event, for each
 * of n events. sync_batch_parse calls fn for each event (borrowed bytes);
 * it refuses (XY_EMALFORMED) a length over XY_EVENT_MAX_BYTES, a truncated
 * entry, or a count that does not match. */
int sync_batch_parse(const uint8_t *buf, size_t len, uint32_t count,
                     int (*fn)(const uint8_t *ev, size_t ev_len, void *arg),
                     void *arg);

/* Converts between sync_scope_t and the wire's Scope. */
void sync_scope_from_wire(sync_scope_t *out, const Xy__Scope *in);

#endif

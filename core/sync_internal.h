/* Internals of the sync engine shared by its session and receiving half
 * (sync.c) and its sending half (sync_send.c): the peer object and small
 * helpers. Not for use outside core/. */
#ifndef XY_SYNC_INTERNAL_H
#define XY_SYNC_INTERNAL_H

#include "core/sync.h"

#define SYNC_INFLIGHT_MAX 64        /* batches in flight, whatever the credit */
#define SYNC_URGENT_SET_MAX 4096    /* urgent positions remembered */
#define SYNC_URGENT_RETRY_MIN_MS 1000 /* an unacked urgent batch is resent */
#define SYNC_PEER_NAME_MAX 64
#define SYNC_RATE_ALPHA 0.25
#define SYNC_RATE_MIN_MS 20         /* shortest span one rate sample covers */

typedef struct sync_flight {
    uint64_t last;     /* the batch's last position */
    size_t bytes;      /* its frame bytes */
    uint64_t sent_at;  /* when it was sent */
} sync_flight_t;

/* An event the io refused: the same event may come again at once (on
 * the urgent lane, then in bulk before the urgent ack) and is then dropped
 * without asking, counting or logging it twice. */
typedef struct sync_refused {
    uint8_t origin[XY_ID_LEN];
    uint64_t seq;
} sync_refused_t;

/* An event sent on the urgent lane: bulk batches leave it out only once
 * the peer acknowledged its urgent batch, so a lost urgent batch costs
 * latency, never the event. */
typedef struct sync_urgent {
    uint64_t pos;      /* its position in our feed */
    uint64_t batch;    /* the `last` of the urgent batch that carried it */
    uint64_t sent_at;  /* when that batch was sent */
    bool acked;        /* the peer acknowledged that batch */
} sync_urgent_t;

struct sync_peer {
    event_log_t *log;              /* borrowed */
    sync_opts_t o;                 /* options, defaults filled */
    char peer_name[SYNC_PEER_NAME_MAX + 1];
    uint8_t peer_node[XY_ID_LEN];  /* expected origin of the peer's events */
    bool check_origin;             /* peer_node is set */
    sync_io_t io;                  /* transport and domain callbacks */
    sync_state_t state;
    uint64_t session;              /* current session id */
    sync_scope_t peer_scope;       /* what the peer wants from us */
    uint32_t peer_credit;          /* batches the peer accepts unacked */
    /* sending half: our feed to the peer */
    uint64_t acked;                /* peer's durable cursor */
    uint64_t sent;                 /* last position put in a sent batch */
    sync_flight_t flight[SYNC_INFLIGHT_MAX]; /* oldest first */
    size_t n_flight;
    size_t in_flight;              /* bytes */
    uint64_t urgent_scan;          /* feed scanned for urgent events up to */
    sync_urgent_t urgent[SYNC_URGENT_SET_MAX]; /* urgent positions sent */
    size_t n_urgent;
    double rate;                   /* bytes/s delivered, estimate */
    double zratio;                 /* raw / compressed of sent batches */
    uint64_t last_ack_at;          /* when the last rate sample was taken */
    size_t rate_bytes;             /* bytes acked since, not yet sampled */
    uint64_t rate_since;           /* start of the span they cover */
    /* receiving half: the peer's feed to us */
    uint64_t cursor;               /* durable, as stored */
    sync_refused_t refused[SYNC_REFUSED_MAX]; /* recently refused, a ring */
    size_t n_refused;              /* entries in use */
    size_t next_refused;           /* the one replaced next when full */
    /* timers */
    uint64_t last_heard;           /* last frame from the peer */
    uint64_t last_sent;            /* last frame to the peer */
    uint64_t hello_at;             /* when Hello was sent */
    sync_stats_t st;
};

/* Packs and sends a frame (version set here); counts it. */
int sync_send_frame(sync_peer_t *p, Xy__Frame *f, uint64_t now);

/* Sends an Error frame (best effort). */
void sync_send_error(sync_peer_t *p, int code, const char *msg, bool fatal,
                     uint64_t now);

/* Forgets what is in flight; sending resumes after the acked position. */
void sync_clear_flight(sync_peer_t *p);

/* Bytes that may be in flight now: the measured rate times the target
 * delay, within the configured bounds. */
size_t sync_window(const sync_peer_t *p);

/* The urgent lane's memory (sync_send.c): find a position, forget those
 * bulk has passed, and forget unacknowledged batches past their time so
 * they are sent again. */
const sync_urgent_t *sync_urgent_find(const sync_peer_t *p, uint64_t pos);
void sync_urgent_prune(sync_peer_t *p);
void sync_urgent_expire(sync_peer_t *p, uint64_t now);

#endif

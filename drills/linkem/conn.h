/* One proxied connection of the link emulator: the accepted client socket,
 * the socket to the target, and for each direction a FIFO of chunks that is
 * delayed by the one-way latency, metered by a token bucket and held while
 * the link is down. Reading from a side stops while its queue is near the
 * per-connection cap, so a slow link pushes back on the sender instead of
 * growing memory. Internal to drills/linkem: linkem.c owns the shaping state
 * and the list of connections. */
#ifndef LINKEM_CONN_H
#define LINKEM_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "drills/linkem/linkem.h"

/* Shaping state shared by all connections of one emulator; owned by the
 * linkem_t, borrowed by every connection for its whole life. */
typedef struct linkem_shape {
    uv_loop_t *loop;              /* borrowed event loop */
    bool up;                      /* the link carries data */
    linkem_down_mode_t down_mode; /* what down means */
    uint64_t rate_bps[2];         /* per direction, 0 = unlimited */
    uint32_t latency_ms[2];       /* one-way delay per direction */
    size_t cap; /* hard maximum of queued bytes per direction */
    struct sockaddr_storage target;                 /* where connections go */
    linkem_stats_t stats;                           /* counters */
    void (*conn_freed)(struct linkem_shape *shape); /* after each free */
} linkem_shape_t;

typedef struct linkem_conn linkem_conn_t;

/* Accepts one pending connection from listener into a new connection that
 * links itself at the head of *list and unlinks and frees itself once all
 * its handles are closed (then calls shape->conn_freed). The target is
 * dialled when the link is up; while it is down in refuse mode the new
 * connection is reset at once. Returns 0, or XY_ENET when uv_accept fails
 * (the half-made connection still frees itself through the loop). */
int linkem_conn_accept(linkem_shape_t *shape, uv_stream_t *listener,
                       linkem_conn_t **list);

/* Tells the connection that the shaping state changed: dials the target if
 * the link came up, and moves queued data as the new state allows. */
void linkem_conn_kick(linkem_conn_t *self);

/* Aborts the connection with a TCP reset on both sides; queued data is
 * dropped. The memory is freed later, from the loop. */
void linkem_conn_abort(linkem_conn_t *self);

/* Closes both sides without a reset (emulator shutting down). */
void linkem_conn_close(linkem_conn_t *self);

/* The next connection in the list, or NULL. */
linkem_conn_t *linkem_conn_next(const linkem_conn_t *self);

/* Called when a direction's token-bucket rate changes, so the bucket does
 * not carry a burst sized for the old rate. */
void linkem_conn_rate_changed(linkem_conn_t *self);

#endif

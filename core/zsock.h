/* A ZeroMQ socket watched by the libuv loop (internal to core/). ZMQ_FD is
 * edge-triggered, so every wake-up drains the socket until ZMQ_EVENTS shows
 * no POLLIN; zsock_drain must also run after any send made outside the poll
 * callback, which can consume the edge. Closing follows the only safe order:
 * uv_poll_stop, uv_close, and zmq_close in the close callback. */
#ifndef XY_ZSOCK_H
#define XY_ZSOCK_H

#include <stdbool.h>
#include <uv.h>

typedef struct zsock zsock_t;

/* Called once per message part sequence is available: the callback must
 * receive with ZMQ_DONTWAIT until EAGAIN or return after one message (the
 * drain loop calls it again while ZMQ_EVENTS shows POLLIN). */
typedef void (*zsock_read_fn)(zsock_t *z, void *arg);

/* Wraps sock (owned from now on) and starts watching it. */
int zsock_watch(zsock_t **out, uv_loop_t *loop, void *sock,
                zsock_read_fn on_read, void *arg);

/* The ZeroMQ socket. */
void *zsock_socket(const zsock_t *z);

/* Calls on_read while the socket has messages (at most 10000 at once, so
 * one busy peer cannot hold the loop; the rest wait for the next turn). */
void zsock_drain(zsock_t *z);

/* Stops watching and closes the socket once libuv lets go of the handle;
 * frees z then. Sets *z to NULL. Safe on NULL. */
void zsock_close(zsock_t **z);

#endif

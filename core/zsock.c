/* ZeroMQ sockets on the libuv loop (zsock.h). */
#include "core/zsock.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <zmq.h>

#define S_DRAIN_MAX 10000

struct zsock {
    uv_poll_t poll;        /* watches ZMQ_FD for readable */
    void *sock;            /* the ZeroMQ socket (owned) */
    zsock_read_fn on_read; /* reads one message */
    void *arg;             /* its argument */
    bool closing;          /* zsock_close was called */
    uv_idle_t again;       /* re-drains next turn after a capped drain */
    int open_handles;      /* handles not yet closed, while closing */
};

static bool s_readable(void *sock)
{
    int events = 0;
    size_t len = sizeof events;
    if (zmq_getsockopt(sock, ZMQ_EVENTS, &events, &len) != 0)
        return false;
    return events & ZMQ_POLLIN;
}

static void s_on_again(uv_idle_t *h)
{
    zsock_t *z = h->data;
    uv_idle_stop(h);
    zsock_drain(z);
}

void zsock_drain(zsock_t *z)
{
    int n = 0;
    while (!z->closing && s_readable(z->sock) && n < S_DRAIN_MAX) {
        z->on_read(z, z->arg);
        n++;
    }
    if (!z->closing && n == S_DRAIN_MAX)
        uv_idle_start(&z->again, s_on_again);
}

static void s_on_poll(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    zsock_drain(h->data);
}

int zsock_watch(zsock_t **out, uv_loop_t *loop, void *sock,
                zsock_read_fn on_read, void *arg)
{
    *out = NULL;
    int fd = -1;
    size_t len = sizeof fd;
    if (zmq_getsockopt(sock, ZMQ_FD, &fd, &len) != 0)
        return XY_ENET;
    zsock_t *z = xcalloc(1, sizeof *z);
    z->sock = sock;
    z->on_read = on_read;
    z->arg = arg;
    if (uv_poll_init(loop, &z->poll, fd) != 0) {
        free(z);
        return XY_ENET;
    }
    uv_idle_init(loop, &z->again);
    z->poll.data = z;
    z->again.data = z;
    uv_poll_start(&z->poll, UV_READABLE, s_on_poll);
    *out = z;
    /* Messages may already be queued: the edge would never come. */
    zsock_drain(z);
    return 0;
}

void *zsock_socket(const zsock_t *z)
{
    return z->sock;
}

/* Both handles close at once (a loop teardown that walks the handles must
 * find them closing already); the last close callback frees. */
static void s_on_closed(uv_handle_t *h)
{
    zsock_t *z = h->data;
    if (h == (uv_handle_t *)&z->poll)
        zmq_close(z->sock);
    if (--z->open_handles == 0)
        free(z);
}

void zsock_close(zsock_t **zp)
{
    if (!zp || !*zp)
        return;
    zsock_t *z = *zp;
    z->closing = true;
    uv_idle_stop(&z->again);
    uv_poll_stop(&z->poll);
    z->open_handles = 2;
    uv_close((uv_handle_t *)&z->poll, s_on_closed);
    uv_close((uv_handle_t *)&z->again, s_on_closed);
    *zp = NULL;
}

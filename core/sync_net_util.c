/* Shared parts of the sync adapter (sync_net_internal.h). */
#include "core/sync_net_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zmq.h>

uint64_t sync_net_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int sync_net_setopt_int(void *sock, int opt, int val)
{
    return zmq_setsockopt(sock, opt, &val, sizeof val);
}

/* Options every sync socket gets, set on purpose (DESIGN.md, "Known
 * pitfalls"): no lingering at shutdown, a hard message size, ZMTP
 * heartbeats so a dead peer is noticed. */
int sync_net_common_opts(void *sock)
{
    int64_t max = XY_FRAME_MAX_BYTES + 4096;
    int rc = sync_net_setopt_int(sock, ZMQ_LINGER, 0);
    rc |= zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &max, sizeof max);
    rc |= sync_net_setopt_int(sock, ZMQ_HEARTBEAT_IVL, SYNC_NET_HEARTBEAT_IVL);
    rc |= sync_net_setopt_int(sock, ZMQ_HEARTBEAT_TIMEOUT, SYNC_NET_HEARTBEAT_TIMEOUT);
    rc |= sync_net_setopt_int(sock, ZMQ_HEARTBEAT_TTL, SYNC_NET_HEARTBEAT_TIMEOUT);
    return rc ? XY_ENET : 0;
}

/* Terminates a ZeroMQ context off the loop thread: zmq_ctx_term waits
 * until every socket is closed, and the sockets close in libuv callbacks on
 * the loop thread, which must keep turning meanwhile. */
typedef struct s_reaper {
    uv_work_t work; /* runs zmq_ctx_term */
    void *ctx;      /* the context */
} s_reaper_t;

static void s_reap_work(uv_work_t *w)
{
    s_reaper_t *r = w->data;
    zmq_ctx_term(r->ctx);
}

static void s_reap_done(uv_work_t *w, int status)
{
    (void)status;
    free(w->data);
}

void sync_net_ctx_reap(uv_loop_t *loop, void *ctx)
{
    s_reaper_t *r = xcalloc(1, sizeof *r);
    r->ctx = ctx;
    r->work.data = r;
    zmq_ctx_shutdown(ctx);
    if (uv_queue_work(loop, &r->work, s_reap_work, s_reap_done) != 0) {
        /* No thread pool: nothing can block on the loop, so terminate
         * once the sockets are closed by the caller's loop run. */
        free(r);
    }
}

bool sync_policy_in_scope(const sync_policy_t *p, const event_ref_t *ev,
                              const sync_scope_t *scope)
{
    return p->in_scope ? p->in_scope(p->arg, ev, scope) : true;
}

bool sync_policy_urgent(const sync_policy_t *p, uint32_t type)
{
    return p->urgent ? p->urgent(p->arg, type) : false;
}

static void s_on_watch_closed(uv_handle_t *h)
{
    free(h->data);
}

struct sync_watch {
    uv_fs_event_t ev;       /* inotify on the data file */
    void (*fn)(void *arg);  /* called on a change */
    void *arg;              /* its argument */
};

static void s_on_change(uv_fs_event_t *h, const char *name, int events,
                        int status)
{
    (void)name;
    (void)events;
    sync_watch_t *w = h->data;
    if (status == 0)
        w->fn(w->arg);
}

sync_watch_t *sync_watch_store(uv_loop_t *loop, const event_log_t *log,
                               void (*fn)(void *arg), void *arg)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/data.mdb", event_log_dir(log)) >=
        (int)sizeof path)
        return NULL;
    sync_watch_t *w = xcalloc(1, sizeof *w);
    w->fn = fn;
    w->arg = arg;
    w->ev.data = w;
    if (uv_fs_event_init(loop, &w->ev) != 0) {
        free(w);
        return NULL;
    }
    if (uv_fs_event_start(&w->ev, s_on_change, path, 0) != 0) {
        /* The memory goes in the close callback, as for any handle. */
        uv_close((uv_handle_t *)&w->ev, s_on_watch_closed);
        return NULL;
    }
    return w;
}

void sync_watch_close(sync_watch_t **wp)
{
    if (!wp || !*wp)
        return;
    uv_fs_event_stop(&(*wp)->ev);
    uv_close((uv_handle_t *)&(*wp)->ev, s_on_watch_closed);
    *wp = NULL;
}

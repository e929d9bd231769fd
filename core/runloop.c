/* The daemon event loop (runloop.h). */
#include "core/runloop.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <signal.h>
#include <stdlib.h>
#include <uv.h>

struct runloop {
    uv_loop_t loop;        /* the loop */
    uv_signal_t sigint;    /* SIGINT */
    uv_signal_t sigterm;   /* SIGTERM */
    uv_timer_t tick;       /* periodic work */
    void (*tick_fn)(void *); /* called on each tick */
    void *tick_arg;        /* its argument */
    int stopped_by;        /* signal number, 0 when stopped otherwise */
};

static void s_on_signal(uv_signal_t *h, int signum)
{
    runloop_t *rl = h->data;
    rl->stopped_by = signum;
    uv_stop(&rl->loop);
}

static void s_on_tick(uv_timer_t *t)
{
    runloop_t *rl = t->data;
    if (rl->tick_fn)
        rl->tick_fn(rl->tick_arg);
}

int runloop_new(runloop_t **out)
{
    runloop_t *rl = xcalloc(1, sizeof *rl);
    if (uv_loop_init(&rl->loop) != 0) {
        free(rl);
        return XY_EIO;
    }
    uv_signal_init(&rl->loop, &rl->sigint);
    uv_signal_init(&rl->loop, &rl->sigterm);
    uv_timer_init(&rl->loop, &rl->tick);
    rl->sigint.data = rl->sigterm.data = rl->tick.data = rl;
    uv_signal_start(&rl->sigint, s_on_signal, SIGINT);
    uv_signal_start(&rl->sigterm, s_on_signal, SIGTERM);
    /* Signal handles must not keep the loop alive on their own. */
    uv_unref((uv_handle_t *)&rl->sigint);
    uv_unref((uv_handle_t *)&rl->sigterm);
    *out = rl;
    return 0;
}

static void s_close_walk(uv_handle_t *h, void *arg)
{
    (void)arg;
    if (!uv_is_closing(h))
        uv_close(h, NULL);
}

void runloop_destroy(runloop_t **rlp)
{
    if (!rlp || !*rlp)
        return;
    runloop_t *rl = *rlp;
    uv_walk(&rl->loop, s_close_walk, NULL);
    uv_run(&rl->loop, UV_RUN_DEFAULT);
    uv_loop_close(&rl->loop);
    free(rl);
    *rlp = NULL;
}

int runloop_every(runloop_t *rl, uint64_t interval_ms, void (*tick)(void *),
                  void *arg)
{
    rl->tick_fn = tick;
    rl->tick_arg = arg;
    if (interval_ms == 0)
        return uv_timer_stop(&rl->tick) ? XY_EIO : 0;
    return uv_timer_start(&rl->tick, s_on_tick, interval_ms, interval_ms)
               ? XY_EIO
               : 0;
}

int runloop_run(runloop_t *rl)
{
    rl->stopped_by = 0;
    /* The daemon lives until told to stop, whatever handles are active. */
    uv_ref((uv_handle_t *)&rl->sigint);
    uv_run(&rl->loop, UV_RUN_DEFAULT);
    uv_unref((uv_handle_t *)&rl->sigint);
    return rl->stopped_by;
}

void runloop_stop(runloop_t *rl)
{
    uv_stop(&rl->loop);
}

uv_loop_t *runloop_loop(runloop_t *rl)
{
    return &rl->loop;
}

/* The link set on a libuv loop in its own thread (linkset.h). */
#include "drills/linkem/linkset.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "drills/linkem/linkem.h"

/* What the runner asks the link thread to do. */
enum { S_CMD_NONE = 0, S_CMD_ALL_UP = 1, S_CMD_STOP = 2, S_CMD_START = 3 };

struct linkset {
    uv_loop_t loop;        /* the links' loop, run by thread */
    uv_async_t wake;       /* the runner's requests */
    pthread_t thread;      /* runs loop */
    bool started;          /* thread was created */
    pthread_mutex_t mu;    /* guards cmd and done */
    pthread_cond_t cv;     /* signals done */
    int cmd;               /* S_CMD_*, set by the runner */
    bool done;             /* the thread has carried out cmd */
    size_t n;              /* agents */
    linkem_t **em;         /* 2 per agent: [2i] listen, [2i+1] publish */
    linkem_schedule_t **sched; /* S_CMD_START: the schedules to take */
};

static void s_close_cb(uv_handle_t *h)
{
    (void)h;
}

static linkem_schedule_t *s_copy(const linkem_schedule_t *s)
{
    linkem_schedule_t *c = linkem_schedule_new();
    for (size_t i = 0; i < linkem_schedule_count(s); i++)
        linkem_schedule_append(c, linkem_schedule_step(s, i));
    return c;
}

/* Starts *sched on em: a copy for the first of a pair, the schedule itself
 * (taken) for the second. */
static void s_start(linkem_t *em, linkem_schedule_t **sched, bool take)
{
    if (!*sched)
        return;
    linkem_schedule_t *s = take ? *sched : s_copy(*sched);
    if (take)
        *sched = NULL;
    linkem_run_schedule(em, &s);
}

static void s_wake_cb(uv_async_t *h)
{
    linkset_t *l = h->data;
    pthread_mutex_lock(&l->mu);
    int cmd = l->cmd;
    pthread_mutex_unlock(&l->mu);
    for (size_t i = 0; i < 2 * l->n; i++) {
        if (!l->em[i])
            continue;
        if (cmd == S_CMD_START) {
            s_start(l->em[i], &l->sched[i / 2], i % 2 == 1);
            continue;
        }
        linkem_stop_schedule(l->em[i]);
        if (cmd == S_CMD_ALL_UP)
            linkem_set_up(l->em[i], true);
        else
            linkem_destroy(&l->em[i]);
    }
    if (cmd == S_CMD_STOP)
        uv_close((uv_handle_t *)&l->wake, s_close_cb);
    pthread_mutex_lock(&l->mu);
    l->done = true;
    pthread_cond_signal(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

static void *s_thread(void *arg)
{
    linkset_t *l = arg;
    uv_run(&l->loop, UV_RUN_DEFAULT);
    return NULL;
}

static void s_ask(linkset_t *l, int cmd)
{
    pthread_mutex_lock(&l->mu);
    l->cmd = cmd;
    l->done = false;
    uv_async_send(&l->wake);
    while (!l->done)
        pthread_cond_wait(&l->cv, &l->mu);
    pthread_mutex_unlock(&l->mu);
}

/* Builds agent i's pair. */
static int s_pair(linkset_t *l, size_t i, uint16_t port, uint16_t pub_port)
{
    for (int k = 0; k < 2; k++) {
        linkem_config_t cfg = {.target_host = "127.0.0.1",
                               .target_port = k ? pub_port : port};
        int rc = linkem_new(&l->em[2 * i + (size_t)k], &l->loop, &cfg);
        if (rc)
            return rc;
    }
    return 0;
}

int linkset_new(linkset_t **out, size_t n, uint16_t port, uint16_t pub_port,
              char *err, size_t errlen)
{
    *out = NULL;
    linkset_t *l = xcalloc(1, sizeof *l);
    l->n = n;
    l->em = xcalloc(2 * n + 1, sizeof *l->em);
    uv_loop_init(&l->loop);
    pthread_mutex_init(&l->mu, NULL);
    pthread_cond_init(&l->cv, NULL);
    uv_async_init(&l->loop, &l->wake, s_wake_cb);
    l->wake.data = l;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        rc = s_pair(l, i, port, pub_port);
        if (rc)
            snprintf(err, errlen, "link of agent %zu: %s", i + 1,
                     xy_strerror(rc));
    }
    if (!rc && pthread_create(&l->thread, NULL, s_thread, l) != 0) {
        snprintf(err, errlen, "cannot start the link thread");
        rc = XY_EIO;
    }
    l->started = rc == 0;
    if (rc) {
        linkset_destroy(&l);
        return rc;
    }
    *out = l;
    return 0;
}

uint16_t linkset_port(const linkset_t *self, size_t i)
{
    return linkem_port(self->em[2 * i]);
}

uint16_t linkset_pub_port(const linkset_t *self, size_t i)
{
    return linkem_port(self->em[2 * i + 1]);
}

void linkset_start(linkset_t *self, linkem_schedule_t **schedules)
{
    self->sched = schedules;
    s_ask(self, S_CMD_START);
    self->sched = NULL;
}

void linkset_all_up(linkset_t *self)
{
    s_ask(self, S_CMD_ALL_UP);
}

void linkset_destroy(linkset_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    linkset_t *l = *self_p;
    if (l->started) {
        s_ask(l, S_CMD_STOP);
        pthread_join(l->thread, NULL);
    } else {
        for (size_t i = 0; i < 2 * l->n; i++)
            linkem_destroy(&l->em[i]);
        uv_close((uv_handle_t *)&l->wake, s_close_cb);
        uv_run(&l->loop, UV_RUN_DEFAULT);
    }
    uv_loop_close(&l->loop);
    pthread_mutex_destroy(&l->mu);
    pthread_cond_destroy(&l->cv);
    free(l->em);
    free(l);
    *self_p = NULL;
}

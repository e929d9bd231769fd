/* The link emulator: the listening socket on 127.0.0.1, the shaping state
 * shared by its connections (drills/linkem/conn.c), the programmatic
 * controls, and the driver that applies a schedule's steps or a flapping
 * sequence at their times from one timer. All handles are embedded in the
 * linkem_t, which is freed by the last close callback after
 * linkem_destroy. */
#include "drills/linkem/linkem.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "drills/linkem/conn.h"

/* Steps applied in one timer callback before yielding to the loop. */
#define S_STEPS_PER_WAKE 1000

struct linkem {
    linkem_shape_t shape;     /* first member: conn_freed casts it back */
    uv_tcp_t listener;        /* listening socket */
    uv_timer_t timer;         /* schedule and flapping driver */
    int open_handles;         /* of listener and timer, not yet closed */
    bool destroying;          /* linkem_destroy was called */
    uint16_t port;            /* bound port */
    linkem_conn_t *conns;     /* live connections */
    linkem_schedule_t *sched; /* running schedule, owned, or NULL */
    size_t sched_next;        /* index of its next step */
    bool flapping;            /* flapper drives the link */
    linkem_flapper_t flapper; /* flapping sequence */
    linkem_step_t flap_step;  /* next flapping step */
    uint64_t start_ms;        /* loop time of 0 ms of the schedule */
    linkem_step_cb *on_step;  /* hears about applied steps, or NULL */
    void *on_step_arg;        /* passed back to on_step */
};

int linkem_target_resolve(const char *host, uint16_t port,
                          struct sockaddr_storage *addr)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;

    memset(addr, 0, sizeof(*addr));
    if (!host)
        return XY_EINVAL;
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (uv_ip4_addr(host, port, in4) == 0) {
        if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127)
            return XY_EPERM;
        return 0;
    }
    if (uv_ip6_addr(host, port, in6) == 0) {
        if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
            return XY_EPERM;
        return 0;
    }
    return XY_EINVAL;
}

/* Frees the emulator once it is destroyed and nothing is open. */
static void s_maybe_free(linkem_t *self)
{
    if (self->destroying && self->open_handles == 0 && !self->conns)
        free(self);
}

static void s_on_conn_freed(linkem_shape_t *shape)
{
    s_maybe_free((linkem_t *)shape);
}

static void s_on_close(uv_handle_t *h)
{
    linkem_t *self = h->data;
    self->open_handles--;
    s_maybe_free(self);
}

static void s_on_connection(uv_stream_t *listener, int status)
{
    linkem_t *self = listener->data;
    if (status < 0 || self->destroying)
        return;
    /* A failed accept (the client gave up first) affects that client
     * only; the listener goes on. */
    (void)linkem_conn_accept(&self->shape, listener, &self->conns);
}

/* Starts closing everything; the last close callback frees self. */
static void s_shutdown(linkem_t *self)
{
    self->destroying = true;
    linkem_schedule_destroy(&self->sched);
    self->flapping = false;
    for (linkem_conn_t *c = self->conns; c; c = linkem_conn_next(c))
        linkem_conn_close(c);
    uv_close((uv_handle_t *)&self->listener, s_on_close);
    uv_close((uv_handle_t *)&self->timer, s_on_close);
}

/* Translates a libuv error of bind or listen. */
static int s_net_error(int uverr)
{
    if (uverr == UV_EADDRINUSE)
        return XY_EEXIST;
    if (uverr == UV_EACCES || uverr == UV_EPERM)
        return XY_EPERM;
    return XY_ENET;
}

int linkem_new(linkem_t **out, uv_loop_t *loop, const linkem_config_t *cfg)
{
    struct sockaddr_storage target;
    struct sockaddr_storage bound;
    struct sockaddr_in addr;
    int len = (int)sizeof(bound);
    linkem_t *self = NULL;
    int rc;

    *out = NULL;
    if (!loop || !cfg || cfg->target_port == 0)
        return XY_EINVAL;
    if (cfg->conn_cap && (cfg->conn_cap < LINKEM_CONN_CAP_MIN ||
                          cfg->conn_cap > LINKEM_CONN_CAP_MAX))
        return XY_EINVAL;
    for (int d = 0; d < 2; d++) {
        if (cfg->rate_bps[d] > LINKEM_MAX_RATE_BPS ||
            cfg->latency_ms[d] > LINKEM_MAX_LATENCY_MS)
            return XY_EINVAL;
    }
    if (cfg->down_mode != LINKEM_DOWN_HOLD &&
        cfg->down_mode != LINKEM_DOWN_REFUSE)
        return XY_EINVAL;
    rc = linkem_target_resolve(cfg->target_host, cfg->target_port, &target);
    if (rc)
        return rc;

    self = xcalloc(1, sizeof(*self));
    self->shape.loop = loop;
    self->shape.up = !cfg->start_down;
    self->shape.down_mode = cfg->down_mode;
    memcpy(self->shape.rate_bps, cfg->rate_bps, sizeof(cfg->rate_bps));
    memcpy(self->shape.latency_ms, cfg->latency_ms, sizeof(cfg->latency_ms));
    self->shape.cap = cfg->conn_cap ? cfg->conn_cap : LINKEM_CONN_CAP_DEFAULT;
    self->shape.target = target;
    self->shape.conn_freed = s_on_conn_freed;
    /* Neither creates a socket: they cannot fail on a valid loop. */
    uv_tcp_init(loop, &self->listener);
    uv_timer_init(loop, &self->timer);
    self->listener.data = self;
    self->timer.data = self;
    self->open_handles = 2;

    uv_ip4_addr("127.0.0.1", cfg->listen_port, &addr);
    rc = uv_tcp_bind(&self->listener, (const struct sockaddr *)&addr, 0);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&self->listener, 128, s_on_connection);
    if (rc == 0)
        rc = uv_tcp_getsockname(&self->listener, (struct sockaddr *)&bound,
                                &len);
    if (rc) {
        rc = s_net_error(rc);
        goto out;
    }
    self->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
    *out = self;
    self = NULL;
out:
    if (self)
        s_shutdown(self);
    return rc;
}

void linkem_destroy(linkem_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_shutdown(*self_p);
    *self_p = NULL;
}

uint16_t linkem_port(const linkem_t *self)
{
    return self->port;
}

bool linkem_is_up(const linkem_t *self)
{
    return self->shape.up;
}

/* Resets every live connection. */
static void s_abort_all(linkem_t *self)
{
    for (linkem_conn_t *c = self->conns; c; c = linkem_conn_next(c))
        linkem_conn_abort(c);
}

/* Lets every connection act on a change of the shaping state. */
static void s_kick_all(linkem_t *self)
{
    for (linkem_conn_t *c = self->conns; c; c = linkem_conn_next(c))
        linkem_conn_kick(c);
}

void linkem_set_up(linkem_t *self, bool up)
{
    self->shape.up = up;
    if (!up && self->shape.down_mode == LINKEM_DOWN_REFUSE)
        s_abort_all(self);
    else if (up)
        s_kick_all(self);
}

void linkem_set_down_mode(linkem_t *self, linkem_down_mode_t mode)
{
    self->shape.down_mode = mode;
    if (!self->shape.up && mode == LINKEM_DOWN_REFUSE)
        s_abort_all(self);
}

void linkem_reset(linkem_t *self)
{
    s_abort_all(self);
}

int linkem_set_rate(linkem_t *self, uint64_t c2s_bps, uint64_t s2c_bps)
{
    if (c2s_bps > LINKEM_MAX_RATE_BPS || s2c_bps > LINKEM_MAX_RATE_BPS)
        return XY_ERANGE;
    self->shape.rate_bps[LINKEM_C2S] = c2s_bps;
    self->shape.rate_bps[LINKEM_S2C] = s2c_bps;
    for (linkem_conn_t *c = self->conns; c; c = linkem_conn_next(c))
        linkem_conn_rate_changed(c);
    s_kick_all(self);
    return 0;
}

int linkem_set_latency(linkem_t *self, uint32_t c2s_ms, uint32_t s2c_ms)
{
    if (c2s_ms > LINKEM_MAX_LATENCY_MS || s2c_ms > LINKEM_MAX_LATENCY_MS)
        return XY_ERANGE;
    self->shape.latency_ms[LINKEM_C2S] = c2s_ms;
    self->shape.latency_ms[LINKEM_S2C] = s2c_ms;
    return 0;
}

int linkem_apply(linkem_t *self, const linkem_step_t *step)
{
    linkem_step_t s = *step;
    uint64_t rate[2];
    uint32_t lat[2];

    s.at_ms = 0;
    if (linkem_step_check(&s) != 0)
        return XY_EINVAL;
    memcpy(rate, self->shape.rate_bps, sizeof(rate));
    memcpy(lat, self->shape.latency_ms, sizeof(lat));
    if (s.what & LINKEM_STEP_RATE_C2S)
        rate[LINKEM_C2S] = s.rate_bps[LINKEM_C2S];
    if (s.what & LINKEM_STEP_RATE_S2C)
        rate[LINKEM_S2C] = s.rate_bps[LINKEM_S2C];
    if (s.what & LINKEM_STEP_LATENCY_C2S)
        lat[LINKEM_C2S] = s.latency_ms[LINKEM_C2S];
    if (s.what & LINKEM_STEP_LATENCY_S2C)
        lat[LINKEM_S2C] = s.latency_ms[LINKEM_S2C];
    linkem_set_latency(self, lat[LINKEM_C2S], lat[LINKEM_S2C]);
    if (s.what & (LINKEM_STEP_RATE_C2S | LINKEM_STEP_RATE_S2C))
        linkem_set_rate(self, rate[LINKEM_C2S], rate[LINKEM_S2C]);
    if (s.what & LINKEM_STEP_RESET)
        linkem_reset(self);
    if (s.what & LINKEM_STEP_MODE)
        self->shape.down_mode = s.down_mode;
    if (s.what & LINKEM_STEP_UP)
        linkem_set_up(self, true);
    else if (s.what & LINKEM_STEP_DOWN)
        linkem_set_up(self, false);
    else if ((s.what & LINKEM_STEP_MODE) && !self->shape.up)
        linkem_set_down_mode(self, s.down_mode);
    return 0;
}

/* Applies a step from the driver and reports it. */
static void s_apply_step(linkem_t *self, const linkem_step_t *step)
{
    if (linkem_apply(self, step) != 0)
        return;
    self->shape.stats.steps++;
    if (self->on_step)
        self->on_step(self->on_step_arg, step);
}

/* The next step the driver will apply, or NULL when there is none. */
static const linkem_step_t *s_next_step(const linkem_t *self)
{
    if (self->flapping)
        return &self->flap_step;
    if (self->sched)
        return linkem_schedule_step(self->sched, self->sched_next);
    return NULL;
}

static void s_on_timer(uv_timer_t *t);

/* Applies every step that is due, then arms the timer for the next one. */
static void s_drive(linkem_t *self)
{
    uint64_t now = uv_now(self->shape.loop);
    uint64_t elapsed = now - self->start_ms;
    const linkem_step_t *step;

    for (int i = 0; i < S_STEPS_PER_WAKE; i++) {
        step = s_next_step(self);
        if (!step || step->at_ms > elapsed || self->destroying)
            break;
        linkem_step_t copy = *step;
        if (self->flapping)
            linkem_flapper_next(&self->flapper, &self->flap_step);
        else
            self->sched_next++;
        s_apply_step(self, &copy);
    }
    step = self->destroying ? NULL : s_next_step(self);
    if (!step) {
        uv_timer_stop(&self->timer);
        linkem_schedule_destroy(&self->sched);
        return;
    }
    uint64_t due = self->start_ms + step->at_ms;
    uv_timer_start(&self->timer, s_on_timer, due > now ? due - now : 0, 0);
}

static void s_on_timer(uv_timer_t *t)
{
    s_drive(t->data);
}

void linkem_stop_schedule(linkem_t *self)
{
    uv_timer_stop(&self->timer);
    linkem_schedule_destroy(&self->sched);
    self->flapping = false;
}

int linkem_run_schedule(linkem_t *self, linkem_schedule_t **schedule_p)
{
    linkem_stop_schedule(self);
    self->sched = *schedule_p;
    *schedule_p = NULL;
    self->sched_next = 0;
    uv_update_time(self->shape.loop);
    self->start_ms = uv_now(self->shape.loop);
    s_drive(self);
    return 0;
}

int linkem_run_flap(linkem_t *self, const linkem_flap_t *flap)
{
    linkem_flapper_t fl;
    int rc = linkem_flapper_init(&fl, flap);
    if (rc)
        return rc;
    linkem_stop_schedule(self);
    self->flapper = fl;
    linkem_flapper_next(&self->flapper, &self->flap_step);
    self->flapping = true;
    uv_update_time(self->shape.loop);
    self->start_ms = uv_now(self->shape.loop);
    s_drive(self);
    return 0;
}

void linkem_on_step(linkem_t *self, linkem_step_cb *cb, void *arg)
{
    self->on_step = cb;
    self->on_step_arg = arg;
}

void linkem_stats(const linkem_t *self, linkem_stats_t *out)
{
    *out = self->shape.stats;
}

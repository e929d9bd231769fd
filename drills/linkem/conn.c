/* One proxied connection: two directions, each a FIFO of chunks read from
 * its source socket and written to its destination socket, one write in
 * flight at a time. A chunk leaves when its latency has passed, the link is
 * up and the token bucket holds enough bytes; a timer wakes the direction
 * when one of these is only a matter of time. The end of a stream (EOF) is
 * passed on as a shutdown once everything before it has been delivered; an
 * error on one side is passed on as a reset of the other. The connection is
 * freed once its four handles (two sockets, two timers) have closed. */
#include "drills/linkem/conn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"

/* Largest read and largest write, in bytes. */
#define S_IO_MAX (64u << 10)
/* Token-bucket depth: this many milliseconds of the rate, at least
 * S_BURST_MIN bytes, so a slow link still sends whole segments. */
#define S_BURST_MS 20u
#define S_BURST_MIN 512u

/* Bytes read from one side and not yet delivered to the other. */
typedef struct s_chunk {
    struct s_chunk *next; /* next chunk in the FIFO */
    uint64_t ready_ms;    /* loop time from which it may be delivered */
    size_t len;           /* bytes in data */
    size_t off;           /* bytes already delivered */
    char data[];          /* the bytes */
} s_chunk_t;

/* One direction of the connection. */
typedef struct s_dir {
    linkem_conn_t *conn; /* owning connection */
    int idx;             /* LINKEM_C2S or LINKEM_S2C */
    uv_tcp_t *src;       /* socket read from (in conn) */
    uv_tcp_t *dst;       /* socket written to (in conn) */
    s_chunk_t *head;     /* oldest queued chunk */
    s_chunk_t *tail;     /* newest queued chunk */
    size_t queued;       /* bytes queued, at most shape->cap */
    double tokens;       /* token bucket, in bytes */
    uint64_t refill_ms;  /* loop time of the last refill */
    uv_timer_t timer;    /* wakes the direction up */
    uv_write_t wreq;     /* the write in flight */
    size_t wlen;         /* bytes of the write in flight */
    uv_shutdown_t sreq;  /* the shutdown passing EOF on */
    bool writing;        /* wreq is in flight */
    bool reading;        /* reading from src */
    bool paused;         /* reading stopped because the queue is full */
    bool eof;            /* src has ended */
    uint64_t eof_ms;     /* loop time from which the end may be passed on */
    bool shut_sent;      /* shutdown of dst requested */
    bool shut_done;      /* shutdown of dst completed */
    char rbuf[S_IO_MAX]; /* read buffer, copied into chunks */
} s_dir_t;

struct linkem_conn {
    linkem_shape_t *shape; /* borrowed shaping state */
    linkem_conn_t *next;   /* next in the emulator's list */
    linkem_conn_t **pprev; /* the pointer that points at this one */
    uv_tcp_t client;       /* accepted socket */
    uv_tcp_t server;       /* socket to the target */
    uv_connect_t creq;     /* dialling the target */
    bool dialing;          /* creq in flight */
    bool connected;        /* server is connected */
    bool closing;          /* handles are closing; start nothing new */
    int open_handles;      /* handles not yet closed */
    s_dir_t dir[2];        /* per direction, indexed by LINKEM_C2S/S2C */
};

static void s_pump(s_dir_t *d);
static void s_read_start(s_dir_t *d);

/* Unlinks and frees the connection once its last handle has closed. */
static void s_free(linkem_conn_t *c)
{
    linkem_shape_t *shape = c->shape;
    *c->pprev = c->next;
    if (c->next)
        c->next->pprev = c->pprev;
    for (int i = 0; i < 2; i++) {
        s_chunk_t *ch = c->dir[i].head;
        while (ch) {
            s_chunk_t *next = ch->next;
            free(ch);
            ch = next;
        }
    }
    shape->stats.queued -= c->dir[0].queued + c->dir[1].queued;
    shape->stats.active--;
    free(c);
    if (shape->conn_freed)
        shape->conn_freed(shape);
}

static void s_on_close(uv_handle_t *h)
{
    linkem_conn_t *c = h->data;
    if (--c->open_handles == 0)
        s_free(c);
}

/* Closes a socket, with a reset when rst is set and the socket allows it
 * (no fd yet, or a shutdown already under way, means a plain close). */
static void s_close_tcp(uv_tcp_t *t, bool rst)
{
    if (uv_is_closing((uv_handle_t *)t))
        return;
    if (rst && uv_tcp_close_reset(t, s_on_close) == 0)
        return;
    uv_close((uv_handle_t *)t, s_on_close);
}

/* Closes all handles; rst sends a reset to both peers. */
static void s_close(linkem_conn_t *c, bool rst)
{
    if (c->closing)
        return;
    c->closing = true;
    s_close_tcp(&c->client, rst);
    s_close_tcp(&c->server, rst);
    for (int i = 0; i < 2; i++)
        uv_close((uv_handle_t *)&c->dir[i].timer, s_on_close);
}

void linkem_conn_abort(linkem_conn_t *self)
{
    if (self->closing)
        return;
    self->shape->stats.resets++;
    s_close(self, true);
}

void linkem_conn_close(linkem_conn_t *self)
{
    s_close(self, false);
}

linkem_conn_t *linkem_conn_next(const linkem_conn_t *self)
{
    return self->next;
}

/* Token-bucket depth for a rate, in bytes. */
static double s_burst(uint64_t rate_bps)
{
    double b = (double)rate_bps / 8.0 * S_BURST_MS / 1000.0;
    return b < S_BURST_MIN ? S_BURST_MIN : b;
}

/* Adds the tokens earned since the last refill, up to the bucket depth. */
static void s_refill(s_dir_t *d, uint64_t now, uint64_t rate_bps)
{
    double burst = s_burst(rate_bps);
    if (now > d->refill_ms) {
        d->tokens += (double)(now - d->refill_ms) * (double)rate_bps / 8000.0;
        d->refill_ms = now;
    }
    if (d->tokens > burst)
        d->tokens = burst;
}

void linkem_conn_rate_changed(linkem_conn_t *self)
{
    for (int i = 0; i < 2; i++) {
        uint64_t rate = self->shape->rate_bps[i];
        if (rate && self->dir[i].tokens > s_burst(rate))
            self->dir[i].tokens = s_burst(rate);
    }
}

static void s_on_timer(uv_timer_t *t)
{
    linkem_conn_t *c = t->data;
    s_pump(t == &c->dir[0].timer ? &c->dir[0] : &c->dir[1]);
}

static void s_wait(s_dir_t *d, uint64_t ms)
{
    uv_timer_start(&d->timer, s_on_timer, ms ? ms : 1, 0);
}

static void s_on_shutdown(uv_shutdown_t *req, int status)
{
    s_dir_t *d = req->data;
    linkem_conn_t *c = d->conn;
    if (c->closing)
        return;
    if (status < 0) {
        s_close(c, true);
        return;
    }
    d->shut_done = true;
    if (c->dir[0].shut_done && c->dir[1].shut_done)
        s_close(c, false);
}

static void s_on_write(uv_write_t *req, int status)
{
    s_dir_t *d = req->data;
    linkem_conn_t *c = d->conn;
    s_chunk_t *h = d->head;

    d->writing = false;
    if (status < 0) {
        s_close(c, true);
        return;
    }
    h->off += d->wlen;
    d->queued -= d->wlen;
    c->shape->stats.queued -= d->wlen;
    c->shape->stats.bytes[d->idx] += d->wlen;
    if (h->off == h->len) {
        d->head = h->next;
        if (!d->head)
            d->tail = NULL;
        free(h);
    }
    if (d->paused && d->queued <= c->shape->cap / 2) {
        d->paused = false;
        s_read_start(d);
    }
    s_pump(d);
}

/* Passes the end of the stream on once it is due. */
static void s_pass_eof(s_dir_t *d, uint64_t now)
{
    if (now < d->eof_ms) {
        s_wait(d, d->eof_ms - now);
        return;
    }
    d->sreq.data = d;
    if (uv_shutdown(&d->sreq, (uv_stream_t *)d->dst, s_on_shutdown) != 0) {
        s_close(d->conn, true);
        return;
    }
    d->shut_sent = true;
}

/* Moves the head of the queue on as far as latency, the link state and the
 * token bucket allow, or arms the timer for when they will. */
static void s_pump(s_dir_t *d)
{
    linkem_conn_t *c = d->conn;
    linkem_shape_t *shape = c->shape;
    uint64_t now, rate;
    s_chunk_t *h = d->head;
    size_t n;

    if (c->closing || d->writing || d->shut_sent || !shape->up || !c->connected)
        return;
    now = uv_now(shape->loop);
    if (!h) {
        if (d->eof)
            s_pass_eof(d, now);
        return;
    }
    if (h->ready_ms > now) {
        s_wait(d, h->ready_ms - now);
        return;
    }
    n = h->len - h->off;
    if (n > S_IO_MAX)
        n = S_IO_MAX;
    rate = shape->rate_bps[d->idx];
    if (rate) {
        s_refill(d, now, rate);
        double want = s_burst(rate);
        if (want > (double)n)
            want = (double)n;
        if (d->tokens < want) {
            s_wait(d,
                   (uint64_t)ceil((want - d->tokens) * 8000.0 / (double)rate));
            return;
        }
        if ((double)n > d->tokens)
            n = (size_t)d->tokens;
        d->tokens -= (double)n;
    }
    uv_buf_t buf = uv_buf_init(h->data + h->off, (unsigned)n);
    d->wreq.data = d;
    if (uv_write(&d->wreq, (uv_stream_t *)d->dst, &buf, 1, s_on_write) != 0) {
        s_close(c, true);
        return;
    }
    d->writing = true;
    d->wlen = n;
}

static void s_on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    linkem_conn_t *c = h->data;
    s_dir_t *d = h == (uv_handle_t *)&c->client ? &c->dir[LINKEM_C2S]
                                                : &c->dir[LINKEM_S2C];
    (void)hint;
    *buf = uv_buf_init(d->rbuf, sizeof(d->rbuf));
}

static void s_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    linkem_conn_t *c = s->data;
    s_dir_t *d = s == (uv_stream_t *)&c->client ? &c->dir[LINKEM_C2S]
                                                : &c->dir[LINKEM_S2C];
    linkem_shape_t *shape = c->shape;
    uint64_t now = uv_now(shape->loop);

    if (nread == 0 || c->closing)
        return;
    if (nread < 0) {
        uv_read_stop(s);
        d->reading = false;
        if (nread != UV_EOF) {
            /* The peer reset or failed: the other peer learns it the same
             * way, and undelivered data is lost as on a real link. */
            s_close(c, true);
            return;
        }
        d->eof = true;
        d->eof_ms = now + shape->latency_ms[d->idx];
        s_pump(d);
        return;
    }
    s_chunk_t *ch = xmalloc(sizeof(*ch) + (size_t)nread);
    memcpy(ch->data, buf->base, (size_t)nread);
    ch->next = NULL;
    ch->len = (size_t)nread;
    ch->off = 0;
    ch->ready_ms = now + shape->latency_ms[d->idx];
    if (d->tail)
        d->tail->next = ch;
    else
        d->head = ch;
    d->tail = ch;
    d->queued += (size_t)nread;
    shape->stats.queued += (size_t)nread;
    if (d->queued > shape->cap - S_IO_MAX) {
        uv_read_stop(s);
        d->reading = false;
        d->paused = true;
    }
    s_pump(d);
}

static void s_read_start(s_dir_t *d)
{
    if (d->reading || d->eof || d->conn->closing)
        return;
    if (uv_read_start((uv_stream_t *)d->src, s_on_alloc, s_on_read) != 0) {
        s_close(d->conn, true);
        return;
    }
    d->reading = true;
}

static void s_on_connect(uv_connect_t *req, int status)
{
    linkem_conn_t *c = req->data;

    c->dialing = false;
    if (c->closing)
        return;
    if (status < 0) {
        /* The client sees the refusal as a reset, as it would if it had
         * dialled the target itself. */
        c->shape->stats.connect_failures++;
        s_close(c, true);
        return;
    }
    c->connected = true;
    uv_tcp_nodelay(&c->server, 1);
    s_read_start(&c->dir[LINKEM_S2C]);
    s_pump(&c->dir[LINKEM_C2S]);
    s_pump(&c->dir[LINKEM_S2C]);
}

void linkem_conn_kick(linkem_conn_t *self)
{
    linkem_shape_t *shape = self->shape;

    if (self->closing || !shape->up)
        return;
    if (!self->dialing && !self->connected) {
        self->creq.data = self;
        if (uv_tcp_connect(&self->creq, &self->server,
                           (const struct sockaddr *)&shape->target,
                           s_on_connect) != 0) {
            shape->stats.connect_failures++;
            s_close(self, true);
            return;
        }
        self->dialing = true;
        return;
    }
    s_pump(&self->dir[LINKEM_C2S]);
    s_pump(&self->dir[LINKEM_S2C]);
}

/* Sets up one direction from src to dst. */
static void s_dir_init(linkem_conn_t *c, int idx, uv_tcp_t *src, uv_tcp_t *dst)
{
    s_dir_t *d = &c->dir[idx];
    d->conn = c;
    d->idx = idx;
    d->src = src;
    d->dst = dst;
    /* Never fails for a valid loop: it only initialises the structure. */
    uv_timer_init(c->shape->loop, &d->timer);
    d->timer.data = c;
}

int linkem_conn_accept(linkem_shape_t *shape, uv_stream_t *listener,
                       linkem_conn_t **list)
{
    linkem_conn_t *c = xcalloc(1, sizeof(*c));

    c->shape = shape;
    /* uv_tcp_init without flags creates no socket and cannot fail. */
    uv_tcp_init(shape->loop, &c->client);
    uv_tcp_init(shape->loop, &c->server);
    c->client.data = c;
    c->server.data = c;
    s_dir_init(c, LINKEM_C2S, &c->client, &c->server);
    s_dir_init(c, LINKEM_S2C, &c->server, &c->client);
    c->open_handles = 4;
    c->next = *list;
    if (*list)
        (*list)->pprev = &c->next;
    *list = c;
    c->pprev = list;
    shape->stats.active++;

    if (uv_accept(listener, (uv_stream_t *)&c->client) != 0) {
        s_close(c, false);
        return XY_ENET;
    }
    shape->stats.connections++;
    if (!shape->up && shape->down_mode == LINKEM_DOWN_REFUSE) {
        linkem_conn_abort(c);
        return 0;
    }
    uv_tcp_nodelay(&c->client, 1);
    s_read_start(&c->dir[LINKEM_C2S]);
    linkem_conn_kick(c);
    return 0;
}

/* The sync engine (sync.h): sessions, the receiving half of a feed stream,
 * acknowledgements and timers. The sending half is sync_send.c. */
#include "core/sync_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

int sync_send_frame(sync_peer_t *p, Xy__Frame *f, uint64_t now)
{
    f->version = SYNC_VERSION;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = xy_frame_pack(f, &buf, &len);
    if (rc)
        return rc;
    rc = p->io.send(p->io.arg, buf, len);
    free(buf);
    if (rc)
        return rc;
    p->st.frames_out++;
    p->st.bytes_out += len;
    p->last_sent = now;
    return 0;
}

void sync_send_error(sync_peer_t *p, int code, const char *msg, bool fatal,
                         uint64_t now)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Error e = XY__ERROR__INIT;
    e.code = code;
    e.message = (char *)msg;
    e.fatal = fatal;
    f.msg_case = XY__FRAME__MSG_ERROR;
    f.error = &e;
    sync_send_frame(p, &f, now);
}

void sync_clear_flight(sync_peer_t *p)
{
    p->n_flight = 0;
    p->in_flight = 0;
    p->sent = p->acked;
    p->rate_bytes = 0;
}

size_t sync_window(const sync_peer_t *p)
{
    double w = p->rate * (double)p->o.target_delay_ms / 1000.0;
    if (w < (double)p->o.window_min)
        return p->o.window_min;
    if (w > (double)p->o.window_max)
        return p->o.window_max;
    return (size_t)w;
}

void sync_scope_from_wire(sync_scope_t *out, const Xy__Scope *in)
{
    memset(out, 0, sizeof *out);
    if (!in) {
        out->everything = true;
        return;
    }
    out->everything = in->everything;
    struct {
        size_t n;
        ProtobufCBinaryData *ids;
        size_t *on;
        uint8_t (*oids)[16];
    } lists[] = {
        {in->n_incident_ids, in->incident_ids, &out->n_incidents,
         out->incidents},
        {in->n_team_ids, in->team_ids, &out->n_teams, out->teams},
        {in->n_zone_ids, in->zone_ids, &out->n_zones, out->zones},
    };
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < lists[l].n && *lists[l].on < SYNC_SCOPE_MAX_IDS;
             i++)
            if (lists[l].ids[i].len == 16)
                memcpy(lists[l].oids[(*lists[l].on)++], lists[l].ids[i].data,
                       16);
}

/* Fills a wire Scope pointing into s (and the arrays given). */
static void s_scope_to_wire(Xy__Scope *w, const sync_scope_t *s,
                            ProtobufCBinaryData *inc, ProtobufCBinaryData *team,
                            ProtobufCBinaryData *zone)
{
    xy__scope__init(w);
    w->everything = s->everything;
    for (size_t i = 0; i < s->n_incidents; i++)
        inc[i] = (ProtobufCBinaryData){16, (uint8_t *)s->incidents[i]};
    for (size_t i = 0; i < s->n_teams; i++)
        team[i] = (ProtobufCBinaryData){16, (uint8_t *)s->teams[i]};
    for (size_t i = 0; i < s->n_zones; i++)
        zone[i] = (ProtobufCBinaryData){16, (uint8_t *)s->zones[i]};
    w->n_incident_ids = s->n_incidents;
    w->incident_ids = inc;
    w->n_team_ids = s->n_teams;
    w->team_ids = team;
    w->n_zone_ids = s->n_zones;
    w->zone_ids = zone;
}

/* ------------------------------------------------------------ lifecycle */

int sync_peer_new(sync_peer_t **out, event_log_t *log, const sync_opts_t *opts,
                  const sync_io_t *io)
{
    *out = NULL;
    if (!io || !io->send || !opts || !opts->peer_name)
        return XY_EINVAL;
    size_t nlen = strlen(opts->peer_name);
    if (nlen == 0 || nlen > SYNC_PEER_NAME_MAX)
        return XY_EINVAL;
    uint64_t cursor = 0;
    int rc = event_log_cursor(log, opts->peer_name, &cursor);
    if (rc)
        return rc;
    sync_peer_t *p = xcalloc(1, sizeof *p);
    p->log = log;
    p->o = *opts;
    memcpy(p->peer_name, opts->peer_name, nlen + 1);
    p->o.peer_name = p->peer_name;
    if (opts->peer_node_id) {
        memcpy(p->peer_node, opts->peer_node_id, XY_ID_LEN);
        p->check_origin = true;
    }
    p->o.peer_node_id = NULL;
    p->io = *io;
    if (!p->o.credit)
        p->o.credit = 8;
    if (!p->o.window_min)
        p->o.window_min = 6 * 1024;
    if (!p->o.window_max)
        p->o.window_max = 512 * 1024;
    if (p->o.window_max < p->o.window_min)
        p->o.window_max = p->o.window_min;
    if (!p->o.target_delay_ms)
        p->o.target_delay_ms = 500;
    if (!p->o.ping_ms)
        p->o.ping_ms = 5000;
    if (!p->o.timeout_ms)
        p->o.timeout_ms = 20000;
    if (!p->o.hello_retry_ms)
        p->o.hello_retry_ms = 3000;
    p->cursor = cursor;
    p->st.cursor = cursor;
    /* Upward, the coordinator takes everything an agent has of its own. */
    if (p->o.role == SYNC_AGENT)
        p->peer_scope.everything = true;
    p->peer_credit = 1;
    *out = p;
    return 0;
}

void sync_peer_destroy(sync_peer_t **pp)
{
    if (!pp || !*pp)
        return;
    free(*pp);
    *pp = NULL;
}

void sync_peer_reset(sync_peer_t *p)
{
    if (p->state != SYNC_REFUSED)
        p->state = SYNC_IDLE;
    sync_clear_flight(p);
    p->n_urgent = 0;
    p->urgent_scan = 0;
}

sync_state_t sync_peer_state(const sync_peer_t *p)
{
    return p->state;
}

const sync_stats_t *sync_peer_stats(const sync_peer_t *p)
{
    sync_peer_t *m = (sync_peer_t *)p;
    m->st.acked = p->acked;
    m->st.cursor = p->cursor;
    m->st.window = sync_window(p);
    m->st.in_flight = p->in_flight;
    m->st.rate = p->rate;
    m->st.last_heard_ms = p->last_heard;
    return &p->st;
}

const sync_scope_t *sync_peer_scope(const sync_peer_t *p)
{
    return &p->peer_scope;
}

void sync_peer_refuse(sync_peer_t *p, int code, const char *message)
{
    sync_send_error(p, code, message, true, p->last_heard);
}

/* ------------------------------------------------------------ handshake */

int sync_peer_start(sync_peer_t *p, uint64_t now)
{
    if (p->o.role != SYNC_AGENT || p->state == SYNC_REFUSED)
        return 0;
    sync_peer_reset(p);
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Hello h = XY__HELLO__INIT;
    Xy__Scope sc;
    ProtobufCBinaryData inc[SYNC_SCOPE_MAX_IDS], team[SYNC_SCOPE_MAX_IDS],
        zone[SYNC_SCOPE_MAX_IDS];
    s_scope_to_wire(&sc, &p->o.scope, inc, team, zone);
    p->session = (p->session * 6364136223846793005ull + now) | 1;
    h.node_id = (ProtobufCBinaryData){XY_ID_LEN,
                                      (uint8_t *)event_log_node_id(p->log)};
    h.cursor = p->cursor;
    h.scope = &sc;
    h.credit = p->o.credit;
    h.software = "xinyuan-agent/" XY_VERSION;
    h.session = p->session;
    f.msg_case = XY__FRAME__MSG_HELLO;
    f.hello = &h;
    int rc = sync_send_frame(p, &f, now);
    /* Not sent (no connection yet): stay idle, the next tick tries again. */
    if (rc)
        return rc;
    p->state = SYNC_HELLO_SENT;
    p->hello_at = now;
    return 0;
}

static int s_on_hello(sync_peer_t *p, const Xy__Hello *h, uint64_t now)
{
    if (p->o.role != SYNC_COORDINATOR)
        return XY_EPROTO;
    if (p->check_origin &&
        (h->node_id.len != XY_ID_LEN ||
         memcmp(h->node_id.data, p->peer_node, XY_ID_LEN) != 0)) {
        sync_send_error(p, XY_EAUTH, "node id does not match the enrolled key",
                     true, now);
        sync_peer_reset(p);
        return XY_EAUTH;
    }
    sync_peer_reset(p);
    sync_scope_from_wire(&p->peer_scope, h->scope);
    p->peer_credit = h->credit ? h->credit : 1;
    /* What the agent says it holds of our feed is its durable cursor. */
    p->acked = h->cursor <= event_log_last_position(p->log)
                   ? h->cursor
                   : event_log_last_position(p->log);
    sync_clear_flight(p);
    p->session = h->session;
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Welcome w = XY__WELCOME__INIT;
    w.node_id = (ProtobufCBinaryData){XY_ID_LEN,
                                      (uint8_t *)event_log_node_id(p->log)};
    w.cursor = p->cursor;
    w.credit = p->o.credit;
    w.session = h->session;
    w.feed_position = event_log_last_position(p->log);
    f.msg_case = XY__FRAME__MSG_WELCOME;
    f.welcome = &w;
    p->state = SYNC_ACTIVE;
    p->st.sessions++;
    int rc = sync_send_frame(p, &f, now);
    return rc ? rc : sync_peer_pump(p, now);
}

static int s_on_welcome(sync_peer_t *p, const Xy__Welcome *w, uint64_t now)
{
    if (p->o.role != SYNC_AGENT || p->state != SYNC_HELLO_SENT ||
        w->session != p->session)
        return XY_ESTATE; /* a stale answer to an older Hello */
    p->acked = w->cursor <= event_log_last_position(p->log)
                   ? w->cursor
                   : event_log_last_position(p->log);
    sync_clear_flight(p);
    p->peer_credit = w->credit ? w->credit : 1;
    p->state = SYNC_ACTIVE;
    p->st.sessions++;
    return sync_peer_pump(p, now);
}

/* ------------------------------------------------------------ receiving */

typedef struct s_collect {
    event_write_t *w;
    size_t n, cap;
    const sync_peer_t *p;
} s_collect_t;

static int s_collect_event(const uint8_t *ev, size_t len, void *arg)
{
    s_collect_t *c = arg;
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->w = xrealloc(c->w, c->cap * sizeof *c->w);
    }
    c->w[c->n++] = (event_write_t){.kind = EVENT_WRITE_FOREIGN, .bytes = ev,
                                   .len = len};
    return 0;
}

int sync_batch_parse(const uint8_t *buf, size_t len, uint32_t count,
                     int (*fn)(const uint8_t *ev, size_t ev_len, void *arg),
                     void *arg)
{
    size_t off = 0;
    uint32_t seen = 0;
    while (off < len) {
        uint64_t n = 0;
        int shift = 0;
        for (;;) {
            if (off >= len || shift > 63)
                return XY_EMALFORMED;
            uint8_t b = buf[off++];
            n |= (uint64_t)(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80))
                break;
        }
        if (n == 0 || n > XY_EVENT_MAX_BYTES || n > len - off)
            return XY_EMALFORMED;
        if (++seen > count)
            return XY_EMALFORMED;
        int rc = fn(buf + off, (size_t)n, arg);
        if (rc)
            return rc;
        off += (size_t)n;
    }
    return seen == count ? 0 : XY_EMALFORMED;
}

/* Checks every event's origin against the enrolled peer before anything is
 * stored: one forged event refuses the whole batch. */
static int s_check_origins(const sync_peer_t *p, const event_write_t *w,
                           size_t n)
{
    for (size_t i = 0; i < n; i++) {
        xy_decoded_t *d = NULL;
        /* The same reading the store applies: an event of an unknown body
         * type is stored by its envelope, so its origin is checked too. */
        if (xy_event_unpack_envelope(w[i].bytes, w[i].len, &d))
            continue; /* refused as malformed by the store, item by item */
        bool ok = memcmp(xy_decoded_event(d)->origin.data, p->peer_node,
                         XY_ID_LEN) == 0;
        xy_decoded_destroy(&d);
        if (!ok)
            return XY_EAUTH;
    }
    return 0;
}

static bool s_was_refused(const sync_peer_t *p, const uint8_t *origin,
                          uint64_t seq)
{
    for (size_t i = 0; i < p->n_refused; i++)
        if (p->refused[i].seq == seq &&
            memcmp(p->refused[i].origin, origin, XY_ID_LEN) == 0)
            return true;
    return false;
}

static void s_note_refused(sync_peer_t *p, const uint8_t *origin,
                           uint64_t seq)
{
    size_t i;
    if (p->n_refused < SYNC_REFUSED_MAX) {
        i = p->n_refused++;
    } else {
        i = p->next_refused;
        p->next_refused = (i + 1) % SYNC_REFUSED_MAX;
    }
    memcpy(p->refused[i].origin, origin, XY_ID_LEN);
    p->refused[i].seq = seq;
}

/* Whether the io admits one event (its envelope e, its bytes w); a refusal
 * is remembered and counted once. */
static bool s_admit_one(sync_peer_t *p, const Xy__Event *e,
                        const event_write_t *w)
{
    if (s_was_refused(p, e->origin.data, e->seq))
        return false;
    event_ref_t ref = {.origin = e->origin.data, .seq = e->seq,
                       .type = (uint32_t)e->body_case, .bytes = w->bytes,
                       .len = w->len};
    char why[SYNC_WHY_MAX] = "";
    if (p->io.admit(p->io.arg, &ref, why, sizeof why))
        return true;
    s_note_refused(p, e->origin.data, e->seq);
    p->st.events_refused++;
    return false;
}

/* Asks the io whether each event may be stored, in order; keeps the
 * admitted ones, in order, at the front of c->w. An event that is not even
 * an envelope is left to the store, which refuses it item by item. */
static void s_admit(sync_peer_t *p, s_collect_t *c)
{
    if (!p->io.admit)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < c->n; i++) {
        xy_decoded_t *d = NULL;
        bool ok = true;
        if (xy_event_unpack_envelope(c->w[i].bytes, c->w[i].len, &d) == 0 &&
            xy_decoded_event(d)->origin.len == XY_ID_LEN)
            ok = s_admit_one(p, xy_decoded_event(d), &c->w[i]);
        xy_decoded_destroy(&d);
        if (ok)
            c->w[kept++] = c->w[i];
    }
    c->n = kept;
}

static int s_ack(sync_peer_t *p, uint64_t pos, bool rewind, bool urgent,
                 uint64_t urgent_last, uint64_t now)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Ack a = XY__ACK__INIT;
    a.position = pos;
    a.credit = p->o.credit;
    a.rewind = rewind;
    a.urgent = urgent;
    a.urgent_last = urgent_last;
    f.msg_case = XY__FRAME__MSG_ACK;
    f.ack = &a;
    return sync_send_frame(p, &f, now);
}

static int s_on_batch(sync_peer_t *p, const Xy__Batch *b, uint64_t now)
{
    if (p->state != SYNC_ACTIVE)
        return XY_ESTATE;
    if (!b->urgent && b->after > p->cursor) {
        /* A batch was lost before this one: ask for the feed again from
         * what we hold. */
        p->st.rewinds++;
        return s_ack(p, p->cursor, true, false, 0, now);
    }
    const uint8_t *raw = b->events.data;
    size_t raw_len = b->events.len;
    uint8_t *plain = NULL;
    int rc = 0;
    if (b->compression == 1) {
        if (b->raw_size > SYNC_BATCH_MAX_RAW)
            return XY_ETOOBIG;
        rc = xy_decompress(b->events.data, b->events.len, SYNC_BATCH_MAX_RAW,
                           &plain, &raw_len);
        if (rc)
            return rc;
        raw = plain;
    } else if (b->compression != 0) {
        return XY_ENOTSUP;
    }
    s_collect_t c = {NULL, 0, 0, p};
    rc = sync_batch_parse(raw, raw_len, b->count, s_collect_event, &c);
    if (!rc && p->check_origin)
        rc = s_check_origins(p, c.w, c.n);
    if (rc == XY_EAUTH) {
        sync_send_error(p, XY_EAUTH, "an event's origin is not the sender's "
                     "node", false, now);
        goto out;
    }
    if (rc)
        goto out;
    /* Refused events are acknowledged with the batch, so that the peer
     * does not send them again, and never stored. */
    s_admit(p, &c);
    uint64_t next = b->urgent || b->last <= p->cursor ? p->cursor : b->last;
    event_cursor_t cur = {p->peer_name, next};
    rc = event_log_write(p->log, c.w, c.n, b->urgent ? NULL : &cur);
    if (rc)
        goto out;
    for (size_t i = 0; i < c.n; i++) {
        if (c.w[i].status == 0)
            p->st.events_stored++;
        else if (c.w[i].status == XY_EEXIST)
            p->st.events_duplicate++;
        else
            p->st.events_refused++;
    }
    p->cursor = next;
    if (p->io.stored)
        p->io.stored(p->io.arg, c.w, c.n);
    rc = b->urgent ? s_ack(p, p->cursor, false, true, b->last, now)
                   : s_ack(p, p->cursor, false, false, 0, now);
out:
    free(c.w);
    free(plain);
    return rc;
}

static void s_rate_sample(sync_peer_t *p, size_t bytes, uint64_t sent_at,
                          uint64_t now)
{
    /* While the pipe is busy acks come at the link's pace: bytes over the
     * time since the previous sample (or since sending) is the delivery
     * rate. Acks read together (a burst released by a queue, several
     * batches covered by one ack) are one sample over at least
     * SYNC_RATE_MIN_MS: taken one by one, each would count its bytes over a
     * millisecond and inflate the rate, and with it the window, by orders
     * of magnitude. */
    if (p->rate_bytes == 0)
        p->rate_since = p->last_ack_at > sent_at ? p->last_ack_at : sent_at;
    p->rate_bytes += bytes;
    if (now < p->rate_since + SYNC_RATE_MIN_MS)
        return;
    double sample = (double)p->rate_bytes * 1000.0 /
                    (double)(now - p->rate_since);
    p->rate = p->rate == 0 ? sample
                           : (1 - SYNC_RATE_ALPHA) * p->rate + SYNC_RATE_ALPHA * sample;
    p->rate_bytes = 0;
    p->last_ack_at = now;
}

static int s_on_ack(sync_peer_t *p, const Xy__Ack *a, uint64_t now)
{
    if (p->state != SYNC_ACTIVE)
        return XY_ESTATE;
    if (a->credit)
        p->peer_credit = a->credit;
    if (a->urgent) {
        /* The urgent batch that ended at urgent_last is durable at the
         * peer: its events stay out of bulk batches from now on. */
        for (size_t i = 0; i < p->n_urgent; i++)
            if (p->urgent[i].batch == a->urgent_last)
                p->urgent[i].acked = true;
        return sync_peer_pump(p, now);
    }
    /* A receiver never loses what it acknowledged, and cannot hold what
     * was never sent. */
    if (a->position < p->acked || a->position > p->sent) {
        sync_send_error(p, XY_EPROTO, a->position < p->acked
                                       ? "ack below an earlier ack"
                                       : "ack beyond what was sent",
                     false, now);
        return XY_EPROTO;
    }
    if (a->rewind) {
        p->st.rewinds++;
        p->acked = a->position;
        sync_clear_flight(p);
        return sync_peer_pump(p, now);
    }
    p->acked = a->position;
    size_t k = 0;
    while (k < p->n_flight && p->flight[k].last <= p->acked) {
        s_rate_sample(p, p->flight[k].bytes, p->flight[k].sent_at, now);
        p->in_flight -= p->flight[k].bytes;
        k++;
    }
    memmove(p->flight, p->flight + k, (p->n_flight - k) * sizeof p->flight[0]);
    p->n_flight -= k;
    if (p->sent < p->acked)
        p->sent = p->acked;
    sync_urgent_prune(p);
    return sync_peer_pump(p, now);
}

static int s_on_error(sync_peer_t *p, const Xy__Error *e)
{
    p->st.last_error = e->code;
    /* Only the coordinator can refuse for good; an agent's fatal error
     * ends its session, and it may say Hello again. */
    if (e->fatal) {
        if (p->o.role == SYNC_AGENT)
            p->state = SYNC_REFUSED;
        else
            sync_peer_reset(p);
        return 0;
    }
    if (e->code == XY_ESTATE && p->o.role == SYNC_AGENT) {
        /* The coordinator lost our session (it restarted): Hello again. */
        sync_peer_reset(p);
    }
    return 0;
}

int sync_peer_receive(sync_peer_t *p, const uint8_t *frame, size_t len,
                      uint64_t now)
{
    xy_decoded_t *d = NULL;
    int rc = xy_frame_unpack(frame, len, &d);
    if (rc) {
        sync_send_error(p, rc, rc == XY_EVERSION      ? "unsupported protocol version"
                            : rc == XY_EUNKNOWNTYPE ? "unknown message type"
                            : rc == XY_ETOOBIG      ? "frame too large"
                                                    : "malformed frame",
                     false, now);
        return rc;
    }
    if (p->state == SYNC_REFUSED) {
        xy_decoded_destroy(&d);
        return XY_EAUTH;
    }
    p->st.frames_in++;
    p->st.bytes_in += len;
    p->last_heard = now;
    const Xy__Frame *f = xy_decoded_frame(d);
    bool needs_session = f->msg_case == XY__FRAME__MSG_BATCH ||
                         f->msg_case == XY__FRAME__MSG_ACK ||
                         f->msg_case == XY__FRAME__MSG_GAP_REQUEST;
    if (needs_session && p->state != SYNC_ACTIVE) {
        if (p->o.role == SYNC_COORDINATOR)
            sync_send_error(p, XY_ESTATE, "no session: send Hello first", false,
                         now);
        xy_decoded_destroy(&d);
        return XY_ESTATE;
    }
    switch (f->msg_case) {
    case XY__FRAME__MSG_HELLO:
        rc = s_on_hello(p, f->hello, now);
        break;
    case XY__FRAME__MSG_WELCOME:
        rc = s_on_welcome(p, f->welcome, now);
        break;
    case XY__FRAME__MSG_BATCH:
        rc = s_on_batch(p, f->batch, now);
        if (rc && rc != XY_EAUTH && rc != XY_ESTORE && rc != XY_EIO)
            sync_send_error(p, rc, "batch refused", false, now);
        break;
    case XY__FRAME__MSG_ACK:
        rc = s_on_ack(p, f->ack, now);
        break;
    case XY__FRAME__MSG_PING: {
        Xy__Frame r = XY__FRAME__INIT;
        Xy__Pong pong = XY__PONG__INIT;
        pong.nonce = f->ping->nonce;
        pong.sent_at = f->ping->sent_at;
        r.msg_case = XY__FRAME__MSG_PONG;
        r.pong = &pong;
        rc = sync_send_frame(p, &r, now);
        break;
    }
    case XY__FRAME__MSG_PONG:
        rc = 0;
        break;
    case XY__FRAME__MSG_ERROR:
        rc = s_on_error(p, f->error);
        break;
    case XY__FRAME__MSG_GAP_REQUEST:
        /* Gaps are repaired by rewinding the feed (docs/protocol.md). */
        rc = XY_ENOTSUP;
        sync_send_error(p, rc, "gap repair is served by resending the feed",
                     false, now);
        break;
    default:
        rc = XY_EUNKNOWNTYPE;
        break;
    }
    xy_decoded_destroy(&d);
    return rc;
}

int sync_peer_tick(sync_peer_t *p, uint64_t now)
{
    switch (p->state) {
    case SYNC_REFUSED:
        return 0;
    case SYNC_IDLE:
        return p->o.role == SYNC_AGENT ? sync_peer_start(p, now) : 0;
    case SYNC_HELLO_SENT:
        if (now - p->hello_at >= p->o.hello_retry_ms)
            return sync_peer_start(p, now);
        return 0;
    case SYNC_ACTIVE:
        break;
    }
    if (now - p->last_heard >= p->o.timeout_ms) {
        sync_peer_reset(p);
        return p->o.role == SYNC_AGENT ? sync_peer_start(p, now) : 0;
    }
    sync_urgent_expire(p, now);
    /* Nothing acked for a long while with batches out: they were lost with
     * a broken connection. Send the feed again from what is acked. */
    if (p->n_flight > 0 && now - p->flight[0].sent_at >= p->o.timeout_ms) {
        sync_clear_flight(p);
        p->n_urgent = 0;
        p->urgent_scan = p->acked;
    }
    if (now - p->last_sent >= p->o.ping_ms) {
        Xy__Frame f = XY__FRAME__INIT;
        Xy__Ping ping = XY__PING__INIT;
        ping.nonce = now;
        ping.sent_at = now;
        f.msg_case = XY__FRAME__MSG_PING;
        f.ping = &ping;
        int rc = sync_send_frame(p, &f, now);
        if (rc)
            return rc;
    }
    return sync_peer_pump(p, now);
}

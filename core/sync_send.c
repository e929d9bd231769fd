/* The sending half of the sync engine (sync.h): batches of the changes
 * feed under credit and a byte window, the urgent lane ahead of bulk, and
 * what the urgent lane remembers. */
#include "core/sync_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdlib.h>
#include <string.h>

const sync_urgent_t *sync_urgent_find(const sync_peer_t *p, uint64_t pos)
{
    for (size_t i = 0; i < p->n_urgent; i++)
        if (p->urgent[i].pos == pos)
            return &p->urgent[i];
    return NULL;
}

/* Forgets urgent positions the bulk stream has passed. */
void sync_urgent_prune(sync_peer_t *p)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n_urgent; i++)
        if (p->urgent[i].pos > p->acked)
            p->urgent[k++] = p->urgent[i];
    p->n_urgent = k;
}

/* Urgent batches not acknowledged in time were lost: forget them so the
 * next pump sends their events again. */
void sync_urgent_expire(sync_peer_t *p, uint64_t now)
{
    uint64_t retry = p->o.timeout_ms / 4;
    if (retry < SYNC_URGENT_RETRY_MIN_MS)
        retry = SYNC_URGENT_RETRY_MIN_MS;
    size_t k = 0;
    for (size_t i = 0; i < p->n_urgent; i++) {
        const sync_urgent_t *u = &p->urgent[i];
        if (!u->acked && now - u->sent_at >= retry) {
            if (u->pos - 1 < p->urgent_scan)
                p->urgent_scan = u->pos - 1;
            continue;
        }
        p->urgent[k++] = *u;
    }
    p->n_urgent = k;
}

/* ------------------------------------------------------------ sending */

typedef struct s_build {
    sync_peer_t *p;
    bool urgent;          /* building an urgent batch */
    uint8_t *buf;         /* varint-prefixed events */
    size_t len, cap;
    size_t max_raw;       /* stop past this many bytes */
    uint32_t count;
    uint64_t positions[SYNC_URGENT_MAX_EVENTS]; /* urgent: their positions */
} s_build_t;

static bool s_filter(const event_ref_t *ev, void *arg)
{
    s_build_t *b = arg;
    sync_peer_t *p = b->p;
    bool urgent = p->io.urgent && p->io.urgent(p->io.arg, ev->type);
    if (b->urgent && !urgent)
        return false;
    /* An agent speaks for itself only: it sends its own events upward, and
     * the coordinator refuses any other origin from it. The coordinator
     * never sends an agent's own events back to it. */
    if (p->o.role == SYNC_AGENT &&
        memcmp(ev->origin, event_log_node_id(p->log), XY_ID_LEN) != 0)
        return false;
    if (p->check_origin && memcmp(ev->origin, p->peer_node, XY_ID_LEN) == 0)
        return false;
    const sync_urgent_t *u = urgent ? sync_urgent_find(p, ev->position) : NULL;
    if (!b->urgent && u && u->acked)
        return false;
    if (b->urgent && u)
        return false;
    if (p->io.in_scope && !p->io.in_scope(p->io.arg, ev, &p->peer_scope))
        return false;
    return true;
}

static int s_add(const event_ref_t *ev, void *arg)
{
    s_build_t *b = arg;
    size_t need = b->len + 10 + ev->len;
    /* Never past the limit a receiver enforces: a full batch leaves the
     * event for the next one. */
    if (b->count > 0 && need > b->max_raw)
        return EVENT_VISIT_STOP_BEFORE;
    if (need > b->cap) {
        b->cap = need * 2;
        b->buf = xrealloc(b->buf, b->cap);
    }
    uint64_t n = ev->len;
    do {
        uint8_t byte = n & 0x7f;
        n >>= 7;
        b->buf[b->len++] = byte | (n ? 0x80 : 0);
    } while (n);
    memcpy(b->buf + b->len, ev->bytes, ev->len);
    b->len += ev->len;
    if (b->urgent)
        b->positions[b->count] = ev->position;
    b->count++;
    if (b->urgent && b->count == SYNC_URGENT_MAX_EVENTS)
        return EVENT_VISIT_STOP;
    return b->len >= b->max_raw ? EVENT_VISIT_STOP : 0;
}

static int s_send_batch(sync_peer_t *p, s_build_t *b, uint64_t after,
                        uint64_t last, uint64_t now, size_t *frame_len)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Batch bt = XY__BATCH__INIT;
    uint8_t *z = NULL;
    size_t zlen = 0;
    bt.after = after;
    bt.last = last;
    bt.urgent = b->urgent;
    bt.count = b->count;
    bt.raw_size = b->len;
    if (!p->o.no_compress && b->len > 0 && !xy_compress(b->buf, b->len, &z,
                                                         &zlen) &&
        zlen < b->len) {
        bt.compression = 1;
        bt.events = (ProtobufCBinaryData){zlen, z};
        double r = (double)b->len / (double)zlen;
        p->zratio = p->zratio == 0 ? r : 0.75 * p->zratio + 0.25 * r;
    } else {
        bt.events = (ProtobufCBinaryData){b->len, b->buf};
    }
    f.msg_case = XY__FRAME__MSG_BATCH;
    f.batch = &bt;
    f.version = SYNC_VERSION;
    *frame_len = protobuf_c_message_get_packed_size(&f.base);
    int rc = sync_send_frame(p, &f, now);
    free(z);
    if (!rc) {
        p->st.batches_sent++;
        p->st.events_sent += b->count;
    }
    return rc;
}

/* Sends the urgent events of the feed not yet sent, ahead of any bulk. */
static int s_pump_urgent(sync_peer_t *p, uint64_t now)
{
    if (!p->io.urgent)
        return 0;
    uint64_t from = p->urgent_scan > p->sent ? p->urgent_scan : p->sent;
    uint64_t top = event_log_last_position(p->log);
    while (from < top && p->n_urgent < SYNC_URGENT_SET_MAX) {
        s_build_t b = {.p = p, .urgent = true, .max_raw = SYNC_BATCH_MAX_RAW};
        uint64_t last = from;
        int rc = event_log_changes(p->log, from, 0, s_filter, &b, s_add, &b,
                                   &last);
        if (rc) {
            free(b.buf);
            return rc;
        }
        p->urgent_scan = last;
        if (b.count > 0 && p->n_urgent + b.count <= SYNC_URGENT_SET_MAX) {
            size_t flen = 0;
            rc = s_send_batch(p, &b, 0, last, now, &flen);
            if (!rc) {
                for (uint32_t i = 0; i < b.count; i++)
                    p->urgent[p->n_urgent++] =
                        (sync_urgent_t){b.positions[i], last, now, false};
                p->st.urgent_sent += b.count;
            }
        }
        free(b.buf);
        if (rc || last == from || b.count < SYNC_URGENT_MAX_EVENTS)
            return rc;
        from = last;
    }
    return 0;
}

int sync_peer_pump(sync_peer_t *p, uint64_t now)
{
    if (p->state != SYNC_ACTIVE)
        return 0;
    int rc = s_pump_urgent(p, now);
    if (rc)
        return rc;
    size_t window = sync_window(p);
    uint32_t credit = p->peer_credit < SYNC_INFLIGHT_MAX ? p->peer_credit
                                                      : SYNC_INFLIGHT_MAX;
    while (p->n_flight < credit && p->in_flight < window) {
        /* A batch of about what the window still allows once compressed,
         * by the compression measured so far: on a thin link small
         * batches compress badly, so they are sized to fill the room. */
        size_t room = window - p->in_flight;
        double ratio = p->o.no_compress ? 1.0
                       : p->zratio > 1.0 ? p->zratio
                                         : 2.0;
        size_t max_raw = (size_t)((double)room * ratio);
        if (max_raw < 2048)
            max_raw = 2048;
        if (max_raw > SYNC_BATCH_MAX_RAW)
            max_raw = SYNC_BATCH_MAX_RAW;
        s_build_t b = {.p = p, .max_raw = max_raw};
        uint64_t last = p->sent;
        rc = event_log_changes(p->log, p->sent, SYNC_BATCH_MAX_EVENTS,
                               s_filter, &b, s_add, &b, &last);
        if (rc || last == p->sent) {
            free(b.buf);
            return rc;
        }
        size_t flen = 0;
        rc = s_send_batch(p, &b, p->sent, last, now, &flen);
        free(b.buf);
        if (rc)
            return rc;
        p->flight[p->n_flight++] = (sync_flight_t){last, flen, now};
        p->in_flight += flen;
        p->sent = last;
    }
    return 0;
}

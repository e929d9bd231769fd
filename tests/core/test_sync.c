/* Tests of the sync engine (core/sync.h) over an in-memory link: two real
 * event logs, two peers, frames carried by queues that can drop, duplicate
 * and cut. */
#include "core/event_log.h"
#include "core/hlc.h"
#include "core/sync.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define Q_MAX 4096

typedef struct frame {
    uint8_t *data;
    size_t len;
} frame_t;

typedef struct queue {
    frame_t f[Q_MAX];
    size_t head, tail;
    int drop_every;   /* drop every Nth frame (0: none) */
    int dup_every;    /* duplicate every Nth frame */
    uint64_t n;       /* frames offered */
    bool down;        /* drop everything */
    int drop_urgent;  /* drop this many urgent batches */
    size_t max_batch_raw; /* largest raw_size seen in a batch */
} queue_t;

/* Looks into a frame: urgent batch? and the batch's raw size. */
static bool s_is_urgent_batch(const uint8_t *data, size_t len, size_t *raw)
{
    xy_decoded_t *d = NULL;
    bool urgent = false;
    *raw = 0;
    if (xy_frame_unpack(data, len, &d) == 0) {
        const Xy__Frame *f = xy_decoded_frame(d);
        if (f->msg_case == XY__FRAME__MSG_BATCH) {
            urgent = f->batch->urgent;
            *raw = f->batch->raw_size;
        }
        xy_decoded_destroy(&d);
    }
    return urgent;
}

static int s_enqueue(void *arg, const uint8_t *data, size_t len)
{
    queue_t *q = arg;
    q->n++;
    size_t raw = 0;
    bool urgent = s_is_urgent_batch(data, len, &raw);
    if (raw > q->max_batch_raw)
        q->max_batch_raw = raw;
    if (q->down || (q->drop_every && q->n % q->drop_every == 0) ||
        (q->drop_urgent > 0 && urgent && q->drop_urgent--))
        return 0; /* lost on the wire, as on a real link */
    int copies = q->dup_every && q->n % q->dup_every == 0 ? 2 : 1;
    for (int c = 0; c < copies; c++) {
        cr_assert_lt(q->tail - q->head, Q_MAX, "queue overflow");
        frame_t *f = &q->f[q->tail++ % Q_MAX];
        f->data = xmalloc(len);
        memcpy(f->data, data, len);
        f->len = len;
    }
    return 0;
}

static void s_queue_clear(queue_t *q)
{
    while (q->head < q->tail) {
        free(q->f[q->head % Q_MAX].data);
        q->head++;
    }
}

static char *dir;
static uint64_t now = 1000;
static event_log_t *coord_log, *agent_log;
static sync_peer_t *coord, *agent;
static queue_t up, down; /* agent -> coordinator, coordinator -> agent */
static uint8_t coord_id[XY_ID_LEN], agent_id[XY_ID_LEN];

/* Incident and triage events are urgent in these tests when their type is
 * red_flag_raised. */
static bool s_urgent(void *arg, uint32_t type)
{
    (void)arg;
    return type == XY__EVENT__BODY_RED_FLAG_RAISED;
}

static event_log_t *s_log(const char *name, const uint8_t id[XY_ID_LEN])
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mkdir(path, 0700);
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, path, id, NULL), 0);
    return log;
}

/* Peers whose window is at most window_max bytes (0: the default), as on a
 * thin link whose measured rate keeps the window small. */
static void s_peers_window(size_t window_max)
{
    sync_io_t cio = {.send = s_enqueue, .urgent = s_urgent, .arg = &down};
    sync_io_t aio = {.send = s_enqueue, .urgent = s_urgent, .arg = &up};
    sync_opts_t co = {.role = SYNC_COORDINATOR, .peer_name = "agent-1",
                      .peer_node_id = agent_id, .timeout_ms = 2000,
                      .ping_ms = 500};
    sync_opts_t ao = {.role = SYNC_AGENT, .peer_name = "coordinator",
                      .timeout_ms = 2000, .ping_ms = 500};
    ao.scope.everything = true;
    co.window_max = ao.window_max = window_max;
    /* A thin link: uncompressed, so the window alone paces the bulk. */
    co.no_compress = ao.no_compress = window_max != 0;
    cr_assert_eq(sync_peer_new(&coord, coord_log, &co, &cio), 0);
    cr_assert_eq(sync_peer_new(&agent, agent_log, &ao, &aio), 0);
}

static void s_peers(void)
{
    s_peers_window(0);
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    memset(&up, 0, sizeof up);
    memset(&down, 0, sizeof down);
    xy_test_id(coord_id, 100);
    xy_test_id(agent_id, 1);
    coord_log = s_log("coord", coord_id);
    agent_log = s_log("agent", agent_id);
    s_peers();
}

static void teardown(void)
{
    sync_peer_destroy(&coord);
    sync_peer_destroy(&agent);
    event_log_destroy(&coord_log);
    event_log_destroy(&agent_log);
    s_queue_clear(&up);
    s_queue_clear(&down);
    xy_test_rmdir(&dir);
}

TestSuite(sync, .init = setup, .fini = teardown, .timeout = 120);

/* Delivers queued frames both ways, ticking the clock, until both queues
 * are empty or max_rounds pass. Returns the rounds used. */
static int s_run(int max_rounds)
{
    int r = 0;
    for (; r < max_rounds; r++) {
        if (up.head == up.tail && down.head == down.tail) {
            now += 10;
            sync_peer_tick(agent, now);
            sync_peer_tick(coord, now);
            if (up.head == up.tail && down.head == down.tail)
                break;
        }
        while (up.head < up.tail) {
            frame_t f = up.f[up.head++ % Q_MAX];
            sync_peer_receive(coord, f.data, f.len, now);
            free(f.data);
        }
        while (down.head < down.tail) {
            frame_t f = down.f[down.head++ % Q_MAX];
            sync_peer_receive(agent, f.data, f.len, now);
            free(f.data);
        }
        now += 1;
    }
    return r;
}

static int s_held(const event_ref_t *ev, void *arg)
{
    (void)ev;
    (void)arg;
    return 0;
}

/* Writes n own events to log: persons, or a red flag every `flag_every`. */
static void s_record(event_log_t *log, int n, int flag_every)
{
    for (int i = 0; i < n; i++) {
        Xy__Event ev = XY__EVENT__INIT;
        Xy__PersonRegistered pr = XY__PERSON_REGISTERED__INIT;
        Xy__RedFlagRaised rf = XY__RED_FLAG_RAISED__INIT;
        uint8_t pid[XY_ID_LEN];
        xy_test_id(pid, 5000 + (uint32_t)i);
        if (flag_every && i % flag_every == flag_every - 1) {
            rf.flag_id = (ProtobufCBinaryData){XY_ID_LEN, pid};
            rf.reason = "C-SSRS positive";
            ev.body_case = XY__EVENT__BODY_RED_FLAG_RAISED;
            ev.red_flag_raised = &rf;
        } else {
            pr.person_id = (ProtobufCBinaryData){XY_ID_LEN, pid};
            pr.age_band = (uint32_t)(i % 20) * 5;
            ev.body_case = XY__EVENT__BODY_PERSON_REGISTERED;
            ev.person_registered = &pr;
        }
        event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &ev};
        cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    }
}

static uint64_t s_frontier(event_log_t *log, const uint8_t *origin)
{
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, origin, &f), 0);
    return f;
}

Test(sync, usage_agent_events_reach_the_coordinator_and_back)
{
    s_record(agent_log, 50, 0);
    s_record(coord_log, 7, 0);
    cr_assert_eq(sync_peer_start(agent, now), 0);
    s_run(1000);
    cr_assert_eq(sync_peer_state(agent), SYNC_ACTIVE);
    cr_assert_eq(sync_peer_state(coord), SYNC_ACTIVE);
    cr_assert_eq(s_frontier(coord_log, agent_id), 50);
    cr_assert_eq(s_frontier(agent_log, coord_id), 7);
    /* The agent's own events are not sent back to it. */
    cr_assert_eq(event_log_count(agent_log), 57);
    cr_assert_eq(event_log_count(coord_log), 57);
    const sync_stats_t *cs = sync_peer_stats(coord);
    cr_assert_eq(cs->cursor, event_log_last_position(agent_log),
                 "coordinator holds the agent's whole feed");
    cr_assert_eq(cs->events_duplicate, 0);
}

Test(sync, cursor_survives_a_restart_and_nothing_acked_is_sent_again)
{
    s_record(agent_log, 30, 0);
    sync_peer_start(agent, now);
    s_run(1000);
    uint64_t sent_before = sync_peer_stats(agent)->events_sent;
    cr_assert_eq(sent_before, 30);
    /* Both ends restart: new peers over the same stores. */
    sync_peer_destroy(&coord);
    sync_peer_destroy(&agent);
    s_peers();
    s_record(agent_log, 5, 0);
    sync_peer_start(agent, now);
    s_run(1000);
    cr_assert_eq(sync_peer_stats(agent)->events_sent, 5,
                 "only the new events travel");
    cr_assert_eq(sync_peer_stats(coord)->events_duplicate, 0);
    cr_assert_eq(s_frontier(coord_log, agent_id), 35);
}

Test(sync, lossy_duplicating_link_loses_nothing_and_doubles_nothing)
{
    s_record(agent_log, 2000, 0);
    s_record(coord_log, 300, 0);
    up.drop_every = 7;
    up.dup_every = 5;
    down.drop_every = 6;
    down.dup_every = 4;
    sync_peer_start(agent, now);
    for (int i = 0; i < 200 && (s_frontier(coord_log, agent_id) < 2000 ||
                                s_frontier(agent_log, coord_id) < 300);
         i++) {
        s_run(200);
        now += 2500; /* silence long enough for timeouts and resends */
        sync_peer_tick(agent, now);
        sync_peer_tick(coord, now);
    }
    const sync_stats_t *as = sync_peer_stats(agent);
    const sync_stats_t *cs = sync_peer_stats(coord);
    cr_log_info("agent: state %d sessions %lu sent %lu acked %lu cursor %lu "
                "rewinds %lu err %d; coord: state %d sessions %lu sent %lu "
                "acked %lu cursor %lu rewinds %lu",
                sync_peer_state(agent), (unsigned long)as->sessions,
                (unsigned long)as->events_sent, (unsigned long)as->acked,
                (unsigned long)as->cursor, (unsigned long)as->rewinds,
                as->last_error, sync_peer_state(coord),
                (unsigned long)cs->sessions, (unsigned long)cs->events_sent,
                (unsigned long)cs->acked, (unsigned long)cs->cursor,
                (unsigned long)cs->rewinds);
    cr_assert_eq(s_frontier(coord_log, agent_id), 2000);
    cr_assert_eq(s_frontier(agent_log, coord_id), 300);
    cr_assert_eq(event_log_count(coord_log), 2300, "stored once each");
    cr_assert_eq(event_log_count(agent_log), 2300);
}

Test(sync, urgent_event_overtakes_a_bulk_backlog)
{
    sync_peer_destroy(&coord);
    sync_peer_destroy(&agent);
    s_peers_window(6 * 1024);
    s_record(agent_log, 3000, 0);
    sync_peer_start(agent, now);
    /* Let the session open and a first bulk batch or two go out. */
    s_run(3);
    cr_assert_lt(s_frontier(coord_log, agent_id), 3000);
    s_record(agent_log, 1, 1); /* a red flag behind 3000 events */
    sync_peer_pump(agent, now);
    int rounds = 0;
    bool arrived = false;
    for (; rounds < 50 && !arrived; rounds++) {
        s_run(1);
        /* The flag is the agent's seq 3001. */
        arrived = event_log_get(coord_log, agent_id, 3001, s_held, NULL) == 0;
    }
    cr_assert(arrived, "red flag not delivered");
    cr_assert_lt(s_frontier(coord_log, agent_id), 3000,
                 "it arrived while the backlog was still draining");
    cr_assert_geq(sync_peer_stats(agent)->urgent_sent, 1);
    s_run(5000);
    cr_assert_eq(s_frontier(coord_log, agent_id), 3001);
    cr_assert_eq(event_log_count(coord_log), 3001);
}

/* Sends the coordinator a bulk batch of one packed event. */
static int s_inject_batch(const uint8_t *ev, size_t len, uint64_t after,
                          uint64_t last)
{
    uint8_t body[1024];
    cr_assert_lt(len, 120);
    body[0] = (uint8_t)len;
    memcpy(body + 1, ev, len);
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Batch b = XY__BATCH__INIT;
    b.after = after;
    b.last = last;
    b.count = 1;
    b.events = (ProtobufCBinaryData){len + 1, body};
    b.raw_size = len + 1;
    f.version = 1;
    f.msg_case = XY__FRAME__MSG_BATCH;
    f.batch = &b;
    uint8_t *buf;
    size_t blen;
    cr_assert_eq(xy_frame_pack(&f, &buf, &blen), 0);
    int rc = sync_peer_receive(coord, buf, blen, now);
    free(buf);
    return rc;
}

Test(sync, forged_origin_is_refused_and_nothing_stored)
{
    sync_peer_start(agent, now);
    s_run(50);
    cr_assert_eq(sync_peer_state(coord), SYNC_ACTIVE);
    /* An event claiming another node's origin, sent by this agent. */
    uint8_t *buf;
    size_t len;
    xy_test_person_event(&buf, &len, 42, 1, HLC_MAKE(now, 0), 1, "X");
    cr_assert_eq(s_inject_batch(buf, len, 0, 1), XY_EAUTH);
    free(buf);
    cr_assert_eq(event_log_count(coord_log), 0);
    cr_assert_eq(sync_peer_stats(coord)->cursor, 0, "cursor did not move");
    /* The same event with the agent's own origin is stored. */
    xy_test_person_event(&buf, &len, 1, 1, HLC_MAKE(now, 0), 1, "X");
    cr_assert_eq(s_inject_batch(buf, len, 0, 1), 0);
    free(buf);
    cr_assert_eq(event_log_count(coord_log), 1);
}

Test(sync, forged_origin_of_an_unknown_event_type_is_refused)
{
    sync_peer_start(agent, now);
    s_run(50);
    cr_assert_eq(sync_peer_state(coord), SYNC_ACTIVE);
    /* A body type the coordinator does not know (field 99), claiming
     * another node's origin: stored by envelope, so checked by envelope. */
    uint8_t forged[XY_ID_LEN];
    xy_test_id(forged, 42);
    uint8_t ev[64];
    size_t n = 0;
    ev[n++] = 0x0a;
    ev[n++] = XY_ID_LEN;
    memcpy(ev + n, forged, XY_ID_LEN);
    n += XY_ID_LEN;
    ev[n++] = 0x10;
    ev[n++] = 0x01;
    ev[n++] = 0x9a;
    ev[n++] = 0x06;
    ev[n++] = 0x02;
    ev[n++] = 0x08;
    ev[n++] = 0x01;
    cr_assert_eq(s_inject_batch(ev, n, 0, 1), XY_EAUTH);
    cr_assert_eq(event_log_count(coord_log), 0);
}

Test(sync, hello_with_another_node_id_is_refused_for_good)
{
    sync_peer_destroy(&coord);
    uint8_t other[XY_ID_LEN];
    xy_test_id(other, 77);
    sync_io_t cio = {.send = s_enqueue, .arg = &down};
    sync_opts_t co = {.role = SYNC_COORDINATOR, .peer_name = "agent-1",
                      .peer_node_id = other};
    cr_assert_eq(sync_peer_new(&coord, coord_log, &co, &cio), 0);
    s_record(agent_log, 3, 0);
    sync_peer_start(agent, now);
    s_run(50);
    cr_assert_eq(sync_peer_state(agent), SYNC_REFUSED);
    cr_assert_eq(event_log_count(coord_log), 0);
}

Test(sync, malformed_and_wrong_version_frames_get_an_error_reply)
{
    uint8_t junk[] = {0x08, 0x01, 0x82, 0x01, 0xff, 0xff};
    cr_assert_eq(sync_peer_receive(coord, junk, sizeof junk, now),
                 XY_EMALFORMED);
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Ping p = XY__PING__INIT;
    f.version = 2;
    f.msg_case = XY__FRAME__MSG_PING;
    f.ping = &p;
    uint8_t *buf;
    size_t len;
    cr_assert_eq(xy_frame_pack(&f, &buf, &len), 0);
    cr_assert_eq(sync_peer_receive(coord, buf, len, now), XY_EVERSION);
    free(buf);
    cr_assert_eq(down.tail - down.head, 2, "two Error replies");
    xy_decoded_t *d = NULL;
    frame_t r = down.f[(down.head + 1) % Q_MAX];
    cr_assert_eq(xy_frame_unpack(r.data, r.len, &d), 0);
    cr_assert_eq(xy_decoded_frame(d)->msg_case, XY__FRAME__MSG_ERROR);
    cr_assert_eq(xy_decoded_frame(d)->error->code, XY_EVERSION);
    xy_decoded_destroy(&d);
}

Test(sync, batch_before_hello_asks_for_hello)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Batch b = XY__BATCH__INIT;
    f.version = 1;
    f.msg_case = XY__FRAME__MSG_BATCH;
    f.batch = &b;
    uint8_t *buf;
    size_t len;
    cr_assert_eq(xy_frame_pack(&f, &buf, &len), 0);
    cr_assert_eq(sync_peer_receive(coord, buf, len, now), XY_ESTATE);
    free(buf);
    xy_decoded_t *d = NULL;
    frame_t r = down.f[down.head % Q_MAX];
    cr_assert_eq(xy_frame_unpack(r.data, r.len, &d), 0);
    cr_assert_eq(xy_decoded_frame(d)->error->code, XY_ESTATE);
    cr_assert_not(xy_decoded_frame(d)->error->fatal);
    xy_decoded_destroy(&d);
}

static int s_count_event(const uint8_t *ev, size_t len, void *arg)
{
    (void)ev;
    *(size_t *)arg += len;
    return 0;
}

Test(sync, batch_parser_refuses_bad_lengths_and_counts)
{
    size_t total = 0;
    uint8_t ok[] = {0x02, 0xaa, 0xbb, 0x01, 0xcc};
    cr_assert_eq(sync_batch_parse(ok, sizeof ok, 2, s_count_event, &total), 0);
    cr_assert_eq(total, 3);
    cr_assert_eq(sync_batch_parse(ok, sizeof ok, 3, s_count_event, &total),
                 XY_EMALFORMED, "count larger than the entries");
    cr_assert_eq(sync_batch_parse(ok, sizeof ok, 1, s_count_event, &total),
                 XY_EMALFORMED, "count smaller than the entries");
    uint8_t trunc[] = {0x05, 0xaa, 0xbb};
    cr_assert_eq(sync_batch_parse(trunc, sizeof trunc, 1, s_count_event,
                                  &total),
                 XY_EMALFORMED);
    uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
    cr_assert_eq(sync_batch_parse(huge, sizeof huge, 1, s_count_event,
                                  &total),
                 XY_EMALFORMED);
    uint8_t endless[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                         0x80, 0x80, 0x80};
    cr_assert_eq(sync_batch_parse(endless, sizeof endless, 1, s_count_event,
                                  &total),
                 XY_EMALFORMED);
}

static int s_held_seq(event_log_t *log, uint64_t seq)
{
    return event_log_get(log, agent_id, seq, s_held, NULL) == 0;
}

Test(sync, lost_urgent_batch_is_sent_again_ahead_of_the_backlog)
{
    sync_peer_destroy(&coord);
    sync_peer_destroy(&agent);
    s_peers_window(6 * 1024);
    s_record(agent_log, 3000, 0);
    sync_peer_start(agent, now);
    s_run(3);
    up.drop_urgent = 1; /* the flag's first urgent batch is lost */
    s_record(agent_log, 1, 1);
    sync_peer_pump(agent, now);
    s_run(5);
    cr_assert_not(s_held_seq(coord_log, 3001), "the first copy was lost (sent %lu, frontier %lu, drop left %d)", (unsigned long)sync_peer_stats(agent)->urgent_sent, (unsigned long)s_frontier(coord_log, agent_id), up.drop_urgent);
    /* Past the retry time the agent sends it again, still ahead of bulk. */
    now += 1500;
    sync_peer_tick(agent, now);
    s_run(5);
    cr_assert(s_held_seq(coord_log, 3001), "resent and stored");
    cr_assert_lt(s_frontier(coord_log, agent_id), 3000);
    cr_assert_geq(sync_peer_stats(agent)->urgent_sent, 2);
    s_run(20000);
    cr_assert_eq(s_frontier(coord_log, agent_id), 3001);
    cr_assert_eq(event_log_count(coord_log), 3001);
}

Test(sync, lost_urgent_batch_is_not_left_out_of_bulk)
{
    s_record(agent_log, 20, 0);
    up.drop_urgent = 1000; /* the urgent lane never gets through */
    s_record(agent_log, 1, 1);
    sync_peer_start(agent, now);
    s_run(1000);
    cr_assert_eq(s_frontier(coord_log, agent_id), 21,
                 "the flag came with the bulk stream");
}

Test(sync, ack_beyond_what_was_sent_is_refused)
{
    sync_peer_start(agent, now);
    s_run(50);
    cr_assert_eq(sync_peer_state(agent), SYNC_ACTIVE);
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Ack a = XY__ACK__INIT;
    a.position = 1000;
    f.version = 1;
    f.msg_case = XY__FRAME__MSG_ACK;
    f.ack = &a;
    uint8_t *buf;
    size_t len;
    cr_assert_eq(xy_frame_pack(&f, &buf, &len), 0);
    cr_assert_eq(sync_peer_receive(agent, buf, len, now), XY_EPROTO);
    free(buf);
    cr_assert_eq(sync_peer_stats(agent)->acked, 0);
}

Test(sync, batches_never_exceed_the_raw_limit)
{
    /* Events of ~200 KB: five fit in one megabyte; the sixth must wait. */
    static char big[200 * 1024];
    memset(big, 'x', sizeof big - 1);
    for (int i = 0; i < 12; i++) {
        uint8_t *buf;
        size_t len;
        xy_test_person_event(&buf, &len, 1, (uint64_t)i + 1,
                             HLC_MAKE(now, i), (uint32_t)i, big);
        event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf,
                           .len = len};
        cr_assert_eq(event_log_write(agent_log, &w, 1, NULL), 0);
        cr_assert_eq(w.status, 0);
        free(buf);
    }
    sync_peer_destroy(&agent);
    sync_io_t aio = {.send = s_enqueue, .urgent = s_urgent, .arg = &up};
    sync_opts_t ao = {.role = SYNC_AGENT, .peer_name = "coordinator",
                      .window_min = 4u << 20, .window_max = 4u << 20,
                      .no_compress = true};
    ao.scope.everything = true;
    cr_assert_eq(sync_peer_new(&agent, agent_log, &ao, &aio), 0);
    sync_peer_start(agent, now);
    s_run(500);
    cr_assert_eq(s_frontier(coord_log, agent_id), 12);
    cr_assert_leq(up.max_batch_raw, SYNC_BATCH_MAX_RAW);
    cr_assert_gt(up.max_batch_raw, SYNC_BATCH_MAX_RAW / 2, "batches filled");
}

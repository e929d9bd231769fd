/* Tests of the event log (core/event_log.h). */
#include "core/event_log.h"
#include "core/hlc.h"
#include "common/xy_error.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir;
static uint8_t me[XY_ID_LEN];
static uint64_t fake_now = 1700000000000ull;

static uint64_t s_now(void *arg)
{
    (void)arg;
    return fake_now;
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    xy_test_id(me, 1);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(event_log, .init = setup, .fini = teardown);

static event_log_t *s_open(void)
{
    event_log_opts_t o = {.now_ms = s_now};
    event_log_t *log = NULL;
    int rc = event_log_open(&log, dir, me, &o);
    cr_assert_eq(rc, 0, "open: %s", xy_strerror(rc));
    return log;
}

/* An own incident event with a title, ready to write. */
typedef struct s_own {
    Xy__Event ev;
    Xy__IncidentDeclared inc;
} s_own_t;

static void s_own_init(s_own_t *o, const char *title)
{
    xy__event__init(&o->ev);
    xy__incident_declared__init(&o->inc);
    o->inc.title = (char *)title;
    o->inc.hazard = XY__HAZARD_TYPE__HAZARD_FLOOD;
    o->ev.body_case = XY__EVENT__BODY_INCIDENT_DECLARED;
    o->ev.incident_declared = &o->inc;
    o->ev.author = "commander";
}

static int s_collect(const event_ref_t *ev, void *arg)
{
    uint64_t *seqs = arg;
    seqs[0]++;
    seqs[seqs[0]] = ev->position;
    return 0;
}

Test(event_log, usage_append_own_events_then_read_the_feed)
{
    event_log_t *log = s_open();
    s_own_t a, b;
    s_own_init(&a, "flood in Qingchuan");
    s_own_init(&b, "landslide in Wenchuan");
    event_write_t w[2] = {{.kind = EVENT_WRITE_OWN, .own = &a.ev},
                          {.kind = EVENT_WRITE_OWN, .own = &b.ev}};
    cr_assert_eq(event_log_write(log, w, 2, NULL), 0);
    cr_assert_eq(w[0].status, 0);
    cr_assert_eq(w[0].seq, 1);
    cr_assert_eq(w[1].seq, 2);
    cr_assert_eq(w[0].position, 1);
    cr_assert_eq(w[1].position, 2);
    cr_assert_gt(w[1].hlc, w[0].hlc);
    cr_assert_eq(HLC_MS(w[0].hlc), fake_now);

    uint64_t got[8] = {0};
    uint64_t last = 0;
    cr_assert_eq(event_log_changes(log, 0, 0, NULL, NULL, s_collect, got,
                                   &last), 0);
    cr_assert_eq(got[0], 2);
    cr_assert_eq(got[1], 1);
    cr_assert_eq(got[2], 2);
    cr_assert_eq(last, 2);
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, me, &f), 0);
    cr_assert_eq(f, 2);
    event_log_destroy(&log);
    cr_assert_null(log);
    event_log_destroy(&log); /* safe twice */
}

static int s_check_title(const event_ref_t *ref, void *arg)
{
    xy_decoded_t *d = NULL;
    cr_assert_eq(xy_event_unpack(ref->bytes, ref->len, &d), 0);
    const Xy__Event *ev = xy_decoded_event(d);
    cr_assert_str_eq(ev->incident_declared->title, (const char *)arg);
    cr_assert_eq(ev->origin.len, XY_ID_LEN);
    cr_assert_eq(memcmp(ev->origin.data, me, XY_ID_LEN), 0);
    xy_decoded_destroy(&d);
    return 0;
}

Test(event_log, stored_event_reads_back_with_its_identity)
{
    event_log_t *log = s_open();
    s_own_t a;
    s_own_init(&a, "typhoon");
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &a.ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(event_log_get(log, me, 1, s_check_title, "typhoon"), 0);
    cr_assert_eq(event_log_get(log, me, 2, s_check_title, "x"), XY_ENOENT);
    event_log_destroy(&log);
}

Test(event_log, foreign_event_stored_twice_is_stored_once)
{
    event_log_t *log = s_open();
    uint8_t *buf;
    size_t len;
    xy_test_person_event(&buf, &len, 7, 1, HLC_MAKE(fake_now, 0), 1, "A");
    event_write_t w[3] = {
        {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len},
        {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len},
    };
    cr_assert_eq(event_log_write(log, w, 2, NULL), 0);
    cr_assert_eq(w[0].status, 0);
    cr_assert_eq(w[1].status, XY_EEXIST);
    w[2] = w[0];
    cr_assert_eq(event_log_write(log, &w[2], 1, NULL), 0);
    cr_assert_eq(w[2].status, XY_EEXIST);
    cr_assert_eq(event_log_count(log), 1);
    cr_assert_eq(event_log_last_position(log), 1);
    free(buf);
    event_log_destroy(&log);
}

Test(event_log, frontier_stops_at_a_gap_and_moves_when_it_fills)
{
    event_log_t *log = s_open();
    uint8_t origin[XY_ID_LEN];
    xy_test_id(origin, 9);
    uint64_t order[] = {1, 2, 4, 5, 3};
    uint64_t expect[] = {1, 2, 2, 2, 5};
    for (int i = 0; i < 5; i++) {
        uint8_t *buf;
        size_t len;
        xy_test_person_event(&buf, &len, 9, order[i], HLC_MAKE(fake_now, i),
                             i, "B");
        event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf,
                           .len = len};
        cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
        cr_assert_eq(w.status, 0);
        free(buf);
        uint64_t f;
        cr_assert_eq(event_log_frontier(log, origin, &f), 0);
        cr_assert_eq(f, expect[i], "after seq %lu frontier %lu",
                     (unsigned long)order[i], (unsigned long)f);
    }
    event_log_destroy(&log);
}

static bool s_only_odd(const event_ref_t *ev, void *arg)
{
    (void)arg;
    return ev->seq % 2 == 1;
}

Test(event_log, changes_feed_resumes_after_position_with_filter_and_limit)
{
    event_log_t *log = s_open();
    for (uint64_t s = 1; s <= 10; s++) {
        uint8_t *buf;
        size_t len;
        xy_test_person_event(&buf, &len, 3, s, HLC_MAKE(fake_now, s), s, "C");
        event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf,
                           .len = len};
        cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
        free(buf);
    }
    uint64_t got[16] = {0}, last = 0;
    cr_assert_eq(event_log_changes(log, 4, 2, s_only_odd, NULL, s_collect,
                                   got, &last), 0);
    cr_assert_eq(got[0], 2);
    cr_assert_eq(got[1], 5);
    cr_assert_eq(got[2], 7);
    cr_assert_eq(last, 7, "stopped at the limit: %lu", (unsigned long)last);
    memset(got, 0, sizeof got);
    cr_assert_eq(event_log_changes(log, 4, 0, s_only_odd, NULL, s_collect,
                                   got, &last), 0);
    cr_assert_eq(got[0], 3);
    cr_assert_eq(last, 10, "filtered-out events are passed over: %lu",
                 (unsigned long)last);
    memset(got, 0, sizeof got);
    cr_assert_eq(event_log_changes(log, 10, 0, NULL, NULL, s_collect, got,
                                   &last), 0);
    cr_assert_eq(got[0], 0);
    cr_assert_eq(last, 10);
    event_log_destroy(&log);
}

Test(event_log, cursor_is_written_with_the_events)
{
    event_log_t *log = s_open();
    uint8_t *buf;
    size_t len;
    xy_test_person_event(&buf, &len, 4, 1, HLC_MAKE(fake_now, 0), 1, "D");
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len};
    event_cursor_t c = {"coordinator", 42};
    cr_assert_eq(event_log_write(log, &w, 1, &c), 0);
    free(buf);
    event_log_destroy(&log);
    log = s_open();
    uint64_t pos = 0;
    cr_assert_eq(event_log_cursor(log, "coordinator", &pos), 0);
    cr_assert_eq(pos, 42);
    cr_assert_eq(event_log_cursor(log, "nobody", &pos), 0);
    cr_assert_eq(pos, 0);
    event_log_destroy(&log);
}

Test(event_log, reopen_continues_seq_position_and_clock)
{
    event_log_t *log = s_open();
    s_own_t a;
    s_own_init(&a, "one");
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &a.ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    uint64_t first_hlc = w.hlc;
    event_log_destroy(&log);

    fake_now -= 60000; /* the wall clock stepped back a minute */
    log = s_open();
    s_own_init(&a, "two");
    w = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &a.ev};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.seq, 2);
    cr_assert_eq(w.position, 2);
    cr_assert_gt(w.hlc, first_hlc, "the clock never goes back");
    event_log_destroy(&log);
}

Test(event_log, store_of_another_node_is_refused)
{
    event_log_t *log = s_open();
    event_log_destroy(&log);
    uint8_t other[XY_ID_LEN];
    xy_test_id(other, 2);
    cr_assert_eq(event_log_open(&log, dir, other, NULL), XY_ECORRUPT);
    cr_assert_null(log);
    cr_assert_eq(event_log_open(&log, "/nonexistent/xy", me, NULL),
                 XY_ENOENT);
}

Test(event_log, malformed_foreign_item_is_refused_alone)
{
    event_log_t *log = s_open();
    uint8_t *buf;
    size_t len;
    xy_test_person_event(&buf, &len, 5, 1, HLC_MAKE(fake_now, 0), 1, "E");
    uint8_t junk[] = {0xff, 0xff, 0xff, 0x01};
    event_write_t w[3] = {
        {.kind = EVENT_WRITE_FOREIGN, .bytes = junk, .len = sizeof junk},
        {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len},
        {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len / 2},
    };
    cr_assert_eq(event_log_write(log, w, 3, NULL), 0);
    cr_assert_eq(w[0].status, XY_EMALFORMED);
    cr_assert_eq(w[1].status, 0);
    cr_assert_neq(w[2].status, 0);
    cr_assert_eq(event_log_count(log), 1);
    free(buf);
    event_log_destroy(&log);
}

Test(event_log, remote_clock_far_ahead_is_flagged_not_adopted)
{
    event_log_t *log = s_open();
    uint8_t *buf;
    size_t len;
    uint64_t ahead = HLC_MAKE(fake_now + 3600 * 1000, 0);
    xy_test_person_event(&buf, &len, 6, 1, ahead, 1, "F");
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
    cr_assert_eq(w.flags & EVENT_FLAG_CLOCK_AHEAD, EVENT_FLAG_CLOCK_AHEAD);
    free(buf);
    s_own_t a;
    s_own_init(&a, "after");
    event_write_t o = {.kind = EVENT_WRITE_OWN, .own = &a.ev};
    cr_assert_eq(event_log_write(log, &o, 1, NULL), 0);
    cr_assert_lt(o.hlc, ahead, "own clock stayed near wall time");
    event_log_destroy(&log);
}

Test(event_log, own_events_returned_by_a_peer_keep_seq_past_them)
{
    event_log_t *log = s_open();
    uint8_t *buf;
    size_t len;
    /* Event 3 of this node, as a peer would send it back after a restore. */
    xy_test_person_event(&buf, &len, 1, 3, HLC_MAKE(fake_now, 0), 1, "G");
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
    free(buf);
    s_own_t a;
    s_own_init(&a, "next");
    event_write_t o = {.kind = EVENT_WRITE_OWN, .own = &a.ev};
    cr_assert_eq(event_log_write(log, &o, 1, NULL), 0);
    cr_assert_eq(o.seq, 4);
    event_log_destroy(&log);
}

Test(event_log, full_map_grows_and_keeps_every_event)
{
    event_log_opts_t o = {.now_ms = s_now, .map_size = 64 * 1024};
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, dir, me, &o), 0);
    size_t before = event_log_map_size(log);
    enum { N = 400 };
    static char site[2000];
    memset(site, 'x', sizeof site - 1);
    for (int round = 0; round < 4; round++) {
        event_write_t w[N / 4];
        uint8_t *bufs[N / 4];
        for (int i = 0; i < N / 4; i++) {
            size_t len;
            xy_test_person_event(&bufs[i], &len, 8,
                                 (uint64_t)(round * (N / 4) + i + 1),
                                 HLC_MAKE(fake_now, i), i, site);
            w[i] = (event_write_t){.kind = EVENT_WRITE_FOREIGN,
                                   .bytes = bufs[i], .len = len};
        }
        cr_assert_eq(event_log_write(log, w, N / 4, NULL), 0);
        for (int i = 0; i < N / 4; i++) {
            cr_assert_eq(w[i].status, 0);
            free(bufs[i]);
        }
    }
    cr_assert_gt(event_log_map_size(log), before);
    cr_assert_eq(event_log_count(log), N);
    uint8_t origin[XY_ID_LEN];
    xy_test_id(origin, 8);
    uint64_t f;
    cr_assert_eq(event_log_frontier(log, origin, &f), 0);
    cr_assert_eq(f, N);
    event_log_destroy(&log);
}

Test(event_log, two_processes_writing_one_store_keep_seq_contiguous)
{
    enum { PER = 60 };
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    /* Both processes open their own environment after the fork. */
    event_log_t *log = s_open();
    for (int i = 0; i < PER; i++) {
        s_own_t a;
        s_own_init(&a, pid == 0 ? "child" : "parent");
        event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &a.ev};
        if (event_log_write(log, &w, 1, NULL) != 0 || w.status != 0) {
            if (pid == 0)
                _exit(1);
            cr_assert_fail("parent write %d failed", i);
        }
    }
    event_log_destroy(&log);
    if (pid == 0)
        _exit(0);
    int st = 0;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child failed");
    log = s_open();
    cr_assert_eq(event_log_count(log), 2 * PER);
    cr_assert_eq(event_log_last_position(log), 2 * PER);
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, me, &f), 0);
    cr_assert_eq(f, 2 * PER, "own seqs 1..%d with no gap: %lu", 2 * PER,
                 (unsigned long)f);
    event_log_destroy(&log);
}

/* Foreign event (origin n, seq) packed, for a batch. */
static event_write_t s_foreign(uint8_t **buf, int n, uint64_t seq)
{
    size_t len;
    xy_test_person_event(buf, &len, n, seq, HLC_MAKE(fake_now, seq), 1, "H");
    return (event_write_t){.kind = EVENT_WRITE_FOREIGN, .bytes = *buf,
                           .len = len};
}

static uint64_t s_frontier_of(event_log_t *log, int n)
{
    uint8_t origin[XY_ID_LEN];
    xy_test_id(origin, n);
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, origin, &f), 0);
    return f;
}

Test(event_log, frontiers_of_several_origins_move_within_one_batch)
{
    event_log_t *log = s_open();
    /* Origin 20 fills its gap inside the batch, origin 21 arrives in
     * reverse, origin 22 keeps a gap, origin 23 repeats an event; own
     * events are interleaved. */
    struct { int n; uint64_t seq; } items[] = {
        {20, 1}, {21, 2}, {20, 3}, {22, 2}, {0, 0},  {20, 2}, {23, 1},
        {21, 1}, {23, 1}, {22, 4}, {0, 0},  {20, 4}, {23, 2},
    };
    enum { N = sizeof items / sizeof items[0] };
    event_write_t w[N];
    uint8_t *bufs[N] = {0};
    s_own_t own[N];
    for (int i = 0; i < N; i++) {
        if (items[i].n == 0) {
            s_own_init(&own[i], "own");
            w[i] = (event_write_t){.kind = EVENT_WRITE_OWN,
                                   .own = &own[i].ev};
        } else {
            w[i] = s_foreign(&bufs[i], items[i].n, items[i].seq);
        }
    }
    cr_assert_eq(event_log_write(log, w, N, NULL), 0);
    for (int i = 0; i < N; i++)
        cr_assert_eq(w[i].status, i == 8 ? XY_EEXIST : 0, "item %d: %d", i,
                     w[i].status);
    cr_assert_eq(s_frontier_of(log, 20), 4);
    cr_assert_eq(s_frontier_of(log, 21), 2);
    cr_assert_eq(s_frontier_of(log, 22), 0);
    cr_assert_eq(s_frontier_of(log, 23), 2);
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, me, &f), 0);
    cr_assert_eq(f, 2);
    for (int i = 0; i < N; i++)
        free(bufs[i]);

    /* The next batch starts from the stored frontiers: origin 22 fills its
     * gaps, origin 20 opens one. */
    uint8_t *more[3];
    event_write_t m[3] = {s_foreign(&more[0], 22, 3),
                          s_foreign(&more[1], 20, 6),
                          s_foreign(&more[2], 22, 1)};
    cr_assert_eq(event_log_write(log, m, 3, NULL), 0);
    cr_assert_eq(s_frontier_of(log, 22), 4);
    cr_assert_eq(s_frontier_of(log, 20), 4);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(m[i].status, 0);
        free(more[i]);
    }
    event_log_destroy(&log);
}

Test(event_log, frontiers_of_many_origins_in_one_batch_are_all_kept)
{
    event_log_t *log = s_open();
    /* More origins than the frontier index starts with, each given seqs
     * 2 then 1, so every one moves only once its gap fills. */
    enum { ORIGINS = 100, N = 2 * ORIGINS };
    event_write_t w[N];
    uint8_t *bufs[N];
    for (int i = 0; i < ORIGINS; i++) {
        w[i] = s_foreign(&bufs[i], 100 + i, 2);
        w[ORIGINS + i] = s_foreign(&bufs[ORIGINS + i], 100 + i, 1);
    }
    cr_assert_eq(event_log_write(log, w, N, NULL), 0);
    for (int i = 0; i < N; i++) {
        cr_assert_eq(w[i].status, 0);
        free(bufs[i]);
    }
    for (int i = 0; i < ORIGINS; i++)
        cr_assert_eq(s_frontier_of(log, 100 + i), 2, "origin %d", 100 + i);
    event_log_destroy(&log);
}

typedef struct s_same {
    const uint8_t *bytes; /* expected */
    size_t len;
} s_same_t;

static int s_check_bytes(const event_ref_t *ref, void *arg)
{
    const s_same_t *want = arg;
    cr_assert_eq(ref->len, want->len);
    cr_assert_eq(memcmp(ref->bytes, want->bytes, want->len), 0);
    return 0;
}

Test(event_log, own_event_is_stored_as_the_codec_packs_it)
{
    event_log_t *log = s_open();
    /* Envelopes with each field present and absent. */
    static const uint8_t incident[XY_ID_LEN] = {0x1c, 0x1d, 0xff};
    s_own_t a[4];
    event_write_t w[4];
    for (int i = 0; i < 4; i++) {
        s_own_init(&a[i], i == 3 ? "" : "a title");
        if (i & 1)
            a[i].ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN,
                                                        (uint8_t *)incident};
        a[i].ev.exercise = i >= 2;
        a[i].ev.author = i == 2 ? NULL : i == 3 ? "" : "commander";
        w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &a[i].ev};
    }
    cr_assert_eq(event_log_write(log, w, 4, NULL), 0);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(w[i].status, 0);
        uint8_t *buf = NULL;
        size_t len = 0;
        cr_assert_eq(xy_event_pack(&a[i].ev, &buf, &len), 0);
        s_same_t want = {buf, len};
        cr_assert_eq(event_log_get(log, me, w[i].seq, s_check_bytes, &want),
                     0, "event %d", i);
        free(buf);
    }
    event_log_destroy(&log);
}

Test(event_log, unknown_body_type_is_stored_and_forwarded_not_folded)
{
    event_log_t *log = s_open();
    /* A newer peer's event: origin 1..., seq 1, hlc, and body field 99. */
    uint8_t origin[XY_ID_LEN];
    xy_test_id(origin, 33);
    uint8_t buf[64];
    size_t n = 0;
    buf[n++] = 0x0a; /* field 1, bytes */
    buf[n++] = XY_ID_LEN;
    memcpy(buf + n, origin, XY_ID_LEN);
    n += XY_ID_LEN;
    buf[n++] = 0x10; /* field 2, varint: seq 1 */
    buf[n++] = 0x01;
    buf[n++] = 0x9a; /* field 99, length-delimited: 99 << 3 | 2 = 794 */
    buf[n++] = 0x06;
    buf[n++] = 0x02;
    buf[n++] = 0x08;
    buf[n++] = 0x01;
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = n};
    cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0, "stored: %s", xy_strerror(w.status));
    cr_assert_eq(w.flags & EVENT_FLAG_UNKNOWN_TYPE, EVENT_FLAG_UNKNOWN_TYPE);
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, origin, &f), 0);
    cr_assert_eq(f, 1);
    uint64_t got[4] = {0};
    cr_assert_eq(event_log_changes(log, 0, 0, NULL, NULL, s_collect, got,
                                   NULL), 0);
    cr_assert_eq(got[0], 1, "it is in the feed, to be forwarded");
    cr_assert_eq(event_log_rebuild_views(log), 0);
    event_write_t again = w;
    cr_assert_eq(event_log_write(log, &again, 1, NULL), 0);
    cr_assert_eq(again.status, XY_EEXIST);
    event_log_destroy(&log);
}

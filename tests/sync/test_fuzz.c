/* Hostile frames at the coordinator's ROUTER from an enrolled client (a
 * DEALER with the agent's CURVE keys, driven by the test): malformed,
 * oversized, multi-part and wrong-version frames are answered with an Error
 * or dropped, and a few thousand frames derived from valid Hello, Batch and
 * Ack frames by bit flips, truncation and splicing leave the coordinator
 * running and answering a valid Hello. */
#include "common/xy_error.h"
#include "core/identity.h"
#include "core/sync.h"
#include "tests/sync/sync_events.h"
#include "tests/sync/sync_harness.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static void *s_ctx, *s_sock;

static void s_fini(void)
{
    if (s_sock)
        zmq_close(s_sock);
    if (s_ctx)
        zmq_ctx_term(s_ctx);
    s_sock = s_ctx = NULL;
    xh_teardown();
}

TestSuite(sync_fuzz, .init = xh_setup, .fini = s_fini, .timeout = 200);

static xh_cluster_t s_cl;
static node_identity_t s_id;

static void s_connect(void)
{
    s_ctx = zmq_ctx_new();
    s_sock = zmq_socket(s_ctx, ZMQ_DEALER);
    int zero = 0;
    zmq_setsockopt(s_sock, ZMQ_LINGER, &zero, sizeof zero);
    zmq_setsockopt(s_sock, ZMQ_CURVE_SERVERKEY, s_cl.coord.pub, 32);
    zmq_setsockopt(s_sock, ZMQ_CURVE_PUBLICKEY, s_id.public_key, 32);
    zmq_setsockopt(s_sock, ZMQ_CURVE_SECRETKEY, s_id.secret_key, 32);
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", s_cl.port);
    cr_assert_eq(zmq_connect(s_sock, ep), 0);
}

static void s_send(const uint8_t *buf, size_t len)
{
    cr_assert_geq(zmq_send(s_sock, buf, len, 0), 0, "send: %s",
                  zmq_strerror(zmq_errno()));
}

static void s_send_frame(Xy__Frame *f)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    cr_assert_eq(xy_frame_pack(f, &buf, &len), 0);
    s_send(buf, len);
    free(buf);
}

/* Receives frames until one of type want (and, for errors, with code, 0:
 * any) arrives within ms; returns its decoded form or NULL. */
static xy_decoded_t *s_expect(Xy__Frame__MsgCase want, int code, int ms)
{
    uint64_t end = xh_now_ms() + (uint64_t)ms;
    while (xh_now_ms() < end) {
        zmq_pollitem_t it = {s_sock, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 50) <= 0)
            continue;
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s_sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            continue;
        }
        xy_decoded_t *d = NULL;
        int rc = xy_frame_unpack(zmq_msg_data(&m), zmq_msg_size(&m), &d);
        zmq_msg_close(&m);
        cr_assert_eq(rc, 0, "the coordinator sent an undecodable frame");
        const Xy__Frame *f = xy_decoded_frame(d);
        if (f->msg_case == want &&
            (want != XY__FRAME__MSG_ERROR || !code || f->error->code == code))
            return d;
        xy_decoded_destroy(&d);
    }
    return NULL;
}

static uint64_t s_session = 1000;

/* Sends a valid Hello and returns whether a Welcome for it came back. */
static bool s_hello(int ms)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Hello h = XY__HELLO__INIT;
    Xy__Scope sc = XY__SCOPE__INIT;
    sc.everything = true;
    h.node_id = (ProtobufCBinaryData){XY_ID_LEN, s_id.node_id};
    h.scope = &sc;
    h.credit = 8;
    h.software = "fuzz/1";
    h.session = ++s_session;
    f.version = SYNC_VERSION;
    f.msg_case = XY__FRAME__MSG_HELLO;
    f.hello = &h;
    s_send_frame(&f);
    uint64_t end = xh_now_ms() + (uint64_t)ms;
    while (xh_now_ms() < end) {
        xy_decoded_t *d = s_expect(XY__FRAME__MSG_WELCOME, 0,
                                   (int)(end - xh_now_ms()));
        if (!d)
            return false;
        bool ok = xy_decoded_frame(d)->welcome->session == s_session;
        xy_decoded_destroy(&d);
        if (ok)
            return true;
    }
    return false;
}

/* A packed Batch frame of n field events of the enrolled agent, seqs from
 * seq, compressed or not; *raw_len gets the payload's size. */
static void s_batch(uint8_t **out, size_t *len, int n, uint64_t seq,
                    uint32_t compression)
{
    uint8_t *raw = NULL;
    size_t rlen = 0, cap = 0;
    uint64_t rng = seq;
    for (int i = 0; i < n; i++) {
        xs_event_t e;
        xs_event_make(&e, i % 2 ? XS_TRIAGE : XS_PERSON, &rng, s_cl.incident[0]);
        e.ev.origin = (ProtobufCBinaryData){XY_ID_LEN, s_id.node_id};
        e.ev.seq = seq + (uint64_t)i;
        e.ev.hlc = (1700000000000ull + seq + (uint64_t)i) << 16;
        uint8_t *ev = NULL;
        size_t elen = 0;
        cr_assert_eq(xy_event_pack(&e.ev, &ev, &elen), 0);
        if (rlen + elen + 10 > cap) {
            cap = 2 * (rlen + elen + 10);
            raw = realloc(raw, cap);
        }
        uint64_t v = elen;
        do {
            raw[rlen++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
            v >>= 7;
        } while (v);
        memcpy(raw + rlen, ev, elen);
        rlen += elen;
        free(ev);
    }
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Batch b = XY__BATCH__INIT;
    uint8_t *z = NULL;
    size_t zlen = 0;
    b.after = 0;
    b.last = 0;
    b.count = (uint32_t)n;
    b.raw_size = rlen;
    b.urgent = true;
    b.compression = compression;
    if (compression) {
        cr_assert_eq(xy_compress(raw, rlen, &z, &zlen), 0);
        b.events = (ProtobufCBinaryData){zlen, z};
    } else {
        b.events = (ProtobufCBinaryData){rlen, raw};
    }
    f.version = SYNC_VERSION;
    f.msg_case = XY__FRAME__MSG_BATCH;
    f.batch = &b;
    cr_assert_eq(xy_frame_pack(&f, out, len), 0);
    free(raw);
    free(z);
}

static void s_ack_frame(uint8_t **out, size_t *len)
{
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Ack a = XY__ACK__INIT;
    a.position = 3;
    a.credit = 8;
    f.version = SYNC_VERSION;
    f.msg_case = XY__FRAME__MSG_ACK;
    f.ack = &a;
    cr_assert_eq(xy_frame_pack(&f, out, len), 0);
}

typedef struct s_count {
    uint64_t own, client;
} s_count_t;

static int s_count_origin(const event_ref_t *ev, void *arg)
{
    s_count_t *n = arg;
    if (memcmp(ev->origin, s_cl.coord.id, XY_ID_LEN) == 0)
        n->own++;
    else if (memcmp(ev->origin, s_id.node_id, XY_ID_LEN) == 0)
        n->client++;
    return 0;
}

static void s_setup_cluster(void)
{
    memset(&s_cl, 0, sizeof s_cl);
    xh_coord_init(&s_cl);
    xh_declare(&s_cl, s_cl.incident[0]);
    xh_agent_init(&s_cl, 0, "client", s_cl.incident[0], true);
    char path[1024];
    snprintf(path, sizeof path, "%s/node.key", s_cl.agents[0].dir);
    cr_assert_eq(identity_load(path, &s_id), 0);
    xh_start(&s_cl.coord, XY_COORDINATOR_BIN);
    s_connect();
    cr_assert(s_hello(10000), "no Welcome to a valid Hello");
}

Test(sync_fuzz, hostile_frames_get_errors_and_the_coordinator_survives)
{
    s_setup_cluster();
    /* Not a Frame at all. */
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x01, 0x02};
    s_send(junk, sizeof junk);
    xy_decoded_t *d = s_expect(XY__FRAME__MSG_ERROR, 0, 5000);
    cr_assert_not_null(d, "no Error for a malformed frame");
    cr_assert_lt(xy_decoded_frame(d)->error->code, 0);
    cr_assert_not(xy_decoded_frame(d)->error->fatal);
    xy_decoded_destroy(&d);

    /* Wrong version: a Ping of protocol version 2. */
    Xy__Frame f = XY__FRAME__INIT;
    Xy__Ping ping = XY__PING__INIT;
    ping.nonce = 7;
    f.msg_case = XY__FRAME__MSG_PING;
    f.ping = &ping;
    f.version = 2;
    s_send_frame(&f);
    d = s_expect(XY__FRAME__MSG_ERROR, XY_EVERSION, 5000);
    cr_assert_not_null(d, "no version Error for a version 2 frame");
    xy_decoded_destroy(&d);

    /* A batch that claims more than the decompression limit. */
    uint8_t *b = NULL;
    size_t blen = 0;
    s_batch(&b, &blen, 3, 1, 1);
    {
        xy_decoded_t *bd = NULL;
        cr_assert_eq(xy_frame_unpack(b, blen, &bd), 0);
        Xy__Frame bf = *xy_decoded_frame(bd);
        Xy__Batch bb = *bf.batch;
        bb.raw_size = SYNC_BATCH_MAX_RAW + 1;
        bf.batch = &bb;
        s_send_frame(&bf);
        xy_decoded_destroy(&bd);
    }
    d = s_expect(XY__FRAME__MSG_ERROR, XY_ETOOBIG, 5000);
    cr_assert_not_null(d, "no Error for an oversized batch");
    xy_decoded_destroy(&d);

    /* A zstd bomb: 3 MiB of zeros in a few hundred bytes. */
    {
        size_t big = 3u * 1024 * 1024;
        uint8_t *zeros = calloc(1, big), *z = NULL;
        size_t zlen = 0;
        cr_assert_eq(xy_compress(zeros, big, &z, &zlen), 0);
        Xy__Frame bf = XY__FRAME__INIT;
        Xy__Batch bb = XY__BATCH__INIT;
        bb.urgent = true;
        bb.compression = 1;
        bb.count = 1;
        bb.raw_size = 100;
        bb.events = (ProtobufCBinaryData){zlen, z};
        bf.version = SYNC_VERSION;
        bf.msg_case = XY__FRAME__MSG_BATCH;
        bf.batch = &bb;
        s_send_frame(&bf);
        free(zeros);
        free(z);
        d = s_expect(XY__FRAME__MSG_ERROR, 0, 5000);
        cr_assert_not_null(d, "no Error for a decompression bomb");
        xy_decoded_destroy(&d);
    }

    /* A multi-part message: dropped whole, no answer; the session stays. */
    zmq_send(s_sock, "a", 1, ZMQ_SNDMORE);
    zmq_send(s_sock, junk, sizeof junk, 0);
    d = s_expect(XY__FRAME__MSG_ERROR, 0, 1000);
    cr_assert_null(d, "a multi-part message was answered");

    /* Larger than the socket's maximum message size: the connection is
     * dropped by ZeroMQ; the client reconnects and is welcome again. */
    size_t huge_len = XY_FRAME_MAX_BYTES + 8192;
    uint8_t *huge = malloc(huge_len);
    memset(huge, 0x5a, huge_len);
    s_send(huge, huge_len);
    free(huge);
    cr_assert(s_hello(15000), "no Welcome after an oversized message");

    /* The valid batch itself is stored: the path the fuzz derives from
     * works. */
    s_send(b, blen);
    d = s_expect(XY__FRAME__MSG_ACK, 0, 5000);
    cr_assert_not_null(d, "no Ack for a valid urgent batch");
    xy_decoded_destroy(&d);
    event_log_t *c = xh_log(&s_cl.coord);
    uint64_t end = xh_now_ms() + 5000;
    while (xh_frontier(c, s_id.node_id) != 3 && xh_now_ms() < end)
        xh_sleep_ms(20);
    cr_assert_eq(xh_frontier(c, s_id.node_id), 3);

    /* Fuzz: frames derived from valid ones. */
    uint8_t *seeds[4];
    size_t seed_len[4];
    s_batch(&seeds[0], &seed_len[0], 5, 4, 0);
    s_batch(&seeds[1], &seed_len[1], 5, 9, 1);
    s_ack_frame(&seeds[2], &seed_len[2]);
    seeds[3] = b;
    seed_len[3] = blen;
    uint64_t rng = 20240917;
    uint8_t buf[8192];
    int replies = 0;
    for (int i = 0; i < 4000; i++) {
        int k = (int)(xs_rand(&rng) % 4);
        size_t len = seed_len[k] < sizeof buf ? seed_len[k] : sizeof buf;
        memcpy(buf, seeds[k], len);
        switch (xs_rand(&rng) % 4) {
        case 0: /* bit flips */
        case 1:
            for (int n = 1 + (int)(xs_rand(&rng) % 8); n > 0; n--) {
                size_t at = xs_rand(&rng) % len;
                buf[at] ^= (uint8_t)(1u << (xs_rand(&rng) % 8));
            }
            break;
        case 2: /* truncation */
            len = 1 + xs_rand(&rng) % len;
            break;
        default: /* random bytes over a random span */
            for (size_t at = xs_rand(&rng) % len, n = xs_rand(&rng) % 64;
                 n > 0 && at < len; n--, at++)
                buf[at] = (uint8_t)xs_rand(&rng);
            break;
        }
        s_send(buf, len);
        if (i % 100 == 99) {
            /* Drain what came back so far; the queues stay small. */
            zmq_msg_t m;
            zmq_msg_init(&m);
            while (zmq_msg_recv(&m, s_sock, ZMQ_DONTWAIT) >= 0)
                replies++;
            zmq_msg_close(&m);
        }
    }
    /* Everything answered by now comes back within a couple of seconds. */
    int errors = 0;
    for (uint64_t quiet_until = xh_now_ms() + 2000; xh_now_ms() < quiet_until;) {
        xy_decoded_t *r = s_expect(XY__FRAME__MSG_ERROR, 0, 200);
        if (r) {
            errors++;
            replies++;
            quiet_until = xh_now_ms() + 2000;
            xy_decoded_destroy(&r);
        }
    }
    for (int k = 0; k < 3; k++)
        free(seeds[k]);
    free(b);
    cr_assert(xh_alive(s_cl.coord.pid), "the coordinator died under fuzz");
    cr_assert(s_hello(15000), "no Welcome to a valid Hello after the fuzz");
    /* Most mutations break the frame: many Errors must have come back. */
    cr_assert_gt(errors, 400, "only %d Errors for 4000 fuzzed frames",
                 errors);
    /* Whatever the fuzz got stored is the client's own: nothing of
     * another origin, and the coordinator's own declaration untouched. */
    event_log_refresh(c);
    s_count_t n = {0};
    cr_assert_eq(event_log_changes(c, 0, 0, NULL, NULL, s_count_origin, &n,
                                   NULL),
                 0);
    fprintf(stderr, "fuzz: %d replies (%d errors counted after the "
            "loop); coordinator holds %llu events, %llu "
            "of the client\n", replies, errors,
            (unsigned long long)event_log_count(c),
            (unsigned long long)n.client);
    cr_assert_eq(n.own, 1);
    cr_assert_eq(n.own + n.client, event_log_count(c));
    cr_assert_eq(xh_stop(&s_cl.coord.pid, SIGTERM), 0,
                 "the coordinator did not stop cleanly after the fuzz");
}

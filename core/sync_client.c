/* The agent's side of the sync adapter (sync_net.h): a DEALER to the
 * coordinator's ROUTER running the sync engine, and a SUB to its PUB whose
 * publications are stored like any foreign event. */
#include "core/sync_net_internal.h"
#include "core/enroll.h"
#include "core/zsock.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>
#include <zmq.h>

struct sync_client {
    uv_loop_t *loop;           /* the daemon's loop */
    event_log_t *log;          /* borrowed */
    node_identity_t id;        /* copy: keys for CURVE */
    uint8_t server_key[32];    /* the coordinator's public key */
    sync_policy_t pol;         /* copy */
    void *ctx;                 /* ZeroMQ context */
    zsock_t *dealer, *sub;     /* sockets */
    uv_timer_t timer;          /* ticks */
    bool timer_started;        /* the timer handle exists */
    sync_peer_t *peer;         /* the engine */
    uint64_t seen_last;        /* last local position pumped for */
    uint64_t pub_stored;       /* events stored from the SUB */
    char peer_name[65];        /* cursor name */
    sync_watch_t *watch;       /* commits to the store, by anyone */
};

static int s_client_send(void *arg, const uint8_t *frame, size_t len)
{
    sync_client_t *c = arg;
    if (!c->dealer)
        return XY_ECLOSED;
    /* ZMQ_IMMEDIATE: with no connection the send fails at once instead of
     * queueing; the engine resends after its timeouts. */
    if (zmq_send(zsock_socket(c->dealer), frame, len, ZMQ_DONTWAIT) < 0)
        return XY_EAGAIN;
    return 0;
}

static bool s_client_in_scope(void *arg, const event_ref_t *ev,
                              const sync_scope_t *scope)
{
    sync_client_t *c = arg;
    return sync_policy_in_scope(&c->pol, ev, scope);
}

static bool s_client_urgent(void *arg, uint32_t type)
{
    sync_client_t *c = arg;
    return sync_policy_urgent(&c->pol, type);
}

static void s_on_dealer(zsock_t *z, void *arg)
{
    sync_client_t *c = arg;
    zmq_msg_t m;
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, zsock_socket(z), ZMQ_DONTWAIT) >= 0 &&
        !zmq_msg_more(&m))
        sync_peer_receive(c->peer, zmq_msg_data(&m), zmq_msg_size(&m),
                          sync_net_now_ms());
    zmq_msg_close(&m);
}

static void s_on_sub(zsock_t *z, void *arg)
{
    sync_client_t *c = arg;
    void *sock = zsock_socket(z);
    zmq_msg_t topic, body;
    zmq_msg_init(&topic);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&topic, sock, ZMQ_DONTWAIT) < 0 || !zmq_msg_more(&topic))
        goto out;
    if (zmq_msg_recv(&body, sock, ZMQ_DONTWAIT) < 0 || zmq_msg_more(&body))
        goto out;
    /* Stored like any foreign event: a duplicate is a no-op, and the
     * reliable feed brings whatever a lost publication missed. */
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN,
                       .bytes = zmq_msg_data(&body),
                       .len = zmq_msg_size(&body)};
    if (event_log_write(c->log, &w, 1, NULL) == 0 && w.status == 0)
        c->pub_stored++;
out:
    zmq_msg_close(&topic);
    zmq_msg_close(&body);
    /* Drop any further parts of a malformed publication. */
    int more = 0;
    size_t len = sizeof more;
    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &len) == 0 && more) {
        zmq_msg_t x;
        zmq_msg_init(&x);
        int r = zmq_msg_recv(&x, sock, ZMQ_DONTWAIT);
        zmq_msg_close(&x);
        if (r < 0)
            break;
    }
}

/* Someone committed to the store (the command line beside the daemon):
 * send what is new at once. */
static void s_on_store_change(void *arg)
{
    sync_client_t *c = arg;
    uint64_t before = event_log_last_position(c->log);
    event_log_refresh(c->log);
    if (event_log_last_position(c->log) == before)
        return;
    sync_peer_pump(c->peer, sync_net_now_ms());
    zsock_drain(c->dealer);
}

static void s_on_client_tick(uv_timer_t *t)
{
    sync_client_t *c = t->data;
    uint64_t now = sync_net_now_ms();
    /* The command line may have written beside the daemon. */
    event_log_refresh(c->log);
    sync_peer_tick(c->peer, now);
    zsock_drain(c->dealer);
    zsock_drain(c->sub);
}

static int s_curve_client(sync_client_t *c, void *sock)
{
    int rc = sync_net_common_opts(sock);
    rc |= zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, c->server_key, 32);
    rc |= zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, c->id.public_key, 32);
    rc |= zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, c->id.secret_key, 32);
    /* Reconnect with exponential backoff up to 30 s, starting at a
     * per-laptop jittered interval so agents do not come back in step. */
    int ivl = 100 + (int)(c->id.node_id[0] % 200);
    rc |= sync_net_setopt_int(sock, ZMQ_RECONNECT_IVL, ivl);
    rc |= sync_net_setopt_int(sock, ZMQ_RECONNECT_IVL_MAX, 30000);
    return rc ? XY_ENET : 0;
}

typedef struct s_sub_ctx {
    void *sock;
    int rc;
} s_sub_ctx_t;

static void s_subscribe(void *arg, const char *topic)
{
    s_sub_ctx_t *sc = arg;
    if (zmq_setsockopt(sc->sock, ZMQ_SUBSCRIBE, topic, strlen(topic)))
        sc->rc = XY_ENET;
}

int sync_client_new(sync_client_t **out, runloop_t *rl, event_log_t *log,
                    const node_identity_t *id, const sync_policy_t *policy,
                    const sync_net_opts_t *opts)
{
    *out = NULL;
    if (!opts->endpoint || !opts->server_key)
        return XY_EINVAL;
    sync_client_t *c = xcalloc(1, sizeof *c);
    c->loop = runloop_loop(rl);
    c->log = log;
    c->id = *id;
    memcpy(c->server_key, opts->server_key, 32);
    if (policy)
        c->pol = *policy;
    snprintf(c->peer_name, sizeof c->peer_name, "%s",
             opts->peer_name ? opts->peer_name : "coordinator");
    sync_opts_t o = opts->tuning;
    o.role = SYNC_AGENT;
    o.peer_name = c->peer_name;
    o.peer_node_id = NULL;
    o.scope = opts->scope;
    sync_io_t io = {.send = s_client_send, .in_scope = s_client_in_scope,
                    .urgent = s_client_urgent, .arg = c};
    int rc = sync_peer_new(&c->peer, log, &o, &io);
    if (!rc) {
        c->ctx = zmq_ctx_new();
        rc = c->ctx ? 0 : XY_ENET;
    }
    void *dealer = rc ? NULL : zmq_socket(c->ctx, ZMQ_DEALER);
    void *sub = rc ? NULL : zmq_socket(c->ctx, ZMQ_SUB);
    if (!rc && (!dealer || !sub))
        rc = XY_ENET;
    if (!rc)
        rc = s_curve_client(c, dealer) | s_curve_client(c, sub);
    /* No queueing towards a link that is not up, and a small kernel send
     * buffer: on a thin link bytes sitting in queues would hold an urgent
     * batch back. */
    if (!rc && (sync_net_setopt_int(dealer, ZMQ_IMMEDIATE, 1) ||
                sync_net_setopt_int(dealer, ZMQ_SNDBUF, 32 * 1024)))
        rc = XY_ENET;
    /* A fixed routing id (never starting with a zero byte, which ZeroMQ
     * keeps for its own) lets the coordinator's ROUTER_HANDOVER hand a
     * reconnecting laptop's id over from its half-open old connection. */
    if (!rc) {
        uint8_t rid[1 + 16];
        rid[0] = 'X';
        memcpy(rid + 1, c->id.node_id, 16);
        if (zmq_setsockopt(dealer, ZMQ_ROUTING_ID, rid, sizeof rid))
            rc = XY_ENET;
    }
    if (!rc) {
        s_sub_ctx_t sc = {sub, 0};
        if (policy && policy->topics)
            policy->topics(policy->arg, &opts->scope, s_subscribe, &sc);
        else
            s_subscribe(&sc, "");
        rc = sc.rc;
    }
    if (!rc && zmq_connect(dealer, opts->endpoint) != 0)
        rc = XY_ENET;
    if (!rc && opts->pub_endpoint && zmq_connect(sub, opts->pub_endpoint))
        rc = XY_ENET;
    if (!rc) {
        rc = zsock_watch(&c->dealer, c->loop, dealer, s_on_dealer, c);
        dealer = NULL;
    }
    if (!rc) {
        rc = zsock_watch(&c->sub, c->loop, sub, s_on_sub, c);
        sub = NULL;
    }
    if (dealer)
        zmq_close(dealer);
    if (sub)
        zmq_close(sub);
    if (!rc) {
        uv_timer_init(c->loop, &c->timer);
        c->timer_started = true;
        c->watch = sync_watch_store(c->loop, log, s_on_store_change, c);
        c->timer.data = c;
        uint64_t tick = opts->tick_ms ? opts->tick_ms : SYNC_NET_TICK_DEFAULT_MS;
        uv_timer_start(&c->timer, s_on_client_tick, 0, tick);
    }
    if (rc) {
        sync_client_destroy(&c);
        return rc;
    }
    *out = c;
    return 0;
}

static void s_on_client_timer_closed(uv_handle_t *h)
{
    free(h->data);
}

void sync_client_destroy(sync_client_t **cp)
{
    if (!cp || !*cp)
        return;
    sync_client_t *c = *cp;
    *cp = NULL;
    sync_peer_destroy(&c->peer);
    sync_watch_close(&c->watch);
    zsock_close(&c->dealer);
    zsock_close(&c->sub);
    identity_wipe(&c->id);
    if (c->ctx)
        sync_net_ctx_reap(c->loop, c->ctx);
    if (c->timer_started) {
        uv_timer_stop(&c->timer);
        uv_close((uv_handle_t *)&c->timer, s_on_client_timer_closed);
    } else {
        free(c);
    }
}

const sync_stats_t *sync_client_stats(const sync_client_t *c)
{
    return sync_peer_stats(c->peer);
}

sync_state_t sync_client_state(const sync_client_t *c)
{
    return sync_peer_state(c->peer);
}

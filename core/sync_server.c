/* The coordinator's side of the sync adapter (sync_net.h): the ZAP handler
 * admitting enrolled keys, the ROUTER running one sync engine per agent
 * found by its ZAP User-Id, the PUB fan-out, and revocation. */
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

typedef struct s_speer {
    struct sync_server *srv;      /* owner */
    char name[ENROLL_NAME_MAX + 1]; /* ZAP User-Id = enrolled name */
    uint8_t rid[256];             /* current ROUTER routing id */
    size_t rid_len;
    sync_peer_t *peer;            /* the engine */
} s_speer_t;

struct sync_server {
    uv_loop_t *loop;              /* the daemon's loop */
    event_log_t *log;             /* borrowed */
    node_identity_t id;           /* copy: keys for CURVE */
    sync_policy_t pol;            /* copy */
    sync_net_opts_t o;            /* copy, strings below */
    char *endpoint, *pub_endpoint, *enroll_dir;
    void *ctx;                    /* ZeroMQ context */
    zsock_t *zap, *router, *pub;  /* sockets */
    uv_timer_t timer;             /* ticks */
    enroll_list_t enrolled;       /* last read register */
    uint64_t enroll_stamp;        /* its directory's change time */
    uint64_t enroll_checked;      /* when it was last checked */
    s_speer_t **peers;            /* one per agent heard from */
    size_t n_peers, cap_peers;
    uint64_t published;           /* feed published up to */
    uint64_t seen_last;           /* last position pumped for */
    bool timer_started;           /* the timer handle exists */
    bool cut_pending;             /* an admitted key was revoked */
    sync_watch_t *watch;          /* commits to the store, by anyone */
};

static void s_enroll_reload(sync_server_t *s, bool force)
{
    uint64_t stamp = enroll_stamp(s->enroll_dir);
    if (!force && stamp == s->enroll_stamp)
        return;
    enroll_list_t fresh;
    if (enroll_load(s->enroll_dir, &fresh, NULL) != 0)
        return;
    /* A key admitted before and not now may still hold connections (a SUB
     * receiving fan-out, say) even if it never opened a session: cut. */
    for (size_t i = 0; i < s->enrolled.n; i++) {
        const enroll_entry_t *old = &s->enrolled.items[i];
        if (!old->revoked && !enroll_find_key(&fresh, old->public_key))
            s->cut_pending = true;
    }
    enroll_list_free(&s->enrolled);
    s->enrolled = fresh;
    s->enroll_stamp = stamp;
}

/* ZAP (RFC 27): one request, one reply, answered at once on the loop. */
static void s_on_zap(zsock_t *z, void *arg)
{
    sync_server_t *s = arg;
    void *sock = zsock_socket(z);
    zmq_msg_t part[8];
    int n = 0, more = 1;
    while (more && n < 8) {
        zmq_msg_init(&part[n]);
        if (zmq_msg_recv(&part[n], sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&part[n]);
            break;
        }
        more = zmq_msg_more(&part[n]);
        n++;
    }
    while (more) { /* more parts than any ZAP request has: drop them */
        zmq_msg_t x;
        zmq_msg_init(&x);
        if (zmq_msg_recv(&x, sock, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&x);
            break;
        }
        more = zmq_msg_more(&x);
        zmq_msg_close(&x);
    }
    if (n < 6)
        goto out;
    const char *status = "400", *text = "not enrolled", *user = "";
    bool domain_ok = zmq_msg_size(&part[2]) == strlen(SYNC_ZAP_DOMAIN) &&
                     memcmp(zmq_msg_data(&part[2]), SYNC_ZAP_DOMAIN,
                            strlen(SYNC_ZAP_DOMAIN)) == 0;
    bool curve = zmq_msg_size(&part[5]) == 5 &&
                 memcmp(zmq_msg_data(&part[5]), "CURVE", 5) == 0;
    if (domain_ok && curve && n >= 7 && zmq_msg_size(&part[6]) == 32) {
        s_enroll_reload(s, false);
        const enroll_entry_t *e =
            enroll_find_key(&s->enrolled, zmq_msg_data(&part[6]));
        if (e) {
            status = "200";
            text = "OK";
            user = e->name;
        }
    }
    zmq_send(sock, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(sock, zmq_msg_data(&part[1]), zmq_msg_size(&part[1]),
             ZMQ_SNDMORE);
    zmq_send(sock, status, 3, ZMQ_SNDMORE);
    zmq_send(sock, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(sock, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(sock, "", 0, 0);
out:
    for (int i = 0; i < n; i++)
        zmq_msg_close(&part[i]);
}

static int s_peer_send(void *arg, const uint8_t *frame, size_t len)
{
    s_speer_t *sp = arg;
    if (!sp->srv->router || sp->rid_len == 0)
        return XY_ECLOSED;
    void *sock = zsock_socket(sp->srv->router);
    if (zmq_send(sock, sp->rid, sp->rid_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return XY_EAGAIN;
    if (zmq_send(sock, frame, len, ZMQ_DONTWAIT) < 0)
        return XY_EAGAIN;
    return 0;
}

static void s_server_pump_all(sync_server_t *s);

static void s_peer_stored(void *arg, const event_write_t *w, size_t n)
{
    (void)w;
    (void)n;
    s_speer_t *sp = arg;
    /* New events from one agent go on to the others at once. */
    s_server_pump_all(sp->srv);
}

static s_speer_t *s_peer_find(sync_server_t *s, const char *name)
{
    for (size_t i = 0; i < s->n_peers; i++)
        if (strcmp(s->peers[i]->name, name) == 0)
            return s->peers[i];
    return NULL;
}

static bool s_speer_in_scope(void *arg, const event_ref_t *ev,
                             const sync_scope_t *scope)
{
    s_speer_t *sp = arg;
    return sync_policy_in_scope(&sp->srv->pol, ev, scope);
}

static bool s_speer_urgent(void *arg, uint32_t type)
{
    s_speer_t *sp = arg;
    return sync_policy_urgent(&sp->srv->pol, type);
}

static bool s_speer_admit(void *arg, const event_ref_t *ev, char *why,
                          size_t n)
{
    s_speer_t *sp = arg;
    const sync_policy_t *pol = &sp->srv->pol;
    if (!pol->admit || pol->admit(pol->arg, ev, why, n))
        return true;
    char origin[2 * XY_ID_LEN + 1];
    xy_hex(origin, ev->origin, XY_ID_LEN);
    fprintf(stderr, "sync: agent %s: refused event %s:%llu (%s): %s\n",
            sp->name, origin, (unsigned long long)ev->seq,
            xy_event_type_name((Xy__Event__BodyCase)ev->type), why);
    return false;
}

static s_speer_t *s_peer_get(sync_server_t *s, const char *name)
{
    s_speer_t *sp = s_peer_find(s, name);
    if (sp)
        return sp;
    const enroll_entry_t *e = enroll_find_name(&s->enrolled, name);
    if (!e || e->revoked)
        return NULL;
    sp = xcalloc(1, sizeof *sp);
    sp->srv = s;
    snprintf(sp->name, sizeof sp->name, "%s", name);
    sync_opts_t o = s->o.tuning;
    o.role = SYNC_COORDINATOR;
    o.peer_name = sp->name;
    o.peer_node_id = e->node_id;
    /* Sends go to this peer's routing id; the policy decides scope and
     * urgency. */
    sync_io_t io = {.send = s_peer_send, .stored = s_peer_stored,
                    .in_scope = s_speer_in_scope, .urgent = s_speer_urgent,
                    .admit = s_speer_admit, .arg = sp};
    if (sync_peer_new(&sp->peer, s->log, &o, &io)) {
        free(sp);
        return NULL;
    }
    if (s->n_peers == s->cap_peers) {
        s->cap_peers = s->cap_peers ? 2 * s->cap_peers : 8;
        s->peers = xrealloc(s->peers, s->cap_peers * sizeof *s->peers);
    }
    s->peers[s->n_peers++] = sp;
    return sp;
}

static void s_peer_free(s_speer_t **spp)
{
    sync_peer_destroy(&(*spp)->peer);
    free(*spp);
    *spp = NULL;
}

static void s_on_router(zsock_t *z, void *arg)
{
    sync_server_t *s = arg;
    void *sock = zsock_socket(z);
    zmq_msg_t rid, body;
    zmq_msg_init(&rid);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&rid, sock, ZMQ_DONTWAIT) < 0)
        goto out;
    if (!zmq_msg_more(&rid))
        goto out;
    if (zmq_msg_recv(&body, sock, ZMQ_DONTWAIT) < 0)
        goto out;
    if (zmq_msg_more(&body)) {
        /* One frame per message: drop the rest and the whole message. */
        int more = 1;
        while (more) {
            zmq_msg_t x;
            zmq_msg_init(&x);
            if (zmq_msg_recv(&x, sock, ZMQ_DONTWAIT) < 0) {
                zmq_msg_close(&x);
                break;
            }
            more = zmq_msg_more(&x);
            zmq_msg_close(&x);
        }
        goto out;
    }
    /* The identity is what ZAP said, never what the payload says. */
    const char *user = zmq_msg_gets(&body, "User-Id");
    if (!user || !*user)
        goto out;
    s_speer_t *sp = s_peer_get(s, user);
    if (!sp || zmq_msg_size(&rid) > sizeof sp->rid)
        goto out;
    memcpy(sp->rid, zmq_msg_data(&rid), zmq_msg_size(&rid));
    sp->rid_len = zmq_msg_size(&rid);
    sync_peer_receive(sp->peer, zmq_msg_data(&body), zmq_msg_size(&body),
                      sync_net_now_ms());
out:
    zmq_msg_close(&rid);
    zmq_msg_close(&body);
}

static int s_curve_server(sync_server_t *s, void *sock)
{
    int rc = sync_net_common_opts(sock);
    rc |= sync_net_setopt_int(sock, ZMQ_CURVE_SERVER, 1);
    rc |= zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, s->id.secret_key, 32);
    rc |= zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, SYNC_ZAP_DOMAIN,
                         strlen(SYNC_ZAP_DOMAIN));
    rc |= sync_net_setopt_int(sock, SYNC_NET_ZAP_ENFORCE_DOMAIN, 1);
    return rc ? XY_ENET : 0;
}

static void s_on_nothing(zsock_t *z, void *arg)
{
    (void)z;
    (void)arg;
}

/* Opens and binds the ROUTER and the PUB. */
static int s_server_bind(sync_server_t *s)
{
    void *router = zmq_socket(s->ctx, ZMQ_ROUTER);
    void *pub = zmq_socket(s->ctx, ZMQ_PUB);
    int rc = router && pub ? 0 : XY_ENET;
    if (!rc)
        rc = s_curve_server(s, router) | s_curve_server(s, pub);
    /* A laptop that reconnects takes its routing id over from its
     * half-open old connection instead of being refused. */
    if (!rc && sync_net_setopt_int(router, ZMQ_ROUTER_HANDOVER, 1))
        rc = XY_ENET;
    /* A full or vanished peer makes the send fail instead of dropping the
     * frame silently: the engine then knows it was not sent. */
    if (!rc && sync_net_setopt_int(router, ZMQ_ROUTER_MANDATORY, 1))
        rc = XY_ENET;
    if (!rc && sync_net_setopt_int(pub, ZMQ_SNDHWM, 10000))
        rc = XY_ENET;
    if (!rc && (zmq_bind(router, s->endpoint) != 0 ||
                zmq_bind(pub, s->pub_endpoint) != 0))
        rc = XY_ENET;
    if (!rc)
        rc = zsock_watch(&s->router, s->loop, router, s_on_router, s);
    if (rc) {
        if (router && !s->router)
            zmq_close(router);
        if (pub)
            zmq_close(pub);
        return rc;
    }
    /* The PUB is never read: it is watched only so it closes in order. */
    rc = zsock_watch(&s->pub, s->loop, pub, s_on_nothing, s);
    return rc;
}

static void s_publish(sync_server_t *s);

static void s_server_pump_all(sync_server_t *s)
{
    uint64_t now = sync_net_now_ms();
    for (size_t i = 0; i < s->n_peers; i++)
        sync_peer_pump(s->peers[i]->peer, now);
    s_publish(s);
}

typedef struct s_pub_ctx {
    sync_server_t *s;
    void *sock;
} s_pub_ctx_t;

static int s_pub_one(const event_ref_t *ev, void *arg)
{
    s_pub_ctx_t *c = arg;
    char topic[SYNC_TOPIC_MAX];
    topic[0] = '\0';
    if (!c->s->pol.fanout(c->s->pol.arg, ev, topic))
        return 0;
    /* Best effort: a full queue drops the publication; the reliable
     * exchange still carries the event. */
    if (zmq_send(c->sock, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) >=
        0)
        zmq_send(c->sock, ev->bytes, ev->len, ZMQ_DONTWAIT);
    return 0;
}

static void s_publish(sync_server_t *s)
{
    uint64_t top = event_log_last_position(s->log);
    if (!s->pol.fanout || !s->pub) {
        s->published = top;
        return;
    }
    if (s->published >= top)
        return;
    s_pub_ctx_t c = {s, zsock_socket(s->pub)};
    uint64_t last = s->published;
    event_log_changes(s->log, s->published, SYNC_NET_PUB_MAX_PER_TICK, NULL, NULL,
                      s_pub_one, &c, &last);
    s->published = last;
}

/* Drops agents whose enrollment was revoked; if any had a session, closes
 * and rebinds the sockets, which cuts every connection. */
static void s_check_revoked(sync_server_t *s)
{
    s_enroll_reload(s, false);
    bool cut = s->cut_pending;
    s->cut_pending = false;
    for (size_t i = 0; i < s->n_peers;) {
        const enroll_entry_t *e = enroll_find_name(&s->enrolled,
                                                   s->peers[i]->name);
        if (e && !e->revoked) {
            i++;
            continue;
        }
        s_peer_free(&s->peers[i]);
        s->peers[i] = s->peers[--s->n_peers];
        cut = true;
    }
    if (!cut)
        return;
    zsock_close(&s->router);
    zsock_close(&s->pub);
    /* Every connection is cut: the remaining agents open new sessions. */
    for (size_t i = 0; i < s->n_peers; i++)
        sync_peer_reset(s->peers[i]->peer);
}

/* Someone committed to the store: send what is new at once. */
static void s_on_store_change(void *arg)
{
    sync_server_t *s = arg;
    uint64_t before = event_log_last_position(s->log);
    event_log_refresh(s->log);
    if (event_log_last_position(s->log) == before || !s->router)
        return;
    s_server_pump_all(s);
    zsock_drain(s->router);
}

static void s_on_server_tick(uv_timer_t *t)
{
    sync_server_t *s = t->data;
    uint64_t now = sync_net_now_ms();
    if (now - s->enroll_checked >= SYNC_NET_ENROLL_CHECK_MS) {
        s->enroll_checked = now;
        s_check_revoked(s);
    }
    if (!s->router) {
        /* Rebinding right after a close can find the port still held by
         * ZeroMQ's I/O thread for a moment: try again next tick. */
        if (s_server_bind(s) != 0) {
            zsock_close(&s->router);
            zsock_close(&s->pub);
            return;
        }
    }
    event_log_refresh(s->log);
    for (size_t i = 0; i < s->n_peers; i++)
        sync_peer_tick(s->peers[i]->peer, now);
    s_server_pump_all(s);
    zsock_drain(s->router);
    zsock_drain(s->zap);
}

int sync_server_new(sync_server_t **out, runloop_t *rl, event_log_t *log,
                    const node_identity_t *id, const sync_policy_t *policy,
                    const sync_net_opts_t *opts)
{
    *out = NULL;
    if (!opts->endpoint || !opts->pub_endpoint || !opts->enroll_dir)
        return XY_EINVAL;
    sync_server_t *s = xcalloc(1, sizeof *s);
    s->loop = runloop_loop(rl);
    s->log = log;
    s->id = *id;
    if (policy)
        s->pol = *policy;
    s->o = *opts;
    s->endpoint = xstrdup(opts->endpoint);
    s->pub_endpoint = xstrdup(opts->pub_endpoint);
    s->enroll_dir = xstrdup(opts->enroll_dir);
    s->published = event_log_last_position(log);
    s_enroll_reload(s, true);
    s->ctx = zmq_ctx_new();
    int rc = s->ctx ? 0 : XY_ENET;
    /* The ZAP handler exists before anything binds: with none, CURVE
     * would admit any key. */
    void *zap = rc ? NULL : zmq_socket(s->ctx, ZMQ_REP);
    if (!rc && (!zap || sync_net_setopt_int(zap, ZMQ_LINGER, 0) ||
                zmq_bind(zap, SYNC_NET_ZAP_ENDPOINT) != 0))
        rc = XY_ENET;
    if (!rc)
        rc = zsock_watch(&s->zap, s->loop, zap, s_on_zap, s);
    else if (zap)
        zmq_close(zap);
    if (!rc)
        rc = s_server_bind(s);
    if (!rc) {
        uv_timer_init(s->loop, &s->timer);
        s->timer_started = true;
        s->watch = sync_watch_store(s->loop, log, s_on_store_change, s);
        s->timer.data = s;
        uint64_t tick = opts->tick_ms ? opts->tick_ms : SYNC_NET_TICK_DEFAULT_MS;
        uv_timer_start(&s->timer, s_on_server_tick, tick, tick);
    }
    if (rc) {
        sync_server_destroy(&s);
        return rc;
    }
    *out = s;
    return 0;
}

static void s_on_server_timer_closed(uv_handle_t *h)
{
    sync_server_t *s = h->data;
    free(s);
}

void sync_server_destroy(sync_server_t **sp)
{
    if (!sp || !*sp)
        return;
    sync_server_t *s = *sp;
    *sp = NULL;
    for (size_t i = 0; i < s->n_peers; i++)
        s_peer_free(&s->peers[i]);
    free(s->peers);
    sync_watch_close(&s->watch);
    zsock_close(&s->router);
    zsock_close(&s->pub);
    zsock_close(&s->zap);
    enroll_list_free(&s->enrolled);
    identity_wipe(&s->id);
    free(s->endpoint);
    free(s->pub_endpoint);
    free(s->enroll_dir);
    /* zmq_ctx_term waits for sockets the loop has not closed yet; shutdown
     * makes their blocking calls return, and the context is terminated
     * once the loop has run the close callbacks (runloop_destroy). */
    if (s->ctx)
        sync_net_ctx_reap(s->loop, s->ctx);
    if (s->timer_started) {
        uv_timer_stop(&s->timer);
        uv_close((uv_handle_t *)&s->timer, s_on_server_timer_closed);
    } else {
        free(s);
    }
}

size_t sync_server_sessions(const sync_server_t *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_peers; i++)
        n += sync_peer_state(s->peers[i]->peer) == SYNC_ACTIVE;
    return n;
}

const sync_stats_t *sync_server_peer_stats(const sync_server_t *s,
                                           const char *name)
{
    s_speer_t *sp = s_peer_find((sync_server_t *)s, name);
    return sp ? sync_peer_stats(sp->peer) : NULL;
}

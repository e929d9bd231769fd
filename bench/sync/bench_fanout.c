/* Part 3 of bench_sync: order fan-out latency to 200 connected agents on
 * loopback. 200 processes would swamp two cores, so the agents are 200
 * sync clients (core/sync_net.h) on one loop in this process, each with its
 * own store, node id and CURVE key, enrolled at a real coordinator process
 * (default timers). This process writes each DeploymentOrdered into the
 * coordinator's store beside the daemon, as `xinyuan-coordinator order`
 * does, and times from the commit to the event being stored in each
 * agent's store (both clocks CLOCK_MONOTONIC here; agent stores checked
 * every millisecond). Baseline in the same run: a message from a plain
 * ZeroMQ PUB to 200 SUB sockets in this process, no CURVE, no store. */
#include "bench/sync/bench_sync.h"
#include "common/xy_error.h"
#include "core/enroll.h"
#include "core/identity.h"
#include "core/runloop.h"
#include "core/sync_net.h"
#include "domain/sync_policy.h"
#include "tests/sync/sync_events.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zmq.h>

#define S_AGENTS 200
#define S_ROUND_MAX_MS 5000

typedef struct s_agent {
    node_identity_t id;    /* its node id and CURVE keys */
    event_log_t *log;      /* its store */
    sync_client_t *client; /* its sync client */
    uint64_t base;         /* store position before the round's order */
    bool got;              /* the round's order is stored */
} s_agent_t;

typedef struct s_fan {
    runloop_t *rl;
    s_agent_t *a;
    event_log_t *coord_log; /* the coordinator's store, beside the daemon */
    sync_policy_t policy;
    int rounds, round;   /* rounds to run, current (-1: connecting) */
    uint64_t rng;        /* event generator state */
    uint64_t t_write_us; /* the round's commit */
    uint64_t next_ms;    /* when the next round starts */
    uint64_t end_ms;     /* hard end of the part's loop */
    double *lat_ms;      /* every agent's latency, every round */
    double *spread_ms;   /* the same, less the round's first agent's */
    double first_ms;     /* the round's first agent's latency */
    size_t n_lat, missed;
    int got; /* agents that have the round's order */
} s_fan_t;

static int s_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double s_pct(double *v, size_t n, double p)
{
    if (!n)
        return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static void s_print(const char *what, double *v, size_t n, size_t missed)
{
    qsort(v, n, sizeof *v, s_cmp);
    printf("   %-46s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (%zu samples"
           ", %zu missed)\n",
           what, s_pct(v, n, 0.5), s_pct(v, n, 0.99), n ? v[n - 1] : 0, n,
           missed);
}

/* ------------------------------------------------ baseline: PUB -> SUB */

static void s_baseline(int rounds)
{
    void *ctx = zmq_ctx_new();
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 4096);
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    char ep[64];
    size_t eplen = sizeof ep;
    int hwm = 100000;
    zmq_setsockopt(pub, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (zmq_bind(pub, "tcp://127.0.0.1:*") ||
        zmq_getsockopt(pub, ZMQ_LAST_ENDPOINT, ep, &eplen))
        bs_die("baseline: PUB bind: %s", zmq_strerror(errno));
    void **sub = calloc(S_AGENTS, sizeof *sub);
    zmq_pollitem_t *pi = calloc(S_AGENTS, sizeof *pi);
    for (int i = 0; i < S_AGENTS; i++) {
        sub[i] = zmq_socket(ctx, ZMQ_SUB);
        zmq_setsockopt(sub[i], ZMQ_SUBSCRIBE, "", 0);
        if (zmq_connect(sub[i], ep))
            bs_die("baseline: SUB connect: %s", zmq_strerror(errno));
        pi[i] = (zmq_pollitem_t){.socket = sub[i], .events = ZMQ_POLLIN};
    }
    double *lat = calloc((size_t)rounds * S_AGENTS, sizeof *lat);
    size_t n = 0, missed = 0;
    /* Warm-up: publish until every subscriber has received something, so
     * the rounds see connected subscriptions only. */
    bool *ok = calloc(S_AGENTS, sizeof *ok);
    int nok = 0;
    uint64_t end = bs_now_ms() + 20000;
    char buf[64];
    while (nok < S_AGENTS && bs_now_ms() < end) {
        zmq_send(pub, "warm", 4, 0);
        zmq_poll(pi, S_AGENTS, 20);
        for (int i = 0; i < S_AGENTS; i++)
            while (zmq_recv(sub[i], buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
                if (!ok[i]) {
                    ok[i] = true;
                    nok++;
                }
    }
    bs_sleep_ms(100);
    for (int i = 0; i < S_AGENTS; i++)
        while (zmq_recv(sub[i], buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
            ;
    bs_say("fanout: baseline: %d of %d SUBs receiving; %d rounds", nok,
           S_AGENTS, rounds);
    for (int r = 0; r < rounds; r++) {
        memset(ok, 0, S_AGENTS * sizeof *ok);
        nok = 0;
        uint64_t t0 = bs_now_us();
        zmq_send(pub, "order", 5, 0);
        while (nok < S_AGENTS && bs_now_us() - t0 < 2000000) {
            zmq_poll(pi, S_AGENTS, 10);
            uint64_t t = bs_now_us();
            for (int i = 0; i < S_AGENTS; i++)
                if (!ok[i] &&
                    zmq_recv(sub[i], buf, sizeof buf, ZMQ_DONTWAIT) >= 0) {
                    ok[i] = true;
                    nok++;
                    lat[n++] = (double)(t - t0) / 1000.0;
                }
        }
        missed += (size_t)(S_AGENTS - nok);
        bs_sleep_ms(50);
    }
    s_print("baseline: ZeroMQ PUB -> 200 SUB, plain TCP", lat, n, missed);
    for (int i = 0; i < S_AGENTS; i++)
        zmq_close(sub[i]);
    zmq_close(pub);
    zmq_ctx_term(ctx);
    free(sub);
    free(pi);
    free(lat);
    free(ok);
}

/* ------------------------------------------------ the real fan-out */

static void s_write_order(s_fan_t *f)
{
    uint8_t inc[XY_ID_LEN] = {0x17, 0x09};
    xs_event_t e;
    xs_event_make(&e, XS_ORDER, &f->rng, inc);
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = &e.ev};
    for (int i = 0; i < S_AGENTS; i++) {
        f->a[i].base = event_log_last_position(f->a[i].log);
        f->a[i].got = false;
    }
    f->got = 0;
    int rc = event_log_write(f->coord_log, &w, 1, NULL);
    if (rc || w.status)
        bs_die("writing an order: %s", xy_strerror(rc ? rc : w.status));
    f->t_write_us = bs_now_us();
}

static void s_tick(void *arg)
{
    s_fan_t *f = arg;
    uint64_t now = bs_now_ms();
    if (now >= f->end_ms) {
        bs_say("fanout: hard end of the loop reached");
        runloop_stop(f->rl);
        return;
    }
    if (f->round < 0) {
        int active = 0;
        for (int i = 0; i < S_AGENTS; i++)
            active += sync_client_state(f->a[i].client) == SYNC_ACTIVE;
        if (now >= f->next_ms) {
            bs_say("fanout: %d of %d agents have a session", active, S_AGENTS);
            f->next_ms = now + 2000;
            if (active == S_AGENTS) {
                /* Sessions are up; give the SUB connections a moment. */
                f->round = 0;
                f->next_ms = now + 2000;
            }
        }
        return;
    }
    if (f->t_write_us) {
        uint64_t t = bs_now_us();
        for (int i = 0; i < S_AGENTS; i++) {
            s_agent_t *a = &f->a[i];
            if (!a->got && event_log_last_position(a->log) > a->base) {
                double ms = (double)(t - f->t_write_us) / 1000.0;
                if (f->got++ == 0)
                    f->first_ms = ms;
                a->got = true;
                f->spread_ms[f->n_lat] = ms - f->first_ms;
                f->lat_ms[f->n_lat++] = ms;
            }
        }
        bool timeout = t - f->t_write_us >= S_ROUND_MAX_MS * 1000ull;
        if (f->got < S_AGENTS && !timeout)
            return;
        f->missed += (size_t)(S_AGENTS - f->got);
        f->t_write_us = 0;
        f->round++;
        if (f->round % 5 == 0 || timeout)
            bs_say("fanout: round %d of %d done (%d agents)", f->round,
                   f->rounds, f->got);
        /* Rounds start off the coordinator's tick phase. */
        f->next_ms = now + 700 + xs_rand(&f->rng) % 300;
        if (f->round >= f->rounds)
            runloop_stop(f->rl);
        return;
    }
    if (now >= f->next_ms)
        s_write_order(f);
}

static void s_agents_new(s_fan_t *f, const bs_pair_t *coord)
{
    char dir[1024], path[1100], enrolled[700];
    snprintf(enrolled, sizeof enrolled, "%s/enrolled", coord->coord);
    for (int i = 0; i < S_AGENTS; i++) {
        s_agent_t *a = &f->a[i];
        snprintf(dir, sizeof dir, "%s/agent-%03d", bs_root, i);
        mkdir(dir, 0700);
        snprintf(path, sizeof path, "%s/node.key", dir);
        int rc = identity_create(path, &a->id);
        enroll_entry_t e = {0};
        snprintf(e.name, sizeof e.name, "agent-%03d", i);
        memcpy(e.node_id, a->id.node_id, 16);
        memcpy(e.public_key, a->id.public_key, 32);
        if (!rc)
            rc = enroll_put(enrolled, &e);
        snprintf(path, sizeof path, "%s/store", dir);
        mkdir(path, 0700);
        /* Not fsynced: 200 agents share one disk and one thread here,
         * where each real agent has its own. */
        event_log_opts_t lo = {.map_size = 8u << 20, .no_sync = true};
        if (!rc)
            rc = event_log_open(&a->log, path, a->id.node_id, &lo);
        if (rc)
            bs_die("agent %d: %s", i, xy_strerror(rc));
    }
}

static void s_clients_new(s_fan_t *f, const sync_net_opts_t *o)
{
    for (int i = 0; i < S_AGENTS; i++) {
        int rc = sync_client_new(&f->a[i].client, f->rl, f->a[i].log,
                                 &f->a[i].id, &f->policy, o);
        if (rc)
            bs_die("sync client %d: %s", i, xy_strerror(rc));
    }
}

int bs_part_fanout(bool quick)
{
    int rounds = quick ? 8 : 25;
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    printf("\n3. Order fan-out latency to %d agents on loopback (%d "
           "rounds)\n",
           S_AGENTS, rounds);
    bs_say("fanout: baseline ZeroMQ PUB/SUB");
    s_baseline(rounds);

    bs_pair_t p;
    memset(&p, 0, sizeof p);
    bs_say("fanout: coordinator and %d enrolled agents", S_AGENTS);
    snprintf(p.coord, sizeof p.coord, "%s/coordinator", bs_root);
    const char *ci[] = {XY_COORDINATOR_BIN, "-d", p.coord, "init", NULL};
    if (bs_run(NULL, 0, ci))
        bs_die("coordinator init failed");
    p.port = bs_free_port();
    do
        p.pub_port = bs_free_port();
    while (p.pub_port == p.port);
    char ep[64], pep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", p.port);
    snprintf(pep, sizeof pep, "tcp://127.0.0.1:%u", p.pub_port);
    bs_config_str(p.coord, "listen", ep);
    bs_config_str(p.coord, "publish", pep);
    char key[1024];
    snprintf(key, sizeof key, "%s/node.key", p.coord);
    node_identity_t cid;
    if (identity_load(key, &cid))
        bs_die("cannot read %s", key);

    s_fan_t f = {.rounds = rounds, .round = -1, .rng = 99};
    f.a = calloc(S_AGENTS, sizeof *f.a);
    f.lat_ms = calloc((size_t)rounds * S_AGENTS, sizeof *f.lat_ms);
    f.spread_ms = calloc((size_t)rounds * S_AGENTS, sizeof *f.spread_ms);
    domain_sync_policy(&f.policy);
    sync_net_opts_t o = {.endpoint = ep,
                         .pub_endpoint = pep,
                         .server_key = cid.public_key,
                         .peer_name = "coordinator"};
    o.scope.everything = true;
    s_agents_new(&f, &p);
    pid_t coord = bs_daemon(XY_COORDINATOR_BIN, p.coord, "fan-coordinator");
    f.coord_log = bs_store(p.coord, cid.node_id);
    if (runloop_new(&f.rl))
        bs_die("no loop");
    s_clients_new(&f, &o);
    f.next_ms = bs_now_ms() + 1000;
    f.end_ms = bs_now_ms() + (quick ? 60000 : 150000);
    runloop_every(f.rl, 1, s_tick, &f);
    bs_say("fanout: %d clients connecting", S_AGENTS);
    runloop_run(f.rl);
    char label[96];
    snprintf(label, sizeof label, "Xinyuan: commit -> stored at %d agents",
             S_AGENTS);
    size_t missed =
        f.missed + (size_t)(f.rounds - (f.round > 0 ? f.round : 0)) * S_AGENTS;
    s_print(label, f.lat_ms, f.n_lat, missed);
    s_print("  of which after the round's first agent had it", f.spread_ms,
            f.n_lat, missed);
    printf("   (coordinator defaults: sync_tick_ms 200, so a write by "
           "another process is seen within one tick; agent stores not "
           "fsynced)\n");
    for (int i = 0; i < S_AGENTS; i++)
        sync_client_destroy(&f.a[i].client);
    runloop_destroy(&f.rl);
    for (int i = 0; i < S_AGENTS; i++) {
        event_log_destroy(&f.a[i].log);
        identity_wipe(&f.a[i].id);
    }
    event_log_destroy(&f.coord_log);
    bs_stop(&coord);
    identity_wipe(&cid);
    free(f.a);
    free(f.lat_ms);
    free(f.spread_ms);
    return 0;
}

/* Part 2 of bench_sync: backlog drain goodput. A real coordinator and a
 * real agent (the installed daemons, default timers), the agent reaching
 * both coordinator sockets through xinyuan-linkem --rate R (both
 * directions shaped). The agent's store holds a backlog of TriageRecorded
 * events written before it starts, sized for a drain of about 30 s; the
 * drain is timed from the agent's start to the last event being stored at
 * the coordinator (read beside the daemon). Baseline in the same run: one
 * raw TCP stream through a linkem at the same rate. */
#include "bench/sync/bench_sync.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct s_rate {
    const char *text; /* linkem's --rate */
    double bytes_s;   /* the same in bytes per second */
    double margin;    /* wire bytes a record here / in a 1,000 batch */
} s_rate_t;

/* Sends bytes to 127.0.0.1:port; a child process, bounded by deadline. */
static void s_tcp_sender(uint16_t port, size_t bytes, uint64_t deadline)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in b = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s < 0 || connect(s, (struct sockaddr *)&b, sizeof b))
        _exit(1);
    static char chunk[16384];
    memset(chunk, 'x', sizeof chunk);
    size_t sent = 0;
    while (sent < bytes && bs_now_ms() < deadline) {
        struct pollfd pf = {.fd = s, .events = POLLOUT};
        if (poll(&pf, 1, 1000) <= 0)
            continue;
        size_t k = bytes - sent < sizeof chunk ? bytes - sent : sizeof chunk;
        ssize_t n = send(s, chunk, k, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            _exit(1);
        if (n > 0)
            sent += (size_t)n;
    }
    shutdown(s, SHUT_WR);
    _exit(sent == bytes ? 0 : 1);
}

/* Raw TCP through linkem at r: bytes per second received, 0 on failure. */
static double s_tcp_rate(const s_rate_t *r, double secs)
{
    size_t bytes = (size_t)(r->bytes_s * secs);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) ||
        getsockname(ls, (struct sockaddr *)&a, &alen) || listen(ls, 1))
        bs_die("raw TCP: cannot listen: %s", strerror(errno));
    pid_t lk = 0;
    char log[64];
    snprintf(log, sizeof log, "tcp-linkem-%s", r->text);
    uint16_t port = bs_linkem(log, ntohs(a.sin_port), r->text, &lk);
    uint64_t deadline = bs_now_ms() + (uint64_t)(secs * 2000) + 10000;
    pid_t tx = fork();
    if (tx == 0)
        s_tcp_sender(port, bytes, deadline);
    struct pollfd pf = {.fd = ls, .events = POLLIN};
    int c = poll(&pf, 1, 10000) == 1 ? accept(ls, NULL, NULL) : -1;
    static char buf[65536];
    size_t got = 0, step = bytes / 4;
    uint64_t t0 = 0, t1 = 0;
    while (c >= 0 && got < bytes && bs_now_ms() < deadline) {
        pf = (struct pollfd){.fd = c, .events = POLLIN};
        if (poll(&pf, 1, 5000) <= 0)
            break; /* five silent seconds: the link is stuck */
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0)
            break;
        if (!t0)
            t0 = bs_now_us();
        got += (size_t)n;
        t1 = bs_now_us();
        if (got >= step && step) {
            bs_say("goodput: raw TCP %s: %zu of %zu bytes", r->text, got,
                   bytes);
            step += bytes / 4;
        }
    }
    kill(tx, SIGKILL);
    waitpid(tx, NULL, 0);
    if (c >= 0)
        close(c);
    close(ls);
    uint64_t c2s, s2c;
    bs_linkem_stop(log, &lk, &c2s, &s2c);
    if (got < bytes) {
        bs_say("goodput: raw TCP %s got %zu of %zu bytes", r->text, got, bytes);
        return 0;
    }
    /* The first read is the first chunk: its bytes arrived before t0. */
    return t1 > t0 ? (double)got * 1e6 / (double)(t1 - t0) : 0;
}

typedef struct s_drain {
    int events;
    uint64_t payload;        /* packed event bytes of the backlog */
    double secs;             /* agent start to last event stored */
    double steady_secs;      /* first event stored to last */
    uint64_t steady_payload; /* payload stored after the first poll saw any */
    uint64_t c2s, s2c;       /* bytes through linkem, both sockets */
    bool complete;
} s_drain_t;

static void s_drain(const s_rate_t *r, int events, const char *name,
                    s_drain_t *d)
{
    bs_pair_t p;
    memset(d, 0, sizeof *d);
    d->events = events;
    bs_pair_init(&p, name);
    event_log_t *al = bs_store(p.agent, p.agent_id);
    bs_say("goodput: %s: writing a backlog of %d triage records", r->text,
           events);
    d->payload = bs_write_triage(al, events, 1);
    event_log_destroy(&al);
    char lr[64], lp[64];
    snprintf(lr, sizeof lr, "%s-linkem-router", name);
    snprintf(lp, sizeof lp, "%s-linkem-pub", name);
    pid_t lk_r = 0, lk_p = 0, coord = 0, agent = 0;
    uint16_t pr = bs_linkem(lr, p.port, r->text, &lk_r);
    uint16_t pp = bs_linkem(lp, p.pub_port, r->text, &lk_p);
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", pr);
    bs_config_str(p.agent, "coordinator", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", pp);
    bs_config_str(p.agent, "coordinator_publish", ep);
    coord = bs_daemon(XY_COORDINATOR_BIN, p.coord, "gp-coordinator");
    event_log_t *cl = bs_store(p.coord, p.coord_id);
    double expect = (double)d->payload / r->bytes_s;
    uint64_t limit_ms = (uint64_t)(expect * 3000) + 30000;
    if (limit_ms > 120000)
        limit_ms = 120000;
    bs_say("goodput: %s: %llu payload bytes (%.0f s at the shaped rate if "
           "uncompressed); draining, at most %llu s",
           r->text, (unsigned long long)d->payload, expect,
           (unsigned long long)limit_ms / 1000);
    uint64_t t0 = bs_now_us(), t_first = 0, f_first = 0, f = 0;
    agent = bs_daemon(XY_AGENT_BIN, p.agent, "gp-agent");
    uint64_t end = bs_now_ms() + limit_ms, next_say = bs_now_ms() + 5000;
    while (bs_now_ms() < end) {
        event_log_refresh(cl);
        event_log_frontier(cl, p.agent_id, &f);
        if (f > 0 && !t_first) {
            t_first = bs_now_us();
            f_first = f;
        }
        if (f >= (uint64_t)events)
            break;
        if (bs_now_ms() >= next_say) {
            bs_say("goodput: %s: %llu of %d stored at the coordinator", r->text,
                   (unsigned long long)f, events);
            next_say += 5000;
        }
        bs_sleep_ms(20);
    }
    uint64_t t1 = bs_now_us();
    d->complete = f >= (uint64_t)events;
    d->secs = (double)(t1 - t0) / 1e6;
    d->steady_secs = t_first ? (double)(t1 - t_first) / 1e6 : 0;
    d->steady_payload = d->payload * (f - f_first) / (uint64_t)events;
    bs_stop(&agent);
    uint64_t c2s, s2c;
    bs_linkem_stop(lr, &lk_r, &d->c2s, &d->s2c);
    bs_linkem_stop(lp, &lk_p, &c2s, &s2c);
    d->c2s += c2s;
    d->s2c += s2c;
    bs_stop(&coord);
    event_log_destroy(&cl);
    bs_say("goodput: %s: %s, %llu of %d in %.1f s", r->text,
           d->complete ? "drained" : "NOT drained", (unsigned long long)f,
           events, d->secs);
}

static void s_one(const s_rate_t *r, double per_record, double secs)
{
    /* Sized from the wire bytes of one large batch, times a margin for
     * the smaller batches (compressing less well) a thin link's window
     * allows. */
    int events = (int)(r->bytes_s * secs / (per_record * r->margin));
    if (events < 100)
        events = 100;
    s_drain_t d;
    char name[32];
    snprintf(name, sizeof name, "gp-%s", r->text);
    s_drain(r, events, name, &d);
    bs_say("goodput: %s: raw TCP baseline for about %.0f s", r->text, secs / 2);
    double tcp = s_tcp_rate(r, secs / 2);
    double wire = d.secs > 0 ? (double)d.c2s / d.secs : 0;
    double pay = d.secs > 0 ? (double)d.payload / d.secs : 0;
    double steady =
        d.steady_secs > 0 ? (double)d.steady_payload / d.steady_secs : 0;
    printf("   %-7s %6d events, %8llu payload B, %s in %5.1f s; wire up "
           "%8llu B (%.1f B an event), down %6llu B\n",
           r->text, events, (unsigned long long)d.payload,
           d.complete ? "drained" : "NOT DRAINED", d.secs,
           (unsigned long long)d.c2s, (double)d.c2s / events,
           (unsigned long long)d.s2c);
    printf("   %-7s wire utilisation %.2f of rate (%.0f B/s); payload "
           "goodput %.2f of rate (%.0f B/s; %.2f after the first batch "
           "landed)\n",
           "", wire / r->bytes_s, wire, pay / r->bytes_s, pay,
           steady / r->bytes_s);
    printf("   %-7s raw TCP baseline %.2f of rate (%.0f B/s); sync wire / "
           "raw TCP %.2f; target >= 0.9 of rate (wire): %s\n",
           "", tcp / r->bytes_s, tcp, tcp > 0 ? wire / tcp : 0,
           d.complete && wire / r->bytes_s >= 0.9 ? "met" : "NOT met");
}

int bs_part_goodput(bool quick)
{
    double secs = quick ? 12 : 30;
    double per = bs_wire_per_record();
    bs_say("goodput: %.1f wire bytes a record in a large batch", per);
    printf("\n2. Backlog drain through xinyuan-linkem (both directions "
           "shaped; real coordinator and agent, default timers)\n");
    printf("   wire = TCP payload bytes through linkem (ZMTP+CURVE+frames, "
           "both sockets); payload = packed events stored / drain time\n");
    static const s_rate_t rates[] = {{"64kbit", 8000, 1.6},
                                     {"1mbit", 125000, 1.2}};
    for (size_t i = 0; i < 2; i++)
        s_one(&rates[i], per, secs);
    return 0;
}

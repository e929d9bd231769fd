/* Tests of the link emulator (drills/linkem), in-process: a libuv echo
 * server on 127.0.0.1, the emulator in front of it and a libuv client, all
 * on one loop created inside each test. Every loop is run in bounded steps
 * and closed at the end with nothing left open. Timing assertions are
 * generous bounds on the emulator's own behaviour, never on speed. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <uv.h>

#include "common/xy_error.h"
#include "drills/linkem/flap.h"
#include "drills/linkem/linkem.h"
#include "drills/linkem/schedule.h"

/* ---- echo server ------------------------------------------------------ */

typedef struct echo_conn {
    uv_tcp_t tcp;
    struct echo *echo;
    struct echo_conn *next;
    char buf[65536];
} echo_conn_t;

typedef struct echo {
    uv_tcp_t listener;
    uint16_t port;
    int accepted; /* connections accepted */
    int live;     /* connections not yet closed */
    int errors;   /* connections ended by a read error (reset) */
    echo_conn_t *conns;
} echo_t;

typedef struct echo_write {
    uv_write_t req;
    char data[];
} echo_write_t;

static void echo_on_close(uv_handle_t *h)
{
    echo_conn_t *c = h->data;
    echo_conn_t **pp = &c->echo->conns;
    while (*pp != c)
        pp = &(*pp)->next;
    *pp = c->next;
    c->echo->live--;
    free(c);
}

static void echo_on_write(uv_write_t *req, int status)
{
    (void)status;
    free(req);
}

static void echo_on_shutdown(uv_shutdown_t *req, int status)
{
    (void)status;
    if (!uv_is_closing((uv_handle_t *)req->handle))
        uv_close((uv_handle_t *)req->handle, echo_on_close);
    free(req);
}

static void echo_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    echo_conn_t *c = h->data;
    (void)hint;
    *buf = uv_buf_init(c->buf, sizeof(c->buf));
}

static void echo_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    echo_conn_t *c = s->data;
    if (n == UV_EOF) {
        uv_shutdown_t *sreq = malloc(sizeof(*sreq));
        uv_read_stop(s);
        if (uv_shutdown(sreq, s, echo_on_shutdown) != 0) {
            free(sreq);
            uv_close((uv_handle_t *)s, echo_on_close);
        }
        return;
    }
    if (n < 0) {
        c->echo->errors++;
        uv_close((uv_handle_t *)s, echo_on_close);
        return;
    }
    if (n == 0)
        return;
    echo_write_t *w = malloc(sizeof(*w) + (size_t)n);
    memcpy(w->data, buf->base, (size_t)n);
    uv_buf_t out = uv_buf_init(w->data, (unsigned)n);
    if (uv_write(&w->req, s, &out, 1, echo_on_write) != 0)
        free(w);
}

static void echo_on_connection(uv_stream_t *l, int status)
{
    echo_t *e = l->data;
    if (status < 0)
        return;
    echo_conn_t *c = calloc(1, sizeof(*c));
    c->echo = e;
    uv_tcp_init(l->loop, &c->tcp);
    c->tcp.data = c;
    c->next = e->conns;
    e->conns = c;
    e->live++;
    if (uv_accept(l, (uv_stream_t *)&c->tcp) != 0) {
        uv_close((uv_handle_t *)&c->tcp, echo_on_close);
        return;
    }
    e->accepted++;
    uv_read_start((uv_stream_t *)&c->tcp, echo_alloc, echo_on_read);
}

static void echo_start(echo_t *e, uv_loop_t *loop)
{
    struct sockaddr_in addr;
    struct sockaddr_storage bound;
    int len = sizeof(bound);

    memset(e, 0, sizeof(*e));
    cr_assert_eq(uv_tcp_init(loop, &e->listener), 0);
    e->listener.data = e;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    cr_assert_eq(uv_tcp_bind(&e->listener, (struct sockaddr *)&addr, 0), 0);
    cr_assert_eq(uv_listen((uv_stream_t *)&e->listener, 16, echo_on_connection),
                 0);
    uv_tcp_getsockname(&e->listener, (struct sockaddr *)&bound, &len);
    e->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
}

static void echo_stop(echo_t *e)
{
    uv_close((uv_handle_t *)&e->listener, NULL);
    for (echo_conn_t *c = e->conns; c; c = c->next) {
        if (!uv_is_closing((uv_handle_t *)&c->tcp))
            uv_close((uv_handle_t *)&c->tcp, echo_on_close);
    }
}

/* ---- client ----------------------------------------------------------- */

typedef struct client {
    uv_tcp_t tcp;
    uv_connect_t creq;
    uv_write_t wreq;
    uv_shutdown_t sreq;
    const unsigned char *data; /* what to send, borrowed */
    size_t len;
    bool half_close;     /* shut down writing once all is sent */
    size_t got;          /* bytes received */
    unsigned char *recv; /* received bytes, len of them at most */
    int connect_status;
    int end; /* 0 running, 1 EOF, or the read error */
    uint64_t t_start_ms, t_first_ms, t_full_ms;
    bool closed;
} client_t;

static uint64_t now_ms(void)
{
    return uv_hrtime() / 1000000u;
}

static void client_on_close(uv_handle_t *h)
{
    client_t *c = h->data;
    c->closed = true;
}

static void client_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
    static char scratch[65536];
    (void)h;
    (void)hint;
    *buf = uv_buf_init(scratch, sizeof(scratch));
}

static void client_on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    client_t *c = s->data;
    if (n < 0) {
        c->end = n == UV_EOF ? 1 : (int)n;
        uv_read_stop(s);
        return;
    }
    if (n == 0)
        return;
    if (c->got == 0)
        c->t_first_ms = now_ms();
    size_t room = c->len - (c->got < c->len ? c->got : c->len);
    memcpy(c->recv + (c->len - room), buf->base,
           (size_t)n < room ? (size_t)n : room);
    c->got += (size_t)n;
    if (c->got >= c->len && !c->t_full_ms)
        c->t_full_ms = now_ms();
}

static void client_on_shutdown(uv_shutdown_t *req, int status)
{
    (void)req;
    (void)status;
}

static void client_on_write(uv_write_t *req, int status)
{
    client_t *c = req->data;
    if (status == 0 && c->half_close)
        uv_shutdown(&c->sreq, (uv_stream_t *)&c->tcp, client_on_shutdown);
}

static void client_on_connect(uv_connect_t *req, int status)
{
    client_t *c = req->data;
    c->connect_status = status;
    if (status < 0) {
        c->end = status;
        return;
    }
    uv_read_start((uv_stream_t *)&c->tcp, client_alloc, client_on_read);
    if (c->len) {
        uv_buf_t b = uv_buf_init((char *)c->data, (unsigned)c->len);
        c->wreq.data = c;
        uv_write(&c->wreq, (uv_stream_t *)&c->tcp, &b, 1, client_on_write);
    }
}

static void client_start(client_t *c, uv_loop_t *loop, uint16_t port,
                         const unsigned char *data, size_t len)
{
    struct sockaddr_in addr;
    memset(c, 0, sizeof(*c));
    c->data = data;
    c->len = len;
    c->recv = calloc(1, len ? len : 1);
    uv_tcp_init(loop, &c->tcp);
    c->tcp.data = c;
    c->creq.data = c;
    uv_ip4_addr("127.0.0.1", port, &addr);
    c->t_start_ms = now_ms();
    cr_assert_eq(uv_tcp_connect(&c->creq, &c->tcp, (struct sockaddr *)&addr,
                                client_on_connect),
                 0);
}

static void client_stop(client_t *c)
{
    if (!uv_is_closing((uv_handle_t *)&c->tcp))
        uv_close((uv_handle_t *)&c->tcp, client_on_close);
}

/* ---- loop helpers ----------------------------------------------------- */

static void tick(uv_timer_t *t)
{
    (void)t;
}

/* Runs the loop until cond(arg) holds or timeout_ms pass; returns cond. */
static bool run_until(uv_loop_t *loop, bool (*cond)(void *), void *arg,
                      uint64_t timeout_ms)
{
    uv_timer_t t;
    uint64_t end = now_ms() + timeout_ms;
    bool ok = cond ? cond(arg) : false;

    uv_timer_init(loop, &t);
    uv_timer_start(&t, tick, 5, 5);
    for (int i = 0; i < 1000000 && !ok && now_ms() < end; i++) {
        uv_run(loop, UV_RUN_ONCE);
        ok = cond ? cond(arg) : false;
    }
    uv_close((uv_handle_t *)&t, NULL);
    uv_run(loop, UV_RUN_NOWAIT);
    return ok;
}

/* Runs the loop for about ms milliseconds. */
static void run_for(uv_loop_t *loop, uint64_t ms)
{
    run_until(loop, NULL, NULL, ms);
}

/* Lets close callbacks run and asserts the loop closes with nothing
 * open. */
static void close_loop(uv_loop_t *loop)
{
    for (int i = 0; i < 1000 && uv_loop_alive(loop); i++)
        uv_run(loop, UV_RUN_NOWAIT);
    cr_assert_eq(uv_loop_close(loop), 0, "handles left open on the loop");
}

static bool client_ended(void *arg)
{
    return ((client_t *)arg)->end != 0;
}

static bool client_full(void *arg)
{
    client_t *c = arg;
    return c->got >= c->len || c->end != 0;
}

/* A deterministic payload. */
static unsigned char *payload(size_t len, uint32_t seed)
{
    unsigned char *p = malloc(len);
    uint32_t x = seed ? seed : 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
    return p;
}

static uint64_t checksum(const unsigned char *p, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
}

TestSuite(linkem, .init = setup, .timeout = 60);

/* ---- usage ------------------------------------------------------------ */

Test(linkem, forwards_bytes_intact_without_shaping)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    linkem_stats_t st;
    size_t len = 1u << 20;
    unsigned char *data = payload(len, 7);

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    cr_assert_neq(linkem_port(lk), 0);

    client_start(&client, &loop, linkem_port(lk), data, len);
    client.half_close = true;
    cr_assert(run_until(&loop, client_ended, &client, 20000));

    cr_assert_eq(client.end, 1, "expected EOF, got %d", client.end);
    cr_assert_eq(client.got, len);
    cr_assert_eq(checksum(client.recv, len), checksum(data, len));
    linkem_stats(lk, &st);
    cr_assert_eq(st.bytes[LINKEM_C2S], len);
    cr_assert_eq(st.bytes[LINKEM_S2C], len);
    cr_assert_eq(st.connections, 1);
    cr_assert_eq(st.resets, 0);
    cr_assert_eq(st.queued, 0);

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    cr_assert_null(lk);
    linkem_destroy(&lk); /* twice is harmless */
    close_loop(&loop);
    free(client.recv);
    free(data);
}

Test(linkem, rate_limit_holds_64kbit_for_16KiB)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    size_t len = 16384;
    unsigned char *data = payload(len, 3);

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "localhost",
                           .target_port = echo.port,
                           .rate_bps = {64000, 64000}};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), data, len);
    cr_assert(run_until(&loop, client_full, &client, 10000));

    uint64_t took = client.t_full_ms - client.t_start_ms;
    cr_assert_eq(client.got, len);
    cr_assert_eq(checksum(client.recv, len), checksum(data, len));
    cr_assert_geq(took, 1800, "16 KiB at 64 kbit/s took only %llu ms",
                  (unsigned long long)took);
    cr_assert_leq(took, 4000, "16 KiB at 64 kbit/s took %llu ms",
                  (unsigned long long)took);

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
    free(data);
}

Test(linkem, latency_delays_each_direction)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    const unsigned char msg[] = "red flag: acknowledge";

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port,
                           .latency_ms = {200, 200}};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), msg, sizeof(msg));
    cr_assert(run_until(&loop, client_full, &client, 10000));

    uint64_t rtt = client.t_full_ms - client.t_start_ms;
    cr_assert_eq(client.got, sizeof(msg));
    cr_assert_eq(memcmp(client.recv, msg, sizeof(msg)), 0);
    cr_assert_geq(rtt, 400, "round trip %llu ms < 2 x 200 ms",
                  (unsigned long long)rtt);
    cr_assert_leq(rtt, 3000);

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
}

Test(linkem, latency_change_keeps_byte_order)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    size_t len = 256u << 10;
    unsigned char *data = payload(len, 11);

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port,
                           .latency_ms = {300, 0},
                           .rate_bps = {8000000, 0}};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), data, len);
    run_for(&loop, 100);
    /* Later bytes would be due before earlier ones: order must hold. */
    cr_assert_eq(linkem_set_latency(lk, 0, 0), 0);
    cr_assert(run_until(&loop, client_full, &client, 10000));

    cr_assert_eq(client.got, len);
    cr_assert_eq(checksum(client.recv, len), checksum(data, len));

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
    free(data);
}

Test(linkem, down_link_delivers_nothing_until_up)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    linkem_stats_t st;
    size_t len = 4096;
    unsigned char *data = payload(len, 5);

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port,
                           .start_down = true};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    cr_assert_not(linkem_is_up(lk));
    client_start(&client, &loop, linkem_port(lk), data, len);
    run_for(&loop, 500);

    linkem_stats(lk, &st);
    cr_assert_eq(client.connect_status, 0, "accepted while down");
    cr_assert_eq(st.connections, 1);
    cr_assert_eq(client.got, 0, "%zu bytes crossed a down link", client.got);
    cr_assert_eq(echo.accepted, 0, "the target was dialled while down");
    cr_assert_eq(st.bytes[LINKEM_C2S], 0);
    cr_assert_eq(st.queued, len, "held data is queued");

    linkem_set_up(lk, true);
    cr_assert(run_until(&loop, client_full, &client, 10000));
    cr_assert_eq(client.got, len);
    cr_assert_eq(checksum(client.recv, len), checksum(data, len));
    cr_assert_eq(echo.accepted, 1);

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
    free(data);
}

Test(linkem, going_down_holds_data_of_a_live_connection)
{
    uv_loop_t loop;
    echo_t echo;
    client_t first, second;
    linkem_t *lk = NULL;
    const unsigned char a[] = "first", b[] = "second";

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&first, &loop, linkem_port(lk), a, sizeof(a));
    cr_assert(run_until(&loop, client_full, &first, 5000));
    cr_assert_eq(first.got, sizeof(a));

    linkem_set_up(lk, false);
    /* Same connection, more data: write it on the live socket. */
    uv_write_t w;
    uv_buf_t buf = uv_buf_init((char *)b, sizeof(b));
    cr_assert_eq(uv_write(&w, (uv_stream_t *)&first.tcp, &buf, 1, NULL), 0);
    client_start(&second, &loop, linkem_port(lk), b, sizeof(b));
    run_for(&loop, 400);
    cr_assert_eq(first.got, sizeof(a), "data crossed a down link");
    cr_assert_eq(second.got, 0);

    linkem_set_up(lk, true);
    cr_assert(run_until(&loop, client_full, &second, 5000));
    run_for(&loop, 50);
    cr_assert_eq(second.got, sizeof(b));
    cr_assert_eq(first.got, sizeof(a) + sizeof(b));
    cr_assert_eq(first.end, 0, "the live connection survived");

    client_stop(&first);
    client_stop(&second);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(first.recv);
    free(second.recv);
}

Test(linkem, reset_makes_client_see_connection_reset)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    linkem_stats_t st;
    const unsigned char msg[] = "hello";

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), msg, sizeof(msg));
    cr_assert(run_until(&loop, client_full, &client, 5000));
    cr_assert_eq(client.end, 0);

    linkem_reset(lk);
    cr_assert(run_until(&loop, client_ended, &client, 5000));
    cr_assert(client.end == UV_ECONNRESET || client.end == 1, "client saw %s",
              uv_err_name(client.end));
    linkem_stats(lk, &st);
    cr_assert_eq(st.resets, 1);
    run_for(&loop, 100);
    linkem_stats(lk, &st);
    cr_assert_eq(st.active, 0);
    cr_assert_eq(echo.live, 0, "the server side was aborted too");

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
}

Test(linkem, refuse_mode_resets_connections_while_down)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    linkem_stats_t st;
    const unsigned char msg[] = "hello";

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port,
                           .start_down = true,
                           .down_mode = LINKEM_DOWN_REFUSE};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), msg, sizeof(msg));
    cr_assert(run_until(&loop, client_ended, &client, 5000));

    cr_assert(client.end == UV_ECONNRESET || client.end == 1, "client saw %s",
              uv_err_name(client.end));
    cr_assert_eq(client.got, 0);
    cr_assert_eq(echo.accepted, 0);
    linkem_stats(lk, &st);
    cr_assert_eq(st.resets, 1);

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
}

Test(linkem, unreachable_target_resets_client)
{
    uv_loop_t loop;
    client_t client;
    linkem_t *lk = NULL;
    linkem_stats_t st;
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t alen = sizeof(addr);
    const unsigned char msg[] = "x";

    /* A bound socket that never listens: connecting to it is refused. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    getsockname(fd, (struct sockaddr *)&addr, &alen);

    uv_loop_init(&loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = ntohs(addr.sin_port)};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), msg, sizeof(msg));
    cr_assert(run_until(&loop, client_ended, &client, 5000));
    cr_assert(client.end == UV_ECONNRESET || client.end == 1);
    linkem_stats(lk, &st);
    cr_assert_eq(st.connect_failures, 1);

    client_stop(&client);
    linkem_destroy(&lk);
    close_loop(&loop);
    close(fd);
    free(client.recv);
}

Test(linkem, full_queue_stops_reading_from_the_sender)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    linkem_stats_t st;
    size_t len = 16u << 20;
    unsigned char *data = payload(len, 9);

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port,
                           .start_down = true,
                           .conn_cap = LINKEM_CONN_CAP_MIN};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    client_start(&client, &loop, linkem_port(lk), data, len);
    run_for(&loop, 300);

    linkem_stats(lk, &st);
    cr_assert_gt(st.queued, 0);
    cr_assert_leq(st.queued, LINKEM_CONN_CAP_MIN, "queued %llu",
                  (unsigned long long)st.queued);

    linkem_set_up(lk, true);
    cr_assert(run_until(&loop, client_full, &client, 30000));
    cr_assert_eq(client.got, len);
    cr_assert_eq(checksum(client.recv, len), checksum(data, len));

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
    free(data);
}

Test(linkem, schedule_runs_steps_at_their_times)
{
    uv_loop_t loop;
    echo_t echo;
    client_t client;
    linkem_t *lk = NULL;
    linkem_schedule_t *s = NULL;
    linkem_stats_t st;
    const char text[] = "0 down\n300ms up latency=50ms\n";
    const unsigned char msg[] = "order 17";

    uv_loop_init(&loop);
    echo_start(&echo, &loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1",
                           .target_port = echo.port};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    cr_assert_eq(linkem_schedule_parse(&s, text, strlen(text), NULL, 0), 0);
    cr_assert_eq(linkem_run_schedule(lk, &s), 0);
    cr_assert_null(s);
    cr_assert_not(linkem_is_up(lk), "a 0 ms step applies at once");

    client_start(&client, &loop, linkem_port(lk), msg, sizeof(msg));
    cr_assert(run_until(&loop, client_full, &client, 5000));
    uint64_t took = client.t_full_ms - client.t_start_ms;
    cr_assert_geq(took, 280, "delivered after %llu ms, link was down",
                  (unsigned long long)took);
    cr_assert_leq(took, 3000);
    cr_assert(linkem_is_up(lk));
    linkem_stats(lk, &st);
    cr_assert_eq(st.steps, 2);

    client_stop(&client);
    echo_stop(&echo);
    linkem_destroy(&lk);
    close_loop(&loop);
    free(client.recv);
}

/* Records the steps applied by flapping. */
typedef struct step_log {
    linkem_step_t steps[64];
    size_t n;
} step_log_t;

static void log_step(void *arg, const linkem_step_t *step)
{
    step_log_t *log = arg;
    if (log->n < 64)
        log->steps[log->n++] = *step;
}

Test(linkem, flapping_applies_the_seeded_sequence)
{
    uv_loop_t loop;
    linkem_t *lk = NULL;
    linkem_schedule_t *expect = NULL;
    step_log_t log = {.n = 0};
    linkem_flap_t flap = {
        .mean_up_ms = 60, .mean_down_ms = 40, .reset_prob = 0.5, .seed = 42};

    uv_loop_init(&loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1", .target_port = 9};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), 0);
    linkem_on_step(lk, log_step, &log);
    cr_assert_eq(linkem_run_flap(lk, &flap), 0);
    run_for(&loop, 800);
    linkem_stop_schedule(lk);

    cr_assert_geq(log.n, 4, "only %zu steps in 800 ms", log.n);
    cr_assert_eq(linkem_flap_schedule(&expect, &flap, 60000), 0);
    for (size_t i = 0; i < log.n; i++) {
        const linkem_step_t *e = linkem_schedule_step(expect, i);
        cr_assert_eq(log.steps[i].at_ms, e->at_ms, "step %zu", i);
        cr_assert_eq(log.steps[i].what, e->what, "step %zu", i);
    }

    linkem_schedule_destroy(&expect);
    linkem_destroy(&lk);
    close_loop(&loop);
}

Test(linkem, only_loopback_targets_are_accepted)
{
    uv_loop_t loop;
    linkem_t *lk = NULL;
    struct sockaddr_storage ss;

    cr_assert_eq(linkem_target_resolve("127.0.0.1", 80, &ss), 0);
    cr_assert_eq(linkem_target_resolve("127.9.8.7", 80, &ss), 0);
    cr_assert_eq(linkem_target_resolve("localhost", 80, &ss), 0);
    cr_assert_eq(linkem_target_resolve("::1", 80, &ss), 0);
    cr_assert_eq(ss.ss_family, AF_INET6);
    cr_assert_eq(linkem_target_resolve("192.0.2.1", 80, &ss), XY_EPERM);
    cr_assert_eq(linkem_target_resolve("2001:db8::1", 80, &ss), XY_EPERM);
    cr_assert_eq(linkem_target_resolve("128.0.0.1", 80, &ss), XY_EPERM);
    cr_assert_eq(linkem_target_resolve("example.org", 80, &ss), XY_EINVAL);

    uv_loop_init(&loop);
    linkem_config_t cfg = {.target_host = "192.0.2.1", .target_port = 80};
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), XY_EPERM);
    cr_assert_null(lk);
    cfg.target_host = "127.0.0.1";
    cfg.target_port = 0;
    cr_assert_eq(linkem_new(&lk, &loop, &cfg), XY_EINVAL);
    close_loop(&loop);
}

Test(linkem, port_in_use_is_reported)
{
    uv_loop_t loop;
    linkem_t *a = NULL, *b = NULL;

    uv_loop_init(&loop);
    linkem_config_t cfg = {.target_host = "127.0.0.1", .target_port = 9};
    cr_assert_eq(linkem_new(&a, &loop, &cfg), 0);
    cfg.listen_port = linkem_port(a);
    cr_assert_eq(linkem_new(&b, &loop, &cfg), XY_EEXIST);
    cr_assert_null(b);
    linkem_destroy(&a);
    close_loop(&loop);
}

/* ---- schedule text ---------------------------------------------------- */

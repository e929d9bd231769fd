/* The multi-process sync test harness (sync_harness.h). */
#include "tests/sync/sync_harness.h"
#include "common/xy_error.h"
#include "core/identity.h"
#include "domain/model.h"
#include "domain/sync_policy.h"
#include "tests/support/xy_test.h"
#include "tests/sync/sync_events.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_MAX_PROCS 128
#define XH_IP_BIN "/usr/sbin/ip"

static char *s_root;
static pid_t s_procs[S_MAX_PROCS];
static domain_model_t *s_model;
static event_log_t *s_logs[64]; /* opened for inspection, closed at fini */

const char *xh_root(void)
{
    return s_root;
}

void xh_setup(void)
{
    s_root = xy_test_mkdtemp();
    memset(s_procs, 0, sizeof s_procs);
    if (getenv("XH_KEEP"))
        fprintf(stderr, "sync test directory: %s\n", s_root);
}

void xh_kill_all(void)
{
    for (size_t i = 0; i < S_MAX_PROCS; i++)
        if (s_procs[i] > 0) {
            kill(s_procs[i], SIGKILL);
            waitpid(s_procs[i], NULL, 0);
            s_procs[i] = 0;
        }
}

void xh_teardown(void)
{
    xh_kill_all();
    for (size_t i = 0; i < 64; i++)
        event_log_destroy(&s_logs[i]);
    domain_model_destroy(&s_model);
    if (getenv("XH_KEEP")) {
        free(s_root);
        s_root = NULL;
        return;
    }
    xy_test_rmdir(&s_root);
}

uint64_t xh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t xh_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void xh_sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void xh_hex(char *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", in[i]);
    out[2 * n] = '\0';
}

uint16_t xh_free_port(void)
{
    return xy_test_free_port();
}

static void s_track(pid_t pid)
{
    for (size_t i = 0; i < S_MAX_PROCS; i++)
        if (s_procs[i] == 0) {
            s_procs[i] = pid;
            return;
        }
    cr_assert_fail("too many processes");
}

static void s_untrack(pid_t pid)
{
    for (size_t i = 0; i < S_MAX_PROCS; i++)
        if (s_procs[i] == pid)
            s_procs[i] = 0;
}

static pid_t s_fork_exec(const char *const *argv, int out_fd, int err_fd)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        /* Dies with the test process, whatever kills it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    s_track(pid);
    return pid;
}

pid_t xh_spawn(const char *log, const char *const *argv)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.log", s_root, log);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
    pid_t pid = s_fork_exec(argv, fd, fd);
    close(fd);
    return pid;
}

static int s_status(int st)
{
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool xh_alive(pid_t pid)
{
    if (pid <= 0)
        return false;
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) {
        s_untrack(pid);
        return false;
    }
    return r == 0;
}

/* Waits for pid at most ms; returns its status or -1. */
static int s_wait(pid_t pid, uint64_t ms)
{
    uint64_t end = xh_now_ms() + ms;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            s_untrack(pid);
            return s_status(st);
        }
        if (r < 0) {
            s_untrack(pid);
            return -1;
        }
        if (xh_now_ms() >= end)
            return -1;
        xh_sleep_ms(5);
    }
}

int xh_wait(pid_t *pid, uint64_t ms)
{
    int st = s_wait(*pid, ms);
    if (st >= 0)
        *pid = 0;
    return st;
}

int xh_stop(pid_t *pid, int sig)
{
    if (*pid <= 0)
        return -1;
    kill(*pid, sig);
    int st = s_wait(*pid, 20000);
    if (st < 0) {
        kill(*pid, SIGKILL);
        st = s_wait(*pid, 5000);
    }
    *pid = 0;
    return st;
}

int xh_run(char *out, size_t cap, const char *const *argv)
{
    char opath[1024], epath[1024];
    snprintf(opath, sizeof opath, "%s/run.out", s_root);
    snprintf(epath, sizeof epath, "%s/commands.log", s_root);
    int o = open(opath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int e = open(epath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    cr_assert(o >= 0 && e >= 0);
    pid_t pid = s_fork_exec(argv, o, e);
    int st = s_wait(pid, 120000);
    if (st < 0) {
        kill(pid, SIGKILL);
        s_wait(pid, 5000);
        st = 128 + SIGKILL;
    }
    if (out && cap) {
        ssize_t n = pread(o, out, cap - 1, 0);
        out[n > 0 ? n : 0] = '\0';
    }
    close(o);
    close(e);
    return st;
}

static json_t *s_config_load(const char *dir, char *path, size_t len)
{
    snprintf(path, len, "%s/config.json", dir);
    json_error_t je;
    json_t *cfg = json_load_file(path, 0, &je);
    cr_assert_not_null(cfg, "%s: %s", path, je.text);
    return cfg;
}

static void s_config_save(json_t *cfg, const char *path)
{
    cr_assert_eq(json_dump_file(cfg, path, JSON_INDENT(2)), 0);
    json_decref(cfg);
}

void xh_config_str(const char *dir, const char *key, const char *val)
{
    char path[1024];
    json_t *cfg = s_config_load(dir, path, sizeof path);
    json_object_set_new(cfg, key, json_string(val));
    s_config_save(cfg, path);
}

void xh_config_int(const char *dir, const char *key, long val)
{
    char path[1024];
    json_t *cfg = s_config_load(dir, path, sizeof path);
    json_object_set_new(cfg, key, json_integer(val));
    s_config_save(cfg, path);
}

static void s_load_identity(xh_node_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/node.key", n->dir);
    node_identity_t id;
    cr_assert_eq(identity_load(path, &id), 0, "%s", path);
    memcpy(n->id, id.node_id, XY_ID_LEN);
    memcpy(n->pub, id.public_key, 32);
    identity_wipe(&id);
}

static void s_fast_timers(const char *dir)
{
    xh_config_int(dir, "sync_timeout_ms", 3000);
    xh_config_int(dir, "sync_ping_ms", 1000);
    xh_config_int(dir, "sync_tick_ms", 50);
}

void xh_coord_init(xh_cluster_t *cl)
{
    xh_node_t *c = &cl->coord;
    snprintf(c->dir, sizeof c->dir, "%s/coordinator", s_root);
    snprintf(c->name, sizeof c->name, "coordinator");
    const char *init[] = {XY_COORDINATOR_BIN, "-d", c->dir, "init", NULL};
    cr_assert_eq(xh_run(NULL, 0, init), 0, "coordinator init failed");
    cl->port = xh_free_port();
    cl->pub_port = xh_free_port();
    while (cl->pub_port == cl->port)
        cl->pub_port = xh_free_port();
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", cl->port);
    xh_config_str(c->dir, "listen", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", cl->pub_port);
    xh_config_str(c->dir, "publish", ep);
    s_fast_timers(c->dir);
    s_load_identity(c);
}

void xh_agent_init(xh_cluster_t *cl, size_t i, const char *name,
                   const uint8_t *incident, bool enroll)
{
    cr_assert_lt(i, XH_MAX_AGENTS);
    xh_node_t *a = &cl->agents[i];
    if (i >= cl->n)
        cl->n = i + 1;
    snprintf(a->dir, sizeof a->dir, "%s/%s", s_root, name);
    snprintf(a->name, sizeof a->name, "%s", name);
    const char *init[] = {XY_AGENT_BIN, "-d", a->dir, "init", NULL};
    cr_assert_eq(xh_run(NULL, 0, init), 0, "agent init failed");
    s_load_identity(a);
    char req[1024], bundle[1024], out[4096];
    snprintf(req, sizeof req, "%s/%s.request.json", s_root, name);
    snprintf(bundle, sizeof bundle, "%s/%s.bundle.json", s_root, name);
    const char *request[] = {XY_AGENT_BIN, "-d", a->dir, "request", NULL};
    cr_assert_eq(xh_run(out, sizeof out, request), 0);
    FILE *f = fopen(req, "w");
    fputs(out, f);
    fclose(f);
    if (enroll) {
        const char *en[] = {XY_COORDINATOR_BIN, "-d", cl->coord.dir, "enroll",
                            name, "--request", req, NULL};
        cr_assert_eq(xh_run(out, sizeof out, en), 0, "enroll %s", name);
    } else {
        /* What a stranger would have: the coordinator's public endpoints
         * and key, but no enrollment. */
        char key[65];
        xh_hex(key, cl->coord.pub, 32);
        snprintf(out, sizeof out,
                 "{\"name\": \"%s\", \"coordinator\": "
                 "\"tcp://127.0.0.1:%u\", \"coordinator_publish\": "
                 "\"tcp://127.0.0.1:%u\", \"coordinator_key\": \"%s\"}\n",
                 name, cl->port, cl->pub_port, key);
    }
    f = fopen(bundle, "w");
    fputs(out, f);
    fclose(f);
    const char *join[] = {XY_AGENT_BIN, "-d", a->dir, "join", bundle, NULL};
    cr_assert_eq(xh_run(NULL, 0, join), 0, "join %s", name);
    if (incident) {
        memcpy(cl->incident[i], incident, XY_ID_LEN);
        char hex[33];
        xh_hex(hex, incident, XY_ID_LEN);
        xh_config_str(a->dir, "scope", hex);
    } else {
        memset(cl->incident[i], 0, XY_ID_LEN);
    }
    xh_config_str(a->dir, "name", name);
    s_fast_timers(a->dir);
}

void xh_agent_route(xh_node_t *a, uint16_t port, uint16_t pub_port)
{
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", port);
    xh_config_str(a->dir, "coordinator", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", pub_port);
    xh_config_str(a->dir, "coordinator_publish", ep);
}

static bool s_file_has(const char *path, const char *needle, size_t *from)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    static char buf[1 << 16];
    fseek(f, (long)*from, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

void xh_start(xh_node_t *n, const char *bin)
{
    xh_start_in(n, bin, NULL);
}

void xh_start_in(xh_node_t *n, const char *bin, const char *netns)
{
    char log[128], path[1024];
    snprintf(log, sizeof log, "%s.run%d", n->name, n->runs++);
    snprintf(path, sizeof path, "%s/%s.log", s_root, log);
    const char *argv[] = {bin, "-d", n->dir, "run", NULL};
    const char *in_ns[] = {XH_IP_BIN, "netns", "exec", netns, bin, "-d",
                           n->dir, "run", NULL};
    n->pid = xh_spawn(log, netns ? in_ns : argv);
    uint64_t end = xh_now_ms() + 30000;
    size_t from = 0;
    while (!s_file_has(path, " running: ", &from)) {
        cr_assert(xh_alive(n->pid), "%s exited at start (see %s)", n->name,
                  path);
        cr_assert_lt(xh_now_ms(), end, "%s did not start", n->name);
        xh_sleep_ms(20);
    }
}

void xh_declare(xh_cluster_t *cl, uint8_t out[XY_ID_LEN])
{
    char buf[1024];
    const char *argv[] = {XY_COORDINATOR_BIN, "-d", cl->coord.dir, "--json",
                          "incident", "declare", "--hazard", "earthquake",
                          "--title", "Luding M6.8", "--level", "II", NULL};
    cr_assert_eq(xh_run(buf, sizeof buf, argv), 0, "declare failed");
    const char *p = strstr(buf, "\"id\": \"");
    cr_assert_not_null(p, "no id in %s", buf);
    for (int i = 0; i < XY_ID_LEN; i++) {
        unsigned v;
        cr_assert_eq(sscanf(p + 7 + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

uint16_t xh_linkem(const char *log, uint16_t to, const char *schedule,
                   const char *const *extra, pid_t *pid)
{
    char target[32], sched[1024], path[1024];
    snprintf(target, sizeof target, "127.0.0.1:%u", to);
    const char *argv[32] = {XY_LINKEM_BIN, "--listen", "0", "--to", target};
    int n = 5;
    if (schedule) {
        snprintf(sched, sizeof sched, "%s/%s.link", s_root, log);
        FILE *f = fopen(sched, "w");
        fputs(schedule, f);
        fclose(f);
        argv[n++] = "--schedule";
        argv[n++] = sched;
    }
    for (size_t i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    snprintf(path, sizeof path, "%s/%s.log", s_root, log);
    *pid = xh_spawn(log, argv);
    uint64_t end = xh_now_ms() + 20000;
    for (;;) {
        FILE *f = fopen(path, "r");
        char line[256];
        /* The port comes first, alone on a line; step logs follow. */
        while (f && fgets(line, sizeof line, f)) {
            char *e = NULL;
            long port = strtol(line, &e, 10);
            if (e != line && (*e == '\n') && port > 0 && port < 65536) {
                fclose(f);
                return (uint16_t)port;
            }
        }
        if (f)
            fclose(f);
        cr_assert(xh_alive(*pid), "linkem %s exited (see %s)", log, path);
        cr_assert_lt(xh_now_ms(), end, "linkem %s gave no port", log);
        xh_sleep_ms(10);
    }
}

char *xh_flap_schedule(uint64_t seed, uint64_t total_ms)
{
    size_t cap = 64 * 1024, len = 0;
    char *s = malloc(cap);
    uint64_t rng = seed, t = 0;
    len += (size_t)snprintf(s + len, cap - len, "0 up\n");
    while (t < total_ms && len + 128 < cap) {
        uint64_t up = 200 + xs_rand(&rng) % 1800;
        /* A reset in the middle of some up periods: a transfer cut. */
        if (xs_rand(&rng) % 3 == 0)
            len += (size_t)snprintf(s + len, cap - len, "%llums reset\n",
                                    (unsigned long long)(t + up / 2));
        t += up;
        bool reset = xs_rand(&rng) % 2 == 0;
        len += (size_t)snprintf(s + len, cap - len, "%llums %sdown\n",
                                (unsigned long long)t, reset ? "reset " : "");
        t += 200 + xs_rand(&rng) % 1800;
        len += (size_t)snprintf(s + len, cap - len, "%llums up\n",
                                (unsigned long long)t);
    }
    return s;
}

static void s_writer_argv(const char **argv, char bufs[6][64],
                          const xh_node_t *n, const char *kind, long count,
                          long batch, long sleep_ms, uint64_t seed,
                          const uint8_t *incident)
{
    snprintf(bufs[0], 64, "%ld", count);
    snprintf(bufs[1], 64, "%ld", batch);
    snprintf(bufs[2], 64, "%ld", sleep_ms);
    snprintf(bufs[3], 64, "%llu", (unsigned long long)seed);
    if (incident)
        xh_hex(bufs[4], incident, XY_ID_LEN);
    else
        strcpy(bufs[4], "-");
    const char *a[] = {XY_SYNC_WRITER_BIN, n->dir, kind, bufs[0], bufs[1],
                       bufs[2], bufs[3], bufs[4], NULL};
    memcpy(argv, a, sizeof a);
}

uint64_t xh_write(const xh_node_t *n, const char *kind, long count,
                  long batch, long sleep_ms, uint64_t seed,
                  const uint8_t *incident, uint64_t *done_ms)
{
    const char *argv[9];
    char bufs[6][64], out[512];
    s_writer_argv(argv, bufs, n, kind, count, batch, sleep_ms, seed,
                  incident);
    int st = xh_run(out, sizeof out, argv);
    cr_assert_eq(st, 0, "sync_writer %s %s failed (%d)", n->name, kind, st);
    unsigned long long first, last, t;
    long c;
    cr_assert_eq(sscanf(out, "first %llu last %llu count %ld done_ms %llu",
                        &first, &last, &c, &t),
                 4, "sync_writer said: %s", out);
    cr_assert_eq(c, count);
    if (done_ms)
        *done_ms = t;
    return last;
}

pid_t xh_write_async(const xh_node_t *n, const char *kind, long count,
                     long batch, long sleep_ms, uint64_t seed,
                     const uint8_t *incident)
{
    const char *argv[9];
    char bufs[6][64], log[128];
    s_writer_argv(argv, bufs, n, kind, count, batch, sleep_ms, seed,
                  incident);
    snprintf(log, sizeof log, "%s.writer", n->name);
    return xh_spawn(log, argv);
}

event_log_t *xh_log(xh_node_t *n)
{
    if (n->log)
        return n->log;
    if (!s_model)
        s_model = domain_model_new();
    char path[1024];
    snprintf(path, sizeof path, "%s/store", n->dir);
    event_log_opts_t o = {.views = s_model->views};
    int rc = event_log_open(&n->log, path, n->id, &o);
    cr_assert_eq(rc, 0, "opening %s: %s", path, xy_strerror(rc));
    for (size_t i = 0; i < 64; i++)
        if (!s_logs[i]) {
            s_logs[i] = n->log;
            return n->log;
        }
    cr_assert_fail("too many open logs");
    return n->log;
}

void xh_log_close(xh_node_t *n)
{
    for (size_t i = 0; i < 64; i++)
        if (s_logs[i] == n->log)
            s_logs[i] = NULL;
    event_log_destroy(&n->log);
}

uint64_t xh_frontier(event_log_t *log, const uint8_t *origin)
{
    uint64_t f = 0;
    cr_assert_eq(event_log_frontier(log, origin, &f), 0);
    return f;
}

static int s_found(const event_ref_t *ev, void *arg)
{
    (void)ev;
    *(bool *)arg = true;
    return 0;
}

bool xh_has(event_log_t *log, const uint8_t *origin, uint64_t seq)
{
    bool found = false;
    int rc = event_log_get(log, origin, seq, s_found, &found);
    cr_assert(rc == 0 || rc == XY_ENOENT, "event_log_get: %s",
              xy_strerror(rc));
    return found;
}

/* ------------------------------------------------------------ checks */

typedef struct s_scan {
    xh_cluster_t *cl;
    size_t agent;          /* whose scope */
    sync_scope_t scope;
    uint64_t n;            /* events of the scope */
    event_log_t *check;    /* when set: each must be held there */
    uint64_t missing;
    event_write_t *w;      /* when set: collected for a rebuild */
    uint8_t **bytes;
    size_t nw, cap;
} s_scan_t;

static bool s_in_agent_scope(const s_scan_t *s, const event_ref_t *ev)
{
    const uint8_t *me = s->cl->agents[s->agent].id;
    if (memcmp(ev->origin, me, XY_ID_LEN) == 0)
        return true;
    return domain_sync_in_scope(NULL, ev, &s->scope);
}

static int s_scan_one(const event_ref_t *ev, void *arg)
{
    s_scan_t *s = arg;
    if (!s_in_agent_scope(s, ev))
        return 0;
    s->n++;
    if (s->check && !xh_has(s->check, ev->origin, ev->seq))
        s->missing++;
    if (s->w) {
        if (s->nw == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 1024;
            s->w = realloc(s->w, s->cap * sizeof *s->w);
            s->bytes = realloc(s->bytes, s->cap * sizeof *s->bytes);
        }
        s->bytes[s->nw] = malloc(ev->len);
        memcpy(s->bytes[s->nw], ev->bytes, ev->len);
        s->w[s->nw] = (event_write_t){.kind = EVENT_WRITE_FOREIGN,
                                      .bytes = s->bytes[s->nw],
                                      .len = ev->len};
        s->nw++;
    }
    return 0;
}

static void s_scan(s_scan_t *s, xh_cluster_t *cl, size_t i)
{
    memset(s, 0, sizeof *s);
    s->cl = cl;
    s->agent = i;
    static const uint8_t zero[XY_ID_LEN];
    if (memcmp(cl->incident[i], zero, XY_ID_LEN) == 0) {
        s->scope.everything = true;
    } else {
        s->scope.n_incidents = 1;
        memcpy(s->scope.incidents[0], cl->incident[i], XY_ID_LEN);
    }
}

bool xh_converged(xh_cluster_t *cl, char *why, size_t len)
{
    event_log_t *c = xh_log(&cl->coord);
    event_log_refresh(c);
    uint64_t own = xh_frontier(c, cl->coord.id), total = own;
    for (size_t i = 0; i < cl->n; i++) {
        uint64_t f = xh_frontier(c, cl->agents[i].id);
        total += cl->written[i];
        if (f != cl->written[i]) {
            snprintf(why, len, "coordinator holds %llu of %llu events of %s",
                     (unsigned long long)f,
                     (unsigned long long)cl->written[i], cl->agents[i].name);
            return false;
        }
    }
    if (event_log_count(c) != total) {
        snprintf(why, len, "coordinator holds %llu events, expected %llu",
                 (unsigned long long)event_log_count(c),
                 (unsigned long long)total);
        return false;
    }
    for (size_t i = 0; i < cl->n; i++) {
        s_scan_t s;
        s_scan(&s, cl, i);
        cr_assert_eq(event_log_changes(c, 0, 0, NULL, NULL, s_scan_one, &s,
                                       NULL),
                     0);
        event_log_t *a = xh_log(&cl->agents[i]);
        event_log_refresh(a);
        if (event_log_count(a) != s.n) {
            snprintf(why, len, "%s holds %llu events, its scope has %llu",
                     cl->agents[i].name,
                     (unsigned long long)event_log_count(a),
                     (unsigned long long)s.n);
            return false;
        }
    }
    return true;
}

void xh_wait_converged(xh_cluster_t *cl, uint64_t timeout_ms)
{
    char why[256] = "";
    uint64_t start = xh_now_ms(), end = start + timeout_ms;
    while (!xh_converged(cl, why, sizeof why)) {
        cr_assert_lt(xh_now_ms(), end, "not converged after %llu ms: %s",
                     (unsigned long long)timeout_ms, why);
        xh_sleep_ms(500);
    }
    fprintf(stderr, "converged %llu ms after the writers finished\n",
            (unsigned long long)(xh_now_ms() - start));
}

static void s_digest_of_scope(s_scan_t *s, uint8_t out[32])
{
    char path[1024];
    snprintf(path, sizeof path, "%s/digest-%zu", s_root, s->agent);
    cr_assert_eq(mkdir(path, 0700), 0);
    uint8_t id[XY_ID_LEN];
    memset(id, 0xD1, sizeof id);
    id[15] = (uint8_t)s->agent;
    event_log_opts_t o = {.views = s_model->views, .no_sync = true};
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, path, id, &o), 0);
    for (size_t i = 0; i < s->nw; i += 500) {
        size_t n = s->nw - i < 500 ? s->nw - i : 500;
        cr_assert_eq(event_log_write(log, s->w + i, n, NULL), 0);
        for (size_t k = 0; k < n; k++)
            cr_assert_eq(s->w[i + k].status, 0, "rebuild refused an event");
    }
    cr_assert_eq(event_log_count(log), s->nw);
    cr_assert_eq(event_log_view_digest(log, out), 0);
    event_log_destroy(&log);
}

void xh_assert_converged(xh_cluster_t *cl)
{
    char why[256] = "";
    cr_assert(xh_converged(cl, why, sizeof why), "%s", why);
    event_log_t *c = xh_log(&cl->coord);
    /* Every origin contiguous at the coordinator: each frontier equals the
     * number of events held of that origin. */
    uint64_t sum = xh_frontier(c, cl->coord.id);
    for (size_t i = 0; i < cl->n; i++)
        sum += xh_frontier(c, cl->agents[i].id);
    cr_assert_eq(sum, event_log_count(c), "an origin has a gap or a stranger "
                 "is stored");
    for (size_t i = 0; i < cl->n; i++) {
        event_log_t *a = xh_log(&cl->agents[i]);
        s_scan_t s;
        s_scan(&s, cl, i);
        s.check = a;
        /* Collect too, for the digest. */
        s.w = malloc(sizeof *s.w);
        s.bytes = malloc(sizeof *s.bytes);
        s.cap = 1;
        cr_assert_eq(event_log_changes(c, 0, 0, NULL, NULL, s_scan_one, &s,
                                       NULL),
                     0);
        cr_assert_eq(s.missing, 0, "%s misses %llu events of its scope",
                     cl->agents[i].name, (unsigned long long)s.missing);
        cr_assert_eq(event_log_count(a), s.n, "%s holds %llu, scope %llu",
                     cl->agents[i].name,
                     (unsigned long long)event_log_count(a),
                     (unsigned long long)s.n);
        /* Its own events contiguous, and those of any agent sharing its
         * incident. */
        cr_assert_eq(xh_frontier(a, cl->agents[i].id), cl->written[i]);
        for (size_t j = 0; j < cl->n; j++) {
            if (j == i)
                continue;
            bool shared = memcmp(cl->incident[i], cl->incident[j],
                                 XY_ID_LEN) == 0;
            cr_assert_eq(xh_frontier(a, cl->agents[j].id),
                         shared ? cl->written[j] : 0,
                         "%s holds %llu events of %s", cl->agents[i].name,
                         (unsigned long long)xh_frontier(a, cl->agents[j].id),
                         cl->agents[j].name);
        }
        uint8_t want[32], got[32];
        s_digest_of_scope(&s, want);
        cr_assert_eq(event_log_view_digest(a, got), 0);
        cr_assert_arr_eq(got, want, 32, "%s: view digest differs from its "
                         "scope rebuilt from the coordinator's log",
                         cl->agents[i].name);
        for (size_t k = 0; k < s.nw; k++)
            free(s.bytes[k]);
        free(s.bytes);
        free(s.w);
    }
}

/* Process, configuration and store helpers of bench_sync (bench_sync.h):
 * every wait here is bounded, so a daemon that never starts or never stops
 * costs seconds, not the run. */
#include "bench/sync/bench_sync.h"
#include "common/xy_error.h"
#include "core/identity.h"
#include "domain/model.h"
#include "tests/sync/sync_events.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char bs_root[512];
static uint64_t s_t0;
static domain_model_t *s_model;

uint64_t bs_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t bs_now_ms(void)
{
    return bs_now_us() / 1000;
}

void bs_sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void bs_say(const char *fmt, ...)
{
    if (!s_t0)
        s_t0 = bs_now_ms();
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%6.1f s] ", (double)(bs_now_ms() - s_t0) / 1000.0);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void bs_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench_sync: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static pid_t s_fork_exec(const char *const *argv, int out, int err)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        bs_die("fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

pid_t bs_spawn(const char *log, const char *const *argv)
{
    char out[1024], err[1024];
    snprintf(out, sizeof out, "%s/%s.out", bs_root, log);
    snprintf(err, sizeof err, "%s/%s.err", bs_root, log);
    int o = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int e = open(err, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (o < 0 || e < 0)
        bs_die("%s: %s", out, strerror(errno));
    pid_t pid = s_fork_exec(argv, o, e);
    close(o);
    close(e);
    return pid;
}

/* Waits at most ms for pid; its status, or -1 when it still runs. */
static int s_wait(pid_t pid, uint64_t ms)
{
    uint64_t end = bs_now_ms() + ms;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (r < 0 || bs_now_ms() >= end)
            return -1;
        bs_sleep_ms(5);
    }
}

int bs_run(char *out, size_t cap, const char *const *argv)
{
    char path[1024], epath[1024];
    snprintf(path, sizeof path, "%s/run.out", bs_root);
    snprintf(epath, sizeof epath, "%s/commands.err", bs_root);
    int o = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int e = open(epath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (o < 0 || e < 0)
        bs_die("%s: %s", path, strerror(errno));
    pid_t pid = s_fork_exec(argv, o, e);
    int st = s_wait(pid, 30000);
    if (st < 0) {
        kill(pid, SIGKILL);
        s_wait(pid, 5000);
    }
    if (out && cap) {
        ssize_t n = pread(o, out, cap - 1, 0);
        out[n > 0 ? n : 0] = '\0';
    }
    close(o);
    close(e);
    return st;
}

void bs_stop(pid_t *pid)
{
    if (*pid <= 0)
        return;
    kill(*pid, SIGTERM);
    if (s_wait(*pid, 10000) < 0) {
        kill(*pid, SIGKILL);
        s_wait(*pid, 5000);
    }
    *pid = 0;
}

static bool s_file_has(const char *path, const char *needle)
{
    static char buf[1 << 16];
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, needle) != NULL;
}

pid_t bs_daemon(const char *bin, const char *dir, const char *log)
{
    const char *argv[] = {bin, "-d", dir, "run", NULL};
    pid_t pid = bs_spawn(log, argv);
    char out[1024], err[1024];
    snprintf(out, sizeof out, "%s/%s.out", bs_root, log);
    snprintf(err, sizeof err, "%s/%s.err", bs_root, log);
    uint64_t end = bs_now_ms() + 20000;
    while (!s_file_has(out, " running: ") && !s_file_has(err, " running: ")) {
        if (s_wait(pid, 0) >= 0)
            bs_die("%s exited at start (see %s)", log, err);
        if (bs_now_ms() >= end)
            bs_die("%s did not say it runs within 20 s", log);
        bs_sleep_ms(20);
    }
    return pid;
}

uint16_t bs_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        bs_die("no free port: %s", strerror(errno));
    close(fd);
    return ntohs(a.sin_port);
}

static void s_config_set(const char *dir, const char *key, json_t *val)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/config.json", dir);
    json_t *cfg = json_load_file(path, 0, NULL);
    if (!cfg)
        bs_die("cannot read %s", path);
    json_object_set_new(cfg, key, val);
    if (json_dump_file(cfg, path, JSON_INDENT(2)))
        bs_die("cannot write %s", path);
    json_decref(cfg);
}

void bs_config_str(const char *dir, const char *key, const char *val)
{
    s_config_set(dir, key, json_string(val));
}

void bs_config_int(const char *dir, const char *key, long val)
{
    s_config_set(dir, key, json_integer(val));
}

static void s_identity(const char *dir, uint8_t *id, uint8_t *pub)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/node.key", dir);
    node_identity_t ni;
    if (identity_load(path, &ni))
        bs_die("cannot read %s", path);
    memcpy(id, ni.node_id, XY_ID_LEN);
    if (pub)
        memcpy(pub, ni.public_key, 32);
    identity_wipe(&ni);
}

static void s_save(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0)
        bs_die("cannot write %s", path);
    fclose(f);
}

void bs_pair_init(bs_pair_t *p, const char *name)
{
    char buf[4096], req[1024], bundle[1024], ep[64];
    snprintf(p->coord, sizeof p->coord, "%s/%s-coordinator", bs_root, name);
    snprintf(p->agent, sizeof p->agent, "%s/%s-agent", bs_root, name);
    const char *ci[] = {XY_COORDINATOR_BIN, "-d", p->coord, "init", NULL};
    const char *ai[] = {XY_AGENT_BIN, "-d", p->agent, "init", NULL};
    if (bs_run(NULL, 0, ci) || bs_run(NULL, 0, ai))
        bs_die("init failed (see %s/commands.err)", bs_root);
    p->port = bs_free_port();
    do
        p->pub_port = bs_free_port();
    while (p->pub_port == p->port);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", p->port);
    bs_config_str(p->coord, "listen", ep);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%u", p->pub_port);
    bs_config_str(p->coord, "publish", ep);
    const char *rq[] = {XY_AGENT_BIN, "-d", p->agent, "request", NULL};
    if (bs_run(buf, sizeof buf, rq))
        bs_die("request failed");
    snprintf(req, sizeof req, "%s/%s.req", bs_root, name);
    s_save(req, buf);
    const char *en[] = {XY_COORDINATOR_BIN, "-d", p->coord, "enroll", name,
                        "--request",        req,  NULL};
    if (bs_run(buf, sizeof buf, en))
        bs_die("enroll failed");
    snprintf(bundle, sizeof bundle, "%s/%s.bundle", bs_root, name);
    s_save(bundle, buf);
    const char *jn[] = {XY_AGENT_BIN, "-d", p->agent, "join", bundle, NULL};
    if (bs_run(NULL, 0, jn))
        bs_die("join failed");
    bs_config_str(p->agent, "name", name);
    s_identity(p->coord, p->coord_id, p->coord_pub);
    s_identity(p->agent, p->agent_id, NULL);
}

uint16_t bs_linkem(const char *log, uint16_t to, const char *rate, pid_t *pid)
{
    char target[32], path[1024];
    snprintf(target, sizeof target, "127.0.0.1:%u", to);
    const char *argv[] = {XY_LINKEM_BIN, "--listen", "0",  "--to",
                          target,        "--rate",   rate, NULL};
    *pid = bs_spawn(log, argv);
    snprintf(path, sizeof path, "%s/%s.out", bs_root, log);
    uint64_t end = bs_now_ms() + 10000;
    while (bs_now_ms() < end) {
        FILE *f = fopen(path, "r");
        long port = 0;
        int got = f ? fscanf(f, "%ld", &port) : 0;
        if (f)
            fclose(f);
        if (got == 1 && port > 0 && port < 65536)
            return (uint16_t)port;
        if (s_wait(*pid, 0) >= 0)
            bs_die("linkem exited at start");
        bs_sleep_ms(10);
    }
    bs_die("linkem printed no port within 10 s");
}

void bs_linkem_stop(const char *log, pid_t *pid, uint64_t *c2s, uint64_t *s2c)
{
    char path[1024], line[512];
    bs_stop(pid);
    *c2s = *s2c = 0;
    snprintf(path, sizeof path, "%s/%s.err", bs_root, log);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        unsigned long long c, r, a, b;
        if (sscanf(line,
                   "linkem: stopping: %llu connections, %llu resets, "
                   "%llu bytes c2s, %llu bytes s2c",
                   &c, &r, &a, &b) == 4) {
            *c2s = a;
            *s2c = b;
        }
    }
    if (f)
        fclose(f);
}

event_log_t *bs_store(const char *dir, const uint8_t *id)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/store", dir);
    if (!s_model)
        s_model = domain_model_new();
    event_log_opts_t o = {.views = s_model->views};
    event_log_t *log = NULL;
    int rc = event_log_open(&log, path, id, &o);
    if (rc)
        bs_die("cannot open %s: %s", path, xy_strerror(rc));
    return log;
}

static int s_sum_len(const event_ref_t *ev, void *arg)
{
    *(uint64_t *)arg += ev->len;
    return 0;
}

uint64_t bs_write_triage(event_log_t *log, int n, uint64_t seed)
{
    enum { K = 500 };
    uint8_t inc[XY_ID_LEN] = {0x17, 0x09};
    uint64_t rng = seed, before = event_log_last_position(log), bytes = 0;
    xs_event_t *e = calloc(K, sizeof *e);
    event_write_t *w = calloc(K, sizeof *w);
    for (int done = 0; done < n;) {
        int k = n - done < K ? n - done : K;
        for (int i = 0; i < k; i++) {
            xs_event_make(&e[i], XS_TRIAGE, &rng, inc);
            w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = &e[i].ev};
        }
        int rc = event_log_write(log, w, (size_t)k, NULL);
        if (rc)
            bs_die("writing triage records: %s", xy_strerror(rc));
        done += k;
    }
    free(e);
    free(w);
    event_log_changes(log, before, 0, NULL, NULL, s_sum_len, &bytes, NULL);
    return bytes;
}

void bs_proc_figures(pid_t pid, long *ctxt, long *rss_kb)
{
    char path[256], line[256];
    *ctxt = 0;
    *rss_kb = 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p2[600];
        snprintf(p2, sizeof p2, "%s/%s/status", path, de->d_name);
        FILE *f = fopen(p2, "r");
        while (f && fgets(line, sizeof line, f)) {
            long v;
            if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
                sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
                *ctxt += v;
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        sscanf(line, "VmRSS: %ld kB", rss_kb);
    if (f)
        fclose(f);
}

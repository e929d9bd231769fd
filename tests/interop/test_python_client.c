/* Interoperability of the sync protocol: tests/interop/xy_client.py, a
 * Python client written only from docs/protocol.md and the .proto files,
 * enrolls with a real xinyuan-coordinator, sends events of its own, and
 * receives an order on the urgent lane; a key that was never enrolled gets
 * nothing. Every process runs under a deadline and is killed at the end,
 * whatever the outcome. */
#include "tests/support/xy_test.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_CLIENT_TIMEOUT_S "30"
#define S_STEP_MS 20000 /* bound of each wait for the other side */
#define S_RUN_MS 30000  /* bound of one short command */

static char *dir;             /* the test's temporary directory */
static char data[1024];       /* the coordinator's data directory */
static char work[1024];       /* files shared with the Python client */
static char incident[33];     /* the incident declared at start */
static pid_t coord_pid = -1;  /* xinyuan-coordinator run */
static pid_t client_pid = -1; /* xy_client.py */

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void s_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts argv with stdout and stderr into files; the child dies with the
 * test process, so a killed test leaves nothing running. */
static pid_t s_spawn(const char *const *argv, const char *out, const char *err)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int n = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || n < 0)
            _exit(126);
        dup2(n, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits up to ms for pid; kills it when the time is up. Returns the exit
 * status, 128 + signal, or -1 when it had to be killed. */
static int s_wait(pid_t *pid, uint64_t ms)
{
    if (*pid <= 0)
        return -1;
    uint64_t end = s_now_ms() + ms;
    int st = 0;
    for (;;) {
        pid_t r = waitpid(*pid, &st, WNOHANG);
        if (r == *pid)
            break;
        if (r < 0 || s_now_ms() >= end) {
            kill(*pid, SIGKILL);
            waitpid(*pid, &st, 0);
            *pid = -1;
            return -1;
        }
        s_sleep_ms(20);
    }
    *pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Asks pid to stop (SIGTERM), then kills it after ms. */
static int s_stop(pid_t *pid, uint64_t ms)
{
    if (*pid <= 0)
        return -1;
    kill(*pid, SIGTERM);
    return s_wait(pid, ms);
}

static char *s_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, n;
    char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

typedef struct s_out {
    int status;
    char *out; /* owned */
    char *err; /* owned */
} s_out_t;

static void s_out_free(s_out_t *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* Runs the coordinator with the NULL-terminated arguments after -d DATA,
 * bounded by S_RUN_MS, and captures its output. */
static void s_coord(s_out_t *r, ...)
{
    const char *argv[32] = {XY_COORDINATOR_BIN, "-d", data};
    int n = 3;
    va_list ap;
    va_start(ap, r);
    const char *a;
    while ((a = va_arg(ap, const char *)) && n < 31)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    char out[1200], err[1200];
    snprintf(out, sizeof out, "%s/cmd.out", dir);
    snprintf(err, sizeof err, "%s/cmd.err", dir);
    pid_t pid = s_spawn(argv, out, err);
    r->status = s_wait(&pid, S_RUN_MS);
    r->out = s_slurp(out);
    r->err = s_slurp(err);
    cr_assert(r->out && r->err);
}

/* A free loopback TCP port: bind port 0, read it, close. */
static int s_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* Waits until path exists (the other side writes it atomically). */
static bool s_wait_file(const char *path, uint64_t ms)
{
    uint64_t end = s_now_ms() + ms;
    struct stat st;
    while (stat(path, &st) != 0) {
        if (s_now_ms() >= end)
            return false;
        /* A client that exited will not write it: look without reaping. */
        siginfo_t si = {0};
        if (client_pid > 0 &&
            waitid(P_PID, (id_t)client_pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
                0 &&
            si.si_pid == client_pid)
            return stat(path, &st) == 0;
        s_sleep_ms(20);
    }
    return true;
}

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(data, sizeof data, "%s/coordinator", dir);
    snprintf(work, sizeof work, "%s/client", dir);
    mkdir(work, 0700);
}

static void teardown(void)
{
    s_stop(&client_pid, 3000);
    s_stop(&coord_pid, 10000);
    xy_test_rmdir(&dir);
}

TestSuite(interop, .init = setup, .fini = teardown, .timeout = 120);

/* The Python side needs Debian's python3-zmq and python3-protobuf. */
static void s_require_python(void)
{
    const char *argv[] = {XY_PYTHON, "-c", "import zmq, google.protobuf", NULL};
    char out[1200], err[1200];
    snprintf(out, sizeof out, "%s/py.out", dir);
    snprintf(err, sizeof err, "%s/py.err", dir);
    pid_t pid = s_spawn(argv, out, err);
    cr_assert_eq(s_wait(&pid, S_RUN_MS), 0,
                 "%s cannot import zmq and "
                 "google.protobuf: run scripts/setup (python3-zmq, "
                 "python3-protobuf)",
                 XY_PYTHON);
}

/* Creates the coordinator with an incident, on free loopback ports, starts
 * it, starts the client in mode, and enrolls the key it asks for. */
static void s_start(const char *mode)
{
    s_require_python();
    s_out_t r;
    s_coord(&r, "init", NULL);
    cr_assert_eq(r.status, 0, "init: %s", r.err);
    s_out_free(&r);
    s_coord(&r, "--json", "incident", "declare", "--hazard", "earthquake",
            "--title", "Interop earthquake", "--level", "II", NULL);
    cr_assert_eq(r.status, 0, "declare: %s", r.err);
    json_t *o = json_loads(r.out, 0, NULL);
    cr_assert_not_null(o, "declare printed: %s", r.out);
    cr_assert_eq(strlen(json_string_value(json_object_get(o, "id"))), 32);
    snprintf(incident, sizeof incident, "%s",
             json_string_value(json_object_get(o, "id")));
    json_decref(o);
    s_out_free(&r);

    char path[1200], ep[64];
    snprintf(path, sizeof path, "%s/config.json", data);
    json_t *cfg = json_load_file(path, 0, NULL);
    cr_assert_not_null(cfg);
    int p1 = s_free_port(), p2 = s_free_port();
    cr_assert_neq(p1, p2);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", p1);
    json_object_set_new(cfg, "listen", json_string(ep));
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", p2);
    json_object_set_new(cfg, "publish", json_string(ep));
    json_object_set_new(cfg, "sync_timeout_ms", json_integer(4000));
    json_object_set_new(cfg, "sync_ping_ms", json_integer(1000));
    cr_assert_eq(json_dump_file(cfg, path, JSON_INDENT(2)), 0);
    json_decref(cfg);

    char out[1200], err[1200];
    snprintf(out, sizeof out, "%s/run.out", dir);
    snprintf(err, sizeof err, "%s/run.err", dir);
    const char *run[] = {XY_COORDINATOR_BIN, "-d", data, "run", NULL};
    coord_pid = s_spawn(run, out, err);
    uint64_t end = s_now_ms() + S_STEP_MS;
    char *text = NULL;
    while (s_now_ms() < end) {
        free(text);
        text = s_slurp(out);
        if (text && strstr(text, "coordinator running"))
            break;
        cr_assert_eq(waitpid(coord_pid, NULL, WNOHANG), 0,
                     "the coordinator exited: %s", s_slurp(err));
        s_sleep_ms(50);
    }
    cr_assert(text && strstr(text, "coordinator running"),
              "the coordinator did not start");
    free(text);

    const char *client[] = {XY_PYTHON,   XY_CLIENT_PY,       "--work",
                            work,        "--proto-dir",      XY_PROTO_DIR,
                            "--protoc",  XY_PROTOC,          "--incident",
                            incident,    "--mode",           mode,
                            "--timeout", S_CLIENT_TIMEOUT_S, NULL};
    snprintf(out, sizeof out, "%s/client.out", dir);
    snprintf(err, sizeof err, "%s/client.err", dir);
    client_pid = s_spawn(client, out, err);
    snprintf(path, sizeof path, "%s/request.json", work);
    cr_assert(s_wait_file(path, S_STEP_MS), "no enrollment request: %s",
              s_slurp(err));

    s_coord(&r, "enroll", "py-interop", "--request", path, NULL);
    cr_assert_eq(r.status, 0, "enroll: %s", r.err);
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s/bundle.tmp", work);
    snprintf(path, sizeof path, "%s/bundle.json", work);
    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f);
    fputs(r.out, f);
    fclose(f);
    cr_assert_eq(rename(tmp, path), 0);
    s_out_free(&r);
}

/* Waits for the client to finish and returns its summary (owned). */
static json_t *s_summary(void)
{
    int st = s_wait(&client_pid, S_STEP_MS + 15000);
    char path[1200];
    snprintf(path, sizeof path, "%s/client.err", dir);
    char *err = s_slurp(path);
    snprintf(path, sizeof path, "%s/summary.json", work);
    json_t *sum = json_load_file(path, 0, NULL);
    cr_assert_not_null(sum, "no summary (client status %d): %s", st,
                       err ? err : "");
    cr_assert_eq(st, 0, "client status %d: %s", st, err ? err : "");
    free(err);
    return sum;
}

static json_int_t s_events_held(void)
{
    s_out_t r;
    s_coord(&r, "--json", "status", NULL);
    cr_assert_eq(r.status, 0, "status: %s", r.err);
    json_t *o = json_loads(r.out, 0, NULL);
    cr_assert_not_null(o, "status printed: %s", r.out);
    json_int_t n = json_integer_value(json_object_get(o, "events"));
    json_decref(o);
    s_out_free(&r);
    return n;
}

Test(interop, python_agent_syncs_and_receives_an_order)
{
    s_start("agent");
    char path[1200];
    snprintf(path, sizeof path, "%s/acked", work);
    cr_assert(s_wait_file(path, S_STEP_MS), "the client's batch was not "
                                            "acknowledged");

    /* The coordinator stored the person the Python client registered. */
    s_out_t r;
    s_coord(&r, "--json", "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "list: %s", r.err);
    json_t *persons = json_loads(r.out, 0, NULL);
    cr_assert(json_is_array(persons), "%s", r.out);
    cr_assert_eq(json_array_size(persons), 1, "%s", r.out);
    json_t *p = json_array_get(persons, 0);
    cr_assert_str_eq(json_string_value(json_object_get(p, "site")),
                     "Interop shelter");
    cr_assert_str_eq(json_string_value(json_object_get(p, "incident")),
                     incident);
    char person[33];
    snprintf(person, sizeof person, "%s",
             json_string_value(json_object_get(p, "id")));
    json_decref(persons);
    s_out_free(&r);
    cr_assert_eq(s_events_held(), 3, "incident, person, triage");

    const char *explain = "nearest rested team with a psychiatrist";
    s_coord(&r, "--json", "order", "--incident", incident, "--team",
            "0123456789abcdef0123456789abcdef", "--zone-name", "Yingxiu",
            "--explain", explain, NULL);
    cr_assert_eq(r.status, 0, "order: %s", r.err);
    s_out_free(&r);

    json_t *sum = s_summary();
    cr_assert(json_is_true(json_object_get(sum, "ok")), "client: %s",
              json_string_value(json_object_get(sum, "failure")));
    cr_assert_str_eq(json_string_value(json_object_get(sum, "person_id")),
                     person);
    cr_assert_str_eq(
        json_string_value(json_object_get(sum, "order_explanation")), explain);
    json_t *via = json_object_get(sum, "order_via");
    bool urgent = false;
    size_t i;
    json_t *v;
    json_array_foreach(via, i, v) urgent |=
        strcmp(json_string_value(v), "urgent") == 0;
    cr_assert(urgent, "the order did not come on the urgent lane");
    cr_assert_eq(json_array_size(json_object_get(sum, "errors")), 0,
                 "the coordinator sent Error frames");
    cr_assert_eq(json_integer_value(json_object_get(sum, "acked")), 2);
    json_t *w = json_object_get(sum, "welcome");
    cr_assert_eq(json_integer_value(json_object_get(w, "cursor")), 0);
    cr_assert_eq(json_integer_value(json_object_get(w, "feed_position")), 1);
    /* The incident came by bulk, and the cursor passed the order. */
    cr_assert_eq(json_integer_value(json_object_get(sum, "cursor")), 4);
    json_decref(sum);
    cr_assert_eq(s_events_held(), 4, "incident, person, triage, order");
    cr_assert_eq(s_stop(&coord_pid, 10000), 0,
                 "the coordinator did not "
                 "stop cleanly");
}

Test(interop, unenrolled_key_gets_nothing_and_stores_nothing)
{
    s_start("rogue");
    json_t *sum = s_summary();
    cr_assert(json_is_null(json_object_get(sum, "welcome")),
              "an unenrolled key was welcomed");
    cr_assert_eq(json_integer_value(json_object_get(sum, "frames")), 0);
    json_t *hs = json_object_get(sum, "handshakes");
    cr_assert_eq(json_integer_value(json_object_get(hs, "succeeded")), 0);
    cr_assert_geq(json_integer_value(json_object_get(hs, "failed")), 1,
                  "ZAP refusal not seen by the client");
    json_decref(sum);

    s_out_t r;
    s_coord(&r, "--json", "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "list: %s", r.err);
    json_t *persons = json_loads(r.out, 0, NULL);
    cr_assert(json_is_array(persons), "%s", r.out);
    cr_assert_eq(json_array_size(persons), 0, "%s", r.out);
    json_decref(persons);
    s_out_free(&r);
    cr_assert_eq(s_events_held(), 1, "only the incident");
}

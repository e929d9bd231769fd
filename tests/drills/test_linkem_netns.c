/* Network-namespace test of the drill link set-up: two namespaces made by
 * the test (xyA-<pid>, xyB-<pid>) joined by a veth pair created inside them
 * (it never appears on the host), addressed from TEST-NET-1 (192.0.2.0/24)
 * inside the namespaces only, and shaped with `tc ... tbf` (netem is absent
 * from these kernels). A transfer between the namespaces must not exceed the
 * shaped rate by more than 10%. When namespaces cannot be made (not root, no
 * CAP_SYS_ADMIN, no ip tool) the test says why and skips. The namespaces are
 * deleted in the suite's fini hook, which runs even when an assertion
 * fails. */
#include <criterion/criterion.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SHAPED_BPS 1000000.0  /* tbf rate 1mbit */
#define TRANSFER_BYTES 262144 /* about 2.1 s at the shaped rate */

static char s_ns_a[32], s_ns_b[32]; /* namespace names, "" when not made */
static pid_t s_sink_pid;            /* sink helper, 0 when not running */

/* Runs a shell-free command line (argv) and returns its exit status, with
 * its stderr captured into err. */
static int run(const char *const *argv, char *err, size_t errlen)
{
    int pfd[2];
    pid_t pid;
    int status = 0;
    posix_spawn_file_actions_t fa;

    err[0] = '\0';
    if (pipe(pfd))
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    int rc =
        posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc) {
        snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(rc));
        close(pfd[0]);
        return -1;
    }
    size_t n = 0;
    struct pollfd p = {.fd = pfd[0], .events = POLLIN};
    for (int i = 0; i < 100 && n + 1 < errlen; i++) {
        if (poll(&p, 1, 10000) <= 0)
            break;
        ssize_t r = read(pfd[0], err + n, errlen - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        err[n] = '\0';
    }
    close(pfd[0]);
    while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == '\r'))
        err[--n] = '\0';
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs a command that must succeed. */
static void must(const char *const *argv)
{
    char err[512];
    int rc = run(argv, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s %s %s failed (%d): %s", argv[0], argv[1],
                 argv[2] ? argv[2] : "", rc, err);
}

static void cleanup(void)
{
    char err[256];
    if (s_sink_pid > 0) {
        kill(s_sink_pid, SIGKILL);
        waitpid(s_sink_pid, NULL, 0);
        s_sink_pid = 0;
    }
    if (s_ns_a[0]) {
        const char *del[] = {"ip", "netns", "del", s_ns_a, NULL};
        run(del, err, sizeof(err));
        s_ns_a[0] = '\0';
    }
    if (s_ns_b[0]) {
        const char *del[] = {"ip", "netns", "del", s_ns_b, NULL};
        run(del, err, sizeof(err));
        s_ns_b[0] = '\0';
    }
}

TestSuite(linkem_netns, .fini = cleanup, .timeout = 90);

Test(linkem_netns, tbf_shaped_veth_caps_goodput)
{
    char err[512], line[128] = "";
    char ns_a[32], ns_b[32];

    snprintf(ns_a, sizeof(ns_a), "xyA-%ld", (long)getpid());
    snprintf(ns_b, sizeof(ns_b), "xyB-%ld", (long)getpid());
    const char *add_a[] = {"ip", "netns", "add", ns_a, NULL};
    if (run(add_a, err, sizeof(err)) != 0) {
        cr_log_warn("network namespaces cannot be made here: %s", err);
        cr_skip_test("cannot create a network namespace (%s); needs root "
                     "or CAP_SYS_ADMIN and iproute2",
                     err[0] ? err : "unknown reason");
    }
    strcpy(s_ns_a, ns_a);
    const char *add_b[] = {"ip", "netns", "add", ns_b, NULL};
    must(add_b);
    strcpy(s_ns_b, ns_b);

    /* The veth pair is born inside the namespaces: nothing on the host. */
    const char *veth[] = {"ip",   "-n",   ns_a,   "link", "add",   "va", "type",
                          "veth", "peer", "name", "vb",   "netns", ns_b, NULL};
    must(veth);
    const char *addr_a[] = {"ip",           "-n",  ns_a, "addr", "add",
                            "192.0.2.1/24", "dev", "va", NULL};
    const char *addr_b[] = {"ip",           "-n",  ns_b, "addr", "add",
                            "192.0.2.2/24", "dev", "vb", NULL};
    const char *up_a[] = {"ip", "-n", ns_a, "link", "set", "va", "up", NULL};
    const char *up_b[] = {"ip", "-n", ns_b, "link", "set", "vb", "up", NULL};
    must(addr_a);
    must(addr_b);
    must(up_a);
    must(up_b);
    const char *shape[] = {"ip",      "netns", "exec",  ns_a,    "tc",
                           "qdisc",   "add",   "dev",   "va",    "root",
                           "tbf",     "rate",  "1mbit", "burst", "32kbit",
                           "latency", "400ms", NULL};
    must(shape);

    /* The sink runs in B; its stdout tells when it listens and what it
     * measured. */
    int pfd[2];
    cr_assert_eq(pipe(pfd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pfd[0]);
    const char *sink[] = {"ip",   "netns",     "exec", ns_b, XY_LINKEM_NSHELPER,
                          "sink", "192.0.2.2", "5001", NULL};
    cr_assert_eq(posix_spawnp(&s_sink_pid, "ip", &fa, NULL, (char *const *)sink,
                              environ),
                 0);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    FILE *out = fdopen(pfd[0], "r");
    struct pollfd p = {.fd = pfd[0], .events = POLLIN};
    cr_assert_eq(poll(&p, 1, 10000), 1, "the sink did not start");
    cr_assert_not_null(fgets(line, sizeof(line), out));
    cr_assert_str_eq(line, "ready\n");

    char count[32];
    snprintf(count, sizeof(count), "%d", TRANSFER_BYTES);
    const char *send[] = {
        "ip",   "netns",     "exec", ns_a,  XY_LINKEM_NSHELPER,
        "send", "192.0.2.2", "5001", count, NULL};
    must(send);
    cr_assert_eq(poll(&p, 1, 10000), 1, "the sink reported nothing");
    cr_assert_not_null(fgets(line, sizeof(line), out));
    fclose(out);
    waitpid(s_sink_pid, NULL, 0);
    s_sink_pid = 0;

    long long bytes = 0, us = 0;
    cr_assert_eq(sscanf(line, "%lld %lld", &bytes, &us), 2, "'%s'", line);
    cr_assert_eq(bytes, TRANSFER_BYTES);
    cr_assert_gt(us, 0);
    double bps = (double)bytes * 8.0 * 1e6 / (double)us;
    cr_log_info("goodput %.0f bit/s through tbf 1mbit", bps);
    cr_assert_leq(bps, SHAPED_BPS * 1.10, "goodput %.0f bit/s over 1mbit", bps);
    /* The link must carry something: a broken set-up is a failure too. */
    cr_assert_geq(bps, SHAPED_BPS * 0.30, "goodput only %.0f bit/s", bps);
}

/* The red-flag scenario across a real kernel link: the coordinator in one
 * network namespace, the agent in another, joined by a veth pair shaped to
 * 64 kbit/s each way with tbf (netem is absent here). The namespaces are
 * made by the test (xysA-<pid>, xysB-<pid>) and deleted in fini; when they
 * cannot be made (not root, no iproute2) the test says why and skips. */
#include "tests/sync/redflag.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static char s_ns[2][32];

static int s_ip(const char *const *args)
{
    const char *argv[24] = {"/usr/sbin/ip"};
    int n = 1;
    for (; args[n - 1] && n < 23; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    return xh_run(NULL, 0, argv);
}

static void s_fini(void)
{
    for (int i = 0; i < 2; i++)
        if (s_ns[i][0]) {
            const char *del[] = {"netns", "del", s_ns[i], NULL};
            int rc = s_ip(del);
            if (rc)
                fprintf(stderr, "ip netns del %s: status %d\n", s_ns[i], rc);
            s_ns[i][0] = '\0';
        }
}

static void s_teardown(void)
{
    xh_kill_all(); /* the daemons first: they live in the namespaces */
    s_fini();
    xh_teardown();
}

TestSuite(sync_redflag_netns, .init = xh_setup, .fini = s_teardown,
          .timeout = 200);

#define MUST(...)                                                          \
    do {                                                                   \
        const char *a_[] = {__VA_ARGS__, NULL};                            \
        cr_assert_eq(s_ip(a_), 0, "ip %s %s %s failed", a_[0], a_[1],      \
                     a_[2]);                                               \
    } while (0)

Test(sync_redflag_netns, red_flag_overtakes_backlog_on_tbf_64kbit_veth)
{
    char a[32], b[32];
    snprintf(a, sizeof a, "xysA-%ld", (long)getpid());
    snprintf(b, sizeof b, "xysB-%ld", (long)getpid());
    const char *add[] = {"netns", "add", a, NULL};
    if (s_ip(add) != 0)
        cr_skip_test("cannot create a network namespace: needs root or "
                     "CAP_SYS_ADMIN and iproute2");
    strcpy(s_ns[0], a);
    MUST("netns", "add", b);
    strcpy(s_ns[1], b);
    MUST("-n", a, "link", "add", "va", "type", "veth", "peer", "name", "vb",
         "netns", b);
    MUST("-n", a, "addr", "add", "192.0.2.1/24", "dev", "va");
    MUST("-n", b, "addr", "add", "192.0.2.2/24", "dev", "vb");
    MUST("-n", a, "link", "set", "va", "up");
    MUST("-n", b, "link", "set", "vb", "up");
    MUST("-n", a, "link", "set", "lo", "up");
    MUST("-n", b, "link", "set", "lo", "up");
    MUST("netns", "exec", a, "/usr/sbin/tc", "qdisc", "add", "dev", "va",
         "root", "tbf", "rate", "64kbit", "burst", "1600", "latency",
         "400ms");
    MUST("netns", "exec", b, "/usr/sbin/tc", "qdisc", "add", "dev", "vb",
         "root", "tbf", "rate", "64kbit", "burst", "1600", "latency",
         "400ms");

    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    xh_config_str(cl.coord.dir, "listen", "tcp://192.0.2.1:7701");
    xh_config_str(cl.coord.dir, "publish", "tcp://192.0.2.1:7702");
    uint8_t inc[XY_ID_LEN];
    xh_declare(&cl, inc);
    xh_agent_init(&cl, 0, "tent", inc, true);
    xh_config_str(cl.agents[0].dir, "coordinator", "tcp://192.0.2.1:7701");
    xh_config_str(cl.agents[0].dir, "coordinator_publish",
                  "tcp://192.0.2.1:7702");
    xh_start_in(&cl.coord, XY_COORDINATOR_BIN, a);
    xh_start_in(&cl.agents[0], XY_AGENT_BIN, b);
    redflag_result_t r;
    redflag_run(&cl, inc, &r);
    redflag_check("veth tbf 64kbit", &r);
    cr_assert(xh_alive(cl.coord.pid) && xh_alive(cl.agents[0].pid));
}

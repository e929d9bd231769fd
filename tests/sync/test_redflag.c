/* A red flag raised behind a 10,000-event backlog on a 64 kbit/s link
 * (xinyuan-linkem --rate 64kbit between the agent and the coordinator) is
 * stored at the coordinator long before the backlog drains: the urgent
 * lane overtakes bulk, and the window keeps the queues short. */
#include "tests/sync/redflag.h"

#include <criterion/criterion.h>
#include <signal.h>

TestSuite(sync_redflag, .init = xh_setup, .fini = xh_teardown,
          .timeout = 200);

Test(sync_redflag, red_flag_overtakes_backlog_on_64kbit_link)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    uint8_t inc[XY_ID_LEN];
    xh_declare(&cl, inc);
    xh_agent_init(&cl, 0, "tent", inc, true);
    pid_t link = 0;
    const char *rate[] = {"--rate", "64kbit", "--quiet", NULL};
    uint16_t port = xh_linkem("link", cl.port, NULL, rate, &link);
    xh_agent_route(&cl.agents[0], port, cl.pub_port);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    xh_start(&cl.agents[0], XY_AGENT_BIN);
    redflag_result_t r;
    redflag_run(&cl, inc, &r);
    redflag_check("linkem 64kbit", &r);
    cr_assert(xh_alive(cl.coord.pid) && xh_alive(cl.agents[0].pid));
}

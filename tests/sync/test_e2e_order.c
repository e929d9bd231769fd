/* Orders, their acknowledgement and their escalation end to end, with real
 * daemons and their command lines. The command center registers a team
 * (`team add`) and orders it to a zone of an incident (`order`); a field
 * agent scoped to that incident, behind a flapping link (xinyuan-linkem,
 * seeded: up 1 to 3 s at a time, downs of 150 to 600 ms, one reset),
 * receives it (`orders`), the team leader acknowledges it (`order ack`) and
 * the coordinator sees the acknowledgement (`list orders`); the order is
 * given just after the link went down, the acknowledgement just after the
 * next down or reset, so both meet the flapping. Then the link
 * is held down (the schedule's long down, data held, not refused): a
 * second order is given, nobody can acknowledge it, and `list orders
 * --overdue` with a 3 s acknowledgement timeout lists it for the
 * commander. When the link comes back the order arrives, is acknowledged,
 * and is no longer overdue. Times run from a command's return (its commit)
 * or the link's return to the return of the first poll that shows the
 * effect; a poll is one command run (tens of ms). */
#include "tests/sync/e2e.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLAP_MS 8000    /* the link flaps about this long, */
#define STEADY_MS 3000  /* then stays up this long, */
#define HOLD_MS 10000   /* then is held down this long, then up for good */
#define TIMEOUT_MIN "0.05"  /* acknowledgement timeout: 3 s */
#define TIMEOUT_MS 3000
#define SEEN_MAX 30000  /* bound of every wait for an order or an ack, ms */
#define LEADER "Zhou Li"

TestSuite(sync_e2e_order, .init = xh_setup, .fini = xh_teardown,
          .timeout = 150);

typedef struct s_order {
    char id[33];
    bool acked; /* awaited: acknowledged by LEADER; else: present */
} s_order_t;

static bool s_order_seen(json_t *orders, void *arg)
{
    const s_order_t *o = arg;
    json_t *j = e2e_find(orders, o->id);
    if (!j || !o->acked)
        return j != NULL;
    const char *by = e2e_str(j, "acknowledged_by");
    return by && strcmp(by, LEADER) == 0;
}

static bool s_listed(json_t *orders, void *arg)
{
    return e2e_find(orders, arg) != NULL;
}

/* Gives an order to team for incident; its id into id. */
static void s_order(xh_cluster_t *cl, const char *incident, const char *team,
                    const char *zone, char id[33])
{
    const char *args[] = {"order", "--incident", incident, "--team", team,
                          "--zone-name", zone, "--explain",
                          "nearest team with a psychiatrist; 2.1 h by road",
                          NULL};
    json_t *j = e2e_cli(&cl->coord, XY_COORDINATOR_BIN, args);
    const char *x = e2e_str(j, "id");
    cr_assert(x && strlen(x) == 32, "order gave no id");
    snprintf(id, 33, "%s", x);
    json_decref(j);
}

static void s_ack(xh_node_t *a, const char *order)
{
    const char *args[] = {"order", "ack", order, "--by", LEADER, NULL};
    json_decref(e2e_cli(a, XY_AGENT_BIN, args));
}

/* Whether the overdue list of the coordinator holds order. */
static bool s_overdue(xh_cluster_t *cl, const char *order)
{
    const char *args[] = {"list", "orders", "--overdue", "--timeout-min",
                          TIMEOUT_MIN, NULL};
    json_t *j = e2e_cli(&cl->coord, XY_COORDINATOR_BIN, args);
    bool has = e2e_find(j, order) != NULL;
    json_decref(j);
    return has;
}

/* Whether n's store holds exactly one order and one acknowledgement. */
static void s_once(xh_node_t *n, const char *order)
{
    cr_assert_eq(e2e_count_about(n, XY__EVENT__BODY_DEPLOYMENT_ORDERED,
                                 order),
                 1, "%s: order %s stored other than once", n->name, order);
    cr_assert_eq(e2e_count_about(n, XY__EVENT__BODY_DEPLOYMENT_ACKED, order),
                 1, "%s: order %s acknowledged other than once", n->name,
                 order);
}

static void s_print(const char *what, uint64_t ms)
{
    fprintf(stderr, "%s: %llu ms\n", what, (unsigned long long)ms);
    cr_log_info("%s: %llu ms", what, (unsigned long long)ms);
}

Test(sync_e2e_order,
     orders_are_acknowledged_and_escalated_through_a_flapping_link)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    xh_config_str(cl.coord.dir, "http", "");
    uint8_t inc[XY_ID_LEN];
    char inc_hex[33];
    xh_declare(&cl, inc);
    xh_hex(inc_hex, inc, XY_ID_LEN);
    xh_agent_init(&cl, 0, "team-tent", inc, true);
    xh_node_t *a = &cl.agents[0];
    xh_config_str(a->dir, "http", "");
    uint64_t flap_end = 0;
    char *flap = e2e_flap_schedule(7, FLAP_MS, &flap_end);
    char steps[2][E2E_STEP_MAX];
    cr_assert_eq(e2e_schedule_steps(flap, steps, 2), 2,
                 "the schedule has too few downs and resets:\n%s", flap);
    uint64_t down_at = flap_end + STEADY_MS, up_at = down_at + HOLD_MS;
    size_t len = strlen(flap) + 128;
    char *sched = malloc(len);
    cr_assert_not_null(sched);
    snprintf(sched, len, "%s%llums down\n%llums up\n", flap,
             (unsigned long long)down_at, (unsigned long long)up_at);
    free(flap);
    pid_t link = 0, link_pub = 0;
    uint16_t p = xh_linkem("link", cl.port, sched, NULL, &link);
    uint16_t pp = xh_linkem("link-pub", cl.pub_port, sched, NULL, &link_pub);
    free(sched);
    xh_agent_route(a, p, pp);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    xh_start(a, XY_AGENT_BIN);

    /* The team is a registry event: every agent's scope. */
    const char *team_add[] = {
        "team", "add", "--name", "Ganzi county crisis team 1", "--level",
        "county", "--lat", "30.05", "--lon", "101.96", "--member",
        LEADER ":psychiatrist", "--member", "Tashi:counselor:bo|sichuanese",
        NULL};
    json_t *tj = e2e_cli(&cl.coord, XY_COORDINATOR_BIN, team_add);
    char team[33];
    cr_assert_not_null(e2e_str(tj, "id"));
    snprintf(team, sizeof team, "%s", e2e_str(tj, "id"));
    json_decref(tj);
    const char *orders[] = {"orders", NULL};
    const char *list[] = {"list", "orders", NULL};

    /* 1. Through the flapping link. */
    s_order_t o1 = {.acked = false};
    e2e_wait_log("link", steps[0], FLAP_MS);
    s_order(&cl, inc_hex, team, "Moxi town", o1.id);
    uint64_t issued = xh_now_ms();
    uint64_t seen = e2e_poll(a, XY_AGENT_BIN, orders, s_order_seen, &o1,
                             SEEN_MAX, "order 1 at the agent");
    e2e_wait_log("link", steps[1], FLAP_MS);
    s_ack(a, o1.id);
    uint64_t acked = xh_now_ms();
    o1.acked = true;
    uint64_t back = e2e_poll(&cl.coord, XY_COORDINATOR_BIN, list,
                             s_order_seen, &o1, SEEN_MAX,
                             "the acknowledgement of order 1 at the "
                             "coordinator");
    fprintf(stderr, "order 1 given just after '%.*s', acknowledged just "
            "after '%.*s'\n", (int)strlen(steps[0]) - 1, steps[0],
            (int)strlen(steps[1]) - 1, steps[1]);
    s_print("order 1 (flapping link): issue->seen at agent", seen - issued);
    s_print("order 1 (flapping link): ack->seen at coordinator",
            back - acked);
    cr_assert(!s_overdue(&cl, o1.id), "an acknowledged order is overdue");

    /* 2. While the link is held down. */
    char down[64], up[64];
    snprintf(down, sizeof down, "linkem: t=%llums down\n",
             (unsigned long long)down_at);
    snprintf(up, sizeof up, "linkem: t=%llums up\n",
             (unsigned long long)up_at);
    cr_assert(!e2e_log_has("link", down) && !e2e_log_has("link-pub", down),
              "order 1 outlasted the flapping part of the schedule (%llu "
              "ms): the held-down part began before order 2", (unsigned long
              long)down_at);
    e2e_wait_log("link", down, down_at + 10000);
    e2e_wait_log("link-pub", down, 10000);
    uint64_t down_seen = xh_now_ms();
    s_order_t o2 = {.acked = false};
    s_order(&cl, inc_hex, team, "Detuo township", o2.id);
    issued = xh_now_ms();
    cr_assert(!s_overdue(&cl, o2.id), "order 2 overdue at once");
    const char *overdue[] = {"list", "orders", "--overdue", "--timeout-min",
                             TIMEOUT_MIN, NULL};
    uint64_t escalated = e2e_poll(&cl.coord, XY_COORDINATOR_BIN, overdue,
                                  s_listed, o2.id, HOLD_MS,
                                  "order 2 in the overdue list");
    s_print("order 2 (link held down): issue->listed overdue",
            escalated - issued);
    cr_assert_geq(escalated - issued + 100, TIMEOUT_MS,
                  "listed overdue before the timeout");
    /* What the commander reads. */
    char *text = malloc(64 * 1024);
    cr_assert_not_null(text);
    const char *table[] = {XY_COORDINATOR_BIN, "-d", cl.coord.dir, "list",
                           "orders", "--overdue", "--timeout-min",
                           TIMEOUT_MIN, NULL};
    cr_assert_eq(xh_run(text, 64 * 1024, table), 0);
    cr_assert(strstr(text, o2.id) && strstr(text, "** OVERDUE **"),
              "the overdue table does not show order 2: %s", text);
    free(text);
    json_t *held = e2e_cli(a, XY_AGENT_BIN, orders);
    cr_assert_null(e2e_find(held, o2.id),
                   "order 2 reached the agent through a link held down");
    json_decref(held);
    cr_assert(!e2e_log_has("link", up),
              "the link came back before the checks of the held-down part "
              "(%llu ms after it went down)",
              (unsigned long long)(xh_now_ms() - down_seen));

    /* 3. The link comes back. */
    e2e_wait_log("link", up, HOLD_MS + 10000);
    e2e_wait_log("link-pub", up, 10000);
    uint64_t up_seen = xh_now_ms();
    seen = e2e_poll(a, XY_AGENT_BIN, orders, s_order_seen, &o2, SEEN_MAX,
                    "order 2 at the agent after the link came back");
    s_ack(a, o2.id);
    acked = xh_now_ms();
    o2.acked = true;
    back = e2e_poll(&cl.coord, XY_COORDINATOR_BIN, list, s_order_seen, &o2,
                    SEEN_MAX, "the acknowledgement of order 2 at the "
                    "coordinator");
    s_print("order 2 (link held down): issue->seen at agent", seen - issued);
    s_print("order 2 (link held down): link up->seen at agent",
            seen - up_seen);
    s_print("order 2 (link held down): ack->seen at coordinator",
            back - acked);
    cr_assert(!s_overdue(&cl, o2.id), "order 2 still overdue once "
              "acknowledged");
    cr_assert(!s_overdue(&cl, o1.id));

    s_once(&cl.coord, o1.id);
    s_once(&cl.coord, o2.id);
    s_once(a, o1.id);
    s_once(a, o2.id);
    cl.written[0] = 2; /* the agent's two acknowledgements */
    xh_wait_converged(&cl, 30000);
    cr_assert_eq(xh_stop(&a->pid, SIGTERM), 0, "agent did not stop cleanly");
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0,
                 "coordinator did not stop cleanly");
    xh_stop(&link, SIGTERM);
    xh_stop(&link_pub, SIGTERM);
    xh_assert_converged(&cl);
}

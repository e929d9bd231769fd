/* A red flag's round trip end to end, with real daemons and their command
 * lines: a field agent behind a flapping link (xinyuan-linkem, seeded: up
 * 1 to 3 s at a time, downs of 150 to 600 ms, one reset) registers a
 * person and runs `triage` with a C-SSRS screen that raises a red flag;
 * the test polls `list flags` at the coordinator until the flag is there,
 * acknowledges it there with `flag ack --by "Dr Wang"`, and polls the
 * agent's `list flags` until the acknowledgement is back. Five flags in a
 * row, one person each, each raised just after a step of the schedule was
 * applied (the link went down, or every connection was reset), so that
 * every flag meets the flapping rather than slipping through an up period.
 * Times run from a command's return (its commit) to the return of the
 * first poll that shows its effect; a poll is one command run (tens of
 * ms), so that is the resolution. */
#include "tests/sync/e2e.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_FLAGS 5
#define FLAP_MS 16000        /* the link flaps this long, then stays up */
#define ROUND_TRIP_MAX 30000 /* raise to acknowledged at the agent, ms */
#define ACKER "Dr Wang"

TestSuite(sync_e2e_flag, .init = xh_setup, .fini = xh_teardown,
          .timeout = 150);

typedef struct s_flag {
    char id[33];
    bool acked; /* awaited: acknowledged by ACKER; else: present */
} s_flag_t;

static bool s_flag_seen(json_t *flags, void *arg)
{
    const s_flag_t *f = arg;
    json_t *o = e2e_find(flags, f->id);
    if (!o || !f->acked)
        return o != NULL;
    const char *by = e2e_str(o, "acknowledged_by");
    return by && strcmp(by, ACKER) == 0;
}

/* Registers a person at the agent and raises a red flag for them; the
 * flag's id into id. */
static void s_raise(xh_node_t *a, const char *incident, int i, char id[33])
{
    char site[32];
    snprintf(site, sizeof site, "Luding school tent %d", i + 1);
    const char *add[] = {"person", "add", "--incident", incident,
                         "--age-band", "30", "--site", site, NULL};
    json_t *p = e2e_cli(a, XY_AGENT_BIN, add);
    const char *pid = e2e_str(p, "id");
    cr_assert_not_null(pid);
    /* C-SSRS screener: wish to be dead, thoughts, method: a red flag. */
    const char *triage[] = {"triage", "--person", pid, "--screen",
                            "C-SSRS=1,1,1,0,0,0", NULL};
    json_t *t = e2e_cli(a, XY_AGENT_BIN, triage);
    cr_assert(json_is_true(json_object_get(t, "red_flag")),
              "C-SSRS 1,1,1,0,0,0 raised no red flag");
    const char *fid = e2e_str(t, "flag");
    cr_assert(fid && strlen(fid) == 32, "triage gave no flag id");
    snprintf(id, 33, "%s", fid);
    json_decref(t);
    json_decref(p);
}

/* Every flag once in list, acknowledged by ACKER; stored once and
 * acknowledged once in n's log. */
static void s_check_flags(xh_node_t *n, const char *bin,
                          char ids[N_FLAGS][33])
{
    const char *list[] = {"list", "flags", NULL};
    json_t *flags = e2e_cli(n, bin, list);
    cr_assert_eq(json_array_size(flags), N_FLAGS, "%s holds %zu flags",
                 n->name, json_array_size(flags));
    for (int i = 0; i < N_FLAGS; i++) {
        json_t *o = e2e_find(flags, ids[i]);
        cr_assert_not_null(o, "%s lost flag %d", n->name, i + 1);
        cr_assert_str_eq(e2e_str(o, "acknowledged_by"), ACKER);
        cr_assert_eq(e2e_count_about(n, XY__EVENT__BODY_RED_FLAG_RAISED,
                                     ids[i]),
                     1, "%s: flag %d raised more than once", n->name, i + 1);
        cr_assert_eq(e2e_count_about(n,
                                     XY__EVENT__BODY_RED_FLAG_ACKNOWLEDGED,
                                     ids[i]),
                     1, "%s: flag %d not acknowledged exactly once",
                     n->name, i + 1);
    }
    json_decref(flags);
}

Test(sync_e2e_flag, five_red_flags_round_trip_through_a_flapping_link)
{
    xh_cluster_t cl = {0};
    xh_coord_init(&cl);
    xh_config_str(cl.coord.dir, "http", "");
    uint8_t inc[XY_ID_LEN];
    char inc_hex[33];
    xh_declare(&cl, inc);
    xh_hex(inc_hex, inc, XY_ID_LEN);
    xh_agent_init(&cl, 0, "tent", inc, true);
    xh_node_t *a = &cl.agents[0];
    xh_config_str(a->dir, "http", "");
    /* Both channels behind the same schedule. */
    char *sched = e2e_flap_schedule(2024, FLAP_MS, NULL);
    char steps[N_FLAGS][E2E_STEP_MAX];
    cr_assert_eq(e2e_schedule_steps(sched, steps, N_FLAGS), N_FLAGS,
                 "the schedule has too few downs and resets:\n%s", sched);
    pid_t link = 0, link_pub = 0;
    uint16_t p = xh_linkem("link", cl.port, sched, NULL, &link);
    uint16_t pp = xh_linkem("link-pub", cl.pub_port, sched, NULL, &link_pub);
    free(sched);
    xh_agent_route(a, p, pp);
    xh_start(&cl.coord, XY_COORDINATOR_BIN);
    xh_start(a, XY_AGENT_BIN);

    char ids[N_FLAGS][33];
    uint64_t to_coord[N_FLAGS], to_agent[N_FLAGS], total[N_FLAGS];
    const char *list[] = {"list", "flags", NULL};
    for (int i = 0; i < N_FLAGS; i++) {
        e2e_wait_log("link", steps[i], FLAP_MS + 10000);
        s_raise(a, inc_hex, i, ids[i]);
        uint64_t raised = xh_now_ms();
        s_flag_t f = {.acked = false};
        memcpy(f.id, ids[i], sizeof f.id);
        uint64_t seen = e2e_poll(&cl.coord, XY_COORDINATOR_BIN, list,
                                 s_flag_seen, &f, ROUND_TRIP_MAX,
                                 "the red flag at the coordinator");
        const char *ack[] = {"flag", "ack", ids[i], "--by", ACKER,
                             "--action", "called the tent; the county "
                             "psychiatrist is on the way", NULL};
        json_decref(e2e_cli(&cl.coord, XY_COORDINATOR_BIN, ack));
        uint64_t acked = xh_now_ms();
        f.acked = true;
        uint64_t back = e2e_poll(a, XY_AGENT_BIN, list, s_flag_seen, &f,
                                 ROUND_TRIP_MAX,
                                 "the acknowledgement at the agent");
        to_coord[i] = seen - raised;
        to_agent[i] = back - acked;
        total[i] = back - raised;
        fprintf(stderr, "flag %d (raised just after '%.*s'): "
                "raise->coordinator %llu ms, ack->agent %llu ms, "
                "raise->acknowledged at agent %llu ms\n", i + 1,
                (int)strlen(steps[i]) - 1, steps[i],
                (unsigned long long)to_coord[i],
                (unsigned long long)to_agent[i],
                (unsigned long long)total[i]);
        cr_assert_lt(total[i], ROUND_TRIP_MAX, "flag %d took %llu ms", i + 1,
                     (unsigned long long)total[i]);
    }
    e2e_report("raise->seen at coordinator", to_coord, N_FLAGS);
    e2e_report("ack->seen at agent", to_agent, N_FLAGS);
    e2e_report("raise->acknowledged at agent", total, N_FLAGS);

    s_check_flags(&cl.coord, XY_COORDINATOR_BIN, ids);
    s_check_flags(a, XY_AGENT_BIN, ids);
    /* The agent wrote a person, a triage and a flag per round. */
    cl.written[0] = 3 * N_FLAGS;
    xh_wait_converged(&cl, 30000);
    cr_assert_eq(xh_stop(&a->pid, SIGTERM), 0, "agent did not stop cleanly");
    cr_assert_eq(xh_stop(&cl.coord.pid, SIGTERM), 0,
                 "coordinator did not stop cleanly");
    xh_stop(&link, SIGTERM);
    xh_stop(&link_pub, SIGTERM);
    xh_assert_converged(&cl);
}

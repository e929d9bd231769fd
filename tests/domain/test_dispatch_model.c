/* Tests of teams and orders as views (domain/team.h,
 * domain/dispatch_model.h) through a real event log: registration, the
 * rest rules, acknowledgement and the overdue list. */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "domain/dispatch.h"
#include "domain/dispatch_model.h"
#include "domain/team.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static domain_model_t *m;
static event_log_t *log_;

static void setup(void)
{
    dir = xy_test_mkdtemp();
    m = domain_model_new();
    uint8_t node[XY_ID_LEN];
    xy_test_id(node, 1);
    event_log_opts_t o = {.views = m->views};
    cr_assert_eq(event_log_open(&log_, dir, node, &o), 0);
}

static void teardown(void)
{
    event_log_destroy(&log_);
    domain_model_destroy(&m);
    xy_test_rmdir(&dir);
}

TestSuite(dispatch_model, .init = setup, .fini = teardown);

static void s_write(Xy__Event *ev)
{
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    cr_assert_eq(event_log_write(log_, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
}

static uint8_t s_n;
static void s_id(uint8_t id[DOMAIN_ID_LEN])
{
    memset(id, 0, DOMAIN_ID_LEN);
    id[0] = ++s_n;
}

static json_t *s_out;
static uint64_t s_now, s_timeout;
static int s_teams(view_txn_t *vt, void *arg)
{
    s_out = dispatch_team_list(vt, m, s_now, arg != NULL);
    return s_out ? 0 : XY_ECORRUPT;
}
static int s_overdue(view_txn_t *vt, void *arg)
{
    (void)arg;
    s_out = dispatch_overdue(vt, m, s_now, s_timeout);
    return s_out ? 0 : XY_ECORRUPT;
}

Test(dispatch_model, usage_import_teams_order_and_acknowledge)
{
    const char *csv =
        "team,level,home_lat,home_lon,member,role,languages\n"
        "川一队,province,30.67,104.06,张,psychiatrist,zh|sichuanese\n"
        "川一队,province,30.67,104.06,李,counselor,zh\n";
    team_t *teams = NULL;
    size_t n = 0;
    domain_error_t err;
    cr_assert_eq(team_csv_parse(&teams, &n, csv, strlen(csv), s_id, &err), 0,
                 "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(teams[0].n_members, 2);
    team_event_t te;
    cr_assert_eq(team_register(&te, &teams[0], false, "ops", &err), 0);
    s_write(&te.ev);

    s_now = (uint64_t)2e12;
    cr_assert_eq(event_log_view_read(log_, s_teams, NULL), 0);
    json_t *t0 = json_array_get(s_out, 0);
    cr_assert_str_eq(json_string_value(json_object_get(t0, "name")),
                     "川一队");
    cr_assert_eq(json_integer_value(json_object_get(t0, "psychiatrists")), 1);
    cr_assert(json_is_true(json_object_get(t0, "available")));
    json_decref(s_out);

    domain_id_t order = {{0x42}}, inc = {{0x43}};
    dispatch_order_input_t in = {.incident = &inc, .team = &teams[0].id,
                                 .zone_name = "汶川县",
                                 .explanation = "closest psychiatrist"};
    domain_event_t de;
    cr_assert_eq(dispatch_order(&de, &order, &in, 0, NULL), 0);
    s_write(&de.ev);
    /* Far in the future: unacknowledged for longer than any timeout. */
    s_now = UINT64_MAX / 2;
    s_timeout = 15 * 60000;
    cr_assert_eq(event_log_view_read(log_, s_overdue, NULL), 0);
    cr_assert_eq(json_array_size(s_out), 1);
    json_decref(s_out);

    dispatch_field_event_t ack;
    cr_assert_eq(dispatch_ack_build(&ack, &order, &teams[0].id, &inc, "张",
                                    false, "leader", &err), 0);
    s_write(&ack.ev);
    cr_assert_eq(event_log_view_read(log_, s_overdue, NULL), 0);
    cr_assert_eq(json_array_size(s_out), 0);
    json_decref(s_out);
    free(teams);
}

Test(dispatch_model, a_team_deployed_past_its_limit_is_due_for_relief)
{
    team_t *t = calloc(1, sizeof *t);
    t->id.b[0] = 9;
    strcpy(t->name, "T");
    t->level = XY__TEAM_LEVEL__TEAM_COUNTY;
    t->lat = 31;
    t->lon = 103;
    t->max_deployed_days = 10;
    t->n_members = 1;
    strcpy(t->members[0].name, "a");
    t->members[0].role = XY__ROLE__ROLE_COUNSELOR;
    team_event_t te;
    cr_assert_eq(team_register(&te, t, false, "ops", NULL), 0);
    s_write(&te.ev);
    team_status_event_t se;
    cr_assert_eq(team_status_build(&se, &t->id,
                                   XY__READINESS__READINESS_DEPLOYED, false,
                                   "ops", NULL), 0);
    s_write(&se.ev);
    s_now = UINT64_MAX / 2;
    cr_assert_eq(event_log_view_read(log_, s_teams, (void *)1), 0);
    cr_assert_eq(json_array_size(s_out), 1);
    json_t *t0 = json_array_get(s_out, 0);
    cr_assert(json_is_true(json_object_get(t0, "relief_due")));
    cr_assert(json_is_false(json_object_get(t0, "available")));
    json_decref(s_out);
    cr_assert(team_available(XY__READINESS__READINESS_RESTING, 0,
                             7 * 86400000ull, 7));
    cr_assert_not(team_available(XY__READINESS__READINESS_RESTING, 0,
                                 7 * 86400000ull - 1, 7));
    free(t);
}

Test(dispatch_model, csv_errors_name_the_line_and_store_nothing)
{
    static const struct {
        const char *csv, *want;
    } cases[] = {
        {"team,level,home_lat,home_lon,member\nA,county,31,103,x\n",
         "no column \"role\""},
        {"team,level,home_lat,home_lon,member,role\n"
         "A,county,31,103,x,counselor\nA,city,31,103,y,counselor\n",
         "line 3, column level"},
        {"team,level,home_lat,home_lon,member,role\n"
         "A,county,31,103,x,counselor\nA,county,32,103,y,counselor\n",
         "line 3: team A differs"},
        {"team,level,home_lat,home_lon,member,role\n"
         "A,county,91,103,x,counselor\n", "line 2, columns home_lat"},
        {"team,level,home_lat,home_lon,member,role\n"
         "\"A,county,31,103,x,counselor\n", "line 2: a quote is never closed"},
        {"team,level,home_lat,home_lon,member,role\n"
         "A,county,31,103,x,counselor\nA,county,31,103,x,counselor\n",
         "listed twice"},
        {"", "empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        team_t *teams = (team_t *)1;
        size_t n = 5;
        domain_error_t err = {0};
        int rc = team_csv_parse(&teams, &n, cases[i].csv,
                                strlen(cases[i].csv), s_id, &err);
        cr_assert_neq(rc, 0, "case %zu accepted", i);
        cr_assert_null(teams);
        cr_assert_eq(n, 0);
        cr_assert_not_null(strstr(err.msg, cases[i].want), "case %zu: %s",
                           i, err.msg);
    }
}

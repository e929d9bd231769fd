/* Tests of exercise isolation (domain/exercise.h): the one rule over a real
 * store and model, the plan's and the handoffs' registries, and the
 * marking of exports (PFIF, EDXL-RM). */
#include "domain/dispatch_edxl.h"
#include "domain/exercise.h"
#include "domain/model.h"
#include "domain/pfif.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
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
    xy_test_id(node, 7);
    event_log_opts_t o = {.views = m->views};
    cr_assert_eq(event_log_open(&log_, dir, node, &o), 0);
}

static void teardown(void)
{
    event_log_destroy(&log_);
    domain_model_destroy(&m);
    xy_test_rmdir(&dir);
}

TestSuite(exercise, .init = setup, .fini = teardown, .timeout = 60);

/* An event under construction: the envelope and every body it may use. */
typedef struct s_ev {
    Xy__Event ev;
    Xy__IncidentDeclared decl;
    Xy__PersonRegistered person;
    Xy__RedFlagRaised flag;
    Xy__TeamRegistered team;
    Xy__TeamStatusChanged status;
    Xy__DeploymentOrdered order;
    Xy__ServiceRegistered service;
    Xy__HandoffProposed handoff;
    uint8_t inc[XY_ID_LEN], a[XY_ID_LEN], b[XY_ID_LEN];
} s_ev_t;

/* Fills e with an event of type for incident number inc (0: none), with
 * subject ids a and b (numbers; 0: unset). */
static Xy__Event *s_make(s_ev_t *e, uint32_t type, uint32_t inc,
                         bool exercise, uint32_t a, uint32_t b)
{
    memset(e, 0, sizeof *e);
    xy__event__init(&e->ev);
    e->ev.exercise = exercise;
    e->ev.author = "tester";
    if (inc) {
        xy_test_id(e->inc, 1000 + inc);
        e->ev.incident_id = (ProtobufCBinaryData){XY_ID_LEN, e->inc};
    }
    xy_test_id(e->a, a);
    xy_test_id(e->b, b);
    ProtobufCBinaryData ida = {XY_ID_LEN, e->a}, idb = {XY_ID_LEN, e->b};
    e->ev.body_case = (Xy__Event__BodyCase)type;
    switch (type) {
    case XY__EVENT__BODY_INCIDENT_DECLARED:
        xy__incident_declared__init(&e->decl);
        e->decl.title = "drill or not";
        e->ev.incident_declared = &e->decl;
        break;
    case XY__EVENT__BODY_PERSON_REGISTERED:
        xy__person_registered__init(&e->person);
        e->person.person_id = ida;
        e->ev.person_registered = &e->person;
        break;
    case XY__EVENT__BODY_RED_FLAG_RAISED:
        xy__red_flag_raised__init(&e->flag);
        e->flag.flag_id = ida;
        e->flag.person_id = idb;
        e->ev.red_flag_raised = &e->flag;
        break;
    case XY__EVENT__BODY_TEAM_REGISTERED:
        xy__team_registered__init(&e->team);
        e->team.team_id = ida;
        e->team.name = "team";
        e->ev.team_registered = &e->team;
        break;
    case XY__EVENT__BODY_TEAM_STATUS_CHANGED:
        xy__team_status_changed__init(&e->status);
        e->status.team_id = ida;
        e->status.readiness = XY__READINESS__READINESS_ALERTED;
        e->ev.team_status_changed = &e->status;
        break;
    case XY__EVENT__BODY_DEPLOYMENT_ORDERED:
        xy__deployment_ordered__init(&e->order);
        e->order.order_id = ida;
        e->order.team_id = idb;
        e->ev.deployment_ordered = &e->order;
        break;
    case XY__EVENT__BODY_SERVICE_REGISTERED:
        xy__service_registered__init(&e->service);
        e->service.service_id = ida;
        e->service.name = "clinic";
        e->ev.service_registered = &e->service;
        break;
    case XY__EVENT__BODY_HANDOFF_PROPOSED:
        xy__handoff_proposed__init(&e->handoff);
        e->handoff.handoff_id = ida;
        e->handoff.service_id = idb;
        e->ev.handoff_proposed = &e->handoff;
        break;
    default:
        cr_assert_fail("type %u not built here", type);
    }
    return &e->ev;
}

static void s_store(Xy__Event *ev)
{
    event_write_t w = {.kind = EVENT_WRITE_OWN, .own = ev};
    cr_assert_eq(event_log_write(log_, &w, 1, NULL), 0);
    cr_assert_eq(w.status, 0);
}

static int s_check(Xy__Event *ev, exercise_memo_t *memo, char *why)
{
    return exercise_check_log(log_, m, ev, memo, why, EXERCISE_WHY_MAX);
}

Test(exercise, an_event_carries_its_incidents_flag)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 1, false, 0, 0));
    /* A real person in the real incident is admitted... */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 1,
                                false, 11, 0), NULL, why), 0);
    cr_assert_str_empty(why);
    /* ...an exercise one is not, and the reason names both flags. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 1,
                                true, 11, 0), NULL, why), XY_EEXERCISE);
    cr_assert_not_null(strstr(why, "exercise event tied to real incident"),
                       "%s", why);
    /* And the reverse, in an exercise incident. */
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 2, true, 0, 0));
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_RED_FLAG_RAISED, 2,
                                false, 21, 22), NULL, why), XY_EEXERCISE);
    cr_assert_not_null(strstr(why, "real event tied to exercise incident"),
                       "%s", why);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_RED_FLAG_RAISED, 2, true,
                                21, 22), NULL, why), 0);
}

Test(exercise, a_declaration_again_keeps_the_flag)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 1, true, 0, 0));
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 1,
                                false, 0, 0), NULL, why), XY_EEXERCISE);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 1,
                                true, 0, 0), NULL, why), 0);
}

Test(exercise, before_its_declaration_the_first_events_fix_the_flag)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    /* Nothing known: admitted, whatever the flag. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_RED_FLAG_RAISED, 3, true,
                                31, 32), NULL, why), 0);
    s_store(&e.ev);
    /* The flag held for the undeclared incident answers for it. */
    s_ev_t p;
    cr_assert_eq(s_check(s_make(&p, XY__EVENT__BODY_PERSON_REGISTERED, 3,
                                false, 32, 0), NULL, why), XY_EEXERCISE);
    cr_assert_not_null(strstr(why, "whose events already held are "
                                   "exercise"), "%s", why);
    /* A late declaration must agree with what is held. */
    cr_assert_eq(s_check(s_make(&p, XY__EVENT__BODY_INCIDENT_DECLARED, 3,
                                false, 0, 0), NULL, why), XY_EEXERCISE);
    cr_assert_not_null(strstr(why, "real declaration of incident"), "%s",
                       why);
    cr_assert_eq(s_check(s_make(&p, XY__EVENT__BODY_INCIDENT_DECLARED, 3,
                                true, 0, 0), NULL, why), 0);
}

typedef struct s_flag_read {
    const uint8_t *inc;
    bool exercise;
    int rc;
} s_flag_read_t;

static int s_flag_read(view_txn_t *vt, void *arg)
{
    s_flag_read_t *f = arg;
    f->rc = exercise_incident(vt, m, f->inc, &f->exercise);
    return 0;
}

Test(exercise, the_incidents_flag_is_read_from_what_is_held)
{
    s_ev_t e;
    uint8_t inc[XY_ID_LEN];
    xy_test_id(inc, 1004);
    s_flag_read_t f = {inc, false, 0};
    cr_assert_eq(event_log_view_read(log_, s_flag_read, &f), 0);
    cr_assert_eq(f.rc, XY_ENOENT);
    s_store(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 4, true, 41, 0));
    cr_assert_eq(event_log_view_read(log_, s_flag_read, &f), 0);
    cr_assert_eq(f.rc, 0);
    cr_assert(f.exercise);
}

Test(exercise, the_memo_sees_what_a_batch_admitted_before)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    exercise_memo_t *memo = xcalloc(1, sizeof *memo);
    /* A declaration admitted, not yet stored, then people of the batch. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 5,
                                false, 0, 0), memo, why), 0);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 5,
                                true, 51, 0), memo, why), XY_EEXERCISE);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 5,
                                false, 51, 0), memo, why), 0);
    /* Without the memo the store knows nothing of incident 5 yet. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 5,
                                true, 51, 0), NULL, why), 0);
    /* The memo is bounded: it forgets the oldest first. */
    for (uint32_t i = 0; i < EXERCISE_MEMO_MAX; i++)
        cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED,
                                    100 + i, true, 51, 0), memo, why), 0);
    cr_assert_eq(memo->n, EXERCISE_MEMO_MAX);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_PERSON_REGISTERED, 5,
                                true, 51, 0), memo, why), 0);
    free(memo);
}

Test(exercise, team_events_carry_the_teams_flag)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    s_store(s_make(&e, XY__EVENT__BODY_TEAM_REGISTERED, 0, true, 61, 0));
    /* A registry event carries its own flag, and keeps it. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_TEAM_REGISTERED, 0,
                                false, 61, 0), NULL, why), XY_EEXERCISE);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_TEAM_REGISTERED, 0,
                                false, 62, 0), NULL, why), 0);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_TEAM_STATUS_CHANGED, 0,
                                false, 61, 0), NULL, why), XY_EEXERCISE);
    cr_assert_not_null(strstr(why, "real event about exercise team"), "%s",
                       why);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_TEAM_STATUS_CHANGED, 0,
                                true, 61, 0), NULL, why), 0);
}

Test(exercise, a_real_incident_never_orders_an_exercise_team)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 7, false, 0, 0));
    s_store(s_make(&e, XY__EVENT__BODY_TEAM_REGISTERED, 0, true, 71, 0));
    s_store(s_make(&e, XY__EVENT__BODY_TEAM_REGISTERED, 0, false, 72, 0));
    /* The order's flag matches the incident, not the team: refused. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_DEPLOYMENT_ORDERED, 7,
                                false, 73, 71), NULL, why), XY_EEXERCISE);
    /* Matching the team, not the incident: refused too. */
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_DEPLOYMENT_ORDERED, 7,
                                true, 73, 71), NULL, why), XY_EEXERCISE);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_DEPLOYMENT_ORDERED, 7,
                                false, 73, 72), NULL, why), 0);
}

Test(exercise, a_real_person_is_never_handed_to_an_exercise_service)
{
    s_ev_t e;
    char why[EXERCISE_WHY_MAX];
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 8, false, 0, 0));
    s_store(s_make(&e, XY__EVENT__BODY_SERVICE_REGISTERED, 0, true, 81, 0));
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_SERVICE_REGISTERED, 0,
                                false, 81, 0), NULL, why), XY_EEXERCISE);
    cr_assert_eq(s_check(s_make(&e, XY__EVENT__BODY_HANDOFF_PROPOSED, 8,
                                false, 82, 81), NULL, why), XY_EEXERCISE);
    cr_assert_not_null(strstr(why, "exercise service"), "%s", why);
}

Test(exercise, the_marks_view_folds_the_same_in_any_order)
{
    s_ev_t a, b;
    s_store(s_make(&a, XY__EVENT__BODY_PERSON_REGISTERED, 9, true, 91, 0));
    s_store(s_make(&b, XY__EVENT__BODY_PERSON_REGISTERED, 9, false, 92, 0));
    uint8_t d1[32], d2[32];
    cr_assert_eq(event_log_view_digest(log_, d1), 0);
    cr_assert_eq(event_log_rebuild_views(log_), 0);
    cr_assert_eq(event_log_view_digest(log_, d2), 0);
    cr_assert_eq(memcmp(d1, d2, 32), 0);
    uint8_t inc[XY_ID_LEN];
    xy_test_id(inc, 1009);
    s_flag_read_t f = {inc, false, 0};
    cr_assert_eq(event_log_view_read(log_, s_flag_read, &f), 0);
    cr_assert_eq(f.rc, 0);
    cr_assert(f.exercise, "both flags held: read as an exercise");
}

/* ------------------------------------------------------------ marking */

Test(exercise, pfif_export_marks_an_exercise_person)
{
    Xy__PersonRegistered reg = XY__PERSON_REGISTERED__INIT;
    Xy__Sealed sealed = XY__SEALED__INIT;
    reg.personal = &sealed;
    reg.age_band = 30;
    personal_data_t pd = {0};
    snprintf(pd.name, sizeof pd.name, "%s", "王五");
    person_view_t real = {.reg = &reg, .pd = &pd}, drill = real;
    memset(real.id.b, 1, DOMAIN_ID_LEN);
    memset(drill.id.b, 2, DOMAIN_ID_LEN);
    drill.exercise = true;
    pfif_export_t *x = NULL;
    cr_assert_eq(pfif_export_new(&x, NULL), 0);
    cr_assert_eq(pfif_export_add(x, &real, 1700000000000ull), 0);
    cr_assert_eq(pfif_export_add(x, &drill, 1700000000000ull), 0);
    char *text = NULL;
    size_t len = 0;
    cr_assert_eq(pfif_export_finish(x, &text, &len), 0);
    cr_assert_eq(pfif_export_stats(x).written, 2);
    cr_assert_eq(pfif_export_stats(x).exercise, 1);
    pfif_export_destroy(&x);
    cr_assert_not_null(strstr(text, "<!-- " EXERCISE_BANNER " -->"));
    cr_assert_not_null(strstr(text, "<pfif:source_name>" PFIF_EXERCISE_SOURCE
                                    "</pfif:source_name>"));
    cr_assert_not_null(strstr(text, "<pfif:description>" EXERCISE_BANNER
                                    "</pfif:description>"));
    /* Only the drill person is marked: one of each. */
    const char *first = strstr(text, "<pfif:description>");
    cr_assert_null(strstr(first + 1, "<pfif:description>"));
    /* The mark precedes the drill person's record, after the real one. */
    cr_assert_gt(strstr(text, "<!--") - text,
                 strstr(text, "01010101010101010101010101010101") - text);
    free(text);
}

typedef struct s_edxl {
    const domain_id_t *inc;
    char *xml;
} s_edxl_t;

static int s_edxl_read(view_txn_t *vt, void *arg)
{
    s_edxl_t *e = arg;
    return dispatch_edxl_export(&e->xml, vt, m, e->inc, NULL, 0,
                                1700000000000ull);
}

static char *s_edxl(uint32_t n)
{
    domain_id_t inc;
    xy_test_id(inc.b, 1000 + n);
    s_edxl_t e = {&inc, NULL};
    cr_assert_eq(event_log_view_read(log_, s_edxl_read, &e), 0);
    return e.xml;
}

Test(exercise, edxl_export_marks_an_exercise_incident)
{
    s_ev_t e;
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 10, true, 0, 0));
    s_store(s_make(&e, XY__EVENT__BODY_TEAM_REGISTERED, 0, true, 101, 0));
    s_store(s_make(&e, XY__EVENT__BODY_DEPLOYMENT_ORDERED, 10, true, 102,
                   101));
    s_store(s_make(&e, XY__EVENT__BODY_INCIDENT_DECLARED, 11, false, 0, 0));
    char *drill = s_edxl(10), *real = s_edxl(11);
    cr_assert_not_null(strstr(drill, "<!-- " EXERCISE_BANNER " -->"));
    cr_assert_not_null(strstr(drill, "<MessageDescription>" EXERCISE_BANNER
                                     "</MessageDescription>"), "%s", drill);
    cr_assert_not_null(strstr(drill, "<IncidentDescription>"
                                     EXERCISE_BANNER "</IncidentDescription>"));
    cr_assert_null(strstr(real, "EXERCISE"), "%s", real);
    free(drill);
    free(real);
}

/* Tests of dispatch orders (domain/dispatch.c). */
#include "common/xy_error.h"
#include "domain/dispatch.h"

#include <criterion/criterion.h>
#include <string.h>

static const uint64_t s_now = 1700000000000ull;

static void s_ids(domain_id_t *order, domain_id_t *inc, domain_id_t *team)
{
    memset(order, 0x11, sizeof *order);
    memset(inc, 0x22, sizeof *inc);
    memset(team, 0x33, sizeof *team);
}

Test(dispatch, order_fills_a_deployment_ordered_event)
{
    domain_id_t order, inc, team;
    s_ids(&order, &inc, &team);
    dispatch_order_input_t in = {.incident = &inc,
                                 .team = &team,
                                 .zone_name = "Yingxiu",
                                 .explanation = "nearest team with a "
                                                "psychiatrist, rested",
                                 .report_by = s_now + 3600000,
                                 .author = "lead"};
    domain_event_t de;
    domain_error_t err;
    cr_assert_eq(dispatch_order(&de, &order, &in, s_now, &err), 0);
    cr_assert_eq(de.ev.body_case, XY__EVENT__BODY_DEPLOYMENT_ORDERED);
    const Xy__DeploymentOrdered *b = de.ev.deployment_ordered;
    cr_assert_eq(b->order_id.len, 16);
    cr_assert_eq(memcmp(b->order_id.data, order.b, 16), 0);
    cr_assert_eq(memcmp(b->team_id.data, team.b, 16), 0);
    cr_assert_eq(b->zone_id.len, 0, "no zone id was given");
    cr_assert_str_eq(b->zone_name, "Yingxiu");
    cr_assert_eq(b->report_by, s_now + 3600000);
    cr_assert_eq(memcmp(de.ev.incident_id.data, inc.b, 16), 0);
    uint8_t *buf = NULL;
    size_t len = 0;
    cr_assert_eq(xy_event_pack(&de.ev, &buf, &len), 0);
    cr_assert_gt(len, 0);
    free(buf);
}

Test(dispatch, order_refuses_bad_input_naming_the_field)
{
    domain_id_t order, inc, team, zero;
    s_ids(&order, &inc, &team);
    memset(&zero, 0, sizeof zero);
    char big[DISPATCH_EXPLAIN_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct {
        dispatch_order_input_t in;
        int code;
        const char *field;
    } cases[] = {
        {{.incident = &zero,
          .team = &team,
          .zone_name = "z",
          .explanation = "e"},
         XY_EINVAL,
         "incident"},
        {{.incident = &inc, .team = NULL, .zone_name = "z", .explanation = "e"},
         XY_EINVAL,
         "team"},
        {{.incident = &inc,
          .team = &team,
          .zone = &zero,
          .zone_name = "z",
          .explanation = "e"},
         XY_EINVAL,
         "zone"},
        {{.incident = &inc, .team = &team, .zone_name = "", .explanation = "e"},
         XY_EINVAL,
         "zone_name"},
        {{.incident = &inc,
          .team = &team,
          .zone_name = "z",
          .explanation = "two\nlines"},
         XY_EINVAL,
         "explanation"},
        {{.incident = &inc,
          .team = &team,
          .zone_name = "z",
          .explanation = big},
         XY_ETOOBIG,
         "explanation"},
        {{.incident = &inc,
          .team = &team,
          .zone_name = "z",
          .explanation = "e",
          .report_by = s_now - 1},
         XY_ERANGE,
         "report_by"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        domain_event_t de;
        domain_error_t err;
        int rc = dispatch_order(&de, &order, &cases[i].in, s_now, &err);
        cr_assert_eq(rc, cases[i].code, "case %zu: %d", i, rc);
        cr_assert_str_eq(err.field, cases[i].field, "case %zu", i);
    }
}

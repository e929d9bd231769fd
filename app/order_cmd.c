/* The coordinator's `order` command: sends a team to a zone of an incident
 * by writing a DeploymentOrdered event, which a running coordinator streams
 * to the agents on the urgent lane and fans out on its PUB socket (app.h,
 * docs/protocol.md "Urgent lane"). */
#include "app/app.h"
#include "domain/dispatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    O_INCIDENT,
    O_TEAM,
    O_ZONE,
    O_ZONE_NAME,
    O_EXPLAIN,
    O_REPORT_BY,
    O_EXERCISE,
    O_N
};

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Parses an id option into id; says what is wrong and returns a status. */
static int s_id(app_t *app, const char *name, const char *text, domain_id_t *id)
{
    if (!text || domain_id_parse(id, text))
        return app_fail(app, APP_EXIT_USAGE,
                        "order: --%s needs an id of 32 "
                        "hex digits",
                        name);
    return 0;
}

int app_cmd_order(app_t *app, int argc, char **argv)
{
    static const struct option opts[] = {
        {"incident", required_argument, NULL, O_INCIDENT},
        {"team", required_argument, NULL, O_TEAM},
        {"zone", required_argument, NULL, O_ZONE},
        {"zone-name", required_argument, NULL, O_ZONE_NAME},
        {"explain", required_argument, NULL, O_EXPLAIN},
        {"report-by", required_argument, NULL, O_REPORT_BY},
        {"exercise", no_argument, NULL, O_EXERCISE},
        {NULL, 0, NULL, 0},
    };
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc, argv, opts, v);
    if (rc)
        return rc;
    domain_id_t incident, team, zone;
    rc = s_id(app, "incident", v[O_INCIDENT], &incident);
    if (!rc)
        rc = s_id(app, "team", v[O_TEAM], &team);
    if (!rc && v[O_ZONE])
        rc = s_id(app, "zone", v[O_ZONE], &zone);
    if (rc)
        return rc;
    uint64_t report_by = 0;
    if (v[O_REPORT_BY]) {
        char *end = NULL;
        unsigned long long ms = strtoull(v[O_REPORT_BY], &end, 10);
        if (!end || *end || end == v[O_REPORT_BY] || v[O_REPORT_BY][0] == '-')
            return app_fail(app, APP_EXIT_USAGE,
                            "order: --report-by needs "
                            "milliseconds since the epoch");
        report_by = (uint64_t)ms;
    }
    dispatch_order_input_t in = {.incident = &incident,
                                 .team = &team,
                                 .zone = v[O_ZONE] ? &zone : NULL,
                                 .zone_name = v[O_ZONE_NAME],
                                 .explanation = v[O_EXPLAIN],
                                 .report_by = report_by,
                                 .exercise = app_exercise_of(
                                     app, &incident, v[O_EXERCISE] != NULL),
                                 .author = app_user(app)};
    domain_id_t id;
    app_random_id(id.b);
    domain_event_t de;
    domain_error_t err;
    rc = dispatch_order(&de, &id, &in, s_now_ms(), &err);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "order: %s: %s", err.field,
                        err.msg);
    char hex[DOMAIN_ID_HEX];
    return app_write_own(app, &de.ev, "order", domain_id_format(&id, hex));
}

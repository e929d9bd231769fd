/* The community service registry and handoffs at the command line (app.h):
 * `service add|import`, `handoff propose|accept|decline` and `zone recover`,
 * which moves a zone to the recovery phase and hands its open cases to the
 * zone's services in one group commit (docs/followup.md). */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/case.h"
#include "domain/civil_date.h"
#include "domain/followup.h"
#include "domain/handoff.h"
#include "domain/lww.h"
#include "domain/person.h"
#include "domain/recovery.h"
#include "domain/service.h"

#include <stdlib.h>
#include <string.h>

enum { O_ID, O_KIND, O_NAME, O_CAPACITY, O_ZONES, O_COUNTIES, O_LANGS,
       O_CONTACT, O_EXERCISE, O_PERSON, O_SERVICE, O_CONSENT, O_PREFS, O_BY,
       O_REASON, O_SCHEDULE, O_INCIDENT, O_N };

static const struct option s_opts[] = {
    {"id", required_argument, NULL, O_ID},
    {"kind", required_argument, NULL, O_KIND},
    {"name", required_argument, NULL, O_NAME},
    {"capacity", required_argument, NULL, O_CAPACITY},
    {"zones", required_argument, NULL, O_ZONES},
    {"counties", required_argument, NULL, O_COUNTIES},
    {"languages", required_argument, NULL, O_LANGS},
    {"contact", required_argument, NULL, O_CONTACT},
    {"exercise", no_argument, NULL, O_EXERCISE},
    {"person", required_argument, NULL, O_PERSON},
    {"service", required_argument, NULL, O_SERVICE},
    {"consent", required_argument, NULL, O_CONSENT},
    {"prefs", required_argument, NULL, O_PREFS},
    {"by", required_argument, NULL, O_BY},
    {"reason", required_argument, NULL, O_REASON},
    {"schedule", required_argument, NULL, O_SCHEDULE},
    {"incident", required_argument, NULL, O_INCIDENT},
    {NULL, 0, NULL, 0},
};

/* Writes n events in one group commit; returns an exit status. */
static int s_write_all(app_t *app, const char *cmd, Xy__Event **evs,
                       size_t n)
{
    event_write_t *w = xcalloc(n ? n : 1, sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[i] = (event_write_t){.kind = EVENT_WRITE_OWN, .own = evs[i]};
    if (app_exercise_check(app, w, n, cmd)) {
        free(w);
        return APP_EXIT_FAIL;
    }
    int rc = event_log_write(node_log(app_node(app)), w, n, NULL);
    for (size_t i = 0; !rc && i < n; i++)
        rc = w[i].status;
    free(w);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "%s: storing: %s", cmd,
                        xy_strerror(rc));
    return 0;
}

static int s_service_add(app_t *app, const char **v)
{
    service_t *s = xcalloc(1, sizeof *s);
    domain_error_t err = {0};
    int rc = 0;
    char *end = NULL;
    long cap = v[O_CAPACITY] ? strtol(v[O_CAPACITY], &end, 10) : 0;
    if (v[O_ID] && domain_id_parse(&s->id, v[O_ID]))
        rc = domain_fail(&err, XY_EINVAL, "id", "is not 32 hex digits");
    else if (!v[O_ID])
        app_random_id(s->id.b);
    if (!rc)
        rc = service_kind_parse(v[O_KIND], &s->kind, &err);
    if (!rc && (!v[O_CAPACITY] || *end || cap < 1 ||
                cap > SERVICE_CAPACITY_MAX))
        rc = domain_fail(&err, XY_ERANGE, "capacity", "needs a whole number "
                         "of people in 1..%d", SERVICE_CAPACITY_MAX);
    if (!rc && (strlen(v[O_NAME] ? v[O_NAME] : "") > SERVICE_NAME_MAX ||
                strlen(v[O_CONTACT] ? v[O_CONTACT] : "") >
                    SERVICE_CONTACT_MAX))
        rc = domain_fail(&err, XY_ETOOBIG, "name", "name or contact is too "
                         "long (%d, %d bytes at most)", SERVICE_NAME_MAX,
                         SERVICE_CONTACT_MAX);
    if (!rc) {
        s->capacity = (uint32_t)cap;
        snprintf(s->name, sizeof s->name, "%s", v[O_NAME] ? v[O_NAME] : "");
        snprintf(s->contact, sizeof s->contact, "%s",
                 v[O_CONTACT] ? v[O_CONTACT] : "");
        rc = service_lists_parse(s, v[O_ZONES], v[O_COUNTIES], v[O_LANGS],
                                 &err);
    }
    service_event_t *se = xmalloc(sizeof *se);
    if (!rc)
        rc = service_register(se, s, v[O_EXERCISE] != NULL, app_user(app),
                              &err);
    char hex[DOMAIN_ID_HEX];
    if (rc)
        rc = app_fail(app, APP_EXIT_USAGE, "service add: --%s: %s",
                      err.field, err.msg);
    else
        rc = app_write_own(app, &se->ev, "service",
                           domain_id_format(&s->id, hex));
    free(se);
    free(s);
    return rc;
}

static int s_service_import(app_t *app, const char *path, const char **v)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return app_fail(app, APP_EXIT_FAIL, "service import: cannot open "
                        "%s", path);
    char *text = xmalloc(SERVICE_CSV_MAX + 1);
    size_t len = fread(text, 1, SERVICE_CSV_MAX + 1, f);
    fclose(f);
    domain_id_t *ids = xmalloc(SERVICE_CSV_ROWS_MAX * sizeof *ids);
    for (size_t i = 0; i < SERVICE_CSV_ROWS_MAX; i++)
        app_random_id(ids[i].b);
    service_t *svc = NULL;
    size_t n = 0;
    domain_error_t err = {0};
    int rc = service_csv_parse(&svc, &n, text, len, ids, &err);
    free(text);
    free(ids);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "service import: %s: %s", path,
                        err.msg);
    service_event_t *se = xcalloc(n, sizeof *se);
    Xy__Event **evs = xcalloc(n, sizeof *evs);
    for (size_t i = 0; !rc && i < n; i++) {
        rc = service_register(&se[i], &svc[i], v[O_EXERCISE] != NULL,
                              app_user(app), &err);
        evs[i] = &se[i].ev;
    }
    if (rc)
        rc = app_fail(app, APP_EXIT_FAIL, "service import: %s: %s", path,
                      err.msg);
    else
        rc = s_write_all(app, "service import", evs, n);
    if (!rc)
        printf("imported %zu services from %s\n", n, path);
    free(evs);
    free(se);
    free(svc);
    return rc;
}

int app_cmd_service(app_t *app, int argc, char **argv)
{
    bool add = argc >= 2 && strcmp(argv[1], "add") == 0;
    bool import = argc >= 3 && strcmp(argv[1], "import") == 0;
    if (!add && !import)
        return app_fail(app, APP_EXIT_USAGE, "service: say 'service add "
                        "--kind K --name N --capacity N --zones Z;Z "
                        "--contact C ...' or 'service import FILE.csv'");
    const char *v[O_N] = {0};
    int shift = import ? 2 : 1;
    int rc = app_parse_opts(app, argc - shift, argv + shift, s_opts, v);
    if (rc)
        return rc;
    return add ? s_service_add(app, v) : s_service_import(app, argv[2], v);
}

typedef struct s_propose {
    const domain_model_t *m;
    handoff_context_t c;
} s_propose_t;

static int s_read_propose(view_txn_t *vt, void *arg)
{
    s_propose_t *p = arg;
    return handoff_context_read(vt, p->m, &p->c);
}

static int s_propose(app_t *app, const char **v)
{
    s_propose_t *p = xcalloc(1, sizeof *p);
    p->m = app_model(app);
    p->c.prefs = v[O_PREFS];
    int rc = 0;
    if (!v[O_PERSON] || domain_id_parse(&p->c.person, v[O_PERSON]))
        rc = app_fail(app, APP_EXIT_USAGE, "handoff propose: --person needs "
                      "a person id of 32 hex digits (see 'list persons')");
    else if (!v[O_SERVICE] || domain_id_parse(&p->c.service, v[O_SERVICE]))
        rc = app_fail(app, APP_EXIT_USAGE, "handoff propose: --service needs "
                      "a service id of 32 hex digits (see 'list services')");
    else if (!v[O_CONSENT] || (strcmp(v[O_CONSENT], "yes") &&
                               strcmp(v[O_CONSENT], "no")))
        rc = app_fail(app, APP_EXIT_USAGE, "handoff propose: --consent must "
                      "be yes or no (did the person agree to the handoff?)");
    else if (v[O_PREFS] && strlen(v[O_PREFS]) > HANDOFF_PREFS_MAX)
        rc = app_fail(app, APP_EXIT_USAGE, "handoff propose: --prefs is over "
                      "%d bytes", HANDOFF_PREFS_MAX);
    if (!rc) {
        p->c.consent = strcmp(v[O_CONSENT], "yes") == 0;
        rc = event_log_view_read(node_log(app_node(app)), s_read_propose, p);
        if (rc == XY_ENOENT)
            rc = app_fail(app, APP_EXIT_FAIL, "handoff propose: no person "
                          "%s here", v[O_PERSON]);
        else if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "handoff propose: %s",
                          xy_strerror(rc));
        else if (!p->c.have_service)
            rc = app_fail(app, APP_EXIT_FAIL, "handoff propose: no service "
                          "%s here (see 'list services')", v[O_SERVICE]);
        else if (p->c.active)
            rc = app_fail(app, APP_EXIT_FAIL, "handoff propose: person %s "
                          "already has a handoff proposed or accepted (see "
                          "'list handoffs')", v[O_PERSON]);
    }
    handoff_event_t *he = xmalloc(sizeof *he);
    if (!rc) {
        domain_id_t id;
        app_random_id(id.b);
        handoff_input_t in = {&p->c.incident, &p->c.person, &p->c.service,
                              p->c.summary, p->c.level, p->c.consent,
                              p->c.exercise, app_user(app)};
        domain_error_t err;
        char hex[DOMAIN_ID_HEX];
        rc = handoff_propose(he, &id, &in, &err);
        if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "handoff propose: %s: %s",
                          err.field, err.msg);
        else
            rc = app_write_own(app, &he->ev, "handoff",
                               domain_id_format(&id, hex));
    }
    free(he);
    free(p);
    return rc;
}

typedef struct s_answer {
    const domain_model_t *m;
    domain_id_t id;
    handoff_view_t h;
} s_answer_t;

static int s_read_answer(view_txn_t *vt, void *arg)
{
    s_answer_t *a = arg;
    return handoff_find(vt, a->m, &a->id, &a->h);
}

/* An accept is written with the follow-ups it schedules, in one group
 * commit: never one without the other. */
static int s_answer(app_t *app, const char *hex, bool accept, const char **v)
{
    const char *cmd = accept ? "handoff accept" : "handoff decline";
    s_answer_t *a = xcalloc(1, sizeof *a);
    a->m = app_model(app);
    followup_schedule_t sched;
    domain_error_t err;
    handoff_event_t *he = xmalloc(sizeof *he);
    followup_plan_t *plan = xmalloc(sizeof *plan);
    int rc = 0;
    if (domain_id_parse(&a->id, hex))
        rc = app_fail(app, APP_EXIT_USAGE, "%s: '%s' is not a handoff id "
                      "(32 hex digits; see 'list handoffs')", cmd, hex);
    else if (v[O_SCHEDULE] && followup_schedule_parse(v[O_SCHEDULE], &sched,
                                                      &err))
        rc = app_fail(app, APP_EXIT_USAGE, "%s: --schedule: %s", cmd,
                      err.msg);
    if (!rc) {
        rc = event_log_view_read(node_log(app_node(app)), s_read_answer, a);
        if (rc == XY_ENOENT)
            rc = app_fail(app, APP_EXIT_FAIL, "%s: no handoff %s here", cmd,
                          hex);
        else if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "%s: %s", cmd,
                          xy_strerror(rc));
    }
    if (!rc && handoff_answer(he, &a->h, accept, v[O_BY], v[O_REASON],
                              app_user(app), &err))
        rc = app_fail(app, err.code == XY_ESTATE ? APP_EXIT_FAIL
                                                 : APP_EXIT_USAGE,
                      "%s: --%s: %s", cmd, err.field, err.msg);
    if (!rc && accept) {
        if (!v[O_SCHEDULE])
            followup_schedule_default(a->h.level, &sched);
        rc = followup_plan(plan, &a->h, &sched, app_user(app));
        if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "%s: the schedule runs past "
                          "the calendar's end", cmd);
    }
    if (!rc) {
        Xy__Event *evs[1 + FOLLOWUP_SCHEDULE_MAX] = {&he->ev};
        size_t n = 1;
        for (size_t i = 0; accept && i < plan->n; i++)
            evs[n++] = &plan->ev[i];
        rc = s_write_all(app, cmd, evs, n);
        if (!rc)
            printf("%s handoff %s%s", accept ? "accepted" : "declined", hex,
                   accept ? "; follow-ups scheduled:" : "\n");
        for (size_t i = 0; !rc && accept && i < plan->n; i++) {
            civil_date_t d;
            char ds[CIVIL_DATE_TEXT] = "?";
            if (civil_date_from_ms(plan->sched[i].due_at, &d) == 0)
                civil_date_format(&d, ds);
            printf(" %s%s", ds, i + 1 == plan->n ? "\n" : "");
        }
    }
    free(plan);
    free(he);
    free(a);
    return rc;
}

int app_cmd_handoff(app_t *app, int argc, char **argv)
{
    const char *sub = argc >= 2 ? argv[1] : "";
    bool propose = strcmp(sub, "propose") == 0;
    bool answer = argc >= 3 && (strcmp(sub, "accept") == 0 ||
                                strcmp(sub, "decline") == 0);
    if (!propose && !answer)
        return app_fail(app, APP_EXIT_USAGE, "handoff: say 'handoff propose "
                        "--person ID --service ID --consent yes|no', "
                        "'handoff accept ID --by NAME' or 'handoff decline "
                        "ID --by NAME --reason TEXT'");
    const char *v[O_N] = {0};
    int shift = propose ? 1 : 2;
    int rc = app_parse_opts(app, argc - shift, argv + shift, s_opts, v);
    if (rc)
        return rc;
    return propose ? s_propose(app, v)
                   : s_answer(app, argv[2], strcmp(sub, "accept") == 0, v);
}

typedef struct s_recover {
    const domain_model_t *m;
    domain_id_t incident, zone;
    bool incident_held, exercise;
    int phase;
    recovery_plan_t plan;
} s_recover_t;

static int s_read_recover(view_txn_t *vt, void *arg)
{
    s_recover_t *r = arg;
    const void *v;
    size_t n;
    int rc = lww_get(vt, r->m->incidents, r->incident.b, DOMAIN_ID_LEN, &v,
                     &n);
    if (rc == XY_ENOENT)
        return 0;
    if (rc)
        return rc;
    r->incident_held = true;
    r->exercise = n >= 1 && ((const uint8_t *)v)[0] != 0;
    r->phase = case_zone_phase_get(vt, r->m, &r->zone);
    return recovery_plan(vt, r->m, &r->incident, &r->zone, &r->plan);
}

static void s_print_recover(app_t *app, const s_recover_t *r,
                            const domain_id_t *ids, const char *zhex)
{
    char ph[DOMAIN_ID_HEX], sh[DOMAIN_ID_HEX], hh[DOMAIN_ID_HEX];
    if (app_json(app)) {
        json_t *hs = json_array(), *os = json_array();
        for (size_t i = 0; i < r->plan.n; i++)
            json_array_append_new(hs, json_pack(
                "{s:s, s:s, s:s}", "handoff", domain_id_format(&ids[i], hh),
                "person", domain_id_format(&r->plan.items[i].person, ph),
                "service", domain_id_format(&r->plan.items[i].service, sh)));
        for (size_t i = 0; i < r->plan.n_orphans; i++)
            json_array_append_new(os, json_string(domain_id_format(
                                          &r->plan.orphans[i].person, ph)));
        json_t *o = json_pack("{s:s, s:s, s:i, s:o, s:o}", "zone", zhex,
                              "phase", "recovery", "services",
                              (int)r->plan.n_services, "handoffs", hs,
                              "without_service", os);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
        putchar('\n');
        json_decref(o);
        return;
    }
    printf("zone %s moved to recovery: %zu open cases handed to %zu "
           "services\n", zhex, r->plan.n, r->plan.n_services);
    for (size_t i = 0; i < r->plan.n; i++)
        printf("  handoff %s  person %s -> service %s\n",
               domain_id_format(&ids[i], hh),
               domain_id_format(&r->plan.items[i].person, ph),
               domain_id_format(&r->plan.items[i].service, sh));
    if (r->plan.n_orphans)
        printf("%zu people have no receiving service (no service serves "
               "the zone, or all are full):\n", r->plan.n_orphans);
    for (size_t i = 0; i < r->plan.n_orphans; i++)
        printf("  person %s\n",
               domain_id_format(&r->plan.orphans[i].person, ph));
}

/* Writes the phase change and every handoff of the plan in one group
 * commit, so a zone is never half handed over. */
static int s_recover_write(app_t *app, s_recover_t *r, domain_id_t *ids)
{
    size_t n = r->plan.n;
    handoff_event_t *he = xcalloc(n ? n : 1, sizeof *he);
    Xy__Event **evs = xcalloc(n + 1, sizeof *evs);
    case_event_t *ce = xmalloc(sizeof *ce);
    size_t k = 0;
    int rc = 0;
    if (r->phase != XY__PHASE__PHASE_RECOVERY) {
        case_zone_phase(ce, &r->zone, &r->incident, XY__PHASE__PHASE_RECOVERY,
                        r->exercise, app_user(app));
        evs[k++] = &ce->ev;
    }
    for (size_t i = 0; !rc && i < n; i++) {
        const recovery_item_t *it = &r->plan.items[i];
        app_random_id(ids[i].b);
        handoff_input_t in = {&r->incident, &it->person, &it->service,
                              it->summary, it->level, false, it->exercise,
                              app_user(app)};
        domain_error_t err;
        rc = handoff_propose(&he[i], &ids[i], &in, &err);
        evs[k++] = &he[i].ev;
    }
    if (rc)
        rc = app_fail(app, APP_EXIT_FAIL, "zone recover: %s",
                      xy_strerror(rc));
    else if (k)
        rc = s_write_all(app, "zone recover", evs, k);
    free(ce);
    free(evs);
    free(he);
    return rc;
}

int app_cmd_zone(app_t *app, int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "recover") != 0)
        return app_fail(app, APP_EXIT_USAGE, "zone: say 'zone recover "
                        "ZONE_ID --incident ID'");
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc - 2, argv + 2, s_opts, v);
    if (rc)
        return rc;
    s_recover_t *r = xcalloc(1, sizeof *r);
    r->m = app_model(app);
    domain_id_t *ids = NULL;
    if (domain_id_parse(&r->zone, argv[2]))
        rc = app_fail(app, APP_EXIT_USAGE, "zone recover: '%s' is not a zone "
                      "id (32 hex digits)", argv[2]);
    else if (!v[O_INCIDENT] || domain_id_parse(&r->incident, v[O_INCIDENT]))
        rc = app_fail(app, APP_EXIT_USAGE, "zone recover: --incident needs "
                      "an incident id of 32 hex digits");
    if (!rc) {
        rc = event_log_view_read(node_log(app_node(app)), s_read_recover, r);
        if (rc == XY_ETOOBIG)
            rc = app_fail(app, APP_EXIT_FAIL, "zone recover: more than %d "
                          "open cases or %d services in one zone",
                          RECOVERY_MAX, RECOVERY_SERVICES_MAX);
        else if (rc)
            rc = app_fail(app, APP_EXIT_FAIL, "zone recover: %s",
                          xy_strerror(rc));
        else if (!r->incident_held)
            rc = app_fail(app, APP_EXIT_FAIL, "zone recover: no incident %s "
                          "here", v[O_INCIDENT]);
    }
    if (!rc) {
        ids = xcalloc(r->plan.n ? r->plan.n : 1, sizeof *ids);
        rc = s_recover_write(app, r, ids);
    }
    if (!rc)
        s_print_recover(app, r, ids, argv[2]);
    free(ids);
    recovery_plan_free(&r->plan);
    free(r);
    return rc;
}

/* Drill scenario parser, the timeline: `TIME AGENT WHAT`,
 * `TIME coordinator WHAT` and `TIME note TEXT` lines (docs/drills.md). */
#include <stdio.h>
#include <string.h>

#include "common/xy_error.h"
#include "drills/runner/scenario_parse.h"

int scn_agent_ref(scn_parser_t *p, const char *name, int *out)
{
    *out = scenario_agent(p->scn, name);
    if (*out < 0)
        return scn_fail(p, XY_ENOENT, "agent '%s' is not declared (declare it "
                      "with an agent line above)", name);
    return 0;
}

static int s_people_args(scn_parser_t *p, scn_inject_t *in, char **w, int n)
{
    double d;
    int rc = scn_number(p, w[0], 1, SCN_MAX_PEOPLE, &d, "people");
    in->count = (unsigned)d;
    in->triaged = 1.0;
    in->seed = 1;
    if (!rc && d != (double)in->count)
        rc = scn_fail(p, XY_EPARSE, "people: '%s' is not a whole number", w[0]);
    for (int i = 1; !rc && i < n; i++) {
        const char *v;
        if ((v = scn_kv(w[i], "triaged")))
            rc = scn_number(p, v, 0, 1, &in->triaged, "triaged");
        else if ((v = scn_kv(w[i], "flags")))
            rc = scn_number(p, v, 0, 1, &in->flags, "flags");
        else if ((v = scn_kv(w[i], "site")))
            rc = scn_copy(p, in->site, sizeof in->site, v, "site");
        else if ((v = scn_kv(w[i], "seed"))) {
            rc = scn_number(p, v, 0, 4e9, &d, "seed");
            in->seed = (uint64_t)d;
        } else
            rc = scn_fail(p, XY_EPARSE, "people: unknown word '%s' (use "
                        "triaged=, flags=, seed=, site=)", w[i]);
    }
    if (!rc && in->flags > in->triaged)
        rc = scn_fail(p, XY_ERANGE, "people: flags= is more than triaged= "
                    "(a red flag comes from a screen)");
    return rc;
}

static int s_person_args(scn_parser_t *p, scn_inject_t *in, char **w, int n)
{
    int rc = 0;
    double d;
    for (int i = 0; !rc && i < n; i++) {
        const char *v;
        if ((v = scn_kv(w[i], "age"))) {
            rc = scn_number(p, v, 0, 120, &d, "age");
            in->age = (unsigned)d;
            if (!rc && (d != (double)in->age || in->age % 5))
                rc = scn_fail(p, XY_ERANGE, "age band %s is not a multiple of "
                            "5 in 0..120", v);
        } else if ((v = scn_kv(w[i], "sex")))
            rc = scn_copy(p, in->sex, sizeof in->sex, v, "sex");
        else if ((v = scn_kv(w[i], "vuln")))
            rc = scn_copy(p, in->vuln, sizeof in->vuln, v, "vuln");
        else if ((v = scn_kv(w[i], "site")))
            rc = scn_copy(p, in->site, sizeof in->site, v, "site");
        else if ((v = scn_kv(w[i], "screen")) &&
                 in->n_screens == SCN_MAX_SCREENS)
            rc = scn_fail(p, XY_ETOOBIG, "more than %u screens",
                        SCN_MAX_SCREENS);
        else if (v)
            rc = scn_copy(p, in->screens[in->n_screens++], 256, v, "screen");
        else
            rc = scn_fail(p, XY_EPARSE, "person: unknown word '%s' (use age=, "
                        "sex=, vuln=, site=, screen=NAME=ANSWERS)", w[i]);
    }
    if (!rc && !in->age)
        rc = scn_fail(p, XY_EPARSE, "person needs age=N (the age band: a "
                    "multiple of 5, 5 to 120)");
    return rc;
}

static int s_crash_args(scn_parser_t *p, scn_inject_t *in, char **w, int n);

static int s_agent_verb(scn_parser_t *p, scn_inject_t *in, char **w, int n)
{
    const char *verb = w[0];
    if (strcmp(verb, "crash") == 0)
        return s_crash_args(p, in, w, n);
    if (strcmp(verb, "people") == 0) {
        in->verb = SCN_PEOPLE;
        return n < 2 ? scn_fail(p, XY_EPARSE, "people: say how many")
                     : s_people_args(p, in, w + 1, n - 1);
    }
    if (strcmp(verb, "person") == 0) {
        in->verb = SCN_PERSON;
        return s_person_args(p, in, w + 1, n - 1);
    }
    if (strcmp(verb, "flag") == 0) {
        in->verb = SCN_FLAG;
        const char *v = n == 2 ? scn_kv(w[1], "site") : NULL;
        if (n > 2 || (n == 2 && !v))
            return scn_fail(p, XY_EPARSE, "flag takes only site=");
        return v ? scn_copy(p, in->site, sizeof in->site, v, "site") : 0;
    }
    if (strcmp(verb, "fatigue") == 0) {
        in->verb = SCN_FATIGUE;
        if (n != 2)
            return scn_fail(p, XY_EPARSE, "fatigue: give the readiness (e.g. "
                          "resting)");
        return scn_copy(p, in->to, sizeof in->to, w[1], "readiness");
    }
    if (strcmp(verb, "move") == 0) {
        in->verb = SCN_MOVE;
        if (n != 3)
            return scn_fail(p, XY_EPARSE, "move: give FROM_SITE TO_SITE");
        int rc = scn_copy(p, in->site, sizeof in->site, w[1], "from site");
        return rc ? rc : scn_copy(p, in->to, sizeof in->to, w[2], "to site");
    }
    if (strcmp(verb, "handoff") == 0) {
        in->verb = SCN_HANDOFF;
        double d;
        const char *v = n == 3 ? scn_kv(w[2], "service") : NULL;
        if (!v)
            return scn_fail(p, XY_EPARSE, "handoff: give N service=NAME");
        int rc = scn_number(p, w[1], 1, SCN_MAX_PEOPLE, &d, "handoff count");
        in->count = (unsigned)d;
        for (size_t i = 0; !rc && i < p->scn->n_services; i++)
            if (strcmp(p->scn->services[i].name, v) == 0)
                return scn_copy(p, in->to, sizeof in->to, v, "service");
        return rc ? rc : scn_fail(p, XY_ENOENT, "service '%s' is not declared "
                                "(declare it with a service line above)", v);
    }
    return scn_fail(p, XY_EPARSE, "unknown inject '%s' (use people, person, "
                  "flag, fatigue, move, handoff or crash)", verb);
}

/* crash [restart=DURATION], of the coordinator or of an agent's daemon. */
static int s_crash_args(scn_parser_t *p, scn_inject_t *in, char **w, int n)
{
    in->verb = SCN_CRASH;
    const char *v = n == 2 ? scn_kv(w[1], "restart") : NULL;
    if (n > 2 || (n == 2 && !v))
        return scn_fail(p, XY_EPARSE, "crash takes only restart=DURATION");
    return v ? scn_time(p, v, &in->restart_ms, "restart") : 0;
}

static int s_coord_verb(scn_parser_t *p, scn_inject_t *in, char **w, int n)
{
    if (strcmp(w[0], "crash") == 0)
        return s_crash_args(p, in, w, n);
    if (strcmp(w[0], "followup") == 0 && n == 1) {
        in->verb = SCN_FOLLOWUP;
        return 0;
    }
    return scn_fail(p, XY_EPARSE, "unknown coordinator inject '%s' (use crash "
                  "or followup)", w[0]);
}

int scn_inject(scn_parser_t *p, char **w, int n)
{
    scenario_t *s = p->scn;
    if (s->n_injects == SCN_MAX_INJECTS)
        return scn_fail(p, XY_ETOOBIG, "more than %u injects", SCN_MAX_INJECTS);
    scn_inject_t *in = &s->injects[s->n_injects];
    memset(in, 0, sizeof *in);
    in->line = p->line;
    int rc = scn_time(p, w[0], &in->at_ms, "time");
    if (!rc && s->n_injects && in->at_ms < in[-1].at_ms)
        rc = scn_fail(p, XY_ERANGE, "time goes backwards (injects must be in "
                    "time order)");
    if (!rc && n < 2)
        rc = scn_fail(p, XY_EPARSE, "nothing happens at %s", w[0]);
    if (rc)
        return rc;
    if (strcmp(w[1], "note") == 0) {
        in->verb = SCN_NOTE;
        in->agent = -1;
        scn_join(in->text, sizeof in->text, w + 2, n - 2);
        rc = in->text[0] ? 0 : scn_fail(p, XY_EPARSE, "note: say what");
    } else if (n < 3) {
        rc = scn_fail(p, XY_EPARSE, "write TIME AGENT WHAT (or TIME note TEXT)");
    } else if (strcmp(w[1], "coordinator") == 0) {
        in->agent = -1;
        rc = s_coord_verb(p, in, w + 2, n - 2);
    } else {
        rc = scn_agent_ref(p, w[1], &in->agent);
        if (!rc)
            rc = s_agent_verb(p, in, w + 2, n - 2);
    }
    if (!rc)
        s->n_injects++;
    return rc;
}


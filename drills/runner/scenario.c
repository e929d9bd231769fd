/* Drill scenario parser: one statement per line, words separated by blanks,
 * double quotes around words with blanks, `#` comments, `link` blocks in
 * linkem's schedule syntax. See scenario.h and docs/drills.md. */
#include "drills/runner/scenario.h"
#include "drills/runner/scenario_parse.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"

#define S_MAX_WORDS 64 /* words on one line */


int scn_fail(scn_parser_t *p, int rc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->errlen)
        snprintf(p->err, p->errlen, "%s:%d: %s", p->path, p->line, msg);
    return rc;
}

/* Splits line in place into words; quotes group blanks and are removed,
 * `#` outside quotes ends the line. Returns the count or -1 on an open
 * quote or too many words. */
static int s_split(char *line, char **w, int max)
{
    int n = 0;
    char *r = line, *o = line;
    while (*r) {
        while (*r == ' ' || *r == '\t' || *r == '\r')
            r++;
        if (!*r || *r == '#')
            break;
        if (n == max)
            return -1;
        w[n++] = o;
        bool q = false;
        while (*r && (q || (*r != ' ' && *r != '\t' && *r != '\r'))) {
            if (*r == '"')
                q = !q;
            else if (*r == '#' && !q)
                break;
            else
                *o++ = *r;
            r++;
        }
        if (q)
            return -1;
        bool stop = *r == '#' || !*r;
        if (!stop)
            r++;
        *o++ = '\0';
        if (stop)
            break;
    }
    return n;
}

/* The value of word when it is "key=value", else NULL. */
const char *scn_kv(const char *word, const char *key)
{
    size_t k = strlen(key);
    return strncmp(word, key, k) == 0 && word[k] == '=' ? word + k + 1 : NULL;
}

int scn_copy(scn_parser_t *p, char *dst, size_t cap, const char *src,
                  const char *what)
{
    if (!*src)
        return scn_fail(p, XY_EPARSE, "%s is empty", what);
    if (strlen(src) >= cap)
        return scn_fail(p, XY_ETOOBIG, "%s is longer than %zu bytes", what,
                      cap - 1);
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

int scn_time(scn_parser_t *p, const char *text, uint64_t *ms,
                  const char *what)
{
    int rc = linkem_parse_duration_ms(text, ms);
    if (rc == XY_ERANGE)
        return scn_fail(p, rc, "%s '%s' is beyond 30 days", what, text);
    if (rc)
        return scn_fail(p, XY_EPARSE, "%s '%s' is not a duration (use 0 or a "
                      "number with ms, s, m or h, e.g. 90s)", what, text);
    return 0;
}

int scn_number(scn_parser_t *p, const char *text, double lo, double hi,
                    double *out, const char *what)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || v != v)
        return scn_fail(p, XY_EPARSE, "%s '%s' is not a number", what, text);
    if (v < lo || v > hi)
        return scn_fail(p, XY_ERANGE, "%s %s is outside %g..%g", what, text, lo,
                      hi);
    *out = v;
    return 0;
}

/* Checks that text is a decimal number (kept as text for the CLI). */
static int scn_numtext(scn_parser_t *p, char *dst, size_t cap, const char *text,
                     double lo, double hi, const char *what)
{
    double v;
    int rc = scn_number(p, text, lo, hi, &v, what);
    return rc ? rc : scn_copy(p, dst, cap, text, what);
}

/* An absolute path for a file named relative to the scenario's folder;
 * the file must be readable. */
static int s_file(scn_parser_t *p, char *dst, size_t cap, const char *name)
{
    int n = name[0] == '/' ? snprintf(dst, cap, "%s", name)
                           : snprintf(dst, cap, "%s/%s", p->scn->dir, name);
    if (n < 0 || (size_t)n >= cap)
        return scn_fail(p, XY_ETOOBIG, "path '%s' is too long", name);
    if (access(dst, R_OK) != 0)
        return scn_fail(p, XY_ENOENT, "cannot read '%s' (%s)", dst,
                      strerror(errno));
    return 0;
}

void scn_join(char *dst, size_t cap, char **w, int n)
{
    size_t at = 0;
    dst[0] = '\0';
    for (int i = 0; i < n && at + 1 < cap; i++)
        at += (size_t)snprintf(dst + at, cap - at, "%s%s", i ? " " : "",
                               w[i]);
}

/* ---------------------------------------------------------- statements */

static int s_incident(scn_parser_t *p, char **w, int n)
{
    scn_incident_t *inc = &p->scn->incident;
    if (inc->kind)
        return scn_fail(p, XY_EPARSE, "a second incident (one per drill)");
    if (n < 2)
        return scn_fail(p, XY_EPARSE, "incident: say usgs FILE, cap FILE or "
                      "point hazard=H title=T lat= lon= radii=");
    inc->line = p->line;
    int i = 2, rc = 0;
    if (strcmp(w[1], "usgs") == 0 || strcmp(w[1], "cap") == 0) {
        inc->kind = w[1][0] == 'u' ? SCN_INCIDENT_USGS : SCN_INCIDENT_CAP;
        if (n < 3)
            return scn_fail(p, XY_EPARSE, "incident %s: name the file", w[1]);
        rc = s_file(p, inc->file, sizeof inc->file, w[2]);
        i = 3;
    } else if (strcmp(w[1], "point") == 0) {
        inc->kind = SCN_INCIDENT_POINT;
    } else {
        return scn_fail(p, XY_EPARSE, "incident: unknown source '%s' (use "
                      "usgs, cap or point)", w[1]);
    }
    bool pt = inc->kind == SCN_INCIDENT_POINT;
    for (; !rc && i < n; i++) {
        const char *v;
        if ((v = scn_kv(w[i], "level")))
            rc = scn_copy(p, inc->level, sizeof inc->level, v, "level");
        else if (pt && (v = scn_kv(w[i], "hazard")))
            rc = scn_copy(p, inc->hazard, sizeof inc->hazard, v, "hazard");
        else if (pt && (v = scn_kv(w[i], "title")))
            rc = scn_copy(p, inc->title, sizeof inc->title, v, "title");
        else if (pt && (v = scn_kv(w[i], "lat")))
            rc = scn_numtext(p, inc->lat, sizeof inc->lat, v, -90, 90, "lat");
        else if (pt && (v = scn_kv(w[i], "lon")))
            rc = scn_numtext(p, inc->lon, sizeof inc->lon, v, -180, 180, "lon");
        else if (pt && (v = scn_kv(w[i], "radii")))
            rc = scn_copy(p, inc->radii, sizeof inc->radii, v, "radii");
        else
            rc = scn_fail(p, XY_EPARSE, "incident: unknown word '%s'", w[i]);
    }
    if (!rc && inc->level[0] && strcmp(inc->level, "I") &&
        strcmp(inc->level, "II") && strcmp(inc->level, "III") &&
        strcmp(inc->level, "IV"))
        rc = scn_fail(p, XY_EPARSE, "level '%s' is not I, II, III or IV",
                    inc->level);
    if (!rc && pt && (!inc->hazard[0] || !inc->title[0] || !inc->lat[0] ||
                      !inc->lon[0] || !inc->radii[0]))
        rc = scn_fail(p, XY_EPARSE, "incident point needs hazard=, title=, "
                    "lat=, lon= and radii=KM,KM,...");
    return rc;
}

static int s_team(scn_parser_t *p, char **w, int n)
{
    scenario_t *s = p->scn;
    if (n < 2)
        return scn_fail(p, XY_EPARSE, "team: name the team");
    if (s->n_teams == SCN_MAX_TEAMS)
        return scn_fail(p, XY_ETOOBIG, "more than %u teams", SCN_MAX_TEAMS);
    scn_team_t *t = &s->teams[s->n_teams];
    int rc = scn_copy(p, t->name, sizeof t->name, w[1], "team name");
    for (int i = 2; !rc && i < n; i++) {
        const char *v;
        if ((v = scn_kv(w[i], "level")))
            rc = scn_copy(p, t->level, sizeof t->level, v, "level");
        else if ((v = scn_kv(w[i], "lat")))
            rc = scn_numtext(p, t->lat, sizeof t->lat, v, -90, 90, "lat");
        else if ((v = scn_kv(w[i], "lon")))
            rc = scn_numtext(p, t->lon, sizeof t->lon, v, -180, 180, "lon");
        else if ((v = scn_kv(w[i], "member")) &&
                 t->n_members == SCN_MAX_MEMBERS)
            rc = scn_fail(p, XY_ETOOBIG, "more than %u members",
                        SCN_MAX_MEMBERS);
        else if (v)
            rc = scn_copy(p, t->members[t->n_members++], 160, v, "member");
        else
            rc = scn_fail(p, XY_EPARSE, "team: unknown word '%s' (use level=, "
                        "lat=, lon=, member=NAME:ROLE)", w[i]);
    }
    if (!rc && (!t->level[0] || !t->lat[0] || !t->lon[0] || !t->n_members))
        rc = scn_fail(p, XY_EPARSE, "team %s needs level=, lat=, lon= and at "
                    "least one member=NAME:ROLE", t->name);
    if (!rc)
        s->n_teams++;
    return rc;
}

static int s_service(scn_parser_t *p, char **w, int n)
{
    scenario_t *s = p->scn;
    if (n < 2)
        return scn_fail(p, XY_EPARSE, "service: name the service");
    if (s->n_services == SCN_MAX_SERVICES)
        return scn_fail(p, XY_ETOOBIG, "more than %u services",
                      SCN_MAX_SERVICES);
    scn_service_t *v = &s->services[s->n_services];
    int rc = scn_copy(p, v->name, sizeof v->name, w[1], "service name");
    for (int i = 2; !rc && i < n; i++) {
        const char *x;
        if ((x = scn_kv(w[i], "kind")))
            rc = scn_copy(p, v->kind, sizeof v->kind, x, "kind");
        else if ((x = scn_kv(w[i], "capacity")))
            rc = scn_numtext(p, v->capacity, sizeof v->capacity, x, 1, 1e6,
                           "capacity");
        else if ((x = scn_kv(w[i], "counties")))
            rc = scn_copy(p, v->counties, sizeof v->counties, x, "counties");
        else if ((x = scn_kv(w[i], "contact")))
            rc = scn_copy(p, v->contact, sizeof v->contact, x, "contact");
        else if ((x = scn_kv(w[i], "accept_by")))
            rc = scn_copy(p, v->accept_by, sizeof v->accept_by, x, "accept_by");
        else
            rc = scn_fail(p, XY_EPARSE, "service: unknown word '%s' (use kind=, "
                        "capacity=, counties=, contact=, accept_by=)", w[i]);
    }
    if (!rc && (!v->kind[0] || !v->capacity[0] || !v->counties[0] ||
                !v->contact[0] || !v->accept_by[0]))
        rc = scn_fail(p, XY_EPARSE, "service %s needs kind=, capacity=, "
                    "counties=, contact= and accept_by=", v->name);
    if (!rc)
        s->n_services++;
    return rc;
}

static int s_agent(scn_parser_t *p, char **w, int n)
{
    scenario_t *s = p->scn;
    if (n < 2)
        return scn_fail(p, XY_EPARSE, "agent: name the agent");
    if (s->n_agents == SCN_MAX_AGENTS)
        return scn_fail(p, XY_ETOOBIG, "more than %u agents", SCN_MAX_AGENTS);
    if (scenario_agent(s, w[1]) >= 0 || strcmp(w[1], "coordinator") == 0)
        return scn_fail(p, XY_EEXIST, "agent '%s' is named twice", w[1]);
    for (const char *c = w[1]; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return scn_fail(p, XY_EPARSE, "agent name '%s': use a-z, 0-9, - "
                          "and _ only", w[1]);
    scn_agent_t *a = &s->agents[s->n_agents];
    a->line = p->line;
    int rc = scn_copy(p, a->name, sizeof a->name, w[1], "agent name");
    for (int i = 2; !rc && i < n; i++) {
        const char *v;
        if ((v = scn_kv(w[i], "team")))
            rc = scn_copy(p, a->team, sizeof a->team, v, "team");
        else if ((v = scn_kv(w[i], "zone")))
            rc = scn_copy(p, a->zone, sizeof a->zone, v, "zone");
        else if ((v = scn_kv(w[i], "site")))
            rc = scn_copy(p, a->site, sizeof a->site, v, "site");
        else if ((v = scn_kv(w[i], "leader")))
            rc = scn_copy(p, a->leader, sizeof a->leader, v, "leader");
        else
            rc = scn_fail(p, XY_EPARSE, "agent: unknown word '%s' (use team=, "
                        "zone=, site=, leader=)", w[i]);
    }
    if (!rc && (!a->team[0] || !a->zone[0] || !a->leader[0]))
        rc = scn_fail(p, XY_EPARSE, "agent %s needs team=, zone= and leader=",
                    a->name);
    if (!rc && !a->site[0]) {
        char site[SCN_NAME];
        snprintf(site, sizeof site, "%.100s安置点", a->zone);
        memcpy(a->site, site, sizeof site);
    }
    if (!rc)
        s->n_agents++;
    return rc;
}

static int s_commander(scn_parser_t *p, char **w, int n)
{
    scn_commander_t *c = &p->scn->commander;
    int rc = 0;
    for (int i = 1; !rc && i < n; i++) {
        const char *v;
        if ((v = scn_kv(w[i], "by")))
            rc = scn_copy(p, c->by, sizeof c->by, v, "by");
        else if ((v = scn_kv(w[i], "activate")))
            rc = scn_time(p, v, &c->activate_ms, "activate");
        else if ((v = scn_kv(w[i], "dispatch")))
            rc = scn_time(p, v, &c->dispatch_ms, "dispatch");
        else if ((v = scn_kv(w[i], "flag_ack")))
            rc = scn_time(p, v, &c->flag_ack_ms, "flag_ack");
        else if ((v = scn_kv(w[i], "accept")))
            rc = scn_time(p, v, &c->accept_ms, "accept");
        else if ((v = scn_kv(w[i], "leader_ack")))
            rc = scn_time(p, v, &c->leader_ack_ms, "leader_ack");
        else
            rc = scn_fail(p, XY_EPARSE, "commander: unknown word '%s' (use by=, "
                        "activate=, dispatch=, flag_ack=, accept=, "
                        "leader_ack=)", w[i]);
    }
    return rc;
}

static int s_target(scn_parser_t *p, char **w, int n)
{
    scn_targets_t *t = &p->scn->targets;
    int rc = 0;
    for (int i = 1; !rc && i < n; i++) {
        const char *v;
        double d;
        if ((v = scn_kv(w[i], "activation")))
            rc = scn_time(p, v, &t->activation_ms, "activation");
        else if ((v = scn_kv(w[i], "dispatch")))
            rc = scn_time(p, v, &t->dispatch_ms, "dispatch");
        else if ((v = scn_kv(w[i], "ack")))
            rc = scn_time(p, v, &t->ack_ms, "ack");
        else if ((v = scn_kv(w[i], "flag")))
            rc = scn_time(p, v, &t->flag_ms, "flag");
        else if ((v = scn_kv(w[i], "coverage")))
            rc = scn_number(p, v, 0, 1, &t->coverage, "coverage");
        else if ((v = scn_kv(w[i], "pass"))) {
            rc = scn_number(p, v, 0, 100, &d, "pass");
            t->pass = (unsigned)d;
        } else
            rc = scn_fail(p, XY_EPARSE, "target: unknown word '%s' (use "
                        "activation=, dispatch=, ack=, flag=, coverage=, "
                        "pass=)", w[i]);
    }
    return rc;
}

/* `zone NAME comms-denied FROM-TO`: the link of every agent of the zone is
 * held down from FROM to TO. */
static int s_zone(scn_parser_t *p, char **w, int n)
{
    scenario_t *s = p->scn;
    if (n != 4 || strcmp(w[2], "comms-denied") != 0)
        return scn_fail(p, XY_EPARSE, "zone: write zone NAME comms-denied "
                      "FROM-TO (e.g. 10m-40m)");
    char *dash = strchr(w[3], '-');
    if (!dash)
        return scn_fail(p, XY_EPARSE, "zone: '%s' is not FROM-TO", w[3]);
    *dash = '\0';
    uint64_t from, to;
    int rc = scn_time(p, w[3], &from, "from");
    if (!rc)
        rc = scn_time(p, dash + 1, &to, "to");
    if (!rc && to <= from)
        rc = scn_fail(p, XY_ERANGE, "zone: the window ends before it starts");
    size_t hit = 0;
    for (size_t i = 0; !rc && i < s->n_agents; i++) {
        scn_agent_t *a = &s->agents[i];
        if (strcmp(a->zone, w[1]) != 0)
            continue;
        hit++;
        linkem_schedule_t *old = a->link, *nw = linkem_schedule_new();
        size_t m = old ? linkem_schedule_count(old) : 0, j = 0;
        linkem_step_t down = {.at_ms = from, .what = LINKEM_STEP_DOWN};
        linkem_step_t up = {.at_ms = to, .what = LINKEM_STEP_UP};
        for (int k = 0; k < 2; k++) {
            const linkem_step_t *add = k ? &up : &down;
            while (j < m && linkem_schedule_step(old, j)->at_ms <= add->at_ms)
                linkem_schedule_append(nw, linkem_schedule_step(old, j++));
            linkem_schedule_append(nw, add);
        }
        while (j < m)
            linkem_schedule_append(nw, linkem_schedule_step(old, j++));
        linkem_schedule_destroy(&a->link);
        a->link = nw;
    }
    if (!rc && !hit)
        rc = scn_fail(p, XY_ENOENT, "zone '%s' has no agent (declare the "
                    "agents first)", w[1]);
    return rc;
}

/* ---------------------------------------------------------- link blocks */

/* Parses the lines of a `link` block; lines[i] is the file line of the
 * i-th line of text, to turn linkem's "line N:" into FILE:LINE. */
static int s_link_block(scn_parser_t *p, int agent, const char *text,
                        const int *lines, size_t n_lines)
{
    char msg[512];
    linkem_schedule_t *sch = NULL;
    int rc = linkem_schedule_parse(&sch, text, strlen(text), msg, sizeof msg);
    if (rc) {
        int at = 0, off = 0;
        if (sscanf(msg, "line %d: %n", &at, &off) == 1 && at >= 1 &&
            (size_t)at <= n_lines) {
            p->line = lines[at - 1];
            return scn_fail(p, rc, "%s", msg + off);
        }
        return scn_fail(p, rc, "link: %s", msg);
    }
    scn_agent_t *a = &p->scn->agents[agent];
    if (a->link) {
        linkem_schedule_destroy(&sch);
        return scn_fail(p, XY_EEXIST, "agent '%s' has a second link block "
                      "(put comms-denied zones after it)", a->name);
    }
    a->link = sch;
    return 0;
}

/* ----------------------------------------------------------- top level */

static int s_statement(scn_parser_t *p, char **w, int n)
{
    scenario_t *s = p->scn;
    const char *k = w[0];
    if (k[0] >= '0' && k[0] <= '9')
        return scn_inject(p, w, n);
    if (strcmp(k, "drill") == 0) {
        scn_join(s->name, sizeof s->name, w + 1, n - 1);
        return s->name[0] ? 0 : scn_fail(p, XY_EPARSE, "drill: give its name");
    }
    if (strcmp(k, "compress") == 0)
        return n != 2 ? scn_fail(p, XY_EPARSE, "compress: give one factor")
                      : scn_number(p, w[1], 1, 3600, &s->compress, "compress");
    if (strcmp(k, "duration") == 0)
        return n != 2 ? scn_fail(p, XY_EPARSE, "duration: give one time")
                      : scn_time(p, w[1], &s->duration_ms, "duration");
    if (strcmp(k, "incident") == 0)
        return s_incident(p, w, n);
    if (strcmp(k, "teams") == 0) {
        s->teams_line = p->line;
        return n != 2 ? scn_fail(p, XY_EPARSE, "teams: name one CSV file")
                      : s_file(p, s->teams_csv, sizeof s->teams_csv, w[1]);
    }
    if (strcmp(k, "team") == 0)
        return s_team(p, w, n);
    if (strcmp(k, "service") == 0)
        return s_service(p, w, n);
    if (strcmp(k, "agent") == 0)
        return s_agent(p, w, n);
    if (strcmp(k, "zone") == 0)
        return s_zone(p, w, n);
    if (strcmp(k, "commander") == 0)
        return s_commander(p, w, n);
    if (strcmp(k, "target") == 0)
        return s_target(p, w, n);
    return scn_fail(p, XY_EPARSE, "unknown statement '%s' (see "
                  "docs/drills.md)", k);
}

/* The whole-scenario checks once every line is read. */
static int s_finish(scn_parser_t *p)
{
    scenario_t *s = p->scn;
    if (!s->name[0])
        return scn_fail(p, XY_EPARSE, "the scenario has no drill line");
    if (!s->incident.kind)
        return scn_fail(p, XY_EPARSE, "the scenario has no incident line");
    if (!s->n_agents)
        return scn_fail(p, XY_EPARSE, "the scenario has no agent");
    if (!s->teams_csv[0] && !s->n_teams)
        return scn_fail(p, XY_EPARSE, "the scenario has no teams (teams FILE "
                      "or team lines)");
    if (!s->duration_ms)
        return scn_fail(p, XY_EPARSE, "the scenario has no duration line");
    if (s->n_injects && s->injects[s->n_injects - 1].at_ms > s->duration_ms) {
        p->line = s->injects[s->n_injects - 1].line;
        return scn_fail(p, XY_ERANGE, "inject after the end of the drill "
                      "(duration)");
    }
    if (s->commander.dispatch_ms < s->commander.activate_ms)
        return scn_fail(p, XY_ERANGE, "commander: dispatch= is before "
                      "activate=");
    return 0;
}

static void s_defaults(scenario_t *s)
{
    s->compress = 60;
    snprintf(s->commander.by, sizeof s->commander.by, "值班指挥长");
    s->commander.activate_ms = 5 * 60000;
    s->commander.dispatch_ms = 15 * 60000;
    s->commander.flag_ack_ms = 5 * 60000;
    s->commander.accept_ms = 10 * 60000;
    s->commander.leader_ack_ms = 5 * 60000;
    s->targets.activation_ms = 10 * 60000;
    s->targets.dispatch_ms = 30 * 60000;
    s->targets.ack_ms = 30 * 60000;
    s->targets.flag_ms = 30 * 60000;
    s->targets.coverage = 0.9;
    s->targets.pass = 60;
}

static void s_set_dir(scenario_t *s, const char *path)
{
    snprintf(s->path, sizeof s->path, "%s", path);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    char *slash = strrchr(tmp, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(tmp, sizeof tmp, ".");
    if (!realpath(tmp, s->dir))
        snprintf(s->dir, sizeof s->dir, "%s", tmp);
}

/* Reads lines one by one; a `link NAME` line gathers the lines up to `end`
 * into one schedule text. */
static int s_lines(scn_parser_t *p, const char *text, size_t len)
{
    char line[SCN_MAX_LINE + 1], *w[S_MAX_WORDS];
    char *block = NULL;
    int *block_lines = NULL, block_agent = -1, block_start = 0, rc = 0;
    size_t block_n = 0, block_len = 0, at = 0;
    while (!rc && at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t ll = (nl ? (size_t)(nl - text) : len) - at;
        p->line++;
        if (ll > SCN_MAX_LINE) {
            rc = scn_fail(p, XY_ETOOBIG, "line longer than %u bytes",
                        SCN_MAX_LINE);
            break;
        }
        memcpy(line, text + at, ll);
        line[ll] = '\0';
        at += ll + 1;
        if (block_agent >= 0) {
            char probe[SCN_MAX_LINE + 1];
            memcpy(probe, line, ll + 1);
            int m = s_split(probe, w, S_MAX_WORDS);
            if (m == 1 && strcmp(w[0], "end") == 0) {
                int save = p->line;
                rc = s_link_block(p, block_agent, block ? block : "",
                                  block_lines, block_n);
                p->line = save;
                block_agent = -1;
                continue;
            }
            block = xrealloc(block, block_len + ll + 2);
            memcpy(block + block_len, line, ll);
            block_len += ll;
            block[block_len++] = '\n';
            block[block_len] = '\0';
            block_lines = xrealloc(block_lines,
                                   (block_n + 1) * sizeof *block_lines);
            block_lines[block_n++] = p->line;
            continue;
        }
        int n = s_split(line, w, S_MAX_WORDS);
        if (n < 0)
            rc = scn_fail(p, XY_EPARSE, "an open quote or more than %d words",
                        S_MAX_WORDS);
        else if (n > 0 && strcmp(w[0], "link") == 0) {
            if (n != 2)
                rc = scn_fail(p, XY_EPARSE, "link: write link AGENT, then the "
                            "schedule lines, then end");
            else
                rc = scn_agent_ref(p, w[1], &block_agent);
            block_start = p->line;
            block_n = block_len = 0;
            if (block)
                block[0] = '\0';
        } else if (n > 0)
            rc = s_statement(p, w, n);
    }
    if (!rc && block_agent >= 0) {
        p->line = block_start;
        rc = scn_fail(p, XY_EPARSE, "link block has no end line");
    }
    free(block);
    free(block_lines);
    return rc;
}

int scenario_parse(scenario_t **out, const char *path, const char *text,
                   size_t len, char *err, size_t errlen)
{
    *out = NULL;
    scenario_t *s = xcalloc(1, sizeof *s);
    s->injects = xcalloc(SCN_MAX_INJECTS, sizeof *s->injects);
    s_defaults(s);
    s_set_dir(s, path);
    scn_parser_t p = {.scn = s, .path = path, .err = err, .errlen = errlen};
    if (errlen)
        err[0] = '\0';
    int rc = len > SCN_MAX_TEXT
                 ? scn_fail(&p, XY_ETOOBIG, "larger than %u bytes", SCN_MAX_TEXT)
                 : s_lines(&p, text, len);
    if (!rc)
        rc = s_finish(&p);
    if (rc) {
        scenario_destroy(&s);
        return rc;
    }
    *out = s;
    return 0;
}

int scenario_load(scenario_t **out, const char *path, char *err,
                  size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot read it (%s)", path, strerror(e));
        return e == ENOENT ? XY_ENOENT : XY_EIO;
    }
    char *buf = xmalloc(SCN_MAX_TEXT + 1);
    size_t n = fread(buf, 1, SCN_MAX_TEXT + 1, f);
    bool bad = ferror(f);
    fclose(f);
    int rc;
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        rc = XY_EIO;
    } else {
        rc = scenario_parse(out, path, buf, n, err, errlen);
    }
    free(buf);
    return rc;
}

void scenario_destroy(scenario_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    scenario_t *s = *self_p;
    for (size_t i = 0; i < s->n_agents; i++)
        linkem_schedule_destroy(&s->agents[i].link);
    free(s->injects);
    free(s);
    *self_p = NULL;
}

int scenario_agent(const scenario_t *self, const char *name)
{
    for (size_t i = 0; i < self->n_agents; i++)
        if (strcmp(self->agents[i].name, name) == 0)
            return (int)i;
    return -1;
}

linkem_schedule_t *scenario_link_real(const scenario_t *self, size_t i)
{
    const linkem_schedule_t *src = self->agents[i].link;
    if (!src)
        return NULL;
    linkem_schedule_t *out = linkem_schedule_new();
    for (size_t j = 0; j < linkem_schedule_count(src); j++) {
        linkem_step_t st = *linkem_schedule_step(src, j);
        st.at_ms = (uint64_t)((double)st.at_ms / self->compress);
        linkem_schedule_append(out, &st);
    }
    return out;
}

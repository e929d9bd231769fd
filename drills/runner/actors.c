/* The scripted people of a drill. The commander activates the incident and
 * dispatches teams at the scenario's times, acknowledges each red flag a
 * set delay after it reached the coordinator, and services accept
 * handoffs the same way; team leaders acknowledge each order a set delay
 * after it reached their agent; field workers play the injects (people
 * met and screened, red flags, fatigue, a shelter move, handoffs) on their
 * agent's store, and the coordinator crashes and restarts when told. Every
 * action is a real command line run on a node's store. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drills/runner/drill_internal.h"
#include "drills/runner/proc.h"

static double s_ms_s(uint64_t ms)
{
    return (double)ms / 1000.0;
}

/* xorshift64*: a small seeded generator, the same people for a seed. */
static uint64_t s_rand(uint64_t *st)
{
    uint64_t x = *st ? *st : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *st = x;
    return x * 0x2545f4914f6cdd1dull;
}

static void s_copy_id(char dst[33], const json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    snprintf(dst, 33, "%s", v ? v : "");
}

/* ------------------------------------------------------- the commander */

static int s_activate(drill_t *d)
{
    const scn_incident_t *inc = &d->scn->incident;
    char at[80];
    snprintf(at, sizeof at, "%s,%s", inc->lat, inc->lon);
    const char *src = inc->kind == SCN_INCIDENT_USGS  ? "--usgs"
                      : inc->kind == SCN_INCIDENT_CAP ? "--cap"
                                                      : "--point";
    const char *args[] = {"assess", src, inc->kind == SCN_INCIDENT_POINT
                                             ? at
                                             : inc->file,
                          "--exercise", "--publish", NULL, NULL, NULL, NULL,
                          NULL, NULL, NULL};
    if (inc->kind == SCN_INCIDENT_POINT) {
        const char *more[] = {"--radii", inc->radii, "--hazard", inc->hazard,
                              "--title", inc->title};
        memcpy(&args[5], more, sizeof more);
    }
    json_t *j = d_cli(d, &d->coord, false, args);
    s_copy_id(d->incident, j, "incident");
    const char *hz = json_string_value(json_object_get(j, "hazard"));
    snprintf(d->hazard, sizeof d->hazard, "%s", hz ? hz : "");
    json_decref(j);
    if (!d->incident[0])
        return -1;
    d->activation_s = d_now_s(d); /* the assessment is published */
    if (inc->level[0]) {
        const char *lv[] = {"level", "--incident", d->incident, "--set",
                            inc->level, "--reason", "演练：指挥长确认响应级别",
                            NULL};
        json_decref(d_cli(d, &d->coord, false, lv));
    }
    d_timeline(d, "coordinator", "inject", "activation: incident %s (%s)%s%s",
               d->incident, d->hazard, inc->level[0] ? ", level " : "",
               inc->level);
    return 0;
}

static int s_team_of(const drill_t *d, const char *id)
{
    for (size_t i = 0; i < d->n_teams; i++)
        if (strcmp(d->teams[i].id, id) == 0)
            return (int)i;
    return -1;
}

static int s_agent_of_team(const drill_t *d, int team)
{
    for (size_t i = 0; team >= 0 && i < d->scn->n_agents; i++)
        if (strcmp(d->scn->agents[i].team, d->teams[team].name) == 0)
            return (int)i;
    return -1;
}

static void s_dispatch(drill_t *d)
{
    d->dispatched = true;
    char plan[4200];
    snprintf(plan, sizeof plan, "%s/plan.json", d->work);
    const char *mk[] = {"dispatch", "plan", "--incident", d->incident,
                        "--out", plan, NULL};
    json_t *j = d_cli(d, &d->coord, false, mk);
    json_decref(j);
    if (!j)
        return;
    /* A refused approval stays in the timeline (d_cli notes it) and
     * leaves the drill without orders: the score shows it. */
    const char *ok[] = {"dispatch", "approve", plan, NULL};
    json_decref(d_cli(d, &d->coord, false, ok));
    double now = d_now_s(d);
    const char *list[] = {"list", "orders", NULL};
    json_t *all = d_cli(d, &d->coord, false, list);
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o)
    {
        if (d->n_orders == D_MAX_ORDERS)
            break;
        d_order_t *r = &d->orders[d->n_orders++];
        s_copy_id(r->id, o, "id");
        r->team = s_team_of(d, json_string_value(json_object_get(o, "team")));
        r->agent = s_agent_of_team(d, r->team);
        r->ordered_s = now;
        r->seen_s = r->leader_s = r->acked_s = -1;
        d_timeline(d, "coordinator", "order", "order %.8s: %s to %s", r->id,
                   r->team >= 0 ? d->teams[r->team].name : "?",
                   json_string_value(json_object_get(o, "zone_name")));
    }
    json_decref(all);
    if (d->n_orders)
        d->dispatch_s = now;
}

/* ----------------------------------------------------------- injects */

/* Registers one person at agent a; returns its index or -1. */
static int s_person_add(drill_t *d, int a, unsigned age, const char *sex,
                        const char *vuln, const char *site)
{
    if (d->n_people == D_MAX_PEOPLE)
        return -1;
    char agebuf[16];
    snprintf(agebuf, sizeof agebuf, "%u", age);
    const char *args[16] = {"person", "add", "--incident", d->incident,
                            "--age-band", agebuf, "--site", site};
    size_t k = 8;
    if (sex && *sex) {
        args[k++] = "--sex";
        args[k++] = sex;
    }
    if (vuln && *vuln) {
        args[k++] = "--vulnerability";
        args[k++] = vuln;
    }
    args[k] = NULL;
    json_t *j = d_cli(d, &d->agents[a], false, args);
    const char *id = json_string_value(json_object_get(j, "id"));
    int idx = -1;
    if (id) {
        idx = (int)d->n_people++;
        d_person_t *p = &d->people[idx];
        memset(p, 0, sizeof *p);
        snprintf(p->id, sizeof p->id, "%s", id);
        snprintf(p->site, sizeof p->site, "%s", site);
        p->agent = a;
    }
    json_decref(j);
    return idx;
}

/* Screens person p with the given screens; records a red flag if raised. */
static void s_triage(drill_t *d, int p, const char *const *screens, size_t n)
{
    const char *args[4 + 2 * SCN_MAX_SCREENS + 1] = {"triage", "--person",
                                                      d->people[p].id};
    size_t k = 3;
    for (size_t i = 0; i < n && i < SCN_MAX_SCREENS; i++) {
        args[k++] = "--screen";
        args[k++] = screens[i];
    }
    args[k] = NULL;
    int a = d->people[p].agent;
    json_t *j = d_cli(d, &d->agents[a], false, args);
    if (j)
        d->people[p].triaged = true;
    const char *flag = json_string_value(json_object_get(j, "flag"));
    if (flag && d->n_flags < D_MAX_FLAGS) {
        d_flag_t *f = &d->flags[d->n_flags++];
        snprintf(f->id, sizeof f->id, "%s", flag);
        f->agent = a;
        f->raised_s = d_now_s(d);
        f->seen_s = f->acked_s = -1;
        d_timeline(d, d->agents[a].name, "flag", "red flag %.8s raised: %s",
                   flag, json_string_value(json_object_get(j, "reason_en")));
    }
    json_decref(j);
}

static const char *const S_HIGH_RISK = "C-SSRS=1,1,1,1,0,0";

static void s_people(drill_t *d, const scn_inject_t *in)
{
    const char *site = in->site[0] ? in->site : d->scn->agents[in->agent].site;
    unsigned tri = (unsigned)(in->count * in->triaged + 0.5);
    unsigned flg = (unsigned)(in->count * in->flags + 0.5);
    uint64_t st = in->seed * 2654435761u + (uint64_t)in->agent + 1;
    for (unsigned k = 0; k < in->count; k++) {
        unsigned age = 5 * (1 + (unsigned)(s_rand(&st) % 17));
        const char *sex = s_rand(&st) % 2 ? "female" : "male";
        const char *vuln = age < 15   ? "child"
                           : age >= 65 ? "older_adult"
                           : s_rand(&st) % 3 == 0 ? "bereaved"
                                                  : "";
        int p = s_person_add(d, in->agent, age, sex, vuln, site);
        if (p < 0 || k >= tri)
            continue;
        char phq[64];
        if (k < flg) {
            const char *scr[] = {S_HIGH_RISK};
            s_triage(d, p, scr, 1);
            continue;
        }
        int at = snprintf(phq, sizeof phq, "PHQ-9=");
        for (int q = 0; q < 9; q++)
            at += snprintf(phq + at, sizeof phq - (size_t)at, "%s%u",
                           q ? "," : "",
                           q == 8 ? 0u : (unsigned)(s_rand(&st) % 3));
        const char *scr[] = {phq};
        s_triage(d, p, scr, 1);
    }
    d_timeline(d, d->agents[in->agent].name, "inject",
               "%u people met at %s (%u screened, %u at high suicide risk)",
               in->count, site, tri, flg);
}

static void s_person(drill_t *d, const scn_inject_t *in)
{
    const char *site = in->site[0] ? in->site : d->scn->agents[in->agent].site;
    int p = s_person_add(d, in->agent, in->age, in->sex, in->vuln, site);
    const char *scr[SCN_MAX_SCREENS];
    for (size_t i = 0; i < in->n_screens; i++)
        scr[i] = in->screens[i];
    if (p >= 0 && in->n_screens)
        s_triage(d, p, scr, in->n_screens);
    d_timeline(d, d->agents[in->agent].name, "inject",
               "a person met at %s (age band %u)%s", site, in->age,
               in->n_screens ? ", screened" : "");
}

static void s_flag(drill_t *d, const scn_inject_t *in)
{
    const char *site = in->site[0] ? in->site : d->scn->agents[in->agent].site;
    d_timeline(d, d->agents[in->agent].name, "inject",
               "a person at high suicide risk met at %s", site);
    int p = s_person_add(d, in->agent, 35, "male", "bereaved", site);
    const char *scr[] = {S_HIGH_RISK};
    if (p >= 0)
        s_triage(d, p, scr, 1);
}

static int s_team_by_name(const drill_t *d, const char *name)
{
    for (size_t i = 0; i < d->n_teams; i++)
        if (strcmp(d->teams[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void s_fatigue(drill_t *d, const scn_inject_t *in)
{
    int t = s_team_by_name(d, d->scn->agents[in->agent].team);
    if (t < 0)
        return;
    char lat[32], lon[32];
    snprintf(lat, sizeof lat, "%.5f", d->teams[t].lat);
    snprintf(lon, sizeof lon, "%.5f", d->teams[t].lon);
    const char *args[] = {"position", "--team", d->teams[t].id, "--lat", lat,
                          "--lon", lon, "--status", in->to, NULL};
    json_decref(d_cli(d, &d->agents[in->agent], false, args));
    d_timeline(d, d->agents[in->agent].name, "inject", "%s reports %s",
               d->teams[t].name, in->to);
}

static void s_move(drill_t *d, const scn_inject_t *in)
{
    unsigned moved = 0;
    for (size_t i = 0; i < d->n_people; i++) {
        d_person_t *p = &d->people[i];
        if (p->agent != in->agent || strcmp(p->site, in->site) != 0)
            continue;
        const char *args[] = {"person", "move", p->id, "--site", in->to,
                              NULL};
        json_t *j = d_cli(d, &d->agents[in->agent], false, args);
        if (j) {
            snprintf(p->site, sizeof p->site, "%s", in->to);
            moved++;
        }
        json_decref(j);
    }
    d_timeline(d, d->agents[in->agent].name, "inject",
               "shelter moved from %s to %s (%u people)", in->site, in->to,
               moved);
}

static int s_service(const drill_t *d, const char *name)
{
    for (size_t i = 0; i < d->scn->n_services; i++)
        if (strcmp(d->scn->services[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void s_handoff(drill_t *d, const scn_inject_t *in)
{
    int sv = s_service(d, in->to);
    unsigned done = 0;
    for (size_t i = 0; sv >= 0 && i < d->n_people && done < in->count; i++) {
        d_person_t *p = &d->people[i];
        if (p->agent != in->agent || p->handed || d->n_handoffs ==
                                                       D_MAX_HANDOFFS)
            continue;
        const char *args[] = {"handoff", "propose", "--person", p->id,
                              "--service", d->services[sv], "--consent",
                              "yes", NULL};
        json_t *j = d_cli(d, &d->agents[in->agent], false, args);
        const char *id = json_string_value(json_object_get(j, "id"));
        if (id) {
            d_handoff_t *h = &d->handoffs[d->n_handoffs++];
            snprintf(h->id, sizeof h->id, "%s", id);
            h->service = sv;
            h->proposed_s = d_now_s(d);
            h->seen_s = h->accepted_s = -1;
            p->handed = true;
            done++;
        }
        json_decref(j);
        if (!id)
            break; /* the next would fail the same way */
    }
    d_timeline(d, d->agents[in->agent].name, "inject",
               "%u of %u handoffs proposed to %s", done, in->count, in->to);
}

/* The receiving services record the first contact of each person handed
 * to them (the earliest pending follow-up: the list is in due order). */
static void s_followup(drill_t *d)
{
    const char *list[] = {"list", "followups", NULL};
    json_t *all = d_cli(d, &d->coord, false, list);
    size_t i, done = 0;
    json_t *f;
    char seen[D_MAX_HANDOFFS][33];
    size_t n_seen = 0;
    json_array_foreach(all, i, f)
    {
        const char *h = json_string_value(json_object_get(f, "person"));
        const char *id = json_string_value(json_object_get(f, "id"));
        const char *st = json_string_value(json_object_get(f, "outcome"));
        bool first = h && id && st && strcmp(st, "pending") == 0 &&
                     n_seen < D_MAX_HANDOFFS;
        for (size_t k = 0; first && k < n_seen; k++)
            first = strcmp(seen[k], h) != 0;
        if (!first)
            continue;
        snprintf(seen[n_seen++], 33, "%s", h);
        const char *args[] = {"followup", "done", id, "--outcome", "done",
                              NULL};
        json_t *j = d_cli(d, &d->coord, false, args);
        done += j != NULL;
        json_decref(j);
    }
    json_decref(all);
    d_timeline(d, "coordinator", "inject",
               "first follow-up contact recorded for %zu handoffs", done);
}

/* Kills the daemon of the coordinator (agent < 0) or of an agent; its
 * store stays, and it restarts after restart_ms. */
static void s_crash(drill_t *d, const scn_inject_t *in)
{
    d_node_t *n = in->agent < 0 ? &d->coord : &d->agents[in->agent];
    if (n->crashed)
        return;
    proc_stop(&n->pid, SIGKILL, 1000);
    n->crashed = true;
    n->restart_ms = in->at_ms + in->restart_ms;
    d_timeline(d, n->name, "crash", "%s daemon killed (SIGKILL); restart in "
               "%.0f s", n->name, s_ms_s(in->restart_ms));
}

/* Restarts a crashed daemon whose time has come. */
static void s_restart(drill_t *d, d_node_t *n, double now)
{
    if (!n->crashed || now * 1000 < (double)n->restart_ms)
        return;
    if (d_node_start(d, n) == 0) {
        n->crashed = false;
        d_timeline(d, n->name, "crash", "%s daemon restarted", n->name);
    }
}

static void s_inject(drill_t *d, const scn_inject_t *in)
{
    bool coord_down = d->coord.crashed && in->agent < 0;
    if (!d->incident[0] && in->verb != SCN_NOTE && in->verb != SCN_CRASH) {
        d_timeline(d, "runner", "note", "line %d skipped: no incident yet "
                   "(activation comes later)", in->line);
        return;
    }
    switch (in->verb) {
    case SCN_PEOPLE: s_people(d, in); break;
    case SCN_PERSON: s_person(d, in); break;
    case SCN_FLAG: s_flag(d, in); break;
    case SCN_FATIGUE: s_fatigue(d, in); break;
    case SCN_MOVE: s_move(d, in); break;
    case SCN_HANDOFF: s_handoff(d, in); break;
    case SCN_FOLLOWUP:
        if (!coord_down)
            s_followup(d);
        break;
    case SCN_CRASH: s_crash(d, in); break;
    case SCN_NOTE: d_timeline(d, "trainer", "note", "%s", in->text); break;
    }
}

void d_actors_due(drill_t *d)
{
    const scn_commander_t *c = &d->scn->commander;
    double now = d_now_s(d);
    s_restart(d, &d->coord, now);
    for (size_t i = 0; i < d->scn->n_agents; i++)
        s_restart(d, &d->agents[i], now);
    if (d->activation_s < 0 && !d->coord.crashed &&
        now * 1000 >= (double)c->activate_ms && s_activate(d))
        d->activation_s = -2; /* failed: not tried again */
    if (!d->dispatched && d->activation_s >= 0 && !d->coord.crashed &&
        now * 1000 >= (double)c->dispatch_ms)
        s_dispatch(d);
    while (d->next_inject < d->scn->n_injects &&
           (double)d->scn->injects[d->next_inject].at_ms <= now * 1000)
        s_inject(d, &d->scn->injects[d->next_inject++]);
}

/* ---------------------------------------------------------- reactions */

static json_t *s_find(json_t *arr, const char *id)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        const char *x = json_string_value(json_object_get(o, "id"));
        if (x && strcmp(x, id) == 0)
            return o;
    }
    return NULL;
}

/* Leaders: orders reach the agent, are acknowledged after the delay. */
static void s_leaders(drill_t *d, double now)
{
    for (size_t a = 0; a < d->scn->n_agents; a++) {
        bool want = false;
        for (size_t i = 0; i < d->n_orders; i++)
            want |= d->orders[i].agent == (int)a && d->orders[i].seen_s < 0;
        json_t *held = NULL;
        if (want) {
            const char *args[] = {"orders", NULL};
            held = d_cli(d, &d->agents[a], true, args);
        }
        for (size_t i = 0; i < d->n_orders; i++) {
            d_order_t *o = &d->orders[i];
            if (o->agent != (int)a)
                continue;
            if (o->seen_s < 0 && held && s_find(held, o->id)) {
                o->seen_s = now;
                d_timeline(d, d->agents[a].name, "sync",
                           "order %.8s reached the team", o->id);
            }
            if (o->seen_s < 0 || o->leader_s >= 0 ||
                (now - o->seen_s) * 1000 < (double)d->scn->commander
                                               .leader_ack_ms)
                continue;
            const char *args[] = {"order", "ack", o->id, "--by",
                                  d->scn->agents[a].leader, NULL};
            json_t *j = d_cli(d, &d->agents[a], false, args);
            if (j) {
                o->leader_s = now;
                d_timeline(d, d->agents[a].name, "ack",
                           "%s acknowledges order %.8s",
                           d->scn->agents[a].leader, o->id);
            }
            json_decref(j);
        }
        json_decref(held);
    }
}

/* The coordinator's view of orders: acknowledgements arriving. */
static void s_orders_back(drill_t *d, double now)
{
    bool want = false;
    for (size_t i = 0; i < d->n_orders; i++)
        want |= d->orders[i].leader_s >= 0 && d->orders[i].acked_s < 0;
    if (!want)
        return;
    const char *args[] = {"list", "orders", NULL};
    json_t *all = d_cli(d, &d->coord, true, args);
    for (size_t i = 0; i < d->n_orders; i++) {
        d_order_t *o = &d->orders[i];
        json_t *j = o->acked_s < 0 ? s_find(all, o->id) : NULL;
        if (j && json_is_string(json_object_get(j, "acknowledged_by"))) {
            o->acked_s = now;
            d_timeline(d, "coordinator", "sync",
                       "acknowledgement of order %.8s received", o->id);
        }
    }
    json_decref(all);
}

static void s_flags(drill_t *d, double now)
{
    bool want = false;
    for (size_t i = 0; i < d->n_flags; i++)
        want |= d->flags[i].seen_s < 0;
    json_t *all = NULL;
    if (want) {
        const char *args[] = {"list", "flags", NULL};
        all = d_cli(d, &d->coord, true, args);
    }
    for (size_t i = 0; i < d->n_flags; i++) {
        d_flag_t *f = &d->flags[i];
        if (f->seen_s < 0 && all && s_find(all, f->id)) {
            f->seen_s = now;
            d_timeline(d, "coordinator", "sync",
                       "red flag %.8s reached the command center", f->id);
        }
        if (f->seen_s < 0 || f->acked_s >= 0 ||
            (now - f->seen_s) * 1000 < (double)d->scn->commander.flag_ack_ms)
            continue;
        const char *args[] = {"flag", "ack", f->id, "--by",
                              d->scn->commander.by, "--action",
                              "演练：已联系本队精神科医生，专人陪护", NULL};
        json_t *j = d_cli(d, &d->coord, false, args);
        if (j) {
            f->acked_s = now;
            d_timeline(d, "coordinator", "ack", "%s acknowledges red flag "
                       "%.8s", d->scn->commander.by, f->id);
        }
        json_decref(j);
    }
    json_decref(all);
}

static void s_handoffs(drill_t *d, double now)
{
    bool want = false;
    for (size_t i = 0; i < d->n_handoffs; i++)
        want |= d->handoffs[i].seen_s < 0;
    json_t *all = NULL;
    if (want) {
        const char *args[] = {"list", "handoffs", NULL};
        all = d_cli(d, &d->coord, true, args);
    }
    for (size_t i = 0; i < d->n_handoffs; i++) {
        d_handoff_t *h = &d->handoffs[i];
        if (h->seen_s < 0 && all && s_find(all, h->id))
            h->seen_s = now;
        if (h->seen_s < 0 || h->accepted_s >= 0 ||
            (now - h->seen_s) * 1000 < (double)d->scn->commander.accept_ms)
            continue;
        const scn_service_t *sv = &d->scn->services[h->service];
        const char *args[] = {"handoff", "accept", h->id, "--by",
                              sv->accept_by, NULL};
        json_t *j = d_cli(d, &d->coord, false, args);
        if (j) {
            h->accepted_s = now;
            d_timeline(d, "coordinator", "ack", "%s accepts handoff %.8s",
                       sv->name, h->id);
        }
        json_decref(j);
    }
    json_decref(all);
}

void d_actors_react(drill_t *d)
{
    double now = d_now_s(d);
    s_leaders(d, now);
    if (d->coord.crashed)
        return; /* the command center is down: nobody there to act */
    s_orders_back(d, now);
    s_flags(d, now);
    s_handoffs(d, now);
}

bool d_actors_pending(const drill_t *d)
{
    for (size_t i = 0; i < d->n_orders; i++)
        if (d->orders[i].agent >= 0 && d->orders[i].acked_s < 0)
            return true;
    for (size_t i = 0; i < d->n_flags; i++)
        if (d->flags[i].acked_s < 0)
            return true;
    for (size_t i = 0; i < d->n_handoffs; i++)
        if (d->handoffs[i].accepted_s < 0)
            return true;
    for (size_t i = 0; i < d->scn->n_agents; i++)
        if (d->agents[i].crashed)
            return true;
    return d->coord.crashed;
}

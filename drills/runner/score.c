/* The score of a drill. Once the daemons have stopped, every store is
 * opened through core's event log: each node's own events are counted and
 * looked up at the coordinator (events lost), every log is checked for
 * entries beyond its distinct (origin, seq) ids (duplicates), and the view
 * digests are compared (convergence). With what the actors saw (times of
 * activation, orders, acknowledgements, red flags, people triaged,
 * handoffs) this makes the result document, format
 * "xinyuan-drill-result-1" (docs/drills.md has the rubric). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/event_log.h"
#include "domain/model.h"
#include "drills/runner/drill_internal.h"

/* One event identity. */
typedef struct s_key {
    uint8_t origin[XY_ID_LEN]; /* node that wrote it */
    uint64_t seq;              /* its number there */
} s_key_t;

/* The events of one store. */
typedef struct s_store {
    event_log_t *log;   /* open, or NULL when it could not be opened */
    uint8_t id[XY_ID_LEN]; /* the node's id */
    s_key_t *keys;      /* every entry, then sorted */
    size_t n, cap;      /* entries */
    size_t own;         /* entries of its own */
    size_t dups;        /* entries beyond the distinct ids */
    char digest[65];    /* view digest, hex */
} s_store_t;

/* What the stores say. */
typedef struct s_events {
    size_t recorded;    /* own events of every node */
    size_t at_coord;    /* of them, held by the coordinator */
    size_t lost;        /* agents' events the coordinator lacks */
    size_t dups;        /* entries beyond distinct ids, and domain doubles */
    bool converged;     /* every digest equal */
    json_t *digests;    /* node -> digest */
} s_events_t;

static int s_collect(const event_ref_t *ev, void *arg)
{
    s_store_t *s = arg;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->keys = xrealloc(s->keys, s->cap * sizeof *s->keys);
    }
    memcpy(s->keys[s->n].origin, ev->origin, XY_ID_LEN);
    s->keys[s->n++].seq = ev->seq;
    s->own += memcmp(ev->origin, s->id, XY_ID_LEN) == 0;
    return 0;
}

static int s_cmp(const void *a, const void *b)
{
    const s_key_t *x = a, *y = b;
    int c = memcmp(x->origin, y->origin, XY_ID_LEN);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void s_open(s_store_t *s, const d_node_t *n, domain_model_t *m)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/store", n->dir);
    memset(s, 0, sizeof *s);
    event_log_opts_t o = {.views = m->views};
    if (xy_unhex(s->id, XY_ID_LEN, n->id) ||
        event_log_open(&s->log, path, s->id, &o)) {
        fprintf(stderr, "xinyuan-drill: cannot open the store %s\n", path);
        return;
    }
    event_log_changes(s->log, 0, 0, NULL, NULL, s_collect, s, NULL);
    qsort(s->keys, s->n, sizeof *s->keys, s_cmp);
    for (size_t i = 1; i < s->n; i++)
        s->dups += s_cmp(&s->keys[i - 1], &s->keys[i]) == 0;
    uint8_t dg[32];
    if (event_log_view_digest(s->log, dg) == 0)
        xy_hex(s->digest, dg, sizeof dg);
}

static int s_found(const event_ref_t *ev, void *arg)
{
    (void)ev;
    *(bool *)arg = true;
    return 0;
}

/* Own events of an agent's store that the coordinator holds. */
static void s_compare(const s_store_t *a, const s_store_t *c, s_events_t *e)
{
    for (size_t i = 0; i < a->n; i++) {
        if (memcmp(a->keys[i].origin, a->id, XY_ID_LEN) != 0 ||
            (i && s_cmp(&a->keys[i - 1], &a->keys[i]) == 0))
            continue;
        bool held = false;
        e->recorded++;
        if (c->log)
            event_log_get(c->log, a->keys[i].origin, a->keys[i].seq, s_found,
                          &held);
        e->at_coord += held;
        e->lost += !held;
    }
}

/* Entries listed by the coordinator beyond those the actors made. */
static size_t s_domain_dups(drill_t *d, const char *what, size_t made)
{
    const char *args[] = {"list", what, NULL};
    json_t *j = d_cli(d, &d->coord, true, args);
    size_t n = json_array_size(j);
    json_decref(j);
    return n > made ? n - made : 0;
}

static void s_events(drill_t *d, s_events_t *e)
{
    domain_model_t *m = domain_model_new();
    size_t n = d->scn->n_agents;
    s_store_t *st = xcalloc(n + 1, sizeof *st);
    s_open(&st[n], &d->coord, m);
    memset(e, 0, sizeof *e);
    e->digests = json_object();
    e->recorded = e->at_coord = st[n].own; /* its own: all held */
    e->dups = st[n].dups;
    e->converged = st[n].log != NULL;
    json_object_set_new(e->digests, "coordinator", json_string(st[n].digest));
    for (size_t i = 0; i < n; i++) {
        s_open(&st[i], &d->agents[i], m);
        s_compare(&st[i], &st[n], e);
        e->dups += st[i].dups;
        e->converged &= st[i].log && strcmp(st[i].digest, st[n].digest) == 0;
        json_object_set_new(e->digests, d->agents[i].name,
                            json_string(st[i].digest));
    }
    for (size_t i = 0; i <= n; i++) {
        event_log_destroy(&st[i].log);
        free(st[i].keys);
    }
    free(st);
    domain_model_destroy(&m);
    e->dups += s_domain_dups(d, "persons", d->n_people);
    e->dups += s_domain_dups(d, "flags", d->n_flags);
}

/* -------------------------------------------------------------- items */

static json_t *s_time_or_null(double t)
{
    return t >= 0 ? json_real((double)(long)(t * 10) / 10) : json_null();
}

/* Points of a time against its target: all up to the target, none at
 * twice the target or never. */
static double s_timed(double v, double target, double max)
{
    if (v < 0)
        return 0;
    if (v <= target)
        return max;
    if (v >= 2 * target)
        return 0;
    return max * (2 * target - v) / target;
}

static void s_item(json_t *items, const char *name, json_t *value,
                   const char *unit, double target, double points, double max,
                   const char *note)
{
    json_array_append_new(items,
                          json_pack("{s:s, s:o, s:s, s:f, s:f, s:f, s:s}",
                                    "name", name, "value", value, "unit",
                                    unit, "target", target, "points",
                                    round(points * 10) / 10, "max", max,
                                    "note", note));
}

/* The slowest of the latencies seen so far, -1 once one never came. */
static void s_worst(double *worst, double lat, bool first)
{
    if (first || *worst >= 0)
        *worst = lat < 0 ? -1 : first ? lat : fmax(*worst, lat);
}

static json_t *s_team_acks(drill_t *d, double *points, double *worst)
{
    json_t *arr = json_array();
    double target = (double)d->scn->targets.ack_ms / 1000, sum = 0;
    *worst = -1;
    for (size_t i = 0; i < d->n_orders; i++) {
        const d_order_t *o = &d->orders[i];
        const d_team_t *t = o->team >= 0 ? &d->teams[o->team] : NULL;
        double lat = o->acked_s >= 0 ? o->acked_s - o->ordered_s : -1;
        sum += s_timed(lat, target, 1);
        s_worst(worst, lat, i == 0);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:o, s:o, s:o}", "team",
                           t ? t->name : "?", "level", t ? t->level : "?",
                           "ordered_s", s_time_or_null(o->ordered_s),
                           "acked_s",
                           s_time_or_null(o->acked_s), "latency_s",
                           s_time_or_null(lat)));
    }
    *points = d->n_orders ? sum / (double)d->n_orders : 0;
    return arr;
}

static json_t *s_red_flags(drill_t *d, double *points, double *worst)
{
    json_t *arr = json_array();
    double target = (double)d->scn->targets.flag_ms / 1000, sum = 0;
    *worst = 0;
    for (size_t i = 0; i < d->n_flags; i++) {
        const d_flag_t *f = &d->flags[i];
        double lat = f->acked_s >= 0 ? f->acked_s - f->raised_s : -1;
        sum += s_timed(lat, target, 1);
        s_worst(worst, lat, i == 0);
        json_array_append_new(
            arr, json_pack("{s:s, s:s, s:s, s:f, s:o, s:o}", "flag", f->id,
                           "agent", d->agents[f->agent].name, "zone",
                           d->scn->agents[f->agent].zone, "raised_s",
                           (double)(long)(f->raised_s * 10) / 10, "acked_s",
                           s_time_or_null(f->acked_s), "latency_s",
                           s_time_or_null(lat)));
    }
    *points = d->n_flags ? sum / (double)d->n_flags : 1;
    return arr;
}

static json_t *s_zones(drill_t *d, size_t *triaged)
{
    json_t *arr = json_array();
    *triaged = 0;
    for (size_t a = 0; a < d->scn->n_agents; a++) {
        const char *zone = d->scn->agents[a].zone;
        bool first = true;
        for (size_t b = 0; b < a; b++)
            first &= strcmp(d->scn->agents[b].zone, zone) != 0;
        if (!first)
            continue;
        size_t people = 0, tri = 0;
        for (size_t i = 0; i < d->n_people; i++) {
            if (strcmp(d->scn->agents[d->people[i].agent].zone, zone) != 0)
                continue;
            people++;
            tri += d->people[i].triaged;
        }
        *triaged += tri;
        json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "zone", zone,
                                             "people", (json_int_t)people,
                                             "triaged", (json_int_t)tri));
    }
    return arr;
}

/* The rubric: items and points. */
static json_t *s_score(drill_t *d, const s_events_t *e, json_t *score)
{
    const scn_targets_t *t = &d->scn->targets;
    json_t *items = json_array();
    char note[256];
    double act_t = (double)t->activation_ms / 1000;
    double dsp_t = (double)t->dispatch_ms / 1000;
    s_item(items, "activation", s_time_or_null(d->activation_s), "s", act_t,
           s_timed(d->activation_s, act_t, 10), 10,
           "incident declared or assessed and published (exercise)");
    s_item(items, "first dispatch", s_time_or_null(d->dispatch_s), "s", dsp_t,
           s_timed(d->dispatch_s, dsp_t, 10), 10,
           "first deployment order approved");
    double ack_pts, flag_pts, ack_worst, flag_worst;
    json_object_set_new(score, "team_acks",
                        s_team_acks(d, &ack_pts, &ack_worst));
    json_object_set_new(score, "red_flags",
                        s_red_flags(d, &flag_pts, &flag_worst));
    snprintf(note, sizeof note, "%zu orders; the slowest order to "
             "acknowledgement (never: one was not acknowledged)", d->n_orders);
    s_item(items, "team acknowledgements", s_time_or_null(ack_worst), "s",
           (double)t->ack_ms / 1000, 15 * ack_pts, 15, note);
    size_t triaged;
    json_t *zones = s_zones(d, &triaged);
    double cov = d->n_people ? (double)triaged / (double)d->n_people : 0;
    json_object_set_new(score, "triage",
                        json_pack("{s:I, s:I, s:f}", "people",
                                  (json_int_t)d->n_people, "triaged",
                                  (json_int_t)triaged, "coverage",
                                  round(cov * 1000) / 1000));
    s_item(items, "triage coverage", json_real(round(cov * 1000) / 10), "%",
           t->coverage * 100,
           15 * (t->coverage > 0 ? fmin(1, cov / t->coverage) : 1), 15,
           "people met who were screened");
    snprintf(note, sizeof note, "%zu red flags; the slowest raise to "
             "acknowledgement (never: one was not acknowledged)",
             d->n_flags);
    s_item(items, "red flags", s_time_or_null(flag_worst), "s",
           (double)t->flag_ms / 1000, 15 * flag_pts, 15, note);
    size_t done = 0;
    for (size_t i = 0; i < d->n_handoffs; i++)
        done += d->handoffs[i].accepted_s >= 0;
    json_object_set_new(score, "handoffs",
                        json_pack("{s:I, s:I}", "proposed",
                                  (json_int_t)d->n_handoffs, "completed",
                                  (json_int_t)done));
    double hshare = d->n_handoffs ? (double)done / (double)d->n_handoffs : 1;
    s_item(items, "handoffs", json_real(round(hshare * 1000) / 10), "%", 100,
           5 * hshare, 5, "handoffs accepted by the receiving service");
    s_item(items, "events lost", json_integer((json_int_t)e->lost), "events",
           0, e->lost ? 0 : 10, 10, "must be 0");
    s_item(items, "duplicates", json_integer((json_int_t)e->dups), "events",
           0, e->dups ? 0 : 10, 10, "must be 0");
    s_item(items, "convergence", json_boolean(e->converged), "", 1,
           e->converged ? 10 : 0, 10, "must hold: every view digest equal");
    json_object_set_new(score, "items", items);
    return zones;
}

static json_t *s_agents(const drill_t *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < d->scn->n_agents; i++)
        json_array_append_new(arr,
                              json_pack("{s:s, s:s, s:s}", "name",
                                        d->scn->agents[i].name, "team",
                                        d->scn->agents[i].team, "zone",
                                        d->scn->agents[i].zone));
    return arr;
}

json_t *d_score(drill_t *d)
{
    s_events_t e;
    s_events(d, &e);
    d->converged = e.converged;
    json_t *score = json_object();
    json_t *zones = s_score(d, &e, score);
    double pts = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(score, "items"), i, it)
        pts += json_number_value(json_object_get(it, "points"));
    pts = round(pts);
    bool must = e.lost == 0 && e.dups == 0 && e.converged;
    json_object_set_new(score, "points", json_integer((json_int_t)pts));
    json_object_set_new(score, "max", json_integer(100));
    json_object_set_new(score, "pass",
                        json_boolean(must && pts >= d->scn->targets.pass));
    json_object_set_new(score, "activation_s",
                        s_time_or_null(d->activation_s));
    json_object_set_new(score, "first_dispatch_s",
                        s_time_or_null(d->dispatch_s));
    json_object_set_new(score, "events",
                        json_pack("{s:I, s:I, s:I, s:I}", "recorded",
                                  (json_int_t)e.recorded, "at_coordinator",
                                  (json_int_t)e.at_coord, "lost",
                                  (json_int_t)e.lost, "duplicates",
                                  (json_int_t)e.dups));
    json_object_set_new(score, "convergence",
                        json_pack("{s:b, s:o}", "converged", e.converged,
                                  "digests", e.digests));
    json_t *drill = json_pack(
        "{s:s, s:s, s:f, s:s, s:f, s:f, s:b, s:s, s:s}", "name",
        d->scn->name, "scenario", d->scn->path, "compress", d->scn->compress,
        "started_at", d->started_at, "wall_s", 0.0, "scenario_s",
        round(d_now_s(d)), "exercise", 1, "incident", d->incident, "hazard",
        d->hazard);
    return json_pack("{s:s, s:o, s:o, s:O, s:O, s:o, s:o}", "format",
                     "xinyuan-drill-result-1", "drill", drill, "score",
                     score, "timeline", d->timeline, "backlog", d->backlog,
                     "coverage_by_zone", zones, "agents", s_agents(d));
}

void d_score_print(const json_t *r)
{
    const json_t *s = json_object_get(r, "score");
    printf("\nscore of \"%s\"\n",
           json_string_value(json_object_get(json_object_get(r, "drill"),
                                             "name")));
    printf("  %-24s %12s %10s %8s\n", "item", "value", "target", "points");
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(s, "items"), i, it)
    {
        char v[32];
        json_t *val = json_object_get(it, "value");
        if (json_is_null(val))
            snprintf(v, sizeof v, "never");
        else if (json_is_boolean(val))
            snprintf(v, sizeof v, "%s", json_is_true(val) ? "yes" : "no");
        else
            snprintf(v, sizeof v, "%g %s", json_number_value(val),
                     json_string_value(json_object_get(it, "unit")));
        printf("  %-24s %12s %10g %4g/%-3g\n",
               json_string_value(json_object_get(it, "name")), v,
               json_number_value(json_object_get(it, "target")),
               json_number_value(json_object_get(it, "points")),
               json_number_value(json_object_get(it, "max")));
    }
    const json_t *ev = json_object_get(s, "events");
    printf("  events: %lld recorded, %lld at the coordinator, %lld lost, "
           "%lld duplicates; converged: %s\n",
           (long long)json_integer_value(json_object_get(ev, "recorded")),
           (long long)json_integer_value(json_object_get(ev,
                                                         "at_coordinator")),
           (long long)json_integer_value(json_object_get(ev, "lost")),
           (long long)json_integer_value(json_object_get(ev, "duplicates")),
           json_is_true(json_object_get(json_object_get(s, "convergence"),
                                        "converged"))
               ? "yes"
               : "no");
    printf("  total %lld/100: %s\n",
           (long long)json_integer_value(json_object_get(s, "points")),
           json_is_true(json_object_get(s, "pass")) ? "PASS" : "FAIL");
    fflush(stdout);
}

/* Reading and checking the drill result (result.h). One reader per record
 * of the format; arrays go through s_list so every element error names its
 * index. */
#include "drills/report/result.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "drills/report/jfield.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_TIME (JF_NULLABLE | JF_NONNEG)

static const char *const s_kinds[DR_KIND_COUNT] = {
    "link", "inject", "order", "ack", "flag", "crash", "note", "sync",
};

const char *dr_kind_name(dr_kind_t kind)
{
    return kind < DR_KIND_COUNT ? s_kinds[kind] : "?";
}

typedef int (*s_read_fn)(jf_ctx_t *c, const json_t *el, const char *path,
                         void *out);

/* Reads the array at path.key into a new array of n records of size each
 * (NULL when empty), one read() per element. */
static int s_list(jf_ctx_t *c, const json_t *obj, const char *path,
                  const char *key, size_t size, s_read_fn read, void **out,
                  size_t *n)
{
    const json_t *arr;
    char p[JF_PATH_MAX], ep[JF_PATH_MAX];
    int rc = jf_arr(c, obj, path, key, 0, &arr);
    if (rc)
        return rc;
    jf_member(p, sizeof p, path, key);
    *n = json_array_size(arr);
    *out = *n ? xcalloc(*n, size) : NULL;
    for (size_t i = 0; i < *n; i++) {
        jf_element(ep, sizeof ep, p, i);
        rc = read(c, json_array_get(arr, i), ep, (char *)*out + i * size);
        if (rc)
            return rc;
    }
    return 0;
}

/* An item's value: a number, null, or true/false (a condition met). */
static int s_item_value(jf_ctx_t *c, const json_t *el, const char *p,
                        dr_item_t *it)
{
    const json_t *v = json_object_get(el, "value");
    it->truth = -1;
    if (json_is_boolean(v)) {
        it->truth = json_is_true(v);
        it->value = NAN;
        return 0;
    }
    if (v && !json_is_null(v) && !json_is_number(v))
        return jf_fail(c, p, "value", "not a number, true, false or null");
    return jf_num(c, el, p, "value", JF_NULLABLE, &it->value);
}

static int s_item(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_item_t *it = out;
    if (jf_obj(c, el, p, NULL, 0, &el) ||
        jf_str(c, el, p, "name", 0, &it->name) || s_item_value(c, el, p, it) ||
        jf_str(c, el, p, "unit", JF_OPTIONAL, &it->unit) ||
        jf_num(c, el, p, "target", JF_NULLABLE | JF_OPTIONAL, &it->target) ||
        jf_num(c, el, p, "points", 0, &it->points) ||
        jf_num(c, el, p, "max", JF_NONNEG, &it->max) ||
        jf_str(c, el, p, "note", JF_OPTIONAL, &it->note))
        return XY_EMALFORMED;
    return 0;
}

static int s_team_ack(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_team_ack_t *t = out;
    if (jf_obj(c, el, p, NULL, 0, &el) ||
        jf_str(c, el, p, "team", 0, &t->team) ||
        jf_str(c, el, p, "level", JF_OPTIONAL, &t->level) ||
        jf_num(c, el, p, "ordered_s", S_TIME, &t->ordered_s) ||
        jf_num(c, el, p, "acked_s", S_TIME, &t->acked_s) ||
        jf_num(c, el, p, "latency_s", S_TIME, &t->latency_s))
        return XY_EMALFORMED;
    return 0;
}

static int s_flag(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_flag_t *f = out;
    if (jf_obj(c, el, p, NULL, 0, &el) ||
        jf_str(c, el, p, "flag", 0, &f->flag) ||
        jf_str(c, el, p, "agent", 0, &f->agent) ||
        jf_str(c, el, p, "zone", JF_OPTIONAL, &f->zone) ||
        jf_num(c, el, p, "raised_s", JF_NONNEG, &f->raised_s) ||
        jf_num(c, el, p, "acked_s", S_TIME, &f->acked_s) ||
        jf_num(c, el, p, "latency_s", S_TIME, &f->latency_s))
        return XY_EMALFORMED;
    return 0;
}

static int s_entry(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_entry_t *e = out;
    const char *kind;
    if (jf_obj(c, el, p, NULL, 0, &el) ||
        jf_num(c, el, p, "t_s", JF_NONNEG, &e->t_s) ||
        jf_str(c, el, p, "actor", 0, &e->actor) ||
        jf_str(c, el, p, "kind", 0, &kind) ||
        jf_str(c, el, p, "what", JF_OPTIONAL, &e->what))
        return XY_EMALFORMED;
    for (e->kind = 0; e->kind < DR_KIND_COUNT; e->kind++)
        if (!strcmp(kind, s_kinds[e->kind]))
            return 0;
    return jf_fail(c, p, "kind",
                   "not one of link, inject, order, ack, flag, crash, "
                   "note, sync");
}

static int s_zone(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_zone_t *z = out;
    if (jf_obj(c, el, p, NULL, 0, &el) ||
        jf_str(c, el, p, "zone", 0, &z->zone) ||
        jf_num(c, el, p, "people", JF_COUNT, &z->people) ||
        jf_num(c, el, p, "triaged", JF_COUNT, &z->triaged))
        return XY_EMALFORMED;
    return 0;
}

static int s_agent(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_agent_t *a = out;
    if (jf_obj(c, el, p, NULL, 0, &el) ||
        jf_str(c, el, p, "name", 0, &a->name) ||
        jf_str(c, el, p, "team", JF_OPTIONAL, &a->team) ||
        jf_str(c, el, p, "zone", JF_OPTIONAL, &a->zone))
        return XY_EMALFORMED;
    return 0;
}

static int s_sample(jf_ctx_t *c, const json_t *el, const char *p, void *out)
{
    dr_sample_t *s = out;
    char ep[JF_PATH_MAX];
    if (!json_is_array(el) || json_array_size(el) != 2)
        return jf_fail(c, p, NULL, "not a pair [t_s, waiting]");
    jf_element(ep, sizeof ep, p, 0);
    if (jf_num(c, json_array_get(el, 0), ep, NULL, JF_NONNEG, &s->t_s))
        return XY_EMALFORMED;
    jf_element(ep, sizeof ep, p, 1);
    return jf_num(c, json_array_get(el, 1), ep, NULL, JF_COUNT, &s->waiting);
}

static int s_drill(jf_ctx_t *c, const json_t *root, drill_result_t *r)
{
    const json_t *d;
    const char *p = "drill";
    if (jf_obj(c, root, "", p, 0, &d) ||
        jf_str(c, d, p, "name", 0, &r->drill.name) ||
        jf_str(c, d, p, "scenario", 0, &r->drill.scenario) ||
        jf_num(c, d, p, "compress", JF_NONNEG, &r->drill.compress) ||
        jf_str(c, d, p, "started_at", 0, &r->drill.started_at) ||
        jf_num(c, d, p, "wall_s", JF_NONNEG, &r->drill.wall_s) ||
        jf_num(c, d, p, "scenario_s", JF_NONNEG, &r->drill.scenario_s) ||
        jf_bool(c, d, p, "exercise", 0, &r->drill.exercise) ||
        jf_str(c, d, p, "incident", JF_NULLABLE | JF_OPTIONAL,
               &r->drill.incident) ||
        jf_str(c, d, p, "hazard", JF_OPTIONAL, &r->drill.hazard))
        return XY_EMALFORMED;
    return 0;
}

/* score.triage, score.handoffs and score.events. */
static int s_counts(jf_ctx_t *c, const json_t *s, drill_result_t *r)
{
    const json_t *t, *h, *e;
    if (jf_obj(c, s, "score", "triage", 0, &t) ||
        jf_num(c, t, "score.triage", "people", JF_COUNT,
               &r->score.triage_people) ||
        jf_num(c, t, "score.triage", "triaged", JF_COUNT,
               &r->score.triage_triaged) ||
        jf_num(c, t, "score.triage", "coverage", JF_NULLABLE | JF_NONNEG,
               &r->score.triage_coverage) ||
        jf_obj(c, s, "score", "handoffs", 0, &h) ||
        jf_num(c, h, "score.handoffs", "proposed", JF_COUNT,
               &r->score.handoffs_proposed) ||
        jf_num(c, h, "score.handoffs", "completed", JF_COUNT,
               &r->score.handoffs_completed) ||
        jf_obj(c, s, "score", "events", 0, &e) ||
        jf_num(c, e, "score.events", "recorded", JF_COUNT,
               &r->score.recorded) ||
        jf_num(c, e, "score.events", "at_coordinator", JF_COUNT,
               &r->score.at_coordinator) ||
        jf_num(c, e, "score.events", "lost", JF_COUNT, &r->score.lost) ||
        jf_num(c, e, "score.events", "duplicates", JF_COUNT,
               &r->score.duplicates))
        return XY_EMALFORMED;
    return 0;
}

static int s_convergence(jf_ctx_t *c, const json_t *s, drill_result_t *r)
{
    const json_t *cv, *dg;
    const char *p = "score.convergence";
    if (jf_obj(c, s, "score", "convergence", 0, &cv) ||
        jf_bool(c, cv, p, "converged", 0, &r->score.converged) ||
        jf_obj(c, cv, p, "digests", 0, &dg))
        return XY_EMALFORMED;
    r->score.n_digests = json_object_size(dg);
    if (r->score.n_digests)
        r->score.digests = xcalloc(r->score.n_digests, sizeof(dr_digest_t));
    size_t i = 0;
    const char *node;
    json_t *v;
    char dp[JF_PATH_MAX];
    jf_member(dp, sizeof dp, p, "digests");
    json_object_foreach((json_t *)dg, node, v)
    {
        r->score.digests[i].node = node;
        if (jf_str(c, dg, dp, node, 0, &r->score.digests[i].digest))
            return XY_EMALFORMED;
        i++;
    }
    return 0;
}

static int s_score(jf_ctx_t *c, const json_t *root, drill_result_t *r)
{
    const json_t *s;
    const char *p = "score";
    if (jf_obj(c, root, "", p, 0, &s) ||
        jf_num(c, s, p, "points", 0, &r->score.points) ||
        jf_num(c, s, p, "max", JF_NONNEG, &r->score.max) ||
        jf_bool(c, s, p, "pass", 0, &r->score.pass) ||
        s_list(c, s, p, "items", sizeof(dr_item_t), s_item,
               (void **)&r->score.items, &r->score.n_items) ||
        jf_num(c, s, p, "activation_s", S_TIME, &r->score.activation_s) ||
        jf_num(c, s, p, "first_dispatch_s", S_TIME,
               &r->score.first_dispatch_s) ||
        s_list(c, s, p, "team_acks", sizeof(dr_team_ack_t), s_team_ack,
               (void **)&r->score.team_acks, &r->score.n_team_acks) ||
        s_list(c, s, p, "red_flags", sizeof(dr_flag_t), s_flag,
               (void **)&r->score.flags, &r->score.n_flags) ||
        s_counts(c, s, r) || s_convergence(c, s, r))
        return XY_EMALFORMED;
    return 0;
}

static int s_backlog(jf_ctx_t *c, const json_t *root, drill_result_t *r)
{
    const json_t *b;
    if (jf_obj(c, root, "", "backlog", 0, &b))
        return XY_EMALFORMED;
    r->n_backlog = json_object_size(b);
    if (r->n_backlog)
        r->backlog = xcalloc(r->n_backlog, sizeof(dr_backlog_t));
    size_t i = 0;
    const char *agent;
    json_t *v;
    json_object_foreach((json_t *)b, agent, v)
    {
        dr_backlog_t *s = &r->backlog[i++];
        s->agent = agent;
        if (s_list(c, b, "backlog", agent, sizeof(dr_sample_t), s_sample,
                   (void **)&s->samples, &s->n))
            return XY_EMALFORMED;
    }
    return 0;
}

static int s_read(jf_ctx_t *c, const json_t *root, drill_result_t *r)
{
    const char *format;
    if (!json_is_object(root))
        return jf_fail(c, "", NULL, "not a JSON object");
    if (jf_str(c, root, "", "format", 0, &format))
        return XY_EMALFORMED;
    if (strcmp(format, DRILL_RESULT_FORMAT)) {
        jf_fail(c, "", "format", "not " DRILL_RESULT_FORMAT);
        return XY_EVERSION;
    }
    if (s_drill(c, root, r) || s_score(c, root, r) ||
        s_list(c, root, "", "timeline", sizeof(dr_entry_t), s_entry,
               (void **)&r->timeline, &r->n_timeline) ||
        s_backlog(c, root, r) ||
        s_list(c, root, "", "coverage_by_zone", sizeof(dr_zone_t), s_zone,
               (void **)&r->zones, &r->n_zones) ||
        s_list(c, root, "", "agents", sizeof(dr_agent_t), s_agent,
               (void **)&r->agents, &r->n_agents))
        return XY_EMALFORMED;
    return 0;
}

int drill_result_read(drill_result_t **out, const json_t *root, char *err,
                      size_t errlen)
{
    jf_ctx_t c = {"result", err, errlen};
    drill_result_t *r = xcalloc(1, sizeof *r);
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    int rc = s_read(&c, root, r);
    if (rc) {
        drill_result_destroy(&r);
        return rc;
    }
    *out = r;
    return 0;
}

void drill_result_destroy(drill_result_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    drill_result_t *r = *self_p;
    free(r->score.items);
    free(r->score.team_acks);
    free(r->score.flags);
    free(r->score.digests);
    free(r->timeline);
    for (size_t i = 0; i < r->n_backlog; i++)
        free(r->backlog[i].samples);
    free(r->backlog);
    free(r->zones);
    free(r->agents);
    free(r);
    *self_p = NULL;
}

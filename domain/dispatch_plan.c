/* The dispatch planner's search (dispatch_plan.h): a greedy start by
 * covered priority per worker sent, then moves and swaps until no step
 * improves. The JSON, LP and zone loaders are in dispatch_plan_io.c. */
#include "domain/dispatch_plan.h"
#include "domain/dispatch_plan_impl.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "geo/geo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_EPS 1e-9

void dispatch_plan_params_default(dispatch_plan_params_t *p)
{
    memset(p, 0, sizeof *p);
    p->road_factor = 1.4;
    p->speed_kmh = 50;
    p->max_travel_h = 8;
    p->max_passes = 50;
}

static int s_check(const dispatch_team_t *teams, size_t nt,
                   const dispatch_zone_t *zones, size_t nz,
                   const dispatch_plan_params_t *p, domain_error_t *err)
{
    if (nt > DISPATCH_PLAN_MAX_TEAMS)
        return domain_fail(err, XY_ETOOBIG, "teams", "%zu teams, at most %d",
                           nt, DISPATCH_PLAN_MAX_TEAMS);
    if (nz > DISPATCH_PLAN_MAX_ZONES)
        return domain_fail(err, XY_ETOOBIG, "zones", "%zu zones, at most %d",
                           nz, DISPATCH_PLAN_MAX_ZONES);
    if (!(p->road_factor >= 1 && p->road_factor <= 10) ||
        !(p->speed_kmh > 0 && p->speed_kmh <= 200) ||
        !(p->max_travel_h > 0 && p->max_travel_h <= 240))
        return domain_fail(err, XY_EINVAL, "params",
                           "road factor 1..10, speed 0..200 km/h and travel "
                           "limit 0..240 h are required");
    for (size_t i = 0; i < nt; i++)
        if (geo_check_point(teams[i].lat, teams[i].lon))
            return domain_fail(err, XY_EINVAL, "team",
                               "team %zu (%s): position out of range", i + 1,
                               teams[i].name);
    for (size_t j = 0; j < nz; j++) {
        const dispatch_zone_t *z = &zones[j];
        if (z->located && geo_check_point(z->lat, z->lon))
            return domain_fail(err, XY_EINVAL, "zone",
                               "zone %zu (%s): position out of range", j + 1,
                               z->name);
        if (z->workers_needed && !(z->priority > 0 && z->priority < 1e12))
            return domain_fail(err, XY_EINVAL, "zone",
                               "zone %zu (%s): priority must be above 0",
                               j + 1, z->name);
        if (z->workers_needed > DISPATCH_PLAN_MAX_WORKERS)
            return domain_fail(err, XY_EINVAL, "zone",
                               "zone %zu (%s): %u workers needed, at most %d",
                               j + 1, z->name, z->workers_needed,
                               DISPATCH_PLAN_MAX_WORKERS);
    }
    return 0;
}

static double s_route(const dispatch_plan_t *p, const dispatch_plan_params_t *q,
                      size_t i, size_t j)
{
    if (q->travel_h) {
        double h = q->travel_h[i * p->nz + j];
        return isnan(h) || h < 0 ? -1 : h;
    }
    const dispatch_zone_t *z = &p->zones[j];
    if (!z->located)
        return -1;
    double km = geo_distance_km(p->teams[i].lat, p->teams[i].lon, z->lat,
                                z->lon);
    return km * q->road_factor / q->speed_kmh;
}

/* Covered value of zone j at load l. */
static double s_value(const dispatch_plan_t *p, size_t j, double l)
{
    double w = p->zones[j].workers_needed;
    return p->weight[j] * (l < w ? l : w);
}

/* Objective change of adding (sign +1) or removing (-1) c workers. */
static double s_delta(const dispatch_plan_t *p, size_t j, double c)
{
    return s_value(p, j, p->load[j] + c) - s_value(p, j, p->load[j]);
}

static bool s_psy(const dispatch_plan_t *p, size_t i)
{
    return p->teams[i].psychiatrists > 0;
}

static void s_place(dispatch_plan_t *p, size_t i, long j)
{
    long a = p->zone_of[i];
    if (a >= 0) {
        p->load[a] -= p->teams[i].capacity;
        p->count[a]--;
        p->psy[a] -= s_psy(p, i);
    }
    p->zone_of[i] = j;
    if (j >= 0) {
        p->load[j] += p->teams[i].capacity;
        p->count[j]++;
        p->psy[j] += s_psy(p, i);
    }
}

/* Whether zone j keeps the skill mix with teams/psychiatric teams changed
 * by dn/dp. */
static bool s_mix_ok(const dispatch_plan_t *p, long j, int dn, int dp)
{
    if (j < 0 || !p->req[j])
        return true;
    long n = (long)p->count[j] + dn, s = (long)p->psy[j] + dp;
    return n == 0 || s >= 1;
}

static void s_greedy(dispatch_plan_t *p)
{
    /* Each step sends one team, so nt steps at most. */
    for (size_t step = 0; step < p->nt; step++) {
        long bi = -1, bj = -1;
        double best = S_EPS, bgain = 0, btime = 0;
        for (size_t i = 0; i < p->nt; i++) {
            if (p->zone_of[i] >= 0)
                continue;
            double c = p->teams[i].capacity;
            for (size_t j = 0; j < p->nz; j++) {
                if (!dispatch_plan_allowed(p, i, j) ||
                    !s_mix_ok(p, (long)j, 1, s_psy(p, i)))
                    continue;
                double g = s_delta(p, j, c), eff = g / c;
                double t = p->travel[i * p->nz + j];
                if (eff > best + S_EPS ||
                    (eff > best - S_EPS &&
                     (g > bgain + S_EPS ||
                      (g > bgain - S_EPS && t < btime)))) {
                    best = eff > best ? eff : best;
                    bgain = g;
                    btime = t;
                    bi = (long)i;
                    bj = (long)j;
                }
            }
        }
        if (bi < 0)
            return;
        s_place(p, (size_t)bi, bj);
    }
}

/* Gain of moving team i to zone b (-1: home). */
static double s_move_gain(const dispatch_plan_t *p, size_t i, long b)
{
    long a = p->zone_of[i];
    double c = p->teams[i].capacity, g = 0;
    if (a >= 0)
        g += s_delta(p, (size_t)a, -c);
    if (b >= 0)
        g += s_delta(p, (size_t)b, c);
    return g;
}

static bool s_try_moves(dispatch_plan_t *p)
{
    bool improved = false;
    for (size_t i = 0; i < p->nt; i++) {
        long a = p->zone_of[i];
        int dp = s_psy(p, i);
        if (!s_mix_ok(p, a, -1, -dp))
            continue;
        for (size_t j = 0; j < p->nz; j++) {
            if ((long)j == a || !dispatch_plan_allowed(p, i, j) ||
                !s_mix_ok(p, (long)j, 1, dp))
                continue;
            if (s_move_gain(p, i, (long)j) > S_EPS * (1 + p->objective)) {
                p->objective += s_move_gain(p, i, (long)j);
                s_place(p, i, (long)j);
                a = (long)j;
                improved = true;
                if (!s_mix_ok(p, a, -1, -dp))
                    break;
            }
        }
    }
    return improved;
}

/* Gain of exchanging the zones of teams i and k (either may be home). */
static double s_swap_gain(const dispatch_plan_t *p, size_t i, size_t k)
{
    long a = p->zone_of[i], b = p->zone_of[k];
    double ci = p->teams[i].capacity, ck = p->teams[k].capacity, g = 0;
    if (a >= 0)
        g += s_delta(p, (size_t)a, ck - ci);
    if (b >= 0)
        g += s_delta(p, (size_t)b, ci - ck);
    return g;
}

static bool s_swap_ok(const dispatch_plan_t *p, size_t i, size_t k)
{
    long a = p->zone_of[i], b = p->zone_of[k];
    if (a == b)
        return false;
    if ((b >= 0 && !dispatch_plan_allowed(p, i, (size_t)b)) ||
        (a >= 0 && !dispatch_plan_allowed(p, k, (size_t)a)))
        return false;
    /* Team counts never change in a swap; psychiatric teams may. */
    int d = s_psy(p, k) - s_psy(p, i);
    return s_mix_ok(p, a, 0, d) && s_mix_ok(p, b, 0, -d);
}

static bool s_try_swaps(dispatch_plan_t *p)
{
    bool improved = false;
    for (size_t i = 0; i < p->nt; i++) {
        if (!p->teams[i].available)
            continue;
        for (size_t k = i + 1; k < p->nt; k++) {
            if (!p->teams[k].available ||
                (p->zone_of[i] < 0 && p->zone_of[k] < 0) ||
                p->teams[i].capacity == p->teams[k].capacity)
                continue;
            double g = s_swap_gain(p, i, k);
            if (g <= S_EPS * (1 + p->objective) || !s_swap_ok(p, i, k))
                continue;
            long a = p->zone_of[i], b = p->zone_of[k];
            s_place(p, i, -1);
            s_place(p, k, a);
            s_place(p, i, b);
            p->objective += g;
            improved = true;
        }
    }
    return improved;
}

/* Opens a closed zone that must have a psychiatrist: sends a psychiatric
 * team there and fills it with the moves that gain, and keeps the result
 * only if the whole gains. One try per closed zone and team. */
static bool s_try_open(dispatch_plan_t *p)
{
    bool improved = false;
    for (size_t j = 0; j < p->nz; j++) {
        if (!p->req[j] || p->count[j] > 0)
            continue;
        for (size_t i = 0; i < p->nt && p->count[j] == 0; i++) {
            long a = p->zone_of[i];
            if (!s_psy(p, i) || !dispatch_plan_allowed(p, i, j) ||
                !s_mix_ok(p, a, -1, -1))
                continue;
            double before = p->objective;
            for (size_t k = 0; k < p->nt; k++)
                p->undo[k] = p->zone_of[k];
            double g = s_move_gain(p, i, (long)j);
            s_place(p, i, (long)j);
            for (size_t k = 0; k < p->nt; k++) {
                long b = p->zone_of[k];
                if (b == (long)j || !dispatch_plan_allowed(p, k, j) ||
                    !s_mix_ok(p, b, -1, -s_psy(p, k)))
                    continue;
                double d = s_move_gain(p, k, (long)j);
                if (d > S_EPS) {
                    g += d;
                    s_place(p, k, (long)j);
                }
            }
            if (g > S_EPS * (1 + before)) {
                p->objective = before + g;
                improved = true;
            } else {
                dispatch_plan_reset(p, p->undo);
                p->objective = before;
            }
        }
    }
    return improved;
}

static void s_descend(dispatch_plan_t *p, uint32_t passes)
{
    for (uint32_t pass = 0; pass < passes; pass++) {
        bool a = s_try_moves(p);
        bool b = s_try_swaps(p);
        bool c = s_try_open(p);
        if (!a && !b && !c)
            break;
    }
}

/* splitmix64, for the kicks: the same plan on every machine. */
static uint64_t s_rand(uint64_t *st)
{
    uint64_t z = (*st += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Sends a few random teams to random zones they may go to (or home). */
static void s_kick(dispatch_plan_t *p, uint64_t *st)
{
    size_t n = 2 + (size_t)(s_rand(st) % 4);
    for (size_t tries = 0; tries < 8 * n && n > 0; tries++) {
        size_t i = (size_t)(s_rand(st) % p->nt);
        long a = p->zone_of[i];
        long b = (long)(s_rand(st) % (p->nz + 1)) - 1;
        int dp = s_psy(p, i);
        if (b == a || !p->teams[i].available ||
            (b >= 0 && !dispatch_plan_allowed(p, i, (size_t)b)) ||
            !s_mix_ok(p, a, -1, -dp) || !s_mix_ok(p, b, 1, dp))
            continue;
        s_place(p, i, b);
        n--;
    }
    p->objective = dispatch_plan_evaluate(p, p->zone_of);
}

/* Iterated local search: descend, then kick and descend again, keeping
 * the best plan seen; the number of kicks bounds the work. */
static void s_search(dispatch_plan_t *p, const dispatch_plan_params_t *q)
{
    uint32_t passes = q->max_passes ? q->max_passes : 50;
    double work = (double)p->nt * p->nz + (double)p->nt * p->nt / 2 + 1;
    uint32_t kicks = q->max_kicks ? q->max_kicks
                                  : (uint32_t)fmin(300, 1.2e7 / work);
    long *best = xcalloc(p->nt ? p->nt : 1, sizeof *best);
    uint64_t st = 0x5eed;
    s_descend(p, passes);
    double best_obj = p->objective;
    memcpy(best, p->zone_of, p->nt * sizeof *best);
    for (uint32_t k = 0; k < kicks && p->nt > 0; k++) {
        s_kick(p, &st);
        s_descend(p, passes);
        p->objective = dispatch_plan_evaluate(p, p->zone_of);
        if (p->objective > best_obj + S_EPS * (1 + best_obj)) {
            best_obj = p->objective;
            memcpy(best, p->zone_of, p->nt * sizeof *best);
        } else {
            dispatch_plan_reset(p, best);
            p->objective = best_obj;
        }
    }
    dispatch_plan_reset(p, best);
    free(best);
}

void dispatch_plan_reset(dispatch_plan_t *p, const long *zone_of)
{
    memset(p->load, 0, p->nz * sizeof *p->load);
    memset(p->count, 0, p->nz * sizeof *p->count);
    memset(p->psy, 0, p->nz * sizeof *p->psy);
    for (size_t i = 0; i < p->nt; i++) {
        p->zone_of[i] = -1;
        s_place(p, i, zone_of[i]);
    }
}

/* Valid because it relaxes the travel limit and the skill mix (each one
 * alone): the least of (a) every worker sent to the best zone it can reach
 * and (b) the available workers poured into the zones by weight, without
 * routes. docs/dispatch.md, "Bound". */
static double s_bound(const dispatch_plan_t *p)
{
    double a = 0, cap = 0;
    for (size_t i = 0; i < p->nt; i++) {
        double best = 0;
        for (size_t j = 0; j < p->nz; j++)
            if (dispatch_plan_allowed(p, i, j) && p->weight[j] > best)
                best = p->weight[j];
        a += best * p->teams[i].capacity;
        if (best > 0)
            cap += p->teams[i].capacity;
    }
    size_t *ord = xcalloc(p->nz ? p->nz : 1, sizeof *ord);
    for (size_t j = 0; j < p->nz; j++)
        ord[j] = j;
    /* Insertion sort by weight, descending: zones are at most 2000. */
    for (size_t j = 1; j < p->nz; j++)
        for (size_t k = j; k > 0 && p->weight[ord[k]] > p->weight[ord[k - 1]];
             k--) {
            size_t t = ord[k];
            ord[k] = ord[k - 1];
            ord[k - 1] = t;
        }
    double b = 0;
    for (size_t k = 0; k < p->nz && cap > 0; k++) {
        size_t j = ord[k];
        if (!p->reachable[j])
            continue;
        double w = p->zones[j].workers_needed, take = w < cap ? w : cap;
        b += take * p->weight[j];
        cap -= take;
    }
    free(ord);
    return a < b ? a : b;
}

int dispatch_plan_compute(dispatch_plan_t **out, const dispatch_team_t *teams,
                          size_t nt, const dispatch_zone_t *zones, size_t nz,
                          const dispatch_plan_params_t *q, domain_error_t *err)
{
    *out = NULL;
    int rc = s_check(teams, nt, zones, nz, q, err);
    if (rc)
        return rc;
    dispatch_plan_t *p = xcalloc(1, sizeof *p);
    p->nt = nt;
    p->nz = nz;
    p->max_travel_h = q->max_travel_h;
    p->teams = xcalloc(nt ? nt : 1, sizeof *p->teams);
    p->zones = xcalloc(nz ? nz : 1, sizeof *p->zones);
    if (nt)
        memcpy(p->teams, teams, nt * sizeof *teams);
    if (nz)
        memcpy(p->zones, zones, nz * sizeof *zones);
    p->travel = xcalloc(nt * nz + 1, sizeof *p->travel);
    p->weight = xcalloc(nz ? nz : 1, sizeof *p->weight);
    p->load = xcalloc(nz ? nz : 1, sizeof *p->load);
    p->count = xcalloc(nz ? nz : 1, sizeof *p->count);
    p->psy = xcalloc(nz ? nz : 1, sizeof *p->psy);
    p->req = xcalloc(nz ? nz : 1, sizeof *p->req);
    p->reachable = xcalloc(nz ? nz : 1, sizeof *p->reachable);
    p->zone_of = xcalloc(nt ? nt : 1, sizeof *p->zone_of);
    p->undo = xcalloc(nt ? nt : 1, sizeof *p->undo);
    p->explain = xcalloc(nt ? nt : 1, sizeof *p->explain);
    for (size_t j = 0; j < nz; j++)
        p->weight[j] = zones[j].workers_needed
                           ? zones[j].priority / zones[j].workers_needed
                           : 0;
    for (size_t i = 0; i < nt; i++) {
        p->zone_of[i] = -1;
        for (size_t j = 0; j < nz; j++) {
            p->travel[i * nz + j] = s_route(p, q, i, j);
            if (!dispatch_plan_allowed(p, i, j))
                continue;
            p->reachable[j] = true;
            if (teams[i].psychiatrists && zones[j].psychiatrists_needed)
                p->req[j] = true;
        }
    }
    s_greedy(p);
    p->objective = dispatch_plan_evaluate(p, p->zone_of);
    s_search(p, q);
    p->objective = dispatch_plan_evaluate(p, p->zone_of);
    p->bound = s_bound(p);
    if (p->bound < p->objective)
        p->bound = p->objective;
    dispatch_plan_explain_all(p);
    *out = p;
    return 0;
}

void dispatch_plan_destroy(dispatch_plan_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dispatch_plan_t *p = *self_p;
    free(p->teams);
    free(p->zones);
    free(p->travel);
    free(p->weight);
    free(p->load);
    free(p->count);
    free(p->psy);
    free(p->req);
    free(p->reachable);
    free(p->zone_of);
    free(p->undo);
    free(p->explain);
    free(p);
    *self_p = NULL;
}

size_t dispatch_plan_team_count(const dispatch_plan_t *p)
{
    return p->nt;
}

size_t dispatch_plan_zone_count(const dispatch_plan_t *p)
{
    return p->nz;
}

const dispatch_team_t *dispatch_plan_team(const dispatch_plan_t *p, size_t i)
{
    return &p->teams[i];
}

const dispatch_zone_t *dispatch_plan_zone(const dispatch_plan_t *p, size_t j)
{
    return &p->zones[j];
}

long dispatch_plan_zone_of(const dispatch_plan_t *p, size_t team)
{
    return p->zone_of[team];
}

double dispatch_plan_travel_h(const dispatch_plan_t *p, size_t team,
                              size_t zone)
{
    return p->travel[team * p->nz + zone];
}

bool dispatch_plan_allowed(const dispatch_plan_t *p, size_t team, size_t zone)
{
    double t = p->travel[team * p->nz + zone];
    return p->teams[team].available && p->teams[team].capacity > 0 &&
           p->zones[zone].workers_needed > 0 && t >= 0 &&
           t <= p->max_travel_h;
}

bool dispatch_plan_needs_psychiatrist(const dispatch_plan_t *p, size_t zone)
{
    return p->req[zone];
}

double dispatch_plan_weight(const dispatch_plan_t *p, size_t zone)
{
    return p->weight[zone];
}

double dispatch_plan_objective(const dispatch_plan_t *p)
{
    return p->objective;
}

double dispatch_plan_bound(const dispatch_plan_t *p)
{
    return p->bound;
}

const char *dispatch_plan_explain(const dispatch_plan_t *p, size_t team)
{
    return p->explain[team];
}

double dispatch_plan_evaluate(const dispatch_plan_t *p, const long *zone_of)
{
    double *load = xcalloc(p->nz ? p->nz : 1, sizeof *load), v = 0;
    for (size_t i = 0; i < p->nt; i++)
        if (zone_of[i] >= 0 && (size_t)zone_of[i] < p->nz)
            load[zone_of[i]] += p->teams[i].capacity;
    for (size_t j = 0; j < p->nz; j++)
        v += s_value(p, j, load[j]);
    free(load);
    return v;
}

bool dispatch_plan_feasible(const dispatch_plan_t *p, const long *zone_of,
                            char *why, size_t len)
{
    uint32_t *n = xcalloc(p->nz ? p->nz : 1, sizeof *n);
    uint32_t *s = xcalloc(p->nz ? p->nz : 1, sizeof *s);
    bool ok = true;
    for (size_t i = 0; i < p->nt && ok; i++) {
        long j = zone_of[i];
        if (j < 0)
            continue;
        if ((size_t)j >= p->nz || !dispatch_plan_allowed(p, i, (size_t)j)) {
            if (why)
                snprintf(why, len, "team %zu may not go to zone %ld", i, j);
            ok = false;
            break;
        }
        n[j]++;
        s[j] += s_psy(p, i);
    }
    for (size_t j = 0; j < p->nz && ok; j++)
        if (p->req[j] && n[j] > 0 && s[j] == 0) {
            if (why)
                snprintf(why, len, "zone %zu has %u teams and no "
                         "psychiatrist", j, n[j]);
            ok = false;
        }
    free(n);
    free(s);
    return ok;
}

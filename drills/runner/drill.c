/* The drill runner's life cycle: folders, nodes and links set up, daemons
 * started, the timeline played under time compression with live progress,
 * every link brought up at the end and the nodes given a bounded time to
 * converge, daemons stopped, the score written (result.json and the
 * report) and printed. See drill.h. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/xy_error.h"
#include "drills/runner/drill_internal.h"
#include "drills/runner/proc.h"
#include "drills/report/report.h"

#define S_TICK_MS 100        /* the play loop's pace */
#define S_SAMPLE_MS 1000     /* status samples (backlog) */
#define S_PROGRESS_MS 5000   /* progress lines */

/* Set by SIGINT or SIGTERM: the drill stops, its daemons are stopped and
 * its stores removed, and no score is given. */
static volatile sig_atomic_t s_interrupted;

static void s_on_signal(int sig)
{
    (void)sig;
    s_interrupted = 1;
}

double d_now_s(const drill_t *d)
{
    return (double)(proc_now_ms() - d->t0) * d->scn->compress / 1000.0;
}

static void s_clock(char *buf, size_t cap, double t_s)
{
    unsigned s = t_s < 0 ? 0 : t_s > 3.6e8 ? 360000000u : (unsigned)t_s;
    snprintf(buf, cap, "%02u:%02u:%02u", s / 3600 % 100000, s / 60 % 60,
             s % 60);
}

void d_timeline(drill_t *d, const char *actor, const char *kind,
                const char *fmt, ...)
{
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    double t = d_now_s(d);
    json_array_append_new(d->timeline,
                          json_pack("{s:f, s:s, s:s, s:s}", "t_s",
                                    (double)(long)(t * 10) / 10, "actor",
                                    actor, "kind", kind, "what", what));
    if (!d->opts->quiet) {
        char c[32];
        s_clock(c, sizeof c, t);
        printf("  %s  %-12s %-6s %s\n", c, actor, kind, what);
        fflush(stdout);
    }
}

/* -------------------------------------------------------------- links */

/* Whether agent i's link is up at scenario time ms (it starts up). */
static bool s_link_up(const drill_t *d, size_t i, uint64_t ms)
{
    const linkem_schedule_t *s = d->scn->agents[i].link;
    bool up = true;
    for (size_t k = 0; s && k < linkem_schedule_count(s); k++) {
        const linkem_step_t *st = linkem_schedule_step(s, k);
        if (st->at_ms > ms)
            break;
        if (st->what & LINKEM_STEP_UP)
            up = true;
        if (st->what & LINKEM_STEP_DOWN)
            up = false;
    }
    return up;
}

/* Timeline entries for the link steps passed since the last call. */
static void s_link_steps(drill_t *d, size_t *next, uint64_t now_ms)
{
    for (size_t i = 0; i < d->scn->n_agents; i++) {
        const linkem_schedule_t *s = d->scn->agents[i].link;
        for (; s && next[i] < linkem_schedule_count(s); next[i]++) {
            const linkem_step_t *st = linkem_schedule_step(s, next[i]);
            if (st->at_ms > now_ms)
                break;
            char what[128];
            snprintf(what, sizeof what, "link%s%s%s%s",
                     st->what & LINKEM_STEP_UP ? " up" : "",
                     st->what & LINKEM_STEP_DOWN ? " down" : "",
                     st->what & LINKEM_STEP_RESET ? " reset" : "",
                     st->what & (LINKEM_STEP_RATE_C2S | LINKEM_STEP_RATE_S2C |
                                 LINKEM_STEP_LATENCY_C2S |
                                 LINKEM_STEP_LATENCY_S2C)
                         ? " (rate/latency changed)"
                         : "");
            d_timeline(d, d->agents[i].name, "link", "%s", what);
        }
    }
}

/* ---------------------------------------------------- sampling, progress */

static void s_sample(drill_t *d)
{
    d_nodes_poll(d);
    double t = (double)(long)(d_now_s(d) * 10) / 10;
    for (size_t i = 0; i < d->scn->n_agents; i++) {
        const d_node_t *a = &d->agents[i];
        if (a->backlog < 0)
            continue;
        json_t *arr = json_object_get(d->backlog, a->name);
        json_array_append_new(arr, json_pack("[f, I]", t,
                                             (json_int_t)a->backlog));
    }
}

static void s_progress(drill_t *d)
{
    if (d->opts->quiet)
        return;
    char c[32], line[2048];
    double t = d_now_s(d);
    s_clock(c, sizeof c, t);
    size_t acked = 0;
    for (size_t i = 0; i < d->n_flags; i++)
        acked += d->flags[i].acked_s >= 0;
    int at = snprintf(line, sizeof line, "[%s] %ld events at the "
                      "coordinator%s | %zu people | flags %zu raised %zu "
                      "acked | backlog", c, d->coord.events,
                      d->coord.crashed ? " (DOWN)" : "", d->n_people,
                      d->n_flags, acked);
    for (size_t i = 0; i < d->scn->n_agents && at < (int)sizeof line - 64;
         i++)
        at += snprintf(line + at, sizeof line - (size_t)at, " %s=%ld%s",
                       d->agents[i].name,
                       d->agents[i].backlog < 0 ? 0 : d->agents[i].backlog,
                       s_link_up(d, i, (uint64_t)(t * 1000)) ? "" : "(link "
                                                                    "down)");
    printf("%s\n", line);
    fflush(stdout);
}

/* The regular work of every tick: injects, reactions, samples. */
static void s_tick(drill_t *d, size_t *link_next)
{
    d_actors_due(d);
    s_link_steps(d, link_next, (uint64_t)(d_now_s(d) * 1000));
    d_actors_react(d);
    uint64_t now = proc_now_ms();
    if (now >= d->next_sample) {
        s_sample(d);
        d->next_sample = now + S_SAMPLE_MS;
    }
    if (now >= d->next_progress) {
        s_progress(d);
        d->next_progress = now + S_PROGRESS_MS;
    }
}

static void s_play(drill_t *d, size_t *link_next)
{
    double end_s = (double)d->scn->duration_ms / 1000.0;
    while (d_now_s(d) < end_s && !s_interrupted) {
        s_tick(d, link_next);
        proc_sleep_ms(S_TICK_MS);
    }
}

static bool s_converged(const drill_t *d)
{
    if (d->coord.pid <= 0 || !d->coord.digest[0])
        return false;
    for (size_t i = 0; i < d->scn->n_agents; i++)
        if (d->agents[i].backlog != 0 ||
            strcmp(d->agents[i].digest, d->coord.digest) != 0)
            return false;
    return true;
}

/* Every link up; wait (bounded) until the backlogs are empty, the digests
 * equal and no scripted action waits for anything. */
static void s_settle(drill_t *d, size_t *link_next)
{
    linkset_all_up(d->links);
    d_timeline(d, "runner", "link", "end of the timeline: every link up");
    uint64_t end = proc_now_ms() + d->opts->settle_ms;
    while (proc_now_ms() < end && !s_interrupted) {
        d->next_sample = 0;
        s_tick(d, link_next);
        if (s_converged(d) && !d_actors_pending(d))
            break;
        proc_sleep_ms(S_TICK_MS);
    }
    d_timeline(d, "runner", "note", "%s",
               s_converged(d) ? "every node shows the same view digest"
                              : "the nodes did not converge in time");
}

/* ----------------------------------------------------------- folders */

static int s_rm_one(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static int s_mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0700);
            *p = '/';
        }
    return mkdir(tmp, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

static int s_dirs(drill_t *d)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(d->work, sizeof d->work, "%s/xinyuan-drill-stores.XXXXXX", tmp);
    if (!mkdtemp(d->work)) {
        fprintf(stderr, "xinyuan-drill: cannot make a folder in %s: %s\n",
                tmp, strerror(errno));
        return -1;
    }
    if (d->opts->out_dir) {
        snprintf(d->out, sizeof d->out, "%s", d->opts->out_dir);
        if (s_mkdirs(d->out)) {
            fprintf(stderr, "xinyuan-drill: -o %s: %s\n", d->out,
                    strerror(errno));
            return -1;
        }
        return 0;
    }
    snprintf(d->out, sizeof d->out, "%s/xinyuan-drill.XXXXXX", tmp);
    if (!mkdtemp(d->out)) {
        fprintf(stderr, "xinyuan-drill: cannot make a folder in %s: %s\n",
                tmp, strerror(errno));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- result */

static int s_write(drill_t *d, json_t *result)
{
    char path[4200], html[4200], err[512];
    snprintf(path, sizeof path, "%s/result.json", d->out);
    if (json_dump_file(result, path, JSON_INDENT(2))) {
        fprintf(stderr, "xinyuan-drill: cannot write %s\n", path);
        return -1;
    }
    snprintf(html, sizeof html, "%s/report.html", d->out);
    if (drill_report_write(result, html, err, sizeof err)) {
        fprintf(stderr, "xinyuan-drill: report: %s\n", err);
        printf("result: %s (no report)\n", path);
        return 0;
    }
    printf("report: %s\nresult: %s\n", html, path);
    return 0;
}

static void s_start_links(drill_t *d)
{
    linkem_schedule_t *sch[SCN_MAX_AGENTS] = {0};
    for (size_t i = 0; i < d->scn->n_agents; i++)
        sch[i] = scenario_link_real(d->scn, i);
    linkset_start(d->links, sch);
}

static int s_start(drill_t *d)
{
    if (d_node_start(d, &d->coord))
        return -1;
    for (size_t i = 0; i < d->scn->n_agents; i++)
        if (d_node_start(d, &d->agents[i]))
            return -1;
    return 0;
}

static void s_header(const drill_t *d)
{
    if (d->opts->quiet)
        return;
    printf("drill: %s (%s)\n  compression %gx, %zu agents, %zu injects; "
           "stores in %s; output in %s\n",
           d->scn->name, d->scn->path, d->scn->compress, d->scn->n_agents,
           d->scn->n_injects, d->work, d->out);
    fflush(stdout);
}

/* Runs the set-up drill from scenario time 0; returns the exit status. */
static int s_run(drill_t *d)
{
    size_t link_next[SCN_MAX_AGENTS] = {0};
    d->t0 = proc_now_ms();
    time_t now = time(NULL);
    strftime(d->started_at, sizeof d->started_at, "%Y-%m-%dT%H:%M:%SZ",
             gmtime(&now));
    s_start_links(d);
    d_timeline(d, "runner", "note", "drill started: %s", d->scn->name);
    s_play(d, link_next);
    if (!s_interrupted)
        s_settle(d, link_next);
    if (s_interrupted) {
        fprintf(stderr, "xinyuan-drill: interrupted: no score\n");
        return DRILL_EXIT_FAIL;
    }
    uint64_t wall = proc_now_ms() - d->t0;
    d_nodes_stop(d);
    json_t *result = d_score(d);
    json_object_set_new(json_object_get(result, "drill"), "wall_s",
                        json_real((double)wall / 1000.0));
    d_score_print(result);
    int rc = s_write(d, result);
    bool pass = json_is_true(json_object_get(json_object_get(result, "score"),
                                             "pass"));
    json_decref(result);
    return rc ? DRILL_EXIT_FAIL : pass ? DRILL_EXIT_PASS : DRILL_EXIT_FAIL;
}

int drill_run(const drill_opts_t *opts)
{
    char err[1024];
    drill_t *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->opts = opts;
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (scenario_load(&d->scn, opts->scenario, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        free(d);
        return DRILL_EXIT_USAGE;
    }
    if (opts->speed > 0)
        d->scn->compress = opts->speed;
    d->activation_s = d->dispatch_s = -1;
    d->timeline = json_array();
    d->backlog = json_object();
    d->t0 = proc_now_ms();
    int rc = DRILL_EXIT_FAIL;
    if (s_dirs(d) == 0) {
        s_header(d);
        for (size_t i = 0; i < d->scn->n_agents; i++)
            json_object_set_new(d->backlog, d->scn->agents[i].name,
                                json_array());
        int setup = d_nodes_setup(d);
        if (setup == -2) {
            rc = DRILL_EXIT_USAGE;
            rmdir(d->out); /* nothing in it yet: no daemon ran */
        }
        else if (setup == 0 && s_start(d) == 0)
            rc = s_run(d);
        d_nodes_stop(d);
    }
    linkset_destroy(&d->links);
    if (d->work[0] && !opts->keep)
        nftw(d->work, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    else if (d->work[0])
        printf("stores kept in %s\n", d->work);
    json_decref(d->timeline);
    json_decref(d->backlog);
    scenario_destroy(&d->scn);
    free(d);
    return rc;
}

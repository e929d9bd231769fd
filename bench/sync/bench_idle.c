/* Part 4 of bench_sync: an idle field agent (the real daemon, default
 * timers) with its link down (no coordinator) and up (a session with an
 * idle coordinator): wake-ups per second, the voluntary and involuntary
 * context switches of all its threads over a window, and VmRSS. Baselines
 * measured over the same windows: an idle sleep(1) process, and a minimal
 * libuv loop with one 1 s timer. */
#include "bench/sync/bench_sync.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

static void s_on_timer(uv_timer_t *t)
{
    (void)t;
}

/* The libuv baseline: a child that runs a loop with one 1 s timer. */
static pid_t s_uv_baseline(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        uv_loop_t loop;
        uv_timer_t t;
        uv_loop_init(&loop);
        uv_timer_init(&loop, &t);
        uv_timer_start(&t, s_on_timer, 1000, 1000);
        alarm(300);
        uv_run(&loop, UV_RUN_DEFAULT);
        _exit(0);
    }
    return pid;
}

typedef struct s_watch {
    const char *label;
    pid_t pid;
    long c0, c1, rss;
} s_watch_t;

/* Measures every process of w over the same secs. */
static void s_window(s_watch_t *w, size_t n, int secs)
{
    for (size_t i = 0; i < n; i++)
        bs_proc_figures(w[i].pid, &w[i].c0, &w[i].rss);
    bs_sleep_ms((uint64_t)secs * 1000);
    for (size_t i = 0; i < n; i++)
        bs_proc_figures(w[i].pid, &w[i].c1, &w[i].rss);
}

static void s_print(const char *state, s_watch_t *w, size_t n, int secs)
{
    double base = (double)(w[2].c1 - w[2].c0) / secs;
    for (size_t i = 0; i < n; i++) {
        double r = (double)(w[i].c1 - w[i].c0) / secs;
        printf("   %-10s %-22s %7.1f wake-ups/s  VmRSS %6.1f MB",
               i ? "" : state, w[i].label, r, (double)w[i].rss / 1024.0);
        if (i == 0)
            printf("  (%.1fx the libuv timer; RSS target < 32 MB: %s)",
                   base > 0 ? r / base : 0,
                   w[i].rss < 32 * 1024 ? "met" : "NOT met");
        printf("\n");
    }
}

/* The agent's "sessions" count from its live.json (-1: unknown). */
static long s_sessions(const char *dir)
{
    char path[1024], buf[8192];
    snprintf(path, sizeof path, "%s/live.json", dir);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *s = strstr(buf, "\"sessions\":");
    long v = -1;
    if (s)
        sscanf(s + strlen("\"sessions\":"), " %ld", &v);
    return v;
}

int bs_part_idle(bool quick)
{
    int secs = quick ? 5 : 10;
    bs_pair_t p;
    bs_pair_init(&p, "idle");
    printf("\n4. Idle agent: context switches of all threads (voluntary + "
           "involuntary) over %d s, default timers\n",
           secs);
    const char *sl[] = {"/bin/sleep", "1000", NULL};
    pid_t sleeper = bs_spawn("sleep", sl);
    pid_t uvb = s_uv_baseline();
    pid_t agent = bs_daemon(XY_AGENT_BIN, p.agent, "idle-agent");
    bs_say("idle: link down (no coordinator); settling 2 s, measuring %d s",
           secs);
    bs_sleep_ms(2000);
    s_watch_t w[3] = {{"xinyuan-agent", agent, 0, 0, 0},
                      {"sleep (baseline)", sleeper, 0, 0, 0},
                      {"libuv 1 s timer", uvb, 0, 0, 0}};
    s_window(w, 3, secs);
    s_print("link down", w, 3, secs);
    pid_t coord = bs_daemon(XY_COORDINATOR_BIN, p.coord, "idle-coordinator");
    bs_say("idle: link up; waiting for a session, measuring %d s", secs);
    /* The agent reconnects with backoff; its session is up when the
     * coordinator's store has its cursor moving. Give it a bounded while. */
    bs_sleep_ms(5000);
    s_window(w, 3, secs);
    s_print("link up", w, 3, secs);
    long c, rss;
    bs_proc_figures(coord, &c, &rss);
    printf("   (the idle coordinator with one agent: VmRSS %.1f MB)\n",
           (double)rss / 1024.0);
    printf("   (agent sessions opened by the end: %ld)\n", s_sessions(p.agent));
    bs_stop(&agent);
    bs_stop(&coord);
    bs_stop(&sleeper);
    kill(uvb, SIGKILL);
    waitpid(uvb, NULL, 0);
    return 0;
}

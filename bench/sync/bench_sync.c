/* bench_sync: the sync protocol's figures (core/sync.h, core/sync_net.h),
 * each with a baseline measured in the same run:
 *
 *   wire     wire bytes per triage record in a 1,000-record batch, against
 *            the records' protobuf size, JSON over HTTP/1.1 and OpenRosa
 *            multipart XML, one POST per record. Target: <= 60 B a record.
 *   goodput  backlog drain from a real agent to a real coordinator through
 *            xinyuan-linkem at 64 kbit/s and 1 Mbit/s, as a fraction of the
 *            shaped rate, against raw TCP through the same shaping.
 *            Target: >= 0.9 of the shaped rate.
 *   fanout   order fan-out latency p50/p99 from a real coordinator to 200
 *            sync clients in this process, against a plain ZeroMQ PUB/SUB
 *            round to 200 subscribers.
 *   idle     an idle agent with its link down and up: wake-ups per second
 *            and resident memory, against an idle sleep(1) process.
 *            Target: under 32 MB.
 *
 * Usage: bench_sync [wire|goodput|fanout|idle|all] [quick]
 *
 * Each part runs in a child process (its own process group, with its
 * daemons) under a hard time limit; on expiry the whole group is killed and
 * the part reported as timed out. Figures go to stdout, progress to
 * stderr. Built in Release against the daemons' binaries. */
#define _XOPEN_SOURCE 700
#include "bench/sync/bench_sync.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct s_part {
    const char *name;
    int (*run)(bool quick);
    unsigned limit_s; /* hard limit, whole part */
} s_part_t;

static int s_wire(bool quick)
{
    (void)quick;
    return bs_part_wire();
}

static const s_part_t s_parts[] = {
    {"wire", s_wire, 60},
    {"goodput", bs_part_goodput, 330},
    {"fanout", bs_part_fanout, 240},
    {"idle", bs_part_idle, 120},
};

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static int s_rm_entry(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* Runs one part in a child process group under its time limit. */
static int s_run_part(const s_part_t *p, bool quick)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(bs_root, sizeof bs_root, "%s/xybench-%s.XXXXXX",
             tmp ? tmp : "/tmp", p->name);
    if (!mkdtemp(bs_root))
        bs_die("mkdtemp: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        bs_die("fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        bs_say("%s: start (limit %u s, directory %s)", p->name, p->limit_s,
               bs_root);
        int rc = p->run(quick);
        fflush(stdout);
        bs_say("%s: done", p->name);
        _exit(rc ? 1 : 0);
    }
    setpgid(pid, pid);
    uint64_t end = bs_now_ms() + (uint64_t)p->limit_s * 1000;
    int st = 0, rc = -1;
    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            break;
        }
        if (s_stop || bs_now_ms() >= end) {
            printf("\n   part '%s' %s after %u s: killed, no figures\n",
                   p->name, s_stop ? "interrupted" : "TIMED OUT", p->limit_s);
            break;
        }
        bs_sleep_ms(50);
    }
    /* Whatever the part left running (daemons, linkem) dies with its
     * group; the daemons also have PR_SET_PDEATHSIG. */
    kill(-pid, SIGKILL);
    if (rc < 0)
        waitpid(pid, NULL, 0);
    nftw(bs_root, s_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc > 0)
        printf("   (part '%s' ended with status %d)\n", p->name, rc);
    return rc;
}

int main(int argc, char **argv)
{
    const char *mode = "all";
    bool quick = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "quick") == 0)
            quick = true;
        else
            mode = argv[i];
    }
    size_t n = sizeof s_parts / sizeof s_parts[0];
    bool known = strcmp(mode, "all") == 0;
    for (size_t i = 0; i < n; i++)
        known = known || strcmp(mode, s_parts[i].name) == 0;
    if (!known) {
        fprintf(stderr, "usage: bench_sync [wire|goodput|fanout|idle|all] "
                        "[quick]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    printf("bench_sync %s (%s run)\n", mode, quick ? "quick" : "full");
    int bad = 0;
    for (size_t i = 0; i < n && !s_stop; i++)
        if (strcmp(mode, "all") == 0 || strcmp(mode, s_parts[i].name) == 0)
            bad += s_run_part(&s_parts[i], quick) != 0;
    return bad ? 1 : 0;
}

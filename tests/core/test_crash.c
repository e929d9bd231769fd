/* Crash test of the event log's durability (core/event_log.h, "Group
 * commit"): a writer process (tests/core/crash_writer.c) appends its own
 * events and acknowledges each committed batch; the test kills it with
 * SIGKILL at a random moment, 50 times on the same store, and after every
 * kill checks that everything acknowledged is there, that nothing is half
 * written, and that seqs and positions have no gaps. */
#include "core/event_log.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef XY_CRASH_WRITER
#error "XY_CRASH_WRITER must name the crash_writer executable"
#endif

#define S_ROUNDS 50
#define S_ACKS_MAX 4096       /* acknowledgements kept per round */
#define S_PIPE_MAX (1u << 20) /* bytes read from the writer per round */

/* The writer's node id, the same every round. */
static const char s_node_hex[] = "5eed0001c0de4a11bead5eedfeedf00d";

static uint64_t s_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void s_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Starts the writer with its stdout on a pipe; returns its pid and the
 * pipe's read end in *fd. */
static pid_t s_spawn(const char *dir, uint64_t seed, int *fd)
{
    int p[2];
    cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
    char seed_s[32];
    snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
    pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* Never outlive the test, whatever happens to it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (dup2(p[1], STDOUT_FILENO) < 0)
            _exit(126);
        execl(XY_CRASH_WRITER, "crash_writer", dir, s_node_hex, seed_s,
              (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    *fd = p[0];
    return pid;
}

/* Reads the writer's acknowledgements until EOF (it is dead by then) and
 * parses every complete line. Returns how many were parsed into acks. */
static size_t s_read_acks(int fd, uint64_t *acks)
{
    static char buf[S_PIPE_MAX + 1];
    size_t len = 0;
    for (;;) {
        cr_assert_lt(len, S_PIPE_MAX, "writer said too much");
        ssize_t r = read(fd, buf + len, S_PIPE_MAX - len);
        if (r < 0 && errno == EINTR)
            continue;
        cr_assert_geq(r, 0, "read: %s", strerror(errno));
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    size_t n = 0;
    char *line = buf;
    char *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
        *nl = '\0';
        char *end;
        unsigned long long v = strtoull(line, &end, 10);
        cr_assert(end != line && *end == '\0', "bad ack line '%s'", line);
        cr_assert_lt(n, S_ACKS_MAX);
        acks[n++] = v;
        line = nl + 1;
    }
    cr_assert_eq(*line, '\0', "a partial ack line: '%s'", line);
    return n;
}

/* Checks every event of the feed after a position. */
typedef struct s_scan {
    const uint8_t *node; /* the writer's id */
    uint64_t next_pos;   /* the position expected next */
    uint64_t visited;    /* events checked */
} s_scan_t;

static int s_check_event(const event_ref_t *ref, void *arg)
{
    s_scan_t *s = arg;
    cr_assert_eq(ref->position, s->next_pos, "positions have a gap");
    cr_assert_eq(memcmp(ref->origin, s->node, XY_ID_LEN), 0);
    /* Only the writer's events: seq and position advance together. */
    cr_assert_eq(ref->seq, ref->position);
    cr_assert_eq(ref->type, XY__EVENT__BODY_PERSON_REGISTERED);
    xy_decoded_t *d = NULL;
    int rc = xy_event_unpack(ref->bytes, ref->len, &d);
    cr_assert_eq(rc, 0, "event %llu does not unpack: %s",
                 (unsigned long long)ref->seq, xy_errname(rc));
    const Xy__Event *ev = xy_decoded_event(d);
    cr_assert_eq(ev->seq, ref->seq);
    cr_assert_eq(ev->person_registered->person_id.len, XY_ID_LEN);
    xy_decoded_destroy(&d);
    s->next_pos++;
    s->visited++;
    return 0;
}

static int s_found(const event_ref_t *ref, void *arg)
{
    uint64_t *seq = arg;
    *seq = ref->seq;
    return 0;
}

/* Opens the store after a kill and checks it against the round's acks.
 * Returns the number of events held; *checked_pos is where the previous
 * full check ended and moves to the end. */
static uint64_t s_verify(const char *dir, const uint8_t *node,
                         const uint64_t *acks, size_t n_acks,
                         uint64_t *checked_pos)
{
    event_log_t *log = NULL;
    int rc = event_log_open(&log, dir, node, NULL);
    cr_assert_eq(rc, 0, "reopen after kill: %s", xy_strerror(rc));
    uint64_t count = event_log_count(log);
    uint64_t frontier = 0;
    cr_assert_eq(event_log_frontier(log, node, &frontier), 0);
    cr_assert_eq(frontier, count, "seqs 1..%llu must have no gap",
                 (unsigned long long)count);
    cr_assert_eq(event_log_last_position(log), count);
    cr_assert_geq(count, *checked_pos, "events were lost");
    for (size_t i = 0; i < n_acks; i++) {
        cr_assert_leq(acks[i], frontier, "acked seq %llu beyond frontier",
                      (unsigned long long)acks[i]);
        uint64_t seq = 0;
        rc = event_log_get(log, node, acks[i], s_found, &seq);
        cr_assert_eq(rc, 0, "acked seq %llu lost: %s",
                     (unsigned long long)acks[i], xy_errname(rc));
        cr_assert_eq(seq, acks[i]);
    }
    s_scan_t s = {node, *checked_pos + 1, 0};
    uint64_t last = 0;
    cr_assert_eq(event_log_changes(log, *checked_pos, 0, NULL, NULL,
                                   s_check_event, &s, &last),
                 0);
    cr_assert_eq(s.visited, count - *checked_pos);
    cr_assert_eq(last, count);
    *checked_pos = count;
    event_log_destroy(&log);
    return count;
}

Test(crash, acknowledged_events_survive_sigkill_and_leave_no_gap,
     .timeout = 180)
{
    char *dir = xy_test_mkdtemp();
    uint8_t node[XY_ID_LEN];
    cr_assert_eq(xy_unhex(node, sizeof node, s_node_hex), 0);
    uint64_t rng = 0x2008051214280000ull;
    static uint64_t acks[S_ACKS_MAX];
    uint64_t checked = 0, total_acks = 0, unacked_commits = 0;
    int rounds_with_acks = 0;
    time_t start = time(NULL);

    for (int round = 0; round < S_ROUNDS; round++) {
        cr_assert_lt(time(NULL) - start, 150, "rounds took too long");
        uint64_t before = checked;
        int fd = -1;
        pid_t pid = s_spawn(dir, s_rand(&rng), &fd);
        s_sleep_ms(5 + (unsigned)(s_rand(&rng) % 56));
        cr_assert_eq(kill(pid, SIGKILL), 0);
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        size_t n = s_read_acks(fd, acks);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "round %d: the writer ended by itself (status %d)", round,
                  status);
        for (size_t i = 0; i < n; i++) {
            cr_assert_gt(acks[i], i ? acks[i - 1] : before,
                         "round %d: acks must grow past the store", round);
        }
        uint64_t count = s_verify(dir, node, acks, n, &checked);
        if (n) {
            rounds_with_acks++;
            cr_assert_geq(count, acks[n - 1]);
            if (count > acks[n - 1])
                unacked_commits++;
        }
        total_acks += n;
    }
    /* One last full pass over everything. */
    uint64_t from = 0;
    uint64_t count = s_verify(dir, node, NULL, 0, &from);
    cr_assert_eq(count, checked);
    cr_log_info("%d rounds: %llu events, %llu acks, %d rounds with acks, "
                "%llu rounds killed between a commit and its ack",
                S_ROUNDS, (unsigned long long)count,
                (unsigned long long)total_acks, rounds_with_acks,
                (unsigned long long)unacked_commits);
    cr_assert_gt(rounds_with_acks, S_ROUNDS / 5,
                 "the writer must make progress in many rounds");
    cr_assert_gt(count, 1000, "the writer must make progress overall");
    xy_test_rmdir(&dir);
}

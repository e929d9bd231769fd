/* Processes of a drill, on posix_spawn. See proc.h. */
#include "drills/runner/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/xy_mem.h"

extern char **environ;

uint64_t proc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void proc_sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

char *proc_slurp(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = xrealloc(buf, cap);
        }
        size_t want = n + 4096 > max ? max - n : 4096;
        size_t got = want ? fread(buf + n, 1, want, f) : 0;
        n += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static int s_status(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

static pid_t s_spawn(const char *const *argv, const char *out_path,
                     const char *err_path, bool append)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    int fl = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, fl, 0600);
    if (err_path)
        posix_spawn_file_actions_addopen(&fa, 2, err_path, fl, 0600);
    else
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
    /* The runner ignores SIGPIPE (its links write to sockets that may
     * close); the programs it runs get the default back. */
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    sigset_t def;
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &fa, &at, (char *const *)argv,
                         environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    return rc ? -1 : pid;
}

int proc_run(const char *scratch, const char *const *argv, char **out,
             char **err)
{
    char o[4200], e[4200];
    snprintf(o, sizeof o, "%s/cmd.out", scratch);
    snprintf(e, sizeof e, "%s/cmd.err", scratch);
    if (out)
        *out = NULL;
    if (err)
        *err = NULL;
    pid_t pid = s_spawn(argv, o, e, false);
    if (pid < 0)
        return -1;
    int st = 0;
    uint64_t end = proc_now_ms() + PROC_RUN_TIMEOUT_MS;
    pid_t r;
    while ((r = waitpid(pid, &st, WNOHANG)) == 0 && proc_now_ms() < end)
        proc_sleep_ms(2);
    if (r == 0) {
        /* A command that hangs is killed: the drill goes on. */
        kill(pid, SIGKILL);
        while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
            ;
    }
    if (out)
        *out = proc_slurp(o, PROC_MAX_OUTPUT);
    if (err)
        *err = proc_slurp(e, PROC_MAX_OUTPUT);
    return s_status(st);
}

pid_t proc_start(const char *const *argv, const char *log)
{
    return s_spawn(argv, log, NULL, true);
}

bool proc_alive(pid_t pid)
{
    if (pid <= 0)
        return false;
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    return r == 0;
}

bool proc_wait_log(pid_t pid, const char *log, const char *needle,
                   uint64_t timeout_ms)
{
    uint64_t end = proc_now_ms() + timeout_ms;
    while (proc_now_ms() < end) {
        char *text = proc_slurp(log, PROC_MAX_OUTPUT);
        bool hit = text && strstr(text, needle);
        free(text);
        if (hit)
            return true;
        if (!proc_alive(pid))
            return false;
        proc_sleep_ms(20);
    }
    return false;
}

int proc_stop(pid_t *pid, int sig, uint64_t timeout_ms)
{
    if (*pid <= 0)
        return 0;
    kill(*pid, sig);
    uint64_t end = proc_now_ms() + timeout_ms;
    int st = 0;
    pid_t r = 0;
    while ((r = waitpid(*pid, &st, WNOHANG)) == 0 && proc_now_ms() < end)
        proc_sleep_ms(20);
    if (r == 0) {
        kill(*pid, SIGKILL);
        while (waitpid(*pid, &st, 0) == -1 && errno == EINTR)
            ;
    }
    *pid = -1;
    return r < 0 ? -1 : s_status(st);
}

/* Processes of a drill: the daemons (started, watched, killed, stopped) and
 * the command-line runs the scripted actors make (run to completion, their
 * output captured and, with --json, parsed). Output goes through files in a
 * scratch folder so a chatty command never blocks on a full pipe. */
#ifndef DRILL_PROC_H
#define DRILL_PROC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_MAX_OUTPUT (8u << 20) /* bytes of output kept from a command */
#define PROC_MAX_ARGS 48           /* arguments of one command */
#define PROC_RUN_TIMEOUT_MS 60000  /* a command running longer is killed */

/* Milliseconds of a monotonic clock. */
uint64_t proc_now_ms(void);

/* Sleeps ms milliseconds. */
void proc_sleep_ms(uint64_t ms);

/* Runs argv (NULL-terminated; argv[0] a path) to completion, or for at most
 * PROC_RUN_TIMEOUT_MS before it is killed, with stdout and stderr in files
 * under scratch; returns its exit status (128 + signal when killed, -1
 * when it could not start). *out and *err (either may be NULL)
 * receive the output, NUL-terminated, owned by the caller (free). */
int proc_run(const char *scratch, const char *const *argv, char **out,
             char **err);

/* Starts a daemon: argv with stdout and stderr appended to log. Returns the
 * pid, or -1. */
pid_t proc_start(const char *const *argv, const char *log);

/* Waits until the file log holds needle, the process exits, or timeout_ms
 * passes. Returns true when the needle was found. */
bool proc_wait_log(pid_t pid, const char *log, const char *needle,
                   uint64_t timeout_ms);

/* Sends sig to pid and waits up to timeout_ms for it to exit, then sends
 * SIGKILL and reaps it. Returns its exit status (as proc_run). Sets *pid to
 * -1. Does nothing (returns 0) when *pid is -1. */
int proc_stop(pid_t *pid, int sig, uint64_t timeout_ms);

/* True while pid runs (reaps it when it has exited). */
bool proc_alive(pid_t pid);

/* Reads a whole file (at most max bytes) into a new NUL-terminated buffer
 * owned by the caller; NULL when it cannot be read. */
char *proc_slurp(const char *path, size_t max);

#endif

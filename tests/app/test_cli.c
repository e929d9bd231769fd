/* Tests of the daemons' command line, run as real processes: what a field
 * worker types, what comes back, and that bad input harms nothing. */
#include "common/xy_mem.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *dir;
static char data[1024];

static void setup(void)
{
    dir = xy_test_mkdtemp();
    snprintf(data, sizeof data, "%s/agent", dir);
}

static void teardown(void)
{
    xy_test_rmdir(&dir);
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

typedef xy_test_out_t s_out_t;

/* Runs bin with the NULL-terminated arguments; captures output. */
static void s_run(s_out_t *r, const char *bin, ...)
{
    va_list ap;
    va_start(ap, bin);
    xy_test_run_va(r, dir, &bin, 1, ap);
    va_end(ap);
}

/* Declares an incident and returns its id (static buffer). */
static const char *s_declare(void)
{
    static s_out_t r;
    static char id[33];
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "incident", "declare",
          "--hazard", "flood", "--title", "Qingchuan flood", "--level", "III",
          NULL);
    cr_assert_eq(r.status, 0, "declare failed: %s", r.err);
    const char *p = strstr(r.out, "\"id\": \"");
    cr_assert_not_null(p, "no id in: %s", r.out);
    memcpy(id, p + 7, 32);
    id[32] = '\0';
    return id;
}

Test(cli, usage_init_record_offline_and_list)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "node id"));
    const char *inc = s_declare();
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "35", "--sex", "female", "--site", "Shelter 3",
          "--vulnerability", "bereaved", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "Shelter 3"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "bereaved"), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "incidents", NULL);
    cr_assert_not_null(strstr(r.out, "Qingchuan flood"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, inc), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "sites", NULL);
    cr_assert_not_null(strstr(r.out, "1        Shelter 3"), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "status", NULL);
    cr_assert_not_null(strstr(r.out, "events         2"), "%s", r.out);
}

Test(cli, version_and_help_exit_zero)
{
    s_out_t r;
    s_run(&r, XY_COORDINATOR_BIN, "--version", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "xinyuan-coordinator 0."), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "--help", NULL);
    cr_assert_eq(r.status, 0);
    cr_assert_not_null(strstr(r.out, "--data-dir"));
}

Test(cli, wrong_flag_is_one_clear_line_and_usage_status)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "--frobnicate", "status", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.err, "xinyuan-agent: unknown option '--frobnicate' "
                            "(see --help)\n");
    s_run(&r, XY_AGENT_BIN, "-d", data, "teleport", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "unknown command 'teleport'"));
}

Test(cli, missing_data_directory_is_refused)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "status", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "no such data directory"), "%s", r.err);
    struct stat st;
    cr_assert_neq(stat(data, &st), 0, "nothing was created");
}

static void s_digest(char out[65])
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "status", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *p = strstr(r.out, "\"view_digest\": \"");
    cr_assert_not_null(p);
    memcpy(out, p + 16, 64);
    out[64] = '\0';
}

Test(cli, corrupt_config_is_refused_and_the_store_is_untouched)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 0);
    s_declare();
    char before[65], after[65];
    s_digest(before);
    char cfg[1100], saved[1100];
    snprintf(cfg, sizeof cfg, "%s/config.json", data);
    snprintf(saved, sizeof saved, "%s/config.saved", dir);
    cr_assert_eq(rename(cfg, saved), 0);
    FILE *f = fopen(cfg, "w");
    fputs("{\"name\": \"x\",\n \"max_clock_offset_ms\": }\n", f);
    fclose(f);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "incidents", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "config.json:2:"), "%s", r.err);
    f = fopen(cfg, "w");
    fputs("{\"max_clock_offset_ms\": \"soon\"}\n", f);
    fclose(f);
    s_run(&r, XY_AGENT_BIN, "-d", data, "status", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "\"max_clock_offset_ms\" must be an "
                                     "integer"), "%s", r.err);
    cr_assert_eq(rename(saved, cfg), 0);
    s_digest(after);
    cr_assert_str_eq(before, after);
}

Test(cli, init_twice_changes_nothing)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 0);
    char key[1100];
    snprintf(key, sizeof key, "%s/node.key", data);
    struct stat a, b;
    cr_assert_eq(stat(key, &a), 0);
    cr_assert_eq(a.st_mode & 0777, 0600);
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "already holds a node"));
    cr_assert_eq(stat(key, &b), 0);
    cr_assert_eq(a.st_ino, b.st_ino);
    cr_assert_eq(a.st_mtime, b.st_mtime);
}

Test(cli, impossible_answers_are_refused_with_the_field)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    const char *inc = s_declare();
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "200", "--site", "A", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "--age-band '200'"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "person", "add", "--incident", inc,
          "--age-band", "30", "--site", "A", "--sex", "robot", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "sex: 'robot'"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "incident", "declare", "--hazard",
          "flood", "--title", "x", "--lat", "95", "--lon", "100", NULL);
    cr_assert_eq(r.status, 2);
    cr_assert_not_null(strstr(r.err, "--lat '95'"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "persons", NULL);
    cr_assert_not_null(strstr(r.out, "(0)"), "nothing stored: %s", r.out);
}

Test(cli, a_second_daemon_is_refused_while_the_command_line_may_write)
{
    s_out_t r;
    s_run(&r, XY_COORDINATOR_BIN, "-d", data, "init", NULL);
    cr_assert_eq(r.status, 0);
    char log[1100];
    snprintf(log, sizeof log, "%s/daemon.log", dir);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        execl(XY_COORDINATOR_BIN, XY_COORDINATOR_BIN, "-d", data, "run",
              (char *)NULL);
        _exit(127);
    }
    /* Once it says it runs, it holds the lock and its signal handlers
     * are set. */
    bool running = false;
    for (int i = 0; i < 100 && !running; i++) {
        char buf[256] = {0};
        FILE *f = fopen(log, "r");
        if (f) {
            running = fread(buf, 1, sizeof buf - 1, f) > 0 &&
                      strstr(buf, "running");
            fclose(f);
        }
        if (!running)
            usleep(50 * 1000);
    }
    /* A second daemon on the same directory; the command line beside. */
    bool refused = false;
    s_out_t w;
    if (running) {
        s_run(&r, XY_COORDINATOR_BIN, "-d", data, "run", NULL);
        refused = r.status == 1 &&
                  strstr(r.err, "a daemon already runs on this directory");
        s_run(&w, XY_COORDINATOR_BIN, "-d", data, "incident", "declare",
              "--hazard", "fire", "--title", "beside the daemon", NULL);
    }
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(running, "the daemon did not start");
    cr_assert(refused, "a second daemon was let in: %s", r.err);
    cr_assert_eq(w.status, 0, "the command line beside it: %s", w.err);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "daemon exit %d", st);
    s_run(&r, XY_COORDINATOR_BIN, "-d", data, "list", "incidents", NULL);
    cr_assert_eq(r.status, 0, "after the daemon stopped: %s", r.err);
    cr_assert_not_null(strstr(r.out, "beside the daemon"), "%s", r.out);
}

Test(cli, triage_raises_a_red_flag_that_a_named_person_acknowledges)
{
    s_out_t r;
    s_run(&r, XY_AGENT_BIN, "-d", data, "init", NULL);
    const char *inc = s_declare();
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "person", "add",
          "--incident", inc, "--age-band", "40", "--site", "School", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char person[33];
    const char *p = strstr(r.out, "\"id\": \"");
    cr_assert_not_null(p);
    memcpy(person, p + 7, 32);
    person[32] = '\0';
    s_run(&r, XY_AGENT_BIN, "-d", data, "triage", "--person", person,
          "--screen", "PHQ-9=0,0,0,9,0,0,0,0,0", NULL);
    cr_assert_eq(r.status, 1);
    cr_assert_not_null(strstr(r.err, "PHQ-9 item 4: answer 9"), "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "--json", "triage", "--person",
          person, "--screen", "C-SSRS=1,1,0,0,0,0", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "\"red_flag\": true"), "%s", r.out);
    p = strstr(r.out, "\"flag\": \"");
    cr_assert_not_null(p, "%s", r.out);
    char flag[33];
    memcpy(flag, p + 9, 32);
    flag[32] = '\0';
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "flags", NULL);
    cr_assert_not_null(strstr(r.out, "** OPEN **"), "%s", r.out);
    /* Escalation: past the timeout an open flag is overdue. */
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "flags", "--overdue",
          "--timeout-min", "60", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_not_null(strstr(r.out, "(0)"), "not yet overdue: %s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "flags", "--overdue",
          "--timeout-min", "0", NULL);
    cr_assert_not_null(strstr(r.out, "** OVERDUE **"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, flag), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "flags", "--timeout-min",
          "soon", NULL);
    cr_assert_eq(r.status, 2, "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "flag", "ack", flag, NULL);
    cr_assert_eq(r.status, 2, "a name is required");
    s_run(&r, XY_AGENT_BIN, "-d", data, "flag", "ack", flag, "--by",
          "Dr Wang", "--action", "same-day assessment", NULL);
    cr_assert_eq(r.status, 0, "%s", r.err);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "flags", NULL);
    cr_assert_null(strstr(r.out, "** OPEN **"), "%s", r.out);
    cr_assert_not_null(strstr(r.out, "Dr Wang"), "%s", r.out);
    s_run(&r, XY_AGENT_BIN, "-d", data, "list", "flags", "--overdue",
          "--timeout-min", "0", NULL);
    cr_assert_not_null(strstr(r.out, "(0)"), "acknowledged: %s", r.out);
}

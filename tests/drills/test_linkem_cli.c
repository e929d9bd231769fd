/* Tests of the xinyuan-linkem executable run as a child process: it prints
 * its bound port, forwards to a loopback target, exits cleanly on SIGTERM,
 * and refuses bad flags and non-loopback targets with a message naming the
 * problem. Every wait is bounded by poll timeouts. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* A child process with its stdout and stderr on pipes. */
typedef struct child {
    pid_t pid;
    int out; /* read end of its stdout */
    int err; /* read end of its stderr */
} child_t;

static void spawn(child_t *c, const char *const *args)
{
    int out[2], err[2];
    posix_spawn_file_actions_t fa;

    cr_assert_eq(pipe(out), 0);
    cr_assert_eq(pipe(err), 0);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    cr_assert_eq(posix_spawn(&c->pid, XY_LINKEM_BIN, &fa, NULL,
                             (char *const *)args, environ),
                 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    c->out = out[0];
    c->err = err[0];
}

/* Reads fd into buf (NUL-terminated) until EOF, a newline when line is
 * set, or timeout_ms. Returns the bytes read. */
static size_t read_fd(int fd, char *buf, size_t cap, bool line, int timeout_ms)
{
    size_t n = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    buf[0] = '\0';
    for (int i = 0; i < 1000 && n + 1 < cap; i++) {
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        ssize_t r = read(fd, buf + n, line ? 1 : cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        if (line && buf[n - 1] == '\n')
            break;
    }
    return n;
}

/* Waits up to timeout_ms for the child to exit; returns its wait status,
 * or -1 after killing it when it did not exit. */
static int wait_child(child_t *c, int timeout_ms)
{
    int status = 0;
    for (int i = 0; i < timeout_ms / 10; i++) {
        pid_t r = waitpid(c->pid, &status, WNOHANG);
        if (r == c->pid)
            goto out;
        usleep(10000);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, &status, 0);
    status = -1;
out:
    close(c->out);
    close(c->err);
    return status;
}

/* Runs the program to the end; returns its exit code and its stderr. */
static int run(const char *const *args, char *err, size_t errlen)
{
    child_t c;
    spawn(&c, args);
    read_fd(c.err, err, errlen, false, 5000);
    int status = wait_child(&c, 5000);
    cr_assert(status >= 0 && WIFEXITED(status), "did not exit");
    return WEXITSTATUS(status);
}

/* A listening socket on 127.0.0.1 with an ephemeral port. */
static int listen_any(uint16_t *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(fd, 4), 0);
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

TestSuite(linkem_cli, .timeout = 60);

Test(linkem_cli, prints_port_forwards_and_exits_on_sigterm)
{
    uint16_t tport;
    int lfd = listen_any(&tport);
    char to[64], line[32], got[16] = "";
    child_t c;

    snprintf(to, sizeof(to), "127.0.0.1:%u", (unsigned)tport);
    const char *args[] = {"xinyuan-linkem", "--listen", "0",       "--to", to,
                          "--latency",      "20ms",     "--quiet", NULL};
    spawn(&c, args);
    cr_assert_gt(read_fd(c.out, line, sizeof(line), true, 5000), 0);
    unsigned port = (unsigned)strtoul(line, NULL, 10);
    cr_assert(port > 0 && port < 65536, "printed '%s'", line);

    int cfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(cfd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(write(cfd, "ping", 4), 4);
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    cr_assert_eq(poll(&p, 1, 5000), 1, "the target was never dialled");
    int sfd = accept(lfd, NULL, NULL);
    cr_assert_geq(sfd, 0);
    cr_assert_eq(read_fd(sfd, got, 5, false, 2000), 4);
    cr_assert_str_eq(got, "ping");

    kill(c.pid, SIGTERM);
    int status = wait_child(&c, 5000);
    cr_assert(status >= 0 && WIFEXITED(status), "did not exit on SIGTERM");
    cr_assert_eq(WEXITSTATUS(status), 0);
    close(sfd);
    close(cfd);
    close(lfd);
}

Test(linkem_cli, non_loopback_target_is_refused)
{
    char err[1024];
    const char *args[] = {"xinyuan-linkem", "--listen",     "0",
                          "--to",           "192.0.2.1:80", NULL};
    cr_assert_eq(run(args, err, sizeof(err)), 2);
    cr_assert_not_null(strstr(err, "only loopback targets"), "%s", err);
}

Test(linkem_cli, bad_flags_are_named)
{
    char err[1024];
    const char *rate[] = {"xinyuan-linkem", "--listen", "0",      "--to",
                          "127.0.0.1:9",    "--rate",   "64kbps", NULL};
    cr_assert_eq(run(rate, err, sizeof(err)), 2);
    cr_assert_not_null(strstr(err, "--rate '64kbps'"), "%s", err);

    const char *missing[] = {"xinyuan-linkem", "--listen", "0", NULL};
    cr_assert_eq(run(missing, err, sizeof(err)), 2);
    cr_assert_not_null(strstr(err, "--to HOST:PORT is required"), "%s", err);

    const char *both[] = {"xinyuan-linkem", "--listen",   "0",         "--to",
                          "localhost:9",    "--schedule", "/dev/null", "--flap",
                          "up=1s,down=1s",  NULL};
    cr_assert_eq(run(both, err, sizeof(err)), 2);
    cr_assert_not_null(strstr(err, "cannot be combined"), "%s", err);

    const char *unknown[] = {"xinyuan-linkem", "--jitter", "5ms", NULL};
    cr_assert_eq(run(unknown, err, sizeof(err)), 2);
    cr_assert_not_null(strstr(err, "unknown option '--jitter'"), "%s", err);
}

Test(linkem_cli, schedule_error_names_file_and_line)
{
    char path[] = "/tmp/linkem-sched-XXXXXX";
    char err[1024];
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char text[] = "0 up\n10s sideways\n";
    cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
    close(fd);

    const char *args[] = {"xinyuan-linkem", "--listen",   "0",  "--to",
                          "127.0.0.1:9",    "--schedule", path, NULL};
    int code = run(args, err, sizeof(err));
    unlink(path);
    cr_assert_eq(code, 1);
    cr_assert_not_null(strstr(err, path), "%s", err);
    cr_assert_not_null(strstr(err, "line 2: unknown word 'sideways'"), "%s",
                       err);
}

Test(linkem_cli, help_describes_the_flags)
{
    child_t c;
    char out[4096];
    const char *args[] = {"xinyuan-linkem", "--help", NULL};
    spawn(&c, args);
    read_fd(c.out, out, sizeof(out), false, 5000);
    int status = wait_child(&c, 5000);
    cr_assert(status >= 0 && WIFEXITED(status));
    cr_assert_eq(WEXITSTATUS(status), 0);
    cr_assert_not_null(strstr(out, "usage: xinyuan-linkem"));
    cr_assert_not_null(strstr(out, "--flap"));
}

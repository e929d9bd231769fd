/* Running glpsol and cbc (exact.h). */
#include "tests/dispatch/exact.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define S_GLPSOL "/usr/bin/glpsol"
#define S_CBC "/usr/bin/cbc"

bool xy_glpsol_present(void)
{
    return access(S_GLPSOL, X_OK) == 0;
}

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The best bound of the last "mip = X <= Y" progress line of the log. */
static double s_mip_bound(const char *log)
{
    FILE *f = fopen(log, "r");
    if (!f)
        return NAN;
    char line[512];
    double bound = NAN;
    for (int n = 0; n < 10000000 && fgets(line, sizeof line, f); n++) {
        char *p = strstr(line, "mip =");
        char *le = p ? strstr(p, "<=") : NULL;
        if (!le)
            continue;
        double v;
        if (sscanf(le + 2, "%lf", &v) == 1)
            bound = v;
        else if (strstr(le, "tree is empty"))
            bound = -INFINITY; /* solved: the incumbent is the bound */
    }
    fclose(f);
    return bound;
}

static int s_read_solution(const char *path, bool relax, xy_exact_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int rc = -1;
    for (int n = 0; n < 10000000 && fgets(line, sizeof line, f); n++) {
        char a[8], b[8];
        long rows, cols;
        double obj;
        if (!relax &&
            sscanf(line, "s mip %ld %ld %7s %lf", &rows, &cols, a, &obj) == 4) {
            out->optimal = a[0] == 'o';
            out->feasible = a[0] == 'o' || a[0] == 'f';
            out->objective = obj;
            rc = 0;
            break;
        }
        if (relax && sscanf(line, "s bas %ld %ld %7s %7s %lf", &rows, &cols,
                            a, b, &obj) == 5) {
            out->optimal = a[0] == 'f' && b[0] == 'f';
            out->feasible = a[0] == 'f';
            out->objective = obj;
            rc = 0;
            break;
        }
    }
    fclose(f);
    return rc;
}

int xy_glpsol_run(const char *lp, const char *dir, const char *name,
                  bool relax, int tmlim_s, xy_exact_t *out)
{
    memset(out, 0, sizeof *out);
    out->mip_bound = NAN;
    char lpp[1024], sol[1024], log[1024], tm[32];
    snprintf(lpp, sizeof lpp, "%s/%s.lp", dir, name);
    snprintf(sol, sizeof sol, "%s/%s.sol", dir, name);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    snprintf(tm, sizeof tm, "%d", tmlim_s);
    FILE *f = fopen(lpp, "w");
    if (!f)
        return -1;
    fputs(lp, f);
    if (fclose(f))
        return -1;
    double t0 = s_now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (relax)
            execl(S_GLPSOL, "glpsol", "--lp", lpp, "--nomip", "--tmlim", tm,
                  "-w", sol, (char *)NULL);
        else
            execl(S_GLPSOL, "glpsol", "--lp", lpp, "--tmlim", tm, "-w", sol,
                  (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    out->seconds = s_now() - t0;
    if (s_read_solution(sol, relax, out))
        return -1;
    out->solved = true;
    if (!relax) {
        out->mip_bound = s_mip_bound(log);
        if (isinf(out->mip_bound))
            out->mip_bound = out->objective;
    }
    return 0;
}

bool xy_cbc_present(void)
{
    return access(S_CBC, X_OK) == 0;
}

/* cbc's solution file starts "Optimal - objective value X", or "Stopped
 * on time - objective value X" with an incumbent. */
static int s_read_cbc(const char *path, xy_exact_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[512];
    int rc = -1;
    if (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "objective value");
        if (p && sscanf(p + 15, "%lf", &out->objective) == 1) {
            out->optimal = strncmp(line, "Optimal", 7) == 0;
            out->feasible = !strstr(line, "nfeasible") &&
                            !strstr(line, "no integer");
            rc = 0;
        }
    }
    fclose(f);
    return rc;
}

int xy_cbc_run(const char *lp, const char *dir, const char *name,
               int tmlim_s, xy_exact_t *out)
{
    memset(out, 0, sizeof *out);
    out->mip_bound = NAN;
    char lpp[1024], sol[1024], log[1024], tm[32];
    snprintf(lpp, sizeof lpp, "%s/%s.lp", dir, name);
    snprintf(sol, sizeof sol, "%s/%s.sol", dir, name);
    snprintf(log, sizeof log, "%s/%s.log", dir, name);
    snprintf(tm, sizeof tm, "%d", tmlim_s);
    FILE *f = fopen(lpp, "w");
    if (!f)
        return -1;
    fputs(lp, f);
    if (fclose(f))
        return -1;
    double t0 = s_now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(S_CBC, "cbc", lpp, "sec", tm, "solve", "solu", sol,
              (char *)NULL);
        _exit(127);
    }
    int st = 0;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return -1;
    out->seconds = s_now() - t0;
    if (s_read_cbc(sol, out))
        return -1;
    out->solved = true;
    return 0;
}

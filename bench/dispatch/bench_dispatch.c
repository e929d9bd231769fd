/* bench_dispatch: planner time and objective on seeded instances of
 * 100 x 50, 250 x 100 and 500 x 200 teams x zones, against the
 * LP-relaxation bound (glpsol --nomip) and against what GLPK's MIP reaches
 * within a time limit, all in the same run (docs/dispatch.md, "Bench").
 * Usage: bench_dispatch [MIP_SECONDS (default 60)] [SEED (default 1)].
 * Target: within 2% of the LP bound at 500 x 200 in under 1 s. */
#include "domain/dispatch_gen.h"
#include "domain/dispatch_plan.h"
#include "tests/dispatch/exact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double s_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void s_rmdir(const char *dir)
{
    static const char *const names[] = {"lp.lp", "lp.sol", "lp.log",
                                        "mip.lp", "mip.sol", "mip.log"};
    char path[1024];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static int s_case(size_t nt, size_t nz, uint64_t seed, int mip_s,
                  const char *dir)
{
    dispatch_team_t *t = calloc(nt, sizeof *t);
    dispatch_zone_t *z = calloc(nz, sizeof *z);
    if (!t || !z)
        return 1;
    dispatch_gen(seed, t, nt, z, nz);
    dispatch_plan_params_t params;
    dispatch_plan_params_default(&params);
    dispatch_plan_t *p = NULL;
    double t0 = s_now();
    int rc = dispatch_plan_compute(&p, t, nt, z, nz, &params, NULL);
    double dt = s_now() - t0;
    if (rc) {
        fprintf(stderr, "bench_dispatch: planner failed: %d\n", rc);
        return 1;
    }
    double obj = dispatch_plan_objective(p);
    printf("%4zu x %-4zu planner %8.1f ms  objective %10.3f  cheap bound "
           "%10.3f\n", nt, nz, dt * 1000, obj, dispatch_plan_bound(p));
    fflush(stdout);
    char *lp = dispatch_plan_lp(p);
    xy_exact_t rel, mip;
    if (xy_glpsol_run(lp, dir, "lp", true, 3600, &rel) == 0 && rel.optimal)
        printf("            LP bound   %10.3f (glpsol %.1f s)  planner gap "
               "to LP bound %.2f%%\n", rel.objective, rel.seconds,
               100 * (rel.objective - obj) / rel.objective);
    else
        printf("            LP bound   not solved\n");
    fflush(stdout);
    if (mip_s > 0 &&
        xy_glpsol_run(lp, dir, "mip", false, mip_s, &mip) == 0 &&
        mip.feasible)
        printf("            GLPK MIP   %10.3f in %.1f s (%s; its bound "
               "%.3f)  planner/GLPK %.4f\n", mip.objective, mip.seconds,
               mip.optimal ? "optimal" : "time limit", mip.mip_bound,
               obj / mip.objective);
    else if (mip_s > 0)
        printf("            GLPK MIP   no integer solution in %d s\n", mip_s);
    fflush(stdout);
    free(lp);
    dispatch_plan_destroy(&p);
    free(t);
    free(z);
    return 0;
}

int main(int argc, char **argv)
{
    int mip_s = argc > 1 ? atoi(argv[1]) : 60;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    if (!xy_glpsol_present()) {
        fprintf(stderr, "bench_dispatch: glpsol missing (scripts/setup)\n");
        return 1;
    }
    char dir[] = "/tmp/xybench.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    printf("bench_dispatch: seed %llu, GLPK MIP limit %d s\n",
           (unsigned long long)seed, mip_s);
    static const size_t sizes[][2] = {{100, 50}, {250, 100}, {500, 200}};
    int rc = 0;
    for (size_t k = 0; k < 3 && !rc; k++)
        rc = s_case(sizes[k][0], sizes[k][1], seed, mip_s, dir);
    s_rmdir(dir);
    return rc;
}

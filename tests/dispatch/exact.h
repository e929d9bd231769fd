/* Runs the exact solvers on an LP text and reads back what they proved:
 * GLPK's glpsol (Debian package glpk-utils) and COIN-OR CBC (coinor-cbc),
 * test-time tools only, shared by the planner's tests and bench/dispatch. */
#ifndef XY_TEST_EXACT_H
#define XY_TEST_EXACT_H

#include <stdbool.h>

typedef struct xy_exact {
    bool solved;      /* a solution file was written and read */
    bool optimal;     /* proven optimal (MIP: integer optimal) */
    bool feasible;    /* an integer solution was found (MIP) */
    double objective; /* of the solution (MIP: the incumbent) */
    double mip_bound; /* MIP: best bound in the log at the end, or NAN */
    double seconds;   /* wall time glpsol took */
} xy_exact_t;

/* Whether glpsol can be run here. */
bool xy_glpsol_present(void);

/* Writes lp into dir/name.lp and runs glpsol on it (relax: the LP
 * relaxation only) with a time limit in seconds. Returns 0, or -1 when
 * glpsol could not be run or its output not read. */
int xy_glpsol_run(const char *lp, const char *dir, const char *name,
                  bool relax, int tmlim_s, xy_exact_t *out);

/* Whether cbc can be run here. */
bool xy_cbc_present(void);

/* Writes lp into dir/name.lp and runs cbc on it with a time limit in
 * seconds. Returns 0, or -1 when cbc could not be run or its solution not
 * read (mip_bound is NAN: cbc's solution file does not hold it). */
int xy_cbc_run(const char *lp, const char *dir, const char *name,
               int tmlim_s, xy_exact_t *out);

#endif

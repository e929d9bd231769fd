/* The drill runner: plays a scenario (drills/runner/scenario.h) against a
 * real coordinator and real field-agent processes with stores in a
 * temporary folder, linked through the link emulator, and writes the
 * result (result.json, format "xinyuan-drill-result-1") and the
 * after-action report into an output folder. docs/drills.md describes the
 * whole. */
#ifndef DRILL_DRILL_H
#define DRILL_DRILL_H

#include <stdbool.h>
#include <stdint.h>

/* Exit statuses of `xinyuan-drill run`. */
enum {
    DRILL_EXIT_PASS = 0,  /* the drill ran and passed */
    DRILL_EXIT_FAIL = 1,  /* it ran and failed, or could not run */
    DRILL_EXIT_USAGE = 2, /* bad command line or scenario; nothing started */
};

/* What the command line asked for. */
typedef struct drill_opts {
    const char *scenario;   /* scenario file */
    const char *out_dir;    /* output folder, NULL: a new one under TMPDIR */
    double speed;           /* compression override, 0: the scenario's */
    bool keep;              /* keep the stores */
    bool quiet;             /* no live progress */
    uint64_t settle_ms;     /* real time allowed to converge at the end */
    const char *coord_bin;  /* xinyuan-coordinator */
    const char *agent_bin;  /* xinyuan-agent */
} drill_opts_t;

/* Runs the drill; prints progress and the score on stdout, errors on
 * stderr. Returns a DRILL_EXIT_* status. */
int drill_run(const drill_opts_t *opts);

#endif

/* xinyuan-drill: runs a drill scenario end to end against real daemons
 * (`run`), checks a scenario without running it (`check`) and turns a
 * drill result into its HTML after-action report (`report`). Parses the
 * command line and hands over to drill.c; docs/drills.md is the manual. */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xy_error.h"
#include "drills/runner/drill.h"
#include "drills/runner/scenario.h"
#include "drills/report/report.h"

static void s_usage(FILE *f)
{
    fputs("usage: xinyuan-drill run SCENARIO [options]\n"
          "       xinyuan-drill check SCENARIO\n"
          "       xinyuan-drill report RESULT.json [-o FILE.html]\n"
          "\n"
          "Runs a drill: a real coordinator and real field agents with\n"
          "stores in a temporary folder, linked through the link emulator,\n"
          "the scenario's timeline played time-compressed, then a score.\n"
          "\n"
          "  -o, --out DIR         output folder (default: a new folder in\n"
          "                        $TMPDIR); report: the HTML file\n"
          "  -s, --speed X         scenario seconds per real second\n"
          "                        (default: the scenario's compress)\n"
          "      --keep            keep the stores (their folder is printed)\n"
          "  -q, --quiet           no live progress\n"
          "      --settle SECONDS  time allowed to converge at the end\n"
          "                        (default 60)\n"
          "      --coordinator BIN, --agent BIN  the daemons to run\n"
          "  -h, --help            show this help\n"
          "\n"
          "Exit status: 0 the drill passed; 1 it ran and failed (events\n"
          "lost, duplicates, no convergence, too few points) or could not\n"
          "run; 2 bad command line or scenario (nothing started).\n",
          f);
}

static int s_check(const char *path)
{
    scenario_t *s = NULL;
    char err[1024];
    if (scenario_load(&s, path, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return DRILL_EXIT_USAGE;
    }
    printf("%s: drill \"%s\", %zu agents, %zu injects, %.0f s at %gx: "
           "about %.0f s of real time\n",
           path, s->name, s->n_agents, s->n_injects,
           (double)s->duration_ms / 1000, s->compress,
           (double)s->duration_ms / 1000 / s->compress);
    scenario_destroy(&s);
    return 0;
}

static int s_report(const char *in, const char *out)
{
    json_error_t je;
    json_t *r = json_load_file(in, 0, &je);
    if (!r) {
        fprintf(stderr, "%s:%d: %s\n", in, je.line, je.text);
        return DRILL_EXIT_USAGE;
    }
    char path[4096];
    if (!out) {
        snprintf(path, sizeof path, "%s", in);
        char *slash = strrchr(path, '/');
        snprintf(slash ? slash + 1 : path,
                 sizeof path - (size_t)(slash ? slash + 1 - path : 0),
                 "report.html");
        out = path;
    }
    char err[512];
    int rc = drill_report_write(r, out, err, sizeof err);
    json_decref(r);
    if (rc) {
        fprintf(stderr, "%s: %s\n", in, err);
        return DRILL_EXIT_FAIL;
    }
    printf("report: %s\n", out);
    return 0;
}

static int s_number(const char *text, double lo, double hi, double *out,
                    const char *what)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (!*text || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "xinyuan-drill: %s '%s' is not a number in %g..%g\n",
                what, text, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

enum { O_KEEP = 256, O_SETTLE, O_COORD, O_AGENT };

int main(int argc, char **argv)
{
    drill_opts_t o = {.settle_ms = 60000,
                      .coord_bin = XY_COORDINATOR_BIN,
                      .agent_bin = XY_AGENT_BIN};
    static const struct option longs[] = {
        {"out", required_argument, NULL, 'o'},
        {"speed", required_argument, NULL, 's'},
        {"keep", no_argument, NULL, O_KEEP},
        {"quiet", no_argument, NULL, 'q'},
        {"settle", required_argument, NULL, O_SETTLE},
        {"coordinator", required_argument, NULL, O_COORD},
        {"agent", required_argument, NULL, O_AGENT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    double v;
    while ((c = getopt_long(argc, argv, "o:s:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'o': o.out_dir = optarg; break;
        case 's':
            if (s_number(optarg, 1, 3600, &o.speed, "--speed"))
                return DRILL_EXIT_USAGE;
            break;
        case O_KEEP: o.keep = true; break;
        case 'q': o.quiet = true; break;
        case O_SETTLE:
            if (s_number(optarg, 1, 3600, &v, "--settle"))
                return DRILL_EXIT_USAGE;
            o.settle_ms = (uint64_t)(v * 1000);
            break;
        case O_COORD: o.coord_bin = optarg; break;
        case O_AGENT: o.agent_bin = optarg; break;
        case 'h': s_usage(stdout); return 0;
        default: s_usage(stderr); return DRILL_EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        s_usage(stderr);
        return DRILL_EXIT_USAGE;
    }
    const char *cmd = argv[optind], *arg = argv[optind + 1];
    if (strcmp(cmd, "check") == 0)
        return s_check(arg);
    if (strcmp(cmd, "report") == 0)
        return s_report(arg, o.out_dir);
    if (strcmp(cmd, "run") != 0) {
        fprintf(stderr, "xinyuan-drill: unknown command '%s' (use run, check "
                "or report)\n", cmd);
        return DRILL_EXIT_USAGE;
    }
    o.scenario = arg;
    /* A link emulator writing to a socket its peer just closed must get
     * EPIPE, not die. */
    signal(SIGPIPE, SIG_IGN);
    return drill_run(&o);
}

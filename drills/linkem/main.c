/* xinyuan-linkem: runs the link emulator as a process between a field agent
 * and a coordinator on one machine. Parses the command line, builds the
 * emulator on a libuv loop, prints the bound port on stdout, logs schedule
 * steps on stderr and exits cleanly on SIGINT or SIGTERM. The target must be
 * a loopback address: the emulator is a test and drill tool, never a relay
 * to other machines. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "common/xy_error.h"
#include "drills/linkem/linkem.h"

/* Exit statuses. */
enum { S_EXIT_OK = 0, S_EXIT_FAIL = 1, S_EXIT_USAGE = 2 };

/* What the command line asked for. */
typedef struct s_opts {
    linkem_config_t cfg;       /* emulator settings */
    char host[256];            /* target host, cfg.target_host points here */
    const char *schedule_path; /* --schedule, or NULL */
    linkem_flap_t flap;        /* --flap */
    bool flap_set;             /* --flap was given */
    bool listen_set;           /* --listen was given */
    bool quiet;                /* --quiet */
} s_opts_t;

/* The running process: loop, emulator and signal watchers. */
typedef struct s_app {
    uv_loop_t loop;      /* the event loop */
    linkem_t *linkem;    /* the emulator */
    uv_signal_t sigint;  /* SIGINT watcher */
    uv_signal_t sigterm; /* SIGTERM watcher */
    bool quiet;          /* do not log steps */
} s_app_t;

static void s_usage(FILE *f)
{
    fputs("usage: xinyuan-linkem --listen PORT --to HOST:PORT [options]\n"
          "\n"
          "A TCP proxy on 127.0.0.1 that emulates a faulty link.\n"
          "\n"
          "  --listen PORT     port on 127.0.0.1 (0 = any free port); the\n"
          "                    bound port is printed on stdout\n"
          "  --to HOST:PORT    target: 127.0.0.0/8, [::1] or localhost\n"
          "  --schedule FILE   run the schedule in FILE (docs/linkem.md)\n"
          "  --flap SPEC       random flapping, e.g.\n"
          "                    up=5s,down=3s,reset=0.2,seed=1\n"
          "  --rate RATE       rate each way, e.g. 64kbit (default: none)\n"
          "  --latency TIME    one-way latency each way, e.g. 200ms\n"
          "  --refuse          while down, reset connections (default:\n"
          "                    accept them and hold their data)\n"
          "  --start-down      start with the link down\n"
          "  --quiet           do not log steps on stderr\n"
          "  --help            show this help\n"
          "  --version         show the version\n",
          f);
}

/* Prints a usage error and returns XY_EUSAGE. */
static int s_bad(const char *fmt, const char *arg)
{
    fputs("xinyuan-linkem: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(try --help)\n", stderr);
    return XY_EUSAGE;
}

/* Parses a port 0..65535 (1.. when !allow_zero). */
static int s_parse_port(const char *text, bool allow_zero, uint16_t *port)
{
    unsigned long v = 0;
    if (!*text || strlen(text) > 5)
        return XY_EINVAL;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return XY_EINVAL;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v > 65535 || (!allow_zero && v == 0))
        return XY_EINVAL;
    *port = (uint16_t)v;
    return 0;
}

/* Splits HOST:PORT or [HOST]:PORT into o->host and o->cfg.target_port. */
static int s_parse_to(s_opts_t *o, const char *arg)
{
    const char *host = arg, *colon;
    size_t hlen;

    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (!close || close[1] != ':')
            return s_bad("--to '%s': expected [HOST]:PORT", arg);
        host = arg + 1;
        hlen = (size_t)(close - host);
        colon = close + 1;
    } else {
        colon = strrchr(arg, ':');
        if (!colon || colon == arg)
            return s_bad("--to '%s': expected HOST:PORT", arg);
        hlen = (size_t)(colon - arg);
        if (memchr(arg, ':', hlen))
            return s_bad("--to '%s': write an IPv6 host in brackets, "
                         "e.g. [::1]:7000",
                         arg);
    }
    if (hlen == 0 || hlen >= sizeof(o->host))
        return s_bad("--to '%s': bad host", arg);
    memcpy(o->host, host, hlen);
    o->host[hlen] = '\0';
    if (s_parse_port(colon + 1, false, &o->cfg.target_port))
        return s_bad("--to '%s': the port must be 1 to 65535", arg);
    struct sockaddr_storage ss;
    int rc = linkem_target_resolve(o->host, o->cfg.target_port, &ss);
    if (rc == XY_EPERM)
        return s_bad("--to '%s': only loopback targets are allowed "
                     "(127.0.0.0/8, ::1, localhost)",
                     arg);
    if (rc)
        return s_bad("--to '%s': the host must be a numeric address or "
                     "localhost",
                     arg);
    o->cfg.target_host = o->host;
    return 0;
}

/* Parses argv into *o. Returns 0, 1 when --help or --version was handled,
 * or XY_EUSAGE after printing the problem. */
static int s_parse_args(s_opts_t *o, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"to", required_argument, NULL, 't'},
        {"schedule", required_argument, NULL, 's'},
        {"flap", required_argument, NULL, 'f'},
        {"rate", required_argument, NULL, 'r'},
        {"latency", required_argument, NULL, 'L'},
        {"refuse", no_argument, NULL, 'R'},
        {"start-down", no_argument, NULL, 'D'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    char err[256];
    uint64_t v;
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (s_parse_port(optarg, true, &o->cfg.listen_port))
                return s_bad("--listen '%s': the port must be 0 to 65535",
                             optarg);
            o->listen_set = true;
            break;
        case 't':
            rc = s_parse_to(o, optarg);
            if (rc)
                return rc;
            break;
        case 's':
            o->schedule_path = optarg;
            break;
        case 'f':
            if (linkem_flap_parse(&o->flap, optarg, err, sizeof(err)))
                return s_bad("--flap: %s", err);
            o->flap_set = true;
            break;
        case 'r':
            if (linkem_parse_rate_bps(optarg, &v))
                return s_bad("--rate '%s': expected a rate such as 64kbit, "
                             "2mbit or 0 (unlimited)",
                             optarg);
            o->cfg.rate_bps[LINKEM_C2S] = v;
            o->cfg.rate_bps[LINKEM_S2C] = v;
            break;
        case 'L':
            if (linkem_parse_duration_ms(optarg, &v) ||
                v > LINKEM_MAX_LATENCY_MS)
                return s_bad("--latency '%s': expected a duration such as "
                             "200ms or 1s, at most 10m",
                             optarg);
            o->cfg.latency_ms[LINKEM_C2S] = (uint32_t)v;
            o->cfg.latency_ms[LINKEM_S2C] = (uint32_t)v;
            break;
        case 'R':
            o->cfg.down_mode = LINKEM_DOWN_REFUSE;
            break;
        case 'D':
            o->cfg.start_down = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'h':
            s_usage(stdout);
            return 1;
        case 'V':
            printf("xinyuan-linkem %s\n", XY_VERSION);
            return 1;
        case ':':
            return s_bad("%s needs a value", argv[optind - 1]);
        default:
            return s_bad("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return s_bad("unexpected argument '%s'", argv[optind]);
    if (!o->listen_set)
        return s_bad("%s", "--listen PORT is required");
    if (!o->cfg.target_host)
        return s_bad("%s", "--to HOST:PORT is required");
    if (o->schedule_path && o->flap_set)
        return s_bad("%s", "--schedule and --flap cannot be combined");
    return 0;
}

/* Logs an applied step on stderr. */
static void s_on_step(void *arg, const linkem_step_t *step)
{
    s_app_t *app = arg;
    if (app->quiet)
        return;
    fprintf(stderr, "linkem: t=%llums%s%s%s", (unsigned long long)step->at_ms,
            step->what & LINKEM_STEP_UP ? " up" : "",
            step->what & LINKEM_STEP_DOWN ? " down" : "",
            step->what & LINKEM_STEP_RESET ? " reset" : "");
    if (step->what & LINKEM_STEP_RATE_C2S)
        fprintf(stderr, " rate_c2s=%llubit",
                (unsigned long long)step->rate_bps[LINKEM_C2S]);
    if (step->what & LINKEM_STEP_RATE_S2C)
        fprintf(stderr, " rate_s2c=%llubit",
                (unsigned long long)step->rate_bps[LINKEM_S2C]);
    if (step->what & LINKEM_STEP_LATENCY_C2S)
        fprintf(stderr, " latency_c2s=%ums",
                (unsigned)step->latency_ms[LINKEM_C2S]);
    if (step->what & LINKEM_STEP_LATENCY_S2C)
        fprintf(stderr, " latency_s2c=%ums",
                (unsigned)step->latency_ms[LINKEM_S2C]);
    if (step->what & LINKEM_STEP_MODE)
        fprintf(stderr, " mode=%s",
                step->down_mode == LINKEM_DOWN_REFUSE ? "refuse" : "hold");
    fputc('\n', stderr);
}

static void s_on_signal(uv_signal_t *sig, int signum)
{
    s_app_t *app = sig->data;
    linkem_stats_t st;

    (void)signum;
    if (app->linkem) {
        linkem_stats(app->linkem, &st);
        if (!app->quiet)
            fprintf(stderr,
                    "linkem: stopping: %llu connections, %llu resets, "
                    "%llu bytes c2s, %llu bytes s2c\n",
                    (unsigned long long)st.connections,
                    (unsigned long long)st.resets,
                    (unsigned long long)st.bytes[LINKEM_C2S],
                    (unsigned long long)st.bytes[LINKEM_S2C]);
    }
    linkem_destroy(&app->linkem);
    uv_close((uv_handle_t *)&app->sigint, NULL);
    uv_close((uv_handle_t *)&app->sigterm, NULL);
}

/* Builds the emulator and runs until a signal. Returns 0 or an error code
 * after printing it. */
static int s_run(s_app_t *app, s_opts_t *o)
{
    linkem_schedule_t *sched = NULL;
    char err[512];
    int rc;

    if (o->schedule_path) {
        rc = linkem_schedule_load(&sched, o->schedule_path, err, sizeof(err));
        if (rc) {
            fprintf(stderr, "xinyuan-linkem: schedule %s\n", err);
            return rc;
        }
    }
    rc = linkem_new(&app->linkem, &app->loop, &o->cfg);
    if (rc) {
        fprintf(stderr, "xinyuan-linkem: cannot listen on 127.0.0.1:%u: %s\n",
                (unsigned)o->cfg.listen_port, xy_strerror(rc));
        goto out;
    }
    linkem_on_step(app->linkem, s_on_step, app);
    if (sched)
        linkem_run_schedule(app->linkem, &sched);
    if (o->flap_set)
        linkem_run_flap(app->linkem, &o->flap);
    uv_signal_init(&app->loop, &app->sigint);
    uv_signal_init(&app->loop, &app->sigterm);
    app->sigint.data = app;
    app->sigterm.data = app;
    uv_signal_start(&app->sigint, s_on_signal, SIGINT);
    uv_signal_start(&app->sigterm, s_on_signal, SIGTERM);
    printf("%u\n", (unsigned)linkem_port(app->linkem));
    fflush(stdout);
out:
    linkem_schedule_destroy(&sched);
    /* Runs the emulator, or after a failure lets its handles close. */
    uv_run(&app->loop, UV_RUN_DEFAULT);
    return rc;
}

int main(int argc, char **argv)
{
    s_opts_t opts;
    s_app_t app;
    int rc;

    memset(&opts, 0, sizeof(opts));
    memset(&app, 0, sizeof(app));
    rc = s_parse_args(&opts, argc, argv);
    if (rc)
        return rc == 1 ? S_EXIT_OK : S_EXIT_USAGE;
    app.quiet = opts.quiet;
    /* A peer that resets while a write is under way must not kill us. */
    signal(SIGPIPE, SIG_IGN);
    if (uv_loop_init(&app.loop) != 0) {
        fputs("xinyuan-linkem: cannot start the event loop\n", stderr);
        return S_EXIT_FAIL;
    }
    rc = s_run(&app, &opts);
    if (uv_loop_close(&app.loop) != 0 && rc == 0)
        rc = XY_ESTATE;
    return rc ? S_EXIT_FAIL : S_EXIT_OK;
}

/* What the modules of the drill runner share: the state of one drill (its
 * nodes, what the actors did and saw, the timeline) and the functions of
 * nodes.c (processes and command lines), actors.c (injects, commander,
 * team leaders) and score.c (stores compared, score, result). Only the
 * runner's own files include it. */
#ifndef DRILL_INTERNAL_H
#define DRILL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "drills/runner/drill.h"
#include "drills/linkem/linkset.h"
#include "drills/runner/scenario.h"

#define D_MAX_ORDERS 128   /* orders tracked */
#define D_MAX_FLAGS 512    /* red flags tracked */
#define D_MAX_PEOPLE 4096  /* people tracked */
#define D_MAX_HANDOFFS 512 /* handoffs tracked */
#define D_MAX_TEAMS 64     /* teams known */

/* One daemon and its store. */
typedef struct d_node {
    char name[64];     /* "coordinator" or the agent's name */
    char dir[4200];    /* its data folder */
    char log[4300];    /* its daemon's output */
    char id[33];       /* node id, hex */
    pid_t pid;         /* daemon, -1 when not running */
    bool crashed;      /* killed by a crash inject, not yet restarted */
    uint64_t restart_ms; /* scenario time of the restart */
    char digest[65];   /* last view digest seen */
    long backlog;      /* last backlog seen (agents), -1 unknown */
    long events;       /* events held, last seen */
} d_node_t;

/* A team as the coordinator registered it. */
typedef struct d_team {
    char id[33];         /* team id */
    char name[SCN_NAME]; /* name */
    char level[16];      /* province, prefecture, county */
    double lat, lon;     /* home base */
} d_team_t;

/* A deployment order and what became of it. */
typedef struct d_order {
    char id[33];        /* order id */
    int team;           /* index into teams */
    int agent;          /* agent of the team, -1: none */
    double ordered_s;   /* scenario time of the approval */
    double seen_s;      /* reached the agent, -1: not yet */
    double leader_s;    /* the leader acknowledged, -1: not yet */
    double acked_s;     /* the coordinator holds the ack, -1: not yet */
} d_order_t;

/* A red flag and what became of it. */
typedef struct d_flag {
    char id[33];       /* flag id */
    int agent;         /* who raised it */
    double raised_s;   /* triage time */
    double seen_s;     /* reached the coordinator, -1: not yet */
    double acked_s;    /* acknowledged, -1: not yet */
} d_flag_t;

/* A person registered by an agent. */
typedef struct d_person {
    char id[33];         /* person id */
    int agent;           /* who met them */
    char site[SCN_NAME]; /* current site */
    bool triaged;        /* screened */
    bool handed;         /* handed off */
} d_person_t;

/* A handoff and what became of it. */
typedef struct d_handoff {
    char id[33];       /* handoff id */
    int service;       /* index into the scenario's services */
    double proposed_s; /* proposal time */
    double seen_s;     /* reached the coordinator, -1: not yet */
    double accepted_s; /* accepted, -1: not yet */
} d_handoff_t;

/* One drill being run. */
typedef struct drill {
    const drill_opts_t *opts;  /* borrowed */
    scenario_t *scn;           /* owned */
    char work[4096];           /* stores and scratch (removed unless keep) */
    char out[4096];            /* result.json, report.html, logs */
    char started_at[32];       /* ISO 8601 UTC of the start */
    uint64_t t0;               /* monotonic ms at scenario time 0 */
    uint16_t port, pub_port;   /* the coordinator's two sockets */
    d_node_t coord;            /* the coordinator */
    d_node_t agents[SCN_MAX_AGENTS]; /* the field agents */
    linkset_t *links;            /* the agents' links */
    char incident[33];         /* incident id, "" before activation */
    char hazard[32];           /* its hazard */
    double activation_s;       /* -1: not yet */
    double dispatch_s;         /* first order, -1: not yet */
    bool dispatched;           /* dispatch attempted */
    d_team_t teams[D_MAX_TEAMS];
    size_t n_teams;
    char services[SCN_MAX_SERVICES][33]; /* service ids by scenario index */
    d_order_t orders[D_MAX_ORDERS];
    size_t n_orders;
    d_flag_t flags[D_MAX_FLAGS];
    size_t n_flags;
    d_person_t people[D_MAX_PEOPLE];
    size_t n_people;
    d_handoff_t handoffs[D_MAX_HANDOFFS];
    size_t n_handoffs;
    size_t next_inject;        /* first inject not yet played */
    json_t *timeline;          /* array of {t_s, actor, kind, what} */
    json_t *backlog;           /* object: agent -> [[t_s, n], ...] */
    uint64_t next_sample;      /* monotonic ms of the next status sample */
    uint64_t next_progress;    /* monotonic ms of the next progress line */
    bool converged;            /* final digests equal */
} drill_t;

/* Scenario seconds since the start. */
double d_now_s(const drill_t *d);

/* Adds a timeline entry at the current scenario time (printf format). */
void d_timeline(drill_t *d, const char *actor, const char *kind,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- nodes.c */

/* Runs the node's command line: `BIN -d DIR -u USER --json ARGS...`
 * (args NULL-terminated). Returns the parsed JSON output (owned; an empty
 * object when it succeeded without printing JSON), or NULL when the
 * command failed; then the error line goes into the timeline
 * (and on stderr) unless quiet_fail. */
json_t *d_cli(drill_t *d, d_node_t *n, bool quiet_fail, const char *const *args);

/* The same; when the command fails its first error line also goes into
 * errline (errlen bytes, may be 0). */
json_t *d_cli_err(drill_t *d, d_node_t *n, bool quiet_fail,
                  const char *const *args, char *errline, size_t errlen);

/* Creates every store, enrolls and joins the agents, imports teams and
 * services. Returns 0; -2 for a scenario error found on the way (an alert
 * file or a teams CSV the commands refuse, an agent's team not registered:
 * "FILE:LINE: ..." on stderr); -1 for another failure. No daemon runs
 * yet. */
int d_nodes_setup(drill_t *d);

/* Starts the daemon of n and waits until it runs. Returns 0 or -1. */
int d_node_start(drill_t *d, d_node_t *n);

/* Stops every daemon (SIGTERM, then SIGKILL after a grace time). */
void d_nodes_stop(drill_t *d);

/* Reads each running node's live status (backlog, digest, events). */
void d_nodes_poll(drill_t *d);

/* ---- actors.c */

/* Plays the commander's scheduled steps and the injects now due. */
void d_actors_due(drill_t *d);

/* The scripted people react to what reached them: leaders acknowledge
 * orders, the commander acknowledges red flags, services accept handoffs. */
void d_actors_react(drill_t *d);

/* True while a scripted action still waits for something to arrive. */
bool d_actors_pending(const drill_t *d);

/* ---- score.c */

/* Compares the stores (daemons stopped), scores the drill and returns the
 * result document (owned). */
json_t *d_score(drill_t *d);

/* Prints the score table of result on stdout. */
void d_score_print(const json_t *result);

#endif

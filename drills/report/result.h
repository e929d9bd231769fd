/* The drill result (format "xinyuan-drill-result-1", docs/after-action-
 * report.md) read and checked into plain C records for the after-action
 * report. Every field of the contract is checked for presence and type;
 * times `*_s` are scenario seconds since the drill started and read as NAN
 * where the result holds null (the thing never happened). Members the
 * format does not name are ignored. All strings are borrowed from the JSON
 * document and live as long as it. */
#ifndef DRILL_RESULT_H
#define DRILL_RESULT_H

#include <jansson.h>
#include <stddef.h>

#define DRILL_RESULT_FORMAT "xinyuan-drill-result-1"

/* One line of the score table. */
typedef struct dr_item {
    const char *name; /* what is scored ("activation") */
    double value;     /* measured value, NAN when never measured or
                         when the value is true/false */
    int truth;        /* 1 or 0 when the value is true or false, else -1 */
    const char *unit; /* unit of value and target ("s", "" for none) */
    double target;    /* target value, NAN when none */
    double points;    /* points earned */
    double max;       /* points possible */
    const char *note; /* one line of explanation, "" when none */
} dr_item_t;

/* A deployment order and its acknowledgement by a team. */
typedef struct dr_team_ack {
    const char *team;  /* team name */
    const char *level; /* province, city, county... */
    double ordered_s;  /* when the order was published, NAN if never */
    double acked_s;    /* when the team acknowledged, NAN if never */
    double latency_s;  /* acked_s - ordered_s, NAN if never acked */
} dr_team_ack_t;

/* A red flag and its acknowledgement. */
typedef struct dr_flag {
    const char *flag;  /* flag id (hex) */
    const char *agent; /* agent that raised it */
    const char *zone;  /* zone of the person */
    double raised_s;   /* when it was raised */
    double acked_s;    /* when a person acknowledged it, NAN if never */
    double latency_s;  /* raise to acknowledgement, NAN if never acked */
} dr_flag_t;

/* A node's view digest at the end of the drill. */
typedef struct dr_digest {
    const char *node;   /* "coordinator" or an agent name */
    const char *digest; /* hex digest of its canonical view */
} dr_digest_t;

/* Kinds of timeline entries. */
typedef enum dr_kind {
    DR_LINK,
    DR_INJECT,
    DR_ORDER,
    DR_ACK,
    DR_FLAG,
    DR_CRASH,
    DR_NOTE,
    DR_SYNC,
    DR_KIND_COUNT
} dr_kind_t;

/* One timeline entry. */
typedef struct dr_entry {
    double t_s;        /* when */
    const char *actor; /* "coordinator", an agent name, "scenario"... */
    dr_kind_t kind;    /* what sort of thing happened */
    const char *what;  /* one line ("link down") */
} dr_entry_t;

/* One sample of an agent's sync backlog. */
typedef struct dr_sample {
    double t_s;     /* when */
    double waiting; /* events waiting to be sent */
} dr_sample_t;

/* An agent's backlog series, in the order of the result. */
typedef struct dr_backlog {
    const char *agent;    /* agent name */
    dr_sample_t *samples; /* owned array */
    size_t n;             /* number of samples */
} dr_backlog_t;

/* Triage coverage of one zone. */
typedef struct dr_zone {
    const char *zone; /* zone name */
    double people;    /* people registered there */
    double triaged;   /* of whom triaged */
} dr_zone_t;

/* An agent of the drill. */
typedef struct dr_agent {
    const char *name; /* agent name ("a1") */
    const char *team; /* its team */
    const char *zone; /* its zone */
} dr_agent_t;

/* A whole drill result. Arrays are owned; strings are borrowed. */
typedef struct drill_result {
    struct {
        const char *name, *scenario, *started_at, *incident, *hazard;
        double compress;   /* scenario seconds per real second */
        double wall_s;     /* real duration */
        double scenario_s; /* scenario duration */
        int exercise;      /* the drill ran as an exercise */
    } drill;
    struct {
        double points, max; /* points earned of max */
        int pass;           /* the drill passed */
        dr_item_t *items;
        size_t n_items;
        double activation_s;     /* NAN if the incident was never active */
        double first_dispatch_s; /* NAN if nothing was dispatched */
        dr_team_ack_t *team_acks;
        size_t n_team_acks;
        double triage_people, triage_triaged, triage_coverage;
        dr_flag_t *flags;
        size_t n_flags;
        double handoffs_proposed, handoffs_completed;
        double recorded, at_coordinator, lost, duplicates; /* events */
        int converged;
        dr_digest_t *digests;
        size_t n_digests;
    } score;
    dr_entry_t *timeline;
    size_t n_timeline;
    dr_backlog_t *backlog;
    size_t n_backlog;
    dr_zone_t *zones;
    size_t n_zones;
    dr_agent_t *agents;
    size_t n_agents;
} drill_result_t;

/* Reads and checks root. On success *out is a new result the caller frees
 * with drill_result_destroy; it borrows strings from root. Returns 0, or
 * XY_EMALFORMED / XY_EVERSION with a one-line error naming the field in
 * err ("result: score.events.lost: not a number"), and *out NULL. */
int drill_result_read(drill_result_t **out, const json_t *root, char *err,
                      size_t errlen);

/* Frees a result; nulls *self_p; safe on NULL and twice. */
void drill_result_destroy(drill_result_t **self_p);

/* The name of a kind as in the result ("link"). */
const char *dr_kind_name(dr_kind_t kind);

#endif

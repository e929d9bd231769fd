/* Drill scenarios: the line-oriented text a trainer writes by hand
 * (docs/drills.md), parsed into a scenario_t that the runner plays. A
 * scenario names the drill, its time compression, the incident (an alert
 * file or a hand declaration), teams, services, field agents with their link
 * schedules (linkem's syntax, drills/linkem/schedule.h), the scripted
 * commander and team leaders, score targets and the timeline of injects.
 * Every error names the file and line. This file knows nothing of processes
 * or sockets; paths are resolved against the scenario file's folder. */
#ifndef DRILL_SCENARIO_H
#define DRILL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drills/linkem/schedule.h"

/* Hard limits of the format. */
#define SCN_MAX_TEXT (1u << 20) /* bytes of scenario text */
#define SCN_MAX_LINE 2048u      /* bytes of one line */
#define SCN_MAX_AGENTS 16u      /* field agents */
#define SCN_MAX_TEAMS 32u       /* inline teams */
#define SCN_MAX_MEMBERS 16u     /* members of an inline team */
#define SCN_MAX_SERVICES 16u    /* community services */
#define SCN_MAX_INJECTS 512u    /* timeline lines */
#define SCN_MAX_PEOPLE 200u     /* people of one `people` inject */
#define SCN_MAX_SCREENS 4u      /* --screen of one `person` inject */
#define SCN_NAME 128u           /* bytes of a name, site or zone */

/* Where the incident comes from. */
typedef enum scn_incident_kind {
    SCN_INCIDENT_USGS = 1,    /* assess --usgs FILE --exercise --publish */
    SCN_INCIDENT_CAP = 2,     /* assess --cap FILE --exercise --publish */
    SCN_INCIDENT_POINT = 3,   /* assess --point LAT,LON --radii ... */
} scn_incident_kind_t;

/* The incident of the drill. */
typedef struct scn_incident {
    scn_incident_kind_t kind; /* where it comes from */
    char file[4096];          /* USGS or CAP: absolute path */
    char hazard[32];          /* POINT: hazard word */
    char title[256];          /* POINT: title */
    char lat[32], lon[32];    /* POINT: centre */
    char radii[64];           /* POINT: band radii in km, "5,15,30" */
    char level[8];            /* level confirmed at activation ("" = none) */
    int line;                 /* line of the `incident` statement */
} scn_incident_t;

/* A team registered inline (`team NAME level=.. lat=.. lon=.. member=..`). */
typedef struct scn_team {
    char name[SCN_NAME];                 /* team name */
    char level[16];                      /* province, prefecture, county */
    char lat[32], lon[32];               /* home base */
    char members[SCN_MAX_MEMBERS][160];  /* NAME:ROLE[:LANGS[:QUALS]] */
    size_t n_members;                    /* members given */
} scn_team_t;

/* A community service (`service NAME kind=.. counties=.. ...`). */
typedef struct scn_service {
    char name[SCN_NAME]; /* service name, also how injects name it */
    char kind[32];       /* community_health, school, hotline, ... */
    char capacity[16];   /* people at a time */
    char counties[128];  /* county codes separated by ; */
    char contact[64];    /* phone or address */
    char accept_by[64];  /* who accepts handoffs for it */
} scn_service_t;

/* A field agent: one laptop of a team, in one zone, behind its own link. */
typedef struct scn_agent {
    char name[64];             /* node name (enrollment) */
    char team[SCN_NAME];       /* team it belongs to */
    char zone[SCN_NAME];       /* zone (county or township) it works in */
    char site[SCN_NAME];       /* default site of the people it meets */
    char leader[64];           /* team leader who acknowledges orders */
    linkem_schedule_t *link;   /* owned; scenario times; NULL: always up */
    int line;                  /* line of the `agent` statement */
} scn_agent_t;

/* What an inject does. */
typedef enum scn_verb {
    SCN_PEOPLE = 1, /* AGENT people N [triaged=F flags=F seed=N site=S] */
    SCN_PERSON,     /* AGENT person age=N [sex= vuln= site= screen=..] */
    SCN_FLAG,       /* AGENT flag [site=S]: a person at high suicide risk */
    SCN_FATIGUE,    /* AGENT fatigue READINESS: the team reports readiness */
    SCN_MOVE,       /* AGENT move FROM_SITE TO_SITE: a shelter moves */
    SCN_HANDOFF,    /* AGENT handoff N service=NAME */
    SCN_CRASH,      /* coordinator or agent crash [restart=DURATION] */
    SCN_FOLLOWUP,   /* coordinator followup: first contacts recorded */
    SCN_NOTE,       /* note TEXT: a line in the timeline */
} scn_verb_t;

/* One timeline line. */
typedef struct scn_inject {
    uint64_t at_ms;          /* scenario time */
    int line;                /* its line */
    scn_verb_t verb;         /* what it does */
    int agent;               /* index into agents; -1: the coordinator */
    unsigned count;          /* PEOPLE, HANDOFF: how many */
    double triaged;          /* PEOPLE: share screened (0..1) */
    double flags;            /* PEOPLE: share at high suicide risk (0..1) */
    uint64_t seed;           /* PEOPLE: random seed */
    unsigned age;            /* PERSON: age band */
    char sex[16];            /* PERSON: sex ("" = not given) */
    char vuln[128];          /* PERSON: vulnerabilities ("" = none) */
    char site[SCN_NAME];     /* PEOPLE, PERSON, FLAG, MOVE (from): site */
    char to[SCN_NAME];       /* MOVE: new site; FATIGUE: readiness;
                                HANDOFF: service name */
    char screens[SCN_MAX_SCREENS][256]; /* PERSON: NAME=ANSWERS */
    size_t n_screens;        /* PERSON: screens given */
    uint64_t restart_ms;     /* CRASH: restart after (0: at once) */
    char text[512];          /* NOTE: text */
} scn_inject_t;

/* The scripted command center. */
typedef struct scn_commander {
    char by[64];          /* who acknowledges and approves */
    uint64_t activate_ms; /* activation (incident + assessment) at */
    uint64_t dispatch_ms; /* dispatch plan + approve at */
    uint64_t flag_ack_ms; /* acknowledges a red flag this long after it
                             reached the coordinator */
    uint64_t accept_ms;   /* a service accepts a handoff this long after it
                             reached the coordinator */
    uint64_t leader_ack_ms; /* a team leader acknowledges an order this
                               long after it reached the agent */
} scn_commander_t;

/* Score targets (docs/drills.md has the rubric). */
typedef struct scn_targets {
    uint64_t activation_ms; /* time to activation */
    uint64_t dispatch_ms;   /* time to the first order */
    uint64_t ack_ms;        /* order to acknowledgement */
    uint64_t flag_ms;       /* red flag raised to acknowledged */
    double coverage;        /* share of people triaged */
    unsigned pass;          /* points needed to pass */
} scn_targets_t;

/* A parsed scenario. */
typedef struct scenario {
    char path[4096];            /* the file, as given */
    char dir[4096];             /* its folder (absolute) */
    char name[256];             /* drill name */
    double compress;            /* scenario seconds per real second */
    uint64_t duration_ms;       /* scenario length (timeline end) */
    scn_incident_t incident;    /* the incident */
    char teams_csv[4096];       /* team import file ("" = none) */
    int teams_line;             /* line of the `teams` statement */
    scn_team_t teams[SCN_MAX_TEAMS];       /* inline teams */
    size_t n_teams;
    scn_service_t services[SCN_MAX_SERVICES];
    size_t n_services;
    scn_agent_t agents[SCN_MAX_AGENTS];
    size_t n_agents;
    scn_commander_t commander;  /* scripted commander and leaders */
    scn_targets_t targets;      /* score targets */
    scn_inject_t *injects;      /* owned, n_injects of them, in time order */
    size_t n_injects;
} scenario_t;

/* Reads and parses the scenario file at path into a new scenario handed out
 * in *out (owned by the caller: scenario_destroy). Returns 0; XY_ENOENT or
 * XY_EIO when the file cannot be read; XY_EPARSE, XY_ERANGE or XY_ETOOBIG
 * for a bad scenario. On error *out is NULL and err (errlen bytes) holds one
 * line "FILE:LINE: what is wrong". Files the scenario names (alert, teams
 * CSV) must exist and be readable. */
int scenario_load(scenario_t **out, const char *path, char *err,
                  size_t errlen);

/* Parses scenario text (len bytes) as if read from path (used for the
 * messages and to resolve relative paths). Same results as scenario_load. */
int scenario_parse(scenario_t **out, const char *path, const char *text,
                   size_t len, char *err, size_t errlen);

/* Frees a scenario and nulls *self_p; safe on NULL and twice. */
void scenario_destroy(scenario_t **self_p);

/* The index of the agent called name, or -1. */
int scenario_agent(const scenario_t *self, const char *name);

/* The link schedule of agent i with times divided by compress (real
 * milliseconds), a new schedule owned by the caller; NULL when the agent's
 * link is always up. */
linkem_schedule_t *scenario_link_real(const scenario_t *self, size_t i);

#endif

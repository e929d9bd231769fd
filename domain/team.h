/* The team registry: crisis-intervention teams (province, prefecture or
 * county), their home base, members with roles, languages and
 * qualifications, and their rest rules. A team is a TeamRegistered event
 * (a registry: no incident); an edit registers the whole team again and
 * the latest registration wins. Readiness changes are TeamStatusChanged
 * events. This module validates teams, builds both events, reads a team
 * back from its event, applies the rest rules, and parses the CSV import
 * format (docs/dispatch.md, "Team CSV"). Pure: no file, no clock. */
#ifndef XY_DOMAIN_TEAM_H
#define XY_DOMAIN_TEAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/domain_event.h"

#define TEAM_NAME_MAX 100     /* bytes of a team name */
#define TEAM_TEXT_MAX 64      /* bytes of a member name, language, skill */
#define TEAM_MEMBERS_MAX 64   /* members of one team */
#define TEAM_LIST_MAX 8       /* languages, or qualifications, per member */
#define TEAM_DAYS_MAX 365     /* rest-rule days */
#define TEAM_CSV_MAX (8u << 20) /* bytes of an import file */
#define TEAM_CSV_TEAMS_MAX 5000 /* teams in one import */
#define TEAM_DEFAULT_MAX_DEPLOYED_DAYS 14
#define TEAM_DEFAULT_MIN_REST_DAYS 7

typedef struct team_member {
    domain_id_t id;                                 /* member id */
    char name[TEAM_TEXT_MAX + 1];                   /* as printed on orders */
    int role;                                       /* XY__ROLE__* */
    char languages[TEAM_LIST_MAX][TEAM_TEXT_MAX + 1]; /* "zh", "bo" */
    size_t n_languages;
    char quals[TEAM_LIST_MAX][TEAM_TEXT_MAX + 1];   /* qualifications */
    size_t n_quals;
} team_member_t;

typedef struct team {
    domain_id_t id;                      /* the team */
    char name[TEAM_NAME_MAX + 1];        /* as shown on orders */
    int level;                           /* XY__TEAM_LEVEL__* */
    double lat, lon;                     /* home base, WGS84 */
    uint32_t max_deployed_days;          /* days on before relief */
    uint32_t min_rest_days;              /* days off before redeploying */
    team_member_t members[TEAM_MEMBERS_MAX];
    size_t n_members;
} team_t;

/* Everything a TeamRegistered event points at. */
typedef struct team_event {
    Xy__Event ev;                                 /* ready to write */
    Xy__TeamRegistered body;
    Xy__Point home;
    Xy__Member members[TEAM_MEMBERS_MAX];
    Xy__Member *member_ptrs[TEAM_MEMBERS_MAX];
    char *langs[TEAM_MEMBERS_MAX][TEAM_LIST_MAX];  /* into the team_t */
    char *quals[TEAM_MEMBERS_MAX][TEAM_LIST_MAX];  /* into the team_t */
} team_event_t;

/* Checks t: a non-zero id, a name of 1..TEAM_NAME_MAX bytes on one line, a
 * level, a valid home, 1..TEAM_MEMBERS_MAX members each with a unique name,
 * a role and short one-line languages and qualifications, rest days within
 * 0..TEAM_DAYS_MAX (max_deployed_days at least 1). Returns 0, or XY_EINVAL
 * / XY_ETOOBIG with err naming the field (and the member). */
int team_check(const team_t *t, domain_error_t *err);

/* Checks t and fills out with its TeamRegistered event. t is borrowed and
 * must outlive out. Errors: those of team_check. */
int team_register(team_event_t *out, const team_t *t, bool exercise,
                  const char *author, domain_error_t *err);

/* A TeamStatusChanged event and what it points at. */
typedef struct team_status_event {
    Xy__Event ev;                   /* ready to write */
    Xy__TeamStatusChanged body;
    uint8_t team_id[DOMAIN_ID_LEN];
} team_status_event_t;

/* Fills out with a TeamStatusChanged event (readiness: XY__READINESS__*,
 * not unspecified). The id is copied. XY_EINVAL with err filled. */
int team_status_build(team_status_event_t *out, const domain_id_t *team,
                      int readiness, bool exercise, const char *author,
                      domain_error_t *err);

/* Reads a stored registration back into out (for edits). XY_ECORRUPT when
 * it does not fit the limits. */
int team_from_event(team_t *out, const Xy__TeamRegistered *r);

/* Workers a team brings and how many are psychiatrists. */
uint32_t team_capacity(const team_t *t);
uint32_t team_psychiatrists(const team_t *t);

/* The rest rules (docs/dispatch.md, "Readiness and rest"): whether a team
 * in readiness since since_ms may be sent at now_ms, and whether it is
 * past its rest limit and should be relieved. */
bool team_available(int readiness, uint64_t since_ms, uint64_t now_ms,
                    uint32_t min_rest_days);
bool team_relief_due(int readiness, uint64_t since_ms, uint64_t now_ms,
                     uint32_t max_deployed_days);

/* Parses "name:role[:lang|lang[:qual|qual]]" into m (role by its short
 * name: psychiatrist, counselor, ...). XY_EINVAL with err filled. */
int team_member_parse(team_member_t *m, const char *spec, domain_error_t *err);

/* Parses a CSV import (docs/dispatch.md, "Team CSV"): a header row, then
 * one row per member; rows of one team repeat its columns. *out (owned by
 * the caller, free()) receives *n teams; random_id fills the ids the file
 * does not give. Nothing is returned on any error, and err says which line
 * and column: XY_ETOOBIG (file, line or count over its maximum),
 * XY_EPARSE (bad quoting, missing column), XY_EINVAL (a bad value, or a
 * team whose rows disagree). */
int team_csv_parse(team_t **out, size_t *n, const char *text, size_t len,
                   void (*random_id)(uint8_t id[DOMAIN_ID_LEN]),
                   domain_error_t *err);

#endif

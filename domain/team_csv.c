/* The team CSV import (team.h, docs/dispatch.md "Team CSV"): RFC 4180
 * fields (quotes, doubled quotes, CRLF), a header row naming the columns
 * in any order, one row per member. Every limit is checked before it is
 * reached, and every error names the line and the column. */
#include "domain/team.h"
#include "domain/csv.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_FIELDS_MAX 16 /* columns of one row */

enum { C_ID, C_TEAM, C_LEVEL, C_LAT, C_LON, C_MAXD, C_REST, C_MEMBER,
       C_ROLE, C_LANGS, C_QUALS, C_N };

static const char *const s_cols[C_N] = {
    "team_id", "team", "level", "home_lat", "home_lon", "max_deployed_days",
    "min_rest_days", "member", "role", "languages", "qualifications"};

static int s_header(const csv_row_t *row, int idx[C_N], domain_error_t *err)
{
    for (int c = 0; c < C_N; c++) {
        idx[c] = -1;
        for (size_t k = 0; k < row->n; k++)
            if (strcmp(row->f[k], s_cols[c]) == 0)
                idx[c] = (int)k;
    }
    static const int required[] = {C_TEAM, C_LEVEL, C_LAT, C_LON, C_MEMBER,
                                   C_ROLE};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        if (idx[required[k]] < 0)
            return domain_fail(err, XY_EPARSE, "csv",
                               "line 1: no column \"%s\" in the header",
                               s_cols[required[k]]);
    return 0;
}

static const char *s_get(const csv_row_t *row, const int idx[C_N], int c)
{
    return idx[c] >= 0 && (size_t)idx[c] < row->n ? row->f[idx[c]] : "";
}

static int s_number(const char *s, double lo, double hi, double *v)
{
    char *end = NULL;
    *v = strtod(s, &end);
    return *s && end && !*end && isfinite(*v) && *v >= lo && *v <= hi ? 0 : -1;
}

/* The team-level columns of a row into t. */
static int s_team_cols(team_t *t, const csv_row_t *row, const int idx[C_N],
                       size_t line, domain_error_t *err)
{
    const char *name = s_get(row, idx, C_TEAM);
    if (!*name || strlen(name) > TEAM_NAME_MAX)
        return domain_fail(err, XY_EINVAL, "team", "line %zu, column team: a "
                           "name of 1 to %d bytes is required", line,
                           TEAM_NAME_MAX);
    snprintf(t->name, sizeof t->name, "%s", name);
    if (domain_enum_parse(&xy__team_level__descriptor, "TEAM_",
                          s_get(row, idx, C_LEVEL), &t->level) ||
        t->level == XY__TEAM_LEVEL__TEAM_LEVEL_UNSPECIFIED)
        return domain_fail(err, XY_EINVAL, "level", "line %zu, column level: "
                           "'%s' is not province, prefecture or county",
                           line, s_get(row, idx, C_LEVEL));
    if (s_number(s_get(row, idx, C_LAT), -90, 90, &t->lat) ||
        s_number(s_get(row, idx, C_LON), -180, 180, &t->lon))
        return domain_fail(err, XY_EINVAL, "home", "line %zu, columns "
                           "home_lat/home_lon: not a WGS84 point", line);
    double d = TEAM_DEFAULT_MAX_DEPLOYED_DAYS, r = TEAM_DEFAULT_MIN_REST_DAYS;
    const char *ds = s_get(row, idx, C_MAXD), *rs = s_get(row, idx, C_REST);
    if ((*ds && (s_number(ds, 1, TEAM_DAYS_MAX, &d) || d != floor(d))) ||
        (*rs && (s_number(rs, 0, TEAM_DAYS_MAX, &r) || r != floor(r))))
        return domain_fail(err, XY_EINVAL, "rest", "line %zu: "
                           "max_deployed_days 1..%d and min_rest_days 0..%d, "
                           "whole days", line, TEAM_DAYS_MAX, TEAM_DAYS_MAX);
    t->max_deployed_days = (uint32_t)d;
    t->min_rest_days = (uint32_t)r;
    return 0;
}

/* Whether the team columns of a later row agree with the team's first. */
static bool s_same(const team_t *a, const team_t *b)
{
    return strcmp(a->name, b->name) == 0 && a->level == b->level &&
           a->lat == b->lat && a->lon == b->lon &&
           a->max_deployed_days == b->max_deployed_days &&
           a->min_rest_days == b->min_rest_days;
}

static int s_member(team_t *t, const csv_row_t *row, const int idx[C_N],
                    size_t line, domain_error_t *err)
{
    if (t->n_members == TEAM_MEMBERS_MAX)
        return domain_fail(err, XY_ETOOBIG, "member", "line %zu: team %s has "
                           "more than %d members", line, t->name,
                           TEAM_MEMBERS_MAX);
    char spec[CSV_LINE_MAX + 8];
    snprintf(spec, sizeof spec, "%s:%s:%s:%s", s_get(row, idx, C_MEMBER),
             s_get(row, idx, C_ROLE), s_get(row, idx, C_LANGS),
             s_get(row, idx, C_QUALS));
    domain_error_t e;
    int rc = team_member_parse(&t->members[t->n_members], spec, &e);
    if (rc)
        return domain_fail(err, rc, e.field, "line %zu, column %s: %s", line,
                           e.field, e.msg);
    t->n_members++;
    return 0;
}

/* Finds the team a row belongs to, or starts one. */
static int s_team_of(team_t **teams, size_t *n, size_t *cap, const team_t *row,
                     bool has_id, size_t line, team_t **out,
                     domain_error_t *err)
{
    for (size_t k = 0; k < *n; k++) {
        team_t *t = &(*teams)[k];
        bool match = has_id ? memcmp(t->id.b, row->id.b, DOMAIN_ID_LEN) == 0
                            : strcmp(t->name, row->name) == 0;
        if (!match)
            continue;
        if (!s_same(t, row))
            return domain_fail(err, XY_EINVAL, "team", "line %zu: team %s "
                               "differs from its earlier rows (name, level, "
                               "home or rest days)", line, t->name);
        *out = t;
        return 0;
    }
    if (*n == TEAM_CSV_TEAMS_MAX)
        return domain_fail(err, XY_ETOOBIG, "team", "line %zu: more than %d "
                           "teams", line, TEAM_CSV_TEAMS_MAX);
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        *teams = xrealloc(*teams, *cap * sizeof **teams);
    }
    *out = &(*teams)[(*n)++];
    memcpy(*out, row, sizeof *row);
    return 0;
}

int team_csv_parse(team_t **out, size_t *n_out, const char *text, size_t len,
                   void (*random_id)(uint8_t id[DOMAIN_ID_LEN]),
                   domain_error_t *err)
{
    *out = NULL;
    *n_out = 0;
    if (len > TEAM_CSV_MAX)
        return domain_fail(err, XY_ETOOBIG, "csv", "%zu bytes, at most %u",
                           len, TEAM_CSV_MAX);
    size_t pos = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    size_t line = 1, n = 0, cap = 0;
    csv_row_t *row = xmalloc(sizeof *row);
    team_t *teams = NULL, *cur = xmalloc(sizeof *cur), *t = NULL;
    int idx[C_N];
    int rc = csv_read_row(text, len, &pos, &line, row, S_FIELDS_MAX,
                          err);
    if (rc == 1)
        rc = domain_fail(err, XY_EPARSE, "csv", "the file is empty");
    if (!rc)
        rc = s_header(row, idx, err);
    for (size_t guard = 0; !rc && guard <= len; guard++) {
        size_t at = line;
        rc = csv_read_row(text, len, &pos, &line, row, S_FIELDS_MAX,
                          err);
        if (rc)
            break;
        if (csv_row_blank(row))
            continue;
        memset(cur, 0, sizeof *cur);
        const char *id = s_get(row, idx, C_ID);
        if (*id && (domain_id_parse(&cur->id, id) ||
                    domain_id_is_zero(&cur->id))) {
            rc = domain_fail(err, XY_EINVAL, "team_id", "line %zu, column "
                             "team_id: 32 hex digits or empty", at);
            break;
        }
        rc = s_team_cols(cur, row, idx, at, err);
        if (!rc)
            rc = s_team_of(&teams, &n, &cap, cur, *id != '\0', at, &t, err);
        if (!rc)
            rc = s_member(t, row, idx, at, err);
    }
    if (rc == 1)
        rc = n ? 0 : domain_fail(err, XY_EPARSE, "csv", "no team rows");
    for (size_t k = 0; !rc && k < n; k++) {
        if (domain_id_is_zero(&teams[k].id))
            random_id(teams[k].id.b);
        for (size_t m = 0; m < teams[k].n_members; m++)
            random_id(teams[k].members[m].id.b);
        domain_error_t e;
        rc = team_check(&teams[k], &e);
        if (rc)
            rc = domain_fail(err, rc, e.field, "team %s: %s", teams[k].name,
                             e.msg);
    }
    free(row);
    free(cur);
    if (rc) {
        free(teams);
        return rc;
    }
    *out = teams;
    *n_out = n;
    return 0;
}

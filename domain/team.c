/* The team registry (team.h): checks, events, the rest rules. The CSV
 * import is in team_csv.c. */
#include "domain/team.h"
#include "common/xy_error.h"
#include "geo/geo.h"

#include <stdio.h>
#include <string.h>

#define S_DAY_MS 86400000ull

/* A one-line text of 1..max bytes. */
static bool s_text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n > 0 && n <= max && !strpbrk(s, "\r\n");
}

static int s_check_member(const team_t *t, size_t k, domain_error_t *err)
{
    const team_member_t *m = &t->members[k];
    if (!s_text_ok(m->name, TEAM_TEXT_MAX))
        return domain_fail(err, XY_EINVAL, "member",
                           "member %zu: a name of 1 to %d bytes is required",
                           k + 1, TEAM_TEXT_MAX);
    if (m->role < XY__ROLE__ROLE_PSYCHIATRIST ||
        m->role > XY__ROLE__ROLE_VOLUNTEER)
        return domain_fail(err, XY_EINVAL, "role", "member %zu (%s): no role",
                           k + 1, m->name);
    if (m->n_languages > TEAM_LIST_MAX || m->n_quals > TEAM_LIST_MAX)
        return domain_fail(err, XY_ETOOBIG, "member",
                           "member %zu (%s): at most %d languages and %d "
                           "qualifications", k + 1, m->name, TEAM_LIST_MAX,
                           TEAM_LIST_MAX);
    for (size_t i = 0; i < m->n_languages; i++)
        if (!s_text_ok(m->languages[i], TEAM_TEXT_MAX))
            return domain_fail(err, XY_EINVAL, "languages",
                               "member %zu (%s): empty or too long language",
                               k + 1, m->name);
    for (size_t i = 0; i < m->n_quals; i++)
        if (!s_text_ok(m->quals[i], TEAM_TEXT_MAX))
            return domain_fail(err, XY_EINVAL, "qualifications",
                               "member %zu (%s): empty or too long "
                               "qualification", k + 1, m->name);
    for (size_t i = 0; i < k; i++)
        if (strcmp(t->members[i].name, m->name) == 0)
            return domain_fail(err, XY_EINVAL, "member",
                               "member %zu: '%s' is listed twice", k + 1,
                               m->name);
    return 0;
}

int team_check(const team_t *t, domain_error_t *err)
{
    if (domain_id_is_zero(&t->id))
        return domain_fail(err, XY_EINVAL, "team", "a team id is required");
    if (!s_text_ok(t->name, TEAM_NAME_MAX))
        return domain_fail(err, XY_EINVAL, "name",
                           "a team name of 1 to %d bytes on one line is "
                           "required", TEAM_NAME_MAX);
    if (t->level < XY__TEAM_LEVEL__TEAM_PROVINCE ||
        t->level > XY__TEAM_LEVEL__TEAM_COUNTY)
        return domain_fail(err, XY_EINVAL, "level",
                           "level must be province, prefecture or county");
    if (geo_check_point(t->lat, t->lon))
        return domain_fail(err, XY_EINVAL, "home",
                           "home base %g,%g is not a WGS84 point", t->lat,
                           t->lon);
    if (t->max_deployed_days < 1 || t->max_deployed_days > TEAM_DAYS_MAX ||
        t->min_rest_days > TEAM_DAYS_MAX)
        return domain_fail(err, XY_EINVAL, "rest",
                           "max deployed days 1..%d and min rest days 0..%d",
                           TEAM_DAYS_MAX, TEAM_DAYS_MAX);
    if (t->n_members == 0 || t->n_members > TEAM_MEMBERS_MAX)
        return domain_fail(err, t->n_members ? XY_ETOOBIG : XY_EINVAL,
                           "members", "1 to %d members are required",
                           TEAM_MEMBERS_MAX);
    for (size_t k = 0; k < t->n_members; k++) {
        int rc = s_check_member(t, k, err);
        if (rc)
            return rc;
    }
    return 0;
}

int team_register(team_event_t *out, const team_t *t, bool exercise,
                  const char *author, domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    int rc = team_check(t, err);
    if (rc)
        return rc;
    Xy__TeamRegistered *b = &out->body;
    xy__team_registered__init(b);
    b->team_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, (uint8_t *)t->id.b};
    b->name = (char *)t->name;
    b->level = (Xy__TeamLevel)t->level;
    xy__point__init(&out->home);
    out->home.lat = t->lat;
    out->home.lon = t->lon;
    b->home = &out->home;
    for (size_t k = 0; k < t->n_members; k++) {
        const team_member_t *m = &t->members[k];
        Xy__Member *x = &out->members[k];
        xy__member__init(x);
        x->member_id = (ProtobufCBinaryData){
            domain_id_is_zero(&m->id) ? 0 : DOMAIN_ID_LEN, (uint8_t *)m->id.b};
        x->name = (char *)m->name;
        x->role = (Xy__Role)m->role;
        for (size_t i = 0; i < m->n_languages; i++)
            out->langs[k][i] = (char *)m->languages[i];
        for (size_t i = 0; i < m->n_quals; i++)
            out->quals[k][i] = (char *)m->quals[i];
        x->n_languages = m->n_languages;
        x->languages = out->langs[k];
        x->n_qualifications = m->n_quals;
        x->qualifications = out->quals[k];
        out->member_ptrs[k] = x;
    }
    b->n_members = t->n_members;
    b->members = out->member_ptrs;
    b->max_deployed_days = t->max_deployed_days;
    b->min_rest_days = t->min_rest_days;
    xy__event__init(&out->ev);
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
    out->ev.body_case = XY__EVENT__BODY_TEAM_REGISTERED;
    out->ev.team_registered = b;
    return 0;
}

int team_status_build(team_status_event_t *out, const domain_id_t *team,
                      int readiness, bool exercise, const char *author,
                      domain_error_t *err)
{
    memset(out, 0, sizeof *out);
    if (!team || domain_id_is_zero(team))
        return domain_fail(err, XY_EINVAL, "team", "a team id is required");
    if (readiness < XY__READINESS__READINESS_STANDBY ||
        readiness > XY__READINESS__READINESS_STOOD_DOWN)
        return domain_fail(err, XY_EINVAL, "readiness",
                           "standby, alerted, en_route, deployed, resting "
                           "or stood_down");
    memcpy(out->team_id, team->b, DOMAIN_ID_LEN);
    Xy__TeamStatusChanged *b = &out->body;
    xy__team_status_changed__init(b);
    b->team_id = (ProtobufCBinaryData){DOMAIN_ID_LEN, out->team_id};
    b->readiness = (Xy__Readiness)readiness;
    xy__event__init(&out->ev);
    out->ev.exercise = exercise;
    out->ev.author = (char *)(author ? author : "");
    out->ev.body_case = XY__EVENT__BODY_TEAM_STATUS_CHANGED;
    out->ev.team_status_changed = b;
    return 0;
}

static void s_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

int team_from_event(team_t *out, const Xy__TeamRegistered *r)
{
    memset(out, 0, sizeof *out);
    if (r->team_id.len != DOMAIN_ID_LEN || r->n_members > TEAM_MEMBERS_MAX ||
        (r->name && strlen(r->name) > TEAM_NAME_MAX))
        return XY_ECORRUPT;
    memcpy(out->id.b, r->team_id.data, DOMAIN_ID_LEN);
    s_copy(out->name, sizeof out->name, r->name);
    out->level = (int)r->level;
    out->lat = r->home ? r->home->lat : 0;
    out->lon = r->home ? r->home->lon : 0;
    out->max_deployed_days = r->max_deployed_days;
    out->min_rest_days = r->min_rest_days;
    for (size_t k = 0; k < r->n_members; k++) {
        const Xy__Member *x = r->members[k];
        team_member_t *m = &out->members[k];
        if (x->n_languages > TEAM_LIST_MAX ||
            x->n_qualifications > TEAM_LIST_MAX)
            return XY_ECORRUPT;
        if (x->member_id.len == DOMAIN_ID_LEN)
            memcpy(m->id.b, x->member_id.data, DOMAIN_ID_LEN);
        s_copy(m->name, sizeof m->name, x->name);
        m->role = (int)x->role;
        for (size_t i = 0; i < x->n_languages; i++)
            s_copy(m->languages[i], sizeof m->languages[i], x->languages[i]);
        for (size_t i = 0; i < x->n_qualifications; i++)
            s_copy(m->quals[i], sizeof m->quals[i], x->qualifications[i]);
        m->n_languages = x->n_languages;
        m->n_quals = x->n_qualifications;
    }
    out->n_members = r->n_members;
    return 0;
}

uint32_t team_capacity(const team_t *t)
{
    return (uint32_t)t->n_members;
}

uint32_t team_psychiatrists(const team_t *t)
{
    uint32_t n = 0;
    for (size_t k = 0; k < t->n_members; k++)
        n += t->members[k].role == XY__ROLE__ROLE_PSYCHIATRIST;
    return n;
}

bool team_available(int readiness, uint64_t since_ms, uint64_t now_ms,
                    uint32_t min_rest_days)
{
    switch (readiness) {
    case XY__READINESS__READINESS_UNSPECIFIED:
    case XY__READINESS__READINESS_STANDBY:
    case XY__READINESS__READINESS_ALERTED:
        return true;
    case XY__READINESS__READINESS_RESTING:
        return now_ms >= since_ms &&
               now_ms - since_ms >= (uint64_t)min_rest_days * S_DAY_MS;
    default:
        return false;
    }
}

bool team_relief_due(int readiness, uint64_t since_ms, uint64_t now_ms,
                     uint32_t max_deployed_days)
{
    return readiness == XY__READINESS__READINESS_DEPLOYED &&
           now_ms >= since_ms &&
           now_ms - since_ms > (uint64_t)max_deployed_days * S_DAY_MS;
}

/* Splits s at '|' into list (at most TEAM_LIST_MAX items). */
static int s_list(char (*list)[TEAM_TEXT_MAX + 1], size_t *n, const char *s,
                  const char *what, domain_error_t *err)
{
    *n = 0;
    while (s && *s) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        if (*n == TEAM_LIST_MAX || len == 0 || len > TEAM_TEXT_MAX)
            return domain_fail(err, XY_EINVAL, what,
                               "at most %d %s of 1 to %d bytes, separated "
                               "by |", TEAM_LIST_MAX, what, TEAM_TEXT_MAX);
        memcpy(list[*n], s, len);
        list[(*n)++][len] = '\0';
        s = bar ? bar + 1 : NULL;
    }
    return 0;
}

int team_member_parse(team_member_t *m, const char *spec, domain_error_t *err)
{
    memset(m, 0, sizeof *m);
    char buf[4 * TEAM_TEXT_MAX * TEAM_LIST_MAX];
    if (!spec || strlen(spec) >= sizeof buf)
        return domain_fail(err, XY_EINVAL, "member", "a member is "
                           "name:role[:languages[:qualifications]]");
    snprintf(buf, sizeof buf, "%s", spec);
    char *f[4] = {buf, NULL, NULL, NULL};
    for (int k = 1; k < 4 && f[k - 1]; k++) {
        f[k] = strchr(f[k - 1], ':');
        if (f[k])
            *f[k]++ = '\0';
    }
    if (!f[1] || !*f[0] || strlen(f[0]) > TEAM_TEXT_MAX)
        return domain_fail(err, XY_EINVAL, "member", "'%s': a member is "
                           "name:role[:languages[:qualifications]]", spec);
    snprintf(m->name, sizeof m->name, "%s", f[0]);
    char names[160];
    if (domain_enum_parse(&xy__role__descriptor, "ROLE_", f[1], &m->role) ||
        m->role == XY__ROLE__ROLE_UNSPECIFIED)
        return domain_fail(err, XY_EINVAL, "role", "'%s': role must be one of "
                           "%s", f[1], domain_enum_names(&xy__role__descriptor,
                                                         "ROLE_", names,
                                                         sizeof names));
    int rc = s_list(m->languages, &m->n_languages, f[2], "languages", err);
    if (!rc)
        rc = s_list(m->quals, &m->n_quals, f[3], "qualifications", err);
    return rc;
}

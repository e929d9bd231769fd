/* Tracking affected people at the command line (app.h): `person move`,
 * `person link` / `person unlink`, `encounter`, `refer`, `referral update`,
 * `dedupe`, and the listings of persons (names opened with the data keys),
 * counts, links, encounters and referrals. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/dedupe.h"
#include "domain/encounter.h"
#include "domain/people_model.h"
#include "domain/person.h"
#include "domain/person_link.h"
#include "domain/pinyin.h"
#include "domain/referral.h"

#include <stdlib.h>
#include <string.h>

typedef struct s_person {
    const domain_model_t *m;
    domain_id_t id;        /* in */
    domain_id_t incident;  /* out */
    uint32_t vulnerability;
    bool exercise;
    size_t encounters;     /* out: encounters held */
} s_person_t;

static int s_find_person(view_txn_t *vt, void *arg)
{
    s_person_t *p = arg;
    int rc = person_find(vt, p->m, &p->id, &p->incident, &p->vulnerability,
                         &p->exercise);
    if (!rc)
        rc = encounter_count(vt, p->m, &p->id, &p->encounters);
    return rc;
}

/* Parses and finds a person; returns an exit status. */
static int s_person(app_t *app, const char *cmd, const char *hex,
                    s_person_t *p)
{
    memset(p, 0, sizeof *p);
    p->m = app_model(app);
    if (!hex || domain_id_parse(&p->id, hex))
        return app_fail(app, APP_EXIT_USAGE, "%s: '%s' is not a person id "
                        "(32 hex digits; see 'list persons')", cmd,
                        hex ? hex : "");
    int rc = event_log_view_read(node_log(app_node(app)), s_find_person, p);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "%s: no person %s here", cmd,
                        hex);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "%s: %s", cmd, xy_strerror(rc));
    return 0;
}

static int s_int(app_t *app, const char *cmd, const char *name,
                 const char *text, int *out)
{
    char *end = NULL;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || !end || *end || end == text || v < -1000000 || v > 1000000)
        return app_fail(app, APP_EXIT_USAGE, "%s: --%s needs a whole number",
                        cmd, name);
    *out = (int)v;
    return 0;
}

enum { O_SITE, O_ZONE, O_SCORE, O_PERSON, O_KIND, O_MINUTES, O_VISIT,
       O_WORKER, O_FACILITY, O_REASON, O_URGENCY, O_STATUS, O_NOTE, O_OPEN,
       O_PASSFILE, O_THRESHOLD, O_N };

static const struct option s_opts[] = {
    {"site", required_argument, NULL, O_SITE},
    {"zone", required_argument, NULL, O_ZONE},
    {"score", required_argument, NULL, O_SCORE},
    {"person", required_argument, NULL, O_PERSON},
    {"kind", required_argument, NULL, O_KIND},
    {"minutes", required_argument, NULL, O_MINUTES},
    {"visit", required_argument, NULL, O_VISIT},
    {"worker", required_argument, NULL, O_WORKER},
    {"facility", required_argument, NULL, O_FACILITY},
    {"reason", required_argument, NULL, O_REASON},
    {"urgency", required_argument, NULL, O_URGENCY},
    {"status", required_argument, NULL, O_STATUS},
    {"note", required_argument, NULL, O_NOTE},
    {"open", no_argument, NULL, O_OPEN},
    {"passphrase-file", required_argument, NULL, O_PASSFILE},
    {"threshold", required_argument, NULL, O_THRESHOLD},
    {NULL, 0, NULL, 0},
};

static int s_move(app_t *app, const char *hex, const char **v)
{
    s_person_t p;
    int rc = s_person(app, "person move", hex, &p);
    if (rc)
        return rc;
    domain_id_t zone;
    if (v[O_ZONE] && domain_id_parse(&zone, v[O_ZONE]))
        return app_fail(app, APP_EXIT_USAGE, "person move: --zone needs a "
                        "zone id of 32 hex digits");
    domain_event_t de;
    domain_error_t err;
    rc = person_move(&de, &p.id, &p.incident, v[O_SITE],
                     v[O_ZONE] ? &zone : NULL, p.exercise, app_user(app),
                     &err);
    if (rc)
        return app_fail(app, APP_EXIT_USAGE, "person move: --%s: %s",
                        err.field, err.msg);
    return app_write_own(app, &de.ev, "move of person", hex);
}

static int s_link(app_t *app, const char *ha, const char *hb, const char **v)
{
    s_person_t a, b;
    int rc = s_person(app, "person link", ha, &a);
    if (!rc)
        rc = s_person(app, "person link", hb, &b);
    if (rc)
        return rc;
    if (memcmp(a.incident.b, b.incident.b, DOMAIN_ID_LEN) != 0 ||
        a.exercise != b.exercise)
        return app_fail(app, APP_EXIT_FAIL, "person link: %s and %s belong "
                        "to different incidents", ha, hb);
    double score = 1.0;
    if (v[O_SCORE]) {
        char *end = NULL;
        score = strtod(v[O_SCORE], &end);
        if (!end || *end || end == v[O_SCORE])
            score = -1;
    }
    domain_id_t lid;
    app_random_id(lid.b);
    person_link_event_t *le = xmalloc(sizeof *le);
    domain_error_t err;
    rc = person_link_build(le, &lid, &a.incident, &a.id, &b.id, score,
                           a.exercise, app_user(app), &err);
    char hex[DOMAIN_ID_HEX];
    if (rc)
        rc = app_fail(app, APP_EXIT_USAGE, "person link: --%s: %s",
                      err.field, err.msg);
    else
        rc = app_write_own(app, &le->ev, "link",
                           domain_id_format(&lid, hex));
    free(le);
    return rc;
}

typedef struct s_link_find {
    const domain_model_t *m;
    domain_id_t id, a, b;
    bool active;
} s_link_find_t;

static int s_find_link(view_txn_t *vt, void *arg)
{
    s_link_find_t *l = arg;
    return person_link_find(vt, l->m, &l->id, &l->active, &l->a, &l->b);
}

static int s_unlink(app_t *app, const char *hex)
{
    s_link_find_t l = {.m = app_model(app)};
    if (!hex || domain_id_parse(&l.id, hex))
        return app_fail(app, APP_EXIT_USAGE, "person unlink: '%s' is not a "
                        "link id (see 'list links')", hex ? hex : "");
    int rc = event_log_view_read(node_log(app_node(app)), s_find_link, &l);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "person unlink: no link %s here",
                        hex);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "person unlink: %s",
                        xy_strerror(rc));
    if (!l.active)
        return app_fail(app, APP_EXIT_FAIL, "person unlink: link %s is "
                        "already undone", hex);
    s_person_t a;
    char ah[DOMAIN_ID_HEX];
    rc = s_person(app, "person unlink", domain_id_format(&l.a, ah), &a);
    if (rc)
        return rc;
    person_link_event_t *le = xmalloc(sizeof *le);
    person_unlink_build(le, &l.id, &a.incident, a.exercise, app_user(app));
    rc = app_write_own(app, &le->ev, "unlink", hex);
    free(le);
    return rc;
}

int app_person_more(app_t *app, int argc, char **argv)
{
    const char *sub = argv[1];
    int npos = strcmp(sub, "link") == 0 ? 2 : 1;
    if ((strcmp(sub, "move") && strcmp(sub, "link") && strcmp(sub, "unlink")) ||
        argc < 2 + npos)
        return app_fail(app, APP_EXIT_USAGE, "person: say 'person add ...', "
                        "'person move ID --site S [--zone Z]', 'person link "
                        "A B [--score X]' or 'person unlink LINK_ID'");
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc - 1 - npos, argv + 1 + npos, s_opts, v);
    if (rc)
        return rc;
    if (strcmp(sub, "move") == 0)
        return s_move(app, argv[2], v);
    if (strcmp(sub, "link") == 0)
        return s_link(app, argv[2], argv[3], v);
    return s_unlink(app, argv[2]);
}

int app_cmd_encounter(app_t *app, int argc, char **argv)
{
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc, argv, s_opts, v);
    if (rc)
        return rc;
    s_person_t p;
    if (!v[O_PERSON])
        return app_fail(app, APP_EXIT_USAGE, "encounter: --person is "
                        "required");
    rc = s_person(app, "encounter", v[O_PERSON], &p);
    if (rc)
        return rc;
    encounter_input_t in = {&p.incident, &p.id, v[O_KIND], 0,
                            (int)p.encounters + 1,
                            v[O_WORKER] ? v[O_WORKER] : app_user(app),
                            p.exercise, app_user(app)};
    if (!v[O_MINUTES])
        return app_fail(app, APP_EXIT_USAGE, "encounter: --minutes is "
                        "required");
    if (s_int(app, "encounter", "minutes", v[O_MINUTES], &in.minutes) ||
        (v[O_VISIT] && s_int(app, "encounter", "visit", v[O_VISIT],
                             &in.visit)))
        return APP_EXIT_USAGE;
    domain_id_t id;
    app_random_id(id.b);
    encounter_event_t *e = xmalloc(sizeof *e);
    domain_error_t err;
    rc = encounter_build(e, &id, &in, &err);
    char hex[DOMAIN_ID_HEX];
    if (rc)
        rc = app_fail(app, APP_EXIT_USAGE, "encounter: --%s: %s", err.field,
                      err.msg);
    else
        rc = app_write_own(app, &e->ev, "encounter",
                           domain_id_format(&id, hex));
    free(e);
    return rc;
}

int app_cmd_refer(app_t *app, int argc, char **argv)
{
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc, argv, s_opts, v);
    if (rc)
        return rc;
    s_person_t p;
    if (!v[O_PERSON])
        return app_fail(app, APP_EXIT_USAGE, "refer: --person is required");
    rc = s_person(app, "refer", v[O_PERSON], &p);
    if (rc)
        return rc;
    referral_input_t in = {&p.incident, &p.id, v[O_FACILITY], v[O_REASON],
                           v[O_URGENCY], p.exercise, app_user(app)};
    domain_id_t id;
    app_random_id(id.b);
    referral_event_t *r = xmalloc(sizeof *r);
    domain_error_t err;
    rc = referral_make(r, &id, &in, &err);
    char hex[DOMAIN_ID_HEX];
    if (rc)
        rc = app_fail(app, APP_EXIT_USAGE, "refer: --%s: %s", err.field,
                      err.msg);
    else
        rc = app_write_own(app, &r->ev, "referral",
                           domain_id_format(&id, hex));
    free(r);
    return rc;
}

typedef struct s_ref_find {
    const domain_model_t *m;
    domain_id_t id, incident;
    bool exercise;
    int status;
} s_ref_find_t;

static int s_find_ref(view_txn_t *vt, void *arg)
{
    s_ref_find_t *r = arg;
    return referral_find(vt, r->m, &r->id, &r->incident, &r->exercise,
                         &r->status);
}

int app_cmd_referral(app_t *app, int argc, char **argv)
{
    if (argc < 3 || strcmp(argv[1], "update") != 0)
        return app_fail(app, APP_EXIT_USAGE, "referral: say 'referral update "
                        "ID --status received|seen|closed [--note TEXT]'");
    s_ref_find_t f = {.m = app_model(app)};
    if (domain_id_parse(&f.id, argv[2]))
        return app_fail(app, APP_EXIT_USAGE, "referral update: '%s' is not a "
                        "referral id (see 'list referrals')", argv[2]);
    const char *v[O_N] = {0};
    int rc = app_parse_opts(app, argc - 2, argv + 2, s_opts, v);
    if (rc)
        return rc;
    rc = event_log_view_read(node_log(app_node(app)), s_find_ref, &f);
    if (rc == XY_ENOENT)
        return app_fail(app, APP_EXIT_FAIL, "referral update: no referral %s "
                        "here", argv[2]);
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "referral update: %s",
                        xy_strerror(rc));
    referral_event_t *r = xmalloc(sizeof *r);
    domain_error_t err;
    rc = referral_update(r, &f.id, &f.incident, f.status, v[O_STATUS],
                         v[O_NOTE], f.exercise, app_user(app), &err);
    if (rc)
        rc = app_fail(app, APP_EXIT_FAIL, "referral update: --%s: %s",
                      err.field, err.msg);
    else
        rc = app_write_own(app, &r->ev, "referral update", argv[2]);
    free(r);
    return rc;
}

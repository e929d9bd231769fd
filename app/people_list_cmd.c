/* Reading affected people at the command line (app.h): `list persons`
 * (names opened with the data keys the passphrase unlocks, "(sealed)"
 * otherwise), `list counts|links|encounters|referrals [--open]`, and
 * `dedupe`, which proposes pairs of registrations of one person. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "domain/audit.h"
#include "domain/dedupe.h"
#include "domain/encounter.h"
#include "domain/people_model.h"
#include "domain/person.h"
#include "domain/person_link.h"
#include "domain/personal.h"
#include "domain/pinyin.h"
#include "domain/referral.h"

#include <stdlib.h>
#include <string.h>

static const char *const s_lists[] = {"persons", "audits", "counts", "links",
                                      "encounters", "referrals"};

bool app_list_people_handles(const char *what)
{
    for (size_t i = 0; i < sizeof s_lists / sizeof s_lists[0]; i++)
        if (strcmp(what, s_lists[i]) == 0)
            return true;
    return false;
}

typedef struct s_read {
    const domain_model_t *m;
    const char *what;
    bool open_only;
    const personal_keyring_t *ring;
    const domain_id_t *person; /* audits: whose */
    json_t *out;
} s_read_t;

static int s_read(view_txn_t *vt, void *arg)
{
    s_read_t *r = arg;
    if (strcmp(r->what, "persons") == 0)
        r->out = person_list_open(vt, r->m, r->ring);
    else if (strcmp(r->what, "audits") == 0)
        r->out = audit_list(vt, r->m, r->person);
    else if (strcmp(r->what, "counts") == 0)
        r->out = people_counts(vt, r->m);
    else if (strcmp(r->what, "links") == 0)
        r->out = person_link_list(vt, r->m);
    else if (strcmp(r->what, "encounters") == 0)
        r->out = encounter_list(vt, r->m, NULL);
    else
        r->out = referral_list(vt, r->m, r->open_only);
    return r->out ? 0 : XY_ECORRUPT;
}

/* Prints the named string fields of every object, one row each, and
 * [EXERCISE] at the end of a row of drill data. */
static void s_table(json_t *arr, const char *const *cols, const int *widths)
{
    for (size_t c = 0; cols[c]; c++)
        printf("%-*s  ", widths[c], cols[c]);
    putchar('\n');
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o)
    {
        for (size_t c = 0; cols[c]; c++) {
            json_t *f = json_object_get(o, cols[c]);
            char *text = json_is_string(f) ? NULL
                         : f ? json_dumps(f, JSON_ENCODE_ANY | JSON_COMPACT)
                             : NULL;
            printf("%-*s  ", widths[c],
                   json_is_string(f) ? json_string_value(f)
                   : text            ? text
                                     : "");
            free(text);
        }
        /* Drill data says so on every row (docs/architecture.md). */
        if (json_is_true(json_object_get(o, "exercise")))
            fputs("[EXERCISE]", stdout);
        putchar('\n');
    }
    printf("(%zu)\n", json_array_size(arr));
}

static void s_print(const char *what, json_t *arr)
{
    static const char *const persons[] = {"id", "canonical", "age_band",
                                          "sex", "site", "vulnerability",
                                          "name", NULL};
    static const int pw[] = {32, 32, 3, 7, 20, 16, 0};
    static const char *const counts[] = {"incident", "zone", "level",
                                         "vulnerability", "persons", NULL};
    static const int cw[] = {32, 32, 11, 16, 0};
    static const char *const links[] = {"id", "a", "b", "score", "status",
                                        NULL};
    static const int lw[] = {32, 32, 32, 6, 0};
    static const char *const enc[] = {"id", "person", "kind", "minutes",
                                      "visit", "worker", NULL};
    static const int ew[] = {32, 32, 19, 7, 5, 0};
    static const char *const refs[] = {"id", "person", "urgency", "status",
                                       "facility", "reason", NULL};
    static const int rw[] = {32, 32, 9, 8, 20, 0};
    static const char *const audits[] = {"viewed_at", "viewer", "role",
                                         "node", "fields", NULL};
    static const int aw[] = {13, 16, 12, 32, 0};
    if (strcmp(what, "persons") == 0)
        s_table(arr, persons, pw);
    else if (strcmp(what, "audits") == 0)
        s_table(arr, audits, aw);
    else if (strcmp(what, "counts") == 0)
        s_table(arr, counts, cw);
    else if (strcmp(what, "links") == 0)
        s_table(arr, links, lw);
    else if (strcmp(what, "encounters") == 0)
        s_table(arr, enc, ew);
    else
        s_table(arr, refs, rw);
}

/* Records a view of every person of the list whose personal data was
 * opened with a data key (docs/personal-data.md, "Audit"). */
static int s_audit_views(app_t *app, json_t *rows)
{
    size_t n = json_array_size(rows), k = 0;
    app_view_t *views = xcalloc(n + 1, sizeof *views);
    for (size_t i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, i);
        const char *name = json_string_value(json_object_get(row, "name"));
        const char *id = json_string_value(json_object_get(row, "id"));
        const char *inc = json_string_value(json_object_get(row, "incident"));
        if (!name || strcmp(name, PERSONAL_SEALED_TEXT) == 0 || !id ||
            !inc || domain_id_parse(&views[k].person, id) ||
            domain_id_parse(&views[k].incident, inc))
            continue;
        views[k++].exercise = json_is_true(json_object_get(row, "exercise"));
    }
    int rc = app_audit_record(app, views, k, "command line", "list persons");
    free(views);
    return rc;
}

enum { L_OPEN, L_PASSFILE, L_THRESHOLD, L_PERSON, L_N };

static const struct option s_opts[] = {
    {"open", no_argument, NULL, L_OPEN},
    {"person", required_argument, NULL, L_PERSON},
    {"passphrase-file", required_argument, NULL, L_PASSFILE},
    {"threshold", required_argument, NULL, L_THRESHOLD},
    {NULL, 0, NULL, 0},
};

int app_list_people(app_t *app, int argc, char **argv)
{
    const char *v[L_N] = {0};
    int rc = app_parse_opts(app, argc - 1, argv + 1, s_opts, v);
    if (rc)
        return rc;
    domain_id_t person = {{0}};
    if (strcmp(argv[1], "audits") == 0 &&
        (!v[L_PERSON] || domain_id_parse(&person, v[L_PERSON])))
        return app_fail(app, APP_EXIT_USAGE, "list audits: --person needs a "
                        "person id of 32 hex digits (see 'list persons')");
    personal_keyring_t *ring = xcalloc(1, sizeof *ring);
    if (strcmp(argv[1], "persons") == 0)
        rc = app_keyring_load(app, v[L_PASSFILE], ring, false);
    s_read_t r = {app_model(app), argv[1], v[L_OPEN] != NULL, ring, &person,
                  NULL};
    if (!rc) {
        int e = event_log_view_read(node_log(app_node(app)), s_read, &r);
        if (e)
            rc = app_fail(app, APP_EXIT_FAIL, "list %s: %s", argv[1],
                          xy_strerror(e));
    }
    personal_keyring_wipe(ring);
    free(ring);
    if (!rc && strcmp(argv[1], "persons") == 0)
        rc = s_audit_views(app, r.out);
    if (rc) {
        json_decref(r.out);
        return rc;
    }
    if (app_json(app)) {
        json_dumpf(r.out, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        s_print(argv[1], r.out);
    }
    json_decref(r.out);
    return 0;
}

typedef struct s_dedupe {
    const domain_model_t *m;
    const personal_keyring_t *ring;
    const pinyin_table_t *py;
    view_txn_t *vt;
    dedupe_record_t *recs;
    domain_id_t *canon;   /* canonical id of each record */
    size_t n, cap;
    size_t sealed;        /* persons whose data could not be opened */
    double threshold;
    dedupe_pair_t *pairs;
    size_t np;
} s_dedupe_t;

static int s_collect(const person_view_t *p, void *arg)
{
    s_dedupe_t *d = arg;
    if (!p->reg->personal)
        return 0;
    if (!p->pd) {
        d->sealed++;
        return 0;
    }
    if (d->n == DEDUPE_RECORDS_MAX)
        return XY_ETOOBIG;
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 64;
        d->recs = xrealloc(d->recs, d->cap * sizeof *d->recs);
        d->canon = xrealloc(d->canon, d->cap * sizeof *d->canon);
    }
    dedupe_record_t *r = &d->recs[d->n];
    memset(r, 0, sizeof *r);
    r->person = p->id;
    r->incident = p->incident;
    char phon[PERSONAL_PHONETIC_MAX + 1];
    /* Recomputed from the name: the table here may be newer than the one
     * that sealed the record. */
    if (pinyin_of(d->py, p->pd->name, phon, sizeof phon, r->initials,
                  sizeof r->initials) == 0)
        snprintf(r->phonetic, sizeof r->phonetic, "%s", phon);
    snprintf(r->phone, sizeof r->phone, "%s", p->pd->phone);
    r->birth_year = p->pd->birth_year;
    r->sex = p->reg->sex;
    r->age_band = (int)p->reg->age_band;
    int rc = person_link_canonical(d->vt, d->m, &p->id, &d->canon[d->n]);
    if (!rc)
        d->n++;
    return rc;
}

static int s_dedupe_read(view_txn_t *vt, void *arg)
{
    s_dedupe_t *d = arg;
    d->vt = vt;
    int rc = person_each(vt, d->m, d->ring, s_collect, d);
    if (rc)
        return rc;
    d->pairs = xcalloc(d->n + 1, sizeof *d->pairs);
    return dedupe_find(d->recs, d->n, d->threshold, d->pairs, d->n + 1,
                       &d->np);
}

static void s_dedupe_print(app_t *app, const s_dedupe_t *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < d->np; i++) {
        const dedupe_pair_t *p = &d->pairs[i];
        /* Already one person through links: nothing to propose. */
        if (memcmp(&d->canon[p->a], &d->canon[p->b], sizeof d->canon[0]) == 0)
            continue;
        char a[DOMAIN_ID_HEX], b[DOMAIN_ID_HEX];
        domain_id_format(&d->recs[p->a].person, a);
        domain_id_format(&d->recs[p->b].person, b);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:f}", "a", a, "b",
                                             b, "score", p->score));
        if (!app_json(app))
            printf("%.2f  person link %s %s --score %.2f\n", p->score, a, b,
                   p->score);
    }
    if (app_json(app)) {
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
    } else {
        printf("(%zu proposed; %zu persons compared, %zu sealed with keys "
               "not held here)\n", json_array_size(arr), d->n, d->sealed);
    }
    json_decref(arr);
}

int app_cmd_dedupe(app_t *app, int argc, char **argv)
{
    const char *v[L_N] = {0};
    int rc = app_parse_opts(app, argc, argv, s_opts, v);
    if (rc)
        return rc;
    double threshold = DEDUPE_THRESHOLD;
    if (v[L_THRESHOLD]) {
        char *end = NULL;
        threshold = strtod(v[L_THRESHOLD], &end);
        if (!end || *end || end == v[L_THRESHOLD] || !(threshold > 0) ||
            threshold > 1)
            return app_fail(app, APP_EXIT_USAGE, "dedupe: --threshold '%s' "
                            "is not a number in (0, 1]", v[L_THRESHOLD]);
    }
    s_dedupe_t d = {.m = app_model(app), .threshold = threshold};
    personal_keyring_t *ring = xcalloc(1, sizeof *ring);
    pinyin_table_t *py = NULL;
    int line = 0;
    rc = app_keyring_load(app, v[L_PASSFILE], ring, true);
    if (!rc && pinyin_table_load(&py, PINYIN_TABLE_PATH, &line))
        rc = app_fail(app, APP_EXIT_FAIL, "dedupe: cannot load %s (line %d)",
                      PINYIN_TABLE_PATH, line);
    d.ring = ring;
    d.py = py;
    if (!rc) {
        int e = event_log_view_read(node_log(app_node(app)), s_dedupe_read,
                                    &d);
        if (e)
            rc = app_fail(app, APP_EXIT_FAIL, "dedupe: %s", xy_strerror(e));
        else
            s_dedupe_print(app, &d);
    }
    if (d.recs)
        memset(d.recs, 0, d.n * sizeof *d.recs);
    free(d.recs);
    free(d.canon);
    free(d.pairs);
    pinyin_table_destroy(&py);
    personal_keyring_wipe(ring);
    free(ring);
    return rc;
}

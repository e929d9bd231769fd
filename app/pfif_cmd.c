/* PFIF at the command line (app.h): `pfif export` writes the persons of an
 * incident whose personal data this node can open as a PFIF 1.4 document;
 * `pfif import` reads the persons of a PFIF 1.1-1.4 document and registers
 * each with its personal data sealed under the incident's key, all in one
 * group commit. See docs/pfif.md. */
#include "app/app.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"
#include "core/hlc.h"
#include "domain/alert_cap.h"
#include "domain/person.h"
#include "domain/pfif.h"
#include "domain/pinyin.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { X_INCIDENT, X_OUT, X_SITE, X_SKIP, X_AGE, X_EXERCISE, X_PASSFILE,
       X_N };

static const struct option s_opts[] = {
    {"incident", required_argument, NULL, X_INCIDENT},
    {"out", required_argument, NULL, X_OUT},
    {"site-default", required_argument, NULL, X_SITE},
    {"skip-bad", no_argument, NULL, X_SKIP},
    {"age-band-default", required_argument, NULL, X_AGE},
    {"exercise", no_argument, NULL, X_EXERCISE},
    {"passphrase-file", required_argument, NULL, X_PASSFILE},
    {NULL, 0, NULL, 0},
};

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- Export ----------------------------------------------------------- */

typedef struct s_export {
    const domain_model_t *m;
    const personal_keyring_t *ring;
    domain_id_t incident;
    pfif_export_t *x;
    app_view_t *views; /* persons whose personal data goes out */
    size_t n_views, cap_views;
} s_export_t;

static int s_export_one(const person_view_t *p, void *arg)
{
    s_export_t *e = arg;
    if (memcmp(p->incident.b, e->incident.b, DOMAIN_ID_LEN) != 0)
        return 0;
    if (p->pd) {
        if (e->n_views == e->cap_views) {
            e->cap_views = e->cap_views ? 2 * e->cap_views : 64;
            e->views = xrealloc(e->views, e->cap_views * sizeof *e->views);
        }
        e->views[e->n_views++] = (app_view_t){p->id, p->incident,
                                              p->exercise};
    }
    return pfif_export_add(e->x, p, HLC_MS(p->hlc));
}

static int s_export_read(view_txn_t *vt, void *arg)
{
    s_export_t *e = arg;
    return person_each(vt, e->m, e->ring, s_export_one, e);
}

/* Writes len bytes of text to path, created with mode 0600 (it holds
 * names) and never over an existing file, or to stdout. */
static int s_write_out(app_t *app, const char *path, const char *text,
                       size_t len)
{
    if (!path) {
        fwrite(text, 1, len, stdout);
        return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return app_fail(app, APP_EXIT_FAIL, "pfif export: %s: %s%s", path,
                        strerror(e), e == EEXIST ? " (nothing overwritten)"
                                                 : "");
    }
    bool ok = fwrite(text, 1, len, f) == len;
    if (fclose(f) != 0)
        ok = false;
    if (!ok) {
        remove(path);
        return app_fail(app, APP_EXIT_FAIL, "pfif export: %s: cannot write "
                        "(removed)", path);
    }
    return 0;
}

static int s_export(app_t *app, const char **v)
{
    s_export_t e = {.m = app_model(app)};
    if (!v[X_INCIDENT] || domain_id_parse(&e.incident, v[X_INCIDENT]))
        return app_fail(app, APP_EXIT_USAGE, "pfif export: --incident needs "
                        "an incident id of 32 hex digits");
    const char *domain =
        config_string(node_config(app_node(app)), "pfif_domain");
    if (pfif_export_new(&e.x, domain))
        return app_fail(app, APP_EXIT_FAIL, "pfif export: pfif_domain '%s' "
                        "is not a domain (printable ASCII, no '/', at most "
                        "%d bytes)", domain, PFIF_DOMAIN_MAX);
    personal_keyring_t *ring = xcalloc(1, sizeof *ring);
    char *text = NULL;
    size_t len = 0;
    int rc = app_keyring_load(app, v[X_PASSFILE], ring, true);
    e.ring = ring;
    if (!rc) {
        int r = event_log_view_read(node_log(app_node(app)), s_export_read,
                                    &e);
        if (!r)
            r = pfif_export_finish(e.x, &text, &len);
        if (r)
            rc = app_fail(app, APP_EXIT_FAIL, "pfif export: %s",
                          xy_strerror(r));
    }
    if (!rc)
        rc = app_audit_record(app, e.views, e.n_views, "pfif export",
                              "pfif export");
    if (!rc)
        rc = s_write_out(app, v[X_OUT], text, len);
    pfif_export_stats_t st = pfif_export_stats(e.x);
    if (!rc)
        fprintf(v[X_OUT] ? stdout : stderr, "exported %zu person(s)%s; "
                "skipped %zu sealed to keys not held here and %zu "
                "registered without a name\n", st.written,
                st.exercise ? " marked EXERCISE" : "", st.sealed,
                st.unnamed);
    if (text)
        sodium_memzero(text, len);
    free(text);
    pfif_export_destroy(&e.x);
    free(e.views);
    personal_keyring_wipe(ring);
    free(ring);
    return rc;
}

/* ---- Import ----------------------------------------------------------- */

/* The record ids already imported into the incident ("pfif:<id>" notes of
 * the persons this node can open), sorted. */
typedef struct s_held {
    const domain_model_t *m;
    const personal_keyring_t *ring;
    domain_id_t incident;
    char **notes;
    size_t n, cap;
} s_held_t;

static int s_held_one(const person_view_t *p, void *arg)
{
    s_held_t *h = arg;
    if (!p->pd || memcmp(p->incident.b, h->incident.b, DOMAIN_ID_LEN) != 0 ||
        strncmp(p->pd->notes, PFIF_NOTE_PREFIX, strlen(PFIF_NOTE_PREFIX)))
        return 0;
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 64;
        h->notes = xrealloc(h->notes, h->cap * sizeof *h->notes);
    }
    h->notes[h->n++] = xstrdup(p->pd->notes);
    return 0;
}

static int s_held_read(view_txn_t *vt, void *arg)
{
    s_held_t *h = arg;
    return person_each(vt, h->m, h->ring, s_held_one, h);
}

static int s_strcmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool s_held_has(const s_held_t *h, const char *note)
{
    return h->n && bsearch(&note, h->notes, h->n, sizeof *h->notes,
                           s_strcmp) != NULL;
}

static void s_held_free(s_held_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->notes[i]);
    free(h->notes);
}

/* What one import holds while it runs. */
typedef struct s_import {
    const char *file;
    domain_id_t incident;
    bool exercise;          /* the flag the persons take (the incident's) */
    const personal_key_t *key;
    const pinyin_table_t *py;
    uint64_t now_ms;
    domain_event_t *de;        /* one registration per record */
    personal_sealed_t *sealed; /* its sealed personal data */
    domain_id_t *ids;          /* its person id */
    event_write_t *w;          /* what the group commit stores */
    size_t n;                  /* registrations ready */
} s_import_t;

/* Seals r and builds its registration into slot x->n. */
static int s_register(app_t *app, s_import_t *x, const pfif_record_t *r,
                      const char **v, domain_error_t *err)
{
    char phonetic[PERSONAL_PHONETIC_MAX + 1], initials[64];
    personal_data_t *pd = xcalloc(1, sizeof *pd);
    domain_id_t *id = &x->ids[x->n];
    app_random_id(id->b);
    int rc = pinyin_of(x->py, r->name, phonetic, sizeof phonetic, initials,
                       sizeof initials);
    if (rc) {
        domain_fail(err, rc, "full_name", "cannot spell it in pinyin: %s",
                    xy_strerror(rc));
        goto out;
    }
    personal_input_t in = {.name = r->name, .notes = r->notes,
                           .phonetic = phonetic,
                           .birth_year = r->birth_year};
    rc = personal_check(&in, r->age_band, x->now_ms, pd, err);
    if (rc)
        goto out;
    uint8_t nonce[PERSONAL_NONCE_LEN];
    randombytes_buf(nonce, sizeof nonce);
    rc = personal_seal(x->key, id->b, pd, initials, nonce,
                       &x->sealed[x->n]);
    if (rc) {
        domain_fail(err, rc, "person", "sealing: %s", xy_strerror(rc));
        goto out;
    }
    person_input_t pi = {.incident = &x->incident, .age_band = r->age_band,
                         .sex = r->sex[0] ? r->sex : NULL,
                         .site = r->site[0] ? r->site : v[X_SITE],
                         .worker = app_user(app), .exercise = x->exercise,
                         .author = app_user(app),
                         .sealed = &x->sealed[x->n]};
    rc = person_register(&x->de[x->n], id, &pi, err);
    if (!rc) {
        x->w[x->n] = (event_write_t){.kind = EVENT_WRITE_OWN,
                                     .own = &x->de[x->n].ev};
        x->n++;
    }
out:
    personal_data_wipe(pd);
    free(pd);
    sodium_memzero(phonetic, sizeof phonetic);
    return rc;
}

/* Reports the refused records; returns an exit status when they stop the
 * import (no --skip-bad). */
static int s_refusals(app_t *app, const char *file, const pfif_import_t *imp,
                      bool skip)
{
    for (size_t i = 0; i < imp->n_refused; i++) {
        const pfif_error_t *e = &imp->refused[i];
        fprintf(stderr, "%s: pfif import: %s: <person> %s: %s\n",
                app_spec(app)->program, file, skip ? "skipped" : "refused",
                e->msg);
    }
    if (imp->n_refused && !skip)
        return app_fail(app, APP_EXIT_FAIL, "pfif import: %zu record(s) of "
                        "%s refused; nothing stored (--skip-bad imports the "
                        "others)", imp->n_refused, file);
    return 0;
}

/* Parses the options of an import; returns an exit status. */
static int s_import_args(app_t *app, const char *file, const char **v,
                         s_import_t *x, int *band)
{
    x->file = file;
    if (!file || file[0] == '-')
        return app_fail(app, APP_EXIT_USAGE, "pfif import: say which FILE");
    if (!v[X_INCIDENT] || domain_id_parse(&x->incident, v[X_INCIDENT]))
        return app_fail(app, APP_EXIT_USAGE, "pfif import: --incident needs "
                        "an incident id of 32 hex digits");
    x->exercise = app_exercise_of(app, &x->incident, v[X_EXERCISE] != NULL);
    size_t sl = v[X_SITE] ? strlen(v[X_SITE]) : 0;
    if (sl == 0 || sl > PERSON_SITE_MAX)
        return app_fail(app, APP_EXIT_USAGE, "pfif import: --site-default "
                        "needs a site of 1 to %d bytes (used when a record "
                        "has no home_city or home_state)", PERSON_SITE_MAX);
    *band = -1;
    if (v[X_AGE]) {
        char *end = NULL;
        long b = strtol(v[X_AGE], &end, 10);
        if (!end || *end || end == v[X_AGE] || b < 0 || b > 120 || b % 5)
            return app_fail(app, APP_EXIT_USAGE, "pfif import: "
                            "--age-band-default '%s' is not a multiple of 5 "
                            "in 0..120", v[X_AGE]);
        *band = (int)b;
    }
    return 0;
}

/* Seals and registers every record not already held; returns an exit
 * status. held counts the records skipped as already imported. */
static int s_import_build(app_t *app, s_import_t *x, const pfif_import_t *imp,
                          const s_held_t *h, const char **v, size_t *held)
{
    for (size_t i = 0; i < imp->n; i++) {
        const pfif_record_t *r = &imp->records[i];
        if (s_held_has(h, r->notes)) {
            (*held)++;
            continue;
        }
        domain_error_t err;
        if (s_register(app, x, r, v, &err))
            return app_fail(app, APP_EXIT_FAIL, "pfif import: %s: line %d: "
                            "<person> refused: %s: %s; nothing stored",
                            x->file, r->line, err.field, err.msg);
    }
    return 0;
}

static int s_import_store(app_t *app, s_import_t *x, const pfif_import_t *imp,
                          size_t held)
{
    if (app_exercise_check(app, x->w, x->n, "imported persons; nothing "
                           "stored"))
        return APP_EXIT_FAIL;
    int rc = x->n ? event_log_write(node_log(app_node(app)), x->w, x->n, NULL)
                  : 0;
    for (size_t i = 0; !rc && i < x->n; i++)
        rc = x->w[i].status;
    if (rc)
        return app_fail(app, APP_EXIT_FAIL, "pfif import: storing: %s; "
                        "nothing stored", xy_strerror(rc));
    json_t *ids = json_array();
    for (size_t i = 0; i < x->n; i++) {
        char hex[DOMAIN_ID_HEX];
        json_array_append_new(ids,
                              json_string(domain_id_format(&x->ids[i], hex)));
    }
    if (app_json(app)) {
        json_t *o = json_pack("{s:o, s:i, s:i, s:i, s:i}", "persons", ids,
                              "version", imp->version, "refused",
                              (int)imp->n_refused, "already_held", (int)held,
                              "notes_ignored", (int)imp->notes);
        json_dumpf(o, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(o);
    } else {
        printf("imported %zu person(s) from %s (PFIF %d.%d); %zu refused, "
               "%zu already held, %zu note(s) ignored\n", x->n, x->file,
               imp->version / 10, imp->version % 10, imp->n_refused, held,
               imp->notes);
        json_decref(ids);
    }
    return 0;
}

/* Finds the incident's key in ring, the records already held and the
 * pinyin table (*py, owned by the caller); returns an exit status. */
static int s_import_prepare(app_t *app, s_import_t *x,
                            const personal_keyring_t *ring, s_held_t *h,
                            pinyin_table_t **py, const char *inc_hex)
{
    x->key = personal_keyring_for(ring, x->incident.b);
    if (!x->key)
        return app_fail(app, APP_EXIT_FAIL, "pfif import: no data key for "
                        "incident %s here: run 'key create --incident %s' "
                        "or import the coordinator's key", inc_hex,
                        inc_hex);
    int line = 0, e = event_log_view_read(node_log(app_node(app)),
                                          s_held_read, h);
    if (e)
        return app_fail(app, APP_EXIT_FAIL, "pfif import: %s",
                        xy_strerror(e));
    if (h->n)
        qsort(h->notes, h->n, sizeof *h->notes, s_strcmp);
    if (pinyin_table_load(py, PINYIN_TABLE_PATH, &line))
        return app_fail(app, APP_EXIT_FAIL, "pfif import: cannot load %s "
                        "(line %d)", PINYIN_TABLE_PATH, line);
    x->py = *py;
    return 0;
}

static int s_import(app_t *app, const char *file, const char **v)
{
    s_import_t x = {.now_ms = s_now_ms()};
    int band;
    int rc = s_import_args(app, file, v, &x, &band);
    if (rc)
        return rc;
    char *buf = NULL;
    size_t len = 0, held = 0;
    pfif_import_t *imp = NULL;
    pinyin_table_t *py = NULL;
    personal_keyring_t *ring = xcalloc(1, sizeof *ring);
    s_held_t h = {.m = app_model(app), .ring = ring, .incident = x.incident};
    alert_error_t aerr;
    pfif_error_t perr;
    if (alert_cap_read_file(file, PFIF_MAX_BYTES, &buf, &len, &aerr)) {
        rc = app_fail(app, APP_EXIT_FAIL, "pfif import: %s", aerr.msg);
        goto out;
    }
    if (pfif_import_parse(buf, len, x.now_ms, band, &imp, &perr)) {
        rc = app_fail(app, APP_EXIT_FAIL, "pfif import: %s: %s", file,
                      perr.msg);
        goto out;
    }
    rc = s_refusals(app, file, imp, v[X_SKIP] != NULL);
    if (!rc)
        rc = app_keyring_load(app, v[X_PASSFILE], ring, true);
    if (rc)
        goto out;
    rc = s_import_prepare(app, &x, ring, &h, &py, v[X_INCIDENT]);
    if (rc)
        goto out;
    size_t cap = imp->n ? imp->n : 1;
    x.de = xcalloc(cap, sizeof *x.de);
    x.sealed = xcalloc(cap, sizeof *x.sealed);
    x.ids = xcalloc(cap, sizeof *x.ids);
    x.w = xcalloc(cap, sizeof *x.w);
    rc = s_import_build(app, &x, imp, &h, v, &held);
    if (!rc)
        rc = s_import_store(app, &x, imp, held);
out:
    free(x.de);
    free(x.sealed);
    free(x.ids);
    free(x.w);
    s_held_free(&h);
    pinyin_table_destroy(&py);
    pfif_import_destroy(&imp);
    if (buf)
        sodium_memzero(buf, len);
    free(buf);
    personal_keyring_wipe(ring);
    free(ring);
    return rc;
}

int app_cmd_pfif(app_t *app, int argc, char **argv)
{
    bool exp = argc >= 2 && strcmp(argv[1], "export") == 0;
    bool imp = argc >= 2 && strcmp(argv[1], "import") == 0;
    if (!exp && !imp)
        return app_fail(app, APP_EXIT_USAGE, "pfif: say 'pfif export "
                        "--incident ID [--out FILE]' or 'pfif import FILE "
                        "--incident ID --site-default S [--skip-bad]'");
    const char *v[X_N] = {0}, *file = NULL;
    int skip = 1;
    if (imp && argc >= 3 && argv[2][0] != '-') {
        file = argv[2];
        skip = 2;
    }
    int rc = app_parse_opts(app, argc - skip, argv + skip, s_opts, v);
    if (rc)
        return rc;
    if (exp && (v[X_SITE] || v[X_SKIP] || v[X_AGE] || v[X_EXERCISE]))
        return app_fail(app, APP_EXIT_USAGE, "pfif export: takes --incident, "
                        "--out and --passphrase-file only");
    if (imp && v[X_OUT])
        return app_fail(app, APP_EXIT_USAGE, "pfif import: --out is for "
                        "export");
    return exp ? s_export(app, v) : s_import(app, file, v);
}

/* Tests of views (core/view.h) folded by the event log: convergence of
 * order-independent reducers whatever the arrival order, duplicates and
 * batching; the digest's sensitivity; rebuilding views from the log; and the
 * view registry and transaction API (names, limits, counters, prefix
 * scans, read-only readers). */
#include "core/event_log.h"
#include "core/hlc.h"
#include "core/view.h"
#include "common/xy_error.h"
#include "tests/support/xy_test.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_BASE_MS 1700000000000ull

static uint64_t s_now(void *arg)
{
    (void)arg;
    return S_BASE_MS + 3600 * 1000;
}

/* splitmix64: seeded, so every run applies the same orders. */
static uint64_t s_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t s_below(uint64_t *state, size_t n)
{
    return (size_t)(s_rand(state) % n);
}

static void s_put_be64(uint8_t *out, uint64_t x)
{
    for (int i = 7; i >= 0; i--, x >>= 8)
        out[i] = (uint8_t)x;
}

/* ------------------------------------------------------------ reducers */

/* Indices of the three test views, the reducers' argument. */
typedef struct s_views {
    int where;    /* LWW register: person -> hlc(8) origin(16) site */
    int seen;     /* grow-only set: person origin seq -> empty */
    int per_site; /* counter: site -> persons whose latest site it is */
} s_views_t;

#define S_STAMP_LEN (8 + XY_ID_LEN) /* hlc and origin, compared as bytes */

/* Folds a PersonRegistered: records its identity in the seen set, and
 * moves the person to its site when (hlc, origin) is later than the
 * register's, keeping the per-site counts in step. */
static int s_reduce_person(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    const s_views_t *v = arg;
    const Xy__PersonRegistered *pr = ev->person_registered;
    if (pr->person_id.len != XY_ID_LEN || !pr->place || !pr->place->site[0])
        return 0;
    const uint8_t *person = pr->person_id.data;
    const char *site = pr->place->site;
    size_t slen = strlen(site);

    uint8_t skey[XY_ID_LEN * 2 + 8];
    memcpy(skey, person, XY_ID_LEN);
    memcpy(skey + XY_ID_LEN, ev->origin.data, XY_ID_LEN);
    s_put_be64(skey + 2 * XY_ID_LEN, ev->seq);
    int rc = view_put(vt, v->seen, skey, sizeof skey, "", 0);
    if (rc)
        return rc;

    uint8_t val[S_STAMP_LEN + 64];
    if (slen > sizeof val - S_STAMP_LEN)
        return 0;
    s_put_be64(val, ev->hlc);
    memcpy(val + 8, ev->origin.data, XY_ID_LEN);
    memcpy(val + S_STAMP_LEN, site, slen);

    const void *old;
    size_t olen;
    rc = view_get(vt, v->where, person, XY_ID_LEN, &old, &olen);
    if (rc == 0) {
        if (olen < S_STAMP_LEN || memcmp(val, old, S_STAMP_LEN) <= 0)
            return 0;
        /* The old value lives in the store only until the next put. */
        char old_site[64];
        size_t oslen = olen - S_STAMP_LEN;
        if (oslen == 0 || oslen > sizeof old_site)
            return XY_ECORRUPT;
        memcpy(old_site, (const uint8_t *)old + S_STAMP_LEN, oslen);
        rc = view_count_add(vt, v->per_site, old_site, oslen, -1);
        if (rc)
            return rc;
    } else if (rc != XY_ENOENT) {
        return rc;
    }
    rc = view_put(vt, v->where, person, XY_ID_LEN, val, S_STAMP_LEN + slen);
    if (rc)
        return rc;
    return view_count_add(vt, v->per_site, site, slen, 1);
}

static s_views_t s_idx;

static view_set_t *s_person_views(void)
{
    view_set_t *vs = view_set_new();
    s_idx.where = view_set_add(vs, "person.where");
    s_idx.seen = view_set_add(vs, "person.seen");
    s_idx.per_site = view_set_add(vs, "site.persons");
    cr_assert_geq(s_idx.where, 0);
    cr_assert_geq(s_idx.seen, 0);
    cr_assert_geq(s_idx.per_site, 0);
    cr_assert_eq(view_set_on(vs, XY__EVENT__BODY_PERSON_REGISTERED,
                             s_reduce_person, &s_idx),
                 0);
    return vs;
}

/* ------------------------------------------------------------- events */

enum {
    S_ORIGINS = 5,
    S_PER_ORIGIN = 60,
    S_EVENTS = 300,
    S_PERSONS = 30,
    S_SITES = 6,
    S_ORDERS = 20
};

typedef struct s_gen {
    uint8_t *bytes; /* packed event */
    size_t len;
    uint32_t origin; /* origin number (xy_test_id) */
    uint64_t seq;
    uint64_t hlc;
    uint32_t person;
    int site;
} s_gen_t;

static const char *s_site_names[S_SITES] = {
    "Yingxiu school",   "Beichuan stadium", "Mianzhu tents",
    "Dujiangyan plaza", "Qingchuan clinic", "Hanwang depot"};

/* One random set of events: every origin's seqs 1..S_PER_ORIGIN with
 * strictly increasing hlc, drawn from a narrow range so that events of
 * different origins often share an hlc. */
static void s_generate(s_gen_t *g, uint64_t *rng)
{
    size_t k = 0;
    for (uint32_t o = 1; o <= S_ORIGINS; o++) {
        for (uint64_t s = 1; s <= S_PER_ORIGIN; s++, k++) {
            uint64_t ms = S_BASE_MS + 2 * s + s_below(rng, 2);
            g[k].origin = o;
            g[k].seq = s;
            g[k].hlc = HLC_MAKE(ms, 0);
            g[k].person = (uint32_t)s_below(rng, S_PERSONS);
            g[k].site = (int)s_below(rng, S_SITES);
            xy_test_person_event(&g[k].bytes, &g[k].len, o, s, g[k].hlc,
                                 g[k].person, s_site_names[g[k].site]);
        }
    }
}

static void s_free_gen(s_gen_t *g)
{
    for (size_t i = 0; i < S_EVENTS; i++)
        free(g[i].bytes);
}

/* The expected register in memory: for each person, the event with the
 * greatest (hlc, origin id). */
static int s_winner(const s_gen_t *g, uint32_t person)
{
    int best = -1;
    uint8_t bo[XY_ID_LEN], co[XY_ID_LEN];
    for (int i = 0; i < S_EVENTS; i++) {
        if (g[i].person != person)
            continue;
        if (best < 0 || g[i].hlc > g[best].hlc) {
            best = i;
            continue;
        }
        if (g[i].hlc == g[best].hlc) {
            xy_test_id(bo, g[best].origin);
            xy_test_id(co, g[i].origin);
            if (memcmp(co, bo, XY_ID_LEN) > 0)
                best = i;
        }
    }
    return best;
}

/* Opens a log in a fresh directory (*dirp, removed by the caller). */
static event_log_t *s_fresh_log(char **dirp, const view_set_t *vs)
{
    *dirp = xy_test_mkdtemp();
    uint8_t me[XY_ID_LEN];
    xy_test_id(me, 100);
    /* Convergence is about folding, not durability: no fsync. */
    event_log_opts_t o = {.now_ms = s_now, .views = vs, .no_sync = true};
    event_log_t *log = NULL;
    int rc = event_log_open(&log, *dirp, me, &o);
    cr_assert_eq(rc, 0, "open: %s", xy_strerror(rc));
    return log;
}

/* Writes the events named by order[0..n) in batches of random size (1-40).
 * Returns how many were stored (status 0); duplicates count as held. */
static size_t s_apply(event_log_t *log, const s_gen_t *g, const int *order,
                      size_t n, uint64_t *rng, size_t *dups)
{
    event_write_t w[40];
    size_t stored = 0;
    for (size_t i = 0; i < n;) {
        size_t b = 1 + s_below(rng, 40);
        if (b > n - i)
            b = n - i;
        for (size_t j = 0; j < b; j++)
            w[j] = (event_write_t){.kind = EVENT_WRITE_FOREIGN,
                                   .bytes = g[order[i + j]].bytes,
                                   .len = g[order[i + j]].len};
        int rc = event_log_write(log, w, b, NULL);
        cr_assert_eq(rc, 0, "write: %s", xy_strerror(rc));
        for (size_t j = 0; j < b; j++) {
            cr_assert(w[j].status == 0 || w[j].status == XY_EEXIST, "status %s",
                      xy_errname(w[j].status));
            if (w[j].status == 0)
                stored++;
            else
                (*dups)++;
        }
        i += b;
    }
    return stored;
}

/* A random order of all events with about 20% of them repeated. Returns the
 * length written into order (room for 2 * S_EVENTS). */
static size_t s_order(int *order, uint64_t *rng)
{
    size_t n = 0;
    for (int i = 0; i < S_EVENTS; i++) {
        order[n++] = i;
        if (s_below(rng, 5) == 0)
            order[n++] = (int)s_below(rng, S_EVENTS);
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = s_below(rng, i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    return n;
}

/* Checks the register and the counters against the in-memory fold. */
typedef struct s_expect {
    const s_gen_t *g;
    size_t checked; /* persons checked */
} s_expect_t;

static int s_check_views(view_txn_t *vt, void *arg)
{
    s_expect_t *e = arg;
    int64_t per_site[S_SITES] = {0};
    for (uint32_t p = 0; p < S_PERSONS; p++) {
        int win = s_winner(e->g, p);
        uint8_t pid[XY_ID_LEN];
        xy_test_id(pid, 0x10000000u + p);
        const void *val;
        size_t vlen;
        int rc = view_get(vt, s_idx.where, pid, XY_ID_LEN, &val, &vlen);
        if (win < 0) {
            cr_assert_eq(rc, XY_ENOENT);
            continue;
        }
        cr_assert_eq(rc, 0, "person %u absent", p);
        const char *site = s_site_names[e->g[win].site];
        cr_assert_eq(vlen, S_STAMP_LEN + strlen(site));
        cr_assert_eq(
            memcmp((const uint8_t *)val + S_STAMP_LEN, site, strlen(site)), 0,
            "person %u: expected %s", p, site);
        per_site[e->g[win].site]++;
        e->checked++;
    }
    for (int s = 0; s < S_SITES; s++)
        cr_assert_eq(view_count_get(vt, s_idx.per_site, s_site_names[s],
                                    strlen(s_site_names[s])),
                     per_site[s], "site %s", s_site_names[s]);
    return 0;
}

/* ---------------------------------------------------------------- tests */

/* Reads where person 7 is and how many persons each of two sites holds. */
typedef struct s_where {
    char site[64];   /* person 7's site */
    int64_t mianzhu; /* persons at "Mianzhu tents" */
    int64_t yingxiu; /* persons at "Yingxiu school" */
} s_where_t;

static int s_read_where(view_txn_t *vt, void *arg)
{
    s_where_t *out = arg;
    uint8_t pid[XY_ID_LEN];
    xy_test_id(pid, 0x10000000u + 7);
    const void *val;
    size_t vlen;
    int rc = view_get(vt, s_idx.where, pid, XY_ID_LEN, &val, &vlen);
    if (rc)
        return rc;
    size_t n = vlen - S_STAMP_LEN;
    if (n >= sizeof out->site)
        return XY_ERANGE;
    memcpy(out->site, (const uint8_t *)val + S_STAMP_LEN, n);
    out->site[n] = '\0';
    out->mianzhu = view_count_get(vt, s_idx.per_site, "Mianzhu tents", 13);
    out->yingxiu = view_count_get(vt, s_idx.per_site, "Yingxiu school", 14);
    return 0;
}

Test(view, usage_register_a_view_fold_events_and_read_it)
{
    view_set_t *vs = s_person_views();
    char *dir = NULL;
    event_log_t *log = s_fresh_log(&dir, vs);
    uint8_t *a, *b;
    size_t alen, blen;
    xy_test_person_event(&a, &alen, 1, 1, HLC_MAKE(S_BASE_MS, 0), 7,
                         "Yingxiu school");
    xy_test_person_event(&b, &blen, 2, 1, HLC_MAKE(S_BASE_MS + 5, 0), 7,
                         "Mianzhu tents");
    /* The later move arrives first; the register keeps it all the same. */
    event_write_t w[2] = {
        {.kind = EVENT_WRITE_FOREIGN, .bytes = b, .len = blen},
        {.kind = EVENT_WRITE_FOREIGN, .bytes = a, .len = alen}};
    cr_assert_eq(event_log_write(log, w, 2, NULL), 0);
    s_where_t where = {{0}, -1, -1};
    cr_assert_eq(event_log_view_read(log, s_read_where, &where), 0);
    cr_assert_str_eq(where.site, "Mianzhu tents");
    cr_assert_eq(where.mianzhu, 1);
    cr_assert_eq(where.yingxiu, 0);
    uint8_t digest[32], zero[32] = {0};
    cr_assert_eq(event_log_view_digest(log, digest), 0);
    cr_assert_neq(memcmp(digest, zero, sizeof digest), 0);
    free(a);
    free(b);
    event_log_destroy(&log);
    xy_test_rmdir(&dir);
    view_set_destroy(&vs);
    cr_assert_null(vs);
}

Test(view, any_order_with_duplicates_and_batches_gives_one_digest,
     .timeout = 120)
{
    uint64_t rng = 0x20080512143000ull;
    static s_gen_t g[S_EVENTS];
    s_generate(g, &rng);

    /* Ties: the same person at the same hlc from different origins, which
     * only the origin can order. */
    size_t ties = 0;
    for (int i = 0; i < S_EVENTS; i++)
        for (int j = i + 1; j < S_EVENTS; j++)
            if (g[i].person == g[j].person && g[i].hlc == g[j].hlc &&
                g[i].origin != g[j].origin)
                ties++;
    cr_assert_gt(ties, 0, "the generator must produce hlc ties");

    view_set_t *vs = s_person_views();
    static int order[2 * S_EVENTS];
    uint8_t first[32], digest[32];
    size_t total_dups = 0;
    for (int r = 0; r < S_ORDERS; r++) {
        size_t n = s_order(order, &rng);
        char *dir = NULL;
        event_log_t *log = s_fresh_log(&dir, vs);
        size_t dups = 0;
        size_t stored = s_apply(log, g, order, n, &rng, &dups);
        cr_assert_eq(stored, S_EVENTS, "order %d", r);
        cr_assert_eq(dups, n - S_EVENTS);
        cr_assert_eq(event_log_count(log), S_EVENTS);
        total_dups += dups;
        cr_assert_eq(event_log_view_digest(log, digest), 0);
        if (r == 0) {
            memcpy(first, digest, sizeof first);
            s_expect_t e = {g, 0};
            cr_assert_eq(event_log_view_read(log, s_check_views, &e), 0);
            cr_assert_gt(e.checked, S_PERSONS / 2);
        } else {
            cr_assert_eq(memcmp(first, digest, sizeof first), 0,
                         "order %d diverged", r);
        }
        if (r == S_ORDERS - 1) {
            /* Folding the whole log again gives the same views. */
            cr_assert_eq(event_log_rebuild_views(log), 0);
            cr_assert_eq(event_log_view_digest(log, digest), 0);
            cr_assert_eq(memcmp(first, digest, sizeof first), 0,
                         "rebuilt views differ");
        }
        event_log_destroy(&log);
        xy_test_rmdir(&dir);
    }
    /* About 20% duplicates overall. */
    cr_assert_gt(total_dups, S_ORDERS * S_EVENTS / 10);
    cr_assert_lt(total_dups, S_ORDERS * S_EVENTS * 3 / 10);

    /* A log missing one event shows something else. */
    size_t n = 0;
    int skip = (int)s_below(&rng, S_EVENTS);
    for (int i = 0; i < S_EVENTS; i++)
        if (i != skip)
            order[n++] = i;
    char *dir = NULL;
    event_log_t *log = s_fresh_log(&dir, vs);
    size_t dups = 0;
    cr_assert_eq(s_apply(log, g, order, n, &rng, &dups), S_EVENTS - 1);
    cr_assert_eq(event_log_view_digest(log, digest), 0);
    cr_assert_neq(memcmp(first, digest, sizeof first), 0,
                  "missing event %d went unnoticed", skip);
    event_log_destroy(&log);
    xy_test_rmdir(&dir);

    view_set_destroy(&vs);
    s_free_gen(g);
}

Test(view, set_add_refuses_bad_names_duplicates_and_too_many)
{
    view_set_t *vs = view_set_new();
    cr_assert_eq(view_set_count(vs), 0);
    cr_assert_eq(view_set_add(vs, ""), XY_EINVAL);
    cr_assert_eq(view_set_add(vs, "has space"), XY_EINVAL);
    cr_assert_eq(view_set_add(vs, "slash/name"), XY_EINVAL);
    cr_assert_eq(view_set_add(vs, "名字"), XY_EINVAL);
    char name[VIEW_NAME_MAX + 2];
    memset(name, 'n', VIEW_NAME_MAX + 1);
    name[VIEW_NAME_MAX + 1] = '\0';
    cr_assert_eq(view_set_add(vs, name), XY_EINVAL, "33 bytes");
    name[VIEW_NAME_MAX] = '\0';
    cr_assert_eq(view_set_add(vs, name), 0, "32 bytes is the maximum");
    cr_assert_eq(view_set_add(vs, name), XY_EEXIST);
    cr_assert_eq(view_set_add(vs, "Zone.counts_2"), 1);
    cr_assert_eq(view_set_find(vs, "Zone.counts_2"), 1);
    cr_assert_eq(view_set_find(vs, "zone.counts_2"), XY_ENOENT);
    cr_assert_str_eq(view_set_name(vs, 1), "Zone.counts_2");
    cr_assert_null(view_set_name(vs, 2));
    cr_assert_null(view_set_name(vs, -1));
    for (int i = 2; i < VIEW_MAX; i++) {
        char n2[16];
        snprintf(n2, sizeof n2, "v%d", i);
        cr_assert_eq(view_set_add(vs, n2), i);
    }
    cr_assert_eq(view_set_count(vs), VIEW_MAX);
    cr_assert_eq(view_set_add(vs, "one_too_many"), XY_ETOOBIG);
    cr_assert_eq(view_set_add(vs, "v2"), XY_EEXIST);
    cr_assert_eq(view_set_count(vs), VIEW_MAX);
    view_set_destroy(&vs);
    view_set_destroy(&vs); /* safe twice */
}

Test(view, set_on_refuses_no_function_and_too_many_reducers)
{
    view_set_t *vs = view_set_new();
    cr_assert_eq(view_set_on(vs, XY__EVENT__BODY_CASE_CLOSED, NULL, NULL),
                 XY_EINVAL);
    for (int i = 0; i < VIEW_REDUCERS_MAX; i++)
        cr_assert_eq(
            view_set_on(vs, XY__EVENT__BODY_CASE_CLOSED, s_reduce_person, NULL),
            0);
    cr_assert_eq(
        view_set_on(vs, XY__EVENT__BODY_CASE_CLOSED, s_reduce_person, NULL),
        XY_ETOOBIG);
    view_set_destroy(&vs);
}

/* A reducer that runs a scripted sequence of view operations inside the
 * write transaction and records what each returned, for the test to check
 * after the commit. */
typedef struct s_script {
    int view;           /* the view operated on */
    int rc[16];         /* return codes, in order */
    int64_t counts[16]; /* counter readings, in order */
    size_t n_rc, n_counts;
} s_script_t;

static int s_reduce_counts(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    (void)ev;
    s_script_t *s = arg;
    const char *k = "zone-7";
    size_t kl = strlen(k);
    const int64_t deltas[] = {1, 1, -1, -1};
    for (size_t i = 0; i < 4; i++) {
        s->rc[s->n_rc++] = view_count_add(vt, s->view, k, kl, deltas[i]);
        s->counts[s->n_counts++] = view_count_get(vt, s->view, k, kl);
    }
    const void *val;
    size_t vlen;
    s->rc[s->n_rc++] = view_get(vt, s->view, k, kl, &val, &vlen);
    /* Below zero is kept (a decrement may arrive first); back to zero is
     * removed. */
    s->rc[s->n_rc++] = view_count_add(vt, s->view, "neg", 3, -3);
    s->counts[s->n_counts++] = view_count_get(vt, s->view, "neg", 3);
    s->rc[s->n_rc++] = view_count_add(vt, s->view, "neg", 3, 3);
    s->rc[s->n_rc++] = view_get(vt, s->view, "neg", 3, &val, &vlen);
    s->rc[s->n_rc++] = view_count_add(vt, s->view, "kept", 4, 5);
    return 0;
}

/* Writes one PersonRegistered into a fresh log with vs; returns the log. */
static event_log_t *s_log_with_one_event(char **dir, const view_set_t *vs)
{
    event_log_t *log = s_fresh_log(dir, vs);
    uint8_t *buf;
    size_t len;
    xy_test_person_event(&buf, &len, 3, 1, HLC_MAKE(S_BASE_MS, 0), 1, "A");
    event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = buf, .len = len};
    int rc = event_log_write(log, &w, 1, NULL);
    cr_assert_eq(rc, 0, "write: %s", xy_strerror(rc));
    cr_assert_eq(w.status, 0);
    free(buf);
    return log;
}

typedef struct s_listing {
    int view;
    size_t n;
    char keys[16][16];
} s_listing_t;

static int s_collect_key(const void *key, size_t klen, const void *val,
                         size_t vlen, void *arg)
{
    (void)val;
    (void)vlen;
    s_listing_t *l = arg;
    if (l->n == 16 || klen >= sizeof l->keys[0])
        return XY_ERANGE;
    memcpy(l->keys[l->n], key, klen);
    l->keys[l->n][klen] = '\0';
    l->n++;
    return 0;
}

static int s_read_counts(view_txn_t *vt, void *arg)
{
    s_script_t *s = arg;
    const void *val;
    size_t vlen;
    cr_assert_eq(view_get(vt, s->view, "zone-7", 6, &val, &vlen), XY_ENOENT);
    cr_assert_eq(view_get(vt, s->view, "neg", 3, &val, &vlen), XY_ENOENT);
    cr_assert_eq(view_count_get(vt, s->view, "kept", 4), 5);
    s_listing_t l = {s->view, 0, {{0}}};
    cr_assert_eq(view_scan(vt, s->view, NULL, 0, s_collect_key, &l), 0);
    cr_assert_eq(l.n, 1, "only the non-zero counter is left");
    cr_assert_str_eq(l.keys[0], "kept");
    return 0;
}

Test(view, count_add_removes_a_counter_that_reaches_zero)
{
    view_set_t *vs = view_set_new();
    static s_script_t script;
    script.view = view_set_add(vs, "counts");
    cr_assert_eq(view_set_on(vs, XY__EVENT__BODY_PERSON_REGISTERED,
                             s_reduce_counts, &script),
                 0);
    char *dir = NULL;
    event_log_t *log = s_log_with_one_event(&dir, vs);
    for (size_t i = 0; i < script.n_rc; i++)
        if (i != 4 && i != 7)
            cr_assert_eq(script.rc[i], 0, "op %zu: %s", i,
                         xy_errname(script.rc[i]));
    cr_assert_eq(script.rc[4], XY_ENOENT, "zone-7 removed at zero");
    cr_assert_eq(script.rc[7], XY_ENOENT, "neg removed at zero");
    cr_assert_eq(script.counts[0], 1);
    cr_assert_eq(script.counts[1], 2);
    cr_assert_eq(script.counts[2], 1);
    cr_assert_eq(script.counts[3], 0);
    cr_assert_eq(script.counts[4], -3);
    cr_assert_eq(event_log_view_read(log, s_read_counts, &script), 0);
    event_log_destroy(&log);
    xy_test_rmdir(&dir);
    view_set_destroy(&vs);
}

static const char *s_scan_keys[] = {"b",  "ab.2", "a",   "abc",
                                    "ab", "aa",   "ab.1"};

/* Puts the scan keys and records errors of invalid operations. */
static int s_reduce_keys(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    (void)ev;
    s_script_t *s = arg;
    for (size_t i = 0; i < sizeof s_scan_keys / sizeof s_scan_keys[0]; i++)
        s->rc[s->n_rc++] = view_put(vt, s->view, s_scan_keys[i],
                                    strlen(s_scan_keys[i]), "v", 1);
    uint8_t long_key[VIEW_KEY_MAX + 1] = {0};
    s->rc[s->n_rc++] = view_put(vt, s->view, long_key, sizeof long_key, "v", 1);
    s->rc[s->n_rc++] = view_put(vt, s->view, "", 0, "v", 1);
    s->rc[s->n_rc++] = view_put(vt, 99, "k", 1, "v", 1);
    s->rc[s->n_rc++] = view_del(vt, s->view, "absent", 6);
    return 0;
}

static int s_stop_first(const void *key, size_t klen, const void *val,
                        size_t vlen, void *arg)
{
    s_collect_key(key, klen, val, vlen, arg);
    return 1;
}

static int s_fail(const void *key, size_t klen, const void *val, size_t vlen,
                  void *arg)
{
    (void)key;
    (void)klen;
    (void)val;
    (void)vlen;
    (void)arg;
    return XY_ECANCELED;
}

static int s_read_scans(view_txn_t *vt, void *arg)
{
    s_script_t *s = arg;
    s_listing_t l = {s->view, 0, {{0}}};
    cr_assert_eq(view_scan(vt, s->view, "ab", 2, s_collect_key, &l), 0);
    cr_assert_eq(l.n, 4);
    cr_assert_str_eq(l.keys[0], "ab");
    cr_assert_str_eq(l.keys[1], "ab.1");
    cr_assert_str_eq(l.keys[2], "ab.2");
    cr_assert_str_eq(l.keys[3], "abc");

    l.n = 0;
    cr_assert_eq(view_scan(vt, s->view, "ab.", 3, s_collect_key, &l), 0);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.keys[0], "ab.1");
    cr_assert_str_eq(l.keys[1], "ab.2");

    l.n = 0;
    cr_assert_eq(view_scan(vt, s->view, "zz", 2, s_collect_key, &l), 0);
    cr_assert_eq(l.n, 0);
    cr_assert_eq(view_scan(vt, s->view, "abd", 3, s_collect_key, &l), 0);
    cr_assert_eq(l.n, 0, "a prefix past every match finds nothing");

    l.n = 0;
    cr_assert_eq(view_scan(vt, s->view, NULL, 0, s_collect_key, &l), 0);
    cr_assert_eq(l.n, 7);
    const char *sorted[] = {"a", "aa", "ab", "ab.1", "ab.2", "abc", "b"};
    for (size_t i = 0; i < 7; i++)
        cr_assert_str_eq(l.keys[i], sorted[i]);

    l.n = 0;
    cr_assert_eq(view_scan(vt, s->view, "a", 1, s_stop_first, &l), 0);
    cr_assert_eq(l.n, 1, "visitor returning 1 stops the scan");
    cr_assert_eq(view_scan(vt, s->view, "a", 1, s_fail, &l), XY_ECANCELED);
    cr_assert_eq(view_scan(vt, 99, NULL, 0, s_collect_key, &l), XY_EINVAL);

    /* Readers cannot write. */
    cr_assert_eq(view_put(vt, s->view, "x", 1, "v", 1), XY_EPERM);
    cr_assert_eq(view_del(vt, s->view, "a", 1), XY_EPERM);
    cr_assert_eq(view_count_add(vt, s->view, "c", 1, 1), XY_EPERM);
    const void *val;
    size_t vlen;
    cr_assert_eq(view_get(vt, s->view, "a", 1, &val, &vlen), 0);
    cr_assert_eq(vlen, 1);
    cr_assert_eq(view_set_find(view_txn_set(vt), "keys"), s->view);
    return 0;
}

Test(view, scan_visits_exactly_the_prefix_in_key_order)
{
    view_set_t *vs = view_set_new();
    static s_script_t script;
    script.view = view_set_add(vs, "keys");
    cr_assert_eq(view_set_on(vs, XY__EVENT__BODY_PERSON_REGISTERED,
                             s_reduce_keys, &script),
                 0);
    char *dir = NULL;
    event_log_t *log = s_log_with_one_event(&dir, vs);
    for (size_t i = 0; i < 7; i++)
        cr_assert_eq(script.rc[i], 0, "put %zu", i);
    cr_assert_eq(script.rc[7], XY_EINVAL, "key over VIEW_KEY_MAX");
    cr_assert_eq(script.rc[8], XY_EINVAL, "empty key");
    cr_assert_eq(script.rc[9], XY_EINVAL, "no such view");
    cr_assert_eq(script.rc[10], 0, "deleting an absent key is no error");
    cr_assert_eq(event_log_view_read(log, s_read_scans, &script), 0);
    event_log_destroy(&log);
    xy_test_rmdir(&dir);
    view_set_destroy(&vs);
}

/* ------------------------------------------------- views of an upgrade */

static int s_count_view = -1; /* "person.count" in the upgraded sets */
static int64_t s_count_step = 1;

static int s_reduce_count(view_txn_t *vt, const Xy__Event *ev, void *arg)
{
    (void)ev;
    (void)arg;
    return view_count_add(vt, s_count_view, "all", 3, s_count_step);
}

/* The person views plus "person.count", at version. */
static view_set_t *s_upgraded_views(uint32_t version, int64_t step)
{
    view_set_t *vs = s_person_views();
    s_count_view = view_set_add(vs, "person.count");
    cr_assert_geq(s_count_view, 0);
    cr_assert_eq(view_set_on(vs, XY__EVENT__BODY_PERSON_REGISTERED,
                             s_reduce_count, NULL),
                 0);
    view_set_version(vs, version);
    s_count_step = step;
    return vs;
}

static int s_read_count(view_txn_t *vt, void *arg)
{
    *(int64_t *)arg = view_count_get(vt, s_count_view, "all", 3);
    return 0;
}

static int64_t s_count_after_open(const char *dir, const view_set_t *vs)
{
    uint8_t me[XY_ID_LEN];
    xy_test_id(me, 100);
    event_log_opts_t o = {.now_ms = s_now, .views = vs, .no_sync = true};
    event_log_t *log = NULL;
    cr_assert_eq(event_log_open(&log, dir, me, &o), 0);
    int64_t n = -1;
    cr_assert_eq(event_log_view_read(log, s_read_count, &n), 0);
    event_log_destroy(&log);
    return n;
}

Test(view, a_store_opened_with_new_views_or_reducers_is_folded_again)
{
    /* Three persons stored by a node whose views know no count. */
    view_set_t *old = s_person_views();
    char *dir = NULL;
    event_log_t *log = s_fresh_log(&dir, old);
    for (uint32_t i = 1; i <= 3; i++) {
        uint8_t *e;
        size_t len;
        xy_test_person_event(&e, &len, 1, i, HLC_MAKE(S_BASE_MS + i, 0), i,
                             "Yingxiu school");
        event_write_t w = {.kind = EVENT_WRITE_FOREIGN, .bytes = e,
                           .len = len};
        cr_assert_eq(event_log_write(log, &w, 1, NULL), 0);
        cr_assert_eq(w.status, 0);
        free(e);
    }
    event_log_destroy(&log);
    view_set_destroy(&old);

    /* An upgrade adds the count: opening folds what was stored into it. */
    view_set_t *v1 = s_upgraded_views(0, 1);
    cr_assert_eq(s_count_after_open(dir, v1), 3);
    view_set_destroy(&v1);
    /* Opened again by a set of the same fingerprint: not folded again (a
     * reducer changed without its version bumped goes unnoticed). */
    view_set_t *same = s_upgraded_views(0, 10);
    cr_assert_eq(s_count_after_open(dir, same), 3);
    view_set_destroy(&same);
    /* A reducer that now stores something else, with its version bumped:
     * folded again from the log. */
    view_set_t *v2 = s_upgraded_views(2, 10);
    cr_assert_eq(s_count_after_open(dir, v2), 30);
    view_set_destroy(&v2);
    xy_test_rmdir(&dir);
}

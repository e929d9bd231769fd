/* View registry, the view transaction API reducers use, and the digest
 * (view.h, view_internal.h). */
#include "core/view_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct s_reducer {
    uint32_t type;       /* event body type */
    view_reducer_fn fn;  /* the reducer */
    void *arg;           /* its argument (borrowed) */
} s_reducer_t;

struct view_set {
    char names[VIEW_MAX][VIEW_NAME_MAX + 1]; /* view names, by index */
    size_t n_views;                          /* views added */
    s_reducer_t reducers[VIEW_REDUCERS_MAX]; /* in registration order */
    size_t n_reducers;                       /* reducers added */
    uint32_t version;                        /* of what reducers store */
};

int xy_from_mdb(int rc)
{
    switch (rc) {
    case MDB_SUCCESS:
        return 0;
    case MDB_NOTFOUND:
        return XY_ENOENT;
    case MDB_MAP_FULL:
        return XY_ESTOREFULL;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
        return XY_ECORRUPT;
    case MDB_KEYEXIST:
        return XY_EEXIST;
    case ENOMEM:
        return XY_ENOMEM;
    case EACCES:
        return XY_EPERM;
    case ENOENT:
        return XY_ENOENT;
    case EIO:
        return XY_EIO;
    case EAGAIN:
    case EBUSY:
        return XY_ELOCKED;
    default:
        return XY_ESTORE;
    }
}

view_set_t *view_set_new(void)
{
    return xcalloc(1, sizeof(view_set_t));
}

void view_set_destroy(view_set_t **vs)
{
    if (!vs || !*vs)
        return;
    free(*vs);
    *vs = NULL;
}

static int s_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > VIEW_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

int view_set_add(view_set_t *vs, const char *name)
{
    if (!s_name_ok(name))
        return XY_EINVAL;
    if (view_set_find(vs, name) >= 0)
        return XY_EEXIST;
    if (vs->n_views == VIEW_MAX)
        return XY_ETOOBIG;
    snprintf(vs->names[vs->n_views], sizeof vs->names[0], "%s", name);
    return (int)vs->n_views++;
}

int view_set_on(view_set_t *vs, uint32_t type, view_reducer_fn fn, void *arg)
{
    if (!fn)
        return XY_EINVAL;
    if (vs->n_reducers == VIEW_REDUCERS_MAX)
        return XY_ETOOBIG;
    vs->reducers[vs->n_reducers++] = (s_reducer_t){type, fn, arg};
    return 0;
}

void view_set_version(view_set_t *vs, uint32_t version)
{
    vs->version = version;
}

void view_set_fingerprint(const view_set_t *vs,
                          uint8_t out[VIEW_FINGERPRINT_LEN])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, VIEW_FINGERPRINT_LEN);
    uint8_t v[4] = {(uint8_t)(vs->version >> 24), (uint8_t)(vs->version >> 16),
                    (uint8_t)(vs->version >> 8), (uint8_t)vs->version};
    crypto_generichash_update(&st, v, sizeof v);
    for (size_t i = 0; i < vs->n_views; i++)
        crypto_generichash_update(&st, (const uint8_t *)vs->names[i],
                                  strlen(vs->names[i]) + 1);
    crypto_generichash_final(&st, out, VIEW_FINGERPRINT_LEN);
}

int view_set_find(const view_set_t *vs, const char *name)
{
    for (size_t i = 0; i < vs->n_views; i++)
        if (strcmp(vs->names[i], name) == 0)
            return (int)i;
    return XY_ENOENT;
}

size_t view_set_count(const view_set_t *vs)
{
    return vs ? vs->n_views : 0;
}

const char *view_set_name(const view_set_t *vs, int view)
{
    if (view < 0 || (size_t)view >= vs->n_views)
        return NULL;
    return vs->names[view];
}

const view_set_t *view_txn_set(const view_txn_t *vt)
{
    return vt->vs;
}

int view_set_apply(const view_set_t *vs, view_txn_t *vt, const Xy__Event *ev)
{
    if (!vs)
        return 0;
    for (size_t i = 0; i < vs->n_reducers; i++) {
        const s_reducer_t *r = &vs->reducers[i];
        if (r->type != (uint32_t)ev->body_case)
            continue;
        int rc = r->fn(vt, ev, r->arg);
        if (rc)
            return rc;
    }
    return 0;
}

int view_set_open_dbs(const view_set_t *vs, MDB_txn *txn, MDB_dbi *dbis,
                      bool create)
{
    for (size_t i = 0; vs && i < vs->n_views; i++) {
        char dbname[VIEW_NAME_MAX + 3];
        snprintf(dbname, sizeof dbname, "v.%s", vs->names[i]);
        int rc = mdb_dbi_open(txn, dbname, create ? MDB_CREATE : 0, &dbis[i]);
        if (rc)
            return xy_from_mdb(rc);
    }
    return 0;
}

static int s_check(view_txn_t *vt, int view, size_t klen)
{
    if (view < 0 || !vt->vs || (size_t)view >= vt->vs->n_views)
        return XY_EINVAL;
    if (klen == 0 || klen > VIEW_KEY_MAX)
        return XY_EINVAL;
    return 0;
}

int view_get(view_txn_t *vt, int view, const void *key, size_t klen,
             const void **val, size_t *vlen)
{
    int rc = s_check(vt, view, klen);
    if (rc)
        return rc;
    MDB_val k = {klen, (void *)key}, v;
    rc = mdb_get(vt->txn, vt->dbis[view], &k, &v);
    if (rc)
        return xy_from_mdb(rc);
    *val = v.mv_data;
    *vlen = v.mv_size;
    return 0;
}

int view_put(view_txn_t *vt, int view, const void *key, size_t klen,
             const void *val, size_t vlen)
{
    int rc = s_check(vt, view, klen);
    if (rc)
        return rc;
    if (!vt->writable)
        return XY_EPERM;
    MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};
    return xy_from_mdb(mdb_put(vt->txn, vt->dbis[view], &k, &v, 0));
}

int view_del(view_txn_t *vt, int view, const void *key, size_t klen)
{
    int rc = s_check(vt, view, klen);
    if (rc)
        return rc;
    if (!vt->writable)
        return XY_EPERM;
    MDB_val k = {klen, (void *)key};
    rc = mdb_del(vt->txn, vt->dbis[view], &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : xy_from_mdb(rc);
}

int view_scan(view_txn_t *vt, int view, const void *prefix, size_t plen,
              view_entry_fn visit, void *arg)
{
    if (view < 0 || !vt->vs || (size_t)view >= vt->vs->n_views ||
        plen > VIEW_KEY_MAX)
        return XY_EINVAL;
    MDB_cursor *cur = NULL;
    int rc = mdb_cursor_open(vt->txn, vt->dbis[view], &cur);
    if (rc)
        return xy_from_mdb(rc);
    MDB_val k = {plen, (void *)prefix}, v;
    rc = mdb_cursor_get(cur, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST);
    while (rc == 0) {
        if (plen && (k.mv_size < plen || memcmp(k.mv_data, prefix, plen)))
            break;
        int vr = visit(k.mv_data, k.mv_size, v.mv_data, v.mv_size, arg);
        if (vr) {
            mdb_cursor_close(cur);
            return vr < 0 ? vr : 0;
        }
        rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : xy_from_mdb(rc);
}

static void s_be64(uint8_t out[8], uint64_t x)
{
    for (int i = 7; i >= 0; i--, x >>= 8)
        out[i] = (uint8_t)x;
}

static uint64_t s_get_be64(const uint8_t in[8])
{
    uint64_t x = 0;
    for (int i = 0; i < 8; i++)
        x = x << 8 | in[i];
    return x;
}

int64_t view_count_get(view_txn_t *vt, int view, const void *key, size_t klen)
{
    const void *val;
    size_t vlen;
    if (view_get(vt, view, key, klen, &val, &vlen) || vlen != 8)
        return 0;
    return (int64_t)s_get_be64(val);
}

int view_count_add(view_txn_t *vt, int view, const void *key, size_t klen,
                   int64_t delta)
{
    int64_t n = view_count_get(vt, view, key, klen) + delta;
    if (n == 0)
        return view_del(vt, view, key, klen);
    uint8_t buf[8];
    s_be64(buf, (uint64_t)n);
    return view_put(vt, view, key, klen, buf, sizeof buf);
}

static void s_hash_chunk(crypto_generichash_state *st, const void *p, size_t n)
{
    uint8_t len[8];
    s_be64(len, n);
    crypto_generichash_update(st, len, sizeof len);
    crypto_generichash_update(st, p, n);
}

static int s_digest_entry(const void *key, size_t klen, const void *val,
                          size_t vlen, void *arg)
{
    s_hash_chunk(arg, key, klen);
    s_hash_chunk(arg, val, vlen);
    return 0;
}

int view_digest(view_txn_t *vt, uint8_t out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    size_t n = view_set_count(vt->vs);
    /* Views in name order, so the digest does not depend on the order the
     * daemon registered them in. */
    int order[VIEW_MAX];
    for (size_t i = 0; i < n; i++)
        order[i] = (int)i;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(vt->vs->names[order[j - 1]],
                                           vt->vs->names[order[j]]) > 0;
             j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        const char *name = vt->vs->names[order[i]];
        s_hash_chunk(&st, name, strlen(name));
        int rc = view_scan(vt, order[i], NULL, 0, s_digest_entry, &st);
        if (rc)
            return rc;
    }
    crypto_generichash_final(&st, out, 32);
    return 0;
}

int view_clear_all(view_txn_t *vt)
{
    for (size_t i = 0; i < view_set_count(vt->vs); i++) {
        int rc = mdb_drop(vt->txn, vt->dbis[i], 0);
        if (rc)
            return xy_from_mdb(rc);
    }
    return 0;
}

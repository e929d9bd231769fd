/* The event log on LMDB (event_log.h).
 *
 * Databases of the environment:
 *   events    origin(16) seq(8, big-endian)  -> packed Event
 *   log       position(8, big-endian)        -> origin(16) seq(8) type(4) flags(1)
 *   frontier  origin(16)                     -> seq(8): highest with no gap
 *   cursors   peer name                      -> position(8)
 *   meta      "format", "node_id", "last_pos", "hlc", "count", "own_seq",
 *             "views" (fingerprint of the view set that folded v.*)
 *   v.<name>  one per registered view
 * Big-endian integers keep LMDB's byte order equal to numeric order.
 * This file is the write side and the log's lifecycle; the read side is
 * event_log_read.c. */
#include "core/event_log_internal.h"
#include "core/view_internal.h"
#include "common/xy_error.h"
#include "common/xy_mem.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static uint64_t s_realtime_ms(void *arg)
{
    (void)arg;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int s_meta_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *name,
                          uint64_t *out)
{
    MDB_val k = {strlen(name), (void *)name}, v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc == MDB_NOTFOUND) {
        *out = 0;
        return 0;
    }
    if (rc)
        return xy_from_mdb(rc);
    if (v.mv_size != 8)
        return XY_ECORRUPT;
    *out = el_be64(v.mv_data);
    return 0;
}

static int s_meta_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *name,
                          uint64_t x)
{
    uint8_t buf[8];
    el_put_be64(buf, x);
    MDB_val k = {strlen(name), (void *)name}, v = {8, buf};
    return xy_from_mdb(mdb_put(txn, dbi, &k, &v, 0));
}

/* Checks that the store belongs to this node and this format, or marks a new
 * store as such. */
static int s_check_identity(event_log_t *log, MDB_txn *txn)
{
    MDB_val k = {6, "format"}, v;
    int rc = mdb_get(txn, log->meta, &k, &v);
    if (rc == MDB_NOTFOUND) {
        MDB_val fv = {strlen(EL_FORMAT), EL_FORMAT};
        MDB_val nk = {7, "node_id"}, nv = {XY_ID_LEN, log->node_id};
        rc = mdb_put(txn, log->meta, &k, &fv, 0);
        if (!rc)
            rc = mdb_put(txn, log->meta, &nk, &nv, 0);
        return xy_from_mdb(rc);
    }
    if (rc)
        return xy_from_mdb(rc);
    if (v.mv_size != strlen(EL_FORMAT) || memcmp(v.mv_data, EL_FORMAT, v.mv_size))
        return XY_ECORRUPT;
    MDB_val nk = {7, "node_id"};
    rc = mdb_get(txn, log->meta, &nk, &v);
    if (rc)
        return rc == MDB_NOTFOUND ? XY_ECORRUPT : xy_from_mdb(rc);
    if (v.mv_size != XY_ID_LEN || memcmp(v.mv_data, log->node_id, XY_ID_LEN))
        return XY_ECORRUPT;
    return 0;
}

/* Clears every view and folds the whole log into them again, in txn. */
static int s_fold_all(event_log_t *log, MDB_txn *txn)
{
    view_txn_t vt = {txn, log->vs, log->views, true};
    int rc = view_clear_all(&vt);
    if (rc)
        return rc;
    MDB_cursor *cur = NULL;
    rc = xy_from_mdb(mdb_cursor_open(txn, log->log, &cur));
    if (rc)
        return rc;
    MDB_val pk, lv;
    int mrc = mdb_cursor_get(cur, &pk, &lv, MDB_FIRST);
    while (mrc == 0 && !rc) {
        event_ref_t ref;
        rc = el_ref_from_log(log, txn, &pk, &lv, &ref);
        if (rc)
            break;
        xy_decoded_t *d = NULL;
        if (xy_event_unpack_envelope(ref.bytes, ref.len, &d)) {
            rc = XY_ECORRUPT;
            break;
        }
        rc = view_set_apply(log->vs, &vt, xy_decoded_event(d));
        xy_decoded_destroy(&d);
        mrc = mdb_cursor_get(cur, &pk, &lv, MDB_NEXT);
    }
    if (!rc && mrc && mrc != MDB_NOTFOUND)
        rc = xy_from_mdb(mrc);
    mdb_cursor_close(cur);
    return rc;
}

/* Folds the views again when they were folded by a set of another
 * fingerprint (new views, changed reducers: view_set_fingerprint), and
 * records the fingerprint, in txn. A new store only records it. */
static int s_check_views(event_log_t *log, MDB_txn *txn)
{
    uint8_t fp[VIEW_FINGERPRINT_LEN];
    view_set_fingerprint(log->vs, fp);
    MDB_val k = {strlen("views"), (void *)"views"}, v;
    int rc = mdb_get(txn, log->meta, &k, &v);
    if (rc == 0 && v.mv_size == sizeof fp &&
        memcmp(v.mv_data, fp, sizeof fp) == 0)
        return 0;
    if (rc != 0 && rc != MDB_NOTFOUND)
        return xy_from_mdb(rc);
    if (log->count > 0) {
        rc = s_fold_all(log, txn);
        if (rc)
            return rc;
    }
    MDB_val nv = {sizeof fp, fp};
    return xy_from_mdb(mdb_put(txn, log->meta, &k, &nv, 0));
}

static int s_open_dbs(event_log_t *log)
{
    MDB_txn *txn = NULL;
    int rc = xy_from_mdb(mdb_txn_begin(log->env, NULL, 0, &txn));
    if (rc)
        return rc;
    struct {
        const char *name;
        MDB_dbi *dbi;
    } dbs[] = {{"events", &log->events},     {"log", &log->log},
               {"frontier", &log->frontier}, {"cursors", &log->cursors},
               {"meta", &log->meta}};
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0] && !rc; i++)
        rc = xy_from_mdb(mdb_dbi_open(txn, dbs[i].name, MDB_CREATE, dbs[i].dbi));
    if (!rc)
        rc = s_check_identity(log, txn);
    if (!rc)
        rc = view_set_open_dbs(log->vs, txn, log->views, true);
    uint64_t hlc = 0;
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "last_pos", &log->last_pos);
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "count", &log->count);
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "own_seq", &log->own_seq);
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "hlc", &hlc);
    if (!rc && log->vs)
        rc = s_check_views(log, txn);
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    log->hlc.last = hlc;
    return xy_from_mdb(mdb_txn_commit(txn));
}

int event_log_open(event_log_t **out, const char *dir,
                   const uint8_t node_id[XY_ID_LEN],
                   const event_log_opts_t *opts)
{
    *out = NULL;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return XY_ENOENT;
    event_log_opts_t o = opts ? *opts : (event_log_opts_t){0};
    event_log_t *log = xcalloc(1, sizeof *log);
    log->dir = xstrdup(dir);
    memcpy(log->node_id, node_id, XY_ID_LEN);
    log->vs = o.views;
    log->map_size = o.map_size ? o.map_size : EL_MAP_DEFAULT;
    log->now_ms = o.now_ms ? o.now_ms : s_realtime_ms;
    log->now_arg = o.now_arg;
    log->no_sync = o.no_sync;
    hlc_init(&log->hlc, 0, o.max_offset_ms ? o.max_offset_ms
                                           : EL_OFFSET_DEFAULT_MS);
    int rc = xy_from_mdb(mdb_env_create(&log->env));
    if (rc)
        goto out;
    rc = xy_from_mdb(mdb_env_set_maxdbs(log->env, EL_MAXDBS));
    if (!rc)
        rc = xy_from_mdb(mdb_env_set_mapsize(log->env, log->map_size));
    if (rc)
        goto out;
    /* NOTLS: reader transactions may live on threads other than the one
     * that began them (HTTP workers). */
    unsigned flags = MDB_NOTLS | (o.no_sync ? MDB_NOSYNC : 0);
    rc = xy_from_mdb(mdb_env_open(log->env, dir, flags, 0600));
    if (rc)
        goto out;
    int dead = 0;
    mdb_reader_check(log->env, &dead);
    MDB_envinfo info;
    if (mdb_env_info(log->env, &info) == 0 && info.me_mapsize > log->map_size)
        log->map_size = info.me_mapsize;
    rc = s_open_dbs(log);
out:
    if (rc) {
        event_log_destroy(&log);
        return rc;
    }
    *out = log;
    return 0;
}

void event_log_destroy(event_log_t **logp)
{
    if (!logp || !*logp)
        return;
    event_log_t *log = *logp;
    if (log->env)
        mdb_env_close(log->env);
    free(log->fronts.ents);
    free(log->fronts.slots);
    free(log->dir);
    free(log);
    *logp = NULL;
}

/* Mixes all 16 bytes of an origin: test and early ids are mostly zeros. */
static size_t s_origin_hash(const uint8_t *origin)
{
    uint64_t a, b;
    memcpy(&a, origin, 8);
    memcpy(&b, origin + 8, 8);
    uint64_t x = a ^ (b * 0x9e3779b97f4a7c15u);
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return (size_t)(x ^ (x >> 31));
}

/* Forgets every entry, in time proportional to their number rather than to
 * the index (which keeps the size of the largest batch seen). */
static void s_fronts_clear(el_fronts_t *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        fs->slots[fs->ents[i].slot] = 0;
    fs->n = 0;
}

static void s_fronts_reindex(el_fronts_t *fs, size_t nslots)
{
    free(fs->slots);
    fs->slots = xcalloc(nslots, sizeof *fs->slots);
    fs->nslots = nslots;
    for (size_t i = 0; i < fs->n; i++) {
        size_t s = s_origin_hash(fs->ents[i].origin) & (nslots - 1);
        while (fs->slots[s])
            s = (s + 1) & (nslots - 1);
        fs->slots[s] = i + 1;
        fs->ents[i].slot = s;
    }
}

/* Finds origin's entry, reading its frontier from the store on first use in
 * this transaction. *out is valid until the next call. */
static int s_front_get(event_log_t *log, MDB_txn *txn, const uint8_t *origin,
                       el_front_t **out)
{
    el_fronts_t *fs = &log->fronts;
    if (2 * (fs->n + 1) > fs->nslots)
        s_fronts_reindex(fs, fs->nslots ? 2 * fs->nslots : 16);
    size_t mask = fs->nslots - 1;
    size_t s = s_origin_hash(origin) & mask;
    for (; fs->slots[s]; s = (s + 1) & mask) {
        el_front_t *e = &fs->ents[fs->slots[s] - 1];
        if (memcmp(e->origin, origin, XY_ID_LEN) == 0) {
            *out = e;
            return 0;
        }
    }
    MDB_val k = {XY_ID_LEN, (void *)origin}, v;
    uint64_t f = 0;
    int rc = mdb_get(txn, log->frontier, &k, &v);
    if (rc == 0 && v.mv_size == 8)
        f = el_be64(v.mv_data);
    else if (rc && rc != MDB_NOTFOUND)
        return xy_from_mdb(rc);
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 16;
        fs->ents = xrealloc(fs->ents, fs->cap * sizeof *fs->ents);
    }
    el_front_t *e = &fs->ents[fs->n];
    memcpy(e->origin, origin, XY_ID_LEN);
    e->seq = f;
    e->slot = s;
    e->dirty = false;
    fs->slots[s] = ++fs->n;
    *out = e;
    return 0;
}

/* Writes every frontier the transaction moved. */
static int s_fronts_flush(event_log_t *log, MDB_txn *txn)
{
    const el_fronts_t *fs = &log->fronts;
    for (size_t i = 0; i < fs->n; i++) {
        const el_front_t *e = &fs->ents[i];
        if (!e->dirty)
            continue;
        uint8_t buf[8];
        el_put_be64(buf, e->seq);
        MDB_val k = {XY_ID_LEN, (void *)e->origin}, v = {8, buf};
        int rc = mdb_put(txn, log->frontier, &k, &v, 0);
        if (rc)
            return xy_from_mdb(rc);
    }
    return 0;
}

/* Raises origin's frontier after (origin, seq) was stored at ws->ev_cur:
 * while the next seq is held, move on. */
static int s_frontier_advance(event_log_t *log, el_wstate_t *ws,
                              const uint8_t *origin, uint64_t seq)
{
    el_front_t *e = NULL;
    int rc = s_front_get(log, ws->txn, origin, &e);
    if (rc)
        return rc;
    if (seq != e->seq + 1)
        return 0;
    /* Keys sort by origin then seq, so the origin's next seqs, when held,
     * are the keys right after the one the cursor rests on. */
    uint64_t f = seq;
    for (;;) {
        MDB_val k, v;
        rc = mdb_cursor_get(ws->ev_cur, &k, &v, MDB_NEXT);
        if (rc == MDB_NOTFOUND)
            break;
        if (rc)
            return xy_from_mdb(rc);
        const uint8_t *kb = k.mv_data;
        if (k.mv_size != EL_EVKEY_LEN || memcmp(kb, origin, XY_ID_LEN) != 0 ||
            el_be64(kb + XY_ID_LEN) != f + 1)
            break;
        f++;
    }
    e->seq = f;
    e->dirty = true;
    return 0;
}

/* Puts the event (origin, seq) at ws->ev_cur: the len bytes at bytes or,
 * bytes NULL, room for them that *room then points to, valid until the next
 * write. XY_EEXIST when the identity is held. */
static int s_put_event(el_wstate_t *ws, const uint8_t *origin, uint64_t seq,
                       const uint8_t *bytes, size_t len, uint8_t **room)
{
    uint8_t key[EL_EVKEY_LEN];
    memcpy(key, origin, XY_ID_LEN);
    el_put_be64(key + XY_ID_LEN, seq);
    MDB_val k = {sizeof key, key}, v = {len, (void *)bytes};
    unsigned flags = MDB_NOOVERWRITE | (bytes ? 0 : MDB_RESERVE);
    int rc = mdb_cursor_put(ws->ev_cur, &k, &v, flags);
    if (rc == MDB_KEYEXIST)
        return XY_EEXIST;
    if (rc)
        return xy_from_mdb(rc);
    if (!bytes)
        *room = v.mv_data;
    return 0;
}

/* After ev was put at ws->ev_cur: appends it to the log, moves its origin's
 * frontier and folds it into the views. */
static int s_record(event_log_t *log, el_wstate_t *ws, const Xy__Event *ev,
                    event_write_t *w)
{
    uint8_t pkey[8], lval[EL_LOGVAL_LEN];
    el_put_be64(pkey, ws->last_pos + 1);
    memcpy(lval, ev->origin.data, XY_ID_LEN);
    el_put_be64(lval + XY_ID_LEN, ev->seq);
    uint32_t type = (uint32_t)ev->body_case;
    for (int i = 0; i < 4; i++)
        lval[EL_EVKEY_LEN + i] = (uint8_t)(type >> (24 - 8 * i));
    lval[EL_EVKEY_LEN + 4] = w->flags;
    MDB_val pk = {8, pkey}, lv = {sizeof lval, lval};
    int rc = xy_from_mdb(mdb_cursor_put(ws->log_cur, &pk, &lv, MDB_APPEND));
    if (!rc)
        rc = s_frontier_advance(log, ws, ev->origin.data, ev->seq);
    if (!rc) {
        view_txn_t vt = {ws->txn, log->vs, log->views, true};
        rc = view_set_apply(log->vs, &vt, ev);
    }
    if (rc)
        return rc;
    ws->last_pos++;
    ws->count++;
    w->position = ws->last_pos;
    w->seq = ev->seq;
    w->hlc = ev->hlc;
    return 0;
}

typedef struct s_own_put {
    el_wstate_t *ws;      /* the transaction */
    const Xy__Event *ev; /* the event being packed */
} s_own_put_t;

/* Reserves the stored value of an own event for the codec to pack into,
 * sparing a buffer and a copy. */
static int s_reserve_own(size_t len, void *arg, uint8_t **out)
{
    s_own_put_t *o = arg;
    return s_put_event(o->ws, o->ev->origin.data, o->ev->seq, NULL, len, out);
}

static int s_write_own(event_log_t *log, el_wstate_t *ws, event_write_t *w)
{
    Xy__Event *ev = w->own;
    if (!ev || ev->body_case == XY__EVENT__BODY__NOT_SET)
        return XY_EMISSING;
    ev->origin.data = log->node_id;
    ev->origin.len = XY_ID_LEN;
    ev->seq = ws->own_seq + 1;
    ev->hlc = hlc_now(&ws->hlc, log->now_ms(log->now_arg));
    /* The reserved value is filled before the next write, as LMDB asks. */
    s_own_put_t o = {ws, ev};
    int rc = xy_event_pack_with(ev, s_reserve_own, &o);
    if (!rc)
        rc = s_record(log, ws, ev, w);
    if (!rc)
        ws->own_seq = ev->seq;
    return rc;
}

static int s_write_foreign(event_log_t *log, el_wstate_t *ws, event_write_t *w)
{
    xy_decoded_t *d = NULL;
    /* A body type this node does not know (a newer peer's) is stored and
     * forwarded all the same, never folded: nothing is lost, and a view
     * rebuild after an upgrade folds it. */
    int rc = xy_event_unpack_envelope(w->bytes, w->len, &d);
    if (rc)
        return rc;
    const Xy__Event *ev = xy_decoded_event(d);
    if (ev->body_case == XY__EVENT__BODY__NOT_SET)
        w->flags |= EVENT_FLAG_UNKNOWN_TYPE;
    hlc_t before = ws->hlc;
    if (hlc_observe(&ws->hlc, ev->hlc, log->now_ms(log->now_arg)))
        w->flags |= EVENT_FLAG_CLOCK_AHEAD;
    rc = s_put_event(ws, ev->origin.data, ev->seq, w->bytes, w->len, NULL);
    if (!rc)
        rc = s_record(log, ws, ev, w);
    if (rc == XY_EEXIST)
        ws->hlc = before;
    /* Our own events coming back (a store restored from a peer) keep the
     * next own seq past them. */
    if (!rc && memcmp(ev->origin.data, log->node_id, XY_ID_LEN) == 0 &&
        ev->seq > ws->own_seq)
        ws->own_seq = ev->seq;
    xy_decoded_destroy(&d);
    return rc;
}

/* Item-level outcomes stay in the item; only store-level failures abort. */
static bool s_fatal(int rc)
{
    return rc == XY_ESTOREFULL || rc == XY_ESTORE || rc == XY_EIO ||
           rc == XY_ECORRUPT || rc == XY_ENOMEM;
}

/* Reads the committed counters and clock as this transaction sees them. */
static int s_load_counters(event_log_t *log, MDB_txn *txn, el_wstate_t *ws)
{
    uint64_t hlc = 0;
    int rc = s_meta_get_u64(txn, log->meta, "last_pos", &ws->last_pos);
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "count", &ws->count);
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "own_seq", &ws->own_seq);
    if (!rc)
        rc = s_meta_get_u64(txn, log->meta, "hlc", &hlc);
    if (!rc && hlc > ws->hlc.last)
        ws->hlc.last = hlc;
    return rc;
}

typedef int (*s_txn_fn)(event_log_t *log, el_wstate_t *ws, void *arg);

/* Runs fn in a write transaction and commits it; on MDB_MAP_FULL, aborts,
 * doubles the map (no transaction is active then) and runs fn again. */
static int s_write_txn(event_log_t *log, s_txn_fn fn, void *arg)
{
    for (int attempt = 0; attempt < EL_GROW_TRIES; attempt++) {
        el_wstate_t ws = {.hlc = log->hlc,
                         .last_pos = log->last_pos,
                         .count = log->count,
                         .own_seq = log->own_seq};
        int rc = xy_from_mdb(mdb_txn_begin(log->env, NULL, 0, &ws.txn));
        if (rc)
            return rc;
        /* Another process (the command line beside a running daemon) may
         * have written since: the transaction's own view of the counters is
         * the truth. */
        rc = s_load_counters(log, ws.txn, &ws);
        if (!rc)
            rc = fn(log, &ws, arg);
        if (!rc)
            rc = s_meta_put_u64(ws.txn, log->meta, "last_pos", ws.last_pos);
        if (!rc)
            rc = s_meta_put_u64(ws.txn, log->meta, "count", ws.count);
        if (!rc)
            rc = s_meta_put_u64(ws.txn, log->meta, "own_seq", ws.own_seq);
        if (!rc)
            rc = s_meta_put_u64(ws.txn, log->meta, "hlc", ws.hlc.last);
        if (rc) {
            mdb_txn_abort(ws.txn);
        } else {
            rc = xy_from_mdb(mdb_txn_commit(ws.txn));
        }
        if (rc == XY_ESTOREFULL && log->map_size < EL_MAP_LIMIT) {
            size_t grown = log->map_size * 2;
            if (mdb_env_set_mapsize(log->env, grown))
                return XY_ESTOREFULL;
            log->map_size = grown;
            continue;
        }
        if (rc)
            return rc;
        log->hlc = ws.hlc;
        log->last_pos = ws.last_pos;
        log->count = ws.count;
        log->own_seq = ws.own_seq;
        return 0;
    }
    return XY_ESTOREFULL;
}

typedef struct s_write_args {
    event_write_t *w;
    size_t n;
    const event_cursor_t *cursor;
} s_write_args_t;

/* Writes the items in order; only a store-level failure stops them. */
static int s_write_each(event_log_t *log, el_wstate_t *ws,
                        const s_write_args_t *a)
{
    for (size_t i = 0; i < a->n; i++) {
        event_write_t *w = &a->w[i];
        w->status = 0;
        w->position = w->seq = w->hlc = 0;
        w->flags = 0;
        int rc;
        if (w->kind == EVENT_WRITE_OWN)
            rc = s_write_own(log, ws, w);
        else if (w->kind == EVENT_WRITE_FOREIGN)
            rc = s_write_foreign(log, ws, w);
        else
            rc = XY_EINVAL;
        if (rc && s_fatal(rc))
            return rc;
        w->status = rc;
    }
    return 0;
}

static int s_write_items(event_log_t *log, el_wstate_t *ws, void *arg)
{
    s_write_args_t *a = arg;
    /* A retry after the map grew starts from the store again. */
    s_fronts_clear(&log->fronts);
    int rc = xy_from_mdb(mdb_cursor_open(ws->txn, log->events, &ws->ev_cur));
    if (!rc)
        rc = xy_from_mdb(mdb_cursor_open(ws->txn, log->log, &ws->log_cur));
    if (!rc)
        rc = s_write_each(log, ws, a);
    if (!rc)
        rc = s_fronts_flush(log, ws->txn);
    if (ws->log_cur)
        mdb_cursor_close(ws->log_cur);
    if (ws->ev_cur)
        mdb_cursor_close(ws->ev_cur);
    ws->ev_cur = ws->log_cur = NULL;
    if (!rc && a->cursor) {
        size_t plen = strlen(a->cursor->peer);
        uint8_t buf[8];
        el_put_be64(buf, a->cursor->position);
        MDB_val k = {plen, (void *)a->cursor->peer}, v = {8, buf};
        rc = xy_from_mdb(mdb_put(ws->txn, log->cursors, &k, &v, 0));
    }
    return rc;
}

int event_log_write(event_log_t *log, event_write_t *w, size_t n,
                    const event_cursor_t *cursor)
{
    if (cursor) {
        size_t plen = strlen(cursor->peer);
        if (plen == 0 || plen > EL_PEER_MAX)
            return XY_EINVAL;
    }
    s_write_args_t a = {w, n, cursor};
    return s_write_txn(log, s_write_items, &a);
}

int event_log_refresh(event_log_t *log)
{
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    el_wstate_t ws = {.txn = txn, .hlc = log->hlc};
    rc = s_load_counters(log, txn, &ws);
    mdb_txn_abort(txn);
    if (rc)
        return rc;
    log->last_pos = ws.last_pos;
    log->count = ws.count;
    log->own_seq = ws.own_seq;
    log->hlc = ws.hlc;
    return 0;
}

uint64_t event_log_last_position(event_log_t *log)
{
    return log->last_pos;
}

uint64_t event_log_count(event_log_t *log)
{
    return log->count;
}

const char *event_log_dir(const event_log_t *log)
{
    return log->dir;
}

const uint8_t *event_log_node_id(const event_log_t *log)
{
    return log->node_id;
}

static int s_rebuild(event_log_t *log, el_wstate_t *ws, void *arg)
{
    (void)arg;
    return s_fold_all(log, ws->txn);
}

int event_log_rebuild_views(event_log_t *log)
{
    return s_write_txn(log, s_rebuild, NULL);
}

size_t event_log_map_size(const event_log_t *log)
{
    return log->map_size;
}

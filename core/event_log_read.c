/* The read side of the event log (event_log.h): the changes feed, lookups,
 * frontiers, cursors and views, each in a short read transaction. */
#include "core/event_log_internal.h"
#include "core/view_internal.h"
#include "common/xy_error.h"

#include <string.h>

int el_read_begin(event_log_t *log, MDB_txn **txn)
{
    return xy_from_mdb(mdb_txn_begin(log->env, NULL, MDB_RDONLY, txn));
}

/* Fills ref from a log entry and the event it points at. */
int el_ref_from_log(event_log_t *log, MDB_txn *txn, const MDB_val *pk,
                          const MDB_val *lv, event_ref_t *ref)
{
    if (pk->mv_size != 8 || lv->mv_size != EL_LOGVAL_LEN)
        return XY_ECORRUPT;
    const uint8_t *l = lv->mv_data;
    MDB_val k = {EL_EVKEY_LEN, (void *)l}, v;
    int rc = mdb_get(txn, log->events, &k, &v);
    if (rc)
        return rc == MDB_NOTFOUND ? XY_ECORRUPT : xy_from_mdb(rc);
    ref->position = el_be64(pk->mv_data);
    ref->origin = l;
    ref->seq = el_be64(l + XY_ID_LEN);
    ref->type = (uint32_t)l[EL_EVKEY_LEN] << 24 |
                (uint32_t)l[EL_EVKEY_LEN + 1] << 16 |
                (uint32_t)l[EL_EVKEY_LEN + 2] << 8 | l[EL_EVKEY_LEN + 3];
    ref->flags = l[EL_EVKEY_LEN + 4];
    ref->bytes = v.mv_data;
    ref->len = v.mv_size;
    return 0;
}

int event_log_changes(event_log_t *log, uint64_t after, size_t max,
                      event_filter_fn filter, void *filter_arg,
                      event_visit_fn visit, void *visit_arg, uint64_t *last)
{
    if (last)
        *last = after;
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    MDB_cursor *cur = NULL;
    rc = xy_from_mdb(mdb_cursor_open(txn, log->log, &cur));
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    uint8_t start[8];
    el_put_be64(start, after + 1);
    MDB_val pk = {8, start}, lv;
    size_t visited = 0;
    int mrc = mdb_cursor_get(cur, &pk, &lv, MDB_SET_RANGE);
    while (mrc == 0 && (max == 0 || visited < max)) {
        event_ref_t ref;
        rc = el_ref_from_log(log, txn, &pk, &lv, &ref);
        if (rc)
            break;
        if (!filter || filter(&ref, filter_arg)) {
            visited++;
            rc = visit(&ref, visit_arg);
            if (rc) {
                if (last && rc == EVENT_VISIT_STOP)
                    *last = ref.position;
                rc = rc < 0 ? rc : 0;
                goto out;
            }
        }
        if (last)
            *last = ref.position;
        mrc = mdb_cursor_get(cur, &pk, &lv, MDB_NEXT);
    }
    if (!rc && mrc && mrc != MDB_NOTFOUND)
        rc = xy_from_mdb(mrc);
out:
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    return rc;
}

int event_log_get(event_log_t *log, const uint8_t origin[XY_ID_LEN],
                  uint64_t seq, event_visit_fn visit, void *arg)
{
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    uint8_t key[EL_EVKEY_LEN];
    memcpy(key, origin, XY_ID_LEN);
    el_put_be64(key + XY_ID_LEN, seq);
    MDB_val k = {sizeof key, key}, v;
    rc = xy_from_mdb(mdb_get(txn, log->events, &k, &v));
    if (!rc) {
        xy_decoded_t *d = NULL;
        rc = xy_event_unpack_envelope(v.mv_data, v.mv_size, &d);
        if (rc)
            rc = XY_ECORRUPT;
        else {
            event_ref_t ref = {0, key, seq,
                               (uint32_t)xy_decoded_event(d)->body_case, 0,
                               v.mv_data, v.mv_size};
            xy_decoded_destroy(&d);
            rc = visit(&ref, arg);
            rc = rc < 0 ? rc : 0;
        }
    }
    mdb_txn_abort(txn);
    return rc;
}

int event_log_frontier(event_log_t *log, const uint8_t origin[XY_ID_LEN],
                       uint64_t *seq)
{
    *seq = 0;
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    MDB_val k = {XY_ID_LEN, (void *)origin}, v;
    rc = mdb_get(txn, log->frontier, &k, &v);
    if (rc == 0 && v.mv_size == 8)
        *seq = el_be64(v.mv_data);
    rc = (rc == MDB_NOTFOUND) ? 0 : xy_from_mdb(rc);
    mdb_txn_abort(txn);
    return rc;
}

int event_log_frontiers(event_log_t *log, event_frontier_fn visit, void *arg)
{
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    MDB_cursor *cur = NULL;
    rc = xy_from_mdb(mdb_cursor_open(txn, log->frontier, &cur));
    if (!rc) {
        MDB_val k, v;
        int mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
        while (mrc == 0 && !rc) {
            if (k.mv_size != XY_ID_LEN || v.mv_size != 8) {
                rc = XY_ECORRUPT;
                break;
            }
            rc = visit(k.mv_data, el_be64(v.mv_data), arg);
            if (rc > 0) {
                rc = 0;
                break;
            }
            mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
        }
        if (!rc && mrc && mrc != MDB_NOTFOUND)
            rc = xy_from_mdb(mrc);
        mdb_cursor_close(cur);
    }
    mdb_txn_abort(txn);
    return rc;
}

int event_log_cursor(event_log_t *log, const char *peer, uint64_t *position)
{
    *position = 0;
    size_t plen = strlen(peer);
    if (plen == 0 || plen > EL_PEER_MAX)
        return XY_EINVAL;
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    MDB_val k = {plen, (void *)peer}, v;
    rc = mdb_get(txn, log->cursors, &k, &v);
    if (rc == 0 && v.mv_size == 8)
        *position = el_be64(v.mv_data);
    rc = (rc == MDB_NOTFOUND) ? 0 : xy_from_mdb(rc);
    mdb_txn_abort(txn);
    return rc;
}

int event_log_view_read(event_log_t *log, view_read_fn fn, void *arg)
{
    MDB_txn *txn = NULL;
    int rc = el_read_begin(log, &txn);
    if (rc)
        return rc;
    view_txn_t vt = {txn, log->vs, log->views, false};
    rc = fn(&vt, arg);
    mdb_txn_abort(txn);
    return rc;
}

static int s_digest_fn(view_txn_t *vt, void *arg)
{
    return view_digest(vt, arg);
}

int event_log_view_digest(event_log_t *log, uint8_t out[32])
{
    return event_log_view_read(log, s_digest_fn, out);
}
